"""Notifications through the outbox to a real SMTP server (aiosmtpd on 127.0.0.1), never a mock:
queued with the change, sent after commit, kept and retried when the server is down, and written
as .eml files in development."""

from __future__ import annotations

import socket
from email import message_from_bytes, policy

import pytest
from aiosmtpd.controller import Controller

from portal.core.clock import frozen
from portal.extensions import db
from portal.letterbox import handling, notify, sweep
from portal.letterbox.models import HandlerEmail, Letter, MailOutbox
from tests.conftest import csrf_from
from tests.test_letterbox import TOWNSHIP, VILLAGE, noon, person, staff, write  # noqa: F401


class Inbox:
    """An aiosmtpd handler that keeps every message it receives."""

    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):
        message = message_from_bytes(envelope.content, policy=policy.default)
        self.messages.append((list(envelope.rcpt_tos), message))
        return "250 OK"

    def to(self, address):
        return [m for rcpt, m in self.messages if address in rcpt]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def smtp(app):
    """A real SMTP server on a free local port, and the app pointed at it."""
    inbox = Inbox()
    port = free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=port)
    yield inbox
    controller.stop()
    app.config.update(MAIL_SERVER=None, MAIL_PORT=25)


def test_writer_and_handlers_are_told_over_smtp(ctx, staff, smtp):  # noqa: F811
    db.session.add(HandlerEmail(user_id=staff["village"], email="anlong@example.org"))
    letter, _ = write()
    db.session.commit()
    sent, failed = notify.deliver()
    assert (sent, failed) == (2, 0)
    [to_office] = smtp.to("anlong@example.org")
    [to_writer] = smtp.to("lijianguo@example.org")
    assert letter.number in to_office["Subject"] and "新来信" in to_office["Subject"]
    assert "来信已收到" in to_writer["Subject"]
    office_text = to_office.get_content()
    writer_text = to_writer.get_content()
    assert f"/s/{VILLAGE}/letters/manage/{letter.id}" in office_text
    assert "/letters/track" in writer_text
    # No letter text, no contacts of the writer in any e-mail.
    for text in (office_text, writer_text):
        assert "13912345678" not in text and "李建国" not in text and "一卡通" not in text
    # Every status change tells the writer.
    handling.accept_letter(person(staff, "village"), letter)
    handling.reply_letter(person(staff, "village"), letter, "已补发，请查收一卡通到账记录。")
    db.session.commit()
    assert notify.deliver() == (2, 0)
    subjects = [m["Subject"] for m in smtp.to("lijianguo@example.org")]
    assert any("已受理" in s for s in subjects) and any("已答复" in s for s in subjects)
    assert notify.deliver() == (0, 0)  # nothing is sent twice


def test_smtp_down_keeps_messages_for_the_sweep(ctx, staff, app):  # noqa: F811
    dead = free_port()  # nothing listens here
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=dead, MAIL_TIMEOUT=2)
    try:
        with frozen(noon(2026, 11, 23)):
            letter, _ = write()
            db.session.commit()
            assert notify.deliver() == (0, 1)
        row = db.session.scalar(db.select(MailOutbox))
        assert row.sent_at is None and row.attempts == 1 and "Error" in row.last_error
        assert row.next_attempt_at > noon(2026, 11, 23)
        # The letter itself is safe: the failed mail did not undo it.
        assert db.session.get(Letter, letter.id) is not None
        inbox = Inbox()
        controller = Controller(inbox, hostname="127.0.0.1", port=dead)
        controller.start()
        try:
            with frozen(noon(2026, 11, 23)):  # not yet time to retry
                assert sweep.run().mail_sent == 0
            with frozen(noon(2026, 11, 24)):
                assert sweep.run().mail_sent == 1
        finally:
            controller.stop()
        assert len(inbox.to("lijianguo@example.org")) == 1
        db.session.expire_all()
        assert db.session.scalar(db.select(MailOutbox.sent_at)) is not None
    finally:
        app.config.update(MAIL_SERVER=None, MAIL_PORT=25, MAIL_TIMEOUT=10)


def test_mail_goes_out_after_the_request_commits(client, app, staff, smtp):  # noqa: F811
    app.config["LETTERS_CAPTCHA_TEXT"] = lambda: "K7QX"
    try:
        page = client.get(f"/s/{VILLAGE}/letters/new").get_data(as_text=True)
        client.get("/letters/captcha.png")
        from tests.test_letterbox_views import FORM

        response = client.raw.post(f"/s/{VILLAGE}/letters/new", data={
            **FORM, "captcha": "K7QX", "token": "t-1", "csrf_token": csrf_from(page)})
        assert response.status_code == 302
    finally:
        app.config["LETTERS_CAPTCHA_TEXT"] = None
    assert len(smtp.to("lijianguo@example.org")) == 1
    with app.app_context():
        assert db.session.scalar(db.select(MailOutbox.sent_at)) is not None


def test_a_refused_change_sends_nothing(ctx, staff, smtp):  # noqa: F811
    from portal.core.errors import OperationError

    letter, _ = write()
    db.session.commit()
    notify.deliver()
    before = len(smtp.messages)
    with pytest.raises(OperationError):
        handling.reply_letter(person(staff, "village"), letter, "还没受理就答复的内容")
    db.session.rollback()
    assert notify.deliver() == (0, 0) and len(smtp.messages) == before


def test_development_writes_eml_files(ctx, staff, app, tmp_path):  # noqa: F811
    app.config["MAIL_OUTBOX_DIR"] = str(tmp_path)
    try:
        write()
        db.session.commit()
        assert notify.deliver() == (1, 0)
    finally:
        app.config["MAIL_OUTBOX_DIR"] = None
    [eml] = list(tmp_path.glob("*.eml"))
    message = message_from_bytes(eml.read_bytes(), policy=policy.default)
    assert message["To"] == "lijianguo@example.org" and "来信已收到" in message["Subject"]


def test_transfer_and_escalation_tell_the_new_office(ctx, staff, smtp):  # noqa: F811
    db.session.add(HandlerEmail(user_id=staff["township"], email="andejiedao@example.org"))
    db.session.add(HandlerEmail(user_id=staff["district"], email="pidu@example.org"))
    letter, _ = write({"email": None}, at=noon(2026, 11, 2))
    with frozen(noon(2026, 11, 3)):
        handling.transfer_letter(person(staff, "village"), letter, letter.site.parent,
                                 "需要街道协调")
    db.session.commit()
    notify.deliver()
    [transferred] = smtp.to("andejiedao@example.org")
    assert "转办" in transferred["Subject"] and letter.number in transferred["Subject"]
    with frozen(noon(2026, 11, 9)):  # the township had until 6 November to accept
        assert sweep.run().escalated == 1
    db.session.expire_all()
    letter = db.session.get(Letter, letter.id)
    assert letter.site.code == "510117000000"
    [escalated] = smtp.to("pidu@example.org")
    assert "逾期未受理，已自动提级" in escalated["Subject"]
    assert len(smtp.to("andejiedao@example.org")) == 1  # the township is not told again
