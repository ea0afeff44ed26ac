"""Ledger periods, their imported revisions and entries, the content items they publish, the
三资 registers and the special funds (专项资金) entries are booked against.

Money is integer fen throughout. An imported ledger is never changed: importing a period again adds
a revision; the public sees the latest revision whose statement items are all published.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import event
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.core.audit import utcnow
from portal.extensions import db


class LedgerPeriod(db.Model):
    """One accounting period (a month or a quarter, see periods.ledger_kind) of one site's books."""

    __tablename__ = "ledger_period"
    __table_args__ = (db.UniqueConstraint("site_id", "kind", "start"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    site_id: Mapped[int] = mapped_column(db.ForeignKey("site.id"), index=True)
    kind: Mapped[str] = mapped_column(db.String(8))  # month or quarter
    start: Mapped[date]
    end: Mapped[date]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    @property
    def key(self) -> str:
        from portal.finance.periods import key_of

        return key_of(self.kind, self.start)

    @property
    def label(self) -> str:
        from portal.content.periods import period_label

        return period_label(self.kind, self.start)


class LedgerRevision(db.Model):
    """One import of a period's ledger: balances, totals and the file it came from."""

    __tablename__ = "ledger_revision"
    __table_args__ = (db.UniqueConstraint("period_id", "number"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    site_id: Mapped[int] = mapped_column(db.ForeignKey("site.id"), index=True)
    period_id: Mapped[int] = mapped_column(db.ForeignKey("ledger_period.id"), index=True)
    number: Mapped[int]
    opening_fen: Mapped[int] = mapped_column(db.BigInteger)
    income_fen: Mapped[int] = mapped_column(db.BigInteger)
    expense_fen: Mapped[int] = mapped_column(db.BigInteger)
    closing_fen: Mapped[int] = mapped_column(db.BigInteger)
    entry_count: Mapped[int]
    filename: Mapped[str] = mapped_column(db.String(200))
    file_sha256: Mapped[str] = mapped_column(db.String(64))
    reason: Mapped[str | None] = mapped_column(db.String(500))  # why a re-import
    imported_by_id: Mapped[int] = mapped_column(db.ForeignKey("user_account.id"))
    imported_at: Mapped[datetime] = mapped_column(default=utcnow)
    # Set when the statement items are handed to the reviewers; the revision is public once
    # every one of its items has a newer published revision (see queries.public_revision_ids).
    submitted_at: Mapped[datetime | None]
    submitted_by_id: Mapped[int | None] = mapped_column(db.ForeignKey("user_account.id"))

    period: Mapped[LedgerPeriod] = relationship()


class LedgerEntry(db.Model):
    """One line of the cash journal: income or expense against one account."""

    __tablename__ = "ledger_entry"
    id: Mapped[int] = mapped_column(primary_key=True)
    site_id: Mapped[int] = mapped_column(db.ForeignKey("site.id"), index=True)
    revision_id: Mapped[int] = mapped_column(db.ForeignKey("ledger_revision.id"), index=True)
    line: Mapped[int]  # the line of the imported file
    day: Mapped[date]
    voucher: Mapped[str] = mapped_column(db.String(40), default="")
    account_code: Mapped[str] = mapped_column(db.String(12))
    account_name: Mapped[str] = mapped_column(db.String(40))
    category_code: Mapped[str | None] = mapped_column(db.String(16))
    summary: Mapped[str] = mapped_column(db.String(300))
    income_fen: Mapped[int] = mapped_column(db.BigInteger, default=0)
    expense_fen: Mapped[int] = mapped_column(db.BigInteger, default=0)
    counterparty: Mapped[str] = mapped_column(db.String(100), default="")  # masked when a person
    settlement: Mapped[str] = mapped_column(db.String(20), default="")  # 现金, 转账, ...
    fund: Mapped[str] = mapped_column(db.String(100), default="")  # 专项资金 the line belongs to


class StatementItem(db.Model):
    """The content item a revision's statement is published as, one per finance category."""

    __tablename__ = "ledger_statement_item"
    revision_id: Mapped[int] = mapped_column(db.ForeignKey("ledger_revision.id"),
                                             primary_key=True)
    category_code: Mapped[str] = mapped_column(db.String(16), primary_key=True)
    site_id: Mapped[int] = mapped_column(db.ForeignKey("site.id"), index=True)
    item_id: Mapped[int] = mapped_column(db.ForeignKey("item.id"), index=True)
    # The item's last revision number when this statement was handed over: the statement is
    # published once the item has a later one.
    prior_number: Mapped[int] = mapped_column(default=0)


class RegisterSnapshot(db.Model):
    """One import of a 三资 register (assets, resources, contracts or debts) as of a date.

    Importing the same register for the same date again adds a revision (number 2, 3, ...) with
    its reason; nothing is ever overwritten.
    """

    __tablename__ = "register_snapshot"
    __table_args__ = (db.UniqueConstraint("site_id", "kind", "as_of", "number"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    site_id: Mapped[int] = mapped_column(db.ForeignKey("site.id"), index=True)
    kind: Mapped[str] = mapped_column(db.String(12))  # asset, resource, contract, debt
    as_of: Mapped[date]
    number: Mapped[int]
    row_count: Mapped[int]
    filename: Mapped[str] = mapped_column(db.String(200))
    file_sha256: Mapped[str] = mapped_column(db.String(64))
    reason: Mapped[str | None] = mapped_column(db.String(500))  # why a re-import
    imported_by_id: Mapped[int] = mapped_column(db.ForeignKey("user_account.id"))
    imported_at: Mapped[datetime] = mapped_column(default=utcnow)
    submitted_at: Mapped[datetime | None]
    submitted_by_id: Mapped[int | None] = mapped_column(db.ForeignKey("user_account.id"))
    # A resource register is published together with the contracts snapshot it was submitted
    # with (contracts have no category of their own; they are shown with the land they let).
    contracts_id: Mapped[int | None] = mapped_column(db.ForeignKey("register_snapshot.id"))


class RegisterRow(db.Model):
    """One line of a register. The columns are shared by the four registers; see
    portal/finance/registers.py for which register uses which column and what it means."""

    __tablename__ = "register_row"
    id: Mapped[int] = mapped_column(primary_key=True)
    site_id: Mapped[int] = mapped_column(db.ForeignKey("site.id"), index=True)
    snapshot_id: Mapped[int] = mapped_column(db.ForeignKey("register_snapshot.id"), index=True)
    line: Mapped[int]  # the line of the imported file
    code: Mapped[str] = mapped_column(db.String(40), default="")
    name: Mapped[str] = mapped_column(db.String(100), default="")
    category: Mapped[str] = mapped_column(db.String(20), default="")  # class, land class, side
    unit: Mapped[str] = mapped_column(db.String(10), default="")
    quantity: Mapped[Decimal | None] = mapped_column(db.Numeric(14, 2))  # count, or area in 亩
    value_fen: Mapped[int] = mapped_column(db.BigInteger, default=0)  # original value, due, amount
    depreciation_fen: Mapped[int] = mapped_column(db.BigInteger, default=0)
    received_fen: Mapped[int] = mapped_column(db.BigInteger, default=0)
    start: Mapped[date | None]  # acquired, term start, date incurred
    end: Mapped[date | None]  # term end, due date
    location: Mapped[str] = mapped_column(db.String(100), default="")
    status: Mapped[str] = mapped_column(db.String(20), default="")
    person: Mapped[str] = mapped_column(db.String(100), default="")  # masked when a person
    method: Mapped[str] = mapped_column(db.String(20), default="")
    decision: Mapped[str] = mapped_column(db.String(200), default="")
    contract_ref: Mapped[str] = mapped_column(db.String(40), default="")
    note: Mapped[str] = mapped_column(db.String(300), default="")


class RegisterItem(db.Model):
    """The content item a register snapshot is published as, one per category."""

    __tablename__ = "register_item"
    snapshot_id: Mapped[int] = mapped_column(db.ForeignKey("register_snapshot.id"),
                                             primary_key=True)
    category_code: Mapped[str] = mapped_column(db.String(16), primary_key=True)
    site_id: Mapped[int] = mapped_column(db.ForeignKey("site.id"), index=True)
    item_id: Mapped[int] = mapped_column(db.ForeignKey("item.id"), index=True)
    prior_number: Mapped[int] = mapped_column(default=0)


class SpecialFund(db.Model):
    """A special fund (专项资金) granted to a village: from which level, for what, how much, when.

    Ledger entries belong to it by name (the ledger's 专项资金 column), so the name is unique per
    site. The row holds the current values; every version, with the reason of each correction,
    is kept in SpecialFundRevision.
    """

    __tablename__ = "special_fund"
    __table_args__ = (db.UniqueConstraint("site_id", "name"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    site_id: Mapped[int] = mapped_column(db.ForeignKey("site.id"), index=True)
    name: Mapped[str] = mapped_column(db.String(100))
    level: Mapped[str] = mapped_column(db.String(8))  # one of funds.LEVELS
    purpose: Mapped[str] = mapped_column(db.String(1000))
    granted_fen: Mapped[int] = mapped_column(db.BigInteger)
    granted_on: Mapped[date]
    document: Mapped[str] = mapped_column(db.String(200), default="")  # 批复文号 or file
    # The published 民主决策 item of the same site that decided how it is spent.
    decision_item_id: Mapped[int | None] = mapped_column(db.ForeignKey("item.id"))
    number: Mapped[int] = mapped_column(default=1)  # the current version
    created_by_id: Mapped[int] = mapped_column(db.ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class SpecialFundRevision(db.Model):
    """One version of a special fund's values: 1 as registered, 2, 3, ... as corrected, with the
    reason. Rows are never updated or deleted."""

    __tablename__ = "special_fund_revision"
    __table_args__ = (db.UniqueConstraint("fund_id", "number"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    fund_id: Mapped[int] = mapped_column(db.ForeignKey("special_fund.id"), index=True)
    site_id: Mapped[int] = mapped_column(db.ForeignKey("site.id"), index=True)
    number: Mapped[int]
    name: Mapped[str] = mapped_column(db.String(100))
    level: Mapped[str] = mapped_column(db.String(8))
    purpose: Mapped[str] = mapped_column(db.String(1000))
    granted_fen: Mapped[int] = mapped_column(db.BigInteger)
    granted_on: Mapped[date]
    document: Mapped[str] = mapped_column(db.String(200), default="")
    decision_item_id: Mapped[int | None] = mapped_column(db.ForeignKey("item.id"))
    reason: Mapped[str | None] = mapped_column(db.String(500))  # None for the registration
    changed_by_id: Mapped[int] = mapped_column(db.ForeignKey("user_account.id"))
    changed_at: Mapped[datetime] = mapped_column(default=utcnow)


@event.listens_for(SpecialFundRevision, "before_update")
@event.listens_for(SpecialFundRevision, "before_delete")
def _refuse_revision_change(mapper, connection, target):
    raise RuntimeError("special fund revisions are append-only")
