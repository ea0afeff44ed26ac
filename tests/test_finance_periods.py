"""Finance periods: the township makes a village finance-heavy (monthly), monthly ledgers and
statements, the compliance board judging them monthly, and years put together from the periods."""

from __future__ import annotations

import io
import json
from datetime import date, datetime
from decimal import Decimal

import openpyxl
import pytest
from werkzeug.exceptions import Forbidden

from portal.content import compliance
from portal.content import operations as content_ops
from portal.content.models import Item
from portal.core.audit import AuditEvent
from portal.core.errors import OperationError
from portal.extensions import db
from portal.finance import operations as ops
from portal.finance import periods, yearly
from portal.finance.compare import comparison
from portal.finance.parsing import LedgerRefused
from portal.finance.template import EXAMPLE
from portal.sites.models import Site
from portal.standards.models import get_category
from tests.test_finance import OTHER, TOWNSHIP, VILLAGE, as_csv, publish, village, who

BASE = f"/s/{VILLAGE}/finance/"
ENTRIES = EXAMPLE[1:-1]  # the template's seven entries, July to September 2026


@pytest.fixture
def people(standard, make_user):
    return {
        "clerk": make_user("13900000001", "赵德明", roles=[(VILLAGE, "publisher")]),
        "finance": make_user("13900000003", "吴国庆", roles=[(VILLAGE, "finance_reviewer")]),
        "village_admin": make_user("13900000004", "村管理员", roles=[(VILLAGE, "site_admin")]),
        "town_admin": make_user("13900000006", "街道管理员", roles=[(TOWNSHIP, "site_admin")]),
        "outsider": make_user("13900000005", "外人", roles=[(OTHER, "site_admin")]),
    }


def books(entries, opening: str, start: str, end: str) -> tuple[bytes, Decimal]:
    """A ledger file of these entries between start and end, and its closing balance."""
    closing = Decimal(opening) + sum(Decimal(e[5] or 0) - Decimal(e[6] or 0) for e in entries)
    rows = [[start, "", "", "", "期初余额", "", "", opening, "", "", ""], *entries,
            [end, "", "", "", "期末余额", "", "", f"{closing:.2f}", "", "", ""]]
    return as_csv(rows), closing


def month(m: int, opening: str, year: int = 2026, source_month: int | None = None):
    """The template's entries of one month (July–September), moved to month m if asked."""
    source = source_month or m
    moved = [[f"{year}-{m:02d}-{e[0][8:]}", *e[1:]] for e in ENTRIES
             if int(e[0][5:7]) == source]
    last = (date(year + m // 12, m % 12 + 1, 1) - date.resolution).day
    return books(moved, opening, f"{year}-{m:02d}-01", f"{year}-{m:02d}-{last}")


def quarter(q: int, opening: str, year: int = 2026):
    """The template's quarter moved to quarter q."""
    shift = 3 * (q - 3)
    moved = [[f"{year}-{int(e[0][5:7]) + shift:02d}-{e[0][8:]}", *e[1:]] for e in ENTRIES]
    start, end = date(year, 3 * q - 2, 1), date(year + q // 4, (3 * q) % 12 + 1, 1)
    return books(moved, opening, start.isoformat(), (end - date.resolution).isoformat())


def make_heavy(people, heavy=True):
    assert periods.set_finance_heavy(who(people, "town_admin"), village(), heavy, "街道党工委会议纪要")
    db.session.commit()


# ----------------------------------------------------------------------------- the flag


def test_only_the_township_sets_the_flag_with_a_reason(ctx, people):
    for key in ("village_admin", "clerk", "outsider"):
        with pytest.raises(Forbidden):
            periods.set_finance_heavy(who(people, key), village(), True, "理由")
    with pytest.raises(OperationError) as info:
        periods.set_finance_heavy(who(people, "town_admin"), village(), True, "  ")
    assert info.value.field == "reason"
    with pytest.raises(OperationError):
        periods.set_finance_heavy(who(people, "town_admin"), Site.by_code(TOWNSHIP), True, "理由")
    make_heavy(people)
    assert village().finance_heavy
    assert not periods.set_finance_heavy(who(people, "town_admin"), village(), True, "再次")
    entry = db.session.scalar(db.select(AuditEvent).where(
        AuditEvent.action == "site.finance_heavy"))
    assert entry is not None and "街道党工委会议纪要" in entry.detail


def test_township_page_sets_the_flag_for_its_own_villages_only(client, auth, people, app):
    township = f"/s/{TOWNSHIP}/finance/"
    auth.login("13900000004")  # the village's own admin sees no form and is refused
    assert "各村财务公开周期" not in client.get(township).get_data(as_text=True)
    auth.logout()
    auth.login("13900000006")
    page = client.get(township).get_data(as_text=True)
    assert "各村财务公开周期" in page and f"heavy/{VILLAGE}" in page
    empty = client.submit(township, {"heavy": "month", "reason": ""},
                          post_url=f"{township}heavy/{VILLAGE}", follow_redirects=True)
    assert "请写明调整公开周期的依据" in empty.get_data(as_text=True)
    done = client.submit(township, {"heavy": "month", "reason": "街道党工委会议纪要"},
                         post_url=f"{township}heavy/{VILLAGE}", follow_redirects=True)
    assert "按月公开财务收支" in done.get_data(as_text=True)
    with app.app_context():  # not the ctx fixture: one app context would keep the first user
        assert Site.by_code(VILLAGE).finance_heavy
    elsewhere = client.submit(township, {"heavy": "month", "reason": "理由"},
                              post_url=f"{township}heavy/{OTHER}")
    assert elsewhere.status_code == 404  # not a village of this township


# ----------------------------------------------------------------------------- monthly books


def test_a_heavy_village_imports_months_not_quarters(ctx, people):
    make_heavy(people)
    clerk = who(people, "clerk")
    data, _closing = quarter(3, "12345.60")
    with pytest.raises(OperationError) as info:
        ops.import_ledger(clerk, village(), "2026-Q3", "q.csv", data)
    assert "按月导入" in info.value.message and info.value.field == "period"
    with pytest.raises(OperationError) as info:
        ops.import_ledger(clerk, village(), "2026", "y.csv", data)
    assert "不单独导入" in info.value.message
    september, closing = month(9, "72837.10")
    revision = ops.import_ledger(clerk, village(), "2026-09", "9.csv", september)
    assert (revision.period.kind, revision.period.key) == ("month", "2026-09")
    assert revision.closing_fen == int(closing * 100) == 4747710
    assert revision.period.label == "2026年9月"


def test_a_month_refuses_dates_outside_it_and_quarters_refuse_months(ctx, people):
    clerk = who(people, "clerk")
    september, _ = month(9, "72837.10")
    with pytest.raises(OperationError) as info:  # a quarterly village
        ops.import_ledger(clerk, village(), "2026-09", "9.csv", september)
    assert "按季度导入" in info.value.message
    make_heavy(people)
    wrong = september.replace(b"2026-09-25", b"2026-08-25")
    with pytest.raises(LedgerRefused) as refused:
        ops.import_ledger(clerk, village(), "2026-09", "9.csv", wrong)
    assert any("不在" in text or "之内" in text for _line, text in refused.value.errors)


def test_months_cannot_overlap_a_quarter_imported_before_the_change(ctx, people):
    clerk = who(people, "clerk")
    data, _ = quarter(3, "12345.60")
    ops.import_ledger(clerk, village(), "2026-Q3", "q.csv", data)
    db.session.commit()
    make_heavy(people)
    september, _ = month(9, "72837.10")
    with pytest.raises(OperationError) as info:
        ops.import_ledger(clerk, village(), "2026-09", "9.csv", september)
    assert "时间重叠" in info.value.message and "2026年第3季度" in info.value.message
    db.session.rollback()
    october, _ = month(10, "47477.10", source_month=7)
    assert ops.import_ledger(clerk, village(), "2026-10", "10.csv", october).number == 1


def test_a_quarter_imported_before_the_change_is_not_submitted_after_it(ctx, people):
    data, _ = quarter(3, "12345.60")
    revision = ops.import_ledger(who(people, "clerk"), village(), "2026-Q3", "q.csv", data)
    db.session.commit()
    make_heavy(people)
    with pytest.raises(OperationError) as info:
        ops.submit_statement(who(people, "clerk"), village(), revision)
    assert "调整" in info.value.message


def test_a_monthly_statement_publishes_monthly_items(ctx, people):
    make_heavy(people)
    september, _ = month(9, "72837.10")
    revision = ops.import_ledger(who(people, "clerk"), village(), "2026-09", "9.csv", september)
    assert publish(people, revision) == 10
    db.session.commit()
    items = list(db.session.scalars(db.select(Item).where(Item.site_id == village().id)))
    assert len(items) == 10 and {i.period_kind for i in items} == {"month"}
    assert {(i.period_start, i.period_end) for i in items} == {(date(2026, 9, 1),
                                                                date(2026, 9, 30))}
    works = next(i for i in items if i.category_code == "B03.03")
    assert "2026年9月" in works.current_revision.title
    assert "本期末结余" in works.current_revision.body


def test_hand_written_finance_items_follow_the_village_period(ctx, people):
    make_heavy(people)
    data = {"category": "B02.01", "period": "2026-Q3", "title": "经营收入", "body": "无"}
    with pytest.raises(OperationError) as info:
        content_ops.create_item(who(people, "clerk"), village(), data)
    assert "月" in info.value.message and info.value.field == "period"
    item = content_ops.create_item(who(people, "clerk"), village(), {**data, "period": "2026-10"})
    assert item.period_kind == "month"
    debts = {**data, "category": "B06.01", "title": "债权"}  # not B02/B03: still quarterly
    with pytest.raises(OperationError):
        content_ops.create_item(who(people, "clerk"), village(), {**debts, "period": "2026-10"})
    assert content_ops.create_item(who(people, "clerk"), village(),
                                   {**debts, "period": "2026-Q3"}).period_kind == "quarter"


# ----------------------------------------------------------------------------- compliance


def test_the_board_judges_a_heavy_village_monthly(ctx, people):
    statement = get_category("B02.01")
    before = compliance.category_status(village(), statement, date(2026, 12, 4))
    assert "第3季度" in before.period_label  # quarterly: 2026-Q3 was due on 20 October
    make_heavy(people)
    after = compliance.category_status(village(), statement, date(2026, 12, 4))
    assert after.state == "missing" and after.period_label == "2026年10月"
    assert after.due_date == date(2026, 11, 20)
    report = compliance.site_report(village(), date(2026, 12, 4))
    row = next(r for r in report.rows if r.category.code == "B02.01")
    assert row.frequency_label == "每月公开"
    other = next(r for r in report.rows if r.category.code == "B06.01")
    assert other.frequency_label == "每季度公开"  # only B02 and B03 turn monthly

    october, _ = month(10, "47477.10", source_month=7)
    revision = ops.import_ledger(who(people, "clerk"), village(), "2026-10", "10.csv", october)
    publish(people, revision)
    db.session.commit()
    published = compliance.category_status(village(), statement, date(2026, 12, 4))
    assert published.state == "late"  # published on 4 December, due on 20 November
    ranking = compliance.subtree_report(Site.by_code(TOWNSHIP), date(2026, 12, 4)).ranking
    mine = next(r for r in ranking if r.code == VILLAGE)
    neighbour = next(r for r in ranking if r.code != VILLAGE and r.level == "village")
    assert mine.totals.late >= 10 and neighbour.totals.late == 0


def test_comparison_uses_the_monthly_deadline(ctx, people):
    make_heavy(people)
    september, _ = month(9, "72837.10")
    revision = ops.import_ledger(who(people, "clerk"), village(), "2026-09", "9.csv", september)
    publish(people, revision)
    for item in ops.statement_items(revision).values():
        item.first_published_at = datetime(2026, 10, 20, 15)  # 23:00 in Shanghai: on time (M20)
    db.session.commit()
    rows, _year = comparison(Site.by_code(TOWNSHIP), None)
    row = next(r for r in rows if r.site.code == VILLAGE)
    assert (row.periods, row.on_time, row.on_time_rate) == (1, 1, 100)


# ----------------------------------------------------------------------------- years


def publish_quarters(people, openings) -> list:
    done = []
    for q, opening in openings:
        data, closing = quarter(q, opening)
        revision = ops.import_ledger(who(people, "clerk"), village(), f"2026-Q{q}", "q.csv", data)
        publish(people, revision)
        db.session.commit()
        done.append((revision, closing))
    return done


def test_a_year_is_put_together_from_its_published_quarters(ctx, people):
    done = publish_quarters(people, [(1, "1000.00"), (2, "36131.50"), (3, "71263.00")])
    year = yearly.year_statement(village(), 2026, on=date(2026, 12, 4))
    assert [r.period.key for r in year.parts] == ["2026-Q1", "2026-Q2", "2026-Q3"]
    assert year.opening_fen == 100000 and year.closing_fen == int(done[-1][1] * 100)
    assert year.income_fen == 3 * 8036000 and year.expense_fen == 3 * 4522850
    assert year.opening_fen + year.income_fen - year.expense_fen == year.closing_fen
    assert year.breaks == [] and year.missing == [] and not year.complete  # Q4 not over
    assert yearly.year_statement(village(), 2026, on=date(2027, 1, 5)).missing == ["2026年第4季度"]
    assert yearly.year_statement(village(), 2025) is None
    assert len(yearly.entries_of(year)) == 21


def test_a_year_names_balances_that_do_not_join_and_missing_quarters(ctx, people):
    publish_quarters(people, [(1, "1000.00"), (3, "50000.00")])
    year = yearly.year_statement(village(), 2026, on=date(2026, 12, 4))
    assert year.missing == ["2026年第2季度"]
    assert len(year.breaks) == 1 and year.breaks[0].difference == 5000000 - 3613150


def test_year_page_and_exports_for_anyone(client, people, ctx):
    publish_quarters(people, [(1, "1000.00"), (2, "36131.50")])
    # an unpublished third quarter stays out of the year
    data, _ = quarter(3, "71263.00")
    ops.import_ledger(who(people, "clerk"), village(), "2026-Q3", "q.csv", data)
    db.session.commit()
    page = client.get(BASE + "2026/")
    text = page.get_data(as_text=True)
    assert page.status_code == 200 and "2026年度财务收支" in text and "<svg" in text
    assert "2026-Q1/" in text and "2026-Q2/" in text and "2026-Q3/" not in text
    assert "尚未公开，年度合计不完整：2026年第3季度" in text
    assert "71,263.00" in text  # the closing balance of the second quarter
    assert "160,720.00" in text  # income of both quarters
    assert "全年共14笔收支" in text and "finance-entries" not in text  # entries stay per period
    assert "finance-entries" in client.get(BASE + "2026-Q1/").get_data(as_text=True)
    index = client.get(BASE).get_data(as_text=True)
    assert 'href="/s/510117004200/finance/2026/"' in index
    ledger = client.get(BASE + "2026/ledger.csv").get_data().decode("utf-8-sig").splitlines()
    assert len(ledger) == 1 + 14
    summary = json.loads(client.get(BASE + "2026/summary.json").get_data())
    assert summary["period"] == "2026" and summary["revisions"] == {"2026-Q1": 1, "2026-Q2": 1}
    assert any(d["account_code"] == "522" and d["income"] == 2 * 65960 for d in summary["data"])
    book = openpyxl.load_workbook(io.BytesIO(client.get(BASE + "2026/ledger.xlsx").data),
                                  read_only=True)
    assert len(list(book.active.values)) == 15
    package = json.loads(client.get(BASE + "2026/datapackage.json").get_data())
    assert package["balances"] == {"opening": "1000.00", "income": "160720.00",
                                   "expense": "90457.00", "closing": "71263.00"}
    assert package["complete"] is False and len(package["resources"]) == 6
    assert client.get(BASE + "2025/").status_code == 404
    assert client.get(f"/s/{TOWNSHIP}/finance/2026/").status_code == 404


def test_year_totals_summed_in_the_database_match_the_entries(ctx, people):
    from portal.finance import queries

    publish_quarters(people, [(1, "1000.00"), (2, "36131.50"), (3, "71263.00")])
    year = yearly.year_statement(village(), 2026, on=date(2026, 12, 4))
    entries = yearly.entries_of(year)
    summed = queries.statement_totals([r.id for r in year.parts])
    listed = queries.statement(entries)
    assert [(g.code, g.income, g.expense, [(a.code, a.income, a.expense, a.count)
                                           for a in g.accounts]) for g in summed] == \
        [(g.code, g.income, g.expense, [(a.code, a.income, a.expense, len(a.entries))
                                        for a in g.accounts]) for g in listed]
    assert queries.expense_of_groups(summed) == queries.expense_by_category(entries)
    assert sum(g.income for g in summed) == year.income_fen
