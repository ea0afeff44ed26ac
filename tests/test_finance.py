"""Finance: importing the accountant's ledger (every check, all or nothing), revisions, the
statement through the content workflow, what the public sees, exports and anomalies."""

from __future__ import annotations

import csv
import io
from datetime import date

import openpyxl
import pytest
from werkzeug.exceptions import Forbidden

from portal.accounts.models import User
from portal.content.models import Item, ItemRevision
from portal.core.errors import OperationError
from portal.extensions import db
from portal.finance import operations as ops
from portal.finance import queries
from portal.finance.models import LedgerEntry, LedgerPeriod, LedgerRevision
from portal.finance.parsing import LedgerRefused, mask_person, parse_money
from portal.finance.template import DATA_DIR, EXAMPLE, HEADERS, PERIOD, csv_bytes
from portal.sites.models import Site

VILLAGE, TOWNSHIP, OTHER = "510117004200", "510117004000", "510104017001"
ID = "11010519491231002X"


@pytest.fixture
def people(standard, make_user):
    return {
        "clerk": make_user("13900000001", "赵德明", roles=[(VILLAGE, "publisher")]),
        "finance": make_user("13900000003", "吴国庆", roles=[(VILLAGE, "finance_reviewer")]),
        "outsider": make_user("13900000005", "外人", roles=[(OTHER, "publisher")]),
    }


def who(people, key):
    return db.session.get(User, people[key])


def village():
    return Site.by_code(VILLAGE)


def as_csv(rows, headers=HEADERS) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(headers)
    writer.writerows(rows)
    return buffer.getvalue().encode("utf-8")


def as_xlsx(rows, headers=HEADERS, tweak=None) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(headers)
    for row in rows:
        sheet.append(row)
    if tweak:
        tweak(sheet)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def changed(line: int, column: int, value):
    """The template's example rows with one cell replaced (line counts the header as 1)."""
    rows = [list(r) for r in EXAMPLE]
    rows[line - 2][column] = value
    return rows


def refused(people, data, filename="ledger.csv", period=PERIOD) -> list[tuple]:
    with pytest.raises(LedgerRefused) as info:
        ops.import_ledger(who(people, "clerk"), village(), period, filename, data)
    db.session.rollback()
    assert db.session.scalar(db.select(db.func.count(LedgerEntry.id))) == 0
    assert db.session.scalar(db.select(db.func.count(LedgerRevision.id))) == 0
    return info.value.errors


def test_template_csv_and_xlsx_import_and_balance(ctx, people):
    for name in ("finance-template.csv", "finance-template.xlsx"):
        data = (DATA_DIR / name).read_bytes()
        revision = ops.import_ledger(who(people, "clerk"), village(), PERIOD, name, data,
                                     reason="再次导入" if name.endswith("xlsx") else "")
        assert (revision.opening_fen, revision.income_fen, revision.expense_fen,
                revision.closing_fen) == (1234560, 8036000, 4522850, 4747710)
        assert revision.entry_count == 7
    assert revision.number == 2  # the second import made a revision, nothing overwritten
    assert db.session.scalar(db.select(db.func.count(LedgerEntry.id))) == 14
    assert (DATA_DIR / "finance-template.csv").read_bytes() == csv_bytes()


def test_entries_keep_accounts_categories_and_mask_people(ctx, people):
    revision = ops.import_ledger(who(people, "clerk"), village(), PERIOD, "a.csv",
                                 as_csv(EXAMPLE))
    entries = queries.entries_of(revision)
    rent = next(e for e in entries if e.account_code == "511")
    assert rent.category_code == "B02.02" and rent.income_fen == 1440000
    assert rent.counterparty == "张*英"  # a person's name is masked, organisations are not
    assert next(e for e in entries if e.account_code == "522").counterparty == "安德街道财政所"
    groups = {g.code: g for g in queries.statement(entries)}
    assert groups["B03.02"].expense == 1860000 + 126850  # 干部报酬 + 办公费 under 管理费用
    assert [a.code for a in groups["B03.02"].accounts] == ["54101", "54102"]


def test_tolerant_headers_title_row_and_debit_credit_names(ctx, people):
    headers = ["记账日期", "凭证字号", "会计科目", "摘 要", "借方金额", "贷方金额", "结余（元）",
               "收付款人"]
    rows = [[r[0], r[1], r[3], r[4], r[5], r[6], r[7], r[8]] for r in EXAMPLE]
    data = as_xlsx([["安龙村2026年第三季度现金日记账"], [], headers, *rows][1:],
                   headers=["安龙村2026年第三季度现金日记账"])
    revision = ops.import_ledger(who(people, "clerk"), village(), PERIOD, "b.xlsx", data)
    assert revision.closing_fen == 4747710 and revision.entry_count == 7


@pytest.mark.parametrize("rows, line, words", [
    (changed(3, 5, "四万五"), 3, "不是金额"),
    (changed(3, 5, "-45000"), 3, "不能为负数"),
    (changed(4, 0, "2026-10-02"), 4, "不在本期"),
    (changed(4, 0, "七月十二"), 4, "无法识别"),
    (changed(5, 2, "999"), 5, "未知科目"),
    (changed(5, 3, "管理费用"), 5, "不一致"),
    (changed(3, 8, f"张三 {ID}"), 3, "未遮蔽的身份证号码"),
    (changed(3, 4, "联系人 13812345678"), 3, "未遮蔽的手机号码"),
    (changed(3, 6, "100"), 3, "既有收入又有支出"),
    (changed(6, 5, "1268.505"), 6, "两位小数"),
])
def test_bad_rows_are_named_by_line_and_nothing_is_saved(ctx, people, rows, line, words):
    errors = refused(people, as_csv(rows))
    assert any(n == line and words in reason for n, reason in errors), errors


def test_unbalanced_period_is_refused_with_the_difference(ctx, people):
    errors = refused(people, as_csv(changed(10, 7, "47000.00")))
    assert any(n is None and "不平衡" in r and "477.10" in r for n, r in errors), errors


def test_every_bad_row_is_reported_at_once(ctx, people):
    rows = changed(3, 5, "abc")
    rows[3][0] = "2025-01-01"
    rows[4][2] = "888"
    errors = refused(people, as_csv(rows))
    assert {n for n, _r in errors} >= {3, 5, 6}


def test_missing_balances_and_header(ctx, people):
    errors = refused(people, as_csv(EXAMPLE[1:-1]))
    assert any("缺少期初余额" in r for _n, r in errors)
    assert any("缺少期末余额" in r for _n, r in errors)
    errors = refused(people, as_csv(EXAMPLE, headers=["a", "b", "c"]))
    assert "找不到表头" in errors[0][1]


def test_xlsx_formula_cells_are_refused(ctx, people):
    def formula(sheet):
        sheet["F3"] = "=40000+5000"

    with pytest.raises(OperationError) as info:
        ops.import_ledger(who(people, "clerk"), village(), PERIOD, "f.xlsx",
                          as_xlsx(EXAMPLE, tweak=formula))
    assert "公式" in info.value.message and "F3" in info.value.message
    assert db.session.scalar(db.select(db.func.count(LedgerRevision.id))) == 0


def test_xlsx_merged_cells_are_refused(ctx, people):
    with pytest.raises(OperationError) as info:
        ops.import_ledger(who(people, "clerk"), village(), PERIOD, "m.xlsx",
                          as_xlsx(EXAMPLE, tweak=lambda s: s.merge_cells("I3:I4")))
    assert "合并单元格" in info.value.message and "I3:I4" in info.value.message


def test_xlsx_with_a_huge_declared_dimension_is_refused_before_reading(ctx, people):
    data = as_xlsx(EXAMPLE)
    import zipfile

    source, target = io.BytesIO(data), io.BytesIO()
    with zipfile.ZipFile(source) as zin, zipfile.ZipFile(target, "w") as zout:
        for info in zin.infolist():
            body = zin.read(info.filename)
            if info.filename == "xl/worksheets/sheet1.xml":
                body = body.replace(b'<dimension ref="A1:K10"/>',
                                    b'<dimension ref="A1:XFD1048576"/>')
                assert b"XFD1048576" in body
            zout.writestr(info, body)
    with pytest.raises(OperationError) as info:
        ops.import_ledger(who(people, "clerk"), village(), PERIOD, "h.xlsx", target.getvalue())
    assert "范围过大" in info.value.message


def test_not_a_spreadsheet_and_wrong_period(ctx, people):
    with pytest.raises(OperationError) as info:
        ops.import_ledger(who(people, "clerk"), village(), PERIOD, "x.xlsx", b"PK\x03\x04junk")
    assert "XLSX" in info.value.message
    with pytest.raises(OperationError) as info:
        ops.import_ledger(who(people, "clerk"), village(), "2026-07", "a.csv", as_csv(EXAMPLE))
    assert info.value.field == "period"


def test_reimport_needs_a_reason_and_makes_a_revision(ctx, people):
    clerk = who(people, "clerk")
    first = ops.import_ledger(clerk, village(), PERIOD, "a.csv", as_csv(EXAMPLE))
    db.session.commit()
    with pytest.raises(OperationError) as info:
        ops.import_ledger(clerk, village(), PERIOD, "a.csv", as_csv(EXAMPLE))
    assert info.value.field == "reason"
    db.session.rollback()
    second = ops.import_ledger(clerk, village(), PERIOD, "a.csv", as_csv(EXAMPLE), "补记凭证")
    assert (first.number, second.number) == (1, 2)
    assert db.session.scalar(db.select(db.func.count(LedgerPeriod.id))) == 1
    assert len(queries.entries_of(first)) == 7  # the first revision is untouched


def test_import_refuses_outsiders_and_reviewers(ctx, people):
    for key in ("outsider", "finance"):
        with pytest.raises(Forbidden):
            ops.import_ledger(who(people, key), village(), PERIOD, "a.csv", as_csv(EXAMPLE))


def publish(people, revision):
    ops.submit_statement(who(people, "clerk"), village(), revision)
    return ops.countersign_statement(who(people, "finance"), village(), revision)


def test_statement_goes_through_submit_and_countersign(ctx, people):
    revision = ops.import_ledger(who(people, "clerk"), village(), PERIOD, "a.csv",
                                 as_csv(EXAMPLE))
    items = ops.submit_statement(who(people, "clerk"), village(), revision)
    assert [i.category_code for i in items][:2] == ["B02.01", "B02.02"] and len(items) == 10
    assert all(i.status == "submitted" for i in items)
    assert not queries.is_public(revision)
    with pytest.raises(Forbidden):  # a publisher is no reviewer
        ops.countersign_statement(who(people, "clerk"), village(), revision)
    assert ops.countersign_statement(who(people, "finance"), village(), revision) == 10
    db.session.commit()
    assert queries.is_public(revision)
    rent = db.session.scalar(db.select(Item).where(Item.category_code == "B02.02"))
    assert "张*英" in rent.current_revision.body and "14,400.00" in rent.current_revision.body
    assert rent.current_revision.countersign_role == "finance_reviewer"


def test_submitter_never_countersigns_even_with_both_roles(ctx, people, make_user):
    both = db.session.get(User, make_user("13900000009", roles=[(VILLAGE, "publisher"),
                                                               (VILLAGE, "finance_reviewer")]))
    revision = ops.import_ledger(both, village(), PERIOD, "a.csv", as_csv(EXAMPLE))
    ops.submit_statement(both, village(), revision)
    with pytest.raises(OperationError) as info:
        ops.countersign_statement(both, village(), revision)
    assert "不能会签自己" in info.value.message


def test_corrected_period_publishes_new_item_revisions(ctx, people):
    clerk = who(people, "clerk")
    first = ops.import_ledger(clerk, village(), PERIOD, "a.csv", as_csv(EXAMPLE))
    publish(people, first)
    rows = [list(r) for r in EXAMPLE]
    rows.insert(-1, ["2026-09-28", "记-008", "531", "其他收入", "收废旧物资变卖款", "500.00", "",
                     "", "", "现金", ""])
    rows[-1][7] = "47977.10"
    second = ops.import_ledger(clerk, village(), PERIOD, "b.csv", as_csv(rows), "补记9月收入")
    ops.submit_statement(clerk, village(), second)
    db.session.commit()
    assert queries.current_public([village().id])[first.period_id].id == first.id
    ops.countersign_statement(who(people, "finance"), village(), second)
    db.session.commit()
    assert queries.current_public([village().id])[first.period_id].id == second.id
    other = db.session.scalar(db.select(Item).where(Item.category_code == "B02.05"))
    revisions = db.session.scalars(db.select(ItemRevision).where(
        ItemRevision.item_id == other.id).order_by(ItemRevision.number)).all()
    assert [r.number for r in revisions] == [1, 2] and revisions[1].reason == "补记9月收入"
    late = [a for a in queries.anomalies(second, queries.entries_of(second)) if a.kind == "late"]
    assert [a.entry.summary for a in late] == ["收废旧物资变卖款"]


def test_anomalies(ctx, people, app):
    rows = [list(r) for r in EXAMPLE]
    rows[4][1] = ""  # no voucher number
    rows[4][9] = "现金"
    rows[4][6] = "6268.50"
    rows[-1][7] = "42477.10"
    revision = ops.import_ledger(who(people, "clerk"), village(), PERIOD, "a.csv", as_csv(rows))
    found = {(a.kind, a.entry.summary) for a in queries.anomalies(revision,
                                                                  queries.entries_of(revision))}
    assert ("voucher", "购买办公用品") in found
    assert ("cash", "购买办公用品") in found  # 6,268.50 元 in cash, above 5,000
    assert ("share", "发放7月村干部基本报酬") in found  # 18,600 of 50,228.50 = 37 %
    assert ("share", "购买办公用品") not in found


@pytest.mark.parametrize("text, fen", [("1,234.50", 123450), (1234.5, 123450), (7, 700),
                                       ("¥12", 1200), ("", None), (None, None)])
def test_parse_money(text, fen):
    assert parse_money(text) == fen


def test_mask_person():
    assert mask_person("张秀英") == "张*英"
    assert mask_person("李明") == "李*"
    assert mask_person("欧阳建国") == "欧**国"
    assert mask_person("成都安达建材有限公司") == "成都安达建材有限公司"
    assert mask_person("安德街道财政所") == "安德街道财政所"


def test_period_visibility_is_scoped_to_the_site(ctx, people):
    revision = ops.import_ledger(who(people, "clerk"), village(), PERIOD, "a.csv",
                                 as_csv(EXAMPLE))
    assert queries.find_period(Site.by_code(OTHER), PERIOD) is None
    assert queries.find_period(village(), PERIOD).id == revision.period_id
    assert date(2026, 7, 1) == revision.period.start


def test_statement_corrects_the_item_written_by_hand_for_that_quarter(ctx, people, make_user):
    from portal.content import operations as content_ops

    supervisor = db.session.get(User, make_user("13900000008", roles=[(VILLAGE, "supervisor")]))
    clerk = who(people, "clerk")
    by_hand = content_ops.create_item(clerk, village(), {
        "category": "B02.02", "period": PERIOD, "title": "发包收入", "body": "承包费 14,400 元"})
    content_ops.submit_item(clerk, village(), by_hand)
    content_ops.countersign_item(supervisor, village(), by_hand)
    revision = ops.import_ledger(clerk, village(), PERIOD, "a.csv", as_csv(EXAMPLE))
    items = ops.submit_statement(clerk, village(), revision)
    assert by_hand in items
    assert db.session.scalar(db.select(db.func.count(Item.id)).where(
        Item.category_code == "B02.02")) == 1
    ops.countersign_statement(who(people, "finance"), village(), revision)
    db.session.commit()
    db.session.refresh(by_hand)
    assert by_hand.current_revision.number == 2 and "张*英" in by_hand.current_revision.body
    assert queries.is_public(revision)


@pytest.mark.parametrize("published, on_time", [
    ("2026-10-20 15:00", 1),  # Shanghai 23:00 on the due day (Q20 of the standard): on time
    ("2026-10-20 17:00", 0),  # Shanghai 01:00 on the 21st: late
])
def test_township_comparison_judges_on_time_by_the_standards_rule(ctx, people, published,
                                                                   on_time):
    from datetime import datetime

    from portal.finance.compare import comparison

    revision = ops.import_ledger(who(people, "clerk"), village(), PERIOD, "a.csv",
                                 as_csv(EXAMPLE))
    publish(people, revision)
    for item in ops.statement_items(revision).values():
        item.first_published_at = datetime.fromisoformat(published)  # stored in UTC
    db.session.commit()
    rows, year = comparison(Site.by_code(TOWNSHIP), None)
    row = next(r for r in rows if r.site.code == VILLAGE)
    assert year == 2026 and row.periods == 1 and row.on_time == on_time
    assert row.income == revision.income_fen and row.expense == revision.expense_fen
