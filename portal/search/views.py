"""The search page: /search?q=...&scope=<code>, with facets that work without JavaScript."""

from flask import render_template, request

from portal.search import bp
from portal.search.service import SearchRequest, run_search
from portal.sites.models import ancestors_of_many


@bp.route("/search")
def index():
    """Search published disclosures of a site, its subtree or the whole region."""
    search = SearchRequest.from_args(request.args)
    page = run_search(search)
    labels = ancestors_of_many([r.item.site for r in page.results] + page.sites
                               + ([search.scope] if search.scope else []))
    # Not @public_page: the index may trail a publish by a moment, and a cached page would
    # keep that moment for PAGE_CACHE_SECONDS.
    return render_template("search/index.html", page=page, search=search, labels=labels,
                           search_q=search.q)
