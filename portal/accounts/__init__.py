"""Accounts: registration and login by mobile number, login sessions, roles and residency."""

from flask import Blueprint

bp = Blueprint("accounts", __name__, url_prefix="/accounts")

from portal.accounts import views  # noqa: E402, F401
