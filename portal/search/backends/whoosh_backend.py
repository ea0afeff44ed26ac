"""The alternative engine: Whoosh 2.7 (pure Python), the design card's library.

Text fields split on spaces only: the tokens were already folded and segmented by
portal.search.analysis, so no stemming, stop words or lower-casing happen here. Queries are built
as query objects (Term, Or, And), never parsed from a string. Scope and filters go to the
searcher as a filter, so they restrict results without reordering them; facets are counted with
FieldFacet over sortable columns. A writer is opened per batch with a short lock timeout, so a
held lock raises IndexBusy and the change stays in the outbox; every search opens a fresh
searcher, so commits of other processes are seen at once.

Two Whoosh quirks shape the query building: an And containing an unfielded Every() normalises to
Every() (so Every is only ever used alone), and an And drops NullQuery members instead of matching
nothing (so a word without tokens ends the search before a query is built).
"""

from __future__ import annotations

import threading
import time
from pathlib import Path

from whoosh import index as whoosh_index
from whoosh import query as wq
from whoosh import sorting, writing
from whoosh.analysis import SpaceSeparatedTokenizer
from whoosh.fields import DATETIME, ID, KEYWORD, NUMERIC, TEXT, Schema

from portal.search.backends.base import (
    FACET_SIZE,
    FACETS,
    IndexBusy,
    IndexDoc,
    SearchBackend,
    SearchHits,
    SearchQuery,
)

WRITER_TIMEOUT = 0.5  # seconds to wait for another writer before raising IndexBusy
WRITER_DELAY = 0.05  # seconds between attempts to take the lock
WRITER_LIMIT_MB = 64  # memory for the posting pool of one batch
OPEN_ATTEMPTS = 5  # a reader can race a commit that removes merged segment files
KEY_FIELDS = ("site", "downward", *FACETS)
TEXT_BOOSTS = (("title", 3.0), ("places", 2.0), ("body", 1.0))


def _schema() -> Schema:
    """The index's fields: keys as ID, scope as a space-separated KEYWORD, text split on spaces."""
    tokens = SpaceSeparatedTokenizer()
    fields = {
        "id": ID(stored=True, unique=True),
        "revision": NUMERIC(int, bits=64, stored=True),
        "scope": KEYWORD(lowercase=False, commas=False),
        "published": DATETIME(sortable=True),
    }
    for name in KEY_FIELDS:
        fields[name] = ID(sortable=name in FACETS)
    for name, _boost in TEXT_BOOSTS:
        fields[name] = TEXT(analyzer=tokens, phrase=False)
    return Schema(**fields)


def _open_index(path: Path):
    """Open the index in a folder, creating it when the folder holds none."""
    path.mkdir(parents=True, exist_ok=True)
    if whoosh_index.exists_in(str(path)):
        return whoosh_index.open_dir(str(path))
    return whoosh_index.create_in(str(path), _schema())


def _fields(doc: IndexDoc) -> dict:
    """The field values Whoosh stores for a document."""
    return {
        "id": doc.id, "revision": doc.revision, "site": doc.site, "scope": " ".join(doc.scope),
        "downward": "1" if doc.downward else "0", "title": doc.title, "body": doc.body,
        "places": doc.places, "part": doc.part, "major": doc.major, "category": doc.category,
        "level": doc.level, "year": str(doc.year), "publisher": doc.publisher,
        "published": doc.published,
    }


def _any_of(field: str, values: list[str]) -> wq.Query:
    """Documents whose field holds any of the values."""
    terms = [wq.Term(field, value) for value in values]
    return terms[0] if len(terms) == 1 else wq.Or(terms)


def _all_of(queries: list[wq.Query]) -> wq.Query:
    """Documents matching every query (never given an Every)."""
    return queries[0] if len(queries) == 1 else wq.And(queries)


def _word(term) -> wq.Query | None:
    """One query word in any text field (title and places weigh more), or a matching site."""
    clauses = [wq.Term(field, token, boost=boost)
               for token in term.tokens for field, boost in TEXT_BOOSTS]
    if term.sites:
        clauses.append(_any_of("site", list(term.sites)))
    if not clauses:
        return None
    return clauses[0] if len(clauses) == 1 else wq.Or(clauses)


def _scope(query: SearchQuery) -> wq.Query | None:
    """This site (or its tree), plus downward documents of the sites above."""
    if not query.scope:
        return None
    own = wq.Term("scope" if query.within_tree else "site", query.scope)
    if not query.above:
        return own
    from_above = wq.And([wq.Term("downward", "1"), _any_of("site", list(query.above))])
    return wq.Or([own, from_above])


class WhooshBackend(SearchBackend):
    """A Whoosh index in a folder."""

    name = "whoosh"

    def __init__(self, path: Path):
        super().__init__(path)
        self.index = _open_index(path)
        self.schema = self.index.schema
        self._lock = threading.Lock()

    # -- writing ---------------------------------------------------------------------------------

    def _writer(self):
        """A writer holding the index lock, or IndexBusy when another one holds it."""
        try:
            return self.index.writer(timeout=WRITER_TIMEOUT, delay=WRITER_DELAY,
                                     limitmb=WRITER_LIMIT_MB)
        except whoosh_index.LockError as error:
            raise IndexBusy(f"the Whoosh index in {self.path} is locked by another writer") \
                from error

    def _commit(self, fill, mergetype=writing.MERGE_SMALL) -> None:
        """Open a writer, let `fill` change it, commit; cancel on any failure."""
        with self._lock:
            writer = self._writer()
            try:
                fill(writer)
                writer.commit(mergetype=mergetype)
            except BaseException:
                if not writer.is_closed:
                    writer.cancel()
                raise

    def apply(self, upserts: list[IndexDoc], deletes: list[str]) -> None:
        """Replace or add `upserts`, remove `deletes`, in one commit."""
        latest = {doc.id: doc for doc in upserts}  # an id given twice: the last one wins

        def fill(writer) -> None:
            """Delete every named id through one searcher, then add the new documents."""
            with writer.searcher() as searcher:
                for doc_id in [*deletes, *latest]:
                    writer.delete_by_term("id", doc_id, searcher=searcher)
            for doc in latest.values():
                writer.add_document(**_fields(doc))

        self._commit(fill)

    def clear(self) -> None:
        """Remove every document: commit an empty segment that replaces all the others."""
        self._commit(lambda writer: None, mergetype=writing.CLEAR)

    # -- reading ---------------------------------------------------------------------------------

    def _searcher(self):
        """A searcher over the latest commit, retrying when a merge removed files under it."""
        for attempt in range(1, OPEN_ATTEMPTS):
            try:
                return self.index.searcher()
            except OSError:
                time.sleep(0.01 * attempt)
        return self.index.searcher()

    def _restriction(self, query: SearchQuery) -> wq.Query | None:
        """What a document must match besides the words: scope and filters."""
        clauses = []
        scope = _scope(query)
        if scope is not None:
            clauses.append(scope)
        for name, value in sorted(query.filters.items()):
            if name not in self.schema:
                raise ValueError(f"Field `{name}` is not defined in the schema.")
            clauses.append(wq.Term(name, value))
        return _all_of(clauses) if clauses else None

    def _query(self, query: SearchQuery) -> tuple[wq.Query | None, wq.Query | None]:
        """(what is scored, what restricts it); (None, None) when a word can match nothing.

        The restriction goes to the searcher as a filter, so it never takes part in scoring:
        a boost-0 clause inside an And divides by its boost when Whoosh skips blocks by
        quality (ZeroDivisionError in 2.7.4), and Require builds an AndNotMatcher instead.
        """
        words = [_word(term) for term in query.terms]
        if any(word is None for word in words):
            return None, None
        restriction = self._restriction(query)
        if not words:
            return (restriction if restriction is not None else wq.Every()), None
        return _all_of(words), restriction

    def _facets(self, results) -> dict[str, list[tuple[str, int]]]:
        """Counts per facet value, by count descending then value, FACET_SIZE at most."""
        out = {}
        for name in FACETS:
            counts = results.groups(name)
            ranked = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
            out[name] = [(key, count) for key, count in ranked[:FACET_SIZE]]
        return out

    def search(self, query: SearchQuery) -> SearchHits:
        """Answer a query with a page of ids, the total and (if asked) facet counts."""
        built, restriction = self._query(query)
        if built is None:
            return SearchHits(total=0, ids=[])
        options = {"limit": max(1, query.offset + query.limit), "terms": False}
        if restriction is not None:
            # Whoosh 2.7.4 counts a filtered search by re-running the query without the filter
            # when it scored by block quality (FilterCollector.count), so count while collecting.
            options["filter"] = restriction
            options["optimize"] = False
        if query.order == "date" or not query.terms:
            options["sortedby"] = sorting.FieldFacet("published", reverse=True)
        if query.facets:
            options["groupedby"] = {name: sorting.FieldFacet(name) for name in FACETS}
            options["maptype"] = sorting.Count
        with self._searcher() as searcher:
            results = searcher.search(built, **options)
            total = len(results)
            page = results[query.offset:query.offset + max(0, query.limit)]
            ids = [hit["id"] for hit in page]
            facets = self._facets(results) if query.facets and total else {}
        return SearchHits(total=total, ids=ids, facets=facets)

    def revisions(self) -> dict[str, int]:
        """Every indexed id with its revision, from the stored fields."""
        with self._searcher() as searcher:
            return {fields["id"]: fields["revision"] for fields in searcher.all_stored_fields()}

    def count(self) -> int:
        """How many (undeleted) documents the index holds."""
        with self._searcher() as searcher:
            return searcher.doc_count()

    def close(self) -> None:
        """Release the index object (searchers are closed after every use)."""
        self.index.close()
