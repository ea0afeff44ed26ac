"""The default engine: tantivy (Rust, through its Python bindings).

Text fields use tantivy's whitespace tokenizer over the tokens made by portal.search.analysis.
Queries are built as query objects (term, boolean, boost), never parsed from a string. A writer
is opened per batch and released after commit, so the indexer of another process (or `search
rebuild`) can take the lock next; a busy lock raises IndexBusy and the change stays in the outbox
for the next pass.

How queries stay fast at a million documents (docs/PERFORMANCE.md, "Search"):

* Scope is one field of tokens made at index time (`reach`): `t:<code>` for the document's site
  and each of its ancestors, `d:<site>` when it applies downward, and `v:<code>` for every site
  that sees it in its scope -- the same as t: plus, for a downward document, every site below
  its site (IndexDoc.below). The scope the service asks for, "this site and below, with the
  downward documents of all the sites above", is then the one posting list `v:<site>`; any other
  (the site alone, or other sites above) is a union of `t:`/`site` and `d:` lists. A site added
  later is given its v: token through the outbox (portal.sites.operations.import_divisions
  enqueues the items of the sites above it).
* A restriction (scope, filters) is repeated inside every (field, word) clause instead of being
  one more clause beside the words: tantivy then walks the few documents in scope and skips
  through each word's postings, where a restriction beside a union of dense postings (公示, 年)
  makes it read those postings whole. It scores nothing (constant 0), so results and their order
  are those of the words alone.
* Facets are terms aggregations over fast fields, run on an unscored copy of the query that
  matches every word in `words` (one field with the tokens of title, places and body, without
  frequencies) instead of the per-field clauses; the total comes from the same pass, so the
  ranked search does not count. Part, 大类 and category are one aggregation over `kind`
  ("part<US>major<US>category"), split and summed here.
* Text fields keep frequencies, not positions: nothing searches phrases.

An index written with another layout cannot be read with this one: the backend then raises
IndexOutdated (with the Chinese message `search check` prints) until clear() -- `search
rebuild` -- replaces it. SCHEMA_VERSION names the layout in messages.

A commit may start segment merges. Waiting for them is left to a background thread (tantivy
releases the GIL meanwhile) once MERGE_WAIT_SECONDS have passed, so a publication is searchable
as soon as its commit is; the writer, and with it the lock, is released when the merges end, and
any writer of this process on the same folder waits for them first. Searches reload the reader
only when meta.json changed, i.e. after a commit or a merge.
"""

from __future__ import annotations

import atexit
import logging
import os
import threading
from pathlib import Path

import tantivy

from portal.core.tenancy import ancestor_codes
from portal.search.backends.base import (
    FACET_SIZE,
    FACETS,
    IndexBusy,
    IndexDoc,
    IndexOutdated,
    SearchBackend,
    SearchHits,
    SearchQuery,
)

SCHEMA_VERSION = 2  # 1: scope/downward fields, positions; 2: reach, words, kind, frequencies
WRITER_HEAP_BYTES = 64 * 1024 * 1024
MERGE_WAIT_SECONDS = 0.05  # merges still running after this finish in the background
TEXT_BOOSTS = (("title", 3.0), ("places", 2.0), ("body", 1.0))
KIND_FACETS = ("part", "major", "category")  # counted together through `kind`
COUNTED_FACETS = ("level", "year", "publisher")  # counted each on its own fast field
KIND_SEPARATOR = "\x1f"
KIND_BUCKETS = 10_000  # every kind: there are as many as categories, a few hundred
# Files of the indexer that live beside tantivy's in the index folder (portal.search.indexer).
INDEXER_FILES = frozenset({"position.json", "position.tmp", "indexer.lock"})
log = logging.getLogger(__name__)

# Writers of this process whose merges are still running, by index folder.
_merging: dict[Path, threading.Thread] = {}
_merging_lock = threading.Lock()


def _finish_merges(path: Path | None = None) -> None:
    """Wait until the merges of this process's writers (on one folder, or all) have ended."""
    with _merging_lock:
        threads = [t for p, t in _merging.items() if path is None or p == path]
    for thread in threads:
        thread.join()


def _release_after_merges(path: Path, writer) -> None:
    """Let the writer's merges end (in the background if they take long), then drop it."""

    def wait() -> None:
        try:
            writer.wait_merging_threads()  # consumes the writer: the lock is released
        except Exception:  # a failed merge leaves the committed segments as they were
            log.exception("tantivy merge failed in %s", path)
        finally:
            with _merging_lock:
                if _merging.get(path) is thread:
                    del _merging[path]

    thread = threading.Thread(target=wait, name=f"tantivy-merge {path.name}", daemon=True)
    with _merging_lock:
        _merging[path] = thread
    thread.start()
    thread.join(MERGE_WAIT_SECONDS)


atexit.register(_finish_merges)


def _schema() -> tantivy.Schema:
    builder = tantivy.SchemaBuilder()
    def keys(name: str, stored: bool = False, fast: bool = False) -> None:
        builder.add_text_field(name, stored=stored, fast=fast, tokenizer_name="raw",
                               index_option="basic")

    keys("id", stored=True)
    builder.add_integer_field("revision", stored=True, indexed=False)
    keys("site")
    keys("reach")  # t:<code>, d:<site>, v:<code>
    for name in FACETS:
        keys(name, fast=name in COUNTED_FACETS)
    keys("kind", fast=True)
    builder.add_text_field("words", stored=False, tokenizer_name="whitespace",
                           index_option="basic")
    for name, _boost in TEXT_BOOSTS:
        builder.add_text_field(name, stored=False, tokenizer_name="whitespace",
                               index_option="freq")
    builder.add_date_field("published", stored=False, indexed=True, fast=True)
    return builder.build()


def reach_tokens(doc: IndexDoc) -> list[str]:
    """Who sees a document in a scope: the trees of its site and ancestors (t:), everything below
    its site when it applies downward (d:), and each of those sites by name (v:)."""
    tokens = [f"t:{code}" for code in doc.scope]
    tokens += [f"v:{code}" for code in doc.scope]
    if doc.downward:
        tokens.append(f"d:{doc.site}")
        tokens += [f"v:{code}" for code in doc.below]
    return tokens


def _top(counts: dict[str, int]) -> list[tuple[str, int]]:
    """The FACET_SIZE largest counts, ties by value (as the Whoosh backend orders them)."""
    ranked = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
    return ranked[:FACET_SIZE]


def _facets(aggregated: dict) -> tuple[int, dict[str, list[tuple[str, int]]]]:
    """(total, facet counts) from the facet aggregation of a query."""
    kinds = aggregated["kind"]
    total = kinds.get("sum_other_doc_count", 0)
    parts: dict[str, int] = {}
    majors: dict[str, int] = {}
    categories: dict[str, int] = {}
    for bucket in kinds["buckets"]:
        count = bucket["doc_count"]
        total += count
        part, major, category = bucket["key"].split(KIND_SEPARATOR)
        parts[part] = parts.get(part, 0) + count
        majors[major] = majors.get(major, 0) + count
        categories[category] = categories.get(category, 0) + count
    facets = {"part": _top(parts), "major": _top(majors), "category": _top(categories)}
    for name in COUNTED_FACETS:
        facets[name] = _top({b["key"]: b["doc_count"] for b in aggregated[name]["buckets"]})
    return total, {name: facets[name] for name in FACETS}


FACET_AGGREGATIONS = {
    "kind": {"terms": {"field": "kind", "size": KIND_BUCKETS}},
    **{name: {"terms": {"field": name, "size": FACET_SIZE}} for name in COUNTED_FACETS},
}


class TantivyBackend(SearchBackend):
    """A tantivy index in a folder."""

    name = "tantivy"

    def __init__(self, path: Path):
        super().__init__(path)
        path.mkdir(parents=True, exist_ok=True)
        self._key = path.resolve()
        self.schema = _schema()
        self._lock = threading.Lock()
        self._meta: tuple | None = None  # meta.json as of the last reload
        self.index = None
        self.outdated: str | None = None  # why the index on disk cannot be read, if it cannot
        self._open()

    def _open(self) -> None:
        """Open the index in the current layout, or note that the folder holds an older one."""
        try:
            self.index = tantivy.Index(self.schema, path=str(self.path))
        except ValueError as error:  # "Schema error: 'An index exists but the schema does not match.'"
            if "schema" not in str(error).lower():
                raise
            self.index, self.outdated = None, str(error)
        else:
            self.outdated = None

    def _current(self):
        """The index, reopened if another process rebuilt an outdated one; else IndexOutdated."""
        if self.outdated is not None:
            self._open()
            if self.outdated is not None:
                raise IndexOutdated(self.path, f"this version reads layout {SCHEMA_VERSION}")
            self._meta = None
        return self.index

    # -- writing ---------------------------------------------------------------------------------

    def _writer(self):
        _finish_merges(self._key)  # this process's previous writer on this folder
        try:
            return self._current().writer(WRITER_HEAP_BYTES, 1)
        except ValueError as error:  # tantivy reports a held lock as ValueError("...LockBusy")
            raise IndexBusy(str(error)) from error

    def _document(self, doc: IndexDoc) -> tantivy.Document:
        return tantivy.Document(
            id=doc.id, revision=doc.revision, site=doc.site, reach=reach_tokens(doc),
            title=doc.title, body=doc.body, places=doc.places,
            words=[doc.title, doc.places, doc.body],
            part=doc.part, major=doc.major, category=doc.category,
            kind=KIND_SEPARATOR.join((doc.part, doc.major, doc.category)),
            level=doc.level, year=str(doc.year), publisher=doc.publisher,
            published=doc.published,
        )

    def apply(self, upserts: list[IndexDoc], deletes: list[str]) -> None:
        latest = {doc.id: doc for doc in upserts}  # an id given twice: the last one wins
        with self._lock:
            writer = self._writer()
            try:
                for doc_id in [*deletes, *latest]:
                    writer.delete_documents_by_term("id", doc_id)
                for doc in latest.values():
                    writer.add_document(self._document(doc))
                writer.commit()
            except BaseException:
                writer.rollback()
                raise
            _release_after_merges(self._key, writer)
        self._reload()

    def clear(self) -> None:
        with self._lock:
            if self.outdated is not None:
                self._replace_outdated()
            writer = self._writer()
            writer.delete_all_documents()
            writer.commit()
            _release_after_merges(self._key, writer)
        self._reload()

    def _replace_outdated(self) -> None:
        """Remove an index of an older layout (never while another writer holds it) and create
        an empty one in the current layout; the indexer's files beside it stay."""
        self._open()
        if self.outdated is None:
            return  # another process has replaced it already
        _finish_merges(self._key)
        old = tantivy.Index.open(str(self.path))
        try:
            writer = old.writer(WRITER_HEAP_BYTES, 1)
        except ValueError as error:
            raise IndexBusy(str(error)) from error
        writer.rollback()
        writer.wait_merging_threads()  # consumes the writer: the lock is released
        del old
        for entry in self.path.iterdir():
            if entry.name not in INDEXER_FILES and entry.is_file():
                entry.unlink()
        log.warning("replaced the tantivy index of an older layout in %s", self.path)
        self._open()
        if self.outdated is not None:
            raise IndexOutdated(self.path, self.outdated)
        self._meta = None

    def close(self) -> None:
        _finish_merges(self._key)

    # -- reading ---------------------------------------------------------------------------------

    def _read_meta(self) -> tuple | None:
        try:
            stat = os.stat(self.path / "meta.json")  # replaced atomically (renamed) on commit
        except OSError:
            return None
        return stat.st_ino, stat.st_mtime_ns, stat.st_size

    def _reload(self) -> None:
        meta = self._read_meta()
        self._current().reload()
        self._meta = meta

    def _searcher(self):
        """A searcher over the latest commit; the reader reloads only when meta.json changed."""
        index = self._current()
        meta = self._read_meta()
        if meta is None or meta != self._meta:
            index.reload()
            self._meta = meta
        return index.searcher()

    def _term(self, field: str, value: str):
        return tantivy.Query.term_query(self.schema, field, value)

    def _any_site(self, field: str, codes: list[str]):
        return tantivy.Query.term_set_query(self.schema, field, list(codes))

    def _unscored(self, query: tantivy.Query) -> tantivy.Query:
        """A restriction that must match but adds nothing to the score, so it never reorders."""
        return tantivy.Query.const_score_query(query, 0.0)

    @staticmethod
    def _all(queries: list, occur=tantivy.Occur.Must):
        if len(queries) == 1:
            return queries[0]
        return tantivy.Query.boolean_query([(occur, q) for q in queries])

    def _scope(self, query: SearchQuery) -> tantivy.Query | None:
        """The scope site's tree (or the site alone), and the downward documents from above."""
        if not query.scope:
            return None
        if query.within_tree and query.above and query.above == ancestor_codes(query.scope)[:-1]:
            return self._term("reach", f"v:{query.scope}")
        own = (self._term("reach", f"t:{query.scope}") if query.within_tree
               else self._term("site", query.scope))
        from_above = [self._term("reach", f"d:{code}") for code in query.above]
        return self._all([own, *from_above], tantivy.Occur.Should)

    def _restriction(self, query: SearchQuery) -> tantivy.Query | None:
        """What a document must match besides the words: scope and filters (unscored)."""
        clauses = []
        scope = self._scope(query)
        if scope is not None:
            clauses.append(scope)
        clauses.extend(self._term(name, value) for name, value in sorted(query.filters.items()))
        return self._all(clauses) if clauses else None

    def _word(self, term, restriction: tantivy.Query | None) -> tantivy.Query:
        """One query word in any text field (title and places weigh more), or a matching site;
        each alternative restricted on its own (see the module's docstring)."""
        clauses = []
        for token in term.tokens:
            for field, boost in TEXT_BOOSTS:
                query = self._term(field, token)
                if boost != 1.0:
                    query = tantivy.Query.boost_query(query, boost)
                clauses.append(query)
        if term.sites:
            clauses.append(self._any_site("site", term.sites))
        if not clauses:
            return tantivy.Query.empty_query()
        if restriction is not None:
            clauses = [self._all([clause, restriction]) for clause in clauses]
        return self._all(clauses, tantivy.Occur.Should)

    def _query(self, query: SearchQuery) -> tantivy.Query:
        """The ranked query: every word must match, within the restriction."""
        restriction = self._restriction(query)
        if restriction is not None:
            restriction = self._unscored(restriction)
        if not query.terms:
            return restriction if restriction is not None else tantivy.Query.all_query()
        return self._all([self._word(term, restriction) for term in query.terms])

    def _match(self, query: SearchQuery) -> tantivy.Query:
        """The same documents as _query, unscored, for counting: each word in `words`."""
        clauses = []
        for term in query.terms:
            alternatives = [self._term("words", token) for token in term.tokens]
            if term.sites:
                alternatives.append(self._any_site("site", term.sites))
            if not alternatives:
                return tantivy.Query.empty_query()
            clauses.append(self._all(alternatives, tantivy.Occur.Should))
        restriction = self._restriction(query)
        if restriction is not None:
            clauses.append(restriction)
        return self._all(clauses) if clauses else tantivy.Query.all_query()

    def search(self, query: SearchQuery) -> SearchHits:
        searcher = self._searcher()
        built = self._query(query)
        limit = max(1, query.limit)  # tantivy panics on a limit of 0; such a page is cut below
        options = {"offset": query.offset}
        if query.order == "date" or not query.terms:
            options["order_by_field"] = "published"
        # With facets, the aggregation counts the matches; the ranked search need not.
        result = searcher.search(built, limit, count=not query.facets, **options)
        hits = result.hits[:max(0, query.limit)]
        ids = [searcher.doc(address)["id"][0] for _key, address in hits]
        if not query.facets:
            return SearchHits(total=result.count, ids=ids)
        total, facets = _facets(searcher.aggregate(self._match(query), FACET_AGGREGATIONS))
        return SearchHits(total=total, ids=ids, facets=facets if total else {})

    def revisions(self) -> dict[str, int]:
        searcher = self._searcher()
        total = searcher.num_docs
        if not total:
            return {}
        result = searcher.search(tantivy.Query.all_query(), total, count=False)
        out = {}
        for _score, address in result.hits:
            doc = searcher.doc(address)
            out[doc["id"][0]] = doc["revision"][0]
        return out

    def count(self) -> int:
        return self._searcher().num_docs
