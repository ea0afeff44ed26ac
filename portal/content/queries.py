"""Read-side helpers for public pages: what a site shows, including what applies from above."""

from __future__ import annotations

from sqlalchemy import and_, or_

from portal.content.models import Item
from portal.core.tenancy import ancestor_codes
from portal.extensions import db
from portal.sites.models import Site
from portal.standards.models import Category, current_version


def downward_codes() -> list[str]:
    """Leaf codes of the current standard whose items show on every site below the publisher."""
    version = current_version()
    if version is None:
        return []
    return list(db.session.scalars(
        db.select(Category.code).where(Category.version_id == version.id,
                                       Category.is_leaf.is_(True),
                                       Category.applies_downward.is_(True))))


def visible_condition(site: Site, include_above: bool = True):
    """Items public on a site: its own, and downward-applying ones of the sites above it."""
    own = Item.site_id == site.id
    if not include_above:
        return own
    above_ids = db.select(Site.id).where(Site.code.in_(ancestor_codes(site.code)[:-1]))
    codes = downward_codes()
    if not codes:
        return own
    return or_(own, and_(Item.site_id.in_(above_ids), Item.category_code.in_(codes)))


def public_items(site: Site, category_code: str | None = None, include_above: bool = True,
                 limit: int = 50, offset: int = 0) -> list[Item]:
    """Published (and withdrawn, shown as notices) items visible on a site, newest first."""
    query = db.select(Item).where(
        Item.current_revision_id.is_not(None), visible_condition(site, include_above))
    if category_code:
        query = query.where(Item.category_code == category_code)
    return list(db.session.scalars(
        query.order_by(Item.last_published_at.desc(), Item.id.desc()).limit(limit).offset(offset)))


def counts_by_category(site: Site) -> dict[str, int]:
    """How many public items each category has on this site (own and from above)."""
    rows = db.session.execute(
        db.select(Item.category_code, db.func.count(Item.id))
        .where(Item.current_revision_id.is_not(None), Item.withdrawn_at.is_(None),
               visible_condition(site))
        .group_by(Item.category_code))
    return dict(rows.all())
