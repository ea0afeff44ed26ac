"""The public compliance board of a site: /s/<code>/compliance/."""

from flask import g, render_template, request

from portal.compliance import bp
from portal.content.compliance import day_text, site_report, subtree_report
from portal.core import clock
from portal.core.cache import public_page
from portal.core.tenancy import LEVELS, bind_site_urls
from portal.sites.models import LEVEL_NAMES

bind_site_urls(bp)

OVERDUE_SHOWN = 200  # a district owes thousands of items; the ranking says who, this says what
RANKING_ALL_MAX = 1000  # above this (a city: 3,328 sites) the ranking opens at the level below


@bp.route("/compliance/")
@public_page
def show():
    """This site's categories with their state; for upper levels, the sites below ranked."""
    site = g.site
    today = clock.today()
    below = LEVELS[LEVELS.index(site.level) + 1:]
    board = subtree_report(site, today, overdue_limit=OVERDUE_SHOWN) if below else None
    ranking, level, counts = [], None, {}
    if board:
        for r in board.ranking:
            counts[r.level] = counts.get(r.level, 0) + 1
        level = request.args.get("level")
        if level not in below and level != "all":
            level = below[0] if len(board.ranking) > RANKING_ALL_MAX else "all"
        ranking = board.ranking if level == "all" else [
            r for r in board.ranking if r.level == level]
    return render_template(
        "compliance/show.html", site=site, ancestors=site.ancestors(),
        report=site_report(site, today), board=board, ranking=ranking, level=level,
        levels_below=below if len(below) > 1 else (), level_counts=counts,
        level_names=LEVEL_NAMES, overdue_shown=OVERDUE_SHOWN, day=day_text,
    )
