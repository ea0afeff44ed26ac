"""Atom feeds of a site: /s/<code>/feed.atom (?sub=1 with every site below) and per category."""

from __future__ import annotations

import re
from datetime import UTC, datetime

from feedgen.feed import FeedGenerator
from flask import abort, current_app, g, request, url_for
from flask_babel import gettext as _

from portal.content.models import Item
from portal.core.cache import public_page
from portal.core.tenancy import bind_site_urls
from portal.feeds import bp
from portal.feeds.queries import feed_items
from portal.standards.models import current_version, get_category

bind_site_urls(bp)

SUMMARY_CHARS = 200
# Characters XML 1.0 cannot carry; a pasted body may hold them and lxml refuses them.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


@bp.route("/feed.atom")
@public_page
def site_feed():
    """The site's published items, newest first; ?sub=1 adds every site below it."""
    subtree = request.args.get("sub") == "1"
    if subtree:
        title = _("%(s)s及下辖站点公开信息", s=g.site.name)
    else:
        title = _("%(s)s公开信息", s=g.site.name)
    return _atom(title, feed_items(g.site, subtree=subtree),
                 url_for(".site_feed", sub="1" if subtree else None, _external=True),
                 url_for("sites.show", code=g.site.code, _external=True))


@bp.route("/c/<category>/feed.atom")
@public_page
def category_feed(category):
    """One category's published items at this site, with what applies from above."""
    cat = get_category(category)
    if cat is None or not cat.is_leaf:
        abort(404)
    subtree = request.args.get("sub") == "1"
    return _atom(_("%(s)s · %(c)s", s=g.site.name, c=cat.name),
                 feed_items(g.site, cat.code, subtree=subtree),
                 url_for(".category_feed", category=cat.code, sub="1" if subtree else None,
                         _external=True),
                 url_for("content.category", code=g.site.code, category=cat.code,
                         _external=True))


def _utc(moment: datetime) -> datetime:
    """A stored time (naive UTC) as an aware one, which feedgen requires."""
    return moment.replace(tzinfo=UTC)


def _text(value: str | None) -> str:
    return _NOT_XML.sub("", value or "")


def _atom(title: str, items: list[Item], self_url: str, page_url: str):
    """Render items as an Atom document; each entry links to the item's public page."""
    version = current_version()
    names = ({c.code: c.name for c in version.categories(leaves_only=True)}
             if version is not None else {})
    feed = FeedGenerator()
    feed.id(self_url)
    feed.title(_text(title))
    feed.link(href=self_url, rel="self", type="application/atom+xml")
    feed.link(href=page_url, rel="alternate", type="text/html")
    feed.author({"name": _text(g.site.name)})
    feed.language("zh-CN")
    feed.generator(_("阳光村务"))
    newest = None
    for item in items:
        revision = item.current_revision
        url = url_for("content.show", code=item.site.code, item_id=item.id, _external=True)
        updated = item.last_published_at
        entry = feed.add_entry(order="append")
        entry.id(url)
        entry.link(href=url, rel="alternate", type="text/html")
        entry.author({"name": _text(item.site.name)})
        entry.published(_utc(item.first_published_at))
        if item.withdrawn_at is not None:
            # A withdrawal changes what the entry says, so readers should see it as updated.
            updated = max(updated, item.withdrawn_at)
            entry.title(_text(_("【已撤回】%(t)s", t=revision.title)))
            entry.summary(_text(_("撤回原因：%(r)s", r=item.withdraw_reason or "")))
        else:
            entry.title(_text(revision.title))
            entry.summary(_text(revision.body.strip()[:SUMMARY_CHARS]))
        entry.updated(_utc(updated))
        if item.category_code in names:
            entry.category(term=item.category_code, label=_text(names[item.category_code]))
        newest = updated if newest is None else max(newest, updated)
    feed.updated(_utc(newest or g.site.updated_at))
    return current_app.response_class(feed.atom_str(pretty=True),
                                      mimetype="application/atom+xml")
