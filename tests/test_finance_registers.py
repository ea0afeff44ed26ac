"""三资 registers: importing each register (every check, all or nothing), revisions for the same
date, masking, permissions, publishing through countersigning, public pages and exports."""

from __future__ import annotations

import csv
import io
import json
import zipfile
from datetime import date
from decimal import Decimal

import openpyxl
import pytest
from werkzeug.exceptions import Forbidden

from portal.content.models import Item
from portal.core.errors import OperationError
from portal.extensions import db
from portal.finance import register_data, register_ops, registers
from portal.finance.models import RegisterRow, RegisterSnapshot
from portal.finance.parsing import LedgerRefused
from tests.test_finance import ID, OTHER, VILLAGE, village, who

AS_OF = date(2025, 12, 31)
BASE = f"/s/{VILLAGE}/finance/registers/"


@pytest.fixture
def people(standard, make_user):
    return {
        "clerk": make_user("13900000001", "赵德明", roles=[(VILLAGE, "publisher")]),
        "finance": make_user("13900000003", "吴国庆", roles=[(VILLAGE, "finance_reviewer")]),
        "outsider": make_user("13900000005", "外人", roles=[(OTHER, "publisher")]),
        "resident": make_user("13900000006", "张秀英"),
    }


def as_csv(kind, rows=None, headers=None) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(headers or register_data.headers(kind))
    writer.writerows(register_data.EXAMPLES[kind] if rows is None else rows)
    return buffer.getvalue().encode("utf-8")


def changed(kind, line, column, value):
    """The example rows with one cell replaced (line counts the header as 1)."""
    rows = [list(r) for r in register_data.EXAMPLES[kind]]
    rows[line - 2][column] = value
    return rows


def do_import(people, kind, data, name="r.csv", reason="", who_="clerk", as_of=AS_OF):
    return register_ops.import_register(who(people, who_), village(), kind, as_of, name, data,
                                        reason)


def snapshots() -> int:
    return db.session.scalar(db.select(db.func.count(RegisterSnapshot.id)))


@pytest.mark.parametrize("kind", list(registers.KINDS))
def test_templates_import_as_they_are(ctx, people, kind):
    csv_snapshot = do_import(people, kind, register_data.template_csv(kind), "t.csv")
    xlsx_snapshot = do_import(people, kind, register_data.template_xlsx(kind), "t.xlsx",
                              reason="用XLSX模板再导入一次")
    assert csv_snapshot.row_count == xlsx_snapshot.row_count == len(register_data.EXAMPLES[kind])
    assert (csv_snapshot.number, xlsx_snapshot.number) == (1, 2)
    first = [(r.line, r.value_fen, r.quantity, r.person, r.category)
             for r in register_ops.rows_of(csv_snapshot)]
    assert first == [(r.line, r.value_fen, r.quantity, r.person, r.category)
                     for r in register_ops.rows_of(xlsx_snapshot)]


def test_values_are_typed_and_people_masked(ctx, people):
    assets = register_ops.rows_of(do_import(people, "asset", as_csv("asset")))
    office = assets[0]
    assert (office.value_fen, office.depreciation_fen, office.quantity) == (
        128000000, 25600000, Decimal("1"))
    assert assets[1].person == "王*华" and assets[0].person == "村民委员会"
    assert assets[4].depreciation_fen == 0  # net value only: no depreciation
    land = register_ops.rows_of(do_import(people, "resource", as_csv("resource")))
    assert [r.category for r in land] == ["01", "02", "11", "08", "12", "03"]
    assert land[0].quantity == Decimal("12.50") and isinstance(land[0].quantity, Decimal)
    assert [registers.category_of("resource", r) for r in land] == [
        "B05.05", "B05.01", "B05.02", "B05.04", "B05.03", "B05.01"]
    contracts = register_ops.rows_of(do_import(people, "contract", as_csv("contract")))
    assert [c.person for c in contracts][1:4] == ["李*", "四川蜀源果业专业合作社", "张*英"]
    assert [registers.overdue_fen(c) for c in contracts] == [2400000, 0, 0, 1400000, 0]
    debts = register_ops.rows_of(do_import(people, "debt", as_csv("debt")))
    assert [d.category for d in debts] == ["claim", "claim", "debt", "debt"]
    assert debts[1].person == "张*英"


@pytest.mark.parametrize("kind, rows, line, words", [
    ("asset", changed("asset", 3, 5, "十八万"), 3, "不是金额"),
    ("asset", changed("asset", 3, 5, "-186000"), 3, "不能为负数"),
    ("asset", changed("asset", 4, 8, "二〇二〇年四月"), 4, "无法识别"),
    ("asset", changed("asset", 2, 8, "2026-05-20"), 2, "晚于台账日期"),
    ("asset", changed("asset", 2, 7, "1000000.00"), 2, "应等于净值"),
    ("asset", changed("asset", 2, 2, "房子"), 2, "资产类别"),
    ("asset", changed("asset", 3, 11, f"王建华 {ID}"), 3, "未遮蔽的身份证号码"),
    ("asset", changed("asset", 3, 4, "三"), 3, "不是数字"),
    ("resource", changed("resource", 3, 2, "13"), 3, "未知地类"),
    ("resource", changed("resource", 3, 2, "果园地"), 3, "未知地类"),
    ("resource", changed("resource", 4, 3, "十八"), 4, "不是数字"),
    ("resource", changed("resource", 4, 3, "-18"), 4, "不能为负数"),
    ("resource", changed("resource", 4, 3, "18.005"), 4, "两位小数"),
    ("contract", changed("contract", 5, 2, f"张秀英 {ID}"), 5, "未遮蔽的身份证号码"),
    ("contract", changed("contract", 5, 2, "张秀英 13812345678"), 5, "未遮蔽的手机号码"),
    ("contract", changed("contract", 5, 5, "2022-02-28"), 5, "早于起始日期"),
    ("contract", changed("contract", 5, 7, "两万八"), 5, "不是金额"),
    ("contract", changed("contract", 5, 8, ""), 5, "民主决策依据为空"),
    ("contract", changed("contract", 5, 3, "私下商量"), 5, "发包方式"),
    ("contract", changed("contract", 6, 0, "HT-2023-01"), 6, "重复"),
    ("debt", changed("debt", 2, 0, "欠款"), 2, "债权"),
    ("debt", changed("debt", 3, 2, "-14000"), 3, "不能为负数"),
    ("debt", changed("debt", 3, 3, "2025-13-01"), 3, "无法识别"),
    ("debt", changed("debt", 3, 1, f"张秀英{ID}"), 3, "未遮蔽的身份证号码"),
])
def test_bad_rows_refuse_the_whole_file(ctx, people, kind, rows, line, words):
    with pytest.raises(LedgerRefused) as info:
        do_import(people, kind, as_csv(kind, rows))
    assert any(n == line and words in r for n, r in info.value.errors), info.value.errors
    db.session.rollback()
    assert snapshots() == 0
    assert db.session.scalar(db.select(db.func.count(RegisterRow.id))) == 0


def test_every_bad_row_is_listed_and_headers_are_tolerant(ctx, people):
    rows = changed("debt", 2, 2, "abc")
    rows[2][2] = "-1"
    with pytest.raises(LedgerRefused) as info:
        do_import(people, "debt", as_csv("debt", rows))
    assert [n for n, _r in info.value.errors] == [2, 4]
    db.session.rollback()
    headers = ["地块编号", "地块名称", "地类编码", "面积（亩）", "坐落位置", "利用现状", "合同号"]
    title = ["安龙村集体土地资源清查登记表"]
    data = as_csv("resource", [[], headers, *register_data.EXAMPLES["resource"]], headers=title)
    assert do_import(people, "resource", data).row_count == 6
    with pytest.raises(LedgerRefused) as info:
        do_import(people, "resource", as_csv("resource", headers=["甲", "乙"]), reason="x")
    assert "找不到表头" in info.value.errors[0][1]


def _xlsx(kind, tweak=None) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(register_data.headers(kind))
    for row in register_data.EXAMPLES[kind]:
        sheet.append(row)
    if tweak:
        tweak(sheet)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def test_xlsx_formulas_merged_cells_and_huge_dimensions_are_refused(ctx, people):
    def formula(sheet):
        sheet["F3"] = "=180000+6000"

    with pytest.raises(OperationError) as info:
        do_import(people, "asset", _xlsx("asset", formula), "f.xlsx")
    assert "公式" in info.value.message and "F3" in info.value.message
    with pytest.raises(OperationError) as info:
        do_import(people, "asset", _xlsx("asset", lambda s: s.merge_cells("J3:J4")), "m.xlsx")
    assert "合并单元格" in info.value.message and "J3:J4" in info.value.message
    source, target = io.BytesIO(_xlsx("debt")), io.BytesIO()
    with zipfile.ZipFile(source) as zin, zipfile.ZipFile(target, "w") as zout:
        for entry in zin.infolist():
            body = zin.read(entry.filename)
            if entry.filename == "xl/worksheets/sheet1.xml":
                body = body.replace(b'<dimension ref="A1:G5"/>',
                                    b'<dimension ref="A1:XFD1048576"/>')
                assert b"XFD1048576" in body
            zout.writestr(entry, body)
    with pytest.raises(OperationError) as info:
        do_import(people, "debt", target.getvalue(), "h.xlsx")
    assert "范围过大" in info.value.message
    db.session.rollback()
    assert snapshots() == 0


def test_reimport_needs_a_reason_and_makes_a_revision(ctx, people):
    first = do_import(people, "asset", as_csv("asset"))
    with pytest.raises(OperationError) as info:
        do_import(people, "asset", as_csv("asset"))
    assert info.value.field == "reason"
    rows = changed("asset", 2, 5, "1290000.00")[:2]
    rows[0][7] = ""  # net value left to the import: original - depreciation
    second = do_import(people, "asset", as_csv("asset", rows), reason="办公楼原值按竣工决算调整")
    assert (first.number, second.number) == (1, 2)
    assert (first.row_count, second.row_count) == (5, 2)
    assert len(register_ops.rows_of(first)) == 5  # the first revision is unchanged
    other_date = do_import(people, "asset", as_csv("asset"), as_of=date(2026, 6, 30))
    assert other_date.number == 1
    site = village()
    with pytest.raises(OperationError, match="最新版本"):
        register_ops.submit_register(who(people, "clerk"), site, first)
    mid_year = do_import(people, "asset", as_csv("asset"), as_of=date(2026, 3, 31))
    register_ops.submit_register(who(people, "clerk"), site, other_date)
    with pytest.raises(OperationError, match="日期更晚"):
        register_ops.submit_register(who(people, "clerk"), site, mid_year)


def test_outsiders_and_residents_are_refused(ctx, people):
    for key in ("outsider", "resident"):
        with pytest.raises(Forbidden):
            do_import(people, "asset", as_csv("asset"), who_=key)
    snapshot = do_import(people, "asset", as_csv("asset"))
    for key in ("outsider", "resident", "finance"):
        with pytest.raises(Forbidden):
            register_ops.submit_register(who(people, key), village(), snapshot)
    register_ops.submit_register(who(people, "clerk"), village(), snapshot)
    for key in ("outsider", "resident", "clerk"):
        with pytest.raises((Forbidden, OperationError)):
            register_ops.countersign_register(who(people, key), village(), snapshot)


def test_publishing_in_the_standard_categories(ctx, people):
    contracts = do_import(people, "contract", as_csv("contract"))
    land = do_import(people, "resource", as_csv("resource"))
    debts = do_import(people, "debt", as_csv("debt"))
    assets = do_import(people, "asset", as_csv("asset"))
    site = village()
    with pytest.raises(OperationError):
        register_ops.submit_register(who(people, "clerk"), site, contracts)
    items = {}
    for snapshot in (land, debts, assets):
        for item in register_ops.submit_register(who(people, "clerk"), site, snapshot):
            items[item.category_code] = item
        register_ops.countersign_register(who(people, "finance"), site, snapshot)
    assert sorted(items) == ["B04.02", "B04.03", "B04.04", "B04.05", "B05.01", "B05.02",
                             "B05.03", "B05.04", "B05.05", "B06.01", "B06.02"]
    assert all(i.status == "published" for i in items.values())
    assert items["B04.02"].period_kind == "year" and items["B04.02"].period_start.year == 2025
    assert items["B06.01"].period_kind == "quarter"
    reserve = items["B05.05"].current_revision.body
    assert "三组机动地" in reserve and "HT-2023-01" in reserve and "张*英" in reserve
    assert "张秀英" not in reserve and "14,000.00" in reserve  # the overdue amount
    assert "12.5" in reserve
    assert "王*华" in items["B04.02"].current_revision.body
    fixed, living = items["B04.02"].current_revision.body, items["B04.05"].current_revision.body
    assert "太阳能路灯" in fixed and "猕猴桃苗木" not in fixed  # 公益设施 stays with fixed assets
    assert "猕猴桃苗木" in living and "72,000.00" in living  # 生物资产 in its own leaf
    assert "无库存物资" in items["B04.03"].current_revision.body  # a nil line for an empty leaf
    public = register_ops.public_snapshot_ids(site)
    assert {land.id, debts.id, assets.id, contracts.id} <= public  # contracts with the land

    fix = do_import(people, "asset", as_csv("asset"), reason="补录猕猴桃苗木折旧")
    assert fix.id not in register_ops.public_snapshot_ids(site)
    again = register_ops.submit_register(who(people, "clerk"), site, fix)
    assert [i.id for i in again] == [items[c].id for c in registers.ASSET_CATEGORIES]  # corrected
    register_ops.countersign_register(who(people, "finance"), site, fix)
    assert fix.id in register_ops.public_snapshot_ids(site)
    assert db.session.scalar(db.select(db.func.count(Item.id))) == 11


def test_pages_visibility_and_exports(client, auth, app, people):
    auth.login("13900000001")
    page = client.get(BASE).get_data(as_text=True)
    assert "导入三资台账" in page and "template-resource.xlsx" in page
    template = client.get(BASE + "template-contract.xlsx")
    assert template.status_code == 200
    assert openpyxl.load_workbook(io.BytesIO(template.data)).active["A1"].value == "合同编号"
    bad = client.submit(BASE, {"kind": "resource", "as_of": "2025-12-31", "reason": "",
                               "file": (io.BytesIO(as_csv("resource",
                                                          changed("resource", 3, 2, "99"))),
                                        "r.csv")},
                        post_url=BASE + "import", content_type="multipart/form-data")
    text = bad.get_data(as_text=True)
    assert bad.status_code == 422 and "第3行" in text and "未知地类" in text
    urls = {}
    for kind in ("contract", "resource"):
        good = client.submit(BASE, {"kind": kind, "as_of": "2025-12-31", "reason": "",
                                    "file": (io.BytesIO(as_csv(kind)), "r.csv")},
                             post_url=BASE + "import", content_type="multipart/form-data")
        assert good.status_code == 302
        urls[kind] = good.headers["Location"]
    page = client.get(urls["resource"]).get_data(as_text=True)
    assert "尚未公开" in page and "137.1" in page and 'class="overdue"' in page
    submit = urls["resource"] + "submit"
    assert client.submit(urls["resource"], {}, post_url=submit).status_code == 302
    auth.logout()

    assert client.get(urls["resource"]).status_code == 404  # not public before countersigning
    assert client.get(urls["resource"] + "data.csv").status_code == 404
    assert client.get(urls["contract"]).status_code == 404
    assert client.post(submit).status_code in (302, 400, 401, 403)  # no CSRF, no login

    auth.login("13900000005")  # an outsider: staff elsewhere
    assert client.get(urls["resource"]).status_code == 404
    auth.logout()

    auth.login("13900000003")
    assert client.submit(urls["resource"], {"dissent": ""},
                         post_url=urls["resource"] + "countersign").status_code == 302
    auth.logout()

    page = client.get(urls["resource"]).get_data(as_text=True)
    assert "尚未公开" not in page and "张*英" in page and "张秀英" not in page
    assert "overdue" in page and "<script" not in page and "style=" not in page
    assert client.get(urls["contract"]).status_code == 200
    index = client.get(BASE).get_data(as_text=True)
    assert "资源台账" in index and "137.1" in index and "导入三资台账" not in index
    rows = list(csv.reader(io.StringIO(client.get(urls["contract"] + "data.csv")
                                       .get_data(as_text=True).lstrip("\ufeff"))))
    assert rows[0][0] == "code" and rows[4][2] == "张*英" and rows[4][8] == "14000.00"
    data = json.loads(client.get(urls["resource"] + "data.json").data)
    assert data["data"][0]["land_class"] == "01" and data["data"][0]["area_mu"] == 12.5
    package = client.get(urls["resource"] + "datapackage.json").get_json()
    assert [r["format"] for r in package["resources"]] == ["csv", "xlsx", "json"]
    assert package["asOf"] == "2025-12-31"
    xlsx = openpyxl.load_workbook(io.BytesIO(client.get(urls["contract"] + "data.xlsx").data))
    assert xlsx.active["G1"].value == "应收金额"

    with app.app_context():  # another village's address does not reach this snapshot
        snapshot_id = db.session.scalar(db.select(RegisterSnapshot.id).where(
            RegisterSnapshot.kind == "resource"))
    assert client.get(f"/s/{OTHER}/finance/registers/{snapshot_id}/").status_code == 404


def test_returned_snapshot_is_submitted_again(ctx, people):
    site = village()
    snapshot = do_import(people, "debt", as_csv("debt"))
    first = register_ops.submit_register(who(people, "clerk"), site, snapshot)
    with pytest.raises(Forbidden):
        register_ops.return_register(who(people, "outsider"), site, snapshot, "金额不对")
    register_ops.return_register(who(people, "finance"), site, snapshot, "第3行金额与账面不符")
    assert snapshot.submitted_at is None and snapshot.id not in register_ops.public_snapshot_ids(
        site)
    again = register_ops.submit_register(who(people, "clerk"), site, snapshot)
    assert [i.id for i in again] == [i.id for i in first]
    register_ops.countersign_register(who(people, "finance"), site, snapshot)
    assert snapshot.id in register_ops.public_snapshot_ids(site)


def test_forms_refuse_residents_and_outsiders(client, auth, people):
    data = {"kind": "asset", "as_of": "2025-12-31", "reason": "",
            "file": (io.BytesIO(as_csv("asset")), "a.csv")}
    for mobile in ("13900000006", "13900000005"):  # a resident, then staff of another village
        auth.login(mobile)
        page = client.get(BASE).get_data(as_text=True)
        assert "导入三资台账" not in page
        assert client.submit(BASE, dict(data, file=(io.BytesIO(as_csv("asset")), "a.csv")),
                             post_url=BASE + "import",
                             content_type="multipart/form-data").status_code == 403
        assert client.get(BASE + "1/").status_code == 404
        auth.logout()


def test_a_parcel_naming_an_unknown_contract_is_not_submitted(ctx, people):
    land = do_import(people, "resource", as_csv("resource", changed("resource", 3, 6,
                                                                      "HT-2099-99")))
    db.session.commit()
    with pytest.raises(OperationError) as info:  # no contracts register at all yet
        register_ops.submit_register(who(people, "clerk"), village(), land)
    assert "合同台账(尚未导入)" in info.value.message
    db.session.rollback()
    do_import(people, "contract", as_csv("contract"))
    db.session.commit()
    land = db.session.get(RegisterSnapshot, land.id)
    with pytest.raises(OperationError) as info:
        register_ops.submit_register(who(people, "clerk"), village(), land)
    assert "TD-02（HT-2099-99）" in info.value.message and "TD-01" not in info.value.message
    db.session.rollback()
    assert db.session.get(RegisterSnapshot, land.id).submitted_at is None
    assert db.session.scalar(db.select(db.func.count(Item.id))) == 0  # nothing half-saved
