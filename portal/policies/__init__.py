"""Policies: the policy documents in force on a site, its own and those published above it."""

from flask import Blueprint

bp = Blueprint("policies", __name__, url_prefix="/s/<code>")

from portal.policies import views  # noqa: E402, F401  (routes register on import)
