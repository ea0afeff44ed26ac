"""An image CAPTCHA for writers without an account, kept on the server and used at most once.

The session holds only a random token; the answer is a database row, so reading or replaying the
(signed, not encrypted) session cookie reveals nothing and a solved challenge cannot be reused.
Every check consumes the challenge, right or wrong. LETTERS_CAPTCHA_TEXT (tests only) may supply
the text instead of the random generator; the image and the check are the same either way.
"""

from __future__ import annotations

import secrets
from datetime import timedelta

from flask import current_app, session

from portal.core.clock import utcnow
from portal.extensions import db
from portal.letterbox.models import Captcha

ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"  # no 0/O, 1/I/L: readable on a small screen
LENGTH = 4
SESSION_KEY = "letter_captcha"


def _text() -> str:
    hook = current_app.config.get("LETTERS_CAPTCHA_TEXT")
    if callable(hook):
        return str(hook())
    return "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))


def new_image() -> bytes:
    """Create a challenge for this session and return its PNG image."""
    from captcha.image import ImageCaptcha

    text = _text()
    token = secrets.token_urlsafe(24)
    db.session.add(Captcha(token=token, answer=text, created_at=utcnow()))
    session[SESSION_KEY] = token
    return ImageCaptcha(width=200, height=70).generate(text, format="png").getvalue()


def check(answer: str | None) -> bool:
    """Whether the answer solves this session's challenge; the challenge is used up either way."""
    token = session.pop(SESSION_KEY, None)
    if not token:
        return False
    row = db.session.scalar(db.select(Captcha).where(Captcha.token == token))
    if row is None:
        return False
    db.session.delete(row)
    db.session.flush()
    fresh = row.created_at >= utcnow() - timedelta(
        minutes=current_app.config["LETTERS_CAPTCHA_MINUTES"])
    given = "".join((answer or "").split()).upper()
    return fresh and secrets.compare_digest(given.encode(), row.answer.upper().encode())


def prune() -> int:
    """Delete challenges nobody answered in time; returns how many."""
    cutoff = utcnow() - timedelta(minutes=current_app.config["LETTERS_CAPTCHA_MINUTES"])
    return db.session.execute(db.delete(Captcha).where(Captcha.created_at < cutoff)).rowcount
