"""Special fund pages: every fund of a village against its public ledgers, registering and
correcting a fund (staff), and the funds' open data."""

from __future__ import annotations

from flask import abort, current_app, flash, g, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from portal.core.cache import public_page
from portal.core.errors import OperationError, apply_to_form
from portal.core.permissions import can, require
from portal.core.tenancy import get_in_site_or_404
from portal.extensions import db
from portal.finance import bp, funds, funds_data
from portal.finance.forms import FundCorrectionForm, FundForm
from portal.finance.models import SpecialFund
from portal.finance.views import MEDIA, _is_staff


def _may_register() -> bool:
    return g.site.level == "village" and can(current_user, g.site, "finance.import")


def _page(form=None, correcting=None, status=200):
    """The funds page; `form` or `correcting` (a bound correction form) as typed when refused."""
    registered, unregistered = funds.report(g.site)
    staff = _is_staff()
    titles = funds.item_titles(r.fund.decision_item_id for r in registered)
    context = {
        "site": g.site, "ancestors": g.site.ancestors(), "registered": registered,
        "unregistered": unregistered, "levels": funds.LEVELS, "titles": titles,
        "history": funds.history([r.fund for r in registered], masked=not staff),
        "totals": {"granted": sum(r.fund.granted_fen for r in registered),
                   "received": sum(r.received for r in registered + unregistered),
                   "spent": sum(r.spent for r in registered + unregistered)},
        "may_register": _may_register(),
    }
    if context["may_register"]:
        decisions = funds.decision_choices(g.site)
        context["form"] = form or FundForm(formdata=None, decisions=decisions)
        context["corrections"] = {
            r.fund.id: (correcting if correcting is not None and correcting.fund_id == r.fund.id
                        else FundCorrectionForm.of(r.fund, decisions)) for r in registered}
    return render_template("finance/funds.html", **context), status


@bp.route("/funds")
@public_page
def funds_index():
    """Special funds (专项资金): from which level, for what, received, spent, left, still to come."""
    return _page()


@bp.route("/funds/new", methods=["POST"])
def register_fund():
    """Register a special fund granted to the village."""
    require(current_user, g.site, "finance.import")
    form = FundForm(decisions=funds.decision_choices(g.site))
    return _save(form, "form", lambda: funds.register_fund(current_user, g.site, form.data),
                 lambda fund: _("已登记专项资金“%(n)s”。", n=fund.name))


def _save(form, slot: str, action, message):
    """Run a fund operation from a checked form: commit and confirm, or show the form again."""
    if not form.validate_on_submit():
        form.form_errors.append(_("页面已过期，请刷新后重新填写"))
        return _page(**{slot: form}, status=422)
    try:
        fund = action()
    except OperationError as error:
        db.session.rollback()
        apply_to_form(form, error)
        return _page(**{slot: form}, status=422)
    db.session.commit()
    flash(message(fund), "success")
    return redirect(url_for(".funds_index", _anchor=f"fund-{fund.id}"))


@bp.route("/funds/<int:fund_id>/correct", methods=["POST"])
def correct_fund(fund_id):
    """Correct a registered fund with the reason; the earlier version stays in its history."""
    require(current_user, g.site, "finance.import")
    fund = get_in_site_or_404(SpecialFund, fund_id, g.site)
    form = FundCorrectionForm(prefix=f"fund{fund.id}", decisions=FundCorrectionForm.decisions_for(
        fund, funds.decision_choices(g.site)))
    form.fund_id = fund.id

    def correct():
        funds.correct_fund(current_user, g.site, fund, form.data, form.reason.data)
        return fund

    return _save(form, "correcting", correct,
                 lambda fund: _("已更正“%(n)s”，更正记录已公开。", n=fund.name))


def _reports():
    registered, unregistered = funds.report(g.site)
    return registered + unregistered


@bp.route("/funds.<fmt>")
@public_page
def funds_export(fmt):
    """One row per fund: level, purpose, document, decision, granted, received, spent, balance."""
    if fmt not in MEDIA:
        abort(404)
    reports = _reports()
    titles = funds.item_titles(r.fund.decision_item_id for r in reports if r.fund)
    table = funds_data.fund_rows(reports, titles, lambda item_id: url_for(
        "content.show", item_id=item_id, _external=True))
    return _download(funds_data.render("funds", fmt, g.site, table), fmt, "funds")


@bp.route("/funds/entries.<fmt>")
@public_page
def funds_entries_export(fmt):
    """Every public ledger entry booked against a fund."""
    if fmt not in MEDIA:
        abort(404)
    table = funds_data.entry_rows(_reports())
    return _download(funds_data.render("entries", fmt, g.site, table), fmt, "fund-entries")


def _download(body: bytes, fmt: str, name: str):
    response = current_app.response_class(body, mimetype=MEDIA[fmt])
    response.headers.set("Content-Disposition", "attachment",
                         filename=f"{g.site.code}-special-{name}.{fmt}")
    return response


@bp.route("/funds/datapackage.json")
@public_page
def funds_datapackage():
    """The machine-readable descriptor of the special funds' data."""
    def url(resource, fmt):
        endpoint = ".funds_export" if resource == "funds" else ".funds_entries_export"
        return url_for(endpoint, fmt=fmt, _external=True)

    return funds_data.descriptor(g.site, _reports(), url)

