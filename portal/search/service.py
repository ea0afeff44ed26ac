"""The search service of an application: its engine and indexer, and answering a search request.

`search_service()` opens the configured engine once per process. `run_search()` turns what a
person typed into engine terms (segmented, synonyms folded, pinyin site names resolved through
the site finder), restricts it to a scope, and returns a page of results with highlighted
snippets and labelled facets, loaded from the database so that what is shown is exactly what is
published now.
"""

from __future__ import annotations

import difflib
import re
import threading
from dataclasses import dataclass, field
from pathlib import Path

from flask import current_app
from markupsafe import Markup, escape
from sqlalchemy.orm import Session

from portal.content.models import Item
from portal.core.tenancy import ancestor_codes
from portal.extensions import db
from portal.search.analysis import domain_words, fold, query_tokens, segmenter, surface_forms
from portal.search.backends import BACKENDS, open_backend
from portal.search.backends.base import FACETS, SearchQuery, Term
from portal.search.documents import is_searchable, load_items
from portal.search.indexer import Indexer
from portal.sites.models import LEVEL_NAMES, Site, find_sites
from portal.standards.models import Category, current_version

SNIPPET_CHARS = 120
MAX_PAGE = 50  # deeper pages are refused: narrow the query instead
PINYIN = re.compile(r"[a-z]{2,40}")
_open_lock = threading.Lock()


class SearchService:
    """One engine and its indexer for an application."""

    def __init__(self, app):
        name = app.config["SEARCH_BACKEND"]
        if name not in BACKENDS:
            raise ValueError(f"SEARCH_BACKEND must be one of {BACKENDS}, not {name!r}")
        root = Path(app.config.get("SEARCH_INDEX_DIR") or Path(app.instance_path) / "search")
        self.backend = open_backend(name, root / name)
        self.indexer = Indexer(self.backend, db.engine)
        self._site_words_for: int | None = None

    def learn_site_names(self) -> None:
        """Teach the segmenter the region's site names (once, and again when sites change)."""
        # Its own session: this also runs right after a commit, when db.session may not query.
        with Session(db.engine) as session:
            count = session.scalar(db.select(db.func.count(Site.id)))
            if count == self._site_words_for:
                return
            names = session.execute(db.select(Site.name, Site.short_name)).all()
        segmenter().add_words({n for row in names for n in row})
        self._site_words_for = count


def search_service() -> SearchService:
    """The current application's search service, opened on first use."""
    app = current_app._get_current_object()
    service = app.extensions.get("portal_search")
    if service is None:
        with _open_lock:
            service = app.extensions.get("portal_search")
            if service is None:
                service = app.extensions["portal_search"] = SearchService(app)
    return service


def indexer_after_commit() -> Indexer | None:
    """The indexer to run after a commit, when this deployment indexes in-process."""
    if not current_app.config["SEARCH_INDEX_AFTER_COMMIT"]:
        return None
    service = search_service()
    service.learn_site_names()
    return service.indexer


# -- requests ------------------------------------------------------------------------------------


@dataclass
class SearchRequest:
    """What a person asked for, validated."""

    q: str = ""
    scope: Site | None = None
    scope_code: str = ""  # as given, kept to explain an unknown code
    within_tree: bool = True
    filters: dict[str, str] = field(default_factory=dict)
    order: str = "relevance"
    page: int = 1

    @classmethod
    def from_args(cls, args) -> SearchRequest:
        """Read /search?q=&scope=&within=&order=&page= and facet filters; never fails."""
        q = " ".join(fold(args.get("q", ""))[:200].split())
        code = "".join(ch for ch in args.get("scope", "") if ch.isdigit())[:12]
        scope = db.session.scalar(db.select(Site).where(Site.code == code)) if code else None
        filters = {}
        for name in FACETS:
            value = args.get(name, "").strip()
            if value and len(value) <= 20 and value.replace(".", "").isalnum():
                filters[name] = value
        try:
            page = min(max(int(args.get("page", 1)), 1), MAX_PAGE)
        except (TypeError, ValueError):
            page = 1
        return cls(q=q, scope=scope, scope_code=code, within_tree=args.get("within") != "site",
                   filters=filters, order="date" if args.get("order") == "date" else "relevance",
                   page=page)

    def args(self, **changes) -> dict:
        """Query-string arguments for a link to a variant of this request."""
        values = {"q": self.q, "scope": self.scope.code if self.scope else None,
                  "within": None if self.within_tree else "site",
                  "order": None if self.order == "relevance" else self.order, **self.filters}
        values.update(changes)
        return {k: v for k, v in values.items() if v not in (None, "")}


@dataclass
class Result:
    """One result row: the item, its highlighted title and snippet."""

    item: Item
    title: Markup
    snippet: Markup


@dataclass
class FacetValue:
    value: str
    label: str
    count: int
    selected: bool


@dataclass
class SearchPage:
    """Everything the results page shows."""

    request: SearchRequest
    total: int = 0
    results: list[Result] = field(default_factory=list)
    facets: dict[str, list[FacetValue]] = field(default_factory=dict)
    sites: list[Site] = field(default_factory=list)  # sites whose name or pinyin matched
    suggestions: list[str] = field(default_factory=list)  # close spellings of domain words
    pages: int = 0


def _terms(tokens: list[str]) -> tuple[list[Term], list[str]]:
    """Engine terms, and the site names to highlight: a pinyin word also matches the sites
    whose pinyin or initials start with it."""
    terms, names = [], []
    for token in tokens:
        sites = find_sites(token, limit=20) if PINYIN.fullmatch(token) else []
        terms.append(Term(tokens=[token], sites=[s.code for s in sites]))
        names.extend(s.short_name for s in sites)
    return terms, names


def run_search(request: SearchRequest) -> SearchPage:
    """Answer a search request with a page of results, facets and help."""
    service = search_service()
    service.learn_site_names()
    page = SearchPage(request=request)
    tokens = query_tokens(request.q)
    if not tokens and not request.filters:
        return page
    size = current_app.config["SEARCH_PAGE_SIZE"]
    scope = request.scope
    terms, site_names = _terms(tokens)
    query = SearchQuery(
        terms=terms, scope=scope.code if scope else None,
        within_tree=request.within_tree,
        above=ancestor_codes(scope.code)[:-1] if scope else [],
        filters=request.filters, order=request.order,
        offset=(request.page - 1) * size, limit=size)
    hits = service.backend.search(query)
    page.total = hits.total
    page.pages = min(-(-hits.total // size), MAX_PAGE)
    page.results = _results(hits.ids, surface_forms(tokens) + site_names)
    page.facets = _facets(hits.facets, request.filters)
    page.sites = find_sites(request.q, limit=5) if request.q else []
    if not hits.total:
        page.suggestions = close_spellings(tokens)
    return page


def _results(ids: list[str], words: list[str]) -> list[Result]:
    item_ids = [int(i.split(":", 1)[1]) for i in ids if i.startswith("item:")]
    items = {i.id: i for i in load_items(db.session, item_ids)}
    out = []
    for item_id in item_ids:
        item = items.get(item_id)
        if item is None or not is_searchable(item):
            continue  # withdrawn a moment ago: the index will catch up, the page never lags
        revision = item.current_revision
        out.append(Result(item=item, title=highlight(revision.title, words),
                          snippet=snippet(_plain(revision.body), words)))
    return out


# Headings, quotes, tables, code and link targets; stars stay: 张** is a masked name.
MARKDOWN_NOISE = re.compile(
    r"[#>`|\[\]]+|:?-{3,}:?|!\[[^\]]*\]\([^)]*\)|\]\([^)]*\)")


def _plain(markdown: str) -> str:
    """Markdown reduced to its words, for snippets."""
    return " ".join(MARKDOWN_NOISE.sub(" ", markdown).split())


def _pattern(words: list[str]) -> re.Pattern | None:
    words = sorted({w for w in words if w}, key=len, reverse=True)  # longest match first
    if not words:
        return None
    return re.compile("|".join(re.escape(w) for w in words), re.IGNORECASE)


def highlight(text: str, words: list[str]) -> Markup:
    """Text with every occurrence of the words in <mark>, escaped."""
    pattern = _pattern(words)
    if pattern is None:
        return escape(text)
    out, last = [], 0
    for match in pattern.finditer(text):
        out.append(escape(text[last:match.start()]))
        out.append(Markup("<mark>%s</mark>") % match.group(0))
        last = match.end()
    out.append(escape(text[last:]))
    return Markup("").join(out)


def snippet(text: str, words: list[str]) -> Markup:
    """About SNIPPET_CHARS characters around the first match, highlighted."""
    pattern = _pattern(words)
    match = pattern.search(text) if pattern else None
    start = max(0, match.start() - SNIPPET_CHARS // 3) if match else 0
    part = text[start:start + SNIPPET_CHARS]
    prefix = "…" if start else ""
    suffix = "…" if start + SNIPPET_CHARS < len(text) else ""
    return Markup("%s%s%s") % (prefix, highlight(part, words), suffix)


def close_spellings(tokens: list[str]) -> list[str]:
    """Domain words spelled like what was typed (低宝 → 低保), for an empty result."""
    found = []
    for token in tokens:
        if token.isascii():
            continue
        for word in difflib.get_close_matches(token, domain_words(), n=2, cutoff=0.5):
            if word != token and word not in found:
                found.append(word)
    return found[:5]


def _facets(raw: dict, selected: dict[str, str]) -> dict[str, list[FacetValue]]:
    labels = facet_labels(raw)
    return {name: [FacetValue(value, labels[name].get(value, value), count,
                              selected.get(name) == value)
                   for value, count in raw.get(name, []) if value]
            for name in FACETS if raw.get(name)}


def facet_labels(raw: dict) -> dict[str, dict[str, str]]:
    """Chinese names for facet values: parts, categories, levels, publishing sites."""
    version = current_version()
    parts = version.part_names if version else {}
    codes = {v for name in ("major", "category") for v, _ in raw.get(name, [])}
    categories = {}
    if codes and version:
        categories = dict(db.session.execute(
            db.select(Category.code, Category.name)
            .where(Category.version_id == version.id, Category.code.in_(codes))).all())
    publisher_codes = [v for v, _ in raw.get("publisher", [])]
    sites = dict(db.session.execute(
        db.select(Site.code, Site.short_name).where(Site.code.in_(publisher_codes))).all()
    ) if publisher_codes else {}
    return {
        "part": parts,
        "major": {c: f"{c} {n}" for c, n in categories.items()},
        "category": {c: f"{c} {n}" for c, n in categories.items()},
        "level": {key: str(label) for key, label in LEVEL_NAMES.items()},
        "year": {},
        "publisher": sites,
    }
