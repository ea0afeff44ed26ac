"""Public pages of disclosures: an item, its history and diff, its files, a category."""

import difflib

from flask import abort, g, render_template, request
from flask_babel import gettext as _
from flask_login import current_user

from portal.content import bp
from portal.content.models import Attachment, Item, ItemRevision
from portal.content.queries import public_items
from portal.core.cache import public_page
from portal.core.markup import render_markdown
from portal.core.storage import storage
from portal.core.tenancy import bind_site_urls, get_in_site_or_404
from portal.extensions import db
from portal.standards.models import get_category

bind_site_urls(bp)


def _public_item(item_id: int) -> Item:
    """A published (or withdrawn) item of this site; drafts do not exist for the public."""
    item = get_in_site_or_404(Item, item_id, g.site)
    if item.current_revision_id is None:
        abort(404)
    return item


def _revisions(item: Item) -> list[ItemRevision]:
    return list(db.session.scalars(
        db.select(ItemRevision).where(ItemRevision.item_id == item.id)
        .order_by(ItemRevision.number)))


@bp.route("/items/<int:item_id>")
@public_page
def show(item_id):
    """One disclosure as published now, with its countersignature, dissent and files."""
    item = _public_item(item_id)
    revision = item.current_revision
    return render_template(
        "content/show.html", site=g.site, item=item, revision=revision,
        category=get_category(item.category_code, item.standard_version),
        body=render_markdown(revision.body), revisions=_revisions(item),
        ancestors=g.site.ancestors(),
    )


def side_by_side(old: str, new: str) -> list[tuple]:
    """Rows (tag, old line, new line) comparing two texts line by line."""
    a, b = old.splitlines(), new.splitlines()
    rows = []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        left, right = a[i1:i2], b[j1:j2]
        for k in range(max(len(left), len(right))):
            rows.append((tag, left[k] if k < len(left) else None,
                         right[k] if k < len(right) else None))
    return rows


def _as_text(revision: ItemRevision, labels: dict[str, str]) -> str:
    """A revision as lines to compare: title, structured fields, body, files."""
    fields = "\n".join(f"[{labels.get(k, k)}] {v}"
                       for k, v in sorted(revision.field_values.items()))
    files = "\n".join(f"[附件] {a.filename}" for a in revision.attachments)
    return f"# {revision.title}\n{fields}\n\n{revision.body}\n{files}"


@bp.route("/items/<int:item_id>/history")
@public_page
def history(item_id):
    """Every revision with its reason; two chosen revisions side by side."""
    item = _public_item(item_id)
    revisions = _revisions(item)
    numbers = [r.number for r in revisions]
    a = request.args.get("a", type=int)
    b = request.args.get("b", type=int)
    if a is None and len(revisions) > 1:
        a, b = numbers[-2], numbers[-1]
    diff = None
    if a in numbers and b in numbers and a != b:
        old, new = revisions[numbers.index(a)], revisions[numbers.index(b)]
        category = get_category(item.category_code, item.standard_version)
        labels = {f["name"]: f.get("label", f["name"]) for f in
                  (category.field_list if category else [])}
        labels.update(interprets=_("解读的政策"), replaces=_("替代的政策"))
        diff = {"old": old, "new": new,
                "rows": side_by_side(_as_text(old, labels), _as_text(new, labels))}
    return render_template("content/history.html", site=g.site, item=item,
                           revisions=revisions, diff=diff, ancestors=g.site.ancestors())


@bp.route("/items/<int:item_id>/files/<int:attachment_id>")
def download(item_id, attachment_id):
    """A file of a published revision, as a download that a browser never renders inline."""
    item = get_in_site_or_404(Item, item_id, g.site)
    attachment = get_in_site_or_404(Attachment, attachment_id, g.site)
    published = db.session.scalar(
        db.select(ItemRevision.id)
        .join(ItemRevision.attachments)
        .where(ItemRevision.item_id == item.id, Attachment.id == attachment.id)
        .limit(1))
    staff_preview = (current_user.is_authenticated and attachment in item.draft_attachments)
    if published is None and not staff_preview:
        abort(404)
    if staff_preview and published is None:
        from portal.content.operations import refuse_if_not_staff

        refuse_if_not_staff(current_user, g.site)
    return _file_response(attachment)


def _file_response(attachment: Attachment):
    from flask import current_app

    response = current_app.response_class(storage().read(attachment.sha256),
                                          mimetype=attachment.mimetype)
    response.headers.set("Content-Disposition", "attachment", filename=attachment.filename)
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response.set_etag(attachment.sha256)
    response.cache_control.public = True
    response.cache_control.max_age = 86400
    return response.make_conditional(request)


@bp.route("/c/<category>/")
@public_page
def category(category):
    """One category at this site: its rule, its items and what applies from above."""
    cat = get_category(category)
    if cat is None:
        abort(404)
    if not cat.is_leaf:
        return _group(cat)
    page = max(request.args.get("page", 1, type=int), 1)
    items = public_items(g.site, cat.code, limit=21, offset=(page - 1) * 20)
    from portal.content.compliance import category_status

    status = category_status(g.site, cat)
    return render_template(
        "content/category.html", site=g.site, category=cat, items=items[:20],
        more=len(items) > 20, page=page, status=status, ancestors=g.site.ancestors(),
        publishes_here=cat.publishes_at(g.site.level),
    )


def _group(group):
    """A 大类: its 小类 that apply here, with counts and whether each is due."""
    from portal.content.compliance import category_status
    from portal.content.queries import counts_by_category

    counts = counts_by_category(g.site)
    leaves = [c for c in group.version.categories(leaves_only=True)
              if c.parent_code == group.code
              and (c.publishes_at(g.site.level) or counts.get(c.code))]
    if not leaves:
        abort(404)
    rows = [{"category": c, "count": counts.get(c.code, 0),
             "status": category_status(g.site, c) if c.publishes_at(g.site.level) else None}
            for c in leaves]
    return render_template("content/group.html", site=g.site, group=group, rows=rows,
                           ancestors=g.site.ancestors())
