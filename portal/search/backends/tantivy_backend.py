"""The default engine: tantivy (Rust, through its Python bindings).

Text fields use tantivy's whitespace tokenizer over the tokens made by portal.search.analysis.
Queries are built as query objects (term, boolean, boost), never parsed from a string. Facets are
terms aggregations over fast fields. A writer is opened per batch and released after commit, so
the indexer of another process (or `search rebuild`) can take the lock next; a busy lock raises
IndexBusy and the change stays in the outbox for the next pass.

A commit may start segment merges. Waiting for them is left to a background thread (tantivy
releases the GIL meanwhile) once MERGE_WAIT_SECONDS have passed, so a publication is searchable
as soon as its commit is; the writer, and with it the lock, is released when the merges end, and
any writer of this process on the same folder waits for them first. Searches reload the reader
only when meta.json changed, i.e. after a commit or a merge.
"""

from __future__ import annotations

import atexit
import logging
import threading
from pathlib import Path

import tantivy

from portal.search.backends.base import (
    FACET_SIZE,
    FACETS,
    IndexBusy,
    IndexDoc,
    SearchBackend,
    SearchHits,
    SearchQuery,
)

WRITER_HEAP_BYTES = 64 * 1024 * 1024
MERGE_WAIT_SECONDS = 0.05  # merges still running after this finish in the background
RAW_FIELDS = ("site", "scope", "downward", "part", "major", "category", "level", "year",
              "publisher")
TEXT_BOOSTS = (("title", 3.0), ("places", 2.0), ("body", 1.0))
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
    builder.add_text_field("id", stored=True, tokenizer_name="raw")
    builder.add_integer_field("revision", stored=True, indexed=False)
    for name in RAW_FIELDS:
        builder.add_text_field(name, stored=False, tokenizer_name="raw", fast=name in FACETS)
    for name, _boost in TEXT_BOOSTS:
        builder.add_text_field(name, stored=False, tokenizer_name="whitespace")
    builder.add_date_field("published", stored=False, indexed=True, fast=True)
    return builder.build()


class TantivyBackend(SearchBackend):
    """A tantivy index in a folder."""

    name = "tantivy"

    def __init__(self, path: Path):
        super().__init__(path)
        path.mkdir(parents=True, exist_ok=True)
        self._key = path.resolve()
        self.schema = _schema()
        self.index = tantivy.Index(self.schema, path=str(path))
        self._lock = threading.Lock()
        self._meta: bytes | None = None  # meta.json as of the last reload

    # -- writing ---------------------------------------------------------------------------------

    def _writer(self):
        _finish_merges(self._key)  # this process's previous writer on this folder
        try:
            return self.index.writer(WRITER_HEAP_BYTES, 1)
        except ValueError as error:  # tantivy reports a held lock as ValueError("...LockBusy")
            raise IndexBusy(str(error)) from error

    def _document(self, doc: IndexDoc) -> tantivy.Document:
        return tantivy.Document(
            id=doc.id, revision=doc.revision, site=doc.site, scope=list(doc.scope),
            downward="1" if doc.downward else "0", title=doc.title, body=doc.body,
            places=doc.places, part=doc.part, major=doc.major, category=doc.category,
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
            writer = self._writer()
            writer.delete_all_documents()
            writer.commit()
            _release_after_merges(self._key, writer)
        self._reload()

    def close(self) -> None:
        _finish_merges(self._key)

    # -- reading ---------------------------------------------------------------------------------

    def _read_meta(self) -> bytes | None:
        try:
            return (self.path / "meta.json").read_bytes()  # replaced atomically on commit
        except OSError:
            return None

    def _reload(self) -> None:
        meta = self._read_meta()
        self.index.reload()
        self._meta = meta

    def _searcher(self):
        """A searcher over the latest commit; the reader reloads only when meta.json changed."""
        meta = self._read_meta()
        if meta is None or meta != self._meta:
            self.index.reload()
            self._meta = meta
        return self.index.searcher()

    def _term(self, field: str, value: str):
        return tantivy.Query.term_query(self.schema, field, value)

    def _any_site(self, field: str, codes: list[str]):
        return tantivy.Query.term_set_query(self.schema, field, list(codes))

    def _unscored(self, query: tantivy.Query) -> tantivy.Query:
        """A restriction that must match but adds nothing to the score, so it never reorders."""
        return tantivy.Query.const_score_query(query, 0.0)

    def _word(self, term) -> tantivy.Query:
        """One query word in any text field (title and places weigh more), or a matching site."""
        clauses = []
        for token in term.tokens:
            for field, boost in TEXT_BOOSTS:
                query = self._term(field, token)
                if boost != 1.0:
                    query = tantivy.Query.boost_query(query, boost)
                clauses.append((tantivy.Occur.Should, query))
        if term.sites:
            clauses.append((tantivy.Occur.Should, self._any_site("site", term.sites)))
        if not clauses:
            return tantivy.Query.empty_query()
        return tantivy.Query.boolean_query(clauses)

    def _scope(self, query: SearchQuery) -> tantivy.Query | None:
        if not query.scope:
            return None
        own = self._term("scope" if query.within_tree else "site", query.scope)
        if not query.above:
            return own
        from_above = tantivy.Query.boolean_query([
            (tantivy.Occur.Must, self._term("downward", "1")),
            (tantivy.Occur.Must, self._any_site("site", query.above)),
        ])
        return tantivy.Query.boolean_query(
            [(tantivy.Occur.Should, own), (tantivy.Occur.Should, from_above)])

    def _query(self, query: SearchQuery) -> tantivy.Query:
        clauses = [(tantivy.Occur.Must, self._word(term)) for term in query.terms]
        scope = self._scope(query)
        if scope is not None:
            clauses.append((tantivy.Occur.Must, self._unscored(scope)))
        for name, value in sorted(query.filters.items()):
            clauses.append((tantivy.Occur.Must, self._unscored(self._term(name, value))))
        if not query.terms:
            clauses.append((tantivy.Occur.Must, tantivy.Query.all_query()))
        return tantivy.Query.boolean_query(clauses)

    def search(self, query: SearchQuery) -> SearchHits:
        searcher = self._searcher()
        built = self._query(query)
        limit = max(1, query.limit)  # tantivy panics on a limit of 0; such a page is cut below
        if query.order == "date" or not query.terms:
            result = searcher.search(built, limit, count=True, order_by_field="published",
                                     offset=query.offset)
        else:
            result = searcher.search(built, limit, count=True, offset=query.offset)
        hits = result.hits[:max(0, query.limit)]
        ids = [searcher.doc(address)["id"][0] for _key, address in hits]
        facets = {}
        if query.facets and result.count:
            aggregated = searcher.aggregate(
                built, {name: {"terms": {"field": name, "size": FACET_SIZE}} for name in FACETS})
            facets = {name: [(b["key"], b["doc_count"]) for b in aggregated[name]["buckets"]]
                      for name in FACETS}
        return SearchHits(total=result.count, ids=ids, facets=facets)

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
