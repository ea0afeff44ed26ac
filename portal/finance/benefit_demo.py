"""Demo benefit lists for the first two villages of each finance demo township: a 低保 list of the
current quarter countersigned two days before the load (so it is inside its 7-day posting), and a
2026 耕地地力保护补贴 list posted in May 2026 (long past its window, so the public sees its totals).

Imported by the township's accountant and countersigned by its reviewer through the same
operations staff use, on past dates (a frozen clock). The people are generated with valid ID
numbers (checksum and birth date), which the import masks. Deterministic (seeded by the site code)
and idempotent: a village that already has a benefit list is left alone.
"""

from __future__ import annotations

import csv
import io
import time
from collections.abc import Iterator
from datetime import date, datetime, timedelta

from portal.core.clock import frozen, local_date, utcnow
from portal.core.privacy import ID_CHECK, ID_WEIGHTS
from portal.extensions import db
from portal.finance import benefits
from portal.sites.models import Site

VILLAGES_PER_TOWNSHIP = 2
SURNAMES = "王李张刘陈杨黄赵周吴徐孙胡朱高林何郭马罗"
GIVEN = ["秀英", "建国", "桂芳", "志明", "淑珍", "德福", "玉梅", "永红", "文军", "国强", "秀兰",
         "明华", "春花", "长青", "世忠", "素芬", "光荣", "翠兰", "家富", "金秀"]
AREA = "510124"  # 郫县's old code, as on most villagers' cards
SUBSIDY_POSTED = datetime(2026, 5, 12, 2)  # 10:00 in Shanghai
SUBSIDY_PER_MU_FEN = 10_530  # 105.30 元 per 亩, a plausible Sichuan rate


def _id_number(rng, born_from: int, born_to: int) -> str:
    born = date(rng.randint(born_from, born_to), rng.randint(1, 12), rng.randint(1, 28))
    body = f"{AREA}{born:%Y%m%d}{rng.randint(0, 999):03d}"
    return body + ID_CHECK[sum(int(d) * w for d, w in zip(body, ID_WEIGHTS, strict=True)) % 11]


def _name(rng) -> str:
    return rng.choice(SURNAMES) + rng.choice(GIVEN)


def _csv(header: list[str], rows) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue().encode("utf-8")


def _yuan(fen: int) -> str:
    return f"{fen // 100}.{fen % 100:02d}"


def _dibao(rng) -> bytes:
    """A quarter of 低保: households of 1–4, a monthly top-up per person, three months."""
    rows = []
    for _i in range(rng.randint(6, 14)):
        persons = rng.choice([1, 1, 2, 2, 3, 4])
        monthly = rng.randint(36, 82) * 1_000  # 360–820 元 per person and month
        rows.append([_name(rng), _id_number(rng, 1940, 1995), persons,
                     _yuan(persons * monthly * 3)])
    return _csv(["户主姓名", "身份证号码", "保障人数", "保障金额(元)"], rows)


def _subsidy(rng) -> bytes:
    """耕地地力保护补贴: every contracting household, by its 亩 of contracted land."""
    rows = []
    for _i in range(rng.randint(25, 45)):
        tenths = rng.randint(8, 75)  # 0.8–7.5 亩
        rows.append([_name(rng), _id_number(rng, 1945, 1990), rng.randint(1, 6),
                     _yuan(tenths * SUBSIDY_PER_MU_FEN // 10)])
    return _csv(["户主姓名", "身份证号", "家庭人口", "补贴金额"], rows)


def load_benefits(townships, accountants, reviewers, rng_for) -> Iterator[str]:
    """Import and post the demo benefit lists; yields a summary line."""
    count, began = 0, time.perf_counter()
    now = utcnow().replace(microsecond=0)
    dibao_day = local_date(now)  # the list of the current quarter
    quarter = (dibao_day.month - 1) // 3 + 1
    for code in townships:
        township = Site.by_code(code)
        if township is None:
            continue
        accountant, reviewer = accountants[code], reviewers[code]
        villages = db.session.scalars(db.select(Site).where(
            township.subtree(), Site.level == "village").order_by(Site.code)
            .limit(VILLAGES_PER_TOWNSHIP)).all()
        for site in villages:
            if db.session.scalar(db.select(benefits.BenefitList.id).where(
                    benefits.BenefitList.site_id == site.id).limit(1)):
                continue
            rng = rng_for("benefits-demo", site.code)
            lists = [
                ("subsidy", f"{site.short_name}2026年耕地地力保护补贴发放名单", _subsidy(rng),
                 SUBSIDY_POSTED - timedelta(days=2), SUBSIDY_POSTED),
                ("dibao", f"{site.short_name}{dibao_day.year}年第{quarter}季度城乡低保对象名单",
                 _dibao(rng), now - timedelta(days=3), now - timedelta(days=2))]
            for kind, title, data, imported, posted in lists:
                with frozen(imported):
                    benefit = benefits.import_list(accountant, site, kind, title, "名单.csv", data)
                with frozen(posted):
                    benefits.countersign_list(reviewer, site, benefit)
                count += 1
            db.session.commit()
    yield (f"demo benefit lists: {count} (低保 posted {local_date(now - timedelta(days=2))}, "
           f"耕地地力保护补贴 posted {SUBSIDY_POSTED.date()}) in {time.perf_counter() - began:.1f} s")
