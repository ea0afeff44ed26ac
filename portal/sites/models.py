"""The Site table: one row per administrative unit, keyed by its official 12-digit code."""

from __future__ import annotations

from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.core.audit import utcnow
from portal.core.tenancy import ancestor_codes, prefix_of, subtree_clause
from portal.extensions import db

LEVEL_NAMES = {
    "city": _l("市"),
    "district": _l("区(市)县"),
    "township": _l("乡镇(街道)"),
    "village": _l("村(社区)"),
}


class Site(db.Model):
    """A disclosure site: a city, district/county, township/street or village/community."""

    __tablename__ = "site"
    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(db.String(12), unique=True)
    name: Mapped[str] = mapped_column(db.String(80))
    short_name: Mapped[str] = mapped_column(db.String(80))
    level: Mapped[str] = mapped_column(db.String(10), index=True)
    parent_id: Mapped[int | None] = mapped_column(db.ForeignKey("site.id"), index=True)
    pinyin: Mapped[str] = mapped_column(db.String(255), default="")
    initials: Mapped[str] = mapped_column(db.String(80), default="", index=True)
    initials_sm: Mapped[str] = mapped_column(db.String(120), default="", index=True)
    phone: Mapped[str | None] = mapped_column(db.String(40))
    address: Mapped[str | None] = mapped_column(db.String(200))
    population: Mapped[int | None]
    households: Mapped[int | None]
    intro: Mapped[str | None] = mapped_column(db.Text)
    # A village whose collective has many transactions publishes its accounts monthly
    # (村民委员会组织法 art. 30); the township decides, see finance.periods.set_finance_heavy.
    finance_heavy: Mapped[bool] = mapped_column(default=False, server_default=db.false())
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)

    parent: Mapped[Site | None] = relationship(remote_side=[id])

    @property
    def prefix(self) -> str:
        """The code prefix shared by this site and everything below it."""
        return prefix_of(self.code, self.level)

    @property
    def level_name(self) -> str:
        return LEVEL_NAMES[self.level]

    def subtree(self):
        """A condition selecting this site and all sites below it."""
        return subtree_clause(Site.code, self.code, self.level)

    def ancestors(self) -> list[Site]:
        """The sites above this one, city first (one query)."""
        codes = ancestor_codes(self.code)[:-1]
        if not codes:
            return []
        rows = db.session.scalars(db.select(Site).where(Site.code.in_(codes))).all()
        return sorted(rows, key=lambda s: len(s.prefix))

    def children(self) -> list[Site]:
        """The sites directly below this one, in code order."""
        return db.session.scalars(
            db.select(Site).where(Site.parent_id == self.id).order_by(Site.code)
        ).all()

    @classmethod
    def by_code(cls, code: str) -> Site | None:
        """Find a site by its 12-digit code."""
        if not (isinstance(code, str) and len(code) == 12 and code.isdigit()):
            return None
        return db.session.scalar(db.select(cls).where(cls.code == code))

    def __repr__(self) -> str:
        return f"<Site {self.code} {self.name}>"


def find_sites(query: str, limit: int = 20) -> list[Site]:
    """Sites whose name contains the query or whose pinyin or initials start with it."""
    q = "".join(query.split())[:40]
    if not q:
        return []
    if q.isascii():
        key = q.lower()
        if not key.isalnum():
            return []
        cond = db.or_(
            Site.initials.startswith(key, autoescape=True),
            Site.initials_sm.startswith(key, autoescape=True),
            Site.pinyin.startswith(key, autoescape=True),
        )
        if key.isdigit():
            cond = db.or_(cond, Site.code.startswith(key, autoescape=True))
    else:
        cond = db.or_(
            Site.short_name.contains(q, autoescape=True), Site.name.contains(q, autoescape=True)
        )
    rows = db.session.scalars(
        db.select(Site).where(cond).order_by(db.func.length(Site.short_name), Site.code).limit(200)
    ).all()
    # Exact short names and initials first, then villages before larger units.
    rank = {"village": 0, "township": 1, "district": 2, "city": 3}

    def score(site):
        exact = q in (site.short_name, site.initials, site.initials_sm, site.pinyin)
        return (not exact, rank[site.level], len(site.short_name), site.code)

    return sorted(rows, key=score)[:limit]


def ancestors_of_many(sites: list[Site]) -> dict[str, Site]:
    """All ancestors of many sites by code, in one query (for labelling search results)."""
    codes = {c for s in sites for c in ancestor_codes(s.code)[:-1]}
    if not codes:
        return {}
    return {s.code: s for s in db.session.scalars(db.select(Site).where(Site.code.in_(codes)))}


def path_label(site: Site, labels: dict[str, Site]) -> str:
    """"郫都区 / 安德街道": where a site lies, from ancestors loaded by ancestors_of_many."""
    names = [labels[c].short_name for c in ancestor_codes(site.code)[:-1] if c in labels]
    return " / ".join(names)
