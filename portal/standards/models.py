"""Tables of the content standard: its versions, their categories and where old codes went."""

from __future__ import annotations

import json
from datetime import date, datetime

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.core.audit import utcnow
from portal.extensions import db

# Site levels and the letters the standard uses for them, top down.
LEVEL_LETTERS = {"city": "C", "district": "D", "township": "T", "village": "V"}
LETTER_ORDER = "CDTV"
GOVERNMENT_LETTERS = "CDT"  # levels bound by the 政府信息公开条例; V follows 村民委员会组织法
LETTER_NAMES = {"C": _l("市"), "D": _l("区(市)县"), "T": _l("乡镇(街道)"), "V": _l("村(社区)")}

FREQUENCIES = {
    "EVENT": _l("随时公开"),
    "MONTHLY": _l("每月公开"),
    "QUARTERLY": _l("每季度公开"),
    "YEARLY": _l("每年公开"),
    "STANDING": _l("长期公开，变更时更新"),
}
NOTICE_PREFIX = "NOTICE"  # NOTICE<n>: a posting (公示) that stays up n days


def frequency_name(frequency: str | None) -> str:
    """每季度公开, 公示7天, ... for a frequency code of the standard."""
    if frequency and frequency.startswith(NOTICE_PREFIX):
        return _("公示%(n)s天", n=frequency[len(NOTICE_PREFIX) :])
    return str(FREQUENCIES.get(frequency or "", ""))

KINDS = {
    "item": _l("一般事项"),
    "policy": _l("政策文件"),
    "notice": _l("通知公告"),
    "decision": _l("会议决定"),
    "roster": _l("名单"),
    "statement": _l("财务报表"),
    "register": _l("台账"),
}
STRUCTURED_KINDS = frozenset({"policy", "roster", "statement", "register"})

PRIVACY_CLASSES = {
    "none": _l("不含个人信息"),
    "mask": _l("身份信息脱敏"),
    "mask_strict": _l("严格脱敏(社会救助)"),
    "phone_mask": _l("手机号码脱敏"),
    "no_id": _l("不公开任何证件号码"),
    "self_only": _l("仅本人可查"),
    "no_names": _l("隐去姓名"),
    "name_ok": _l("依法公开姓名"),
}

BASIS_STATUSES = {
    "F": _l("依据已查到出处"),
    "M": _l("依据凭记忆，待核实"),
    "I": _l("推定"),
}

FIELD_TYPES = frozenset(
    {"text", "int", "decimal", "money", "date", "month", "enum", "person", "bool"}
)


def version_key(version: str) -> tuple[int, ...]:
    """Sort key of a version label such as "2026.1" (so that 2026.10 follows 2026.9)."""
    return tuple(int(p) for p in version.split("."))


class StandardVersion(db.Model):
    """One loaded version of the standard; exactly one is current once any is loaded."""

    __tablename__ = "standard_version"
    id: Mapped[int] = mapped_column(primary_key=True)
    version: Mapped[str] = mapped_column(db.String(20), unique=True)
    title: Mapped[str] = mapped_column(db.String(200))
    published_on: Mapped[date]
    note: Mapped[str] = mapped_column(db.Text, default="")
    previous: Mapped[str] = mapped_column(db.String(20), default="")
    digest: Mapped[str] = mapped_column(db.String(64))
    min_display_days: Mapped[int] = mapped_column(default=10)
    parts: Mapped[str] = mapped_column(db.Text, default="{}")  # {"A": "公开服务", ...}
    loaded_at: Mapped[datetime] = mapped_column(default=utcnow)
    is_current: Mapped[bool] = mapped_column(default=False)

    @property
    def part_names(self) -> dict[str, str]:
        return json.loads(self.parts)

    @classmethod
    def by_label(cls, version: str) -> StandardVersion | None:
        """Find a loaded version by its label, e.g. "2026.1"."""
        return db.session.scalar(db.select(cls).where(cls.version == version))

    def categories(self, leaves_only: bool = False) -> list[Category]:
        """This version's categories in the standard's order (大类 before their 小类)."""
        query = db.select(Category).where(Category.version_id == self.id)
        if leaves_only:
            query = query.where(Category.is_leaf.is_(True))
        return list(db.session.scalars(query.order_by(Category.position)))

    def __repr__(self) -> str:
        return f"<StandardVersion {self.version}{' current' if self.is_current else ''}>"


class Category(db.Model):
    """A 大类 (is_leaf false) or a 小类 (leaf: what an item is filed under) of one version."""

    __tablename__ = "standard_category"
    __table_args__ = (db.UniqueConstraint("version_id", "code"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = mapped_column(db.ForeignKey("standard_version.id"))
    code: Mapped[str] = mapped_column(db.String(8))
    name: Mapped[str] = mapped_column(db.String(80))
    part: Mapped[str] = mapped_column(db.String(1))
    parent_code: Mapped[str | None] = mapped_column(db.String(8))
    is_leaf: Mapped[bool]
    position: Mapped[int]
    levels: Mapped[str] = mapped_column(db.String(4))  # e.g. "DTV"; a 大类 has its leaves' union
    frequency: Mapped[str | None] = mapped_column(db.String(12))
    deadline: Mapped[str] = mapped_column(db.Text, default="{}")  # JSON, see deadline_rule()
    applies_downward: Mapped[bool] = mapped_column(default=False)
    kind: Mapped[str | None] = mapped_column(db.String(12))
    privacy: Mapped[str | None] = mapped_column(db.String(12))
    field_set: Mapped[str | None] = mapped_column(db.String(32))
    fields: Mapped[str] = mapped_column(db.Text, default="[]")  # JSON list of field specs
    basis: Mapped[str] = mapped_column(db.Text, default="")
    basis_status: Mapped[str | None] = mapped_column(db.String(1))
    note: Mapped[str] = mapped_column(db.Text, default="")

    version: Mapped[StandardVersion] = relationship()

    @property
    def field_list(self) -> list[dict]:
        """The fields a structured category carries: name, label, type, unit, required."""
        return json.loads(self.fields)

    @property
    def deadline_rules(self) -> dict:
        return json.loads(self.deadline)

    def publishes_at(self, level: str) -> bool:
        """Whether sites of this level ("city" ... "village") publish in this category."""
        return LEVEL_LETTERS[level] in self.levels

    def deadline_rule(self, level: str, finance_heavy: bool = False) -> tuple[str, dict] | None:
        """(frequency, rule) binding a site of this level; finance-heavy villages may differ."""
        letter = LEVEL_LETTERS[level]
        rules = self.deadline_rules
        heavy = rules.get("finance_heavy")
        if finance_heavy and heavy and letter in heavy["rules"]:
            return heavy["frequency"], heavy["rules"][letter]
        if letter not in rules.get("rules", {}):
            return None
        return self.frequency, rules["rules"][letter]

    def frequency_at(self, level: str, finance_heavy: bool = False) -> str | None:
        """The frequency binding a site of this level (finance-heavy villages: monthly)."""
        found = self.deadline_rule(level, finance_heavy)
        return found[0] if found else self.frequency

    @property
    def frequency_label(self) -> str:
        return frequency_name(self.frequency)

    @property
    def levels_label(self) -> str:
        return "、".join(str(LETTER_NAMES[c]) for c in self.levels)

    def __repr__(self) -> str:
        return f"<Category {self.code} {self.name}>"


class CategoryCodeMap(db.Model):
    """Where a code of an earlier version went in the version that declared the map."""

    __tablename__ = "standard_code_map"
    __table_args__ = (db.UniqueConstraint("version_id", "from_code", "to_code"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = mapped_column(db.ForeignKey("standard_version.id"))  # to_version
    from_version: Mapped[str] = mapped_column(db.String(20))
    from_code: Mapped[str] = mapped_column(db.String(8))
    to_code: Mapped[str] = mapped_column(db.String(8))
    ordinal: Mapped[int] = mapped_column(default=0)  # 0: where items of a split code are shown

    version: Mapped[StandardVersion] = relationship()


def current_version() -> StandardVersion | None:
    """The version sites publish under, or None before any is loaded."""
    return db.session.scalar(db.select(StandardVersion).where(StandardVersion.is_current.is_(True)))


def _version(version: StandardVersion | str | None) -> StandardVersion | None:
    if isinstance(version, StandardVersion):
        return version
    if version is None:
        return current_version()
    return StandardVersion.by_label(version)


def get_category(code: str, version: StandardVersion | str | None = None) -> Category | None:
    """One category of a version (default: the current one) by its code."""
    found = _version(version)
    if found is None:
        return None
    return db.session.scalar(
        db.select(Category).where(Category.version_id == found.id, Category.code == code)
    )


def categories_for_level(
    level: str, version: StandardVersion | str | None = None
) -> list[Category]:
    """The leaves a site of this level publishes in, in the standard's order."""
    found = _version(version)
    if found is None:
        return []
    letter = LEVEL_LETTERS[level]
    return list(
        db.session.scalars(
            db.select(Category)
            .where(
                Category.version_id == found.id,
                Category.is_leaf.is_(True),
                Category.levels.contains(letter),
            )
            .order_by(Category.position)
        )
    )


def categories_of_kind(kind: str, version: StandardVersion | str | None = None) -> list[Category]:
    """The leaves of one kind ("policy", "decision", ...), in the standard's order."""
    if kind not in KINDS:
        raise KeyError(f"unknown kind {kind!r}")
    found = _version(version)
    if found is None:
        return []
    return list(
        db.session.scalars(
            db.select(Category)
            .where(Category.version_id == found.id, Category.kind == kind)
            .order_by(Category.position)
        )
    )


def resolve_all(code: str, version: StandardVersion | str | None = None) -> list[Category]:
    """Every current category an item filed under (version, code) now belongs to, primary first."""
    current = current_version()
    start = _version(version)
    if current is None or start is None:
        return []
    codes = [code]
    later = [
        v
        for v in db.session.scalars(db.select(StandardVersion))
        if version_key(start.version) < version_key(v.version) <= version_key(current.version)
    ]
    for step in sorted(later, key=lambda v: version_key(v.version)):
        maps: dict[str, list[str]] = {}
        for row in db.session.scalars(
            db.select(CategoryCodeMap)
            .where(CategoryCodeMap.version_id == step.id)
            .order_by(CategoryCodeMap.from_code, CategoryCodeMap.ordinal)
        ):
            maps.setdefault(row.from_code, []).append(row.to_code)
        present = set(
            db.session.scalars(db.select(Category.code).where(Category.version_id == step.id))
        )
        followed: list[str] = []
        for c in codes:
            # A mapped code goes where the map says; an unmapped one keeps its code if it still
            # exists; otherwise it was dropped and nothing current holds it.
            for target in maps.get(c, [c] if c in present else []):
                if target not in followed:
                    followed.append(target)
        codes = followed
    if not codes:
        return []
    found = {
        c.code: c
        for c in db.session.scalars(
            db.select(Category).where(Category.version_id == current.id, Category.code.in_(codes))
        )
    }
    return [found[c] for c in codes if c in found]


def resolve(code: str, version: StandardVersion | str | None = None) -> Category | None:
    """The current category for a code filed under an older version, following its code maps."""
    found = resolve_all(code, version)
    return found[0] if found else None
