"""Markdown for disclosures: CommonMark with tables, rendered and then sanitised by nh3."""

from __future__ import annotations

import nh3
from markdown_it import MarkdownIt
from markupsafe import Markup

_md = MarkdownIt("commonmark", {"html": False, "linkify": False}).enable("table")

ALLOWED_TAGS = {
    "p", "br", "strong", "em", "ul", "ol", "li", "h2", "h3", "h4", "blockquote", "code", "pre",
    "table", "thead", "tbody", "tr", "th", "td", "a", "hr",
}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "th": {"align"}, "td": {"align"}}


def render_markdown(text: str) -> Markup:
    """Safe HTML for a Markdown body: raw HTML is escaped, then anything unsafe is removed."""
    html = _md.render(text or "")
    # Headings in a body start at h2: the page's h1 is the item's title.
    html = html.replace("<h1>", "<h2>").replace("</h1>", "</h2>")
    clean = nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="nofollow noopener noreferrer",
    )
    return Markup(clean)  # noqa: S704  (sanitised by nh3 just above)


def has_markup_danger(text: str) -> bool:
    """Whether a body tries to smuggle HTML, scripts or styles (refused with a message)."""
    lowered = (text or "").lower()
    return any(tag in lowered for tag in ("<script", "<style", "<iframe", "javascript:", "<object",
                                          "<embed", " onerror=", " onload=", "<svg"))
