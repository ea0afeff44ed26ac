"""Benefit list pages: the lists of a village, one list (names or totals), import and countersign."""

from __future__ import annotations

from flask import abort, current_app, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import FileField, SelectField, StringField

from portal.core.clock import utcnow
from portal.core.errors import OperationError
from portal.core.permissions import can, require
from portal.core.tenancy import get_in_site_or_404
from portal.extensions import db
from portal.finance import benefits_data, bp
from portal.finance.benefits import (
    KINDS,
    BenefitList,
    countersign_list,
    import_list,
    lists_of,
    may_see_names,
    recipients_of,
)
from portal.finance.parsing import LedgerRefused
from portal.finance.views import MEDIA


class BenefitImportForm(FlaskForm):
    kind = SelectField(_l("名单类别"), choices=[], validate_choice=False)
    title = StringField(_l("标题"), description=_l("如 安龙村2026年耕地地力保护补贴发放名单"))
    file = FileField(_l("名单文件"), description=_l(
        "XLSX 或 CSV，列：姓名、身份证号(可选，保存时自动遮蔽)、家庭人口、金额"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.kind.choices = [(k, str(v)) for k, v in KINDS.items()]


class PostForm(FlaskForm):
    """Countersign and post a list (CSRF only)."""


def _staff() -> bool:
    return any(can(current_user, g.site, p) for p in ("finance.import", "finance.review"))


@bp.route("/benefits/", methods=["GET", "POST"])
def benefits():
    """The benefit lists of a village; staff import new ones here."""
    form = BenefitImportForm()
    errors, message, status = [], None, 200
    if request.method == "POST":
        require(current_user, g.site, "finance.import")
        status = 422
        if form.validate_on_submit():
            upload = request.files.get("file")
            try:
                benefit = import_list(current_user, g.site, form.kind.data, form.title.data,
                                      upload.filename if upload else "",
                                      upload.read() if upload else b"")
            except LedgerRefused as refused:
                db.session.rollback()
                errors, message = refused.errors, refused.message
            except OperationError as error:
                db.session.rollback()
                message = error.message
            else:
                db.session.commit()
                flash(_("名单已导入，等待民主理财小组会签后公示7天。"), "success")
                return redirect(url_for(".benefit", list_id=benefit.id))
        else:
            message = _("页面已过期，请刷新后重新上传")
    staff = _staff()
    return render_template("finance/benefits.html", site=g.site, ancestors=g.site.ancestors(),
                           lists=lists_of(g.site, staff), staff=staff, form=form, kinds=KINDS,
                           may_import=can(current_user, g.site, "finance.import"),
                           import_errors=errors, import_message=message,
                           now=utcnow()), status


def _visible(list_id) -> BenefitList:
    """A list of this site this visitor may see at all (unposted ones are staff only)."""
    benefit = get_in_site_or_404(BenefitList, list_id, g.site)
    if benefit.posted_at is None and not _staff():
        abort(404)
    return benefit


@bp.route("/benefits/<int:list_id>")
def benefit(list_id):
    """One list: names during the 7-day posting (and for residents later), else the totals."""
    benefit = _visible(list_id)
    now = utcnow()
    names = may_see_names(current_user, g.site, benefit, now)
    return render_template(
        "finance/benefit.html", site=g.site, ancestors=g.site.ancestors(), benefit=benefit,
        kinds=KINDS, names=names, rows=recipients_of(benefit) if names else [],
        in_window=benefit.in_window(now), form=PostForm(),
        may_post=(benefit.posted_at is None and can(current_user, g.site, "finance.review")
                  and current_user.id != benefit.created_by_id))


@bp.route("/benefits/<int:list_id>/post", methods=["POST"])
def post_benefit(list_id):
    """Countersign a list, which posts it for 7 days."""
    require(current_user, g.site, "finance.review")
    benefit = get_in_site_or_404(BenefitList, list_id, g.site)
    if not PostForm().validate_on_submit():
        abort(400)
    try:
        countersign_list(current_user, g.site, benefit)
    except OperationError as error:
        db.session.rollback()
        flash(error.message, "error")
    else:
        db.session.commit()
        flash(_("已会签，名单公示7天。"), "success")
    return redirect(url_for(".benefit", list_id=benefit.id))


def _resources(benefit) -> list[str]:
    """What this visitor may download: the totals, and the masked list by the pages' rule."""
    if may_see_names(current_user, g.site, benefit, utcnow()):
        return ["list", "totals"]
    return ["totals"]


@bp.route("/benefits/<int:list_id>/<any(list, totals):resource>.<fmt>")
def benefit_export(list_id, resource, fmt):
    """A list's masked names (for whoever may see them on the page) or its totals."""
    if fmt not in MEDIA:
        abort(404)
    benefit = _visible(list_id)
    if resource not in _resources(benefit):
        abort(403)
    body = benefits_data.render(resource, fmt, g.site, benefit,
                                recipients_of(benefit) if resource == "list" else [])
    response = current_app.response_class(body, mimetype=MEDIA[fmt])
    response.headers.set("Content-Disposition", "attachment",
                         filename=f"{g.site.code}-benefits-{benefit.id}-{resource}.{fmt}")
    response.headers.set("Cache-Control", "private, no-store")
    return response


@bp.route("/benefits/<int:list_id>/datapackage.json")
def benefit_datapackage(list_id):
    """The descriptor of the downloads this visitor may get."""
    benefit = _visible(list_id)
    response = current_app.json.response(benefits_data.descriptor(
        g.site, benefit, _resources(benefit), lambda name, fmt: url_for(
            ".benefit_export", list_id=benefit.id, resource=name, fmt=fmt, _external=True)))
    response.headers.set("Cache-Control", "private, no-store")
    return response
