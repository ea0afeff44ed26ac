"""Every change to rosters, polls, ballots, proxies and 四议两公开 matters.

Operations check the permission, change rows, flush and record audit; they never commit. A vote
inserts its participation row and its ballot in the caller's transaction: the UNIQUE constraint on
(poll, voter) is what makes "one ballot per voter" true under concurrent requests, and the view
turns the IntegrityError of a lost race into the same refusal as an earlier vote.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
from dataclasses import dataclass, field
from datetime import date, datetime

from flask import current_app
from flask_babel import gettext as _

from portal.accounts.models import Household, Residency, User
from portal.content import operations as content_ops
from portal.core import audit
from portal.core.audit import utcnow
from portal.core.clock import local_date
from portal.core.errors import OperationError
from portal.core.permissions import require
from portal.core.privacy import id_checksum_ok
from portal.extensions import db
from portal.finance.parsing import read_rows
from portal.sites.models import Site
from portal.voting.models import (
    DEFAULT_STAGES,
    PROXY_RELATIONS,
    Ballot,
    Matter,
    MatterStep,
    Participation,
    Poll,
    PollOption,
    ProxyGrant,
    RosterEntry,
)
from portal.voting.rules import Counts, judge, library

ROSTER_COLUMNS = ("户号", "姓名", "身份证号", "与户主关系")
OPTIONAL_COLUMNS = ("村民小组", "村民代表")
RECEIPT_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ"  # letters only: never mistaken for an ID or a bank number
RATINGS = {"competent": "称职", "basic": "基本称职", "incompetent": "不称职"}
TITLE_MAX = 200
OPTIONS_MAX = 20
# Where a poll's result is published in the content standard.
RESULT_CATEGORY = {"villagers_meeting": "A04.10", "representatives_meeting": "A04.02",
                   "one_matter_one_meeting": "A09.08"}
DEFAULT_RESULT_CATEGORY = "A04.08"
EVALUATION_CATEGORY = "A06.01"
RESOLUTION_PUBLISH_CATEGORY = "A04.08"
IMPLEMENTATION_CATEGORY = "A04.03"


# ---- roster and verification ---------------------------------------------------------------

def id_hash(site: Site, number: str) -> str:
    """The salted hash an ID number is kept as: HMAC-SHA256 keyed by the deployment and village."""
    key = current_app.config.get("ROSTER_ID_KEY") or current_app.config["SECRET_KEY"]
    message = f"{site.code}:{number.strip().upper()}".encode()
    return hmac.new(f"roster:{key}".encode(), message, hashlib.sha256).hexdigest()


def _check_id_number(number: str, field_name: str = "id_number") -> str:
    number = (number or "").strip().upper().translate(str.maketrans("０１２３４５６７８９Ｘ",
                                                                       "0123456789X"))
    if not id_checksum_ok(number):
        raise OperationError(_("身份证号码不正确，请核对18位号码"), field_name)
    return number


def _born_on(number: str) -> date:
    return date(int(number[6:10]), int(number[10:12]), int(number[12:14]))


def _rows_from_upload(filename: str, data: bytes) -> list[tuple[int, dict]]:
    """(line number, row keyed by the header) of a roster in CSV (UTF-8 or GB18030) or XLSX.

    The file is read by the finance import's reader, with its checks: size, formula cells,
    merged cells and a huge declared dimension are refused before any row is used.
    """
    name = (filename or "").lower()
    if not name.endswith((".xlsx", ".csv")):
        raise OperationError(_("花名册只能是 CSV 或 XLSX 文件"), "file")
    rows = [(number, ["" if v is None else str(v).strip() for v in values])
            for number, values in read_rows(filename, data)]
    rows = [(number, r) for number, r in rows if any(r)]
    if not rows:
        raise OperationError(_("文件是空的"), "file")
    header = rows[0][1]
    missing = [c for c in ROSTER_COLUMNS if c not in header]
    if missing:
        raise OperationError(_("缺少列：%(c)s(第一行应为列名：户号、姓名、身份证号、与户主关系，"
                               "可加 村民小组、村民代表)", c="、".join(missing)), "file")
    return [(number, dict(zip(header, r + [""] * (len(header) - len(r)), strict=False)))
            for number, r in rows[1:]]


@dataclass
class RosterResult:
    households: int = 0
    added: int = 0
    updated: int = 0
    errors: list = field(default_factory=list)


def import_roster(actor, site: Site, filename: str, data: bytes) -> RosterResult:
    """Load or refresh a village's household roster; all or nothing, every bad line named."""
    require(actor, site, "residents.verify")
    if site.level != "village":
        raise OperationError(_("只有村(社区)可以导入户籍花名册"))
    rows = _rows_from_upload(filename, data)
    result, seen, parsed = RosterResult(), set(), []
    for number, row in rows:
        household, name, id_number = row["户号"], row["姓名"], row["身份证号"]
        relation = row["与户主关系"] or "户主"
        problems = []
        if not household or len(household) > 20:
            problems.append(_("户号为空或超过20字"))
        if not 2 <= len(name) <= 20:
            problems.append(_("姓名应为2至20字"))
        try:
            id_number = _check_id_number(id_number)
        except OperationError:
            problems.append(_("身份证号码不正确"))
        if len(relation) > 20:
            problems.append(_("与户主关系超过20字"))
        if not problems and id_number in seen:
            problems.append(_("身份证号码与前面的行重复"))
        if problems:
            result.errors.append(_("第%(n)d行：%(p)s", n=number, p="，".join(problems)))
            continue
        seen.add(id_number)
        parsed.append((household, name, id_number, relation, row.get("村民小组", "")[:40],
                       row.get("村民代表", "") in ("是", "1", "Y", "y", "√")))
    if result.errors:
        raise OperationError(_("花名册有错误，未导入任何内容：%(e)s",
                               e="；".join(result.errors[:30])), "file")
    households = {h.number: h for h in db.session.scalars(
        db.select(Household).where(Household.site_id == site.id))}
    entries = {e.id_hash: e for e in db.session.scalars(
        db.select(RosterEntry).where(RosterEntry.site_id == site.id))}
    touched = set()
    for number, name, id_number, relation, group, rep in parsed:
        household = households.get(number)
        if household is None:
            household = Household(site_id=site.id, number=number, head_name=name)
            db.session.add(household)
            db.session.flush()
            households[number] = household
        touched.add(number)
        if relation == "户主":
            household.head_name = name
        if group:
            household.group_name = group
        digest = id_hash(site, id_number)
        entry = entries.get(digest)
        if entry is None:
            entry = RosterEntry(site_id=site.id, id_hash=digest)
            db.session.add(entry)
            entries[digest] = entry
            result.added += 1
        else:
            result.updated += 1
        entry.household_id, entry.name, entry.relation = household.id, name, relation
        entry.born_on, entry.is_representative = _born_on(id_number), rep
        entry.imported_at = utcnow()
    result.households = len(touched)
    db.session.flush()
    audit.record(actor, "roster.import", site=site, detail={
        "added": result.added, "updated": result.updated, "households": result.households})
    return result


def has_roster(site_id: int) -> bool:
    return db.session.scalar(
        db.select(RosterEntry.id).where(RosterEntry.site_id == site_id).limit(1)) is not None


def roster_match(residency: Residency) -> RosterEntry | None:
    """The roster entry with the applicant's ID hash and name, in the applicant's village."""
    if not residency.id_hash:
        return None
    return db.session.scalar(db.select(RosterEntry).where(
        RosterEntry.site_id == residency.site_id, RosterEntry.id_hash == residency.id_hash,
        RosterEntry.name == residency.real_name))


def hash_applicant_id(village: Site, number: str) -> str | None:
    """The applicant's ID number, checked and hashed for the village (None when not given)."""
    if not (number or "").strip():
        return None
    return id_hash(village, _check_id_number(number))


# ---- electorates ---------------------------------------------------------------------------

@dataclass(frozen=True)
class Voter:
    residency: Residency
    entry: RosterEntry
    key: str


def _residency_of(user) -> Residency | None:
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    return db.session.scalar(db.select(Residency).where(Residency.user_id == user.id))


def voter_for(poll: Poll, residency: Residency | None) -> Voter:
    """The residency as a member of the poll's electorate, or the refusal that says why not."""
    if residency is None or residency.status != "verified":
        raise OperationError(_("只有经本村核实的村民才能参加投票，请先申请核实村民身份"))
    if residency.site_id != poll.site_id:
        raise OperationError(_("您不是本村村民，不能参加本村的投票"))
    entry = db.session.get(RosterEntry, residency.roster_entry_id) if residency.roster_entry_id \
        else None
    if entry is None or entry.site_id != poll.site_id:
        raise OperationError(_("您的身份尚未与本村户籍花名册核对，请联系村委会"))
    if poll.electorate == "representatives":
        if not entry.is_representative:
            raise OperationError(_("本次表决由村民代表参加，您不是村民代表"))
        return Voter(residency, entry, f"r{residency.id}")
    if not entry.is_adult_on(local_date(poll.opens_at)):
        raise OperationError(_("年满十八周岁的村民才能参加投票"))
    if poll.electorate == "households":
        return Voter(residency, entry, f"h{entry.household_id}")
    return Voter(residency, entry, f"r{residency.id}")


def electorate_size(poll: Poll) -> tuple[int, int]:
    """(registered persons, households or members; registered households) from the roster."""
    entries = db.session.scalars(
        db.select(RosterEntry).where(RosterEntry.site_id == poll.site_id)).all()
    day = local_date(poll.opens_at)
    adults = [e for e in entries if e.is_adult_on(day)]
    households = len({e.household_id for e in adults})
    if poll.electorate == "representatives":
        return sum(1 for e in entries if e.is_representative), households
    if poll.electorate == "households":
        return households, households
    return len(adults), households


# ---- polls ---------------------------------------------------------------------------------

def _parse_dt(value, name: str, field_name: str) -> datetime:
    if isinstance(value, datetime):
        return value
    try:
        return datetime.fromisoformat((value or "").strip())
    except ValueError:
        raise OperationError(_("请填写%(n)s", n=name), field_name) from None


def _apply_poll(site: Site, poll: Poll, data: dict) -> None:
    title = (data.get("title") or "").strip()
    if not 4 <= len(title) <= TITLE_MAX:
        raise OperationError(_("议题应为4至200字"), "title")
    labels = [s.strip() for s in (data.get("options") or []) if s and s.strip()]
    if len(labels) < 2 and data.get("kind", poll.kind) != "evaluation":
        raise OperationError(_("至少要有两个选项"), "options")
    if not labels:
        raise OperationError(_("请填写被评议的干部，每行一人"), "options")
    if len(labels) > OPTIONS_MAX or any(len(s) > 100 for s in labels):
        raise OperationError(_("最多20个选项，每个不超过100字"), "options")
    if len(set(labels)) != len(labels):
        raise OperationError(_("选项不能重复"), "options")
    rule = library().get(data.get("rule") or "")
    if rule is None:
        raise OperationError(_("请选择表决规则"), "rule")
    electorate = data.get("electorate") or ""
    if electorate not in rule.electorates:
        raise OperationError(_("“%(r)s”规则不适用于所选的参加人员", r=rule.name), "electorate")
    opens = _parse_dt(data.get("opens_at"), _("开始时间"), "opens_at")
    closes = _parse_dt(data.get("closes_at"), _("截止时间"), "closes_at")
    if closes <= opens:
        raise OperationError(_("截止时间应晚于开始时间"), "closes_at")
    if opens < utcnow().replace(second=0, microsecond=0):
        raise OperationError(_("开始时间不能早于现在"), "opens_at")
    multiple = bool(data.get("multiple"))
    max_choices = int(data.get("max_choices") or 1) if multiple else 1
    if not 1 <= max_choices <= len(labels):
        raise OperationError(_("最多可选数应在1至选项数之间"), "max_choices")
    poll.kind = data.get("kind") or "vote"
    poll.title, poll.description = title, (data.get("description") or "").strip()[:5000]
    poll.multiple, poll.max_choices = multiple, max_choices
    poll.opens_at, poll.closes_at = opens, closes
    poll.secret = True if poll.kind == "evaluation" else bool(data.get("secret"))
    poll.electorate, poll.rule_code = electorate, rule.code
    poll.rule_json = json.dumps(rule.as_dict(), ensure_ascii=False, sort_keys=True)
    poll.options = [PollOption(site_id=site.id, position=i, label=label)
                    for i, label in enumerate(labels)]


def create_poll(actor, site: Site, data: dict) -> Poll:
    """Announce a poll or an evaluation of this village, under a rule of the library."""
    require(actor, site, "polls.manage")
    if site.level != "village":
        raise OperationError(_("投票和评议只能在村(社区)一级组织"))
    poll = Poll(site_id=site.id, created_by_id=actor.id)
    _apply_poll(site, poll, data)
    db.session.add(poll)
    db.session.flush()
    audit.record(actor, "polls.create", site=site, target=poll)
    return poll


def update_poll(actor, site: Site, poll: Poll, data: dict) -> None:
    """Change a poll that has not opened yet; once it opens its rules are frozen."""
    require(actor, site, "polls.manage")
    _in_site(poll, site)
    if poll.state() != "upcoming":
        raise OperationError(_("投票已经开始，议题、选项和规则已冻结，不能修改"))
    _apply_poll(site, poll, {**data, "kind": poll.kind})
    db.session.flush()
    audit.record(actor, "polls.update", site=site, target=poll)


def _in_site(row, site: Site) -> None:
    if row.site_id != site.id:
        raise OperationError(_("这不是本村的投票"))


def _receipt(poll: Poll, choices: str) -> str:
    """A receipt: a hash of the poll, a random nonce and the choices, written in 12 letters."""
    digest = hashlib.sha256(f"{poll.id}:{secrets.token_hex(16)}:{choices}".encode()).digest()
    letters = "".join(RECEIPT_ALPHABET[b % len(RECEIPT_ALPHABET)] for b in digest[:12])
    return "-".join(letters[i:i + 4] for i in range(0, 12, 4))


def _choices(poll: Poll, option_ids, ratings) -> str:
    ids = {o.id for o in poll.options}
    if poll.kind == "evaluation":
        ratings = {int(k): v for k, v in (ratings or {}).items()}
        if set(ratings) != ids or any(v not in RATINGS for v in ratings.values()):
            raise OperationError(_("请对每一位干部选择称职、基本称职或不称职"))
        return json.dumps({str(k): ratings[k] for k in sorted(ratings)})
    try:
        chosen = sorted({int(i) for i in option_ids or []})
    except (TypeError, ValueError):
        raise OperationError(_("所选的选项不属于本次投票")) from None
    if any(i not in ids for i in chosen):
        raise OperationError(_("所选的选项不属于本次投票"))
    if len(chosen) > poll.max_choices:
        raise OperationError(_("最多只能选%(n)d项", n=poll.max_choices))
    return json.dumps(chosen)


def cast_vote(user, site: Site, poll: Poll, option_ids=(), ratings=None,
              principal: Residency | None = None) -> str:
    """Cast one ballot (for oneself, or as an approved proxy for `principal`); returns the receipt.

    An empty choice is a blank ballot (弃权): it counts as present, not as cast.
    """
    _in_site(poll, site)
    if poll.state() != "open":
        raise OperationError(_("不在投票时间内：%(s)s", s=_("尚未开始") if poll.state() == "upcoming"
                               else _("已经截止")))
    own = voter_for(poll, _residency_of(user))
    if principal is None:
        voter = own
        granted = db.session.scalar(db.select(ProxyGrant.id).where(
            ProxyGrant.poll_id == poll.id, ProxyGrant.principal_id == own.residency.id,
            ProxyGrant.status == "approved"))
        if granted:
            raise OperationError(_("您已委托亲属代为投票，不能再自己投票"))
    else:
        grant = db.session.scalar(db.select(ProxyGrant).where(
            ProxyGrant.poll_id == poll.id, ProxyGrant.principal_id == principal.id,
            ProxyGrant.proxy_id == own.residency.id, ProxyGrant.status == "approved"))
        if grant is None:
            raise OperationError(_("没有经批准的委托，不能代为投票"))
        voter = voter_for(poll, principal)
    choices = _choices(poll, option_ids, ratings)
    if db.session.scalar(db.select(Participation.id).where(
            Participation.poll_id == poll.id, Participation.voter_key == voter.key)):
        raise OperationError(_("已经投过票了，每人(每户)只能投一次"))
    db.session.add(Participation(
        poll_id=poll.id, site_id=site.id, voter_key=voter.key, principal_id=voter.residency.id,
        cast_by_id=own.residency.id, household_id=voter.entry.household_id,
        voted_on=local_date(utcnow())))
    receipt = _receipt(poll, choices)
    household = db.session.get(Household, voter.entry.household_id)
    db.session.add(Ballot(
        id=secrets.token_hex(16), poll_id=poll.id, site_id=site.id, receipt=receipt,
        choices=choices, group_name=household.group_name if household else None,
        voter_key=None if poll.secret else voter.key))
    db.session.flush()
    # The audit names the poll, never the voter's choice; for a secret poll not even the voter.
    audit.record(None if poll.secret else user, "polls.vote", site=site, target=poll)
    return receipt


def has_voted(poll: Poll, residency: Residency | None) -> bool:
    try:
        voter = voter_for(poll, residency)
    except OperationError:
        return False
    return db.session.scalar(db.select(Participation.id).where(
        Participation.poll_id == poll.id, Participation.voter_key == voter.key)) is not None


def record_paper_count(actor, site: Site, poll: Poll, meeting_date: date, present: int,
                       counts: dict) -> None:
    """Enter the meeting's paper count beside the online one; the poll is then a meeting's vote."""
    require(actor, site, "polls.manage")
    _in_site(poll, site)
    if poll.result_item_id is not None:
        raise OperationError(_("结果已经公布，不能再录入会议计票"))
    if poll.kind == "evaluation":
        raise OperationError(_("民主评议不录入纸质计票"))
    if meeting_date is None or meeting_date > local_date(utcnow()):
        raise OperationError(_("请填写已召开会议的日期"), "meeting_date")
    if present is None or present < 0:
        raise OperationError(_("请填写到会人数"), "present")
    for option in poll.options:
        value = counts.get(option.id)
        if value is None or value < 0:
            raise OperationError(_("请填写每个选项的票数"))
        option.paper_votes = value
    if sum(counts.values()) > present * poll.max_choices:
        raise OperationError(_("票数合计超过到会人数"))
    poll.meeting_date, poll.meeting_present = meeting_date, present
    audit.record(actor, "polls.paper_count", site=site, target=poll)


# ---- tally and results ---------------------------------------------------------------------

def tally(poll: Poll) -> dict:
    """Turnout, quorum, each option's count and share, passed or not, groups, all receipts."""
    ballots = db.session.scalars(db.select(Ballot).where(Ballot.poll_id == poll.id)
                                 .order_by(Ballot.receipt)).all()
    households_present = db.session.scalar(
        db.select(db.func.count(db.distinct(Participation.household_id)))
        .where(Participation.poll_id == poll.id)) or 0
    registered, registered_households = electorate_size(poll)
    minimum = current_app.config["VOTING_GROUP_MIN"]
    groups: dict[str, list] = {}
    for b in ballots:
        groups.setdefault(b.group_name or "", []).append(b)
    if poll.kind == "evaluation":
        return _tally_evaluation(poll, ballots, registered, registered_households,
                                 households_present)
    votes = {o.id: 0 for o in poll.options}
    cast = 0
    for b in ballots:
        chosen = json.loads(b.choices)
        cast += bool(chosen)
        for i in chosen:
            votes[i] += 1
    counts = Counts(registered=registered, registered_households=registered_households,
                    present=len(ballots), households_present=households_present, cast=cast,
                    votes=votes)
    verdict = judge(poll.rule, poll.electorate, counts)
    base = verdict.pass_base
    group_rows = []
    for name in sorted(groups):
        rows = groups[name]
        if not name:
            continue
        if len(rows) < minimum:
            group_rows.append({"name": name, "hidden": True})
            continue
        per = {o.id: 0 for o in poll.options}
        for b in rows:
            for i in json.loads(b.choices):
                per[i] += 1
        group_rows.append({"name": name, "hidden": False, "ballots": len(rows),
                           "votes": [per[o.id] for o in poll.options]})
    paper = None
    if poll.meeting_date is not None:
        # The meeting's own count, judged under the same rule (households present unknown).
        paper_votes = {o.id: o.paper_votes or 0 for o in poll.options}
        at_meeting = poll.meeting_present or 0
        paper_verdict = judge(poll.rule, poll.electorate, Counts(
            registered=registered, registered_households=registered_households,
            present=at_meeting, households_present=0, cast=at_meeting, votes=paper_votes))
        paper = {"present": at_meeting, "quorum_met": paper_verdict.quorum_met,
                 "needed": paper_verdict.needed, "passed": bool(paper_verdict.winners),
                 "options": [paper_verdict.passed[o.id] for o in poll.options]}
    return {
        "paper": paper,
        "kind": "vote", "registered": registered, "registered_households": registered_households,
        "present": len(ballots), "cast": cast, "blank": len(ballots) - cast,
        "households_present": households_present, "quorum_met": verdict.quorum_met,
        "quorum": [{"basis": d[0], "count": d[1], "base": d[2], "needed": d[3], "met": d[4]}
                   for d in verdict.quorum_detail],
        "pass_basis": poll.rule.passing.basis, "pass_base": base, "needed": verdict.needed,
        "options": [{"id": o.id, "label": o.label, "votes": votes[o.id],
                     "share": round(100 * votes[o.id] / base, 1) if base else 0.0,
                     "passed": verdict.passed[o.id], "paper": o.paper_votes}
                    for o in poll.options],
        "passed": bool(verdict.winners), "groups": group_rows, "group_min": minimum,
        "receipts": [[b.receipt, json.loads(b.choices)] for b in ballots],
        "meeting_date": poll.meeting_date.isoformat() if poll.meeting_date else None,
        "meeting_present": poll.meeting_present,
    }


def _tally_evaluation(poll, ballots, registered, registered_households, households_present):
    counts = {o.id: dict.fromkeys(RATINGS, 0) for o in poll.options}
    for b in ballots:
        for key, rating in json.loads(b.choices).items():
            counts[int(key)][rating] += 1
    present = len(ballots)
    quorum = judge(poll.rule, poll.electorate, Counts(
        registered=registered, registered_households=registered_households, present=present,
        households_present=households_present, cast=present, votes={}))
    cadres = []
    for o in poll.options:
        bad = poll.rule.passing.met(counts[o.id]["incompetent"], present)
        cadres.append({"id": o.id, "label": o.label, "counts": counts[o.id],
                       "incompetent": quorum.quorum_met and bad,
                       "flag": quorum.quorum_met and bad and _incompetent_before(poll, o.label)})
    return {"kind": "evaluation", "registered": registered, "present": present,
            "quorum_met": quorum.quorum_met,
            "quorum": [{"basis": d[0], "count": d[1], "base": d[2], "needed": d[3], "met": d[4]}
                       for d in quorum.quorum_detail],
            "cadres": cadres, "receipts": [[b.receipt, json.loads(b.choices)] for b in ballots]}


def _incompetent_before(poll: Poll, label: str) -> bool:
    """Whether the same cadre was rated 不称职 in this village's previous published evaluation."""
    previous = db.session.scalar(
        db.select(Poll).where(Poll.site_id == poll.site_id, Poll.kind == "evaluation",
                              Poll.id != poll.id, Poll.closes_at < poll.closes_at,
                              Poll.result_json.is_not(None))
        .order_by(Poll.closes_at.desc()).limit(1))
    if previous is None:
        return False
    return any(c["label"] == label and c["incompetent"] for c in previous.result["cadres"])


def _result_body(poll: Poll, result: dict) -> str:
    """The published item's Markdown: the whole tally and every receipt."""
    rule = poll.rule
    lines = [_("表决规则：%(n)s。%(b)s", n=rule.name, b=rule.basis), ""]
    if poll.advisory:
        lines += [_("本次为网上意见征集，结果供会议参考，不代替村民会议或村民代表会议的表决。"), ""]
    else:
        lines += [_("本次表决经%(d)s召开的会议记录，会议到会%(n)d人。", d=poll.meeting_date.isoformat(),
                    n=poll.meeting_present or 0), ""]
    lines.append(_("应参加%(r)d，实际参加%(p)d。法定人数：%(q)s。", r=result["registered"],
                   p=result["present"], q=_("已达到") if result["quorum_met"] else _("未达到")))
    lines.append("")
    if result["kind"] == "evaluation":
        lines += ["| " + _("干部") + " | 称职 | 基本称职 | 不称职 | " + _("评议结果") + " |",
                  "|---|---|---|---|---|"]
        for c in result["cadres"]:
            verdict = _("不称职") if c["incompetent"] else _("未被评为不称职")
            if c["flag"]:
                verdict += _("(连续两次不称职，依组织法第三十三条应终止职务)")
            n = c["counts"]
            lines.append(f"| {c['label']} | {n['competent']} | {n['basic']} | "
                         f"{n['incompetent']} | {verdict} |")
    else:
        lines += ["| " + _("选项") + " | " + _("网上票数") + " | " + _("占比") + " | "
                  + _("会议纸质票数") + " | " + _("结果") + " |", "|---|---|---|---|---|"]
        for o in result["options"]:
            paper = "" if o["paper"] is None else str(o["paper"])
            lines.append(f"| {o['label']} | {o['votes']} | {o['share']}% | {paper} | "
                         f"{_('通过') if o['passed'] else _('未通过')} |")
        if result.get("paper"):
            verdict = _("通过") if result["paper"]["passed"] else _("未通过")
            lines += ["", _("会议表决结果(以会议计票为准)：到会%(n)d人，%(q)s，%(v)s。",
                            n=result["paper"]["present"],
                            q=_("达到法定人数") if result["paper"]["quorum_met"]
                            else _("未达到法定人数"), v=verdict)]
        for g in result["groups"]:
            if g["hidden"]:
                lines.append("")
                lines.append(_("%(g)s参加人数少于%(m)d人，分组结果不公布。", g=g["name"],
                               m=result["group_min"]))
    lines += ["", _("投票凭证(每位投票人可凭回执核对自己的选票)："), ""]
    lines += [f"- {r}" for r, _c in result["receipts"]] or [_("(无)")]
    return "\n".join(lines)


def publish_results(actor, site: Site, poll: Poll):
    """After closing: freeze the tally and submit it as an item of the standard's decision
    category, for the supervisors to countersign (which publishes it)."""
    require(actor, site, "polls.manage")
    _in_site(poll, site)
    if poll.state() != "closed":
        raise OperationError(_("投票尚未截止，不能公布结果"))
    if poll.result_item_id is not None:
        raise OperationError(_("结果已经提交公布"))
    result = tally(poll)
    poll.result_json = json.dumps(result, ensure_ascii=False, sort_keys=True)
    poll.results_at = utcnow()
    if poll.kind == "evaluation":
        category, title = EVALUATION_CATEGORY, _("民主评议结果：%(t)s", t=poll.title)
    else:
        category = RESULT_CATEGORY.get(poll.rule_code, DEFAULT_RESULT_CATEGORY)
        title = _("表决结果：%(t)s", t=poll.title)
    closed_on = local_date(poll.closes_at)
    period = str(closed_on.year) if poll.kind == "evaluation" else closed_on.isoformat()
    item = content_ops.create_item(actor, site, {
        "category": category, "period": period, "title": title[:200],
        "body": _result_body(poll, result)})
    content_ops.submit_item(actor, site, item)
    poll.result_item_id = item.id
    audit.record(actor, "polls.results", site=site, target=poll, detail={"item": item.id})
    return item


# ---- proxies -------------------------------------------------------------------------------

def _proxy_cap() -> int:
    return max(1, min(3, int(current_app.config["VOTING_PROXY_MAX_GRANTS"])))


def request_proxy(user, site: Site, poll: Poll, proxy_mobile: str, relation: str) -> ProxyGrant:
    """Ask to let a close relative who votes in this village vote for me in this poll."""
    _in_site(poll, site)
    if poll.state() == "closed":
        raise OperationError(_("投票已经截止"))
    if poll.kind == "evaluation":
        raise OperationError(_("民主评议不能委托他人"))
    principal = voter_for(poll, _residency_of(user))
    if relation not in PROXY_RELATIONS:
        raise OperationError(_("只能委托近亲属(配偶、父母、子女、兄弟姐妹、祖父母、外祖父母、"
                               "孙子女、外孙子女)"), "relation")
    proxy_user = db.session.scalar(db.select(User).where(User.mobile == (proxy_mobile or "").strip()))
    if proxy_user is None or proxy_user.id == user.id:
        raise OperationError(_("找不到受托人的账号，请填写受托亲属注册时用的手机号"), "proxy_mobile")
    try:
        proxy = voter_for(poll, _residency_of(proxy_user))
    except OperationError:
        raise OperationError(_("受托人须是本村有投票资格的村民"), "proxy_mobile") from None
    if has_voted(poll, principal.residency):
        raise OperationError(_("您已经投过票，不能再委托"))
    existing = db.session.scalar(db.select(ProxyGrant).where(
        ProxyGrant.poll_id == poll.id, ProxyGrant.principal_id == principal.residency.id))
    if existing is not None and existing.status != "rejected":
        raise OperationError(_("您在本次投票中已有委托"))
    _check_cap(poll, proxy.residency.id)
    if existing is None:
        existing = ProxyGrant(poll_id=poll.id, site_id=site.id,
                              principal_id=principal.residency.id)
        db.session.add(existing)
    existing.proxy_id, existing.relation, existing.status = proxy.residency.id, relation, "pending"
    existing.requested_at, existing.decided_by_id, existing.decided_at = utcnow(), None, None
    db.session.flush()
    audit.record(user, "polls.proxy_request", site=site, target=existing)
    return existing


def _check_cap(poll: Poll, proxy_id: int, exclude: int | None = None) -> None:
    held = db.session.scalar(db.select(db.func.count(ProxyGrant.id)).where(
        ProxyGrant.poll_id == poll.id, ProxyGrant.proxy_id == proxy_id,
        ProxyGrant.status.in_(("pending", "approved")), ProxyGrant.id != (exclude or -1)))
    if held >= _proxy_cap():
        raise OperationError(_("受托人在本次投票中已接受%(n)d人委托，不能再接受", n=_proxy_cap()),
                             "proxy_mobile")


def decide_proxy(actor, site: Site, grant: ProxyGrant, approve: bool) -> None:
    """Village staff approve or refuse a proxy; approved proxies are published on the poll."""
    require(actor, site, "polls.manage")
    _in_site(grant, site)
    if grant.status != "pending":
        raise OperationError(_("该委托已处理"))
    poll = db.session.get(Poll, grant.poll_id)
    if approve:
        _check_cap(poll, grant.proxy_id, exclude=grant.id)
        if has_voted(poll, grant.principal):
            raise OperationError(_("委托人已经自己投票"))
    grant.status = "approved" if approve else "rejected"
    grant.decided_by_id, grant.decided_at = actor.id, utcnow()
    audit.record(actor, "polls.proxy_approve" if approve else "polls.proxy_reject", site=site,
                 target=grant)


# ---- 四议两公开 matters ----------------------------------------------------------------------

def _stage_roles(stages: list[str]) -> tuple[int, list[int]]:
    """The resolution stage (a 决议 that is not a 公开) and the publication stages (…公开)."""
    publishing = [i for i, s in enumerate(stages) if s.endswith("公开")]
    resolution = next((i for i, s in enumerate(stages) if "决议" in s and i not in publishing), -1)
    if resolution < 0 or len(publishing) != 2:
        raise OperationError(_("阶段中须有一个“…决议”阶段和两个“…公开”阶段(决议公开、实施结果公开)"),
                             "stages")
    return resolution, publishing


def create_matter(actor, site: Site, data: dict) -> Matter:
    """Open a 四议两公开 matter with its stages (the default six, or the village's own)."""
    require(actor, site, "matters.manage")
    if site.level != "village":
        raise OperationError(_("四议两公开事项只能在村(社区)一级办理"))
    title = (data.get("title") or "").strip()
    if not 4 <= len(title) <= TITLE_MAX:
        raise OperationError(_("事项名称应为4至200字"), "title")
    stages = [s.strip() for s in (data.get("stages") or DEFAULT_STAGES) if s and s.strip()]
    if not 3 <= len(stages) <= 12 or any(len(s) > 40 for s in stages):
        raise OperationError(_("阶段应为3至12个，每个不超过40字"), "stages")
    resolution, publishing = _stage_roles(stages)
    matter = Matter(site_id=site.id, title=title, summary=(data.get("summary") or "").strip()[:5000],
                    stages_json=json.dumps(stages, ensure_ascii=False), resolution_stage=resolution,
                    publish_stages=json.dumps(publishing), created_by_id=actor.id)
    db.session.add(matter)
    db.session.flush()
    audit.record(actor, "matters.create", site=site, target=matter)
    return matter


def record_step(actor, site: Site, matter: Matter, data: dict) -> MatterStep:
    """Record the next stage of a matter; the 决议 stage links a closed poll, the 公开 stages
    submit an item to the standard's category."""
    require(actor, site, "matters.manage")
    _in_site(matter, site)
    if matter.done:
        raise OperationError(_("该事项的各阶段已全部完成"))
    position = len(matter.steps)
    stage = matter.stages[position]
    acted_on = data.get("acted_on")
    if not isinstance(acted_on, date) or acted_on > local_date(utcnow()):
        raise OperationError(_("请填写办理日期(不能晚于今天)"), "acted_on")
    if matter.steps and acted_on < matter.steps[-1].acted_on:
        raise OperationError(_("办理日期不能早于上一阶段"), "acted_on")
    acted_by = (data.get("acted_by") or "").strip()
    minutes = (data.get("minutes") or "").strip()
    if not 2 <= len(acted_by) <= 80:
        raise OperationError(_("请填写办理的组织或人员"), "acted_by")
    if not 10 <= len(minutes) <= 20000:
        raise OperationError(_("请填写会议记录或办理情况(至少10字)"), "minutes")
    step = MatterStep(matter_id=matter.id, site_id=site.id, position=position, stage=stage,
                      acted_on=acted_on, acted_by=acted_by, minutes=minutes,
                      recorded_by_id=actor.id)
    if position == matter.resolution_stage:
        poll = db.session.scalar(db.select(Poll).where(
            Poll.id == (data.get("poll_id") or 0), Poll.site_id == site.id))
        if poll is None:
            raise OperationError(_("决议阶段须关联本村的一次投票"), "poll_id")
        if poll.result_json is None:
            raise OperationError(_("关联的投票尚未公布结果"), "poll_id")
        step.poll_id = poll.id
    if position in matter.publishing:
        first = position == matter.publishing[0]
        category = RESOLUTION_PUBLISH_CATEGORY if first else IMPLEMENTATION_CATEGORY
        quarter = f"{acted_on.year}-Q{(acted_on.month - 1) // 3 + 1}"
        body = _matter_body(matter, minutes)
        item = content_ops.create_item(actor, site, {
            "category": category, "period": acted_on.isoformat() if first else quarter,
            "title": (f"{stage}：{matter.title}")[:200], "body": body})
        content_ops.submit_item(actor, site, item)
        step.item_id = item.id
    db.session.add(step)
    db.session.flush()
    db.session.refresh(matter)
    audit.record(actor, "matters.step", site=site, target=matter, detail={"stage": stage})
    return step


def _matter_body(matter: Matter, minutes: str) -> str:
    lines = [minutes, "", _("办理经过(四议两公开)："), ""]
    for s in matter.steps:
        lines.append(f"{s.position + 1}. {s.stage}：{s.acted_on.isoformat()}，{s.acted_by}")
    return "\n".join(lines)
