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


@bp.route("/compliance/")
@public_page
def show():
    """This site's categories with their state; for upper levels, the sites below ranked."""
    site = g.site
    today = clock.today()
    below = LEVELS[LEVELS.index(site.level) + 1:]
    level = request.args.get("level")
    if level not in below:
        level = None
    board = subtree_report(site, today, overdue_limit=OVERDUE_SHOWN) if below else None
    ranking = board.ranking if board else []
    if level:
        ranking = [r for r in ranking if r.level == level]
    return render_template(
        "compliance/show.html", site=site, ancestors=site.ancestors(),
        report=site_report(site, today), board=board, ranking=ranking, level=level,
        levels_below=below if len(below) > 1 else (), level_names=LEVEL_NAMES,
        overdue_shown=OVERDUE_SHOWN, day=day_text,
    )
