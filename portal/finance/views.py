"""Finance pages: the accounts of a village, one statement, imports and reviews, open data."""

from __future__ import annotations

from flask import abort, current_app, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from portal.core.cache import public_page
from portal.core.errors import OperationError
from portal.core.permissions import can, require
from portal.core.tenancy import bind_site_urls
from portal.extensions import db
from portal.finance import bp, charts, exports, operations, periods, queries, yearly
from portal.finance.forms import CountersignForm, HeavyForm, ImportForm, ReturnForm, SubmitForm
from portal.finance.models import LedgerRevision
from portal.finance.parsing import LedgerRefused, yuan
from portal.finance.template import DATA_DIR
from portal.sites.models import Site

bind_site_urls(bp)

STAFF_PERMISSIONS = ("finance.import", "finance.review", "content.review")


@bp.app_template_filter("yuan")
def _yuan_filter(fen):
    return "" if fen is None else yuan(fen)


@bp.app_template_filter("wan")
def _wan_filter(fen):
    """Fen as 万元 with two decimals, for side-by-side tables on a phone."""
    if fen is None:
        return ""
    wan = (fen + 5000) // 10000  # hundreds of 元, rounded half up
    return f"{wan // 100:,}.{wan % 100:02d}"


def _is_staff() -> bool:
    return any(can(current_user, g.site, p) for p in STAFF_PERMISSIONS)


def _month_rows(series) -> list[tuple[str, int, int]]:
    return [(_("%(m)d月", m=m), i, x) for (_y, m), (i, x) in series.items()]


@bp.route("/")
@public_page
def index():
    """The accounts of a site: every published quarter, charts over the last year, imports."""
    if g.site.level != "village":
        return _township()
    public = queries.current_public([g.site.id])
    shown = sorted(public.values(), key=lambda r: r.period.start, reverse=True)
    series = queries.monthly_series([r.id for r in shown])
    last12 = dict(list(series.items())[-12:])
    years: dict[int, list[int]] = {}
    for r in shown:
        years.setdefault(r.period.start.year, [0, 0])
        years[r.period.start.year][0] += r.income_fen
        years[r.period.start.year][1] += r.expense_fen
    context = {
        "site": g.site, "ancestors": g.site.ancestors(), "shown": shown,
        "monthly_chart": charts.grouped_bars(_month_rows(last12), _("近12个月收入和支出"),
                                             (_("收入"), _("支出"))),
        "monthly_rows": [(y, m, i, x) for (y, m), (i, x) in last12.items()],
        "year_chart": charts.grouped_bars([(str(y), v[0], v[1]) for y, v in sorted(years.items())],
                                          _("各年度收入和支出"), (_("收入"), _("支出"))),
        "years": sorted(years.items()),
        "per_capita": queries.per_capita,
        "staff": _is_staff(),
    }
    if context["staff"]:
        context["revisions"] = queries.revisions_of(g.site)
        context["public_ids"] = queries.public_revision_ids([g.site.id])
        context["may_import"] = can(current_user, g.site, "finance.import")
        context["form"] = _import_form()
    return render_template("finance/index.html", **context)


def _import_form() -> ImportForm:
    form = ImportForm()
    form.period.description = periods.hint(g.site)
    return form


def _township():
    """A township or above: its villages side by side for the latest common year."""
    from portal.finance.compare import comparison

    rows, year = comparison(g.site, request.args.get("year", type=int))
    may_set = g.site.level == "township" and can(current_user, g.site, "site.edit")
    villages = list(db.session.scalars(db.select(Site).where(
        Site.parent_id == g.site.id, Site.level == "village").order_by(Site.code))) \
        if may_set else []
    return render_template("finance/compare.html", site=g.site, ancestors=g.site.ancestors(),
                           rows=rows, year=year, may_set=may_set, villages=villages,
                           heavy_form=HeavyForm() if may_set else None)


@bp.route("/heavy/<village>", methods=["POST"])
def set_heavy(village):
    """The township decides that a village publishes its accounts monthly (or quarterly again)."""
    require(current_user, g.site, "site.edit")
    form = HeavyForm()
    if not form.validate_on_submit() or form.heavy.data not in ("month", "quarter"):
        abort(400)
    target = db.session.scalar(db.select(Site).where(Site.code == village,
                                                     Site.parent_id == g.site.id))
    if target is None:
        abort(404)  # only a village directly below this township
    heavy = form.heavy.data == "month"
    try:
        changed = periods.set_finance_heavy(current_user, target, heavy, form.reason.data)
    except OperationError as error:
        db.session.rollback()
        flash(error.message, "error")
    else:
        db.session.commit()
        if not changed:
            flash(_("%(v)s的公开周期没有变化。", v=target.short_name), "info")
        elif heavy:
            flash(_("已确定%(v)s按月公开财务收支，下一期起按月导入。", v=target.short_name), "success")
        else:
            flash(_("已确定%(v)s按季度公开财务收支。", v=target.short_name), "success")
    return redirect(url_for(".index", year=request.args.get("year", type=int)))


@bp.route("/import", methods=["POST"])
def import_ledger():
    """Check and import the accountant's ledger for one quarter: all or nothing."""
    require(current_user, g.site, "finance.import")
    form = _import_form()
    errors, message = [], None
    if form.validate_on_submit():
        upload = request.files.get("file")
        data = upload.read() if upload else b""
        try:
            revision = operations.import_ledger(current_user, g.site, form.period.data,
                                                upload.filename if upload else "", data,
                                                form.reason.data)
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
            flash(_("已导入%(p)s第%(n)d版，共%(c)d笔。请核对后提交会签。", p=revision.period.key,
                    n=revision.number, c=revision.entry_count), "success")
            return redirect(url_for(".show", key=revision.period.key, r=revision.number))
    else:
        message = _("页面已过期，请刷新后重新上传")
    return render_template("finance/index.html", site=g.site, ancestors=g.site.ancestors(),
                           shown=[], staff=True, may_import=True, form=form,
                           import_errors=errors, import_message=message,
                           revisions=queries.revisions_of(g.site),
                           public_ids=queries.public_revision_ids([g.site.id]),
                           per_capita=queries.per_capita), 422


@bp.route("/template.<fmt>")
def template(fmt):
    """The import template, as the accountant fills it in."""
    if fmt not in ("xlsx", "csv"):
        abort(404)
    import io

    from flask import send_file

    data = (DATA_DIR / f"finance-template.{fmt}").read_bytes()  # small; no open file left behind
    return send_file(io.BytesIO(data), as_attachment=True, download_name=f"财务明细账模板.{fmt}",
                     mimetype=MEDIA[fmt].split(";")[0], max_age=3600)


def _revision(key: str) -> LedgerRevision:
    """The revision of a period this visitor may see: ?r=N, else the latest visible one."""
    period = queries.find_period(g.site, key)
    if period is None:
        abort(404)
    revisions = [r for r in queries.revisions_of(g.site) if r.period_id == period.id]
    if not _is_staff():
        public = queries.public_revision_ids([g.site.id])
        revisions = [r for r in revisions if r.id in public]
    wanted = request.args.get("r", type=int)
    if wanted is not None:
        revisions = [r for r in revisions if r.number == wanted]
    if not revisions:
        abort(404)
    return revisions[0]


def _year(key: str) -> yearly.YearStatement:
    found = yearly.year_statement(g.site, int(key)) if g.site.level == "village" else None
    if found is None:
        abort(404)
    return found


def _show_year(key: str):
    """A year put together from its published periods: balances, charts, totals, gaps."""
    year = _year(key)
    ids = [r.id for r in year.parts]
    groups = queries.statement_totals(ids)  # summed in the database: a year may be large
    months = queries.monthly_series(ids)
    return render_template(
        "finance/year.html", site=g.site, ancestors=g.site.ancestors(), year=year,
        revision=year, groups=groups, per_capita=queries.per_capita,
        entry_count=sum(a.count for grp in groups for a in grp.accounts),
        monthly_chart=charts.grouped_bars(_month_rows(months),
                                          _("%(y)d年各月收入和支出", y=year.year),
                                          (_("收入"), _("支出"))),
        monthly_rows=months,
        category_chart=charts.horizontal_bars(queries.expense_of_groups(groups),
                                              _("%(y)d年支出构成", y=year.year)))


@bp.route("/<key>/")
@public_page
def show(key):
    """One period's statement: balances, totals by category and account, charts, anomalies."""
    if periods.kind_of(key) == "year":
        return _show_year(key)
    revision = _revision(key)
    entries = queries.entries_of(revision)
    public_ids = queries.public_revision_ids([g.site.id])
    public = revision.id in public_ids
    staff = _is_staff()
    items = operations.statement_items(revision)
    may_review = can(current_user, g.site, "finance.review") and any(
        i.status == "submitted" for i in items.values()) and current_user.id not in (
        revision.submitted_by_id, revision.imported_by_id)
    history = [r for r in queries.revisions_of(g.site) if r.period_id == revision.period_id
               and (staff or r.id in public_ids)]
    latest = max(r.number for r in queries.revisions_of(g.site)
                 if r.period_id == revision.period_id)
    return render_template(
        "finance/show.html", site=g.site, ancestors=g.site.ancestors(), revision=revision,
        period=revision.period, groups=queries.statement(entries), public=public, staff=staff,
        monthly_chart=charts.grouped_bars(_month_rows(queries.monthly(entries)),
                                          _("本期各月收入和支出"), (_("收入"), _("支出"))),
        monthly_rows=queries.monthly(entries),
        category_chart=charts.horizontal_bars(queries.expense_by_category(entries),
                                              _("本期支出构成")),
        anomalies=queries.anomalies(revision, entries) if (public or staff) else [],
        per_capita=queries.per_capita, items=items, history=history,
        may_submit=(staff and can(current_user, g.site, "finance.import")
                    and revision.submitted_at is None and revision.number == latest),
        may_review=may_review, submit_form=SubmitForm(), countersign_form=CountersignForm(),
        return_form=ReturnForm(),
    )


def _act(key: str, number: int, action, message: str):
    revision = _revision(key)
    if revision.number != number:
        abort(404)
    try:
        result = action(revision)
    except OperationError as error:
        db.session.rollback()
        flash(error.message, "error")
    else:
        db.session.commit()
        flash(message.format(n=result) if isinstance(result, int) else message, "success")
    return redirect(url_for(".show", key=key, r=number))


@bp.route("/<key>/r<int:number>/submit", methods=["POST"])
def submit(key, number):
    """Hand a revision's statement to the 民主理财小组 and 监委会 for countersigning."""
    require(current_user, g.site, "finance.import")
    if not SubmitForm().validate_on_submit():
        abort(400)
    return _act(key, number, lambda r: operations.submit_statement(current_user, g.site, r),
                _("已提交会签，等待民主理财小组或村务监督委员会会签。"))


@bp.route("/<key>/r<int:number>/countersign", methods=["POST"])
def countersign(key, number):
    """Countersign every part of a statement, which publishes it."""
    require(current_user, g.site, "finance.review")
    form = CountersignForm()
    if not form.validate_on_submit():
        abort(400)
    return _act(key, number, lambda r: operations.countersign_statement(
        current_user, g.site, r, form.dissent.data), _("已会签，财务公开已发布。"))


@bp.route("/<key>/r<int:number>/return", methods=["POST"])
def return_(key, number):
    """Send a statement back to the accountant with the reason."""
    require(current_user, g.site, "finance.review")
    form = ReturnForm()
    if not form.validate_on_submit():
        abort(400)
    return _act(key, number, lambda r: operations.return_statement(
        current_user, g.site, r, form.reason.data), _("已退回，并通知会计修改。"))


MEDIA = {"csv": "text/csv; charset=utf-8",
         "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
         "json": "application/json; charset=utf-8"}


@bp.route("/<key>/<resource>.<fmt>")
@public_page
def export(key, resource, fmt):
    """A statement's ledger or its totals by account as CSV, XLSX or JSON."""
    if resource not in exports.RESOURCES or fmt not in MEDIA:
        abort(404)
    if periods.kind_of(key) == "year":
        year = _year(key)
        entries, name = yearly.entries_of(year), f"{g.site.code}-{key}-{resource}.{fmt}"
    else:
        revision = _revision(key)
        entries = queries.entries_of(revision)
        name = f"{g.site.code}-{key}-r{revision.number}-{resource}.{fmt}"
    if fmt == "csv":
        body = exports.as_csv(resource, entries)
    elif fmt == "xlsx":
        body = exports.as_xlsx(resource, entries)
    elif periods.kind_of(key) == "year":
        body = exports.year_json(resource, entries, g.site, year)
    else:
        body = exports.as_json(resource, entries, g.site, revision)
    response = current_app.response_class(body, mimetype=MEDIA[fmt])
    response.headers.set("Content-Disposition", "attachment", filename=name)
    return response


@bp.route("/<key>/datapackage.json")
@public_page
def datapackage(key):
    """The machine-readable descriptor of a statement's data (Fiscal Data Package style)."""
    if periods.kind_of(key) == "year":
        return exports.year_descriptor(g.site, _year(key), lambda name, fmt: url_for(
            ".export", key=key, resource=name, fmt=fmt, _external=True))
    revision = _revision(key)
    return exports.descriptor(g.site, revision, lambda name, fmt: url_for(
        ".export", key=key, resource=name, fmt=fmt, r=revision.number, _external=True))
