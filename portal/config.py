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
