"""Search engines side by side on realistic Chinese disclosures: build, query, publish, rebuild.

    .venv/bin/python bench/search.py [--docs 100000] [--backends tantivy,whoosh] [--queries 200]
                                     [--out bench/results/search-<N>-<UTC time>.json]

What it does, in one invocation (each step of each engine in its own subprocess, so memory figures
are the engine's own and one engine's caches never help the other):

1. segmentation: rjieba vs jieba (if installed) on the same 1,000 documents with the same domain
   dictionary and site names: characters/s and whether the tokens are identical; then the
   portal's whole analysis (portal.search.analysis.index_text of title, body and place names):
   documents/s and characters/s;
2. build: an empty index in /tmp, documents 0..N-1 of bench/search_corpus.py applied in batches
   of 500 with SearchBackend.apply, as `search rebuild` does (analysis included, generating the
   text excluded). An engine of --capped (whoosh) whose projected build time exceeds
   --max-build-minutes is built to the largest multiple of 5,000 documents that fits, and the
   table says so with the projection;
3. queries, in --rounds rounds alternating the order of the engines: the query set
   (search_corpus.queries) segmented with query_tokens, each query in six forms, interleaved:
   unscoped, scoped to a township (within_tree, with the city and district above) and scoped to
   a village (with its three ancestors above), each with and without facets; relevance order,
   limit 10; one warm-up pass first. Only SearchBackend.search is timed. When the warm-up pass
   projects a round beyond --query-minutes, the round uses the first queries that fit (the table
   gives the number);
4. publish -> searchable: --publish times, a new document applied alone (apply([doc], [])) by one
   backend object and then found by a search (unscoped, facets on) through a second backend
   object opened on the same folder, as another process would; publications --publish-gap
   seconds apart (1 s: people publish, and the outbox batches bursts), then as many again back
   to back (0.05 s apart), where a commit can wait for the merges the previous ones started;
5. rebuild: clear() and the N documents again, as in 2.

Peak memory is VmHWM of each subprocess (/proc/self/status). The machine is shared: compare the
engines within one run, not one run with another.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from benchlib import BENCH, ROOT, log, machine

sys.path.insert(0, str(ROOT))

BATCH = 500  # what Indexer.rebuild hands to apply() at a time (documents.public_item_ids)
CAP_STEP = 5000
MODES = ("unscoped", "unscoped_facets", "township", "township_facets", "village",
         "village_facets")
TARGETS = {  # tantivy, from issue #5
    "p95_unscoped_100k_ms": 10.0, "p95_unscoped_1m_ms": 30.0, "p95_scoped_1m_ms": 5.0,
    "publish_p95_ms": 100.0, "rebuild_100k_s": 180.0,
}


# -- helpers used in the workers -----------------------------------------------------------------


def proc_status() -> dict:
    """Peak and current memory of this process in MB, from /proc/self/status."""
    out = {}
    for line in Path("/proc/self/status").read_text().splitlines():
        key, _, value = line.partition(":")
        if key in ("VmHWM", "VmRSS", "RssAnon", "RssFile"):
            out[key] = int(value.split()[0]) / 1024
    out["ru_maxrss"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return out


def dir_bytes(path: Path) -> int:
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file())


def percentiles(values: list[float]) -> dict:
    """p50, p95, p99 and mean of milliseconds."""
    if len(values) < 2:
        return {"p50": values[0] if values else None, "p95": None, "p99": None, "n": len(values)}
    cuts = statistics.quantiles(values, n=100, method="inclusive")
    return {"p50": cuts[49], "p95": cuts[94], "p99": cuts[98], "mean": statistics.fmean(values),
            "max": max(values), "n": len(values)}


def load() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def _setup():
    """Import the corpus and the analysis with the site names learnt; returns the corpus module."""
    import search_corpus

    search_corpus.prepare_segmenter()
    return search_corpus


# -- workers ---------------------------------------------------------------------------------


def work_segment(args) -> dict:
    """rjieba vs jieba on the same text, and the portal's whole analysis."""
    corpus = _setup()
    from portal.search import analysis

    raws = [corpus.raw_doc(i) for i in range(args.segment_docs)]
    # What portal.search.analysis cuts: the folded text, separators made spaces.
    texts = [analysis.SEPARATORS.sub(" ", analysis.fold(text))
             for r in raws for text in (r.title, r.body)]
    chars = sum(map(len, texts))
    seg = analysis.segmenter()
    started = time.perf_counter()
    rjieba_tokens = [seg.cut(t, True) for t in texts]
    rjieba_s = time.perf_counter() - started
    out = {"docs": len(raws), "chars": chars, "rjieba_chars_per_s": chars / rjieba_s}
    try:
        import jieba
    except ImportError:
        out["jieba"] = "not installed"
    else:
        jieba.setLogLevel(60)
        jieba.initialize()
        for word in analysis.domain_words():
            jieba.add_word(word)
        for word in sorted(corpus.site_names()):
            jieba.add_word(analysis.fold(word))
        started = time.perf_counter()
        jieba_tokens = [list(jieba.cut_for_search(t, HMM=True)) for t in texts]
        jieba_s = time.perf_counter() - started

        def words(tokens):
            return [t for t in tokens if t.strip()]

        # texts hold title and body of each document in turn: a document agrees if both do.
        same_docs = sum(
            words(rjieba_tokens[i]) == words(jieba_tokens[i])
            and words(rjieba_tokens[i + 1]) == words(jieba_tokens[i + 1])
            for i in range(0, len(texts), 2))
        out.update(jieba_chars_per_s=chars / jieba_s, jieba_version=jieba.__version__,
                   identical_docs=same_docs, speedup=jieba_s / rjieba_s)
    docs_n = min(args.docs, args.analysis_docs)
    raws = [corpus.raw_doc(i) for i in range(docs_n)]
    corpus.index_doc(raws[0])  # warm-up: compiles the domain pattern, opens OpenCC
    chars = sum(len(r.title) + len(r.body) for r in raws)
    started = time.perf_counter()
    for r in raws:
        corpus.index_doc(r)
    took = time.perf_counter() - started
    out.update(analysis_docs=docs_n, analysis_docs_per_s=docs_n / took,
               analysis_chars_per_s=chars / took, mean_doc_chars=chars / docs_n)
    return out


def _fill(backend, corpus, start: int, stop: int, budget_s: float | None, log_every: int) -> dict:
    """Apply documents start..stop-1 in batches; stop early at a cap if over budget."""
    analysis_s = engine_s = gen_s = 0.0
    cap, projected, done = stop, None, start
    while done < cap:
        n = min(BATCH, cap - done)
        t0 = time.perf_counter()
        raws = [corpus.raw_doc(i) for i in range(done, done + n)]
        t1 = time.perf_counter()
        docs = [corpus.index_doc(r) for r in raws]
        t2 = time.perf_counter()
        backend.apply(docs, [])
        t3 = time.perf_counter()
        gen_s += t1 - t0
        analysis_s += t2 - t1
        engine_s += t3 - t2
        done += n
        built = done - start
        if budget_s and built >= 2000 and cap == stop:
            rate = built / (analysis_s + engine_s)
            if (stop - start) / rate > budget_s:
                projected = (stop - start) / rate
                cap = start + max(CAP_STEP, int(budget_s * 0.85 * rate) // CAP_STEP * CAP_STEP)
                cap = min(cap, stop)
                log(f"    projected {projected / 60:.0f} min for {stop - start} documents; "
                    f"building {cap - start} instead")
        if log_every and built % log_every < BATCH:
            log(f"    {built} documents, {built / (analysis_s + engine_s):.0f}/s, "
                f"load {load()}")
    return {"docs": done - start, "analysis_s": analysis_s, "engine_s": engine_s,
            "seconds": analysis_s + engine_s, "generate_s": gen_s,
            "projected_s_for_requested": projected}


def work_build(args) -> dict:
    corpus = _setup()
    from portal.search.backends import open_backend

    path = Path(args.index)
    backend = open_backend(args.backend, path)
    capped = args.backend in args.capped.split(",")
    budget = args.max_build_minutes * 60 if args.max_build_minutes and capped else None
    out = {"load_before": load()}
    out.update(_fill(backend, corpus, 0, args.docs, budget, args.log_every))
    out["count"] = backend.count()
    out["rate"] = out["docs"] / out["seconds"]
    out["engine_rate"] = out["docs"] / out["engine_s"]
    out["index_bytes"] = dir_bytes(path)
    out["memory_mb"] = proc_status()
    out["load_after"] = load()
    backend.close()
    return out


def _queries(corpus, count: int) -> list[tuple[str, dict]]:
    """(query text, SearchQuery per mode) for the query set."""
    from portal.core.tenancy import ancestor_codes
    from portal.search.analysis import query_tokens
    from portal.search.backends.base import SearchQuery, Term

    texts = corpus.queries(count)
    townships, villages = corpus.scopes(count)
    out = []
    for text, township, village in zip(texts, townships, villages, strict=True):
        terms = [Term(tokens=[t]) for t in query_tokens(text)]
        forms = {}
        for facets in (False, True):
            suffix = "_facets" if facets else ""
            forms["unscoped" + suffix] = SearchQuery(terms=terms, facets=facets)
            for name, site in (("township", township), ("village", village)):
                forms[name + suffix] = SearchQuery(
                    terms=terms, scope=site.code, within_tree=True,
                    above=ancestor_codes(site.code)[:-1], facets=facets)
        out.append((text, forms))
    return out


def work_query(args) -> dict:
    corpus = _setup()
    from portal.search.analysis import query_tokens
    from portal.search.backends import open_backend

    backend = open_backend(args.backend, Path(args.index))
    started = time.perf_counter()
    for text in corpus.queries(args.queries):
        query_tokens(text)
    tokenize_ms = (time.perf_counter() - started) * 1000 / args.queries
    queries = _queries(corpus, args.queries)
    started = time.perf_counter()
    for _text, forms in queries:  # warm-up
        try:
            backend.search(forms["unscoped_facets"])
        except Exception:  # noqa: S110 - counted in the timed pass
            pass
    per_query_s = (time.perf_counter() - started) / len(queries)
    if args.query_minutes and per_query_s * len(MODES) * len(queries) > args.query_minutes * 60:
        fits = max(20, int(args.query_minutes * 60 / (per_query_s * len(MODES))))
        log(f"    {per_query_s * 1000:.0f} ms per query: this round uses the first {fits} queries")
        queries = queries[:fits]
    times = {mode: [] for mode in MODES}
    hits = {mode: [] for mode in MODES}
    errors: dict[str, list] = {mode: [] for mode in MODES}
    load_before = load()
    for text, forms in queries:
        for mode in MODES:
            t0 = time.perf_counter()
            try:
                result = backend.search(forms[mode])
            except Exception as error:  # an engine bug: counted and shown, not timed
                errors[mode].append(f"{text!r}: {type(error).__name__}: {error}")
                hits[mode].append(None)
                continue
            times[mode].append((time.perf_counter() - t0) * 1000)
            hits[mode].append(result.total)
    out = {"load_before": load_before, "load_after": load(), "tokenize_ms": tokenize_ms,
           "queries": len(queries), "errors": errors,
           "times_ms": times, "totals": hits, "memory_mb": proc_status()}
    backend.close()
    return out


def work_publish(args) -> dict:
    corpus = _setup()
    from portal.search.backends import open_backend
    from portal.search.backends.base import SearchQuery, Term

    writer = open_backend(args.backend, Path(args.index))
    reader = open_backend(args.backend, Path(args.index))
    reader.search(SearchQuery(terms=[Term(tokens=["低保"])]))
    apply_ms, search_ms, total_ms, analysis_ms, burst_ms = [], [], [], [], []
    for k in range(2 * args.publish):
        n = 10_000_000 + k
        raw = corpus.raw_doc(n)
        marker = str(73_000_000 + k)
        raw.title = f"{raw.title}（编号{marker}）"
        t0 = time.perf_counter()
        doc = corpus.index_doc(raw, doc_id=f"item:{n}")
        t1 = time.perf_counter()
        writer.apply([doc], [])
        t2 = time.perf_counter()
        found = reader.search(SearchQuery(terms=[Term(tokens=[marker])], facets=True))
        t3 = time.perf_counter()
        if doc.id not in found.ids:
            raise SystemExit(f"{args.backend}: {doc.id} not found right after apply")
        if k >= args.publish:  # the second half: back to back
            burst_ms.append((t3 - t1) * 1000)
            time.sleep(0.05)
            continue
        analysis_ms.append((t1 - t0) * 1000)
        apply_ms.append((t2 - t1) * 1000)
        search_ms.append((t3 - t2) * 1000)
        total_ms.append((t3 - t1) * 1000)
        time.sleep(args.publish_gap)
    writer.apply([], [f"item:{10_000_000 + k}" for k in range(2 * args.publish)])
    out = {"apply_ms": apply_ms, "search_ms": search_ms, "total_ms": total_ms,
           "analysis_ms": analysis_ms, "burst_ms": burst_ms, "memory_mb": proc_status(),
           "load": load()}
    writer.close()
    reader.close()
    return out


def work_rebuild(args) -> dict:
    corpus = _setup()
    from portal.search.backends import open_backend

    path = Path(args.index)
    backend = open_backend(args.backend, path)
    count = backend.count()
    out = {"load_before": load()}
    t0 = time.perf_counter()
    backend.clear()
    out["clear_s"] = time.perf_counter() - t0
    out.update(_fill(backend, corpus, 0, args.docs, None, args.log_every))
    out["seconds"] += out["clear_s"]
    out["count_before"] = count
    out["count"] = backend.count()
    out["index_bytes"] = dir_bytes(path)
    out["memory_mb"] = proc_status()
    out["load_after"] = load()
    backend.close()
    return out


WORKERS = {"segment": work_segment, "build": work_build, "query": work_query,
           "publish": work_publish, "rebuild": work_rebuild}


# -- the driver ------------------------------------------------------------------------------


class WorkerFailed(RuntimeError):
    """A step of the bench ended with an error (its traceback is on stderr)."""


def run_worker(kind: str, args, backend: str = "", index: str = "", docs: int | None = None,
               tmp: str = "") -> dict:
    """Run one step in a fresh interpreter; returns its JSON answer."""
    result_path = os.path.join(tmp, f"{kind}-{backend or 'all'}-{time.monotonic_ns()}.json")
    cmd = [sys.executable, str(BENCH / "search.py"), "--worker", kind, "--result", result_path,
           "--docs", str(args.docs if docs is None else docs), "--queries", str(args.queries),
           "--publish", str(args.publish), "--publish-gap", str(args.publish_gap),
           "--segment-docs", str(args.segment_docs),
           "--analysis-docs", str(args.analysis_docs), "--log-every", str(args.log_every),
           "--max-build-minutes", str(args.max_build_minutes), "--capped", args.capped,
           "--query-minutes", str(args.query_minutes)]
    if backend:
        cmd += ["--backend", backend, "--index", index]
    started = time.perf_counter()
    proc = subprocess.run(cmd, cwd=ROOT, check=False)
    if proc.returncode != 0:
        raise WorkerFailed(f"worker failed ({proc.returncode}): {' '.join(cmd)}")
    with open(result_path) as f:
        result = json.load(f)
    result["wall_s"] = time.perf_counter() - started
    return result


def available(name: str) -> str | None:
    """None if the engine can be opened, else why not."""
    probe = (f"import sys; sys.path.insert(0, {str(ROOT)!r}); import tempfile, pathlib; "
             f"from portal.search.backends import open_backend; "
             f"open_backend({name!r}, pathlib.Path(tempfile.mkdtemp())).close()")
    proc = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                          check=False)
    return None if proc.returncode == 0 else (proc.stderr.strip().splitlines() or ["?"])[-1]


def fmt(value, digits=1) -> str:
    if value is None:
        return "—"
    if isinstance(value, float):
        return f"{value:,.{digits}f}"
    return f"{value:,}"


def _errors(errors: dict) -> str:
    """How many queries raised, per form, and the first error."""
    counts = {m: len(v) for m, v in errors.items() if v}
    if not counts:
        return "0"
    first = next(v[0] for v in errors.values() if v)
    return ", ".join(f"{m} {n}" for m, n in counts.items()) + f" — first: {first[:120]}"


def summarise(results: dict, args) -> list[str]:
    """The tables, as Markdown lines."""
    backends = [b for b in args.backends if b in results["build"]]
    lines = [f"search bench: {args.docs:,} documents requested, {args.queries} queries, "
             f"{args.rounds} query rounds, {args.publish} publications; "
             f"{results['machine']['nproc']} x {results['machine']['cpu']}; "
             f"{results['machine']['date']}", ""]
    seg = results.get("segment")
    if seg:
        lines.append(f"segmentation of {seg['docs']:,} documents ({seg['chars']:,} characters): "
                     f"rjieba {seg['rjieba_chars_per_s'] / 1e6:.2f} M chars/s"
                     + (f", jieba {seg['jieba_chars_per_s'] / 1e6:.2f} M chars/s "
                        f"({seg['speedup']:.1f}x), identical tokens in {seg['identical_docs']} of "
                        f"{seg['docs']} documents" if "speedup" in seg else ", jieba not installed"))
        lines.append(f"whole analysis (index_text of title, body, places): "
                     f"{seg['analysis_docs_per_s']:,.0f} docs/s, "
                     f"{seg['analysis_chars_per_s'] / 1e6:.2f} M chars/s "
                     f"(mean {seg['mean_doc_chars']:.0f} characters per document, "
                     f"{seg['analysis_docs']:,} documents)")
        lines.append("")
    header = "| | " + " | ".join(backends) + " |"
    lines += [header, "|---|" + "---:|" * len(backends)]

    def row(label, fn):
        cells = []
        for b in backends:
            try:
                cells.append(fn(b))
            except (KeyError, TypeError, IndexError):
                cells.append("—")
        lines.append(f"| {label} | " + " | ".join(cells) + " |")

    build, rebuild, publish = results["build"], results.get("rebuild", {}), results.get("publish", {})
    row("documents indexed", lambda b: fmt(build[b]["docs"]) + (
        f" (projected {build[b]['projected_s_for_requested'] / 60:,.0f} min for {args.docs:,})"
        if build[b].get("projected_s_for_requested") else ""))
    row("build, docs/s (analysis + engine)", lambda b: fmt(build[b]["rate"], 0))
    row("… build time", lambda b: f"{build[b]['seconds']:,.1f} s")
    row("… engine only, docs/s", lambda b: fmt(build[b]["engine_rate"], 0))
    row("… analysis share of build", lambda b: f"{100 * build[b]['analysis_s'] / build[b]['seconds']:.0f} %")
    row("index size on disk", lambda b: f"{build[b]['index_bytes'] / 2**20:,.0f} MB")
    row("peak RSS, build", lambda b: f"{build[b]['memory_mb']['VmHWM']:,.0f} MB")
    for mode in MODES:
        label = {"unscoped": "unscoped", "township": "scoped: township tree",
                 "village": "scoped: village (+ downward from above)"}[mode.replace("_facets", "")]
        label += ", facets" if mode.endswith("_facets") else ", no facets"
        row(f"query p50 / p95 / p99 ms, {label}",
            lambda b, m=mode: " / ".join(fmt(results["query"][b][m][k], 2)
                                         for k in ("p50", "p95", "p99")))
    row("queries timed per form (rounds × queries)",
        lambda b: " + ".join(str(n) for n in results["query"][b]["queries_per_round"]))
    row("queries that raised an error (of all timed, every form)",
        lambda b: _errors(results["query"][b]["errors"]))
    first = backends[0] if backends else None

    def agree(b):
        counts = []
        for m in ("unscoped", "township", "village"):
            pairs = list(zip(results["query"][first]["totals"][m],
                             results["query"][b]["totals"][m], strict=False))
            same = sum(1 for x, y in pairs if x is not None and x == y)
            counts.append(f"{same}/{len(pairs)}")
        return " · ".join(counts)

    row(f"… same total as {first}, per query: unscoped · township · village", agree)
    row("… mean hits per query, unscoped / township / village",
        lambda b: " / ".join(fmt(results["query"][b]["hits"][m], 0)
                             for m in ("unscoped", "township", "village")))
    row("peak RSS, queries", lambda b: f"{results['query'][b]['memory_mb']['VmHWM']:,.0f} MB")
    row(f"publish → searchable p50 / p95 ms ({args.publish_gap:g} s apart)",
        lambda b: f"{fmt(publish[b]['total']['p50'], 1)} / {fmt(publish[b]['total']['p95'], 1)}")
    row("… apply p95 / search p95 ms",
        lambda b: f"{fmt(publish[b]['apply']['p95'], 1)} / {fmt(publish[b]['search']['p95'], 1)}")
    row("publish → searchable p50 / p95 ms, back to back",
        lambda b: f"{fmt(publish[b]['burst']['p50'], 1)} / {fmt(publish[b]['burst']['p95'], 1)}")
    row("rebuild (clear + all documents)", lambda b: f"{rebuild[b]['seconds']:,.1f} s "
                                                     f"({rebuild[b]['docs']:,} docs)")
    row("peak RSS, rebuild", lambda b: f"{rebuild[b]['memory_mb']['VmHWM']:,.0f} MB")
    for name, why in results.get("failed", {}).items():
        lines += ["", f"FAILED {name}: {why}"]
    for name, why in results.get("skipped", {}).items():
        lines += ["", f"not run: {name}: {why}"]
    return lines


def query_summary(runs: list[dict]) -> dict:
    """Percentiles over every round of one engine, and what the rounds found."""
    merged = {m: [t for run in runs for t in run["times_ms"][m]] for m in MODES}
    out: dict = {m: percentiles(merged[m]) for m in MODES}
    out["per_round"] = [{m: percentiles(run["times_ms"][m]) for m in MODES} for run in runs]
    found = {m: [t for t in runs[0]["totals"][m] if t is not None] for m in MODES}
    out["hits"] = {m: statistics.fmean(found[m]) if found[m] else None for m in MODES}
    out["totals"] = runs[0]["totals"]
    out["zero_hits_unscoped"] = sum(1 for t in runs[0]["totals"]["unscoped"] if t == 0)
    out["memory_mb"] = max((run["memory_mb"] for run in runs), key=lambda m: m["VmHWM"])
    out["tokenize_ms"] = runs[0]["tokenize_ms"]
    out["queries_per_round"] = [run["queries"] for run in runs]
    out["errors"] = {m: [e for run in runs for e in run["errors"][m]] for m in MODES}
    out["loads"] = [(run["load_before"], run["load_after"]) for run in runs]
    out["raw_ms"] = merged
    return out


def driver(args) -> None:
    info = machine()
    log(f"machine: {info['nproc']} x {info['cpu']}; {info['date']}; load {info['loadavg']}")
    stamp = time.strftime("%Y%m%dT%H%MZ", time.gmtime())
    out_path = Path(args.out or BENCH / "results" / f"search-{args.docs}-{stamp}.json")
    tmp = tempfile.mkdtemp(prefix="portal-bench-search-", dir="/tmp")
    results: dict = {"machine": info, "args": vars(args), "tmp": tmp, "build": {}, "query": {},
                     "publish": {}, "rebuild": {}, "skipped": {}}
    backends = []
    for name in args.backends:
        why = available(name)
        if why:
            log(f"{name}: not available ({why}); skipped")
            results["skipped"][name] = why
        else:
            backends.append(name)
    args.backends = backends
    failed = results["failed"] = {}

    def step(kind: str, b: str = "", **options) -> dict | None:
        """Run one step; a failing engine is reported and left out of the next steps."""
        try:
            return run_worker(kind, args, b, indexes.get(b, ""), tmp=tmp, **options)
        except WorkerFailed as error:
            log(f"   {b or kind}: {error}")
            failed[b or kind] = f"{kind}: {error}"
            return None

    indexes = {b: os.path.join(tmp, b) for b in backends}
    try:
        if args.segment_docs:
            log("== segmentation and analysis")
            results["segment"] = step("segment")
        for b in backends:
            log(f"== build: {b}")
            built = step("build", b)
            if built:
                results["build"][b] = built
                log(f"   {built['docs']} documents in {built['seconds']:.1f} s")
        raw_query: dict = {b: [] for b in backends}
        for r in range(args.rounds):
            for b in (backends if r % 2 == 0 else backends[::-1]):
                if b not in failed:
                    log(f"== queries round {r + 1}: {b}")
                    run = step("query", b, docs=results["build"][b]["docs"])
                    if run:
                        raw_query[b].append(run)
        for b in backends:
            if raw_query[b]:
                results["query"][b] = query_summary(raw_query[b])
        for b in backends:
            if args.publish and b not in failed:
                log(f"== publish -> searchable: {b}")
                raw = step("publish", b)
                if raw:
                    results["publish"][b] = {
                        "total": percentiles(raw["total_ms"]),
                        "apply": percentiles(raw["apply_ms"]),
                        "search": percentiles(raw["search_ms"]),
                        "burst": percentiles(raw["burst_ms"]),
                        "analysis": percentiles(raw["analysis_ms"]),
                        "memory_mb": raw["memory_mb"], "load": raw["load"], "raw": raw}
        for b in backends:
            if args.rebuild and b not in failed:
                log(f"== rebuild: {b}")
                rebuilt = step("rebuild", b, docs=results["build"][b]["docs"])
                if rebuilt:
                    results["rebuild"][b] = rebuilt
        results["machine"]["loadavg_end"] = load()
        lines = summarise(results, args)
        text = "\n".join(lines) + "\n"
        sys.stdout.write("\n" + text)
        out_path.parent.mkdir(parents=True, exist_ok=True)
        out_path.write_text(json.dumps(results, ensure_ascii=False, indent=1))
        out_path.with_suffix(".txt").write_text(text)
        log(f"results: {out_path} and {out_path.with_suffix('.txt')}")
    finally:
        if args.keep or failed:
            log(f"indexes kept in {tmp}")
        else:
            shutil.rmtree(tmp, ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--docs", type=int, default=100_000)
    parser.add_argument("--backends", default="tantivy,whoosh")
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--rounds", type=int, default=2, help="query rounds per engine")
    parser.add_argument("--publish", type=int, default=50, help="publish -> searchable repetitions")
    parser.add_argument("--publish-gap", type=float, default=1.0,
                        help="seconds between two publications (then as many back to back)")
    parser.add_argument("--no-rebuild", dest="rebuild", action="store_false")
    parser.add_argument("--max-build-minutes", type=float, default=30.0,
                        help="build a smaller index when the projection exceeds this (0: never)")
    parser.add_argument("--capped", default="whoosh",
                        help="engines the build cap applies to (comma-separated)")
    parser.add_argument("--query-minutes", type=float, default=15.0,
                        help="time budget of one query round of one engine (0: none)")
    parser.add_argument("--segment-docs", type=int, default=1000,
                        help="documents for rjieba vs jieba (0: skip the segmentation step)")
    parser.add_argument("--analysis-docs", type=int, default=5000,
                        help="documents for the analysis-only rate")
    parser.add_argument("--log-every", type=int, default=20_000, help="build progress lines")
    parser.add_argument("--out", help="JSON results (a .txt table is written beside it)")
    parser.add_argument("--keep", action="store_true", help="keep the indexes in /tmp")
    parser.add_argument("--worker", choices=sorted(WORKERS), help=argparse.SUPPRESS)
    parser.add_argument("--backend", help=argparse.SUPPRESS)
    parser.add_argument("--index", help=argparse.SUPPRESS)
    parser.add_argument("--result", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        result = WORKERS[args.worker](args)
        Path(args.result).write_text(json.dumps(result, ensure_ascii=False))
        return
    args.backends = [b.strip() for b in args.backends.split(",") if b.strip()]
    driver(args)


if __name__ == "__main__":
    main()
