"""A deterministic generator of realistic Chinese village-affairs disclosures for the search bench.

Nothing is checked in as data: document `i` is made from `random.Random(SEED, i)` alone, so any
document can be made again on its own (a build streams them; nothing holds the corpus in memory)
and every run, on any machine, indexes the same text.

* Sites: the real Chengdu tree shipped with the portal (portal/data/divisions/chengdu: 1 city,
  20 districts, 261 townships, 3,047 villages and communities), 12-digit codes whose subtree is a
  prefix. Villages publish about 88 % of the documents, townships 8 %, districts 3.5 %, the city
  the rest.
* Categories: the shipped standard (content_standards/2026.1/categories.csv), only those the
  site's level publishes, weighted towards what villages publish most (quarterly finance, 低保,
  宅基地, 一事一议, decisions, subsidies, tenders, leases); policies and notices from above apply
  downward as the standard says.
* Text: titles and bodies from templates per kind of disclosure with varied numbers, masked
  names (张**), groups, projects, companies and amounts; bodies of 200 to 2,000 characters
  (log-uniform); dates from 2024-01-01 to 2026-11-23.

`raw_doc(i)` gives the plain text (what an editor typed), `index_doc(raw)` the IndexDoc the portal
would index (title, body and place names through portal.search.analysis.index_text), and
`queries(n)` the query set.
"""

from __future__ import annotations

import csv
import math
import random
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cache
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DIVISIONS = ROOT / "portal" / "data" / "divisions" / "chengdu"
CATEGORIES = ROOT / "content_standards" / "2026.1" / "categories.csv"
SEED = 20261123
START = datetime(2024, 1, 1)
DAYS = (datetime(2026, 11, 23) - START).days
LEVEL_LETTER = {"city": "C", "district": "D", "township": "T", "village": "V"}
LEVEL_SHARE = (("village", 0.88), ("township", 0.08), ("district", 0.035), ("city", 0.005))

SURNAMES = ("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶"
            "程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛")
GIVEN = "明华国建军平志强文伟芳秀英兰玉珍桂丽红霞德福光春海清云凤德成永兴"
PROJECTS = ("村组道路硬化", "灌溉渠系维修", "太阳能路灯安装", "河道清淤", "文化广场建设", "安全饮水管网改造",
            "便民桥修建", "垃圾分类收集点建设", "高标准农田配套", "生产便道修缮", "山坪塘整治",
            "党群服务中心改造", "村卫生室修缮", "排洪沟清理", "公厕改造", "院落微更新", "机耕道拓宽",
            "防护栏安装", "污水管网建设", "健身器材安装")
ASSETS = ("集体厂房", "临街门面", "集体鱼塘", "集体林地", "机动地", "闲置村小校舍", "农机库房",
          "集体建设用地", "冷链仓储用房", "晒坝", "果园", "苗圃")
COMPANY_WORDS = ("蜀兴", "锦程", "天府", "川西", "鑫源", "宏达", "华建", "金穗", "绿野", "荣盛", "顺达",
                 "恒信", "利民", "丰泽", "众诚", "德润")
COMPANY_KINDS = ("建筑工程有限公司", "农业开发有限公司", "市政工程有限公司", "园林绿化有限公司",
                 "水利工程有限公司", "农业专业合作社", "物业管理有限公司", "劳务有限公司")
CROPS = ("水稻", "小麦", "油菜", "玉米", "大豆", "猕猴桃", "柑橘", "蔬菜", "茶叶", "生猪")
SUBSIDIES = ("耕地地力保护补贴", "稻谷目标价格补贴", "种粮一次性补贴", "农机购置补贴", "生态公益林补偿",
             "耕地保护基金", "农业保险保费补贴", "高龄津贴", "困难残疾人生活补贴", "重度残疾人护理补贴")
REASONS = ("因病致贫", "因残致贫", "缺乏劳动力", "家庭成员重病", "意外事故", "子女就学负担重",
           "年老体弱无固定收入", "突发火灾", "自然灾害受损")
BOILERPLATE = (
    "根据《中华人民共和国村民委员会组织法》和村务公开有关规定，现将有关情况公示如下。",
    "本次公开内容经村务监督委员会审核，民主理财小组签字确认。",
    "严格按照“四议两公开”工作法，经村党组织提议、村“两委”会议商议、党员大会审议、村民代表会议决议。",
    "群众如有异议，请在公示期内向村务监督委员会或街道（镇）纪工委反映。",
    "各村民小组要将公示内容张贴到院落公示栏，确保群众知晓。",
    "村集体经济组织按照财务管理制度规范收支，做到账目清楚、手续完备。",
    "本公示同时在村务公开栏和“阳光村务”平台发布，接受广大村民监督。",
    "资金实行专户管理、专款专用，任何单位和个人不得截留、挤占、挪用。",
    "对公示中发现的问题，将及时核查并在下一期公开中说明处理结果。",
    "请符合条件的农户携带身份证、户口簿、银行卡到村便民服务室办理。",
    "经入户调查、邻里访问和信息比对，拟确认以下对象，现予以公示。",
    "为进一步规范集体资产资源管理，增加集体经济收入，经村民代表会议讨论通过。",
    "项目实施过程中，村务监督委员会全程参与监督，确保工程质量和资金安全。",
    "如对补贴面积、金额有异议的，请于公示期内向所在村民小组长或村委会提出。",
    "按照动态管理要求，对已不符合条件的对象予以退出，对新增对象予以公示。",
    "本方案自村民代表会议通过之日起执行，未尽事宜由村“两委”研究决定。",
    "各级干部要认真学习领会文件精神，结合本地实际抓好贯彻落实。",
    "低保审核确认实行“一门受理、协同办理”，申请人可向户籍所在地街道（镇）提出申请。",
    "宅基地申请坚持“一户一宅”，面积不得超过规定标准，禁止占用永久基本农田。",
    "所需资金按照“谁受益、谁负担”的原则，由受益农户筹资筹劳，上级财政给予奖补。",
)


@dataclass
class Site:
    """One site of the tree."""

    code: str
    name: str
    short: str
    level: str
    chain: list[Site]  # ancestors and the site, top down


@dataclass
class RawDoc:
    """A document as an editor wrote it."""

    n: int
    site: Site
    category: str
    downward: bool
    title: str
    body: str
    publisher: str
    published: datetime
    year: int


def _short(name: str) -> str:
    from portal.sites.names import short_name

    return short_name(name)


@cache
def sites() -> dict[str, list[Site]]:
    """The Chengdu tree, by level."""
    def rows(name):
        with open(DIVISIONS / name, encoding="utf-8") as f:
            return list(csv.DictReader(f))

    by_code: dict[str, Site] = {}
    out: dict[str, list[Site]] = {level: [] for level in LEVEL_LETTER}
    for level, name, parent_key in (("city", "cities.csv", None), ("district", "areas.csv", "cityCode"),
                                    ("township", "streets.csv", "areaCode"),
                                    ("village", "villages.csv", "streetCode")):
        for row in rows(name):
            parent = by_code[row[parent_key].ljust(12, "0")] if parent_key else None
            site = Site(code=row["code"].ljust(12, "0"), name=row["name"], short=_short(row["name"]),
                        level=level, chain=[])
            site.chain = [*(parent.chain if parent else []), site]
            by_code[site.code] = site
            out[level].append(site)
    return out


@cache
def below() -> dict[str, list[str]]:
    """Codes of every site below each site, in code order (IndexDoc.below of downward items)."""
    out: dict[str, list[str]] = {}
    for level in ("district", "township", "village"):
        for site in sites()[level]:
            for above in site.chain[:-1]:
                out.setdefault(above.code, []).append(site.code)
    return {code: sorted(codes) for code, codes in out.items()}


def site_names() -> set[str]:
    """Every full and short name, for the segmenter (the portal adds them from its database)."""
    return {n for level in sites().values() for s in level for n in (s.name, s.short)}


@cache
def categories() -> dict[str, tuple[list[str], list[float], dict[str, bool]]]:
    """Per level: category codes, their weights, and whether each applies downward."""
    with open(CATEGORIES, encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    out = {}
    for level, letter in LEVEL_LETTER.items():
        codes, weights, downward = [], [], {}
        for row in rows:
            if letter in row["levels"]:
                codes.append(row["code"])
                weights.append(_weight(row["code"], level))
                downward[row["code"]] = row["downward"] == "yes"
        out[level] = (codes, weights, downward)
    return out


@cache
def category_names() -> dict[str, str]:
    """Category code -> name."""
    with open(CATEGORIES, encoding="utf-8") as f:
        return {row["code"]: row["name"] for row in csv.DictReader(f)}


def _weight(code: str, level: str) -> float:
    """How often a category is published, relative to the rest."""
    if level == "village":
        if code[:3] in ("B02", "B03"):
            return 12.0
        heavy = {"A07.02": 10, "A07.03": 14, "A09.02": 10, "A09.08": 8, "B08.04": 8, "A04.02": 9,
                 "A04.03": 8, "A04.10": 6, "B09.02": 8, "B09.07": 8, "A09.07": 6, "B08.03": 6,
                 "B08.02": 7, "B01.01": 5, "B01.03": 5, "A07.05": 6, "B08.06": 6, "A07.04": 5}
        return float(heavy.get(code, 1))
    if code in ("A11.02", "A11.10", "A07.01", "B09.01", "A12.01"):
        return 10.0
    if code in ("A07.03", "A07.02", "A09.02", "B09.02", "A07.05"):
        return 5.0
    return 1.0


@cache
def _site_pick() -> dict[str, tuple[list[Site], list[float]]]:
    """Sites per level with cumulative weights (some villages publish far more than others)."""
    out = {}
    for level, members in sites().items():
        rng = random.Random(f"{SEED}-{level}")
        weights, total = [], 0.0
        for _site in members:
            total += rng.uniform(0.3, 2.0)
            weights.append(total)
        out[level] = (members, weights)
    return out


def _pick_level(rng: random.Random) -> str:
    x = rng.random()
    for level, share in LEVEL_SHARE:
        if x < share:
            return level
        x -= share
    return "city"


def person(rng: random.Random) -> str:
    """A masked name as the privacy guard shows it: 张** or 张*明."""
    surname = rng.choice(SURNAMES)
    return surname + ("**" if rng.random() < 0.6 else "*" + rng.choice(GIVEN))


def money(rng: random.Random, low: int, high: int) -> str:
    value = rng.uniform(low, high)
    return f"{value:,.2f}" if rng.random() < 0.5 else f"{int(value)}"


def company(rng: random.Random, site: Site) -> str:
    city = site.chain[1].short if len(site.chain) > 1 else "成都"
    return f"{city}{rng.choice(COMPANY_WORDS)}{rng.choice(COMPANY_KINDS)}"


def _quarter(d: datetime) -> int:
    return (d.month - 1) // 3 + 1


QUARTER_NAMES = "一二三四"


def _title(rng: random.Random, code: str, site: Site, day: datetime, ctx: dict) -> str:
    """A title like those on real 村务公开 boards."""
    y, q, m = ctx["year"], ctx["quarter"], day.month
    s = site.short
    qn = QUARTER_NAMES[q - 1]
    group = code[:3]
    options = {
        "B02": [f"{s}{y}年第{qn}季度财务收支明细公开", f"{y}年第{qn}季度村级财务收入明细表",
                f"{s}{y}年{m}月财务收支公开"],
        "B03": [f"{s}{y}年第{qn}季度财务支出明细公开", f"{y}年{m}月村级组织运转经费支出情况",
                f"{s}{y}年第{qn}季度管理费用支出公开"],
        "B01": [f"{s}{y}年度财务收支计划", f"{s}{y}年度财务预算执行情况（决算）公开"],
        "B04": [f"{s}{y}年第{qn}季度货币资金及固定资产公开"],
        "B05": [f"{s}集体资源登记情况公开（{y}年）"],
        "B06": [f"{s}{y}年债权债务情况公开"],
        "B07": [f"{s}{y}年度集体收益分配方案公示"],
        "B10": [f"{s}集体经济组织{rng.choice(['成员名册', '章程修订', '成员大会决议'])}公示"],
        "B11": [f"{rng.choice(CROPS)}{rng.choice(['病虫害防治技术要点', '春耕生产指导意见', '市场价格信息'])}"],
        "B12": [f"{s}{rng.choice(['志愿服务活动', '邻里互助', '失物招领', '停水通知'])}（{m}月）"],
        "A01": [f"{s}“两委”班子成员分工公示", f"{s}村民小组长及村民代表名单", f"{s}基本概况"],
        "A02": [f"{s}党支部{y}年度发展党员公示", f"{s}党费收缴使用情况公开", f"{s}{y}年主题党日活动安排"],
        "A03": [f"{s}村民委员会换届选举选民名单公告", f"{s}第{rng.randint(1, 12)}届村民委员会选举结果公告"],
        "A05": [f"{s}村规民约（{y}年修订）", f"{s}村级财务管理制度", f"{s}村民自治章程"],
        "A06": [f"{s}{y}年度民主评议村干部结果公示", f"{s}村务监督委员会{y}年第{qn}季度监督情况报告",
                f"关于{s}{rng.choice(PROJECTS)}问题整改情况的通报"],
        "A08": [f"{y}年城乡居民基本医疗保险参保缴费通知", f"{y}年学生资助对象公示", f"{s}高龄老人体检通知"],
        "A10": [f"{s}{y}年防汛抗旱应急预案", f"{s}地质灾害隐患点监测责任人公示", f"{y}年{m}月安全生产检查情况"],
        "A12": [f"{s}便民服务事项办事指南", f"{s}代办事项清单（{y}年版）"],
        "A13": [f"{s}耕地保护基金发放名单公示（{y}年）", f"{s}农村产权确权颁证情况公示"],
    }
    specific = {
        "A07.01": [f"{ctx['district']}{y}年最低生活保障标准调整的通知", f"{ctx['issuer']}低保办事指南"],
        "A07.02": [f"{s}{y}年{m}月低保拟确认对象公示", f"{ctx['issuer']}{y}年第{qn}季度低保新增对象公示"],
        "A07.03": [f"{s}{y}年{m}月低保对象名单公示", f"{s}最低生活保障对象动态管理名单（{y}年第{qn}季度）"],
        "A07.04": [f"{s}{y}年特困供养人员名单公示", f"{s}五保户供养情况公示"],
        "A07.05": [f"{s}{y}年{m}月临时救助对象及金额公示"],
        "A09.02": [f"{s}{y}年第{rng.randint(1, 9)}批宅基地审批结果公示", f"{s}宅基地使用申请公示（{y}年{m}月）"],
        "A09.07": [f"{s}{ctx['project']}项目招投标结果公示", f"{s}{ctx['project']}项目竣工验收公示"],
        "A09.08": [f"{s}{y}年{ctx['project']}一事一议筹资筹劳方案", f"关于{ctx['project']}一事一议筹资筹劳的公示"],
        "A09.03": [f"{s}{y}年农村危房改造对象公示"],
        "A04.02": [f"{s}村民代表会议决议（{y}年第{rng.randint(1, 12)}次）",
                   f"关于{ctx['project']}的村民代表会议决议"],
        "A04.03": [f"{s}{y}年村民代表会议决定事项实施情况公开"],
        "A04.10": [f"{s}村民会议决定（{y}年{m}月）"],
        "B08.02": [f"{s}{ctx['asset']}出租合同公示", f"{s}{ctx['asset']}租赁公开招租结果公示"],
        "B08.03": [f"{s}{ctx['project']}工程项目招投标公告", f"{s}{ctx['project']}工程预决算公开"],
        "B08.04": [f"{s}{y}年一事一议筹资筹劳及使用情况公开"],
        "B08.06": [f"{s}{y}年第{qn}季度民主理财小组审核意见"],
        "B09.01": [f"{ctx['issuer']}{y}年惠农补贴政策清单", f"{y}年强农惠农富农政策清单"],
        "B09.02": [f"{s}{y}年耕地地力保护补贴发放公示", f"{s}{y}年惠农补贴发放明细"],
        "B09.07": [f"{s}{y}年{m}月惠民惠农“一卡通”补贴发放明细"],
        "A11.02": [f"关于印发《{ctx['issuer']}{y}年{rng.choice(['农村低保提标工作实施方案', '宅基地管理办法', '村级公益事业建设一事一议财政奖补办法', '集体资产管理办法', '人居环境整治工作方案'])}》的通知",
                   f"{ctx['issuer']}关于进一步规范村务公开工作的意见（{y}）"],
        "A11.10": [f"{ctx['issuer']}关于{rng.choice(['开展春季森林防火', '做好防汛备汛', '城乡居民医保集中参保', '秋收秋种', '冬季安全生产大检查'])}工作的通知"],
        "A11.04": [f"{ctx['issuer']}{y}年财政预算公开", f"{ctx['issuer']}{y - 1}年财政决算公开"],
    }
    pool = specific.get(code) or options.get(group) or [f"{s}{ctx['category_name']}（{y}年）"]
    return rng.choice(pool)


def _lines(rng: random.Random, code: str, site: Site, ctx: dict) -> str:
    """One unit of body text: an entry of a list or a sentence of the matter."""
    group = code[:3]
    s, y = site.short, ctx["year"]
    grp = f"{rng.randint(1, 12)}组"
    if code in ("A07.02", "A07.03", "A07.04", "A07.05"):
        kind = {"A07.04": "特困供养", "A07.05": "临时救助"}.get(code, "低保")
        return (f"{person(rng)}，{grp}，家庭人口{rng.randint(1, 6)}人，{rng.choice(REASONS)}，"
                f"{kind}金额{rng.randint(120, 900)}元/月。")
    if code in ("B09.02", "B09.07", "A13.02", "B09.04", "B09.05"):
        return (f"{person(rng)}，{grp}，{rng.choice(SUBSIDIES)}，面积{rng.uniform(0.3, 12):.2f}亩，"
                f"金额{money(rng, 50, 3000)}元。")
    if code == "A09.02":
        return (f"申请人{person(rng)}，{grp}，家庭人口{rng.randint(2, 7)}人，申请宅基地面积"
                f"{rng.randint(90, 150)}平方米，{rng.choice(['原址翻建', '新建', '改建'])}，审批结果：同意。")
    if group in ("B02", "B03", "B01", "B04"):
        what = rng.choice(["收到上级拨付村级组织运转经费", "收取集体资产租金", "支付村干部误工补贴",
                           "支付办公用品费", "收到一事一议财政奖补资金", f"支付{ctx['project']}工程款",
                           "支付环境卫生保洁费", "收到集体经济分红", "支付水电费"])
        return f"{rng.randint(1, 28)}日，{what}{money(rng, 200, 180000)}元，凭证号{rng.randint(1, 240)}。"
    if code in ("A09.07", "B08.03"):
        return (f"{ctx['project']}项目，预算金额{money(rng, 50000, 900000)}元，中标单位{company(rng, site)}，"
                f"中标价{money(rng, 40000, 880000)}元，工期{rng.randint(20, 180)}天。")
    if code in ("A09.08", "B08.04"):
        return (f"{grp}受益农户{rng.randint(20, 160)}户{rng.randint(60, 520)}人，每人筹资"
                f"{rng.randint(10, 30)}元，筹劳{rng.randint(1, 3)}个工日，财政奖补{money(rng, 20000, 300000)}元。")
    if code == "B08.02":
        return (f"{ctx['asset']}{rng.randint(1, 60)}亩（间），承租方{company(rng, site)}，租期"
                f"{rng.randint(1, 15)}年，年租金{money(rng, 5000, 260000)}元，租金每年{rng.randint(1, 12)}月底前缴清。")
    if group == "A04":
        return (f"会议应到村民代表{rng.randint(25, 60)}人，实到{rng.randint(20, 55)}人，审议通过"
                f"{ctx['project']}事项，同意票{rng.randint(18, 50)}票，决议有效。")
    if code in ("A11.02", "A11.10", "A07.01", "B09.01", "A12.01"):
        return rng.choice([
            f"各{rng.choice(['镇（街道）', '村（社区）'])}要高度重视，于{y}年{rng.randint(1, 12)}月底前完成。",
            f"城市低保标准调整为每人每月{rng.randint(700, 1100)}元，农村低保标准同步调整。",
            f"本办法由{ctx['issuer']}负责解释，自印发之日起施行。",
            f"补贴资金通过惠民惠农财政补贴资金“一卡通”直接发放到户，每亩补贴{rng.randint(80, 180)}元。",
            "申请人对审核结果有异议的，可在公示期内提出复核申请。",
        ])
    return f"{s}{grp}{person(rng)}反映的{rng.choice(PROJECTS)}问题已于{y}年{rng.randint(1, 12)}月办结。"


def raw_doc(n: int) -> RawDoc:
    """Document number n, always the same."""
    rng = random.Random(SEED * 10_000_019 + n)
    level = _pick_level(rng)
    members, cumulative = _site_pick()[level]
    site = rng.choices(members, cum_weights=cumulative)[0]
    codes, weights, downward = categories()[level]
    code = rng.choices(codes, weights=weights)[0]
    day = START + timedelta(days=rng.randrange(DAYS), hours=rng.randrange(1, 12),
                            minutes=rng.randrange(60))
    issuer = site.name if level != "village" else site.chain[2].name
    ctx = {"year": day.year, "quarter": _quarter(day), "project": rng.choice(PROJECTS),
           "asset": rng.choice(ASSETS), "issuer": issuer,
           "district": site.chain[1].name if len(site.chain) > 1 else site.name,
           "category_name": category_names()[code]}
    title = _title(rng, code, site, day, ctx)
    length = int(math.exp(rng.uniform(math.log(200), math.log(2000))))
    parts = [title + "。", rng.choice(BOILERPLATE)]
    size = sum(map(len, parts))
    while size < length:
        part = rng.choice(BOILERPLATE) if rng.random() < 0.2 else _lines(rng, code, site, ctx)
        parts.append(part)
        size += len(part)
    phone = f"028-{rng.randint(60000000, 89999999)}"
    closing = rng.random()
    if closing < 0.5:
        parts.append(f"公示期{rng.choice([5, 7, 10, 15])}天，监督电话：{phone}。")
    elif closing < 0.7:
        parts.append(f"公开时间：{day.month}月{day.day}日起{rng.choice([7, 10, 30])}日。")
    elif closing < 0.85:
        parts.append(f"如有疑问，请与便民服务站联系，电话：{phone}。")
    parts.append(f"{site.name} {day.year}年{day.month}月{day.day}日")
    body = "\n".join(parts)[:2000]
    publisher = site.chain[2].code if level == "village" and rng.random() < 0.2 else site.code
    return RawDoc(n=n, site=site, category=code, downward=downward[code], title=title, body=body,
                  publisher=publisher, published=day - timedelta(hours=8), year=day.year)


def index_doc(raw: RawDoc, doc_id: str | None = None):
    """The IndexDoc the portal builds for it (portal.search.documents.build_doc, minus the database)."""
    from portal.search.analysis import index_text
    from portal.search.backends.base import IndexDoc

    places = " ".join(name for s in raw.site.chain for name in {s.name, s.short})
    return IndexDoc(
        id=doc_id or f"item:{raw.n + 1}", revision=raw.n + 1, site=raw.site.code,
        scope=[s.code for s in raw.site.chain], downward=raw.downward,
        title=index_text(raw.title), body=index_text(raw.body), places=index_text(places),
        part=raw.category[0], major=raw.category[:3], category=raw.category,
        level=raw.site.level, year=raw.year, publisher=raw.publisher, published=raw.published,
        below=below().get(raw.site.code, []) if raw.downward else [])


def prepare_segmenter() -> None:
    """Teach the segmenter the site names, as the portal's search service does."""
    from portal.search.analysis import segmenter

    segmenter().add_words(site_names())


FIXED_QUERIES = (
    "低保 公示", "宅基地 审批", "2024 财务", "一事一议", "合同", "低保", "最低生活保障", "五保",
    "特困供养", "惠农补贴", "耕地地力保护补贴", "宅基地", "财务收支", "2025年第二季度 财务",
    "2024年第三季度财务收支明细", "低保对象名单", "村民代表会议决议", "招投标", "中标单位",
    "出租合同", "集体资产 出租", "一事一议 筹资筹劳", "道路硬化", "路灯", "临时救助", "危房改造",
    "民主理财小组 审核意见", "监委会", "村务监督委员会", "政策文件", "低保 标准", "防汛",
    "党费", "选举结果", "村规民约", "高龄津贴", "残疾人 补贴", "医保 参保", "集体经济 分红",
    "租金", "2026 低保", "2023 财务", "宅基地 2025", "一卡通", "猕猴桃", "管理费用", "误工补贴",
    "公示期", "监督电话", "整改", "垃圾分类", "安全饮水", "河道清淤", "村卫生室", "通知",
)


def queries(count: int = 200) -> list[str]:
    """The query set: common phrases, then place names with a topic, topics with a year."""
    rng = random.Random(f"{SEED}-queries")
    out = list(FIXED_QUERIES[:count])
    villages = sites()["village"]
    townships = sites()["township"]
    topics = ("低保", "宅基地", "财务", "一事一议", "合同", "惠农补贴", "招投标", "决议", "公示", "补贴",
              "选举", "救助", "道路", "租赁")
    while len(out) < count:
        kind = rng.random()
        if kind < 0.4:
            out.append(f"{rng.choice(villages).short} {rng.choice(topics)}")
        elif kind < 0.55:
            out.append(f"{rng.choice(townships).short} {rng.choice(topics)}")
        elif kind < 0.75:
            out.append(f"{rng.randint(2024, 2026)}年 {rng.choice(topics)}")
        elif kind < 0.9:
            out.append(f"{rng.choice(PROJECTS)}")
        else:
            out.append(f"{rng.choice(COMPANY_WORDS)} {rng.choice(['中标', '租赁', '工程'])}")
    return out[:count]


def scopes(count: int) -> tuple[list[Site], list[Site]]:
    """Townships and villages to scope the queries to, one of each per query."""
    rng = random.Random(f"{SEED}-scopes")
    return ([rng.choice(sites()["township"]) for _ in range(count)],
            [rng.choice(sites()["village"]) for _ in range(count)])
