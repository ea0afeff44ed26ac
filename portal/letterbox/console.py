"""The handlers' pages: my offices, a site's queue, one letter with its actions, leader mailboxes."""

from __future__ import annotations

from flask import abort, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from portal.accounts.models import RoleGrant
from portal.core.errors import OperationError, apply_to_form
from portal.core.permissions import ROLE_PERMISSIONS, can, require
from portal.core.tenancy import get_in_site_or_404
from portal.extensions import db
from portal.letterbox import bp, deadlines, handling, operations
from portal.letterbox.forms import (
    AcceptForm,
    HandlerEmailForm,
    InternalNoteForm,
    MailboxForm,
    NoteForm,
    PublishForm,
    ReasonForm,
    RejectForm,
    ReplyForm,
    TransferForm,
)
from portal.letterbox.models import (
    OPEN_STATES,
    Assignment,
    HandlerEmail,
    Letter,
    Mailbox,
    Note,
)
from portal.letterbox.views import file_response
from portal.sites.models import Site

QUEUE_SIZE = 50
FILTERS = ("open", "overdue", "moderation", "answered", "closed", "all")
HANDLER_ROLES = [r for r, perms in ROLE_PERMISSIONS.items() if "letters.handle" in perms]


def _forms(letter: Letter, bound: dict | None = None) -> dict:
    """The action forms of a letter page (CSRF comes from the page's token, not per form)."""
    plain = {"meta": {"csrf": False}}
    forms = {
        "accept": AcceptForm(prefix="accept", formdata=None, **plain),
        "reject": RejectForm(prefix="reject", formdata=None, **plain),
        "process": NoteForm(prefix="process", formdata=None, **plain),
        "extend": ReasonForm(prefix="extend", formdata=None, **plain),
        "transfer": TransferForm(prefix="transfer", formdata=None, **plain),
        "reply": ReplyForm(prefix="reply", formdata=None, **plain),
        "publish": PublishForm(prefix="publish", formdata=None, **plain),
        "hide": ReasonForm(prefix="hide", formdata=None, **plain),
        "note": InternalNoteForm(prefix="note", formdata=None, **plain),
    }
    forms.update(bound or {})
    site = letter.site
    up = [s for s in reversed(site.ancestors())]
    down = [s for s in site.children() if can(current_user, s, "letters.handle")]
    choices = {"": _("请选择")}
    choices.update({s.code: _("上级：%(s)s", s=s.name) for s in up})
    choices.update({s.code: _("下辖：%(s)s", s=s.name) for s in down})
    forms["transfer"].target.choices = choices
    if "publish" not in (bound or {}):
        forms["publish"].public_subject.data = operations.public_text(
            letter.public_subject or letter.subject, letter)
        forms["publish"].public_body.data = operations.public_text(
            letter.public_body or letter.body, letter)
    return forms


def _letter_here(letter_id: int) -> Letter | Site:
    """The letter if this site holds it now; its current site if it moved within my reach."""
    letter = db.session.scalar(db.select(Letter).where(Letter.id == letter_id,
                                                       Letter.site_id == g.site.id))
    if letter is not None:
        require(current_user, letter.site, "letters.handle")
        return letter
    moved = db.session.scalar(
        db.select(Letter).join(Assignment, Assignment.letter_id == Letter.id)
        .where(Letter.id == letter_id, Assignment.site_id == g.site.id).limit(1))
    if moved is None:
        abort(404)
    require(current_user, moved.site, "letters.handle")
    return moved.site


def _page(letter: Letter, bound: dict | None = None, status: int = 200):
    rule = deadlines.rule_for(letter.kind, letter.site.level)
    notes = db.session.scalars(db.select(Note).where(Note.letter_id == letter.id)
                               .order_by(Note.id)).all()
    from portal.letterbox.display import deadline_of

    return render_template(
        "letterbox/handle.html", site=letter.site, letter=letter, forms=_forms(letter, bound),
        rule=rule, notes=notes, deadline=deadline_of(letter),
        unit=deadlines.unit_name(rule.unit)), status


@bp.route("/letters/manage/", methods=["GET", "POST"])
@login_required
def console():
    """My offices with their open and overdue letters, and where my notices go."""
    form = HandlerEmailForm()
    if form.validate_on_submit():
        try:
            operations.set_handler_email(current_user, form.email.data)
        except OperationError as error:
            db.session.rollback()
            apply_to_form(form, error)
        else:
            db.session.commit()
            flash(_("提醒邮箱已保存。") if form.email.data else _("已关闭邮件提醒。"), "success")
            return redirect(url_for(".console"))
    elif request.method == "GET":
        form.email.data = db.session.scalar(db.select(HandlerEmail.email).where(
            HandlerEmail.user_id == current_user.id))
    sites = db.session.scalars(
        db.select(Site).join(RoleGrant, RoleGrant.site_id == Site.id)
        .where(RoleGrant.user_id == current_user.id, RoleGrant.role.in_(HANDLER_ROLES))
        .order_by(Site.code).distinct()).all()
    if current_user.is_superadmin and not sites:
        sites = db.session.scalars(db.select(Site).where(Site.level == "city")).all()
    if not sites:
        abort(403)
    rows = [(s, _counts(s)) for s in sites]
    status = 422 if form.errors or form.form_errors else 200
    return render_template("letterbox/console.html", rows=rows, form=form), status


def _counts(site: Site) -> dict:
    """Open, overdue and awaiting-publication letters in a site's subtree."""
    from portal.letterbox.operations import overdue_on

    open_letters = db.session.scalars(
        db.select(Letter).join(Site, Site.id == Letter.site_id)
        .where(site.subtree(), Letter.state.in_(OPEN_STATES))).all()
    moderation = db.session.scalar(
        db.select(db.func.count(Letter.id)).join(Site, Site.id == Letter.site_id)
        .where(site.subtree(), Letter.public_status == "pending"))
    return {"open": len(open_letters),
            "overdue": sum(1 for x in open_letters if overdue_on(x.current)),
            "moderation": moderation}


@bp.route("/s/<code>/letters/manage/")
@login_required
def queue():
    """The letters held by this site and the sites below it, filtered, most urgent first."""
    require(current_user, g.site, "letters.handle")
    show = request.args.get("show") if request.args.get("show") in FILTERS else "open"
    query = db.select(Letter).join(Site, Site.id == Letter.site_id).where(g.site.subtree())
    if show in ("open", "overdue"):
        query = query.where(Letter.state.in_(OPEN_STATES))
    elif show == "moderation":
        query = query.where(Letter.public_status == "pending")
    elif show in ("answered", "closed"):
        query = query.where(Letter.state == show)
    letters = db.session.scalars(query.order_by(Letter.submitted_at.desc())
                                 .limit(1000)).all()
    from portal.letterbox.display import deadline_of

    rows = [(x, deadline_of(x)) for x in letters]
    if show == "overdue":
        rows = [r for r in rows if r[1] is not None and r[1].overdue]
    if show in ("open", "overdue"):
        rows.sort(key=lambda r: (r[1] is None, r[1].due if r[1] else None, r[0].id))
    return render_template("letterbox/queue.html", site=g.site, rows=rows[:QUEUE_SIZE],
                           total=len(rows), show=show, filters=FILTERS)


@bp.route("/s/<code>/letters/manage/<int:letter_id>")
@login_required
def handle(letter_id):
    """One letter for the office: the writer's contacts, files, notes, timeline and actions."""
    found = _letter_here(letter_id)
    if isinstance(found, Site):
        return redirect(url_for(".handle", code=found.code, letter_id=letter_id))
    return _page(found)


ACTIONS = {
    "accept": (AcceptForm, lambda f, x: handling.accept_letter(current_user, x, f.simple.data),
               lambda x: _("已受理，答复期限：%(d)s", d=x.current.answer_due.isoformat())),
    "reject": (RejectForm, lambda f, x: handling.reject_letter(
        current_user, x, f.reason.data, f.referral.data, f.referral_note.data),
        lambda x: _("已决定不予受理，并告知来信人反映途径。")),
    "process": (NoteForm, lambda f, x: handling.start_processing(current_user, x, f.note.data),
                lambda x: _("已标记为办理中。")),
    "extend": (ReasonForm, lambda f, x: handling.extend_letter(current_user, x, f.reason.data),
               lambda x: _("已延期，答复期限延至%(d)s。", d=x.current.answer_due.isoformat())),
    "transfer": (TransferForm, lambda f, x: handling.transfer_letter(
        current_user, x, Site.by_code((f.target_code.data or f.target.data or "").strip()),
        f.reason.data), lambda x: _("已转办至%(s)s。", s=x.site.name)),
    "reply": (ReplyForm, lambda f, x: handling.reply_letter(current_user, x, f.body.data),
              lambda x: _("答复已发送。")),
    "publish": (PublishForm, lambda f, x: handling.publish_letter(
        current_user, x, f.public_subject.data, f.public_body.data),
        lambda x: _("已审核通过，来信将在网站上公开。")),
    "hide": (ReasonForm, lambda f, x: handling.hide_letter(current_user, x, f.reason.data),
             lambda x: _("已设为不公开。")),
    "note": (InternalNoteForm, lambda f, x: handling.add_note(current_user, x, f.body.data),
             lambda x: _("内部备注已保存。")),
}


@bp.route("/s/<code>/letters/manage/<int:letter_id>/<any(" + ", ".join(ACTIONS) + "):action>",
          methods=["POST"])
@login_required
def act(letter_id, action):
    """Run one action on a letter; on a refusal the page comes back with what was typed."""
    found = _letter_here(letter_id)
    if isinstance(found, Site):
        flash(_("这件来信已由%(s)s办理，请在那里操作。", s=found.name), "error")
        return redirect(url_for(".handle", code=found.code, letter_id=letter_id))
    letter = found
    form_class, run, done = ACTIONS[action]
    form = form_class(prefix=action, meta={"csrf": False})
    try:
        run(form, letter)
    except OperationError as error:
        db.session.rollback()
        apply_to_form(form, error)
        flash(error.message, "error")
        return _page(letter, {action: form}, 422)
    db.session.commit()
    flash(done(letter), "success")
    if can(current_user, letter.site, "letters.handle"):
        return redirect(url_for(".handle", code=letter.site.code, letter_id=letter.id))
    return redirect(url_for(".queue", code=g.site.code))


@bp.route("/s/<code>/letters/manage/<int:letter_id>/files/<int:file_id>")
@login_required
def handler_file(letter_id, file_id):
    """A file attached to a letter, for the office handling it."""
    found = _letter_here(letter_id)
    if isinstance(found, Site):
        return redirect(url_for(".handler_file", code=found.code, letter_id=letter_id,
                                file_id=file_id))
    return file_response(found, file_id)


@bp.route("/s/<code>/letters/mailboxes", methods=["GET", "POST"])
@login_required
def mailboxes():
    """Leader mailboxes of a district or the city: open one, see the existing ones."""
    require(current_user, g.site, "letters.manage_mailboxes")
    form = MailboxForm()
    if form.validate_on_submit():
        try:
            operations.create_mailbox(current_user, g.site, form.data)
        except OperationError as error:
            db.session.rollback()
            apply_to_form(form, error)
        else:
            db.session.commit()
            flash(_("已设立“%(n)s”。", n=form.name.data.strip()), "success")
            return redirect(url_for(".mailboxes"))
    boxes = db.session.scalars(db.select(Mailbox).where(Mailbox.site_id == g.site.id)
                               .order_by(Mailbox.id)).all()
    edit_forms = {b.id: MailboxForm(prefix=f"box{b.id}", obj=b, formdata=None) for b in boxes}
    status = 422 if form.errors or form.form_errors else 200
    return render_template("letterbox/mailboxes.html", site=g.site, form=form, boxes=boxes,
                           edit_forms=edit_forms), status


@bp.route("/s/<code>/letters/mailboxes/<int:mailbox_id>", methods=["POST"])
@login_required
def edit_mailbox(mailbox_id):
    """Change a leader mailbox, or stop it receiving letters."""
    require(current_user, g.site, "letters.manage_mailboxes")
    box = get_in_site_or_404(Mailbox, mailbox_id, g.site)
    form = MailboxForm(prefix=f"box{box.id}")
    if form.validate_on_submit():
        try:
            operations.update_mailbox(current_user, g.site, box, form.data)
        except OperationError as error:
            db.session.rollback()
            flash(error.message, "error")
        else:
            db.session.commit()
            flash(_("信箱已保存。"), "success")
    return redirect(url_for(".mailboxes"))
