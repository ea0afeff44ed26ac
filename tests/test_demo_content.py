"""The demo disclosures: every level, every workflow outcome, masked identifiers, balanced books,
and a compliance board that looks like a real township's."""

import re
import statistics
from collections import defaultdict
from datetime import date, timedelta

from portal.accounts.models import RoleGrant, User
from portal.content import compliance
from portal.content.models import Item, ItemRevision, ReviewEvent
from portal.content.queries import public_items
from portal.core.clock import local_date
from portal.core.privacy import find_identifiers
from portal.demo import load
from portal.extensions import db
from portal.sites.models import Site

ANLONG, CITY = "510117004200", "510100000000"
TOWNSHIP, DISTRICT = "510117004000", "510117000000"
BOARD_DAY = date(2026, 11, 23)
AMOUNT = re.compile(r"^-?[\d,]+\.\d{2}$")
SUMMARY = {"上季度末结余": "opening", "本季度收入合计": "income", "本季度支出合计": "expense",
           "本季度末结余": "closing",  # the hand-written statements; the imported ones say 本期
           "上期末结余": "opening", "本期收入合计": "income", "本期支出合计": "expense",
           "本期末结余": "closing"}


def fen(text: str) -> int:
    assert AMOUNT.match(text), text
    return int(text.replace(",", "").replace(".", ""))


def parse_statement(body: str) -> dict:
    """The generator's statement format: a detail table with 合计, then the quarter's balance."""
    lines, total, summary = [], None, {}
    for row in body.splitlines():
        if not row.startswith("|") or set(row) <= set("|-: "):
            continue
        cells = [c.strip().strip("*") for c in row.strip().strip("|").split("|")]
        if cells[0].isdigit():
            lines.append(fen(cells[-1]))
        elif "合计" in cells:
            total = fen(cells[-1])
        elif cells[0] in SUMMARY:
            summary[SUMMARY[cells[0]]] = fen(cells[-1])
    return {"lines": lines, "total": total, **summary}


def count(model, *where) -> int:
    return db.session.scalar(db.select(db.func.count()).select_from(model).where(*where))


def test_demo_content(ctx, client):
    lines = list(load())
    assert any(line.startswith("demo content:") for line in lines)

    # Items at all four levels; policies above the villages carry their structured fields.
    levels = set(db.session.scalars(
        db.select(Site.level).join(Item, Item.site_id == Site.id).distinct()))
    assert levels == {"city", "district", "township", "village"}
    from portal.finance.models import (  # the finance demo's, counted there
        RegisterItem,
        StatementItem,
    )

    hand_written = count(Item, Item.id.not_in(db.select(StatementItem.item_id)),
                         Item.id.not_in(db.select(RegisterItem.item_id)))
    assert 1500 <= hand_written <= 3500
    assert count(Item, Item.current_revision_id.is_(None)) == 0
    policies = db.session.scalars(db.select(Item).where(
        Item.category_code.in_(["A11.02", "A07.01", "A08.01", "A13.05", "B09.01"]))).all()
    assert {p.site.level for p in policies} == {"city", "district", "township"}
    for policy in policies:
        fields = policy.current_revision.field_values
        assert fields["doc_no"] and fields["issuer"] and fields["validity"] == "有效"
        assert "〔20" in fields["doc_no"]
    assert any("interprets" in p.current_revision.field_values for p in policies)

    # Workflow outcomes: corrections with reasons, one withdrawal, dissent, 代发布.
    corrected = db.session.scalars(
        db.select(ItemRevision).where(ItemRevision.number == 2)).all()
    assert len(corrected) >= 3 and all(r.reason for r in corrected)
    withdrawn = db.session.scalars(db.select(Item).where(Item.status == "withdrawn")).all()
    assert len(withdrawn) == 1 and withdrawn[0].withdraw_reason
    assert count(Item, Item.withdrawn_at.is_not(None)) == 1
    dissents = db.session.scalars(
        db.select(ItemRevision).where(ItemRevision.dissent.is_not(None))).all()
    assert dissents and all(r.countersign_role == "supervisor" for r in dissents)
    prepared = db.session.scalars(
        db.select(Item).where(Item.prepared_by_site_id.is_not(None),
                              Item.id.not_in(db.select(StatementItem.item_id)),
                              Item.id.not_in(db.select(RegisterItem.item_id)))).all()
    assert prepared and {i.prepared_by_site.code for i in prepared} == {"510117004000"}
    assert all(i.site.level == "village" for i in prepared)
    # Separation of duties held throughout: nobody countersigned what they submitted.
    for revision in db.session.scalars(db.select(ItemRevision)):
        assert revision.countersigned_by_id != revision.published_by_id

    # Realistic dates: everything between October 2025 and November 2026, drafted before
    # it was countersigned.
    firsts = db.session.scalars(db.select(Item.first_published_at)).all()
    assert min(firsts).date() >= date(2025, 10, 1)
    assert max(firsts).date() <= date(2026, 11, 22)
    first_submits = db.session.execute(
        db.select(ReviewEvent.item_id, db.func.min(ReviewEvent.at))
        .where(ReviewEvent.action == "submit").group_by(ReviewEvent.item_id)).all()
    published = dict(db.session.execute(db.select(Item.id, Item.first_published_at)).all())
    assert len(first_submits) == len(published)
    assert all(at <= published[item_id] for item_id, at in first_submits)

    # Quarterly obligations: some late, some never published.
    dibao = db.session.scalars(db.select(Item).join(Site, Site.id == Item.site_id).where(
        Item.category_code == "A07.03", Site.level == "village")).all()
    assert 30 < len(dibao) < 15 * 4

    def due(item):
        end = item.period_end + timedelta(days=1)
        return date(end.year, end.month, 20)

    late = [i for i in dibao if local_date(i.first_published_at) > due(i)]
    assert late and len(late) < len(dibao) / 2

    # The privacy guard's view: no unmasked identifier in any revision.
    for revision in db.session.scalars(db.select(ItemRevision)):
        assert not find_identifiers(revision.title), revision.title
        assert not find_identifiers(revision.body), revision.title
        assert not find_identifiers(revision.dissent or "")
    assert re.search(r"\| \*{4}\d{3}[\dX] \|", dibao[0].current_revision.body)

    # Every finance statement balances: lines add to 合计, opening + income - expense = closing,
    # the quarter's leaves add to its totals, and one quarter's closing is the next's opening.
    by_quarter = defaultdict(list)
    finance = db.session.scalars(db.select(ItemRevision).where(
        db.or_(ItemRevision.category_code.startswith("B02"),
               ItemRevision.category_code.startswith("B03")))).all()
    assert len(finance) > 100
    for revision in finance:
        s = parse_statement(revision.body)
        if s["lines"]:
            assert sum(s["lines"]) == s["total"], revision.title
        else:  # a nil return: the leaf had no entries that quarter
            assert s["total"] is None and ("本季度无" in revision.body
                                           or "本期无" in revision.body), revision.title
            s["total"] = 0
        assert s["opening"] + s["income"] - s["expense"] == s["closing"], revision.title
        assert s["closing"] > 0
        current = db.session.get(Item, revision.item_id).current_revision_id == revision.id
        if current:
            by_quarter[(revision.site_id, revision.period_start, revision.period_kind)].append(
                (revision, s))
    closings = {}
    for (site_id, start, kind), statements in by_quarter.items():
        first = statements[0][1]
        assert all(s["opening"] == first["opening"] and s["closing"] == first["closing"]
                   for _r, s in statements)
        income = sum(s["total"] for r, s in statements if r.category_code.startswith("B02"))
        expense = sum(s["total"] for r, s in statements if r.category_code.startswith("B03"))
        assert (income, expense) == (first["income"], first["expense"])
        closings[(site_id, start)] = (first["opening"], first["closing"], kind)
    monthly = 0
    for (site_id, start), (_opening, closing, kind) in closings.items():
        step = 1 if kind == "month" else 3  # finance-heavy villages publish monthly
        monthly += kind == "month"
        month = start.month - 1 + step
        following = date(start.year + month // 12, month % 12 + 1, 1)
        if (site_id, following) in closings:
            assert closings[(site_id, following)][0] == closing
    assert monthly == 8  # two finance-heavy villages, July to October 2026

    # The compliance board: villages spread around a credible median, one clearly lagging, some
    # obligations late and some never met; the levels above mostly compliant with a few gaps.
    township = Site.by_code(TOWNSHIP)
    villages = db.session.scalars(db.select(Site).where(Site.parent_id == township.id)).all()
    assert len(villages) == 14
    reports = [compliance.site_report(v, today=BOARD_DAY) for v in villages]
    rates = [r.totals.rate for r in reports]
    assert all(rate is not None for rate in rates)
    assert min(rates) < 0.6
    assert 0.7 <= statistics.median(rates) <= 0.95
    assert sum(r.totals.late for r in reports) >= 1
    assert sum(r.totals.missing for r in reports) >= 1
    assert all(r.totals.judged >= 80 for r in reports)  # the whole catalogue, not a sample
    for code in (TOWNSHIP, DISTRICT, CITY):
        totals = compliance.site_report(Site.by_code(code), today=BOARD_DAY).totals
        assert 0.8 <= totals.rate < 1, code
    ranking = compliance.subtree_report(township, today=BOARD_DAY).ranking
    assert len(ranking) == 14 and ranking[0].rate == min(rates)

    # Loading again adds nothing.
    before = (count(Item), count(ItemRevision), count(User), count(RoleGrant))
    again = list(load())
    assert any("skipped" in line for line in again)
    assert (count(Item), count(ItemRevision), count(User), count(RoleGrant)) == before

    # Public pages show the items: 安龙村 (its own and those from above) and 成都市.
    for code in (ANLONG, CITY):
        site = Site.by_code(code)
        latest = public_items(site, limit=10)
        assert latest
        page = client.get(f"/s/{code}/")
        assert page.status_code == 200
        html = page.get_data(as_text=True)
        assert latest[0].current_revision.title in html
    anlong = Site.by_code(ANLONG)
    statement = next(r for r in finance if r.site_id == anlong.id)
    page = client.get(f"/s/{ANLONG}/items/{statement.item_id}")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "<table>" in html and "本季度末结余" in html
