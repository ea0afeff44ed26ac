"""Demo books: five quarters (2025-Q3 to 2026-Q3) of balanced, varied ledgers for the villages of
three townships of 郫都区, imported, submitted and countersigned through the same operations staff
use, on past dates (a frozen clock), so charts, comparisons and anomalies mean something.

The townships' 农经站 keeps the villages' books (村账乡管): one accountant per township imports,
one 民主理财小组 reviewer per township countersigns. Deterministic (seeded by the site code) and
idempotent: a village that already has ledger periods is left alone.
"""

from __future__ import annotations

import csv
import hashlib
import io
import random
from collections.abc import Iterator
from datetime import date, timedelta

from flask import current_app

from portal.accounts import operations as account_ops
from portal.accounts.models import RoleGrant, User
from portal.core.clock import frozen, shanghai_noon
from portal.extensions import db
from portal.finance import operations as ops
from portal.finance import periods
from portal.finance.benefit_demo import load_benefits
from portal.finance.fund_demo import load_funds
from portal.finance.models import LedgerPeriod
from portal.finance.register_demo import load_registers
from portal.finance.template import HEADERS
from portal.sites.models import Site

# (township code, accountant mobile, reviewer mobile)
TOWNSHIPS = [("510117005000", "13802000051", "13802000052"),  # 红光街道
             ("510117009000", "13802000091", "13802000092"),  # 团结街道
             ("510117106000", "13802001061", "13802001062")]  # 三道堰镇
QUARTERS = [(2025, 3), (2025, 4), (2026, 1), (2026, 2), (2026, 3)]
# The last village of the first two townships has many transactions: from July 2026 the township
# has it publish monthly (村民委员会组织法 art. 30), so its books change from quarters to months.
HEAVY_TOWNSHIPS = 2
HEAVY_FROM = (2026, 3)  # the quarter from which it is split into months
HEAVY_MONTHS = [(2026, 7), (2026, 8), (2026, 9), (2026, 10)]
PEOPLE = ["王建华", "李秀兰", "张国强", "刘桂芳", "陈志明", "杨淑珍", "黄德福", "赵玉梅", "周永红",
          "吴文军"]
SHOPS = ["郫都区{t}文具店", "成都{t}建材有限公司", "郫都区{t}农资经营部", "国网成都供电公司",
         "成都市自来水有限责任公司", "郫都区{t}印务社", "四川{t}建设工程有限公司"]
FUNDS = [("高标准农田建设补助（区级）", "三组至五组高标准农田沟渠整治"),
         ("人居环境整治以奖代补资金（市级）", "院落垃圾分类亭和污水管网维修"),
         ("村级公益事业建设一事一议财政奖补（省级）", "村道硬化及路灯安装")]


def _rng(*parts) -> random.Random:
    seed = hashlib.sha256("|".join(map(str, parts)).encode()).hexdigest()[:16]
    return random.Random(int(seed, 16))  # noqa: S311  (deterministic demo data, not security)


def _day(rng: random.Random, y: int, m: int) -> date:
    return date(y, m, rng.randint(1, 28))


def _quarter_rows(site: Site, town: str, y: int, q: int, opening: int,
                  rng: random.Random) -> tuple[list[list], int]:
    """One quarter's journal as template rows; returns the rows and the closing balance."""
    months = [3 * q - 2, 3 * q - 1, 3 * q]
    size = rng.uniform(0.7, 1.6)  # some villages have much bigger books than others
    lines: list[tuple] = []  # (day, code, name, summary, income, expense, counterparty, how, fund)

    def fen(lo, hi):
        return int(rng.randint(lo, hi) * size) * 100 + rng.choice((0, 0, 50))

    shop = lambda: rng.choice(SHOPS).format(t=town[:2])  # noqa: E731
    lines.append((_day(rng, y, months[0]), "522", "补助收入",
                  f"收到{town}财政所拨付{y}年第{q}季度村级组织运转经费", fen(36000, 48000), 0,
                  f"{town}财政所", "转账", ""))
    if q == 1:
        for _n in range(rng.randint(2, 4)):
            mu = rng.randint(5, 30)
            lines.append((_day(rng, y, rng.choice(months)), "511", "发包及上交收入",
                          f"收机动地承包费（{mu}亩，{y}年度）", mu * 1000 * 100, 0,
                          rng.choice(PEOPLE), "转账", ""))
    for m in months:
        lines.append((_day(rng, y, m), "511", "发包及上交收入", f"收集体厂房租金（{m}月）",
                      fen(3000, 9000), 0, f"成都{town[:2]}食品有限公司", "转账", ""))
    if rng.random() < 0.6:
        for m in months:
            lines.append((_day(rng, y, m), "501", "经营收入", "村集体经济合作社农产品销售收入",
                          fen(8000, 30000), 0, "郫都区农产品批发市场", "转账", ""))
            lines.append((_day(rng, y, m), "502", "经营支出", "合作社种苗、农资采购",
                          0, fen(4000, 15000), shop(), "转账", ""))
    if q == 1:
        lines.append((_day(rng, y, 3), "561", "投资收益", f"收到{town}农村集体经济联合社入股分红",
                      fen(5000, 20000), 0, f"{town}农村集体经济联合社", "转账", ""))
    if rng.random() < 0.4:
        lines.append((_day(rng, y, rng.choice(months)), "531", "其他收入", "废旧物资变卖收入",
                      fen(200, 1500), 0, "", "现金", ""))
    fund, purpose = FUNDS[(q + int(site.code[-2:])) % len(FUNDS)]
    if rng.random() < 0.45:
        grant = fen(50000, 150000)
        lines.append((_day(rng, y, months[0]), "522", "补助收入", f"收到{fund}", grant, 0,
                      "郫都区财政局", "转账", fund))
        spent = grant * rng.randint(40, 100) // 100
        lines.append((_day(rng, y, months[2]), "55101", "公益事业支出", f"{purpose}工程款",
                      0, spent, shop(), "转账", fund))
    cadres = rng.randint(5, 7)
    for m in months:
        lines.append((_day(rng, y, m), "54101", "干部报酬", f"发放{m}月村干部基本报酬（{cadres}人）",
                      0, cadres * rng.randint(2400, 2800) * 100, "村两委干部", "转账", ""))
        lines.append((_day(rng, y, m), "54104", "村级组织运转经费", f"党群服务中心{m}月水电费",
                      0, fen(600, 1800), "国网成都供电公司", "转账", ""))
        for _n in range(rng.randint(1, 3)):
            lines.append((_day(rng, y, m), "54102", "办公费", "购买办公用品及打印耗材", 0,
                          fen(150, 1200), shop(), rng.choice(("转账", "转账", "现金")), ""))
    if rng.random() < 0.5:
        lines.append((_day(rng, y, rng.choice(months)), "54103", "招待费",
                      "接待区农业农村局检查工作误餐", 0, fen(200, 800), shop(), "转账", ""))
    if rng.random() < 0.5:
        lines.append((_day(rng, y, rng.choice(months)), "55101", "公益事业支出",
                      "慰问困难党员和老人", 0, fen(1500, 6000), "困难党员和老人", "现金", ""))
    if rng.random() < 0.15:  # now and then, a large cash payment for the anomaly list
        lines.append((_day(rng, y, rng.choice(months)), "551", "其他支出",
                      "支付临时用工工资", 0, fen(5200, 9000), rng.choice(PEOPLE), "现金", ""))
    lines.sort(key=lambda ln: (ln[0], ln[1]))
    rows = [[f"{y}-{months[0]:02d}-01", "", "", "", "期初余额", "", "", _yuan(opening), "", "",
             ""]]
    balance = opening
    for n, (day, code, name, summary, income, expense, other, how, fnd) in enumerate(lines, 1):
        voucher = "" if rng.random() < 0.02 else f"记-{n:03d}"
        balance += income - expense
        rows.append([day.isoformat(), voucher, code, name, summary,
                     _yuan(income) if income else "", _yuan(expense) if expense else "", "",
                     other, how, fnd])
    last = date(y, months[2] + 1, 1) - timedelta(days=1) if months[2] < 12 else date(y, 12, 31)
    rows.append([last.isoformat(), "", "", "", "期末余额", "", "", _yuan(balance), "", "", ""])
    return rows, balance


def _months_of(rows: list[list], opening: int) -> list[tuple[int, list[list], int]]:
    """A quarter's journal split into its months: (month, rows, closing balance) each."""
    header_day, entries = rows[0][0], rows[1:-1]
    year, out, balance = int(header_day[:4]), [], opening
    for month in sorted({int(r[0][5:7]) for r in entries}):
        mine = [r for r in entries if int(r[0][5:7]) == month]
        closing = balance + sum(_fen(r[5]) - _fen(r[6]) for r in mine)
        last = (date(year + month // 12, month % 12 + 1, 1) - timedelta(days=1)).isoformat()
        out.append((month, [[f"{year}-{month:02d}-01", "", "", "", "期初余额", "", "",
                             _yuan(balance), "", "", ""], *mine,
                            [last, "", "", "", "期末余额", "", "", _yuan(closing), "", "", ""]],
                    closing))
        balance = closing
    return out


def _fen(text: str) -> int:
    if not text:
        return 0
    whole, _dot, cents = text.partition(".")
    return int(whole) * 100 + int((cents + "00")[:2])


def _schedule(site: Site, town: str, rng: random.Random, balance: int, heavy: bool):
    """(period key, rows, closing, first day after the period) for each demo period."""
    for y, q in QUARTERS:
        rows, closing = _quarter_rows(site, town, y, q, balance, rng)
        if heavy and (y, q) >= HEAVY_FROM:
            break
        end_month = 3 * q + 1
        yield f"{y}-Q{q}", rows, closing, date(y + (end_month > 12), (end_month - 1) % 12 + 1, 1)
        balance = closing
    if not heavy:
        return
    wanted = dict.fromkeys(HEAVY_MONTHS)
    for q in (3, 4):
        rows, _closing = _quarter_rows(site, town, 2026, q, balance, rng)
        for month, month_rows, closing in _months_of(rows, balance):
            if (2026, month) not in wanted:
                return
            yield (f"2026-{month:02d}", month_rows, closing,
                   date(2026 + month // 12, month % 12 + 1, 1))
            balance = closing


def _yuan(fen: int) -> str:
    return f"{fen // 100}.{fen % 100:02d}"


def _csv(rows) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(HEADERS)
    writer.writerows(rows)
    return buffer.getvalue().encode("utf-8")


def _staff(township: Site, mobile: str, name: str, role: str, password_hash: str) -> User:
    user = db.session.scalar(db.select(User).where(User.mobile == mobile))
    if user is None:
        user = User(mobile=mobile, password_hash=password_hash, display_name=name)
        db.session.add(user)
        db.session.flush()
    if not db.session.scalar(db.select(RoleGrant.id).where(
            RoleGrant.user_id == user.id, RoleGrant.site_id == township.id,
            RoleGrant.role == role)):
        db.session.add(RoleGrant(user_id=user.id, site_id=township.id, role=role))
    return user


def load_finance() -> Iterator[str]:
    """Import and publish the demo books; yields a summary line."""
    password_hash = account_ops.hash_password(current_app.config["DEMO_PASSWORD"])
    statements = entries = 0
    accountants, reviewers = {}, {}
    for code, accountant_mobile, reviewer_mobile in TOWNSHIPS:
        township = Site.by_code(code)
        if township is None:
            continue
        town = township.short_name
        accountant = _staff(township, accountant_mobile, f"{town}农经站会计", "publisher",
                            password_hash)
        reviewer = _staff(township, reviewer_mobile, f"{town}民主理财监督小组", "finance_reviewer",
                          password_hash)
        db.session.commit()
        accountants[code], reviewers[code] = accountant, reviewer
        villages = db.session.scalars(db.select(Site).where(
            township.subtree(), Site.level == "village").order_by(Site.code)).all()
        heavy_code = villages[-1].code if villages and len(accountants) <= HEAVY_TOWNSHIPS \
            else None
        for site in villages:
            if db.session.scalar(db.select(LedgerPeriod.id).where(LedgerPeriod.site_id == site.id)
                                 .limit(1)):
                continue
            rng = _rng("finance-demo", site.code)
            balance = rng.randint(80_000, 600_000) * 100
            punctual = rng.uniform(0.5, 1.0)
            heavy = site.code == heavy_code
            for key, rows, _closing, due in _schedule(site, town, rng, balance, heavy):
                if heavy and not site.finance_heavy and "Q" not in key:
                    admin = _staff(township, accountant_mobile[:-1] + "0", f"{town}党政办",
                                   "site_admin", password_hash)
                    with frozen(shanghai_noon(date(2026, 6, 25))):
                        periods.set_finance_heavy(admin, site, True,
                                                  f"{town}党工委2026年第6次会议纪要：集体财务往来较多，自7月起按月公开")
                late = rng.random() > punctual
                day = due + timedelta(days=rng.randint(25, 45) if late else rng.randint(3, 17))
                moment = shanghai_noon(day) - timedelta(hours=rng.randint(1, 3))
                with frozen(moment):
                    revision = ops.import_ledger(accountant, site, key, "明细账.csv", _csv(rows))
                    ops.submit_statement(accountant, site, revision)
                with frozen(moment + timedelta(hours=rng.randint(2, 20))):
                    ops.countersign_statement(reviewer, site, revision)
                statements += 1
                entries += revision.entry_count
            db.session.commit()
    yield (f"demo finance: {statements} statements with {entries} ledger entries "
           f"imported and countersigned (townships {', '.join(t[0][:9] for t in TOWNSHIPS)}; "
           f"农经站会计 {', '.join(t[1] for t in TOWNSHIPS)}, 民主理财 "
           f"{', '.join(t[2] for t in TOWNSHIPS)})")
    yield from load_funds(list(accountants), accountants, _rng, dict(FUNDS))
    yield from load_registers(list(accountants), accountants, reviewers, _rng)
    yield from load_benefits(list(accountants), accountants, reviewers, _rng)
