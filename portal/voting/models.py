"""Village rosters, polls and evaluations, ballots kept apart from participation, proxies, and
四议两公开 matters with their recorded steps."""

from __future__ import annotations

import json
from datetime import date, datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import event
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.accounts.models import Household, Residency
from portal.content.models import Item
from portal.core.audit import utcnow
from portal.extensions import db

ELECTORATE_NAMES = {"adults": _l("全体十八周岁以上村民"), "households": _l("户代表(每户一票)"),
                    "representatives": _l("村民代表")}


class RosterEntry(db.Model):
    """One person on a village's household roster (户籍花名册); the ID number only as a salted hash."""

    __tablename__ = "roster_entry"
    __table_args__ = (db.UniqueConstraint("site_id", "id_hash"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    site_id: Mapped[int] = mapped_column(db.ForeignKey("site.id"), index=True)
    household_id: Mapped[int] = mapped_column(db.ForeignKey("household.id"), index=True)
    name: Mapped[str] = mapped_column(db.String(40))
    id_hash: Mapped[str] = mapped_column(db.String(64))
    born_on: Mapped[date]
    relation: Mapped[str] = mapped_column(db.String(20))  # 与户主关系: 户主, 配偶, 子, ...
    is_representative: Mapped[bool] = mapped_column(default=False)
    imported_at: Mapped[datetime] = mapped_column(default=utcnow)

    household: Mapped[Household] = relationship()

    @property
    def is_head(self) -> bool:
        return self.relation == "户主"

    def is_adult_on(self, day: date) -> bool:
        """Eighteen or older on that day (组织法 art. 13)."""
        try:
            eighteenth = self.born_on.replace(year=self.born_on.year + 18)
        except ValueError:  # born on 29 February
            eighteenth = date(self.born_on.year + 18, 3, 1)
        return eighteenth <= day


class Poll(db.Model):
    """A vote or a democratic evaluation of one village; its rules freeze when it opens."""

    __tablename__ = "poll"
    id: Mapped[int] = mapped_column(primary_key=True)
    site_id: Mapped[int] = mapped_column(db.ForeignKey("site.id"), index=True)
    kind: Mapped[str] = mapped_column(db.String(12), default="vote")  # vote | evaluation
    title: Mapped[str] = mapped_column(db.String(200))
    description: Mapped[str] = mapped_column(db.Text, default="")
    multiple: Mapped[bool] = mapped_column(default=False)
    max_choices: Mapped[int] = mapped_column(default=1)
    opens_at: Mapped[datetime]
    closes_at: Mapped[datetime]
    secret: Mapped[bool] = mapped_column(default=True)
    electorate: Mapped[str] = mapped_column(db.String(16))
    rule_code: Mapped[str] = mapped_column(db.String(40))
    rule_json: Mapped[str] = mapped_column(db.Text)  # the rule's parameters as frozen into the poll
    meeting_date: Mapped[date | None]  # set when a lawful meeting recorded this vote
    meeting_present: Mapped[int | None]  # persons present at the meeting (paper count)
    result_json: Mapped[str | None] = mapped_column(db.Text)
    result_item_id: Mapped[int | None] = mapped_column(db.ForeignKey("item.id"))
    results_at: Mapped[datetime | None]
    created_by_id: Mapped[int] = mapped_column(db.ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    options: Mapped[list[PollOption]] = relationship(
        order_by="PollOption.position", back_populates="poll", cascade="all, delete-orphan")

    FROZEN = ("title", "description", "multiple", "max_choices", "opens_at", "closes_at",
              "secret", "electorate", "rule_code", "rule_json", "kind")

    def state(self, now: datetime | None = None) -> str:
        """upcoming, open or closed, by the clock."""
        now = now or utcnow()
        if now < self.opens_at:
            return "upcoming"
        return "open" if now < self.closes_at else "closed"

    @property
    def rule(self):
        from portal.voting.rules import rule_from_dict

        return rule_from_dict(json.loads(self.rule_json))

    @property
    def result(self) -> dict | None:
        return json.loads(self.result_json) if self.result_json else None

    @property
    def advisory(self) -> bool:
        """An online poll without a recorded meeting is consultation for the meeting only."""
        return self.meeting_date is None


class PollOption(db.Model):
    """A choice of a poll (for an evaluation: one cadre), with the meeting's paper count."""

    __tablename__ = "poll_option"
    id: Mapped[int] = mapped_column(primary_key=True)
    poll_id: Mapped[int] = mapped_column(db.ForeignKey("poll.id"), index=True)
    site_id: Mapped[int] = mapped_column(db.ForeignKey("site.id"))
    position: Mapped[int]
    label: Mapped[str] = mapped_column(db.String(100))
    paper_votes: Mapped[int | None]

    poll: Mapped[Poll] = relationship(back_populates="options")


class Ballot(db.Model):
    """A cast ballot. Secret: no voter, no time, a random id, so neither who nor when can be read."""

    __tablename__ = "ballot"
    __table_args__ = (db.UniqueConstraint("poll_id", "voter_key"),
                      db.UniqueConstraint("poll_id", "receipt"))
    id: Mapped[str] = mapped_column(db.String(32), primary_key=True)  # random, not a sequence
    poll_id: Mapped[int] = mapped_column(db.ForeignKey("poll.id"), index=True)
    site_id: Mapped[int] = mapped_column(db.ForeignKey("site.id"))
    receipt: Mapped[str] = mapped_column(db.String(24))
    choices: Mapped[str] = mapped_column(db.Text)  # JSON: [option ids] or {option id: rating}
    group_name: Mapped[str | None] = mapped_column(db.String(40))  # 村民小组, for group results
    voter_key: Mapped[str | None] = mapped_column(db.String(40))  # open ballots only


class Participation(db.Model):
    """Who took part in a poll (never what they chose); UNIQUE per voter: one ballot per voter."""

    __tablename__ = "poll_participation"
    __table_args__ = (db.UniqueConstraint("poll_id", "voter_key"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    poll_id: Mapped[int] = mapped_column(db.ForeignKey("poll.id"), index=True)
    site_id: Mapped[int] = mapped_column(db.ForeignKey("site.id"))
    voter_key: Mapped[str] = mapped_column(db.String(40))  # r<residency> or h<household>
    principal_id: Mapped[int] = mapped_column(db.ForeignKey("residency.id"))
    cast_by_id: Mapped[int] = mapped_column(db.ForeignKey("residency.id"))  # a proxy, or the same
    household_id: Mapped[int | None] = mapped_column(db.ForeignKey("household.id"))
    voted_on: Mapped[date]  # the day only


PROXY_RELATIONS = {"spouse": _l("配偶"), "parent": _l("父母"), "child": _l("子女"),
                   "sibling": _l("兄弟姐妹"), "grandparent": _l("祖父母、外祖父母"),
                   "grandchild": _l("孙子女、外孙子女")}
PROXY_STATES = {"pending": _l("待审批"), "approved": _l("已批准"), "rejected": _l("未批准")}


class ProxyGrant(db.Model):
    """A written proxy for one poll to a close relative (近亲属) who votes in the same village."""

    __tablename__ = "poll_proxy"
    __table_args__ = (db.UniqueConstraint("poll_id", "principal_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    poll_id: Mapped[int] = mapped_column(db.ForeignKey("poll.id"), index=True)
    site_id: Mapped[int] = mapped_column(db.ForeignKey("site.id"))
    principal_id: Mapped[int] = mapped_column(db.ForeignKey("residency.id"))
    proxy_id: Mapped[int] = mapped_column(db.ForeignKey("residency.id"), index=True)
    relation: Mapped[str] = mapped_column(db.String(12))
    status: Mapped[str] = mapped_column(db.String(10), default="pending")
    requested_at: Mapped[datetime] = mapped_column(default=utcnow)
    decided_by_id: Mapped[int | None] = mapped_column(db.ForeignKey("user_account.id"))
    decided_at: Mapped[datetime | None]

    principal: Mapped[Residency] = relationship(foreign_keys=[principal_id])
    proxy: Mapped[Residency] = relationship(foreign_keys=[proxy_id])


DEFAULT_STAGES = ("党组织提议", "两委商议", "党员大会审议", "村民(代表)会议决议", "决议公开",
                  "实施结果公开")


class Matter(db.Model):
    """A decision under 四议两公开: configurable stages, each recorded in order, all public."""

    __tablename__ = "matter"
    id: Mapped[int] = mapped_column(primary_key=True)
    site_id: Mapped[int] = mapped_column(db.ForeignKey("site.id"), index=True)
    title: Mapped[str] = mapped_column(db.String(200))
    summary: Mapped[str] = mapped_column(db.Text, default="")
    stages_json: Mapped[str] = mapped_column(db.Text)
    resolution_stage: Mapped[int]  # index of the stage that links to a poll
    publish_stages: Mapped[str] = mapped_column(db.String(40))  # JSON: [index, index]
    created_by_id: Mapped[int] = mapped_column(db.ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    steps: Mapped[list[MatterStep]] = relationship(order_by="MatterStep.position",
                                                   back_populates="matter")

    @property
    def stages(self) -> list[str]:
        return json.loads(self.stages_json)

    @property
    def publishing(self) -> list[int]:
        return json.loads(self.publish_stages)

    @property
    def done(self) -> bool:
        return len(self.steps) >= len(self.stages)

    @property
    def next_stage(self) -> str | None:
        return None if self.done else self.stages[len(self.steps)]


class MatterStep(db.Model):
    """One recorded stage of a matter: when, who acted, the minutes, and its poll or item."""

    __tablename__ = "matter_step"
    __table_args__ = (db.UniqueConstraint("matter_id", "position"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    matter_id: Mapped[int] = mapped_column(db.ForeignKey("matter.id"), index=True)
    site_id: Mapped[int] = mapped_column(db.ForeignKey("site.id"))
    position: Mapped[int]
    stage: Mapped[str] = mapped_column(db.String(40))
    acted_on: Mapped[date]
    acted_by: Mapped[str] = mapped_column(db.String(80))  # the body or person who acted
    minutes: Mapped[str] = mapped_column(db.Text)
    poll_id: Mapped[int | None] = mapped_column(db.ForeignKey("poll.id"))
    item_id: Mapped[int | None] = mapped_column(db.ForeignKey("item.id"))
    recorded_by_id: Mapped[int] = mapped_column(db.ForeignKey("user_account.id"))
    recorded_at: Mapped[datetime] = mapped_column(default=utcnow)

    matter: Mapped[Matter] = relationship(back_populates="steps")
    poll: Mapped[Poll | None] = relationship()
    item: Mapped[Item | None] = relationship()


@event.listens_for(Poll, "before_update")
def _refuse_frozen_change(mapper, connection, target):
    """A guard below the operations: an open or closed poll's rules never change."""
    from sqlalchemy import inspect

    state = inspect(target)
    opened = state.attrs.opens_at.history.deleted or [target.opens_at]
    if opened[0] is None or utcnow() < opened[0]:
        return
    for name in Poll.FROZEN:
        if state.attrs[name].history.has_changes():
            raise RuntimeError(f"poll {target.id} is open: {name} is frozen")
