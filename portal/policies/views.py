"""Public policy pages: /s/<code>/policies/ and links to one policy by its number."""

from flask import abort, g, redirect, render_template, request, url_for
from flask_babel import lazy_gettext as _l

from portal.core import clock
from portal.core.cache import public_page
from portal.core.tenancy import bind_site_urls
from portal.policies import bp
from portal.policies.queries import STATUS_NAMES, PolicyFilter, related_policy, site_policies
from portal.standards.models import categories_of_kind

bind_site_urls(bp)

PER_PAGE = 20
LEVEL_LABELS = {"own": _l("本级"), "city": _l("市"), "district": _l("区县"), "township": _l("乡镇")}


@bp.route("/policies/")
@public_page
def index():
    """Policies that apply here, this site's and those published above it, with their status."""
    site = g.site
    ancestors = site.ancestors()
    levels = ["own", *(a.level for a in ancestors)]
    categories = categories_of_kind("policy")
    wanted = PolicyFilter.from_args(request.args, levels, [c.code for c in categories])
    today = clock.today()
    everything = site_policies(site, today)
    found = wanted.apply(everything, site)
    pages = max((len(found) + PER_PAGE - 1) // PER_PAGE, 1)
    page = min(max(request.args.get("page", 1, type=int), 1), pages)
    return render_template(
        "policies/index.html", site=site, ancestors=ancestors,
        policies=found[(page - 1) * PER_PAGE:page * PER_PAGE], total=len(found),
        page=page, pages=pages, today=today, wanted=wanted, args=wanted.args(),
        levels=[(key, LEVEL_LABELS[key]) for key in levels],
        statuses=[*STATUS_NAMES.items(), ("all", _l("全部"))],
        years=sorted({p.year for p in everything}, reverse=True),
        categories=[c for c in categories if c.is_leaf],
    )


@bp.route("/policies/<int:item_id>")
def show(item_id):
    """Follow a link to a policy by its number to its page at the site that published it."""
    item = related_policy(g.site, item_id)
    if item is None:
        abort(404)
    return redirect(url_for("content.show", code=item.site.code, item_id=item.id))
