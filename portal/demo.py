"""The demo region: Chengdu's real tree with generated, plausible profiles and demo accounts.

Everything is deterministic (seeded by the site code) and idempotent: running it twice changes
nothing the second time.
"""

from __future__ import annotations

import hashlib
import random
from collections.abc import Iterator

from flask import current_app

from portal.accounts import operations as account_ops
from portal.accounts.models import Residency, RoleGrant, User
from portal.config import DIVISIONS_DIR
from portal.core.cache import bump_content_version
from portal.demo_content import load_content
from portal.extensions import db
from portal.finance.demo import load_finance
from portal.letterbox.demo import load_letters
from portal.sites.models import Site
from portal.sites.operations import import_paths
from portal.standards.models import current_version
from portal.standards.operations import ensure_loaded
from portal.voting.demo import load_voting

CITY = "510100000000"
DISTRICT = "510117000000"  # 郫都区
TOWNSHIP = "510117004000"  # 安德街道
VILLAGE = "510117004200"  # 安龙村
COMMUNITY = "510104017001"  # 水井坊社区 (锦江区)

# (mobile, name, [(site code, role), ...]); superadmin first.
ACCOUNTS = [
    ("13800000000", "系统管理员", []),
    ("13800000001", "成都市公开办 王敏", [(CITY, "site_admin"), (CITY, "publisher")]),
    ("13800000002", "郫都区民政局 陈志强", [(DISTRICT, "site_admin"), (DISTRICT, "publisher"),
                                           (DISTRICT, "letter_handler")]),
    ("13800000003", "安德街道党政办 刘芳", [(TOWNSHIP, "site_admin"), (TOWNSHIP, "publisher"),
                                           (TOWNSHIP, "letter_handler")]),
    ("13800000004", "安龙村村委会 赵德明", [(VILLAGE, "site_admin"), (VILLAGE, "publisher"),
                                           (VILLAGE, "letter_handler"), (VILLAGE, "poll_manager")]),
    ("13800000005", "安龙村监委会 周淑华", [(VILLAGE, "supervisor")]),
    ("13800000006", "安龙村民主理财小组 吴国庆", [(VILLAGE, "finance_reviewer")]),
    ("13800000007", "张秀英", []),
    ("13800000008", "李建国", []),
    ("13800000009", "水井坊社区居委会 黄丽", [(COMMUNITY, "site_admin"), (COMMUNITY, "publisher")]),
]
RESIDENTS = [
    ("13800000007", VILLAGE, "张秀英", "0312", False, None, "verified"),
    ("13800000008", VILLAGE, "李建国", "0147", True, "广东省深圳市宝安区", "pending"),
]

ROADS = ["人民路", "建设路", "望丛路", "犀浦大道", "团结路", "光明路", "安德大道", "红旗路",
         "育英路", "长安路", "文化路", "兴业路", "锦绣路", "迎宾路"]
FEATURES = {
    "village": ["以种植水稻、油菜和蔬菜为主", "发展川芎、郫县豆瓣原料辣椒种植", "建有农民专业合作社",
                "发展乡村旅游和农家乐", "推进高标准农田建设", "开展人居环境整治"],
    "community": ["辖区有老旧小区改造项目", "设有社区养老服务站", "建有社区党群服务中心",
                  "开展“一老一小”服务", "辖区商户较多", "推行网格化管理"],
}


def _rng(code: str) -> random.Random:
    return random.Random(int(hashlib.sha256(code.encode()).hexdigest()[:16], 16))


def _profile(site: Site, parent_name: str) -> dict:
    """A plausible office phone, address, population and introduction for one site."""
    rng = _rng(site.code)
    road = rng.choice(ROADS)
    number = rng.randint(1, 399)
    phone = f"028-{rng.choice('6788')}{rng.randint(1000000, 9999999)}"
    is_community = site.level == "village" and int(site.code[9:]) < 200
    if site.level == "village":
        population = rng.randint(6000, 18000) if is_community else rng.randint(1400, 5200)
        households = population // rng.randint(2, 3)
        kind = "community" if is_community else "village"
        groups = rng.randint(6, 15)
        features = "，".join(rng.sample(FEATURES[kind], 2))
        unit = "个居民小组" if is_community else "个村民小组"
        intro = (
            f"{site.short_name}隶属{parent_name}，辖{groups}{unit}，户籍人口{population}人、"
            f"{households}户。{features}。村(居)务公开栏设在党群服务中心一楼，每月20日前更新。"
        )
        address = f"{parent_name}{road}{number}号{site.short_name}党群服务中心"
    else:
        population = households = None
        intro = {
            "city": f"{site.name}基层公开服务平台，汇集全市区(市)县、乡镇(街道)和村(社区)的公开信息。",
            "district": f"{site.name}政务公开和村(居)务公开监督平台，受理群众来信，公布政策文件。",
            "township": f"{site.name}便民服务中心对外办公，代理辖区村(社区)会计核算，"
                        "督促指导村务公开。",
        }[site.level]
        address = f"{parent_name}{road}{number}号" if parent_name else f"{road}{number}号"
    return {"id": site.id, "phone": phone, "address": address, "population": population,
            "households": households, "intro": intro}


def load() -> Iterator[str]:
    """Load the demo region and yield lines for the console."""
    if Site.by_code(CITY) is None:
        folder = DIVISIONS_DIR / "chengdu"
        result = import_paths(sorted(folder.glob("*.csv")))
        db.session.commit()
        yield f"imported Chengdu: {result.created}"
    else:
        yield "Chengdu already imported"

    sites = db.session.scalars(db.select(Site).where(Site.phone.is_(None))).all()
    if sites:
        names = dict(db.session.execute(db.select(Site.id, Site.short_name)).all())
        rows = [_profile(s, names.get(s.parent_id, "")) for s in sites]
        db.session.execute(db.update(Site), rows)
        bump_content_version()
        db.session.commit()
        yield f"site profiles written: {len(rows)}"

    if current_version() is None:
        version = ensure_loaded()
        db.session.commit()
        if version is not None:
            yield f"content standard {version.version} loaded"

    password = current_app.config["DEMO_PASSWORD"]
    yield f"demo accounts (password {password}):"
    for mobile, name, grants in ACCOUNTS:
        user = db.session.scalar(db.select(User).where(User.mobile == mobile))
        if user is None:
            user = account_ops.register_user(mobile, password, name)
        if mobile == ACCOUNTS[0][0]:
            user.is_superadmin = True
        for code, role in grants:
            site = Site.by_code(code)
            held = db.session.scalar(db.select(RoleGrant.id).where(
                RoleGrant.user_id == user.id, RoleGrant.site_id == site.id, RoleGrant.role == role))
            if not held:
                db.session.add(RoleGrant(user_id=user.id, site_id=site.id, role=role))
        where = "; ".join(f"{Site.by_code(c).short_name} {r}" for c, r in grants) or (
            "superadmin" if user.is_superadmin else "resident")
        yield f"  {mobile}  {name}  [{where}]"
    for mobile, code, real_name, household, migrant, work_place, status in RESIDENTS:
        user = db.session.scalar(db.select(User).where(User.mobile == mobile))
        if db.session.scalar(db.select(Residency.id).where(Residency.user_id == user.id)):
            continue
        village = Site.by_code(code)
        residency = account_ops.apply_residency(user, village, {
            "real_name": real_name, "household_number": household,
            "is_migrant": migrant, "work_place": work_place})
        if status == "verified":
            admin = db.session.scalar(db.select(User).where(User.mobile == "13800000004"))
            account_ops.review_residency(admin, village, residency, True)
    db.session.commit()
    yield from load_content()
    yield from load_finance()
    yield from load_letters()
    yield from load_voting()
    yield "demo ready: http://127.0.0.1:5000/"
