"""Public and writer pages: the letterbox of a site, writing, the receipt, tracking by code, rating."""

from __future__ import annotations

import secrets

from flask import (
    abort,
    current_app,
    flash,
    g,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy.exc import IntegrityError

from portal.core.cache import public_page
from portal.core.errors import OperationError, apply_to_form
from portal.core.storage import storage
from portal.core.tenancy import bind_site_urls
from portal.extensions import db, limiter
from portal.letterbox import bp, captcha, display, operations
from portal.letterbox.forms import LetterForm, RateForm, TrackForm
from portal.letterbox.models import Assignment, Letter, LetterAttachment, Mailbox
from portal.letterbox.operations import DuplicateLetter
from portal.sites.models import Site, find_sites

PUBLIC_ENDPOINTS = {"letterbox.index", "letterbox.show", "letterbox.start"}
PAGE_SIZE = 20
TRACKED = "letters_tracked"  # letter ids this session proved it holds the code of
RECEIPTS = "letter_receipts"  # number -> query code, to show on the receipt page

display.register(bp)


bind_site_urls(bp)


@bp.after_request
def _private_pages_are_not_stored(response):
    """Letters, contacts and codes may be on any page but the public ones: no shared caches."""
    if request.endpoint not in PUBLIC_ENDPOINTS:
        response.headers["Cache-Control"] = "no-store"
    return response


def _config(name):
    return lambda: current_app.config[name]


def _anonymous() -> bool:
    return not current_user.is_authenticated


def _account_key() -> str:
    return f"letters-account:{getattr(current_user, 'id', None)}"


def _number_key() -> str:
    return "letters-number:" + (request.form.get("number") or "").strip()[:24]


def _tracked() -> list[int]:
    return list(session.get(TRACKED, []))


def _grant(letter: Letter) -> None:
    """Remember in this session that its holder proved the query code of a letter."""
    session[TRACKED] = [letter.id, *[i for i in _tracked() if i != letter.id]][:20]


def _letter_here(letter_id: int) -> Letter:
    """A letter that was handled at this site at some point (its links stay valid after transfer)."""
    letter = db.session.scalar(
        db.select(Letter).join(Assignment, Assignment.letter_id == Letter.id)
        .where(Letter.id == letter_id, Assignment.site_id == g.site.id).limit(1))
    if letter is None:
        abort(404)
    return letter


@bp.route("/letters/")
@public_page
def start():
    """Where to write: the home village of a verified resident, or find the office by name."""
    query = (request.args.get("q") or "").strip()[:40]
    return render_template("letterbox/start.html", query=query,
                           home=operations.home_village(current_user),
                           results=find_sites(query) if query else [])


@bp.route("/s/<code>/letters/")
@public_page
def index():
    """A site's letterbox: its mailboxes, answer statistics and the letters made public."""
    site = g.site
    page = max(request.args.get("page", 1, type=int), 1)
    sub = request.args.get("sub") == "1" and site.level != "village"
    where = site.subtree() if sub else (Assignment.site_id == site.id)
    spells = db.select(Assignment.letter_id).join(Site, Site.id == Assignment.site_id).where(where)
    letters = db.session.scalars(
        db.select(Letter).where(Letter.public_status == "approved", Letter.id.in_(spells))
        .order_by(Letter.submitted_at.desc(), Letter.id.desc())
        .limit(PAGE_SIZE + 1).offset((page - 1) * PAGE_SIZE)).all()
    mailboxes = db.session.scalars(db.select(Mailbox).where(
        Mailbox.site_id == site.id, Mailbox.active.is_(True)).order_by(Mailbox.id)).all()
    return render_template(
        "letterbox/index.html", site=site, ancestors=site.ancestors(), mailboxes=mailboxes,
        letters=letters[:PAGE_SIZE], more=len(letters) > PAGE_SIZE, page=page, sub=sub,
        has_children=site.level != "village",
        own=display.letter_stats.site_stats(site),
        whole=display.letter_stats.site_stats(site, subtree=True)
        if site.level != "village" else None,
        min_sample=current_app.config["LETTERS_STATS_MIN_SAMPLE"],
        days=current_app.config["LETTERS_STATS_DAYS"])


@bp.route("/s/<code>/letters/<int:letter_id>")
@public_page
def show(letter_id):
    """A letter made public: masked text, the public timeline and the answers; never the writer."""
    letter = _letter_here(letter_id)
    if not letter.is_public:
        abort(404)
    return render_template("letterbox/show.html", site=g.site, letter=letter,
                           ancestors=g.site.ancestors(), deadline=display.deadline_of(letter))


def _preselect(form: LetterForm, site: Site) -> None:
    """Fill a fresh form: a one-time token, the chosen office, type and item, the writer's data."""
    form.token.data = secrets.token_urlsafe(24)
    home = operations.home_village(current_user)
    wanted = request.args.get("to") or f"site:{(home or site).code}"
    if wanted in form.recipient.choices:
        form.recipient.data = wanted
    wanted_kind = request.args.get("type")
    form.kind.data = wanted_kind if wanted_kind in form.kind.choices else "consult"
    form.item.data = (request.args.get("item") or "")[:20]
    if current_user.is_authenticated:
        from portal.accounts.models import Residency

        residency = db.session.scalar(db.select(Residency).where(
            Residency.user_id == current_user.id))
        form.name.data = residency.real_name if residency else current_user.display_name
        form.mobile.data = current_user.mobile


@bp.route("/s/<code>/letters/new", methods=["GET", "POST"])
@limiter.limit(_config("LETTERS_WRITE_RATE_LIMIT"), methods=["POST"], scope="letters-write")
@limiter.limit(_config("LETTERS_WRITE_ACCOUNT_RATE_LIMIT"), methods=["POST"],
               key_func=_account_key, exempt_when=_anonymous, scope="letters-write-account")
def new():
    """Write a letter to this site's office, an office above it or a leader mailbox."""
    site = g.site
    anonymous = _anonymous()
    if anonymous and not current_app.config["LETTERS_ALLOW_ANONYMOUS"]:
        flash(_("请先登录再写信。"), "error")
        return redirect(url_for("accounts.login", next=request.full_path))
    form = LetterForm()
    form.recipient.choices = {v: label for v, label, _s, _b in
                              operations.recipients(site, current_user)}
    if request.method == "GET":
        _preselect(form, site)
    elif form.validate_on_submit():
        if anonymous and not captcha.check(form.captcha.data):
            db.session.commit()  # the challenge is used up, right or wrong
            form.captcha.errors = [_("验证码不正确或已过期，请输入新图片中的字符")]
        else:
            db.session.commit()
            response = _submit(site, form)
            if response is not None:
                return response
    form.captcha.data = ""
    if request.method == "POST" and request.files.getlist("attachments") and any(
            f.filename for f in request.files.getlist("attachments")):
        form.form_errors.append(_("出于安全原因，浏览器不会保留已选的附件，请重新选择附件。"))
    status = 422 if request.method == "POST" else 200
    return render_template("letterbox/new.html", site=site, form=form, anonymous=anonymous,
                           ancestors=site.ancestors()), status


def _submit(site: Site, form: LetterForm):
    """Call the operation; a response on success (or for a letter already made), else None."""
    files = [(f.filename, f.read()) for f in request.files.getlist("attachments") if f.filename]
    try:
        letter, code = operations.submit_letter(current_user, site, form.data, files)
        db.session.flush()
    except OperationError as error:
        db.session.rollback()
        apply_to_form(form, error)
        return None
    except DuplicateLetter as twin:
        db.session.rollback()
        flash(_("相同内容的来信刚才已经提交(编号 %(n)s)，不会重复登记。", n=twin.letter.number),
              "success")
        return redirect(url_for(".receipt", number=twin.letter.number))
    except IntegrityError:  # the same form posted twice at once: the other request made it
        db.session.rollback()
        letter, code = db.session.scalar(db.select(Letter).where(
            Letter.submit_token == form.token.data)), None
        if letter is None:
            raise
    else:
        db.session.commit()
    if code is not None:
        receipts = dict(session.get(RECEIPTS, {}))
        receipts[letter.number] = code
        session[RECEIPTS] = dict(list(receipts.items())[-5:])
        _grant(letter)
        flash(_("来信已提交。请记下来信编号和查询码。"), "success")
    else:
        flash(_("这封来信已经提交过了(编号 %(n)s)，不会重复登记。", n=letter.number), "success")
    return redirect(url_for(".receipt", number=letter.number))


@bp.route("/letters/receipt/<number>")
def receipt(number):
    """The number and query code of a letter just written (shown to this session only)."""
    code = session.get(RECEIPTS, {}).get(number)
    letter = db.session.scalar(db.select(Letter).where(Letter.number == number))
    if letter is None or (code is None and letter.id not in _tracked()):
        return redirect(url_for(".track", number=number))
    return render_template("letterbox/receipt.html", letter=letter,
                           code=operations.format_code(code) if code else None)


@bp.route("/letters/captcha.png")
@limiter.limit(_config("LETTERS_CAPTCHA_RATE_LIMIT"), scope="letters-captcha")
def captcha_image():
    """A new CAPTCHA image for this session (the previous challenge is replaced)."""
    image = captcha.new_image()
    db.session.commit()
    response = current_app.response_class(image, mimetype="image/png")
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.route("/letters/track", methods=["GET", "POST"])
@limiter.limit(_config("LETTERS_TRACK_RATE_LIMIT"), methods=["POST"], scope="letters-track")
@limiter.limit(_config("LETTERS_TRACK_NUMBER_RATE_LIMIT"), methods=["POST"],
               key_func=_number_key, scope="letters-track-number")
def track():
    """Follow a letter with its number and query code, without an account."""
    form = TrackForm()
    if request.method == "GET":
        form.number.data = (request.args.get("number") or "")[:24]
    elif form.validate_on_submit():
        letter = operations.find_by_code(form.number.data, form.code.data)
        if letter is not None:
            _grant(letter)
            return redirect(url_for(".tracked", number=letter.number))
        # The same words whether the number exists or not.
        form.form_errors.append(_("来信编号或查询码不正确，请核对后再试。"))
    status = 422 if form.form_errors else 200
    return render_template("letterbox/track.html", form=form), status


def _own_letter(number: str) -> Letter | None:
    letter = db.session.scalar(db.select(Letter).where(Letter.number == number[:24]))
    if letter is None or not operations.may_see_privately(current_user, letter, _tracked()):
        return None
    return letter


@bp.route("/letters/track/<number>")
def tracked(number):
    """Everything about one's own letter: state, deadlines, timeline, every answer, rating."""
    letter = _own_letter(number)
    if letter is None:
        return redirect(url_for(".track", number=number))
    return render_template("letterbox/tracked.html", letter=letter, form=RateForm(),
                           deadline=display.deadline_of(letter))


@bp.route("/letters/track/<number>/rate", methods=["POST"])
def rate(number):
    """The writer rates the answer."""
    letter = _own_letter(number)
    if letter is None:
        return redirect(url_for(".track", number=number))
    form = RateForm()
    if form.validate_on_submit():
        try:
            operations.rate_letter(letter, form.rating.data, form.comment.data)
        except OperationError as error:
            db.session.rollback()
            apply_to_form(form, error)
        else:
            db.session.commit()
            if letter.state == "closed":
                flash(_("感谢您的评价，来信已办结。"), "success")
            else:
                flash(_("您的评价已提交，来信已转由%(s)s复核。", s=letter.site.name), "success")
            return redirect(url_for(".tracked", number=letter.number))
    return render_template("letterbox/tracked.html", letter=letter, form=form,
                           deadline=display.deadline_of(letter)), 422


@bp.route("/letters/track/<number>/files/<int:file_id>")
def writer_file(number, file_id):
    """A file the writer attached, back to the writer."""
    letter = _own_letter(number)
    if letter is None:
        abort(404)
    return file_response(letter, file_id)


def file_response(letter: Letter, file_id: int):
    """An attachment of this letter as a download that is never rendered inline."""
    attachment = db.session.scalar(db.select(LetterAttachment).where(
        LetterAttachment.id == file_id, LetterAttachment.letter_id == letter.id))
    if attachment is None:
        abort(404)
    response = current_app.response_class(storage().read(attachment.sha256),
                                          mimetype=attachment.mimetype)
    response.headers.set("Content-Disposition", "attachment", filename=attachment.filename)
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


@bp.route("/letters/mine")
@login_required
def mine():
    """Every letter written from this account."""
    letters = db.session.scalars(db.select(Letter).where(Letter.writer_id == current_user.id)
                                 .order_by(Letter.submitted_at.desc()).limit(200)).all()
    return render_template("letterbox/mine.html", letters=letters,
                           handles_letters=operations.handles_anywhere(current_user))
