"""Finance pages: the import form with line-by-line errors, the review buttons, what an anonymous
visitor sees before and after publishing, exports and the township comparison."""

from __future__ import annotations

import io
import json

import openpyxl
import pytest

from portal.finance.template import DATA_DIR, EXAMPLE, PERIOD
from tests.test_finance import VILLAGE, as_csv, changed

TOWNSHIP = "510117004000"
BASE = f"/s/{VILLAGE}/finance/"


@pytest.fixture
def people(standard, make_user):
    return {
        "clerk": make_user("13900000001", "赵德明", roles=[(VILLAGE, "publisher")]),
        "finance": make_user("13900000003", "吴国庆", roles=[(VILLAGE, "finance_reviewer")]),
        "outsider": make_user("13900000005", "外人", roles=[("510104017001", "publisher")]),
    }


def upload(client, data, name="ledger.csv", reason=""):
    return client.submit(BASE, {"period": PERIOD, "reason": reason,
                                "file": (io.BytesIO(data), name)},
                         post_url=BASE + "import", content_type="multipart/form-data")


def test_import_errors_then_fix_then_publish_then_public(client, auth, people):
    auth.login("13900000001")
    page = client.get(BASE).get_data(as_text=True)
    assert "导入明细账" in page and "template.xlsx" in page
    bad = upload(client, as_csv(changed(3, 5, "四万五")))
    assert bad.status_code == 422
    text = bad.get_data(as_text=True)
    assert "第3行" in text and "不是金额" in text and "没有导入任何数据" in text
    good = upload(client, (DATA_DIR / "finance-template.xlsx").read_bytes(), "模板.xlsx")
    assert good.status_code == 302 and f"{PERIOD}/?r=1" in good.headers["Location"]
    statement = client.get(f"{BASE}{PERIOD}/?r=1").get_data(as_text=True)
    assert "尚未公开" in statement and "47,477.10" in statement and "提交会签" in statement
    response = client.submit(f"{BASE}{PERIOD}/?r=1", {}, post_url=f"{BASE}{PERIOD}/r1/submit")
    assert response.status_code == 302
    auth.logout()

    anonymous = client.get(f"{BASE}{PERIOD}/")
    assert anonymous.status_code == 404  # not public before the countersignature
    assert client.get(f"{BASE}{PERIOD}/ledger.csv").status_code == 404

    auth.login("13900000003")
    page = client.get(f"{BASE}{PERIOD}/?r=1").get_data(as_text=True)
    assert "会签并公开" in page
    response = client.submit(f"{BASE}{PERIOD}/?r=1", {"dissent": ""},
                             post_url=f"{BASE}{PERIOD}/r1/countersign")
    assert response.status_code == 302
    auth.logout()

    page = client.get(BASE).get_data(as_text=True)
    assert "<svg" in page and "2026年第3季度" in page
    page = client.get(f"{BASE}{PERIOD}/").get_data(as_text=True)
    assert "<svg" in page and "54101 干部报酬" in page and "张*英" in page
    assert "张秀英" not in page and "会签并公开" not in page
    ledger = client.get(f"{BASE}{PERIOD}/ledger.csv?r=1")
    assert ledger.status_code == 200
    rows = ledger.get_data().decode("utf-8-sig").splitlines()
    assert rows[0].startswith("date,voucher") and len(rows) == 8
    data = json.loads(client.get(f"{BASE}{PERIOD}/summary.json").get_data())
    assert data["currency"] == "CNY"
    assert any(d["account_code"] == "522" and d["income"] == 65960 for d in data["data"])
    book = openpyxl.load_workbook(io.BytesIO(client.get(f"{BASE}{PERIOD}/ledger.xlsx").data),
                                  read_only=True)
    assert next(book.active.values)[0] == "日期"
    descriptor = json.loads(client.get(f"{BASE}{PERIOD}/datapackage.json").get_data())
    assert descriptor["currency"] == "CNY" and len(descriptor["resources"]) == 6
    income = next(f for f in descriptor["resources"][0]["schema"]["fields"]
                  if f["name"] == "income")
    assert income["type"] == "number" and income["currency"] == "CNY"

    township = client.get(f"/s/{TOWNSHIP}/finance/").get_data(as_text=True)
    assert "安龙村" in township and "8.04" in township  # 80,360.00 元 in 万元


def test_import_is_refused_to_outsiders_and_anonymous(client, auth, people):
    assert client.post(BASE + "import").status_code in (400, 403)
    auth.login("13900000005")
    response = client.submit("/s/510104017001/finance/", {"period": PERIOD},
                             post_url=BASE + "import")
    assert response.status_code == 403
    assert "导入明细账" not in client.get(BASE).get_data(as_text=True)


def test_template_downloads(client, people):
    xlsx = client.get(BASE + "template.xlsx")
    assert xlsx.status_code == 200 and xlsx.data[:2] == b"PK"
    assert "attachment" in xlsx.headers["Content-Disposition"]
    assert client.get(BASE + "template.csv").data.decode("utf-8-sig").startswith("日期,凭证号")
    assert client.get(BASE + "template.pdf").status_code == 404


def test_unknown_site_and_period(client, people):
    assert client.get("/s/510117004999/finance/").status_code == 404
    assert client.get(BASE + "2026-Q9/").status_code == 404
    assert client.get(BASE + "2026-Q3/").status_code == 404
    assert EXAMPLE


def test_special_funds_received_spent_and_balance(client, people, ctx):
    from portal.accounts.models import User
    from portal.extensions import db
    from portal.finance import operations as ops
    from portal.sites.models import Site

    clerk, finance = db.session.get(User, people["clerk"]), db.session.get(User, people["finance"])
    site = Site.by_code(VILLAGE)
    revision = ops.import_ledger(clerk, site, PERIOD, "a.csv", as_csv(EXAMPLE))
    db.session.commit()
    assert "高标准农田" not in client.get(BASE + "funds").get_data(as_text=True)  # not public yet
    ops.submit_statement(clerk, site, revision)
    ops.countersign_statement(finance, site, revision)
    db.session.commit()
    page = client.get(BASE + "funds").get_data(as_text=True)
    assert "高标准农田建设补助（区级）" in page and "区级" in page
    assert "20,960.00" in page and "15,360.00" in page and "5,600.00" in page  # left over
