"""三资 register pages: the registers of a village, one snapshot as tables with totals, imports,
templates, submitting and countersigning, open data."""

from __future__ import annotations

import io

from flask import (
    abort,
    current_app,
    flash,
    g,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user

from portal.core.cache import public_page
from portal.core.errors import OperationError
from portal.core.permissions import can, require
from portal.core.tenancy import get_in_site_or_404
from portal.extensions import db
from portal.finance import bp, register_data, register_ops, registers
from portal.finance.forms import CountersignForm, RegisterImportForm, ReturnForm, SubmitForm
from portal.finance.models import RegisterSnapshot
from portal.finance.parsing import LedgerRefused
from portal.finance.views import MEDIA, _is_staff


@bp.app_template_filter("register_qty")
def _quantity_filter(value):
    """A count or an area without trailing zeros: 12.50 -> 12.5, 3.00 -> 3."""
    if value is None:
        return ""
    return f"{value:,.2f}".rstrip("0").rstrip(".")


def _snapshots():
    return list(db.session.scalars(db.select(RegisterSnapshot).where(
        RegisterSnapshot.site_id == g.site.id).order_by(
        RegisterSnapshot.kind, RegisterSnapshot.as_of.desc(), RegisterSnapshot.number.desc())))


def _current(snapshots, public_ids) -> dict[str, RegisterSnapshot]:
    """Kind -> the newest public snapshot (snapshots come newest first within a kind)."""
    current: dict[str, RegisterSnapshot] = {}
    for s in snapshots:
        if s.id in public_ids and s.kind not in current:
            current[s.kind] = s
    return current


def _index_context(form=None, **extra):
    snapshots = _snapshots()
    public_ids = register_ops.public_snapshot_ids(g.site)
    current = _current(snapshots, public_ids)
    staff = _is_staff()
    context = {"site": g.site, "ancestors": g.site.ancestors(), "kinds": registers.KINDS,
               "current": current, "staff": staff,
               "summaries": {k: summary(s.kind, register_ops.rows_of(s))
                             for k, s in current.items()}}
    if staff:
        context.update(snapshots=snapshots, public_ids=public_ids,
                       may_import=can(current_user, g.site, "finance.import"),
                       form=form or RegisterImportForm())
    context.update(extra)
    return context


def summary(kind: str, rows) -> dict:
    """Totals of a register shown above its table and on the index."""
    if kind == "asset":
        value = sum(r.value_fen for r in rows)
        dep = sum(r.depreciation_fen for r in rows)
        return {"count": len(rows), "value": value, "depreciation": dep, "net": value - dep}
    if kind == "resource":
        by_class: dict[str, list] = {}
        for r in rows:
            entry = by_class.setdefault(r.category, [0, 0])
            entry[0] += 1
            entry[1] += r.quantity
        return {"count": len(rows), "area": sum((r.quantity for r in rows), start=0),
                "by_class": sorted(by_class.items())}
    if kind == "contract":
        return {"count": len(rows), "due": sum(r.value_fen for r in rows),
                "received": sum(r.received_fen for r in rows),
                "overdue": sum(registers.overdue_fen(r) for r in rows),
                "overdue_count": sum(1 for r in rows if registers.overdue_fen(r))}
    claims = [r for r in rows if r.category == "claim"]
    debts = [r for r in rows if r.category == "debt"]
    return {"count": len(rows), "claims": sum(r.value_fen for r in claims),
            "debts": sum(r.value_fen for r in debts), "claim_count": len(claims),
            "debt_count": len(debts)}


@bp.route("/registers/")
@public_page
def registers_index():
    """The village's 三资 registers: the current public snapshot of each, and imports for staff."""
    return render_template("finance/registers.html", **_index_context())


@bp.route("/registers/import", methods=["POST"])
def import_register():
    """Check and import one register file: all or nothing."""
    require(current_user, g.site, "finance.import")
    form = RegisterImportForm()
    errors, message = [], None
    if form.validate_on_submit():
        upload = request.files.get("file")
        data = upload.read() if upload else b""
        try:
            snapshot = register_ops.import_register(
                current_user, g.site, form.kind.data, register_ops.parse_as_of(form.as_of.data),
                upload.filename if upload else "", data, form.reason.data)
        except LedgerRefused as refused:
            db.session.rollback()
            errors, message = refused.errors, refused.message
            if refused.more:
                errors = [*errors, (None, _("另有%(n)d处错误未列出", n=refused.more))]
        except OperationError as error:
            db.session.rollback()
            message = error.message
        else:
            db.session.commit()
            flash(_("已导入%(k)s（截至%(d)s）第%(n)d版，共%(c)d行。请核对后提交会签。",
                    k=registers.KINDS[snapshot.kind], d=snapshot.as_of.isoformat(),
                    n=snapshot.number, c=snapshot.row_count), "success")
            return redirect(url_for(".register", snapshot_id=snapshot.id))
    else:
        message = _("页面已过期，请刷新后重新上传")
    return render_template("finance/registers.html", **_index_context(
        form, import_errors=errors, import_message=message)), 422


@bp.route("/registers/template-<kind>.<fmt>")
def register_template(kind, fmt):
    """The import template of one register, with a worked example."""
    if kind not in registers.KINDS or fmt not in ("xlsx", "csv"):
        abort(404)
    data = (register_data.template_xlsx(kind) if fmt == "xlsx"
            else register_data.template_csv(kind))
    return send_file(io.BytesIO(data), as_attachment=True,
                     download_name=f"{registers.KINDS[kind]}模板.{fmt}",
                     mimetype=MEDIA[fmt].split(";")[0], max_age=3600)


def _visible(snapshot_id) -> RegisterSnapshot:
    """A snapshot of this site this visitor may see (unpublished ones are staff only)."""
    snapshot = get_in_site_or_404(RegisterSnapshot, snapshot_id, g.site)
    if not _is_staff() and snapshot.id not in register_ops.public_snapshot_ids(g.site):
        abort(404)
    return snapshot


@bp.route("/registers/<int:snapshot_id>/")
@public_page
def register(snapshot_id):
    """One snapshot of a register as a table with totals (and, for land, its contracts)."""
    snapshot = _visible(snapshot_id)
    rows = register_ops.rows_of(snapshot)
    contracts_snapshot = None
    if snapshot.kind == "resource":
        if snapshot.contracts_id:
            contracts_snapshot = db.session.get(RegisterSnapshot, snapshot.contracts_id)
        elif _is_staff():  # before submitting: the contracts it would be submitted with
            contracts_snapshot = register_ops.latest_snapshot(g.site, "contract", snapshot.as_of)
    contracts = register_ops.rows_of(contracts_snapshot)
    public_ids = register_ops.public_snapshot_ids(g.site)
    items = register_ops.snapshot_items(snapshot)
    staff = _is_staff()
    history = [s for s in _snapshots() if s.kind == snapshot.kind and s.as_of == snapshot.as_of
               and (staff or s.id in public_ids)]
    return render_template(
        "finance/register.html", site=g.site, ancestors=g.site.ancestors(), snapshot=snapshot,
        kind=snapshot.kind, kinds=registers.KINDS, rows=rows, totals=summary(snapshot.kind, rows),
        contracts=contracts, contract_totals=summary("contract", contracts),
        contracts_snapshot=contracts_snapshot, land_classes=registers.LAND_CLASSES,
        overdue=registers.overdue_fen, public=snapshot.id in public_ids, staff=staff,
        items=items, history=history,
        may_submit=(staff and can(current_user, g.site, "finance.import")
                    and snapshot.kind != "contract" and snapshot.submitted_at is None),
        may_review=(can(current_user, g.site, "finance.review")
                    and any(i.status == "submitted" for i in items.values())
                    and current_user.id not in (snapshot.submitted_by_id,
                                                snapshot.imported_by_id)),
        submit_form=SubmitForm(), countersign_form=CountersignForm(), return_form=ReturnForm())


def _act(snapshot_id, action, message: str):
    snapshot = get_in_site_or_404(RegisterSnapshot, snapshot_id, g.site)
    try:
        action(snapshot)
    except OperationError as error:
        db.session.rollback()
        flash(error.message, "error")
    else:
        db.session.commit()
        flash(message, "success")
    return redirect(url_for(".register", snapshot_id=snapshot.id))


@bp.route("/registers/<int:snapshot_id>/submit", methods=["POST"])
def submit_register(snapshot_id):
    """Hand a snapshot's items to the 民主理财小组 and 监委会 for countersigning."""
    require(current_user, g.site, "finance.import")
    if not SubmitForm().validate_on_submit():
        abort(400)
    return _act(snapshot_id, lambda s: register_ops.submit_register(current_user, g.site, s),
                _("已提交会签，等待民主理财小组或村务监督委员会会签。"))


@bp.route("/registers/<int:snapshot_id>/countersign", methods=["POST"])
def countersign_register(snapshot_id):
    """Countersign every part of a snapshot, which publishes it."""
    require(current_user, g.site, "finance.review")
    form = CountersignForm()
    if not form.validate_on_submit():
        abort(400)
    return _act(snapshot_id, lambda s: register_ops.countersign_register(
        current_user, g.site, s, form.dissent.data), _("已会签，台账已公开。"))


@bp.route("/registers/<int:snapshot_id>/return", methods=["POST"])
def return_register(snapshot_id):
    """Send a snapshot back to the accountant with the reason."""
    require(current_user, g.site, "finance.review")
    form = ReturnForm()
    if not form.validate_on_submit():
        abort(400)
    return _act(snapshot_id, lambda s: register_ops.return_register(
        current_user, g.site, s, form.reason.data), _("已退回，并通知会计修改。"))


@bp.route("/registers/<int:snapshot_id>/data.<fmt>")
@public_page
def register_export(snapshot_id, fmt):
    """A snapshot's rows as CSV, XLSX or JSON."""
    if fmt not in MEDIA:
        abort(404)
    snapshot = _visible(snapshot_id)
    rows = register_ops.rows_of(snapshot)
    if fmt == "csv":
        body = register_data.as_csv(snapshot.kind, rows)
    elif fmt == "xlsx":
        body = register_data.as_xlsx(snapshot.kind, rows)
    else:
        body = register_data.as_json(snapshot.kind, rows, g.site, snapshot)
    response = current_app.response_class(body, mimetype=MEDIA[fmt])
    response.headers.set("Content-Disposition", "attachment", filename=(
        f"{g.site.code}-{snapshot.kind}-{snapshot.as_of.isoformat()}-r{snapshot.number}.{fmt}"))
    return response


@bp.route("/registers/<int:snapshot_id>/datapackage.json")
@public_page
def register_datapackage(snapshot_id):
    """The machine-readable descriptor of a snapshot's data."""
    snapshot = _visible(snapshot_id)
    return register_data.descriptor(g.site, snapshot, lambda fmt: url_for(
        ".register_export", snapshot_id=snapshot.id, fmt=fmt, _external=True))
