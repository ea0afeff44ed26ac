"""The site tree: levels, code prefixes and lookups scoped to one site."""

from __future__ import annotations

from flask import abort
from sqlalchemy import and_

from portal.extensions import db

LEVELS = ("city", "district", "township", "village")
PREFIX_LENGTH = {"city": 4, "district": 6, "township": 9, "village": 12}
CODE_LENGTH = 12


def prefix_of(code: str, level: str) -> str:
    """The code prefix that names a site's whole subtree."""
    return code[: PREFIX_LENGTH[level]]


def level_of_code(code: str) -> str:
    """Read the level from a 12-digit code's trailing zeros."""
    if code[4:] == "00000000":
        return "city"
    if code[6:] == "000000":
        return "district"
    if code[9:] == "000":
        return "township"
    return "village"


def ancestor_codes(code: str) -> list[str]:
    """Codes of the city, district and township above a site, and the site itself, top first."""
    level = level_of_code(code)
    codes = []
    for lvl in LEVELS:
        n = PREFIX_LENGTH[lvl]
        codes.append(code[:n].ljust(CODE_LENGTH, "0"))
        if lvl == level:
            break
    return codes


def subtree_clause(column, code: str, level: str):
    """A range condition on a code column matching the whole subtree; it uses the B-tree index."""
    prefix = prefix_of(code, level)
    return and_(
        column >= prefix.ljust(CODE_LENGTH, "0"), column <= prefix.ljust(CODE_LENGTH, "9")
    )


def in_subtree(code: str, root_code: str, root_level: str) -> bool:
    """Whether a code lies in the subtree of a root site."""
    return code.startswith(prefix_of(root_code, root_level))


def get_in_site_or_404(model, row_id, site):
    """Load a site-owned row by id, refusing rows that belong to any other site."""
    try:
        row_id = int(row_id)
    except (TypeError, ValueError):
        abort(404)
    row = db.session.scalar(db.select(model).where(model.id == row_id, model.site_id == site.id))
    if row is None:
        abort(404)
    return row


def bind_site_urls(bp) -> None:
    """Give a blueprint's /s/<code>/ routes the site as g.site and keep the code in its links.

    Routes without a code (a blueprint may have both) are left alone; links to endpoints that
    take a code get the current site's unless they name another.
    """
    from flask import current_app, g

    from portal.sites.models import Site

    @bp.url_value_preprocessor
    def _load_site(endpoint, values):
        code = (values or {}).pop("code", None)
        if code is None:
            return
        site = Site.by_code(code)
        if site is None:
            abort(404)
        g.site = site

    @bp.url_defaults
    def _add_code(endpoint, values):
        if "code" in values or getattr(g, "site", None) is None:
            return
        if current_app.url_map.is_endpoint_expecting(endpoint, "code"):
            values["code"] = g.site.code
