"""Public pages of one site: /s/<code>/."""

from flask import g, render_template

from portal.core.cache import public_page
from portal.core.tenancy import bind_site_urls
from portal.sites import bp
from portal.standards.models import current_version

# Every /s/<code>/ address works on g.site; an unknown code is a 404 with the finder.
bind_site_urls(bp)


def standard_outline(site):
    """The parts and 大类 that apply to a site's level, each with its public item count."""
    from portal.content.queries import counts_by_category  # content imports sites: no cycle

    version = current_version()
    if version is None:
        return []
    counts = counts_by_category(site)
    parts: dict[str, dict] = {}
    groups: dict[str, dict] = {}
    for cat in version.categories():
        if not cat.is_leaf:
            groups[cat.code] = {"category": cat, "leaves": 0, "items": 0}
            continue
        applies = cat.publishes_at(site.level) or counts.get(cat.code)
        if not applies:
            continue
        group = groups[cat.parent_code]
        group["leaves"] += 1
        group["items"] += counts.get(cat.code, 0)
    for group in groups.values():
        if group["leaves"]:
            part = parts.setdefault(group["category"].part, {
                "name": version.part_names.get(group["category"].part, ""), "groups": []})
            part["groups"].append(group)
    return [parts[k] for k in sorted(parts)]


@bp.route("/")
@public_page
def show():
    """A site's home: latest disclosures, the standard's parts for its level, the sites below."""
    from portal.content.queries import public_items

    site = g.site
    return render_template(
        "sites/show.html",
        site=site,
        ancestors=site.ancestors(),
        children=site.children(),
        outline=standard_outline(site),
        latest=public_items(site, limit=10),
    )
