"""What a feed lists: the newest public items of a site, or of its whole subtree."""

from __future__ import annotations

from sqlalchemy import and_
from sqlalchemy.orm import joinedload

from portal.content.models import Item
from portal.content.queries import visible_condition
from portal.extensions import db
from portal.sites.models import Site

FEED_SIZE = 50


def _newest(query, category_code: str | None, limit: int) -> list[Item]:
    """Published (or withdrawn) items of a query, newest publication first."""
    query = query.where(Item.current_revision_id.is_not(None))
    if category_code:
        query = query.where(Item.category_code == category_code)
    return list(db.session.scalars(
        query.options(joinedload(Item.current_revision), joinedload(Item.site))
        .order_by(Item.last_published_at.desc(), Item.id.desc())
        .limit(limit)))


def feed_items(site: Site, category_code: str | None = None, subtree: bool = False,
               limit: int = FEED_SIZE) -> list[Item]:
    """The newest items a site shows (its own and what applies from above); with subtree, also
    everything published by the sites below it.

    The subtree part is one range condition on the site code, and the part from above is a
    separate query, so that each can use its index; both are cut to `limit` before merging.
    """
    if not subtree:
        return _newest(db.select(Item).where(visible_condition(site)), category_code, limit)
    below = _newest(db.select(Item).join(Site, Site.id == Item.site_id).where(site.subtree()),
                    category_code, limit)
    above = []
    if site.level != "city":
        above = _newest(db.select(Item).where(and_(visible_condition(site),
                                                   Item.site_id != site.id)),
                        category_code, limit)
    merged = sorted(below + above, key=lambda i: (i.last_published_at, i.id), reverse=True)
    return merged[:limit]
