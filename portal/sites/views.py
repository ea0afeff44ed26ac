"""Public pages of one site: /s/<code>/."""

from flask import abort, g, render_template

from portal.core.cache import public_page
from portal.sites import bp
from portal.sites.models import Site


@bp.url_value_preprocessor
def load_site(endpoint, values):
    """Every /s/<code>/ address works on g.site; an unknown code is a 404 with the finder."""
    code = values.pop("code", None)
    site = Site.by_code(code)
    if site is None:
        abort(404)
    g.site = site


@bp.url_defaults
def add_site_code(endpoint, values):
    """Links inside a site's pages keep its code without every view passing it."""
    if "code" not in values and getattr(g, "site", None) is not None:
        values["code"] = g.site.code


@bp.route("/")
@public_page
def show():
    """A site's home: where it sits in the tree, how to reach it, and the sites below it."""
    site = g.site
    return render_template(
        "sites/show.html",
        site=site,
        ancestors=site.ancestors(),
        children=site.children(),
    )
