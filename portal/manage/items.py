"""Console pages for disclosures: draft, attach, mask, submit, countersign, correct, withdraw."""

from flask import abort, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from portal.accounts.forms import ActionForm
from portal.content import operations as ops
from portal.content.forms import CountersignForm, ReasonForm, item_form_class, structured_values
from portal.content.models import Attachment, Item
from portal.content.periods import period_text
from portal.core.errors import OperationError, apply_to_form
from portal.core.permissions import can, require
from portal.core.tenancy import get_in_site_or_404
from portal.extensions import db
from portal.manage import bp
from portal.sites.models import Site
from portal.standards.models import categories_for_level, get_category


def _category_choices(site):
    return [(c.code, f"{c.code} {c.name}") for c in categories_for_level(site.level)]


def _item_form(category_code):
    """The item form, with a policy's own fields when the chosen category is a policy."""
    category = get_category(category_code) if category_code else None
    form = item_form_class(category)()
    form.category.choices = _category_choices(g.site)
    return form


def _save(form, item=None):
    """Apply the form and its uploads in one go; on any refusal nothing is kept."""
    data = {**form.data, "category": form.category.data}
    if form.structured_fields:
        data["fields"] = structured_values(form)
    try:
        if item is None:
            item = ops.create_item(current_user, g.site, data)
        else:
            ops.update_draft(current_user, g.site, item, data)
        for upload in request.files.getlist(form.attachments.name):
            if upload and upload.filename:
                ops.add_attachment(current_user, g.site, item, upload.filename, upload.read())
    except OperationError as error:
        db.session.rollback()
        apply_to_form(form, error)
        return None
    db.session.commit()
    return item


@bp.route("/s/<code>/items/")
def items():
    """This site's disclosures by state, and what waits for my countersignature."""
    require(current_user, g.site, "console.view")
    rows = db.session.scalars(
        db.select(Item).where(Item.site_id == g.site.id)
        .order_by(Item.created_at.desc()).limit(300)).all()
    return render_template("manage/items.html", site=g.site, rows=rows,
                           may_draft=can(current_user, g.site, "content.draft"))


@bp.route("/s/<code>/review/")
def review_queue():
    """Submitted items of this site and the sites below it, awaiting countersignature."""
    if not (can(current_user, g.site, "content.review")
            or can(current_user, g.site, "finance.review")):
        require(current_user, g.site, "content.review")
    rows = db.session.scalars(
        db.select(Item).join(Site, Site.id == Item.site_id)
        .where(g.site.subtree(), Item.status == "submitted")
        .order_by(Item.submitted_at).limit(300)).all()
    rows = [r for r in rows if ops.may_review(current_user, r.site, r)]
    return render_template("manage/review.html", site=g.site, rows=rows)


@bp.route("/s/<code>/items/new", methods=["GET", "POST"])
def new_item():
    """Draft a new disclosure for this site."""
    require(current_user, g.site, "content.draft")
    chosen = request.form.get("category") if request.method == "POST" else request.args.get(
        "category")
    form = _item_form(chosen)
    if request.method == "GET" and request.args.get("category"):
        form.category.data = request.args["category"]
    if form.validate_on_submit():
        item = _save(form)
        if item is not None:
            flash(_("草稿已保存。检查无误后请提交会签。"), "success")
            return redirect(url_for(".item", item_id=item.id))
    status = 422 if request.method == "POST" else 200
    policies = [c for c in categories_for_level(g.site.level) if c.kind == "policy"]
    return render_template("manage/item_form.html", site=g.site, form=form, item=None,
                           policy_categories=[] if form.structured_fields else policies), status


@bp.route("/s/<code>/items/<int:item_id>", methods=["GET", "POST"])
def item(item_id):
    """One item in the console: edit the draft, see privacy problems, act on it."""
    require(current_user, g.site, "console.view")
    item = get_in_site_or_404(Item, item_id, g.site)
    form = _item_form(request.form.get("category") if request.method == "POST"
                      else item.category_code)
    editable = item.status in ("draft", "returned") and can(current_user, g.site, "content.draft")
    if request.method == "POST":
        if not editable:
            abort(409)
        if form.validate_on_submit() and _save(form, item) is not None:
            flash(_("草稿已保存。"), "success")
            return redirect(url_for(".item", item_id=item.id))
    elif editable:
        form.category.data = item.category_code
        form.period.data = period_text(item.period_kind, item.period_start)
        form.title.data, form.body.data = item.draft_title, item.draft_body
        form.posting_days.data = item.posting_days
        form.reason.data = item.draft_reason
        for name, value in item.draft_field_values.items():
            if f"f_{name}" in form.structured_fields:
                form[f"f_{name}"].data = str(value)
    status = 422 if request.method == "POST" else 200
    return render_template(
        "manage/item.html", site=g.site, item=item, form=form, editable=editable,
        problems=ops.privacy_problems(item) if item.status != "published" else [],
        action_form=ActionForm(), reason_form=ReasonForm(), countersign_form=CountersignForm(),
        may_review=ops.may_review(current_user, g.site, item),
        may_publish=can(current_user, g.site, "content.publish"),
        may_draft=can(current_user, g.site, "content.draft"),
        field_labels=_field_labels(item),
    ), status


def _field_labels(item):
    """Labels of the policy fields an item's draft carries, for the reviewer's preview."""
    category = get_category(item.category_code, item.standard_version)
    labels = {spec["name"]: spec.get("label", spec["name"])
              for spec in (category.field_list if category else [])}
    return {**labels, "interprets": _("解读的政策编号"), "replaces": _("替代的政策编号")}


def _act(item_id, action, message, form_class=ActionForm):
    """Run one workflow action from a POST button and come back to the item."""
    item = get_in_site_or_404(Item, item_id, g.site)
    form = form_class()
    if not form.validate_on_submit():
        for errors in form.errors.values():
            flash("；".join(errors), "error")
        return redirect(url_for(".item", item_id=item.id))
    try:
        result = action(item, form)
    except OperationError as error:
        db.session.rollback()
        flash(error.message, "error")
    else:
        db.session.commit()
        flash(message(result) if callable(message) else message, "success")
    return redirect(url_for(".item", item_id=item.id))


@bp.route("/s/<code>/items/<int:item_id>/mask", methods=["POST"])
def mask_item(item_id):
    """Produce the masked version of the draft for review."""

    def message(left):
        if left:
            return _("已遮蔽标题、正文和表格中的号码。以下文件无法自动遮蔽，请处理后重新上传：%(f)s",
                     f="、".join(left))
        return _("已生成遮蔽后的版本，请核对后提交。")

    return _act(item_id, lambda item, f: ops.mask_draft(current_user, g.site, item), message)


@bp.route("/s/<code>/items/<int:item_id>/submit", methods=["POST"])
def submit_item(item_id):
    """Submit the draft for countersigning."""
    return _act(item_id, lambda item, f: ops.submit_item(current_user, g.site, item),
                _("已提交，等待村务监督委员会或民主理财小组会签。"))


@bp.route("/s/<code>/items/<int:item_id>/countersign", methods=["POST"])
def countersign_item(item_id):
    """Countersign (and so publish) a submitted item, with an optional dissent."""
    return _act(item_id,
                lambda item, f: ops.countersign_item(current_user, g.site, item, f.dissent.data),
                _("已会签，事项已公开发布。"), CountersignForm)


@bp.route("/s/<code>/items/<int:item_id>/return", methods=["POST"])
def return_item(item_id):
    """Send a submitted item back with the reason."""
    return _act(item_id,
                lambda item, f: ops.return_item(current_user, g.site, item, f.reason.data),
                _("已退回，并告知发布人原因。"), ReasonForm)


@bp.route("/s/<code>/items/<int:item_id>/correct", methods=["POST"])
def correct_item(item_id):
    """Open a correction of a published item."""
    return _act(item_id, lambda item, f: ops.start_correction(current_user, g.site, item),
                _("已建立更正草稿。修改后写明更正原因并提交会签；在此之前公开的仍是原内容。"))


@bp.route("/s/<code>/items/<int:item_id>/withdraw", methods=["POST"])
def withdraw_item(item_id):
    """Withdraw a published item, leaving a public notice with the reason."""
    return _act(item_id,
                lambda item, f: ops.withdraw_item(current_user, g.site, item, f.reason.data),
                _("已撤回。公开页面保留撤回说明和修订记录。"), ReasonForm)


@bp.route("/s/<code>/items/<int:item_id>/attachments/<int:attachment_id>/remove",
          methods=["POST"])
def remove_attachment(item_id, attachment_id):
    """Take one file off the draft."""
    attachment = get_in_site_or_404(Attachment, attachment_id, g.site)
    return _act(item_id,
                lambda item, f: ops.remove_attachment(current_user, g.site, item, attachment),
                _("附件已移除。"))
