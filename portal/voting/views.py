"""Polls, evaluations and 四议两公开 matters of a village: public pages, voting, staff pages."""

from __future__ import annotations

from datetime import UTC, datetime

from flask import abort, flash, g, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy.exc import IntegrityError

from portal.accounts.models import Residency
from portal.core.clock import SHANGHAI
from portal.core.errors import OperationError, apply_to_form
from portal.core.permissions import can, require
from portal.core.tenancy import bind_site_urls, get_in_site_or_404
from portal.extensions import db
from portal.voting import bp, operations
from portal.voting.forms import (
    MatterForm,
    PaperForm,
    PollForm,
    ProxyForm,
    RosterForm,
    StepForm,
    VoteForm,
)
from portal.voting.models import (
    DEFAULT_STAGES,
    ELECTORATE_NAMES,
    PROXY_RELATIONS,
    PROXY_STATES,
    Matter,
    Poll,
    ProxyGrant,
    RosterEntry,
)
from portal.voting.operations import RATINGS
from portal.voting.rules import library

RECEIPTS = "poll_receipts"  # poll id -> receipt, shown once after voting

bind_site_urls(bp)


@bp.after_request
def _not_stored(response):
    """Eligibility and receipts differ per person: never kept by shared caches."""
    response.headers["Cache-Control"] = "no-store"
    return response


def _to_utc(local: datetime | None) -> datetime | None:
    if local is None:
        return None
    return local.replace(tzinfo=SHANGHAI).astimezone(UTC).replace(tzinfo=None)


def _to_local(moment: datetime) -> datetime:
    return moment.replace(tzinfo=UTC).astimezone(SHANGHAI).replace(tzinfo=None)


def _residency():
    if not current_user.is_authenticated:
        return None
    return db.session.scalar(db.select(Residency).where(Residency.user_id == current_user.id))


@bp.app_context_processor
def _names():
    return {"ELECTORATE_NAMES": ELECTORATE_NAMES, "PROXY_RELATIONS": PROXY_RELATIONS,
            "PROXY_STATES": PROXY_STATES, "RATINGS": RATINGS}


# ---- public pages --------------------------------------------------------------------------

@bp.route("/s/<code>/polls/")
def index():
    """The village's votes and evaluations: open, upcoming and closed."""
    polls = db.session.scalars(db.select(Poll).where(Poll.site_id == g.site.id)
                               .order_by(Poll.opens_at.desc()).limit(200)).all()
    return render_template("voting/index.html", site=g.site, polls=polls,
                           may_manage=can(current_user, g.site, "polls.manage"),
                           may_roster=can(current_user, g.site, "residents.verify"))


@bp.route("/s/<code>/polls/<int:poll_id>")
def show(poll_id):
    """A poll: its question, rule and legal basis, proxies, the ballot form or why not, results."""
    poll = get_in_site_or_404(Poll, poll_id, g.site)
    residency = _residency()
    eligible, reason, voted = None, None, False
    if current_user.is_authenticated:
        try:
            operations.voter_for(poll, residency)
            eligible = True
            voted = operations.has_voted(poll, residency)
        except OperationError as error:
            eligible, reason = False, error.message
    proxies = db.session.scalars(db.select(ProxyGrant).where(ProxyGrant.poll_id == poll.id)
                                 .order_by(ProxyGrant.id)).all()
    mine = [p for p in proxies if residency and p.principal_id == residency.id]
    held = [p for p in proxies if residency and p.proxy_id == residency.id
            and p.status == "approved"]
    manage = can(current_user, g.site, "polls.manage")
    state = poll.state()
    result = poll.result or (operations.tally(poll) if state == "closed" else None)
    return render_template(
        "voting/show.html", site=g.site, poll=poll, state=state, eligible=eligible,
        reason=reason, voted=voted, proxies=proxies, mine=mine[0] if mine else None, held=held,
        manage=manage, result=result, vote_form=VoteForm(), proxy_form=ProxyForm(),
        receipt=session.get(RECEIPTS, {}).get(str(poll.id)),
        voted_by_proxy={p.principal_id for p in held if operations.has_voted(poll, p.principal)})


@bp.route("/s/<code>/polls/<int:poll_id>/vote", methods=["POST"])
@login_required
def vote(poll_id):
    """Cast a ballot (as oneself, or as an approved proxy); one per voter, by the database."""
    poll = get_in_site_or_404(Poll, poll_id, g.site)
    form = VoteForm()
    if not form.validate_on_submit():
        abort(400)
    principal = None
    if form.principal.data:
        principal = get_in_site_or_404(Residency, form.principal.data, g.site)
    ratings = {o.id: request.form.get(f"rating-{o.id}") for o in poll.options}
    try:
        receipt = operations.cast_vote(
            current_user, g.site, poll, request.form.getlist("option"), ratings, principal)
        db.session.commit()
    except OperationError as error:
        db.session.rollback()
        flash(error.message, "error")
        return redirect(url_for(".show", poll_id=poll.id)), 303
    except IntegrityError:  # a concurrent request of the same voter won the race
        db.session.rollback()
        flash(_("已经投过票了，每人(每户)只能投一次"), "error")
        return redirect(url_for(".show", poll_id=poll.id)), 303
    receipts = dict(session.get(RECEIPTS, {}))
    receipts[str(poll.id)] = receipt
    session[RECEIPTS] = receipts
    flash(_("投票成功。您的投票回执：%(r)s，请记下，结果公布后可在计票结果中核对。", r=receipt),
          "success")
    return redirect(url_for(".show", poll_id=poll.id)), 303


@bp.route("/s/<code>/polls/<int:poll_id>/tally")
def tally(poll_id):
    """The count after closing with every receipt; ?r= finds one receipt."""
    poll = get_in_site_or_404(Poll, poll_id, g.site)
    if poll.state() != "closed":
        abort(404)
    result = poll.result or operations.tally(poll)
    wanted = (request.args.get("r") or "").strip().upper()[:20]
    found = [r for r in result["receipts"] if wanted and r[0] == wanted]
    labels = {o.id: o.label for o in poll.options}
    return render_template("voting/tally.html", site=g.site, poll=poll, result=result,
                           wanted=wanted, found=found, labels=labels)


@bp.route("/s/<code>/polls/<int:poll_id>/proxy", methods=["POST"])
@login_required
def proxy(poll_id):
    """Ask a close relative in the village to vote for me in this poll."""
    poll = get_in_site_or_404(Poll, poll_id, g.site)
    form = ProxyForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        operations.request_proxy(current_user, g.site, poll, form.proxy_mobile.data,
                                 form.relation.data)
    except OperationError as error:
        db.session.rollback()
        flash(error.message, "error")
    else:
        db.session.commit()
        flash(_("委托申请已提交，村委会批准后公布。"), "success")
    return redirect(url_for(".show", poll_id=poll.id)), 303


# ---- staff pages ---------------------------------------------------------------------------

def _poll_data(form: PollForm, kind: str) -> dict:
    return {"kind": kind, "title": form.title.data, "description": form.description.data,
            "options": (form.options.data or "").splitlines(), "multiple": form.multiple.data,
            "max_choices": form.max_choices.data, "secret": form.secret.data,
            "opens_at": _to_utc(form.opens_at.data) or "", "closes_at":
            _to_utc(form.closes_at.data) or "", "electorate": form.electorate.data,
            "rule": form.rule.data}


@bp.route("/s/<code>/polls/new", methods=["GET", "POST"])
@login_required
def new():
    """Announce a vote or (?kind=evaluation) a democratic evaluation."""
    require(current_user, g.site, "polls.manage")
    kind = "evaluation" if request.args.get("kind") == "evaluation" else "vote"
    form = PollForm()
    if form.validate_on_submit():
        try:
            poll = operations.create_poll(current_user, g.site, _poll_data(form, kind))
        except OperationError as error:
            db.session.rollback()
            apply_to_form(form, error)
        else:
            db.session.commit()
            flash(_("已发布：%(t)s", t=poll.title), "success")
            return redirect(url_for(".show", poll_id=poll.id))
    status = 422 if form.errors or form.form_errors else 200
    return render_template("voting/form.html", site=g.site, form=form, kind=kind, poll=None,
                           rules=library()), status


@bp.route("/s/<code>/polls/<int:poll_id>/edit", methods=["GET", "POST"])
@login_required
def edit(poll_id):
    """Change a poll before it opens; afterwards the change is refused."""
    require(current_user, g.site, "polls.manage")
    poll = get_in_site_or_404(Poll, poll_id, g.site)
    form = PollForm(obj=None if request.method == "POST" else poll)
    if request.method == "GET":
        form.options.data = "\n".join(o.label for o in poll.options)
        form.opens_at.data, form.closes_at.data = _to_local(poll.opens_at), _to_local(poll.closes_at)
        form.rule.data = poll.rule_code
    if form.validate_on_submit():
        try:
            operations.update_poll(current_user, g.site, poll, _poll_data(form, poll.kind))
        except OperationError as error:
            db.session.rollback()
            apply_to_form(form, error)
        else:
            db.session.commit()
            flash(_("已修改"), "success")
            return redirect(url_for(".show", poll_id=poll.id))
    status = 422 if form.errors or form.form_errors else 200
    return render_template("voting/form.html", site=g.site, form=form, kind=poll.kind, poll=poll,
                           rules=library()), status


@bp.route("/s/<code>/polls/<int:poll_id>/results", methods=["POST"])
@login_required
def results(poll_id):
    """Freeze the count and submit it for countersigning as a decision item."""
    poll = get_in_site_or_404(Poll, poll_id, g.site)
    if not VoteForm().validate_on_submit():
        abort(400)
    try:
        operations.publish_results(current_user, g.site, poll)
    except OperationError as error:
        db.session.rollback()
        flash(error.message, "error")
    else:
        db.session.commit()
        flash(_("计票结果已提交村务监督委员会会签，会签后公开。"), "success")
    return redirect(url_for(".show", poll_id=poll.id)), 303


@bp.route("/s/<code>/polls/<int:poll_id>/paper", methods=["GET", "POST"])
@login_required
def paper(poll_id):
    """Enter the meeting's paper count, shown beside the online count."""
    require(current_user, g.site, "polls.manage")
    poll = get_in_site_or_404(Poll, poll_id, g.site)
    form = PaperForm()
    if form.validate_on_submit():
        try:
            counts = {o.id: int(request.form.get(f"paper-{o.id}", "")) for o in poll.options}
        except ValueError:
            counts = {}
        try:
            if not counts:
                raise OperationError(_("请填写每个选项的票数"))
            operations.record_paper_count(current_user, g.site, poll, form.meeting_date.data,
                                          form.present.data, counts)
        except OperationError as error:
            db.session.rollback()
            apply_to_form(form, error)
        else:
            db.session.commit()
            flash(_("会议计票已录入"), "success")
            return redirect(url_for(".show", poll_id=poll.id))
    return render_template("voting/paper.html", site=g.site, poll=poll, form=form)


@bp.route("/s/<code>/polls/proxies/<int:grant_id>/<any(approve, reject):decision>",
          methods=["POST"])
@login_required
def decide_proxy(grant_id, decision):
    """Approve or refuse a proxy."""
    grant = get_in_site_or_404(ProxyGrant, grant_id, g.site)
    if not VoteForm().validate_on_submit():
        abort(400)
    try:
        operations.decide_proxy(current_user, g.site, grant, decision == "approve")
    except OperationError as error:
        db.session.rollback()
        flash(error.message, "error")
    else:
        db.session.commit()
        flash(_("已批准委托") if decision == "approve" else _("已不予批准"), "success")
    return redirect(url_for(".show", poll_id=grant.poll_id)), 303


@bp.route("/s/<code>/polls/roster", methods=["GET", "POST"])
@login_required
def roster():
    """Import the household roster that residency applications are verified against."""
    require(current_user, g.site, "residents.verify")
    form = RosterForm()
    if form.validate_on_submit():
        upload = form.file.data
        try:
            if not upload or not upload.filename:
                raise OperationError(_("请选择文件"), "file")
            result = operations.import_roster(current_user, g.site, upload.filename,
                                              upload.read(5_000_001))
        except OperationError as error:
            db.session.rollback()
            apply_to_form(form, error)
        else:
            db.session.commit()
            flash(_("花名册已导入：%(h)d户，新增%(a)d人，更新%(u)d人。", h=result.households,
                    a=result.added, u=result.updated), "success")
            return redirect(url_for(".roster"))
    count = db.session.scalar(db.select(db.func.count(RosterEntry.id))
                              .where(RosterEntry.site_id == g.site.id))
    status = 422 if form.errors or form.form_errors else 200
    return render_template("voting/roster.html", site=g.site, form=form, count=count), status


# ---- 四议两公开 matters ----------------------------------------------------------------------

@bp.route("/s/<code>/matters/")
def matters():
    """The village's 四议两公开 matters and how far each has come."""
    rows = db.session.scalars(db.select(Matter).where(Matter.site_id == g.site.id)
                              .order_by(Matter.created_at.desc()).limit(200)).all()
    return render_template("voting/matters.html", site=g.site, matters=rows,
                           may_manage=can(current_user, g.site, "matters.manage"))


@bp.route("/s/<code>/matters/new", methods=["GET", "POST"])
@login_required
def new_matter():
    """Open a matter with the default stages or the village's own."""
    require(current_user, g.site, "matters.manage")
    form = MatterForm()
    if request.method == "GET":
        form.stages.data = "\n".join(DEFAULT_STAGES)
    if form.validate_on_submit():
        try:
            matter = operations.create_matter(current_user, g.site, {
                "title": form.title.data, "summary": form.summary.data,
                "stages": (form.stages.data or "").splitlines()})
        except OperationError as error:
            db.session.rollback()
            apply_to_form(form, error)
        else:
            db.session.commit()
            return redirect(url_for(".matter", matter_id=matter.id))
    status = 422 if form.errors or form.form_errors else 200
    return render_template("voting/matter_form.html", site=g.site, form=form), status


@bp.route("/s/<code>/matters/<int:matter_id>", methods=["GET", "POST"])
def matter(matter_id):
    """A matter's whole path; staff record the next stage here."""
    matter = get_in_site_or_404(Matter, matter_id, g.site)
    manage = can(current_user, g.site, "matters.manage")
    form = StepForm()
    polls = db.session.scalars(db.select(Poll).where(
        Poll.site_id == g.site.id, Poll.result_json.is_not(None)).order_by(Poll.id.desc())).all()
    form.poll_id.choices = [("", _("请选择"))] + [(str(p.id), p.title) for p in polls]
    if request.method == "POST":
        if not current_user.is_authenticated:
            abort(403)
        require(current_user, g.site, "matters.manage")
        if form.validate_on_submit():
            try:
                operations.record_step(current_user, g.site, matter, {
                    "acted_on": form.acted_on.data, "acted_by": form.acted_by.data,
                    "minutes": form.minutes.data, "poll_id": int(form.poll_id.data or 0)})
            except OperationError as error:
                db.session.rollback()
                apply_to_form(form, error)
            else:
                db.session.commit()
                flash(_("已记录：%(s)s", s=matter.steps[-1].stage), "success")
                return redirect(url_for(".matter", matter_id=matter.id)), 303
    status = 422 if form.errors or form.form_errors else 200
    return render_template("voting/matter.html", site=g.site, matter=matter, manage=manage,
                           form=form), status
