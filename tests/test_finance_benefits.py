"""Benefit lists: masked on import, all or nothing, countersigned by someone else, names for 7
days to everyone, then totals for the public and names for the village's verified residents."""

from __future__ import annotations

import io
from datetime import datetime, timedelta

import pytest
from werkzeug.exceptions import Forbidden

from portal.accounts.models import Residency, User
from portal.core.clock import frozen
from portal.core.errors import OperationError
from portal.extensions import db
from portal.finance import benefits
from portal.finance.parsing import LedgerRefused
from portal.sites.models import Site
from tests.test_finance import VILLAGE, as_csv

ID = "11010519491231002X"
HEADERS = ["户主姓名", "身份证号码", "家庭人口", "补贴金额(元)"]
ROWS = [["张秀英", ID, "3", "1,260.50"], ["欧阳建国", "", "1", "420"]]
BASE = f"/s/{VILLAGE}/finance/benefits/"


@pytest.fixture
def people(standard, make_user):
    return {
        "clerk": make_user("13900000001", "赵德明", roles=[(VILLAGE, "publisher")]),
        "finance": make_user("13900000003", "吴国庆", roles=[(VILLAGE, "finance_reviewer")]),
        "resident": make_user("13900000006", "张秀英"),
        "neighbour": make_user("13900000007", "李四"),
    }


def who(people, key):
    return db.session.get(User, people[key])


def make_list(people, rows=ROWS):
    return benefits.import_list(who(people, "clerk"), Site.by_code(VILLAGE), "subsidy",
                                "安龙村2026年耕地地力保护补贴发放名单", "a.csv",
                                as_csv(rows, headers=HEADERS))


def test_import_masks_and_totals(ctx, people):
    benefit = make_list(people)
    rows = benefits.recipients_of(benefit)
    assert [(r.name, r.id_masked, r.household, r.amount_fen) for r in rows] == [
        ("张*英", "110105********002X", 3, 126050), ("欧**国", "", 1, 42000)]
    assert (benefit.recipients, benefit.persons, benefit.total_fen) == (2, 4, 168050)
    stored = " ".join(f"{r.name} {r.id_masked}" for r in rows)
    assert ID not in stored and "张秀英" not in stored


@pytest.mark.parametrize("row, words", [
    (["张秀英", "110105194912310021", "3", "100"], "身份证号"),
    (["张秀英", ID, "三", "100"], "家庭人口"),
    (["张秀英", ID, "3", "-100"], "金额"),
    (["张秀英 13812345678", "", "3", "100"], "姓名"),
    (["王五", "", "2", "100", "13812345678"], "手机号"),
])
def test_bad_lines_refuse_the_whole_list(ctx, people, row, words):
    with pytest.raises(LedgerRefused) as info:
        make_list(people, [ROWS[0], row])
    assert any(n == 3 and words in r for n, r in info.value.errors), info.value.errors
    db.session.rollback()
    assert db.session.scalar(db.select(db.func.count(benefits.BenefitList.id))) == 0


def test_posting_needs_another_reviewer(ctx, people):
    benefit = make_list(people)
    with pytest.raises(Forbidden):
        benefits.countersign_list(who(people, "clerk"), Site.by_code(VILLAGE), benefit)
    benefits.countersign_list(who(people, "finance"), Site.by_code(VILLAGE), benefit)
    assert benefit.posted_at is not None
    with pytest.raises(OperationError):
        benefits.countersign_list(who(people, "finance"), Site.by_code(VILLAGE), benefit)


def test_window_then_totals_for_the_public_and_names_for_residents(app, client, auth, people):
    with app.app_context():
        benefit = make_list(people)
        with frozen(datetime(2026, 11, 2, 2)):
            benefits.countersign_list(who(people, "finance"), Site.by_code(VILLAGE), benefit)
        site = Site.by_code(VILLAGE)
        db.session.add(Residency(user_id=people["resident"], site_id=site.id, real_name="张秀英",
                                 household_number="0312", status="verified"))
        other = Site.by_code("510117004201")
        db.session.add(Residency(user_id=people["neighbour"], site_id=other.id, real_name="李四",
                                 household_number="0001", status="verified"))
        db.session.commit()
        url = f"{BASE}{benefit.id}"
    with frozen(datetime(2026, 11, 8, 2)):  # day 7 of the posting
        page = client.get(url).get_data(as_text=True)
        assert "张*英" in page and "110105********002X" in page
    with frozen(datetime(2026, 11, 9, 3)):  # the window has closed
        page = client.get(url).get_data(as_text=True)
        assert "张*英" not in page and "1,680.50" in page and "公示期已满" in page
        auth.login("13900000007")  # verified, but in another village
        assert "张*英" not in client.get(url).get_data(as_text=True)
        auth.logout()
        auth.login("13900000006")
        assert "张*英" in client.get(url).get_data(as_text=True)


def test_unposted_list_is_hidden_and_import_view_reports_lines(client, auth, people):
    auth.login("13900000001")
    bad = client.submit(BASE, {"kind": "dibao", "title": "安龙村2026年第四季度低保名单",
                               "file": (io.BytesIO(as_csv([["张秀英", ID, "x", "1"]],
                                                          headers=HEADERS)), "a.csv")},
                        content_type="multipart/form-data")
    assert bad.status_code == 422 and "第2行" in bad.get_data(as_text=True)
    good = client.submit(BASE, {"kind": "dibao", "title": "安龙村2026年第四季度低保名单",
                                "file": (io.BytesIO(as_csv(ROWS, headers=HEADERS)), "a.csv")},
                         content_type="multipart/form-data")
    assert good.status_code == 302
    url = good.headers["Location"]
    auth.logout()
    assert client.get(url).status_code == 404
    assert "低保名单" not in client.get(BASE).get_data(as_text=True)
    assert timedelta(days=benefits.POSTING_DAYS) == timedelta(days=7)


FORMATS = ("csv", "xlsx", "json")


def _parse(fmt, body):
    """The cells of an export as a list of rows of strings (header first for CSV and XLSX)."""
    if fmt == "csv":
        import csv

        return list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
    if fmt == "xlsx":
        from openpyxl import load_workbook

        sheet = load_workbook(io.BytesIO(body), read_only=True).active
        return [["" if v is None else str(v) for v in row] for row in sheet.iter_rows(
            values_only=True)]
    import json

    data = json.loads(body)
    return [[str(v) for v in record.values()] for record in data["data"]]


def _check_clean(fmt, body):
    from portal.core.privacy import find_identifiers

    cells = [c for row in _parse(fmt, body) for c in row]
    text = "\n".join(cells)
    assert not find_identifiers(text), find_identifiers(text)
    assert ID not in text and "张秀英" not in text
    if fmt != "xlsx":
        raw = body.decode("utf-8-sig")
        assert not find_identifiers(raw) and ID not in raw
    return cells


@pytest.fixture
def posted(app, people):
    """A list countersigned on 2026-11-02 (window to 11-09 02:00), with a verified resident of
    the village and one of another village."""
    with app.app_context():
        benefit = make_list(people)
        with frozen(datetime(2026, 11, 2, 2)):
            benefits.countersign_list(who(people, "finance"), Site.by_code(VILLAGE), benefit)
        db.session.add(Residency(user_id=people["resident"], site_id=Site.by_code(VILLAGE).id,
                                 real_name="张秀英", household_number="0312", status="verified"))
        db.session.add(Residency(user_id=people["neighbour"],
                                 site_id=Site.by_code("510117004201").id, real_name="李四",
                                 household_number="0001", status="verified"))
        db.session.commit()
        return f"{BASE}{benefit.id}"


@pytest.mark.parametrize("when, login, names", [
    (datetime(2026, 11, 8, 2), None, True),  # in the window: everyone
    (datetime(2026, 11, 8, 2), "13900000007", True),
    (datetime(2026, 11, 9, 3), None, False),  # after it: totals only
    (datetime(2026, 11, 9, 3), "13900000007", False),  # verified elsewhere
    (datetime(2026, 11, 9, 3), "13900000006", True),  # verified resident of the village
    (datetime(2026, 11, 9, 3), "13900000001", True),  # staff
])
def test_exports_follow_the_page_rule(client, auth, posted, when, login, names):
    if login:
        auth.login(login)
    with frozen(when):
        page = client.get(posted).get_data(as_text=True)
        assert (f"{posted}/list.csv" in page) is names and f"{posted}/totals.csv" in page
        for fmt in FORMATS:
            totals = client.get(f"{posted}/totals.{fmt}")
            assert totals.status_code == 200
            cells = _check_clean(fmt, totals.data)
            assert {"1680.50", "1680.5"} & set(cells) and "2" in cells and "4" in cells
            listed = client.get(f"{posted}/list.{fmt}")
            assert listed.status_code == (200 if names else 403)
            if names:
                cells = _check_clean(fmt, listed.data)
                assert "张*英" in cells and "110105********002X" in cells
                assert {"1260.50", "1260.5"} & set(cells)
                assert "private" in listed.headers["Cache-Control"]
        package = client.get(f"{posted}/datapackage.json").get_json()
        paths = [r["path"] for r in package["resources"]]
        assert any(p.endswith("/totals.csv") for p in paths)
        assert any(p.endswith("/list.xlsx") for p in paths) is names
        assert package["totals"] == {"households": 2, "persons": 4, "amount": "1680.50"}
        assert all(r["schema"]["fields"] for r in package["resources"])


def test_exports_of_an_unposted_list_are_staff_only(app, client, auth, people):
    with app.app_context():
        benefit = make_list(people)
        db.session.commit()
        url = f"{BASE}{benefit.id}"
    for path in ("/list.csv", "/totals.json", "/datapackage.json"):
        assert client.get(url + path).status_code == 404
    auth.login("13900000006")
    assert client.get(url + "/list.csv").status_code == 404
    auth.logout()
    auth.login("13900000001")
    assert client.get(url + "/list.csv").status_code == 200
    assert client.get(url + "/list.pdf").status_code == 404
    other = f"/s/510117004201/finance/benefits/{benefit.id}/list.csv"
    assert client.get(other).status_code == 404  # scoped to the site of the address


def test_demo_lists_are_posted_masked_deterministic_and_idempotent(ctx, standard, make_user):
    import time

    from portal.core.privacy import find_identifiers
    from portal.finance.benefit_demo import load_benefits
    from portal.finance.demo import _rng

    town = Site.by_code(VILLAGE).parent.code
    clerk = make_user("13900000011", "农经站会计", roles=[(town, "publisher")])
    reviewer = make_user("13900000012", "民主理财监督小组", roles=[(town, "finance_reviewer")])
    staff = ({town: db.session.get(User, clerk)}, {town: db.session.get(User, reviewer)})
    now = datetime(2026, 12, 4, 10)
    began = time.perf_counter()
    with frozen(now):
        lines = list(load_benefits([town], *staff, _rng))
    assert time.perf_counter() - began < 1
    assert lines[0].startswith("demo benefit lists: ")
    lists = db.session.scalars(db.select(benefits.BenefitList).order_by(
        benefits.BenefitList.id)).all()
    assert lists and {b.kind for b in lists} == {"subsidy", "dibao"}
    for b in lists:
        assert (b.created_by_id, b.countersigned_by_id) == (clerk, reviewer)
        assert b.in_window(now) is (b.kind == "dibao")
        if b.kind == "dibao":
            assert "2026年第4季度" in b.title
        rows = benefits.recipients_of(b)
        assert (len(rows), sum(r.amount_fen for r in rows)) == (b.recipients, b.total_fen)
        text = " ".join(f"{r.name} {r.id_masked}" for r in rows)
        assert not find_identifiers(text) and all("*" in r.name for r in rows)
    first = [(b.title, b.total_fen) for b in lists]
    with frozen(now):
        list(load_benefits([town], *staff, _rng))
    assert db.session.scalar(db.select(db.func.count(benefits.BenefitList.id))) == len(lists)
    db.session.execute(db.delete(benefits.BenefitRecipient))
    db.session.execute(db.delete(benefits.BenefitList))
    with frozen(now):
        list(load_benefits([town], *staff, _rng))
    again = db.session.scalars(db.select(benefits.BenefitList).order_by(
        benefits.BenefitList.id)).all()
    assert [(b.title, b.total_fen) for b in again] == first
