"""The staff console: only the sites where the user holds a role."""

from flask import Blueprint

bp = Blueprint("manage", __name__, url_prefix="/manage")

from portal.manage import items, views  # noqa: E402, F401  (routes register on import)
