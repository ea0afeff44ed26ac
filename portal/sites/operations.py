"""Changing sites: importing the official division files and editing a site's profile."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from flask_babel import gettext as _

from portal.core import audit
from portal.core.audit import utcnow
from portal.core.cache import bump_content_version
from portal.core.permissions import require
from portal.core.tenancy import CODE_LENGTH, LEVELS, ancestor_codes
from portal.extensions import db
from portal.sites.models import Site
from portal.sites.names import pinyin_keys, short_name

# Column layouts of the NBS division files (china-division package), by the column naming the
# parent. Each file kind gives a level and the length of its code.
KINDS = {
    "provinceCode": ("city", 4),
    "cityCode": ("district", 6),
    "areaCode": ("township", 9),
    "streetCode": ("village", 12),
}
PARENT_LENGTH = {"district": 4, "township": 6, "village": 9}


class DivisionFileError(ValueError):
    """An import file that cannot be loaded; `problems` names every bad line."""

    def __init__(self, problems: list[str]):
        super().__init__("\n".join(problems))
        self.problems = problems


@dataclass
class ImportResult:
    created: dict = field(default_factory=lambda: dict.fromkeys(LEVELS, 0))
    updated: int = 0
    unchanged: int = 0


@dataclass
class Row:
    code: str
    name: str
    level: str
    parent_code: str | None
    where: str


def _kind_of(header: list[str]) -> tuple[str, int, str | None]:
    """The level, code length and parent column of a file from its header."""
    if not header or header[0] != "code" or len(header) < 2 or header[1] != "name":
        raise DivisionFileError([_("文件表头应以 code,name 开始，实际为：%(h)s", h=",".join(header))])
    # The most specific parent column wins: villages carry all four, cities only provinceCode.
    for column in ("streetCode", "areaCode", "cityCode", "provinceCode"):
        if column in header:
            level, length = KINDS[column]
            return level, length, None if level == "city" else column
    raise DivisionFileError([_("无法识别的区划文件表头：%(h)s", h=",".join(header))])


def read_rows(name: str, text: str, within: str = "") -> list[Row]:
    """Parse one division CSV into rows, reporting every malformed line."""
    reader = csv.reader(io.StringIO(text.lstrip("\ufeff")))
    header = next(reader, [])
    level, length, parent_column = _kind_of(header)
    parent_index = header.index(parent_column) if parent_column else None
    rows, problems = [], []
    for line_no, values in enumerate(reader, start=2):
        where = f"{name}:{line_no}"
        if not values or all(not v.strip() for v in values):
            continue
        if len(values) != len(header):
            problems.append(
                _("%(w)s：应有 %(n)d 列，实际 %(m)d 列", w=where, n=len(header), m=len(values))
            )
            continue
        code, site_name = values[0].strip(), values[1].strip()
        if not (code.isdigit() and len(code) == length):
            problems.append(_("%(w)s：代码“%(c)s”应为 %(n)d 位数字", w=where, c=code, n=length))
            continue
        if not within_prefix(code, within):
            continue
        if not site_name or len(site_name) > 80:
            problems.append(_("%(w)s：名称为空或超过 80 字", w=where))
            continue
        parent_code = None
        if parent_index is not None:
            parent_code = values[parent_index].strip()
            if parent_code != code[: PARENT_LENGTH[level]]:
                problems.append(
                    _("%(w)s：上级代码“%(p)s”与本级代码“%(c)s”不符", w=where, p=parent_code, c=code)
                )
                continue
            parent_code = parent_code.ljust(CODE_LENGTH, "0")
        full = code.ljust(CODE_LENGTH, "0")
        if level == "village" and code.endswith("000"):
            problems.append(_("%(w)s：村级代码不能以 000 结尾", w=where))
            continue
        rows.append(Row(full, site_name, level, parent_code, where))
    if problems:
        raise DivisionFileError(problems)
    return rows


def within_prefix(code: str, within: str) -> bool:
    """Whether a (possibly short) code lies under the --within prefix."""
    n = min(len(code), len(within))
    return code[:n] == within[:n]


def import_divisions(files: Iterable[tuple[str, str]], within: str = "") -> ImportResult:
    """Load division files (name, text) top level first; nothing is written if any line is bad."""
    by_level: dict[str, list[Row]] = {lvl: [] for lvl in LEVELS}
    problems: list[str] = []
    for name, text in files:
        try:
            for row in read_rows(name, text, within):
                by_level[row.level].append(row)
        except DivisionFileError as exc:
            problems.extend(exc.problems)
    seen: dict[str, str] = {}
    for lvl in LEVELS:
        for row in by_level[lvl]:
            if row.code in seen:
                problems.append(
                    _("%(w)s：代码 %(c)s 与 %(o)s 重复", w=row.where, c=row.code, o=seen[row.code])
                )
            seen[row.code] = row.where
    if problems:
        raise DivisionFileError(problems)

    existing = {
        code: (sid, name, parent_id)
        for sid, code, name, parent_id in db.session.execute(
            db.select(Site.id, Site.code, Site.name, Site.parent_id)
        )
    }
    ids = {code: v[0] for code, v in existing.items()}
    result = ImportResult()
    created: list[str] = []
    for lvl in LEVELS:
        new_rows, changed = [], []
        for row in by_level[lvl]:
            parent_id = None
            if row.parent_code is not None:
                parent_id = ids.get(row.parent_code)
                if parent_id is None:
                    problems.append(
                        _("%(w)s：找不到上级单位 %(p)s", w=row.where, p=row.parent_code)
                    )
                    continue
            values = _site_values(row, parent_id)
            if row.code in existing:
                sid, old_name, old_parent = existing[row.code]
                if old_name != row.name or old_parent != parent_id:
                    changed.append({"id": sid, **values})
                else:
                    result.unchanged += 1
            else:
                new_rows.append(values)
        if problems:
            continue
        if new_rows:
            db.session.execute(db.insert(Site), new_rows)
            result.created[lvl] += len(new_rows)
            codes = [r["code"] for r in new_rows]
            created.extend(codes)
            for i in range(0, len(codes), 900):
                for sid, code in db.session.execute(
                    db.select(Site.id, Site.code).where(Site.code.in_(codes[i : i + 900]))
                ):
                    ids[code] = sid
        if changed:
            db.session.execute(db.update(Site), changed)
            result.updated += len(changed)
    if problems:
        db.session.rollback()
        raise DivisionFileError(problems)
    if created:
        _reindex_above(created)
    if any(result.created.values()) or result.updated:
        bump_content_version()
        audit.record(
            None,
            "sites.import",
            detail={"created": result.created, "updated": result.updated},
        )
    return result


def _reindex_above(codes: list[str]) -> None:
    """Index again, through the search outbox (in this transaction), the public items of the
    sites above new sites: a search index records which sites see a downward item."""
    from portal.content.models import Item
    from portal.search.indexer import enqueue

    new = set(codes)
    above = {a for code in codes for a in ancestor_codes(code)[:-1]} - new
    if not above:
        return
    site_ids = db.select(Site.id).where(Site.code.in_(sorted(above)))
    for item_id in db.session.scalars(
            db.select(Item.id).where(Item.site_id.in_(site_ids),
                                     Item.current_revision_id.is_not(None),
                                     Item.withdrawn_at.is_(None)).order_by(Item.id)):
        enqueue("item", item_id)


def _site_values(row: Row, parent_id: int | None) -> dict:
    short = short_name(row.name)
    full, firsts, shengmu = pinyin_keys(short)
    return {
        "code": row.code,
        "name": row.name,
        "short_name": short,
        "level": row.level,
        "parent_id": parent_id,
        "pinyin": full[:255],
        "initials": firsts[:80],
        "initials_sm": shengmu[:120],
    }


def import_paths(paths: Iterable[Path], within: str = "") -> ImportResult:
    """Import division files from disk."""
    files = [(Path(p).name, Path(p).read_text(encoding="utf-8")) for p in paths]
    return import_divisions(files, within)


def update_profile(actor, site: Site, data: dict) -> None:
    """Change a site's public contact details and introduction."""
    require(actor, site, "site.edit")
    before = {k: getattr(site, k) for k in ("phone", "address", "population", "households", "intro")}
    for key in before:
        setattr(site, key, data.get(key) or None)
    site.updated_at = utcnow()
    bump_content_version()
    audit.record(actor, "site.update_profile", site=site, target=site, detail={"before": before})
