"""The chart of accounts (会计科目) of a village collective and the columns of an import.

Codes and names follow 村集体经济组织会计制度 (财会〔2004〕12号). Second-level accounts (five
digits) name the expense lines the standard's finance categories publish separately; the mapping of
each account to a leaf of B02 (收入) or B03 (支出) is this portal's, so that one imported ledger
feeds the 财务公开 statements the standard requires.
"""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class Account:
    code: str
    name: str
    kind: str  # income, expense, or flow (assets, liabilities, equity moving through cash)
    category: str | None  # the standard's leaf the account is published under


_ROWS = [
    ("101", "现金", "flow", None),
    ("102", "银行存款", "flow", None),
    ("111", "短期投资", "flow", None),
    ("112", "应收款", "flow", None),
    ("113", "内部往来", "flow", None),
    ("121", "库存物资", "flow", None),
    ("141", "长期投资", "flow", None),
    ("151", "固定资产", "flow", None),
    ("154", "在建工程", "flow", None),
    ("201", "短期借款", "flow", None),
    ("202", "应付款", "flow", None),
    ("211", "应付工资", "flow", None),
    ("212", "应付福利费", "flow", None),
    ("221", "长期借款及应付款", "flow", None),
    ("231", "一事一议资金", "flow", None),
    ("301", "资本", "flow", None),
    ("311", "公积公益金", "flow", None),
    ("501", "经营收入", "income", "B02.01"),
    ("502", "经营支出", "expense", "B03.01"),
    ("511", "发包及上交收入", "income", "B02.02"),
    ("522", "补助收入", "income", "B02.04"),
    ("531", "其他收入", "income", "B02.05"),
    ("541", "管理费用", "expense", "B03.02"),
    ("54101", "干部报酬", "expense", "B03.02"),
    ("54102", "办公费", "expense", "B03.02"),
    ("54103", "招待费", "expense", "B03.02"),
    ("54104", "村级组织运转经费", "expense", "B03.04"),
    ("551", "其他支出", "expense", "B03.05"),
    ("55101", "公益事业支出", "expense", "B03.03"),
    ("561", "投资收益", "income", "B02.03"),
]
CHART: dict[str, Account] = {code: Account(code, name, kind, cat) for code, name, kind, cat in _ROWS}
BY_NAME: dict[str, Account] = {a.name: a for a in CHART.values()}

# Leaves of the standard a statement publishes, in the standard's order.
STATEMENT_CATEGORIES = ("B02.01", "B02.02", "B02.03", "B02.04", "B02.05",
                        "B03.01", "B03.02", "B03.03", "B03.04", "B03.05")


def find_account(code: str, name: str) -> tuple[Account | None, str | None]:
    """The account a row names by code, by name or both; a reason when none or they disagree."""
    code = (code or "").strip()
    if re.fullmatch(r"\d+\.0", code):  # a number cell read as 501.0
        code = code[:-2]
    name = re.sub(r"\s+", "", name or "")
    if "-" in name or "/" in name:  # "管理费用-办公费" or "管理费用/办公费": the last level counts
        name = re.split(r"[-/]", name)[-1]
    if code:
        account = CHART.get(code)
        if account is None:
            return None, "unknown_code"
        if name and name != account.name and BY_NAME.get(name) is not account:
            parent = CHART.get(code[:3])
            if not (parent and name == parent.name):
                return None, "mismatch"
        return account, None
    if name:
        account = BY_NAME.get(name)
        return (account, None) if account else (None, "unknown_name")
    return None, "missing"


# Column keys and the headers accountants commonly write for them (after normalise_header).
COLUMNS: dict[str, tuple[str, ...]] = {
    "date": ("日期", "记账日期", "凭证日期", "业务日期", "发生日期"),
    "voucher": ("凭证号", "凭证编号", "凭证字号", "记账凭证号", "凭证号码", "凭证"),
    "account_code": ("科目编码", "科目代码", "科目编号", "会计科目编码", "科目号"),
    "account_name": ("科目名称", "会计科目", "科目", "会计科目名称"),
    "summary": ("摘要", "事由", "业务摘要", "内容", "摘要说明"),
    "income": ("收入", "收入金额", "借方", "借方金额", "收入额", "收款"),
    "expense": ("支出", "支出金额", "贷方", "贷方金额", "支出额", "付款"),
    "balance": ("余额", "结余", "账面余额"),
    "counterparty": ("对方单位", "往来单位", "收付款人", "对方户名", "对方单位或个人",
                     "收款人或付款人", "收(付)款人", "收款单位", "付款单位", "对方"),
    "settlement": ("结算方式", "收付方式", "付款方式", "支付方式"),
    "fund": ("专项资金", "资金项目", "专项资金项目", "专项"),
}
REQUIRED = ("date", "summary", "income", "expense")
HEADER_LOOKUP = {alias: key for key, aliases in COLUMNS.items() for alias in aliases}

OPENING_WORDS = ("期初余额", "上期结转", "上季结转", "上月结转", "上年结转", "年初余额", "承上页")
CLOSING_WORDS = ("期末余额", "结转下期", "本期结余", "季末余额", "月末余额")
TOTAL_WORDS = ("本期合计", "本季合计", "本月合计", "本年累计", "合计")


def normalise_header(text) -> str:
    """A header cell compared loosely: no spaces, ASCII brackets, no unit suffix."""
    text = str(text or "")
    text = text.translate(str.maketrans("（）【】［］", "()[][]"))
    text = re.sub(r"\s+", "", text)
    text = re.sub(r"\((元|人民币元|单位:元|单位：元|亩|单位:亩|单位：亩)\)$", "", text)
    text = text.rstrip(":：*")
    return text


def match_headers(cells, lookup: dict[str, str] | None = None) -> dict[str, int]:
    """Column key -> index for a header row (the first matching alias wins for each key).

    `lookup` maps normalised headers to keys; the ledger's columns by default, a register's
    (portal/finance/registers.py) otherwise."""
    lookup = HEADER_LOOKUP if lookup is None else lookup
    found: dict[str, int] = {}
    for index, cell in enumerate(cells):
        key = lookup.get(normalise_header(cell))
        if key and key not in found:
            found[key] = index
    return found
