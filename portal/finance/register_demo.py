"""Demo 三资 registers for the first two villages of each demo township: the year-end 2025
clearance (assets, land, contracts, debts) imported, submitted and countersigned in March 2026
through the same operations staff use. Deterministic (seeded by the site code) and idempotent: a
village that already has a register is left alone."""

from __future__ import annotations

import csv
import io
import time
from collections.abc import Iterator
from datetime import date, datetime, timedelta

from portal.core.clock import frozen
from portal.extensions import db
from portal.finance import register_ops
from portal.finance.models import RegisterSnapshot
from portal.finance.register_data import headers
from portal.sites.models import Site

AS_OF = date(2025, 12, 31)
VILLAGES_PER_TOWNSHIP = 2
PEOPLE = ["王建华", "李秀兰", "张国强", "刘桂芳", "陈志明", "杨淑珍", "黄德福", "赵玉梅"]
GROUPS = ["一组", "二组", "三组", "四组", "五组", "六组", "七组"]


def _yuan(fen: int) -> str:
    return f"{fen // 100}.{fen % 100:02d}"


def _csv(kind: str, rows) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(headers(kind))
    writer.writerows(rows)
    return buffer.getvalue().encode("utf-8")


def _assets(rng, town: str) -> list[list[str]]:
    specs = [("党群服务中心办公楼", "固定资产", "栋", 1, 600_000, 1_800_000, 2012, "自用"),
             ("集体厂房", "固定资产", "栋", rng.randint(1, 3), 300_000, 900_000, 2015, "出租"),
             ("农机具库房", "固定资产", "间", rng.randint(2, 6), 40_000, 120_000, 2017, "出租"),
             ("小型挖掘机", "固定资产", "台", 1, 150_000, 260_000, 2020, "出租"),
             ("太阳能路灯", "公益设施", "盏", rng.randint(40, 160), 2_500, 4_500, 2019, "自用"),
             ("文化广场健身器材", "公益设施", "套", rng.randint(4, 12), 5_000, 12_000, 2021, "自用"),
             ("办公电脑及打印机", "固定资产", "台", rng.randint(4, 9), 3_000, 6_000, 2022, "自用"),
             ("旧村小学教学楼", "固定资产", "栋", 1, 200_000, 500_000, 2003, "闲置")]
    rows = []
    for n, (name, kind, unit, qty, lo, hi, year, status) in enumerate(specs, start=1):
        unit_fen = rng.randint(lo, hi) * 100
        value = unit_fen * (qty if unit in ("盏", "套", "台") and qty > 1 else 1)
        years = min(AS_OF.year - year, 20)
        depreciation = value * years * rng.randint(3, 5) // 100
        depreciation = min(depreciation, value * 95 // 100)
        keeper = "村民委员会" if status in ("自用", "闲置") else rng.choice(PEOPLE)
        rows.append([f"ZC-{n:03d}", name, kind, unit, str(qty), _yuan(value), _yuan(depreciation),
                     "", date(year, rng.randint(1, 12), rng.randint(1, 28)).isoformat(),
                     rng.choice(GROUPS), status, keeper, ""])
    return rows


def _land_and_contracts(rng, town: str) -> tuple[list[list[str]], list[list[str]]]:
    parcels = [("机动地", "01", "机动地"), ("集体果园", "02", "发包"), ("集体林地", "03", "自营"),
               ("河滩鱼塘", "11", "出租"), ("荒坡", "12", "闲置"), ("集体建设用地(厂房)", "06", "出租"),
               ("原村小学用地", "08", "出租")]
    land, contracts = [], []
    for n, (name, klass, status) in enumerate(parcels, start=1):
        group = rng.choice(GROUPS)
        area = rng.randint(150, 6000)  # hundredths of a 亩
        ref = ""
        if status in ("机动地", "发包", "出租"):
            ref = f"HT-{rng.randint(2019, 2024)}-{n:02d}"
            start = date(int(ref[3:7]), rng.choice((1, 3, 9)), 1)
            years = rng.choice((5, 10, 15))
            end = date(start.year + years, start.month, 1) - timedelta(days=1)
            per_year = area * rng.randint(800, 1400)  # fen: 800-1400 元 per 亩 a year
            due = per_year * (AS_OF.year - start.year + 1)
            received = due if rng.random() < 0.6 else due - per_year * rng.randint(1, 2) // 2
            tenant = (rng.choice(PEOPLE) if status == "机动地"
                      else f"成都{town[:2]}{rng.choice(('农业', '水产', '食品', '教育'))}有限公司")
            method = "协商" if status == "机动地" and rng.random() < 0.3 else rng.choice(
                ("公开竞价", "公开招标"))
            decided = start - timedelta(days=rng.randint(15, 60))
            contracts.append([ref, f"{group}{name}{'承包' if status != '出租' else '租赁'}", tenant,
                              method, start.isoformat(), end.isoformat(), _yuan(due),
                              _yuan(max(received, 0)),
                              f"{decided.year}年{decided.month}月{decided.day}日村民代表会议决议"])
        land.append([f"TD-{n:02d}", f"{group}{name}", klass, f"{area // 100}.{area % 100:02d}",
                     f"{group}", status, ref])
    if all(c[6] == c[7] for c in contracts):  # every village has a tenant behind with the rent
        due = int(contracts[0][6].replace(".", ""))
        contracts[0][7] = _yuan(due - due // (AS_OF.year - int(contracts[0][4][:4]) + 1))
    return land, contracts


def _debts(rng, town: str) -> list[list[str]]:
    rows = []
    for _n in range(rng.randint(1, 3)):
        day = date(2025, rng.randint(1, 10), rng.randint(1, 28))
        due = day + timedelta(days=rng.choice((60, 90, 180)))
        rows.append(["债权", rng.choice([*PEOPLE, f"成都{town[:2]}食品有限公司"]),
                     _yuan(rng.randint(2_000, 30_000) * 100), day.isoformat(), due.isoformat(),
                     rng.choice(("机动地承包费", "厂房租金", "鱼塘租金")),
                     "逾期" if due < AS_OF else "未到期"])
    for _n in range(rng.randint(1, 2)):
        day = date(rng.randint(2023, 2025), rng.randint(1, 12), rng.randint(1, 28))
        rows.append(["债务", rng.choice((f"四川{town[:2]}建设工程有限公司",
                                        "郫都区农村信用合作联社")),
                     _yuan(rng.randint(20_000, 250_000) * 100), day.isoformat(),
                     (day + timedelta(days=730)).isoformat(),
                     rng.choice(("村道硬化工程尾款", "党群服务中心改造质保金", "购置农机借款")),
                     "未到期"])
    return rows


def load_registers(townships, accountants, reviewers, rng_for) -> Iterator[str]:
    """Import and publish the demo registers; yields a summary line."""
    count, began = 0, time.perf_counter()
    moment = datetime(2026, 3, 20, 2)  # 10:00 in Shanghai, before the 31 March deadline
    for code in townships:
        township = Site.by_code(code)
        if township is None:
            continue
        accountant, reviewer = accountants[code], reviewers[code]
        villages = db.session.scalars(db.select(Site).where(
            township.subtree(), Site.level == "village").order_by(Site.code)
            .limit(VILLAGES_PER_TOWNSHIP)).all()
        for site in villages:
            if db.session.scalar(db.select(RegisterSnapshot.id).where(
                    RegisterSnapshot.site_id == site.id).limit(1)):
                continue
            rng = rng_for("registers-demo", site.code)
            land, contracts = _land_and_contracts(rng, township.short_name)
            files = [("contract", contracts), ("asset", _assets(rng, township.short_name)),
                     ("resource", land), ("debt", _debts(rng, township.short_name))]
            with frozen(moment):
                for kind, rows in files:
                    snapshot = register_ops.import_register(
                        accountant, site, kind, AS_OF, f"{kind}.csv", _csv(kind, rows))
                    if kind != "contract":
                        register_ops.submit_register(accountant, site, snapshot)
            with frozen(moment + timedelta(hours=4)):
                for snapshot in db.session.scalars(db.select(RegisterSnapshot).where(
                        RegisterSnapshot.site_id == site.id,
                        RegisterSnapshot.submitted_at.is_not(None))):
                    register_ops.countersign_register(reviewer, site, snapshot)
            db.session.commit()
            count += 1
    yield (f"demo registers: 三资 registers as of {AS_OF} for {count} villages "
           f"in {time.perf_counter() - began:.1f} s")
