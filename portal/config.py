"""Configuration defaults, overridden by the instance folder's config.py and PORTAL_* variables."""

import json
import os
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
PROJECT_DIR = PACKAGE_DIR.parent


def asset_dir(name: str, installed: str) -> Path:
    """Find a top-level folder in a checkout, or its installed copy inside the package."""
    in_checkout = PROJECT_DIR / name
    if in_checkout.is_dir() and (PROJECT_DIR / "setup.cfg").is_file():
        return in_checkout
    return PACKAGE_DIR / installed


TEMPLATES_DIR = asset_dir("templates", "_templates")
STATIC_DIR = asset_dir("static", "_static")
STANDARDS_DIR = asset_dir("content_standards", "_standards")
DIVISIONS_DIR = PACKAGE_DIR / "data" / "divisions"


class Defaults:
    """Settings every deployment starts from; see README for each one."""

    SECRET_KEY = None  # set from the instance folder or PORTAL_SECRET_KEY; generated for dev
    SQLALCHEMY_DATABASE_URI = None  # computed from the instance path when not given
    SQLALCHEMY_ENGINE_OPTIONS: dict = {}
    SQLALCHEMY_TRACK_MODIFICATIONS = False
    BABEL_DEFAULT_LOCALE = "zh_Hans_CN"
    BABEL_DEFAULT_TIMEZONE = "Asia/Shanghai"
    LANGUAGES = ("zh_Hans_CN", "en")
    WTF_CSRF_TIME_LIMIT = 3600 * 8
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = False  # True behind HTTPS (PORTAL_SESSION_COOKIE_SECURE=1)
    SESSION_COOKIE_NAME = "portal_session"
    PASSWORD_HASH_PARAMS: dict = {}  # argon2-cffi PasswordHasher arguments; defaults are RFC 9106
    LOGIN_SESSION_HOURS = 12  # absolute lifetime of a login session
    MAX_CONTENT_LENGTH = 25 * 1024 * 1024  # a whole request, several attachments included
    ATTACHMENT_MAX_BYTES = 10 * 1024 * 1024  # one attachment
    UPLOAD_FOLDER = None  # default: instance/uploads
    RATELIMIT_STORAGE_URI = "memory://"
    RATELIMIT_HEADERS_ENABLED = True
    LOGIN_RATE_LIMIT = "10 per minute;50 per hour"
    REGISTER_RATE_LIMIT = "5 per minute;30 per hour"
    PAGE_CACHE_SECONDS = 60  # how long a public page may be served from the page cache
    PAGE_CACHE_SIZE = 2000  # entries per process
    CONTENT_VERSION_CHECK_SECONDS = 1.0  # how stale another process's cache may be after a publish
    SEARCH_BACKEND = "tantivy"  # or "whoosh"; see README, Search
    SEARCH_INDEX_DIR = None  # default: instance/search (one folder per backend inside)
    SEARCH_INDEX_AFTER_COMMIT = True  # False when `flask --app portal search follow` runs
    SEARCH_PAGE_SIZE = 10
    SEARCH_HEALTHY_LAG = 1000  # /healthz reports an error when more changes wait to be indexed
    # Letterbox (来信): see README, "Letterbox". Deadlines per letter type; "working" days follow
    # the official holiday calendar with 调休, "calendar" days do not. "from" says whether the
    # answer clock starts when the office receives the letter or when it accepts it.
    LETTER_DEADLINES: dict = {
        "default": {"accept": 3, "answer": 10, "answer_simple": 3, "extension": 10,
                    "unit": "working", "from": "accepted"},
        # 四川省村务公开条例 arts. 16-17: the village answers within 10 days, the township or
        # county within 20 days of receipt; the regulation allows no extension.
        "objection": {"accept": 3, "answer": 20, "answer_by_level": {"village": 10},
                      "answer_simple": None, "extension": 0, "unit": "calendar",
                      "from": "received"},
        # 政府信息公开条例 art. 33: 20 working days from receipt, extendable once by 20.
        "info_request": {"accept": 3, "answer": 20, "answer_simple": None, "extension": 20,
                         "unit": "working", "from": "received"},
    }
    LETTERS_ALLOW_ANONYMOUS = True  # write without an account (with a CAPTCHA)
    FINANCE_ANOMALY_SHARE = 0.3  # one expense above this share of the quarter's is flagged
    FINANCE_CASH_LIMIT_FEN = 500_000  # cash payments above 5,000 元 are flagged
    LETTERS_STATS_MIN_SAMPLE = 5  # rates are shown only from this many letters
    LETTERS_STATS_DAYS = 365  # statistics cover letters received in this many days
    LETTERS_RATING_DAYS = 15  # an answered letter not rated within this many days is closed
    LETTERS_DUPLICATE_MINUTES = 10  # the same letter again within this time is not a new letter
    LETTERS_WRITE_RATE_LIMIT = "5 per minute;20 per hour"  # per IP address
    LETTERS_WRITE_ACCOUNT_RATE_LIMIT = "10 per hour;30 per day"  # per logged-in account
    LETTERS_TRACK_RATE_LIMIT = "10 per minute;60 per hour"  # per IP address
    LETTERS_TRACK_NUMBER_RATE_LIMIT = "10 per hour"  # per letter number, from any address
    LETTERS_CAPTCHA_RATE_LIMIT = "30 per minute"  # CAPTCHA images per IP address
    LETTERS_CAPTCHA_MINUTES = 10  # a CAPTCHA must be answered within this time, once
    LETTERS_CAPTCHA_TEXT = None  # a callable returning the text; only tests set it
    PUBLIC_BASE_URL = None  # e.g. https://cunwu.example.cn, for links in e-mails sent by cron
    MAIL_SERVER = None  # SMTP host; None writes messages as .eml files to MAIL_OUTBOX_DIR
    MAIL_PORT = 25
    MAIL_USE_TLS = False  # STARTTLS
    MAIL_USE_SSL = False  # SMTP over TLS (port 465)
    MAIL_USERNAME = None
    MAIL_PASSWORD = None
    MAIL_DEFAULT_SENDER = "阳光村务 <noreply@localhost>"
    MAIL_TIMEOUT = 10  # seconds per SMTP connection
    MAIL_OUTBOX_DIR = None  # default: instance/mail_outbox (development, no MAIL_SERVER)
    MAIL_DELIVER_AFTER_REQUEST = True  # send queued mail at the end of the request that queued it
    VOTING_PROXY_MAX_GRANTS = 2  # principals one proxy may hold per poll (1 to 3)
    VOTING_GROUP_MIN = 10  # results by 村民小组 are hidden for groups with fewer ballots
    ROSTER_ID_KEY = None  # key of the salted ID-number hashes; default: derived from SECRET_KEY
    DEMO_PASSWORD = "Demo@2026cun"  # demo accounts only; never used outside `portal demo`


def _coerce(value: str):
    """Turn an environment string into the type a setting expects."""
    lowered = value.lower()
    if lowered in {"true", "1", "yes", "on"}:
        return True
    if lowered in {"false", "0", "no", "off"}:
        return False
    try:
        return json.loads(value)
    except ValueError:
        return value


def from_environment(prefix: str = "PORTAL_") -> dict:
    """Read PORTAL_FOO=bar variables as FOO settings; PORTAL_DATABASE_URL is the database."""
    settings = {}
    for key, value in os.environ.items():
        if not key.startswith(prefix):
            continue
        name = key[len(prefix) :]
        if name == "DATABASE_URL":
            settings["SQLALCHEMY_DATABASE_URI"] = normalise_database_url(value)
        else:
            settings[name] = _coerce(value)
    return settings


def normalise_database_url(url: str) -> str:
    """Use psycopg 3 for plain postgresql:// URLs."""
    for plain in ("postgres://", "postgresql://"):
        if url.startswith(plain):
            return "postgresql+psycopg://" + url[len(plain) :]
    return url
