"""E-mail notices through an outbox: queued in the transaction that causes them, sent after commit.

A message is a row of mail_outbox written together with the change it reports, so it exists if
and only if the change does. After the request commits (and on every `letters sweep`), pending
rows are claimed one by one (a claim expires, so a crashed sender's rows are retried), sent over
SMTP, and marked sent. A failure leaves the row for the next attempt with a growing delay.
Without MAIL_SERVER (development) messages are written as .eml files to MAIL_OUTBOX_DIR.
Messages never carry the letter's text, the reply or the writer's identity: only the number, the
state and a link, because e-mail is neither private nor permanent.
"""

from __future__ import annotations

import logging
import os
import smtplib
import ssl
from datetime import timedelta
from email.message import EmailMessage
from email.utils import formatdate, make_msgid

from flask import current_app, g, has_request_context, request, url_for
from flask_babel import gettext as _
from sqlalchemy import event
from sqlalchemy.orm import Session

from portal.core.clock import utcnow
from portal.extensions import db
from portal.letterbox.models import HandlerEmail, Letter, MailOutbox
from portal.sites.models import Site

log = logging.getLogger("portal.mail")
MAX_ATTEMPTS = 12
CLAIM_MINUTES = 5


def queue(to_addr: str, subject: str, body: str, letter: Letter | None = None) -> None:
    """Add a message to the outbox in the current transaction."""
    db.session.add(MailOutbox(to_addr=to_addr, subject=subject[:200], body=body,
                              letter_id=letter.id if letter is not None else None,
                              created_at=utcnow(), next_attempt_at=utcnow()))
    db.session.info["mail_queued"] = True


@event.listens_for(Session, "after_commit")
def _remember_queued(session):
    if session.info.pop("mail_queued", False) and has_request_context():
        g.letter_mail_queued = True


@event.listens_for(Session, "after_rollback")
def _forget_queued(session):
    session.info.pop("mail_queued", None)


def base_url() -> str:
    """Where links in messages point: PUBLIC_BASE_URL, else the current request's host."""
    configured = current_app.config.get("PUBLIC_BASE_URL")
    if configured:
        return configured.rstrip("/")
    if has_request_context():
        return request.host_url.rstrip("/")
    return "http://127.0.0.1:5000"


def _link(endpoint: str, **values) -> str:
    """An absolute link for a message; built without a request when the sweep sends it."""
    if has_request_context():
        return base_url() + url_for(endpoint, **values)
    return base_url() + current_app.url_map.bind("localhost").build(endpoint, values)


def tell_writer(letter: Letter, headline: str) -> None:
    """Tell the writer (if they left an e-mail address) that their letter changed."""
    if not letter.writer_email:
        return
    subject = _("【阳光村务】您的来信 %(n)s：%(h)s", n=letter.number, h=headline)
    body = _(
        "您好：\n\n您的来信(编号 %(n)s)有了新进展：%(h)s。\n当前状态：%(s)s；办理单位：%(o)s。\n\n"
        "请凭来信编号和查询码在以下地址查看详情：\n%(u)s\n\n"
        "本邮件由系统自动发送，请勿直接回复。为保护您的隐私，邮件中不含来信和答复的内容。\n",
        n=letter.number, h=headline, s=letter.state_name, o=letter.site.name,
        u=_link("letterbox.track"))
    queue(letter.writer_email, subject, body, letter)


def handler_addresses(site: Site) -> list[str]:
    """E-mail addresses of the handlers nearest to a site: its own, else the closest level above."""
    from portal.accounts.models import RoleGrant, User

    for candidate in [site, *reversed(site.ancestors())]:
        rows = db.session.execute(
            db.select(HandlerEmail.email)
            .join(RoleGrant, RoleGrant.user_id == HandlerEmail.user_id)
            .join(User, User.id == RoleGrant.user_id)
            .where(RoleGrant.site_id == candidate.id, RoleGrant.role == "letter_handler",
                   User.disabled.is_(False))
        ).scalars().all()
        holders = db.session.scalar(
            db.select(db.func.count(RoleGrant.id))
            .where(RoleGrant.site_id == candidate.id, RoleGrant.role == "letter_handler"))
        if holders:
            return sorted(set(rows))
    return []


def tell_handlers(letter: Letter, site: Site, headline: str) -> None:
    """Tell the handlers of the office that now holds a letter (new, transferred, escalated)."""
    from portal.letterbox.operations import public_text  # operations imports this module

    subject = _("【阳光村务】%(o)s有来信待办：%(n)s(%(h)s)", o=site.short_name, n=letter.number,
                h=headline)
    body = _(
        "%(o)s：\n\n来信 %(n)s(%(k)s)%(h)s，请在期限内受理或答复。\n主题：%(t)s\n\n办理地址：\n%(u)s\n\n"
        "本邮件由系统自动发送，请勿直接回复。来信人的联系方式请在办理页面查看。\n",
        o=site.name, n=letter.number, k=letter.kind_name, h=headline,
        t=public_text(letter.subject, letter),
        u=_link("letterbox.handle", code=site.code, letter_id=letter.id))
    for address in handler_addresses(site):
        queue(address, subject, body, letter)


def _message(row: MailOutbox) -> EmailMessage:
    message = EmailMessage()
    message["From"] = current_app.config["MAIL_DEFAULT_SENDER"]
    message["To"] = row.to_addr
    message["Subject"] = row.subject
    message["Date"] = formatdate(localtime=False)
    message["Message-ID"] = make_msgid(idstring=f"letter-outbox-{row.id}")
    message.set_content(row.body)
    return message


def _send(message: EmailMessage) -> None:
    config = current_app.config
    server = config.get("MAIL_SERVER")
    if not server:
        folder = config.get("MAIL_OUTBOX_DIR") or os.path.join(current_app.instance_path,
                                                                "mail_outbox")
        os.makedirs(folder, exist_ok=True)
        name = message["Message-ID"].strip("<>").replace("@", "_").replace("/", "_")
        with open(os.path.join(folder, f"{name}.eml"), "wb") as f:
            f.write(message.as_bytes())
        return
    timeout = config["MAIL_TIMEOUT"]
    if config.get("MAIL_USE_SSL"):
        client = smtplib.SMTP_SSL(server, config["MAIL_PORT"], timeout=timeout,
                                  context=ssl.create_default_context())
    else:
        client = smtplib.SMTP(server, config["MAIL_PORT"], timeout=timeout)
    with client:
        if config.get("MAIL_USE_TLS") and not config.get("MAIL_USE_SSL"):
            client.starttls(context=ssl.create_default_context())
        if config.get("MAIL_USERNAME"):
            client.login(config["MAIL_USERNAME"], config.get("MAIL_PASSWORD") or "")
        client.send_message(message)


def _claim(row_id: int) -> bool:
    """Take a message for sending unless another process holds a live claim on it."""
    now = utcnow()
    claimed = db.session.execute(
        db.update(MailOutbox)
        .where(MailOutbox.id == row_id, MailOutbox.sent_at.is_(None),
               db.or_(MailOutbox.claimed_until.is_(None), MailOutbox.claimed_until < now))
        .values(claimed_until=now + timedelta(minutes=CLAIM_MINUTES))
    ).rowcount
    db.session.commit()
    return claimed == 1


def deliver(limit: int = 200) -> tuple[int, int]:
    """Send pending messages; returns (sent, failed). Commits after each message."""
    now = utcnow()
    ids = db.session.scalars(
        db.select(MailOutbox.id)
        .where(MailOutbox.sent_at.is_(None), MailOutbox.next_attempt_at <= now,
               MailOutbox.attempts < MAX_ATTEMPTS)
        .order_by(MailOutbox.id).limit(limit)).all()
    db.session.commit()
    sent = failed = 0
    for row_id in ids:
        if not _claim(row_id):
            continue
        row = db.session.get(MailOutbox, row_id)
        try:
            _send(_message(row))
        except (OSError, smtplib.SMTPException) as error:
            row.attempts += 1
            row.last_error = f"{type(error).__name__}: {error}"[:500]
            row.next_attempt_at = utcnow() + timedelta(minutes=min(2 ** row.attempts, 720))
            row.claimed_until = None
            failed += 1
            log.warning("mail to %s failed (attempt %d): %s", row.to_addr, row.attempts, error)
        else:
            row.attempts += 1
            row.sent_at = utcnow()
            row.last_error = None
            sent += 1
        db.session.commit()
    return sent, failed


def init_app(app) -> None:
    """Send what a request queued once it has committed (the sweep retries what fails)."""

    @app.after_request
    def _deliver_after_commit(response):
        if g.pop("letter_mail_queued", False) and app.config["MAIL_DELIVER_AFTER_REQUEST"]:
            try:
                deliver(limit=50)
            except Exception:  # never fail the request that already committed
                db.session.rollback()
                log.exception("delivering queued mail failed; the sweep will retry")
        return response
