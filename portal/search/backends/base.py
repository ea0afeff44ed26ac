"""The interface every search engine implements, and the plain values that cross it.

An engine stores documents (`IndexDoc`) and answers a `SearchQuery` with ids, scores, a total and
facet counts. Everything language-specific (folding, segmentation, synonyms) happens before the
engine sees text: documents arrive as space-separated tokens, queries as lists of tokens. Engines
therefore never parse user input, so query syntax in a user's input is never syntax.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

FACETS = ("part", "major", "category", "level", "year", "publisher")
FACET_SIZE = 30  # buckets per facet


@dataclass
class IndexDoc:
    """One searchable document; text fields hold space-separated tokens."""

    id: str  # "item:123"
    revision: int  # the revision indexed, for `search check`
    site: str  # code of the site it belongs to
    scope: list[str]  # codes of that site and all its ancestors
    downward: bool  # applies to every site below (policies, notices from above)
    title: str
    body: str
    places: str  # tokens of the site's name and its ancestors' names
    part: str
    major: str
    category: str
    level: str
    year: int
    publisher: str
    published: datetime  # naive UTC
    # Codes of every site below `site` when the document applies downward (who sees it in
    # their scope); engines may index it so "a site with the sites above" is one term.
    below: list[str] = field(default_factory=list)


@dataclass
class Term:
    """One query word: any of `tokens` in the text, or the document's site among `sites`."""

    tokens: list[str]
    sites: list[str] = field(default_factory=list)


@dataclass
class SearchQuery:
    """What to find: every term must match; scope and filters restrict; order and page."""

    terms: list[Term]
    scope: str | None = None  # a site code; None for everywhere
    within_tree: bool = True  # the scope site and everything below it, else the site alone
    above: list[str] = field(default_factory=list)  # ancestors whose downward items apply
    # (the service passes all of them: ancestor_codes(scope)[:-1])
    filters: dict[str, str] = field(default_factory=dict)  # facet name -> value
    order: str = "relevance"  # or "date"
    offset: int = 0
    limit: int = 10
    facets: bool = True


@dataclass
class SearchHits:
    """An engine's answer: matching ids in order, the total, and facet counts."""

    total: int
    ids: list[str]
    facets: dict[str, list[tuple[str, int]]] = field(default_factory=dict)


class IndexBusy(RuntimeError):
    """Another process holds the index's writer lock; the change stays in the outbox."""


class IndexOutdated(RuntimeError):
    """The index on disk was written with an older layout of this engine: rebuild it.

    Raised by every operation except clear(), which replaces the old index with an empty one
    in the current layout (so `search rebuild` repairs it); changes stay in the outbox.
    """

    def __init__(self, path: Path, detail: str = ""):
        self.path = path
        super().__init__(
            f"搜索索引 {path} 是旧版本的结构，当前版本无法读取，请运行 "
            f"`flask --app portal search rebuild` 重建索引（the index in {path} has an older "
            f"layout{': ' + detail if detail else ''}; run `flask --app portal search rebuild`）")


class SearchBackend:
    """A search engine holding one index in a folder."""

    name = "base"

    def __init__(self, path: Path):
        self.path = path

    def apply(self, upserts: list[IndexDoc], deletes: list[str]) -> None:
        """Replace or add `upserts`, remove `deletes` (ids), and commit, all at once."""
        raise NotImplementedError

    def search(self, query: SearchQuery) -> SearchHits:
        """Answer a query."""
        raise NotImplementedError

    def revisions(self) -> dict[str, int]:
        """Every indexed id with its revision (for `search check`)."""
        raise NotImplementedError

    def count(self) -> int:
        """How many documents the index holds."""
        raise NotImplementedError

    def clear(self) -> None:
        """Remove every document (for `search rebuild`)."""
        raise NotImplementedError

    def close(self) -> None:
        """Release files and locks."""
