"""What is searchable, built from the database: the current revision of every public item.

Only what the public can read is indexed: an item's current published revision (title, body,
policy fields and attachment text, all masked by the privacy guard before publication). Drafts,
withdrawn items and anything private never reach an index.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator

from sqlalchemy.orm import selectinload

from portal.content.models import Item, ItemRevision
from portal.core.tenancy import ancestor_codes, subtree_clause
from portal.extensions import db
from portal.search.analysis import index_text
from portal.search.backends.base import IndexDoc
from portal.sites.models import Site
from portal.standards.models import Category, StandardVersion

ATTACHMENT_TEXT_MAX = 20_000  # characters of each attachment's text layer that are indexed


class Catalogue:
    """Sites and categories needed to describe documents, loaded once per batch."""

    def __init__(self, session, site_ids: Iterable[int]):
        self.session = session
        self._sites: dict[int, Site] = {}
        self._by_code: dict[str, Site] = {}
        self._categories: dict[str, Category] = {}
        self._below: dict[str, list[str]] = {}
        self._load_sites(set(site_ids))
        rows = session.execute(
            db.select(Category, StandardVersion.is_current)
            .join(StandardVersion, Category.version_id == StandardVersion.id)
            .order_by(StandardVersion.is_current, StandardVersion.id)).all()
        for category, _current in rows:  # current version last, so it wins
            self._categories[category.code] = category

    def _load_sites(self, ids: set[int]) -> None:
        missing = ids - set(self._sites)
        if not missing:
            return
        sites = self.session.scalars(db.select(Site).where(Site.id.in_(missing))).all()
        codes = {c for s in sites for c in ancestor_codes(s.code)} - set(self._by_code)
        if codes:
            for site in self.session.scalars(db.select(Site).where(Site.code.in_(codes))):
                self._by_code[site.code] = site
        for site in sites:
            self._sites[site.id] = site
            self._by_code[site.code] = site

    def site(self, site_id: int) -> Site:
        self._load_sites({site_id})
        return self._sites[site_id]

    def chain(self, site: Site) -> list[Site]:
        """The site's ancestors and the site, top down (those that exist)."""
        return [self._by_code[c] for c in ancestor_codes(site.code) if c in self._by_code]

    def below(self, site: Site) -> list[str]:
        """Codes of every site below one, in code order (those its downward items apply to)."""
        codes = self._below.get(site.code)
        if codes is None:
            codes = self._below[site.code] = list(self.session.scalars(
                db.select(Site.code)
                .where(subtree_clause(Site.code, site.code, site.level), Site.code != site.code)
                .order_by(Site.code)))
        return codes

    def category(self, code: str) -> Category | None:
        return self._categories.get(code)


def is_searchable(item: Item) -> bool:
    """Public now: a current revision, not withdrawn."""
    return item.current_revision_id is not None and item.withdrawn_at is None


def _fields_text(revision: ItemRevision) -> str:
    values = revision.field_values
    return " ".join(str(v) for v in values.values() if isinstance(v, str | int | float))


def build_doc(item: Item, catalogue: Catalogue) -> IndexDoc:
    """The document for an item's current revision."""
    revision = item.current_revision
    site = catalogue.site(item.site_id)
    chain = catalogue.chain(site)
    category = catalogue.category(revision.category_code)
    attachments = " ".join(a.text[:ATTACHMENT_TEXT_MAX] for a in revision.attachments if a.text)
    places = " ".join(name for s in chain for name in {s.name, s.short_name})
    publisher = item.prepared_by_site_id and catalogue.site(item.prepared_by_site_id)
    downward = bool(category and category.applies_downward)
    return IndexDoc(
        id=doc_id("item", item.id),
        revision=revision.id,
        site=site.code,
        scope=[s.code for s in chain],
        downward=downward,
        title=index_text(revision.title),
        body=index_text("\n".join(filter(None, [revision.body, _fields_text(revision),
                                                  attachments]))),
        places=index_text(places),
        part=category.part if category else "",
        major=(category.parent_code or category.code) if category else "",
        category=revision.category_code,
        level=site.level,
        year=revision.period_start.year,
        publisher=(publisher or site).code,
        published=revision.published_at,
        below=catalogue.below(site) if downward else [],
    )


def doc_id(kind: str, ref_id: int) -> str:
    return f"{kind}:{ref_id}"


def load_items(session, ids: Iterable[int]) -> list[Item]:
    """Items with their current revisions and attachments, in one round of queries."""
    ids = list(ids)
    if not ids:
        return []
    return list(session.scalars(
        db.select(Item).where(Item.id.in_(ids)).options(
            selectinload(Item.current_revision).selectinload(ItemRevision.attachments))))


def public_item_ids(session, after: int = 0, batch: int = 500) -> Iterator[list[int]]:
    """Ids of every searchable item, in batches (for rebuild and check)."""
    while True:
        ids = list(session.scalars(
            db.select(Item.id).where(Item.id > after, Item.current_revision_id.is_not(None),
                                     Item.withdrawn_at.is_(None))
            .order_by(Item.id).limit(batch)))
        if not ids:
            return
        yield ids
        after = ids[-1]


def item_revisions(session) -> dict[str, int]:
    """What the index should hold: every searchable item's id and current revision."""
    rows = session.execute(
        db.select(Item.id, Item.current_revision_id)
        .where(Item.current_revision_id.is_not(None), Item.withdrawn_at.is_(None)))
    return {doc_id("item", item_id): revision for item_id, revision in rows}


def describe(values) -> str:
    """Compact JSON for CLI output."""
    return json.dumps(values, ensure_ascii=False, sort_keys=True)
