"""Reading and validating one version folder of the standard (standard.toml + categories.csv).

Pure: no database. Every problem found is collected and reported together, each with its file and
line, so that a person editing the spreadsheet can fix them all in one pass.
"""

from __future__ import annotations

import csv
import hashlib
import io
import re
import tomllib
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from flask_babel import gettext as _

from portal.config import STANDARDS_DIR
from portal.standards.models import (
    BASIS_STATUSES,
    FIELD_TYPES,
    FREQUENCIES,
    GOVERNMENT_LETTERS,
    KINDS,
    LETTER_ORDER,
    PRIVACY_CLASSES,
    STRUCTURED_KINDS,
    version_key,
)
from portal.standards.rules import format_deadline as format_deadline  # re-exported
from portal.standards.rules import frequency_family, parse_deadline, parse_rule
from portal.standards.rules import period_due_date as period_due_date  # re-exported

TOML_NAME = "standard.toml"
CSV_NAME = "categories.csv"
LEAF_COUNT = 169
COLUMNS = (
    "code name levels frequency deadline downward kind privacy fields basis basis_status note"
).split()
TOP_KEYS = {"version", "date", "title", "note", "previous", "min_display_days", "parts"}
TOP_KEYS |= {"finance_heavy", "field_sets", "code_map"}
FIELD_KEYS = {"name", "label", "type", "unit", "required", "choices"}

VERSION_RE = re.compile(r"^\d{4}\.\d{1,3}$")
PART_RE = re.compile(r"^[A-Z]$")
GROUP_RE = re.compile(r"^[A-Z](0[1-9]|[1-9]\d)$")
LEAF_RE = re.compile(r"^[A-Z](0[1-9]|[1-9]\d)\.(0[1-9]|[1-9]\d)$")
FIELD_NAME_RE = re.compile(r"^[a-z][a-z0-9_]{0,31}$")
FIELD_LINE_RE = re.compile(r"^\s*\{\s*name\s*=")
TOML_LINE_RE = re.compile(r"at line (\d+)")
MAX_NAME = 80


class StandardFileError(ValueError):
    """A version folder that cannot be loaded; `problems` names every bad place."""

    def __init__(self, problems: list[str]):
        super().__init__("\n".join(problems))
        self.problems = problems


@dataclass
class Entry:
    """One 大类 or 小类 as read from the files (the shape both loading and diffing use)."""

    code: str
    name: str
    part: str
    parent_code: str | None
    is_leaf: bool
    levels: str = ""
    frequency: str | None = None
    deadline: dict = field(default_factory=dict)
    applies_downward: bool = False
    kind: str | None = None
    privacy: str | None = None
    field_set: str | None = None
    fields: list[dict] = field(default_factory=list)
    basis: str = ""
    basis_status: str | None = None
    note: str = ""
    where: str = ""


@dataclass
class Standard:
    """A parsed, valid version folder."""

    path: Path
    version: str
    title: str
    published_on: date
    note: str
    previous: str
    min_display_days: int
    parts: dict[str, str]
    entries: list[Entry]  # 大类 followed by their 小类, in code order
    code_map: dict[str, list[str]]
    digest: str

    @property
    def leaves(self) -> list[Entry]:
        return [e for e in self.entries if e.is_leaf]

    def by_code(self) -> dict[str, Entry]:
        return {e.code: e for e in self.entries}


# ---------------------------------------------------------------- standard.toml


def _line_of(lines: list[str], *needles: str) -> int | None:
    """The line number where the needles occur in order (each searched after the previous)."""
    start, found = 0, None
    for needle in needles:
        pattern = re.compile(needle)
        for i in range(start, len(lines)):
            if pattern.search(lines[i]):
                found, start = i + 1, i + 1
                break
        else:
            return found
    return found


def _place(path: str, line: int | None) -> str:
    return f"{path}:{line}" if line else path


def _check_fields(
    set_name: str, spec, lines: list[str], where_file: str, problems: list[str]
) -> list[dict]:
    """Validate one field set from standard.toml; returns its normalised field list."""
    set_line = _line_of(lines, rf"^\[field_sets\.{re.escape(set_name)}\]")
    where = _place(where_file, set_line)
    if not FIELD_NAME_RE.match(set_name):
        problems.append(
            _("%(w)s：字段集名称“%(n)s”应为小写字母、数字和下划线", w=where, n=set_name)
        )
    if not isinstance(spec, dict) or not isinstance(spec.get("fields"), list) or not spec["fields"]:
        problems.append(_("%(w)s：字段集 %(n)s 缺少 fields 列表", w=where, n=set_name))
        return []
    if not isinstance(spec.get("label"), str) or not spec["label"].strip():
        problems.append(_("%(w)s：字段集 %(n)s 缺少 label", w=where, n=set_name))
    # With one field per line (the documented layout) the n-th field is the n-th such line.
    field_lines = []
    for i in range(set_line or len(lines), len(lines)):
        if lines[i].startswith("["):
            break
        if FIELD_LINE_RE.match(lines[i]):
            field_lines.append(i + 1)
    if len(field_lines) != len(spec["fields"]):
        field_lines = [set_line] * len(spec["fields"])
    result, seen = [], set()
    for index, item in enumerate(spec["fields"], start=1):
        name = item.get("name") if isinstance(item, dict) else None
        at = _place(where_file, field_lines[index - 1])
        label = f"{set_name}[{index}]"
        if not isinstance(item, dict):
            problems.append(_("%(w)s：%(f)s 应为 {name = ..., ...} 表", w=at, f=label))
            continue
        unknown = sorted(set(item) - FIELD_KEYS)
        if unknown:
            problems.append(_("%(w)s：%(f)s 有未知的键 %(k)s", w=at, f=label, k=", ".join(unknown)))
        if not isinstance(name, str) or not FIELD_NAME_RE.match(name):
            problems.append(_("%(w)s：%(f)s 的 name 应为小写字母、数字和下划线", w=at, f=label))
            continue
        if name in seen:
            problems.append(_("%(w)s：字段 %(n)s 在字段集 %(s)s 中重复", w=at, n=name, s=set_name))
        seen.add(name)
        if not isinstance(item.get("label"), str) or not item["label"].strip():
            problems.append(_("%(w)s：字段 %(n)s 缺少 label", w=at, n=name))
        field_type = item.get("type")
        if field_type not in FIELD_TYPES:
            problems.append(
                _(
                    "%(w)s：字段 %(n)s 的类型“%(t)s”不可用，应为 %(all)s",
                    w=at,
                    n=name,
                    t=field_type,
                    all=", ".join(sorted(FIELD_TYPES)),
                )
            )
        if not isinstance(item.get("required"), bool):
            problems.append(_("%(w)s：字段 %(n)s 的 required 应为 true 或 false", w=at, n=name))
        if "unit" in item and (not isinstance(item["unit"], str) or not item["unit"].strip()):
            problems.append(_("%(w)s：字段 %(n)s 的 unit 应为非空文字", w=at, n=name))
        choices = item.get("choices")
        if field_type == "enum":
            if (
                not isinstance(choices, list)
                or not choices
                or not all(isinstance(c, str) and c.strip() for c in choices)
                or len(set(choices)) != len(choices)
            ):
                problems.append(_("%(w)s：枚举字段 %(n)s 需要不重复的 choices 列表", w=at, n=name))
        elif choices is not None:
            problems.append(_("%(w)s：只有 enum 字段可以有 choices（%(n)s）", w=at, n=name))
        normalised = {
            "name": name,
            "label": item.get("label"),
            "type": field_type,
            "unit": item.get("unit", ""),
            "required": item.get("required"),
        }
        if field_type == "enum":
            normalised["choices"] = choices
        result.append(normalised)
    return result


def _read_toml(path: Path, problems: list[str]) -> tuple[dict, list[str]]:
    where = path.name
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        problems.append(_("%(w)s：文件不存在", w=str(path)))
        return {}, []
    except UnicodeDecodeError:
        problems.append(_("%(w)s：不是 UTF-8 编码", w=where))
        return {}, []
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        found = TOML_LINE_RE.search(str(error))
        line = int(found.group(1)) if found else None
        problems.append(_("%(w)s：TOML 格式错误：%(e)s", w=_place(where, line), e=str(error)))
        return {}, text.splitlines()
    return data, text.splitlines()


# ---------------------------------------------------------------- categories.csv


def _read_rows(path: Path, problems: list[str]) -> list[tuple[int, dict]]:
    """The data rows of categories.csv with the line each ends on."""
    where = path.name
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        problems.append(_("%(w)s：文件不存在", w=str(path)))
        return []
    except UnicodeDecodeError:
        problems.append(_("%(w)s：不是 UTF-8 编码", w=where))
        return []
    reader = csv.reader(io.StringIO(text.lstrip("\ufeff")))
    header = next(reader, [])
    if header != COLUMNS:
        problems.append(
            _(
                "%(w)s：表头应为 %(e)s，实际为 %(a)s",
                w=f"{where}:1",
                e=",".join(COLUMNS),
                a=",".join(header),
            )
        )
        return []
    rows = []
    for values in reader:
        line = reader.line_num
        if not values or all(not v.strip() for v in values):
            continue
        if len(values) != len(COLUMNS):
            problems.append(
                _(
                    "%(w)s：应有 %(n)d 列，实际 %(m)d 列",
                    w=f"{where}:{line}",
                    n=len(COLUMNS),
                    m=len(values),
                )
            )
            continue
        rows.append((line, {k: v.strip() for k, v in zip(COLUMNS, values, strict=True)}))
    return rows


def _check_leaf(
    row: dict,
    where: str,
    groups: dict[str, str],
    field_sets: dict[str, list[dict]],
    problems: list[str],
) -> Entry | None:
    """Validate one row of categories.csv; returns the entry, or None if its code is unusable."""
    code = row["code"]
    if not LEAF_RE.match(code):
        problems.append(_("%(w)s：代码“%(c)s”应形如 A07.02", w=where, c=code))
        return None
    parent = code[:3]
    if parent not in groups:
        problems.append(
            _(
                "%(w)s：%(c)s 的大类 %(p)s 不在 standard.toml 的第 %(a)s 部分中",
                w=where,
                c=code,
                p=parent,
                a=code[0],
            )
        )
    name = row["name"]
    if not name or len(name) > MAX_NAME:
        problems.append(_("%(w)s：名称为空或超过 %(n)d 字", w=where, n=MAX_NAME))
    levels = row["levels"]
    if not levels or any(c not in LETTER_ORDER for c in levels) or len(set(levels)) != len(levels):
        problems.append(_("%(w)s：levels“%(l)s”应为 C、D、T、V 中的一个或多个", w=where, l=levels))
        levels = "".join(c for c in LETTER_ORDER if c in levels)
    elif levels != "".join(c for c in LETTER_ORDER if c in levels):
        problems.append(_("%(w)s：levels“%(l)s”应按 CDTV 的顺序书写", w=where, l=levels))
    frequency = row["frequency"]
    if frequency_family(frequency) is None:
        problems.append(
            _(
                "%(w)s：频率“%(f)s”应为 %(all)s 或 NOTICE<天数>",
                w=where,
                f=frequency,
                all=", ".join(FREQUENCIES),
            )
        )
    rules = parse_deadline(row["deadline"], levels, frequency, where, problems) if levels else {}
    downward = row["downward"]
    if downward not in ("yes", "no"):
        problems.append(_("%(w)s：downward 应为 yes 或 no，实际为“%(d)s”", w=where, d=downward))
    elif downward == "yes" and not any(c in GOVERNMENT_LETTERS for c in levels):
        problems.append(_("%(w)s：只有市、区县或乡镇发布的类别才能向下适用(downward)", w=where))
    kind = row["kind"]
    if kind not in KINDS:
        problems.append(_("%(w)s：kind“%(k)s”应为 %(all)s", w=where, k=kind, all=", ".join(KINDS)))
    privacy = row["privacy"]
    if privacy not in PRIVACY_CLASSES:
        problems.append(
            _(
                "%(w)s：隐私类别“%(p)s”应为 %(all)s",
                w=where,
                p=privacy,
                all=", ".join(PRIVACY_CLASSES),
            )
        )
    set_name = row["fields"] or None
    fields: list[dict] = []
    if set_name is not None:
        if set_name not in field_sets:
            problems.append(_("%(w)s：字段集“%(s)s”未在 standard.toml 中定义", w=where, s=set_name))
        else:
            fields = field_sets[set_name]
    elif kind in STRUCTURED_KINDS:
        problems.append(_("%(w)s：%(k)s 类别必须指定字段集(fields)", w=where, k=kind))
    if privacy == "no_names" and any(f["type"] == "person" for f in fields):
        problems.append(_("%(w)s：隐去姓名(no_names)的类别不能有 person 类型的字段", w=where))
    if not row["basis"]:
        problems.append(_("%(w)s：依据(basis)为空", w=where))
    if row["basis_status"] not in BASIS_STATUSES:
        problems.append(
            _("%(w)s：basis_status“%(s)s”应为 F、M 或 I", w=where, s=row["basis_status"])
        )
    return Entry(
        code=code,
        name=name,
        part=code[0],
        parent_code=parent,
        is_leaf=True,
        levels=levels,
        frequency=frequency,
        deadline={"rules": rules},
        applies_downward=downward == "yes",
        kind=kind,
        privacy=privacy,
        field_set=set_name,
        fields=fields,
        basis=row["basis"],
        basis_status=row["basis_status"],
        note=row["note"],
        where=where,
    )


# ---------------------------------------------------------------- the whole folder


def codes_in_folder(path: Path) -> set[str] | None:
    """The 大类 and 小类 codes of a version folder, read without validation (None if absent)."""
    toml_path, csv_path = path / TOML_NAME, path / CSV_NAME
    if not (toml_path.is_file() and csv_path.is_file()):
        return None
    try:
        data = tomllib.loads(toml_path.read_text(encoding="utf-8"))
        rows = list(csv.DictReader(io.StringIO(csv_path.read_text(encoding="utf-8-sig"))))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError):
        return None
    codes = {row.get("code", "").strip() for row in rows}
    for part in (data.get("parts") or {}).values():
        if isinstance(part, dict):
            codes.update((part.get("groups") or {}).keys())
    return codes


def folder_of(version: str, near: Path | None = None) -> Path | None:
    """The folder of a version: beside `near` if there, else in the shipped STANDARDS_DIR."""
    for base in ([near] if near else []) + [STANDARDS_DIR]:
        candidate = base / version
        if (candidate / TOML_NAME).is_file():
            return candidate
    return None


def digest_of(path: Path) -> str:
    """A fingerprint of a version folder's two files, to notice edits after loading."""
    h = hashlib.sha256()
    for name in (TOML_NAME, CSV_NAME):
        # Newlines are normalised so that a checkout with CRLF line ends is the same version.
        h.update((path / name).read_bytes().replace(b"\r\n", b"\n"))
        h.update(b"\0")
    return h.hexdigest()


def read_standard(path: Path, previous_codes: set[str] | None = None) -> Standard:
    """Parse and validate a version folder; raise StandardFileError listing every problem.

    previous_codes are the codes of the version this one revises, to check its code map; when
    not given they are read from the previous version's folder if one can be found.
    """
    path = Path(path)
    if not path.is_dir():
        raise StandardFileError([_("%(w)s：不是目录", w=str(path))])
    problems: list[str] = []
    data, lines = _read_toml(path / TOML_NAME, problems)
    rows = _read_rows(path / CSV_NAME, problems)
    if not data:
        raise StandardFileError(problems)
    meta = _check_meta(data, lines, path.name, problems)
    parts, groups = _check_parts(data, lines, problems)
    field_sets = _check_field_sets(data, lines, problems)
    leaves = _check_leaves(rows, groups, field_sets, problems)
    _check_all_used(groups, field_sets, leaves, lines, problems)
    _apply_finance_heavy(data, lines, leaves, problems)
    if meta["previous"] and previous_codes is None:
        folder = folder_of(meta["previous"], path.parent)
        previous_codes = codes_in_folder(folder) if folder else None
    code_map = _check_code_map(
        data,
        lines,
        meta["previous"],
        set(groups) | {e.code for e in leaves},
        previous_codes,
        problems,
    )
    if problems:
        raise StandardFileError(problems)
    return Standard(
        path=path,
        parts=parts,
        entries=_with_groups(groups, leaves),
        code_map=code_map,
        digest=digest_of(path),
        **meta,
    )


def _check_meta(data: dict, lines: list[str], folder_name: str, problems: list[str]) -> dict:
    """The top-level keys of standard.toml: version, date, title, previous and so on."""

    def at(key: str) -> str:
        return _place(TOML_NAME, _line_of(lines, rf"^{re.escape(key)}\s*="))

    for key in sorted(set(data) - TOP_KEYS):
        problems.append(_("%(w)s：未知的键 %(k)s", w=at(key), k=key))
    version = data.get("version")
    if not isinstance(version, str) or not VERSION_RE.match(version):
        problems.append(_("%(w)s：version 应形如 2026.1", w=at("version")))
        version = folder_name
    elif version != folder_name:
        problems.append(
            _(
                "%(w)s：version %(v)s 与目录名 %(d)s 不一致",
                w=at("version"),
                v=version,
                d=folder_name,
            )
        )
    published_on = data.get("date")
    if not isinstance(published_on, date):
        problems.append(_("%(w)s：date 应为日期，如 2026-11-23", w=at("date")))
    title = data.get("title")
    if not isinstance(title, str) or not title.strip():
        problems.append(_("%(w)s：title 为空", w=at("title")))
        title = ""
    previous = data.get("previous", "")
    if previous and (
        not isinstance(previous, str)
        or not VERSION_RE.match(previous)
        or (VERSION_RE.match(version) and version_key(previous) >= version_key(version))
    ):
        problems.append(_("%(w)s：previous“%(p)s”应为更早的版本号", w=at("previous"), p=previous))
    min_display_days = data.get("min_display_days", 10)
    if not isinstance(min_display_days, int) or not 1 <= min_display_days <= 366:
        problems.append(_("%(w)s：min_display_days 应为 1 到 366 的整数", w=at("min_display_days")))
    return {
        "version": version,
        "title": title.strip(),
        "published_on": published_on,
        "note": str(data.get("note", "")),
        "previous": previous,
        "min_display_days": min_display_days,
    }


def _check_parts(
    data: dict, lines: list[str], problems: list[str]
) -> tuple[dict[str, str], dict[str, str]]:
    """The parts ({"A": "公开服务"}) and their 大类 ({"A01": "基本概况"})."""
    parts: dict[str, str] = {}
    groups: dict[str, str] = {}
    raw_parts = data.get("parts")
    if not isinstance(raw_parts, dict) or not raw_parts:
        problems.append(_("%(w)s：缺少 [parts.A] 等部分", w=TOML_NAME))
        return parts, groups
    for letter, spec in raw_parts.items():
        at = _place(TOML_NAME, _line_of(lines, rf"^\[parts\.{re.escape(letter)}\]"))
        if not PART_RE.match(letter):
            problems.append(_("%(w)s：部分代码“%(p)s”应为一个大写字母", w=at, p=letter))
            continue
        if not isinstance(spec, dict) or not isinstance(spec.get("name"), str) or not spec["name"]:
            problems.append(_("%(w)s：第 %(p)s 部分缺少 name", w=at, p=letter))
            continue
        parts[letter] = spec["name"]
        part_groups = spec.get("groups")
        if not isinstance(part_groups, dict) or not part_groups:
            problems.append(_("%(w)s：第 %(p)s 部分没有大类([parts.%(p)s.groups])", w=at, p=letter))
            continue
        for code, name in part_groups.items():
            where = _place(
                TOML_NAME,
                _line_of(lines, rf"^\[parts\.{letter}\.groups\]", rf"^\s*{re.escape(code)}\s*="),
            )
            if not GROUP_RE.match(code):
                problems.append(_("%(w)s：大类代码“%(c)s”应形如 A07", w=where, c=code))
            elif code[0] != letter:
                problems.append(
                    _("%(w)s：大类 %(c)s 不能列在第 %(p)s 部分", w=where, c=code, p=letter)
                )
            elif not isinstance(name, str) or not name.strip():
                problems.append(_("%(w)s：大类 %(c)s 的名称为空", w=where, c=code))
            else:
                groups[code] = name.strip()
    return parts, groups


def _check_field_sets(data: dict, lines: list[str], problems: list[str]) -> dict[str, list]:
    """Every [field_sets.NAME] table, validated."""
    raw_sets = data.get("field_sets") or {}
    if not isinstance(raw_sets, dict):
        problems.append(_("%(w)s：field_sets 应为表", w=TOML_NAME))
        return {}
    return {
        name: _check_fields(name, spec, lines, TOML_NAME, problems)
        for name, spec in raw_sets.items()
    }


def _check_leaves(
    rows: list[tuple[int, dict]],
    groups: dict[str, str],
    field_sets: dict[str, list[dict]],
    problems: list[str],
) -> list[Entry]:
    """Every row of categories.csv, plus uniqueness, order and the count of 169."""
    leaves: list[Entry] = []
    seen: dict[str, str] = {}
    highest = ""
    for line, row in rows:
        where = f"{CSV_NAME}:{line}"
        entry = _check_leaf(row, where, groups, field_sets, problems)
        if entry is None:
            continue
        if entry.code in seen:
            problems.append(
                _("%(w)s：代码 %(c)s 与 %(o)s 重复", w=where, c=entry.code, o=seen[entry.code])
            )
            continue
        if entry.code < highest:
            problems.append(
                _("%(w)s：%(c)s 应排在 %(p)s 之前(按代码排序)", w=where, c=entry.code, p=highest)
            )
        seen[entry.code] = where
        highest = max(highest, entry.code)
        leaves.append(entry)
    if rows and len(rows) != LEAF_COUNT:
        problems.append(
            _("%(w)s：应有 %(n)d 个小类，实际 %(m)d 个", w=CSV_NAME, n=LEAF_COUNT, m=len(rows))
        )
    return leaves


def _check_all_used(
    groups: dict[str, str],
    field_sets: dict[str, list[dict]],
    leaves: list[Entry],
    lines: list[str],
    problems: list[str],
) -> None:
    """Every 大类 has leaves and every field set is used: leftovers are usually typos."""
    used_groups = {e.parent_code for e in leaves}
    for code in groups:
        if code not in used_groups:
            at = _place(TOML_NAME, _line_of(lines, rf"^\s*{re.escape(code)}\s*="))
            problems.append(_("%(w)s：大类 %(c)s 没有小类", w=at, c=code))
    used_sets = {e.field_set for e in leaves}
    for name in field_sets:
        if name not in used_sets:
            at = _place(TOML_NAME, _line_of(lines, rf"^\[field_sets\.{re.escape(name)}\]"))
            problems.append(_("%(w)s：字段集 %(s)s 没有类别使用", w=at, s=name))


def _apply_finance_heavy(
    data: dict, lines: list[str], leaves: list[Entry], problems: list[str]
) -> None:
    """Give the [finance_heavy] categories their monthly rule for finance-heavy villages."""
    heavy = data.get("finance_heavy")
    if heavy is None:
        return
    at = _place(TOML_NAME, _line_of(lines, r"^\[finance_heavy\]", r"^codes\s*="))
    if not isinstance(heavy, dict):
        problems.append(_("%(w)s：finance_heavy 需要 codes 列表", w=at))
        return
    codes = heavy.get("codes")
    rule = parse_rule(str(heavy.get("deadline", "")))
    if not isinstance(codes, list) or not codes:
        problems.append(_("%(w)s：finance_heavy 需要 codes 列表", w=at))
        codes = []
    if heavy.get("frequency") != "MONTHLY":
        problems.append(_("%(w)s：finance_heavy 的 frequency 应为 MONTHLY", w=at))
    if rule is None or rule["type"] != "month":
        problems.append(_("%(w)s：finance_heavy 的 deadline 应为每月规则，如 M20", w=at))
    for code in codes:
        targets = [e for e in leaves if code in (e.code, e.parent_code)]
        if not targets:
            problems.append(_("%(w)s：finance_heavy 中的 %(c)s 不存在", w=at, c=code))
        for entry in targets:
            if entry.frequency != "QUARTERLY" or "V" not in entry.levels:
                problems.append(
                    _(
                        "%(w)s：%(c)s 应为村级每季度公开，才能在财务往来较多时改为每月",
                        w=entry.where,
                        c=entry.code,
                    )
                )
            elif rule is not None:
                entry.deadline["finance_heavy"] = {"frequency": "MONTHLY", "rules": {"V": rule}}


def _check_code_map(
    data: dict,
    lines: list[str],
    previous: str,
    codes: set[str],
    previous_codes: set[str] | None,
    problems: list[str],
) -> dict[str, list[str]]:
    """[code_map]: old codes of the previous version, each to one or more codes of this one."""
    raw_map = data.get("code_map") or {}
    if not isinstance(raw_map, dict):
        problems.append(_("%(w)s：code_map 应为表", w=TOML_NAME))
        return {}
    if raw_map and not previous:
        at = _place(TOML_NAME, _line_of(lines, r"^\[code_map\]"))
        problems.append(_("%(w)s：有 code_map 就必须写明 previous", w=at))
    code_map: dict[str, list[str]] = {}
    for old, targets in raw_map.items():
        at = _place(TOML_NAME, _line_of(lines, r"^\[code_map\]", rf'^\s*"?{re.escape(old)}"?\s*='))
        targets = [targets] if isinstance(targets, str) else targets
        if not (GROUP_RE.match(old) or LEAF_RE.match(old)):
            problems.append(_("%(w)s：code_map 的旧代码“%(c)s”格式不对", w=at, c=old))
            continue
        if previous_codes is not None and old not in previous_codes:
            problems.append(_("%(w)s：旧代码 %(c)s 不在上一版本 %(p)s 中", w=at, c=old, p=previous))
        if (
            not isinstance(targets, list)
            or not targets
            or not all(isinstance(t, str) for t in targets)
            or len(set(targets)) != len(targets)
        ):
            problems.append(_("%(w)s：%(c)s 的新代码应为一个代码或不重复的代码列表", w=at, c=old))
            continue
        for target in targets:
            if target not in codes:
                problems.append(
                    _("%(w)s：%(c)s 映射到的 %(t)s 不在本版本中", w=at, c=old, t=target)
                )
        code_map[old] = targets
    return code_map


def _with_groups(groups: dict[str, str], leaves: list[Entry]) -> list[Entry]:
    """All entries in order: each 大类 (its levels the union of its leaves'), then its leaves."""
    entries: list[Entry] = []
    for code in sorted(groups):
        children = [e for e in leaves if e.parent_code == code]
        levels = "".join(c for c in LETTER_ORDER if any(c in e.levels for e in children))
        entries.append(Entry(code, groups[code], code[0], None, False, levels=levels))
        entries.extend(children)
    return entries


def version_folders(base: Path = STANDARDS_DIR) -> list[Path]:
    """The version folders under a directory, oldest first."""
    if not base.is_dir():
        return []
    found = [
        p
        for p in base.iterdir()
        if p.is_dir() and VERSION_RE.match(p.name) and (p / TOML_NAME).is_file()
    ]
    return sorted(found, key=lambda p: version_key(p.name))


def newest_folder(base: Path = STANDARDS_DIR) -> Path | None:
    """The newest version folder under a directory (the shipped standard by default)."""
    folders = version_folders(base)
    return folders[-1] if folders else None
