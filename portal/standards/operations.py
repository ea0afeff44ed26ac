"""Loading versions of the standard into the database, and comparing two versions."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from flask_babel import gettext as _

from portal.core import audit
from portal.core.cache import bump_content_version
from portal.extensions import db
from portal.standards.loader import (
    Entry,
    Standard,
    StandardFileError,
    newest_folder,
    read_standard,
)
from portal.standards.models import (
    Category,
    CategoryCodeMap,
    StandardVersion,
    current_version,
    version_key,
)
from portal.standards.rules import format_deadline


@dataclass
class LoadResult:
    version: StandardVersion
    created: bool
    current: bool
    leaves: int


def load_version(path: Path, actor=None) -> LoadResult:
    """Validate a version folder and add it whole; loading the same version again changes nothing.

    The newest loaded version becomes current; older ones stay, so that items filed under their
    codes can be followed through the code map. The caller commits.
    """
    path = Path(path)
    standard = read_standard(path)
    _check_map_sources(standard)
    existing = StandardVersion.by_label(standard.version)
    if existing is not None:
        if existing.digest != standard.digest:
            raise StandardFileError(
                [
                    _(
                        "%(w)s：版本 %(v)s 已载入而文件已改动；已载入的版本不能再改，请另建新版本",
                        w=str(path),
                        v=standard.version,
                    )
                ]
            )
        return LoadResult(existing, False, existing.is_current, len(standard.leaves))

    version = StandardVersion(
        version=standard.version,
        title=standard.title,
        published_on=standard.published_on,
        note=standard.note,
        previous=standard.previous,
        digest=standard.digest,
        min_display_days=standard.min_display_days,
        parts=json.dumps(standard.parts, ensure_ascii=False),
    )
    db.session.add(version)
    db.session.flush()
    db.session.execute(
        db.insert(Category),
        [_category_values(version.id, position, e) for position, e in enumerate(standard.entries)],
    )
    maps = [
        {
            "version_id": version.id,
            "from_version": standard.previous,
            "from_code": old,
            "to_code": new,
            "ordinal": ordinal,
        }
        for old, targets in standard.code_map.items()
        for ordinal, new in enumerate(targets)
    ]
    if maps:
        db.session.execute(db.insert(CategoryCodeMap), maps)

    current = current_version()
    becomes_current = current is None or version_key(version.version) > version_key(current.version)
    if becomes_current:
        if current is not None:
            current.is_current = False
            db.session.flush()
        version.is_current = True
    db.session.flush()
    bump_content_version()
    audit.record(
        actor,
        "standard.load",
        target=version,
        detail={
            "version": version.version,
            "leaves": len(standard.leaves),
            "code_map": len(maps),
            "current": becomes_current,
        },
    )
    return LoadResult(version, True, becomes_current, len(standard.leaves))


def _check_map_sources(standard: Standard) -> None:
    """Refuse a code map naming codes that the loaded previous version does not have."""
    loaded = StandardVersion.by_label(standard.previous) if standard.previous else None
    if loaded is None:
        return
    codes = set(
        db.session.scalars(db.select(Category.code).where(Category.version_id == loaded.id))
    )
    problems = [
        _(
            "%(w)s：旧代码 %(c)s 不在已载入的版本 %(p)s 中",
            w="standard.toml",
            c=old,
            p=loaded.version,
        )
        for old in standard.code_map
        if old not in codes
    ]
    if problems:
        raise StandardFileError(problems)


def _category_values(version_id: int, position: int, entry: Entry) -> dict:
    return {
        "version_id": version_id,
        "code": entry.code,
        "name": entry.name,
        "part": entry.part,
        "parent_code": entry.parent_code,
        "is_leaf": entry.is_leaf,
        "position": position,
        "levels": entry.levels,
        "frequency": entry.frequency,
        "deadline": json.dumps(entry.deadline, ensure_ascii=False, sort_keys=True),
        "applies_downward": entry.applies_downward,
        "kind": entry.kind,
        "privacy": entry.privacy,
        "field_set": entry.field_set,
        "fields": json.dumps(entry.fields, ensure_ascii=False),
        "basis": entry.basis,
        "basis_status": entry.basis_status,
        "note": entry.note,
    }


def ensure_loaded(actor=None) -> StandardVersion | None:
    """Load the newest shipped version if no version is current yet; the caller commits."""
    current = current_version()
    if current is not None:
        return current
    folder = newest_folder()
    if folder is None:
        return None
    return load_version(folder, actor).version


# ---------------------------------------------------------------- comparing versions

COMPARED = (
    "name",
    "levels",
    "frequency",
    "deadline",
    "applies_downward",
    "kind",
    "privacy",
    "field_set",
    "basis",
    "basis_status",
)


@dataclass
class Snapshot:
    """A version reduced to what a diff compares: entries by code and the code map."""

    version: str
    previous: str
    entries: dict[str, Entry]
    code_map: dict[str, list[str]]


@dataclass
class StandardDiff:
    old: str
    new: str
    added: list[Entry] = field(default_factory=list)
    removed: list[Entry] = field(default_factory=list)
    moved: list[tuple[str, list[str]]] = field(default_factory=list)  # old code -> new codes
    merged: list[tuple[str, str]] = field(default_factory=list)  # old code -> code it joined
    renamed: list[tuple[str, str, str, str]] = field(default_factory=list)  # old, new, names
    changed: list[tuple[str, str, object, object]] = field(default_factory=list)
    fields_changed: list[tuple[str, list[str], list[str], list[str]]] = field(
        default_factory=list
    )  # code, added, removed, changed field names
    map_applied: bool = True

    @property
    def empty(self) -> bool:
        return not (
            self.added
            or self.removed
            or self.moved
            or self.merged
            or self.renamed
            or self.changed
            or self.fields_changed
        )


def snapshot(ref: str | Path) -> Snapshot:
    """A version folder (a path) or a loaded version (its label) for comparing."""
    path = Path(ref)
    if path.is_dir():
        standard = read_standard(path)
        return Snapshot(standard.version, standard.previous, standard.by_code(), standard.code_map)
    version = StandardVersion.by_label(str(ref))
    if version is None:
        raise StandardFileError([_("%(r)s：既不是版本目录，也不是已载入的版本", r=str(ref))])
    entries = {}
    for c in version.categories():
        entries[c.code] = Entry(
            code=c.code,
            name=c.name,
            part=c.part,
            parent_code=c.parent_code,
            is_leaf=c.is_leaf,
            levels=c.levels,
            frequency=c.frequency,
            deadline=c.deadline_rules,
            applies_downward=c.applies_downward,
            kind=c.kind,
            privacy=c.privacy,
            field_set=c.field_set,
            fields=c.field_list,
            basis=c.basis,
            basis_status=c.basis_status,
            note=c.note,
        )
    code_map: dict[str, list[str]] = {}
    for row in db.session.scalars(
        db.select(CategoryCodeMap)
        .where(CategoryCodeMap.version_id == version.id)
        .order_by(CategoryCodeMap.from_code, CategoryCodeMap.ordinal)
    ):
        code_map.setdefault(row.from_code, []).append(row.to_code)
    return Snapshot(version.version, version.previous, entries, code_map)


def _value(entry: Entry, attribute: str):
    if attribute == "deadline":
        rules = entry.deadline.get("rules", {})
        return format_deadline(rules) if rules else ""
    return getattr(entry, attribute)


def _field_changes(old: Entry, new: Entry) -> tuple[list[str], list[str], list[str]]:
    before = {f["name"]: f for f in old.fields}
    after = {f["name"]: f for f in new.fields}
    added = [n for n in after if n not in before]
    removed = [n for n in before if n not in after]
    changed = [n for n in after if n in before and after[n] != before[n]]
    return added, removed, changed


def diff_standards(old: Snapshot, new: Snapshot) -> StandardDiff:
    """What changed from one version to another, following the newer one's code map."""
    result = StandardDiff(old.version, new.version)
    # The code map speaks about the version it revises; between other pairs codes are compared
    # as they are.
    code_map = new.code_map if new.previous == old.version else {}
    result.map_applied = not new.code_map or new.previous == old.version
    successors: dict[str, list[str]] = {}
    predecessors: dict[str, list[str]] = {}
    for code in old.entries:
        if code in code_map:
            targets = [t for t in code_map[code] if t in new.entries]
        else:
            targets = [code] if code in new.entries else []
        successors[code] = targets
        for target in targets:
            predecessors.setdefault(target, []).append(code)
    for code, before in old.entries.items():
        targets = successors[code]
        if not targets:
            result.removed.append(before)
            continue
        if len(targets) > 1:
            result.moved.append((code, targets))
            continue
        target = targets[0]
        if len(predecessors[target]) > 1 and target != code:
            result.merged.append((code, target))
            continue
        if target != code:
            result.moved.append((code, targets))
        after = new.entries[target]
        if after.name != before.name:
            result.renamed.append((code, target, before.name, after.name))
        for attribute in COMPARED[1:]:
            a, b = _value(before, attribute), _value(after, attribute)
            if a != b:
                result.changed.append((target, attribute, a, b))
        added, removed, changed = _field_changes(before, after)
        if added or removed or changed:
            result.fields_changed.append((target, added, removed, changed))
    result.added = [e for code, e in new.entries.items() if code not in predecessors]
    return result
