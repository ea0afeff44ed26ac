"""The content standard: the shipped data, the validator, loading, code maps and the commands."""

import csv
import io
import shutil
from datetime import date
from pathlib import Path

import pytest

from portal.config import STANDARDS_DIR
from portal.core.audit import AuditEvent
from portal.extensions import db
from portal.standards.loader import (
    CSV_NAME,
    LEAF_COUNT,
    TOML_NAME,
    StandardFileError,
    newest_folder,
    read_standard,
    version_folders,
)
from portal.standards.models import (
    FREQUENCIES,
    KINDS,
    PRIVACY_CLASSES,
    Category,
    CategoryCodeMap,
    StandardVersion,
    categories_for_level,
    categories_of_kind,
    current_version,
    get_category,
    resolve,
    resolve_all,
)
from portal.standards.operations import ensure_loaded, load_version
from portal.standards.rules import parse_rule, period_due_date

SHIPPED = STANDARDS_DIR / "2026.1"
EXAMPLE = Path(__file__).parent / "data" / "standards" / "2026.2"


def leaf_rows(folder: Path = SHIPPED) -> list[dict]:
    return list(csv.DictReader(io.StringIO((folder / CSV_NAME).read_text(encoding="utf-8"))))


# ---------------------------------------------------------------- the shipped standard


def test_every_shipped_version_is_valid():
    folders = version_folders()
    assert SHIPPED in folders and newest_folder() == folders[-1]
    for folder in folders:
        assert len(read_standard(folder).leaves) == LEAF_COUNT


def test_shipped_standard_has_two_parts_and_169_valid_leaves():
    standard = read_standard(SHIPPED)
    leaves = standard.leaves
    assert len(leaves) == LEAF_COUNT == 169
    assert standard.parts == {"A": "公开服务", "B": "经济生活"}
    groups = [e for e in standard.entries if not e.is_leaf]
    assert len(groups) == 25
    codes = [e.code for e in standard.entries]
    assert len(codes) == len(set(codes))
    assert {e.part for e in leaves} == {"A", "B"}
    for e in leaves:
        assert e.parent_code in {g.code for g in groups if g.part == e.part}
        assert e.levels and set(e.levels) <= set("CDTV")
        assert e.frequency in FREQUENCIES or e.frequency.startswith("NOTICE")
        assert set(e.deadline["rules"]) == set(e.levels), e.code
        assert e.kind in KINDS and e.privacy in PRIVACY_CLASSES
        assert e.basis and e.basis_status in {"F", "M", "I"}


def test_shipped_standard_marks_what_later_modules_need():
    by_code = read_standard(SHIPPED).by_code()
    # Policies and notices from above show below; village-only categories never do.
    for code in ("A11.02", "A11.10", "B09.01", "A07.01"):
        assert by_code[code].applies_downward, code
    assert not any(e.applies_downward and set(e.levels) == {"V"} for e in by_code.values())
    assert by_code["A11.02"].kind == "policy"
    assert [f["name"] for f in by_code["A11.02"].fields][:2] == ["doc_no", "title"]
    assert by_code["A04.10"].kind == by_code["A04.02"].kind == "decision"
    # Structured categories carry their fields: finance, 三资, subsidy and 低保 lists.
    for code in ("B01.01", "B02.01", "B03.05", "B04.01", "B04.02", "B05.01", "B06.01",
                 "B07.02", "B08.02", "B09.02", "A07.02", "A07.03"):
        assert by_code[code].fields, code
    amount = next(f for f in by_code["B02.01"].fields if f["name"] == "amount")
    assert amount == {"name": "amount", "label": "金额", "type": "money", "unit": "元",
                      "required": True}
    # Deadlines: government levels by 条例 art. 26, villages within 5 days, 低保 posted 7 days.
    assert by_code["A02.02"].deadline["rules"]["C"]["rule"] == "WD20"
    assert by_code["A02.02"].deadline["rules"]["V"]["rule"] == "CD5"
    assert by_code["A07.02"].frequency == "NOTICE7"
    assert by_code["A07.02"].deadline["rules"]["V"] == {
        "rule": "POST7", "type": "posting", "days": 7, "day_kind": "calendar"}
    assert by_code["B02.01"].deadline["finance_heavy"]["frequency"] == "MONTHLY"
    assert by_code["B04.02"].deadline["rules"]["V"]["rule"] == "Y03-31"


def test_example_revision_is_valid():
    standard = read_standard(EXAMPLE)
    assert standard.previous == "2026.1"
    assert standard.code_map == {
        "A12.05": ["A01.08"], "B08.03": ["B08.03", "B08.07"], "B05.05": ["B05.01"]}
    assert len(standard.leaves) == 169


@pytest.mark.parametrize(
    "rule, period_end, due",
    [("Q20", date(2026, 9, 30), date(2026, 10, 20)),
     ("Q20", date(2026, 12, 31), date(2027, 1, 20)),
     ("M20", date(2026, 11, 30), date(2026, 12, 20)),
     ("Y01-31", date(2026, 12, 31), date(2027, 1, 31)),
     ("Y03-31", date(2026, 12, 31), date(2027, 3, 31))],
)
def test_periodic_due_dates(rule, period_end, due):
    assert period_due_date(parse_rule(rule), period_end) == due


@pytest.mark.parametrize("text", ["Q29", "M0", "Y02-29", "Y13-01", "WD", "X5", "WD400", "q20"])
def test_malformed_rules(text):
    assert parse_rule(text) is None


# ---------------------------------------------------------------- the validator refuses


def copy_of(tmp_path: Path, source: Path = SHIPPED, name: str | None = None) -> Path:
    """A writable copy of a version folder (under its own name unless told)."""
    folder = tmp_path / (name or source.name)
    shutil.copytree(source, folder)
    return folder


def edit_row(folder: Path, row_code: str, **changes) -> int:
    """Change columns of one row of categories.csv; returns the row's line number."""
    path = folder / CSV_NAME
    rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"))))
    header = rows[0]
    index = next(i for i, r in enumerate(rows) if r and r[0] == row_code)
    for column, value in changes.items():
        rows[index][header.index(column)] = value
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    path.write_text(out.getvalue(), encoding="utf-8")
    return index + 1


def edit_toml(folder: Path, old: str, new: str) -> int:
    """Replace text in standard.toml; returns the line where the replacement starts."""
    path = folder / TOML_NAME
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    line = text[: text.index(old)].count("\n") + 1
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return line


def problems_of(folder: Path) -> str:
    with pytest.raises(StandardFileError) as info:
        read_standard(folder)
    return "\n".join(info.value.problems)


@pytest.mark.parametrize(
    "code, changes, message",
    [
        ("A01.02", {"code": "A1.02"}, "应形如 A07.02"),
        ("A01.02", {"code": "A01.01"}, "与 categories.csv:2 重复"),
        ("A01.02", {"name": ""}, "名称为空"),
        ("A01.02", {"levels": ""}, "levels“”应为"),
        ("A01.02", {"levels": "TX"}, "levels“TX”应为"),
        ("A01.02", {"levels": "VT"}, "应按 CDTV 的顺序"),
        ("A01.02", {"frequency": "WEEKLY"}, "频率“WEEKLY”"),
        ("A07.03", {"deadline": "M20"}, "期限规则 M20 与频率 QUARTERLY 不符"),
        ("A07.02", {"deadline": "POST5"}, "公示期 POST5 与频率 NOTICE7 不一致"),
        ("A11.10", {"deadline": "WD30"}, "超过 20 个工作日"),
        ("A02.02", {"deadline": "CDT:WD20"}, "层级 V 没有期限规则"),
        ("A02.02", {"deadline": "CDT:WD20 TV:CD5"}, "层级 T 的期限规则重复"),
        ("A07.03", {"deadline": "Q40"}, "无法识别的期限规则“Q40”"),
        ("A07.03", {"deadline": "C:Q20 TV:Q20"}, "层级 C 不在 levels TV 中"),
        ("A05.01", {"downward": "yes"}, "才能向下适用"),
        ("A05.01", {"downward": "maybe"}, "downward 应为 yes 或 no"),
        ("A05.01", {"kind": "poster"}, "kind“poster”"),
        ("A05.01", {"kind": "policy"}, "policy 类别必须指定字段集"),
        ("A05.01", {"privacy": "secret"}, "隐私类别“secret”"),
        ("A05.01", {"fields": "nonesuch"}, "字段集“nonesuch”未在 standard.toml 中定义"),
        ("A10.02", {"fields": "benefit"}, "no_names)的类别不能有 person"),
        ("A05.01", {"basis": ""}, "依据(basis)为空"),
        ("A05.01", {"basis_status": "X"}, "basis_status“X”"),
        ("B02.01", {"frequency": "YEARLY", "deadline": "Y01-31"}, "才能在财务往来较多时改为每月"),
    ],
)
def test_bad_row_is_refused_with_its_line(tmp_path, code, changes, message):
    folder = copy_of(tmp_path)
    line = edit_row(folder, code, **changes)
    problems = problems_of(folder)
    assert message in problems
    assert f"categories.csv:{line}：" in problems


def test_wrong_leaf_count_is_refused(tmp_path):
    folder = copy_of(tmp_path)
    path = folder / CSV_NAME
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    path.write_text("".join(line for line in lines if not line.startswith("A01.07,")), "utf-8")
    assert "应有 169 个小类，实际 168 个" in problems_of(folder)


def test_rows_out_of_order_and_bad_header_are_refused(tmp_path):
    folder = copy_of(tmp_path)
    path = folder / CSV_NAME
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    lines[2], lines[3] = lines[3], lines[2]
    path.write_text("".join(lines), encoding="utf-8")
    assert "categories.csv:4：A01.02 应排在 A01.03 之前" in problems_of(folder)
    path.write_text("code,title\n", encoding="utf-8")
    assert "categories.csv:1：表头应为 code,name,levels" in problems_of(folder)


@pytest.mark.parametrize(
    "old, new, message",
    [
        ('A13 = "统筹城乡重点改革专栏"\n', 'B13 = "错位"\nA13 = "统筹城乡重点改革专栏"\n',
         "大类 B13 不能列在第 A 部分"),
        ('A13 = "统筹城乡重点改革专栏"\n', 'A14 = "空"\nA13 = "统筹城乡重点改革专栏"\n',
         "大类 A14 没有小类"),
        ('version = "2026.1"', 'version = "2026.9"', "version 2026.9 与目录名 2026.1 不一致"),
        ('title = "基层公开服务内容标准"', 'title = ""', "title 为空"),
        ("min_display_days = 10", "min_display_day = 10", "未知的键 min_display_day"),
        ('{ name = "members", label = "保障人口", type = "int"',
         '{ name = "members", label = "保障人口", type = "float"',
         "字段 members 的类型“float”不可用"),
        ('type = "enum", choices = ["最低生活保障", "特困人员救助供养"]', 'type = "enum"',
         "枚举字段 scheme 需要不重复的 choices"),
        ('{ name = "group", label = "村民小组", type = "text", required = true },\n'
         '  { name = "scheme"',
         '{ name = "group", label = "村民小组", type = "text", required = "yes" },\n'
         '  { name = "scheme"', "字段 group 的 required 应为 true 或 false"),
        ('{ name = "title", label = "标题"', '{ name = "doc_no", label = "标题"',
         "字段 doc_no 在字段集 policy 中重复"),
        ('{ name = "title", label = "标题"', '{ name = "Title", label = "标题"',
         "name 应为小写字母、数字和下划线"),
        ("[field_sets.levy]", "[field_sets.spare]\nlabel = \"备用\"\nfields = [\n"
         '  { name = "x", label = "X", type = "text", required = false },\n]\n\n[field_sets.levy]',
         "字段集 spare 没有类别使用"),
        ('codes = ["B02", "B03"]', 'codes = ["B02", "B13"]', "finance_heavy 中的 B13 不存在"),
        ("[code_map]\n", '[code_map]\n"A01.01" = "A01.02"\n', "有 code_map 就必须写明 previous"),
        ("date = 2026-11-23", "date = 2026-11-23x", "TOML 格式错误"),
    ],
)
def test_bad_standard_toml_is_refused_with_its_line(tmp_path, old, new, message):
    folder = copy_of(tmp_path)
    line = edit_toml(folder, old, new)
    problems = problems_of(folder)
    assert f"standard.toml:{line}：" in problems
    assert message in problems


def test_leaf_without_its_group_is_refused(tmp_path):
    folder = copy_of(tmp_path)
    edit_toml(folder, 'A13 = "统筹城乡重点改革专栏"\n', "")
    line = 1 + [r["code"] for r in leaf_rows()].index("A13.01") + 1
    problems = problems_of(folder)
    assert f"categories.csv:{line}：A13.01 的大类 A13 不在 standard.toml 的第 A 部分中" in problems


def test_code_map_must_point_from_the_previous_to_this_version(tmp_path):
    folder = copy_of(tmp_path, EXAMPLE)
    line = edit_toml(folder, '"A12.05" = "A01.08"', '"A12.09" = "A01.99"')
    problems = problems_of(folder)
    assert f"standard.toml:{line}：旧代码 A12.09 不在上一版本 2026.1 中" in problems
    assert f"standard.toml:{line}：A12.09 映射到的 A01.99 不在本版本中" in problems


def test_every_problem_is_reported_at_once(tmp_path):
    folder = copy_of(tmp_path)
    edit_row(folder, "A01.02", levels="Q")
    edit_row(folder, "B12.04", privacy="open")
    edit_toml(folder, 'B12 = "生活服务与邻里互助"', 'B12 = ""')
    problems = problems_of(folder)
    assert "levels“Q”" in problems and "隐私类别“open”" in problems
    assert "大类 B12 的名称为空" in problems


# ---------------------------------------------------------------- loading


def count(model) -> int:
    return db.session.scalar(db.select(db.func.count()).select_from(model))


def test_load_is_idempotent(ctx):
    first = load_version(SHIPPED)
    db.session.commit()
    assert first.created and first.current and first.leaves == 169
    assert count(Category) == 169 + 25
    again = load_version(SHIPPED)
    db.session.commit()
    assert not again.created and again.version.id == first.version.id
    assert count(StandardVersion) == 1 and count(Category) == 194
    actions = db.session.scalars(db.select(AuditEvent.action)).all()
    assert actions == ["standard.load"]
    version = current_version()
    assert version.version == "2026.1" and version.part_names["B"] == "经济生活"
    low = get_category("A07.02")
    assert low.name == "低保拟确认对象公示" and low.field_list[0]["name"] == "household_head"
    assert low.frequency_label == "公示7天"
    assert get_category("A07").is_leaf is False and get_category("A07").levels == "DTV"


def test_a_loaded_version_cannot_change(ctx, tmp_path):
    folder = copy_of(tmp_path)
    load_version(folder)
    db.session.commit()
    edit_row(folder, "A01.01", note="edited after loading")
    with pytest.raises(StandardFileError) as info:
        load_version(folder)
    assert "已载入而文件已改动" in info.value.problems[0]


def test_helpers_by_level_kind_and_deadline(ctx):
    load_version(SHIPPED)
    rows = leaf_rows()
    for level, letter in (("city", "C"), ("district", "D"), ("township", "T"), ("village", "V")):
        found = categories_for_level(level)
        assert [c.code for c in found] == [r["code"] for r in rows if letter in r["levels"]]
    assert {c.code for c in categories_of_kind("policy")} >= {"A11.02", "B09.01", "A07.01"}
    assert "A04.10" in {c.code for c in categories_of_kind("decision")}
    with pytest.raises(KeyError):
        categories_of_kind("poster")
    income = get_category("B02.01")
    assert income.deadline_rule("village")[0] == "QUARTERLY"
    frequency, rule = income.deadline_rule("village", finance_heavy=True)
    assert (frequency, rule["rule"]) == ("MONTHLY", "M20")
    assert income.deadline_rule("city") is None
    party = get_category("A02.02")
    assert party.deadline_rule("township")[1]["rule"] == "WD20"
    assert party.deadline_rule("village")[1] == {"rule": "CD5", "type": "within", "days": 5,
                                                 "day_kind": "calendar"}
    assert party.publishes_at("city") and not get_category("B01.01").publishes_at("city")


def test_code_map_keeps_old_codes_reachable(ctx):
    load_version(SHIPPED)
    db.session.commit()
    result = load_version(EXAMPLE)
    db.session.commit()
    assert result.created and result.current
    assert current_version().version == "2026.2"
    assert StandardVersion.by_label("2026.1").is_current is False
    assert count(CategoryCodeMap) == 4
    moved = resolve("A12.05", "2026.1")
    assert (moved.code, moved.version.version) == ("A01.08", "2026.2")
    assert resolve("B05.05", "2026.1").code == "B05.01"
    assert [c.code for c in resolve_all("B08.03", "2026.1")] == ["B08.03", "B08.07"]
    assert resolve("B08.03", "2026.1").name == "集体工程招投标"
    kept = resolve("A07.02", "2026.1")
    assert kept.code == "A07.02" and kept.version.version == "2026.2"
    assert resolve("A01.08").code == "A01.08"  # already current
    assert resolve("A99.01", "2026.1") is None
    assert get_category("A12.05") is None and get_category("A12.05", "2026.1") is not None


def test_loading_an_older_version_later_keeps_the_newer_current(ctx):
    load_version(EXAMPLE)
    older = load_version(SHIPPED)
    db.session.commit()
    assert older.created and not older.current
    assert current_version().version == "2026.2"
    assert resolve("A12.05", "2026.1").code == "A01.08"


def test_ensure_loaded_loads_once(ctx):
    assert current_version() is None
    version = ensure_loaded()
    db.session.commit()
    assert version.version == "2026.1" and version.is_current
    assert ensure_loaded().id == version.id
    assert count(StandardVersion) == 1


# ---------------------------------------------------------------- commands


def test_cli_load_show_and_load_again(runner, app):
    result = runner.invoke(args=["standard", "load"])
    assert result.exit_code == 0, result.output
    assert "loaded 2026.1: 169 categories (current)" in result.output
    again = runner.invoke(args=["standard", "load", str(SHIPPED)])
    assert "already loaded, nothing changed" in again.output
    tree = runner.invoke(args=["standard", "show"]).output
    assert tree.startswith("2026.1 基层公开服务内容标准 (current; 169 categories)")
    assert "  A07 社会救助与福利\n" in tree
    assert "    A07.02 低保拟确认对象公示  [TV NOTICE7 POST7 roster]" in tree
    one = runner.invoke(args=["standard", "show", "b02.01"]).output
    assert "deadline: Q20 (finance-heavy villages: MONTHLY M20)" in one
    assert "amount 金额 [元]: money, required" in one
    missing = runner.invoke(args=["standard", "show", "Z99.01"])
    assert missing.exit_code != 0 and "no category Z99.01" in missing.output
    with app.app_context():
        assert count(StandardVersion) == 1


def test_cli_show_before_loading_says_so(runner):
    result = runner.invoke(args=["standard", "show"])
    assert result.exit_code != 0 and "standard load" in result.output


def test_cli_refuses_a_broken_folder_and_loads_nothing(runner, app, tmp_path):
    folder = copy_of(tmp_path)
    line = edit_row(folder, "A03.02", frequency="SOMETIMES")
    checked = runner.invoke(args=["standard", "check", str(folder)])
    assert checked.exit_code != 0 and f"categories.csv:{line}" in checked.output
    loaded = runner.invoke(args=["standard", "load", str(folder)])
    assert loaded.exit_code != 0 and "1 problem(s)" in loaded.output
    with app.app_context():
        assert count(StandardVersion) == 0
    assert "is valid: 169 categories" in runner.invoke(args=["standard", "check"]).output


def test_cli_diff_between_folders_and_loaded_versions(runner):
    expected = [
        "2026.1 -> 2026.2",
        "moved: A12.05 -> A01.08",
        "split: B08.03 -> B08.03, B08.07",
        "merged: B05.05 -> B05.01",
        "renamed: B05.01 耕地、园地、林地、草地 -> 耕地(含机动地)、园地、林地、草地",
        "fields: A11.02 +source_url",
    ]
    folders = runner.invoke(args=["standard", "diff", str(SHIPPED), str(EXAMPLE)])
    assert folders.exit_code == 0, folders.output
    for line in expected:
        assert line in folders.output.splitlines()
    assert "added:" not in folders.output and "removed:" not in folders.output
    runner.invoke(args=["standard", "load"])
    runner.invoke(args=["standard", "load", str(EXAMPLE)])
    loaded = runner.invoke(args=["standard", "diff", "2026.1", "2026.2"])
    assert loaded.output == folders.output
    back = runner.invoke(args=["standard", "diff", "2026.2", str(SHIPPED)]).output
    assert "added: A12.05 便民服务中心地址、电话与服务时间" in back
    assert "removed: B08.07 集体工程预决算" in back
    same = runner.invoke(args=["standard", "diff", "2026.1", str(SHIPPED)]).output
    assert same.splitlines() == ["2026.1 -> 2026.1", "no differences"]
    unknown = runner.invoke(args=["standard", "diff", "2025.9", "2026.1"])
    assert unknown.exit_code != 0 and "既不是版本目录" in unknown.output
