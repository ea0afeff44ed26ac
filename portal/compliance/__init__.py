"""Compliance: what each site and the sites below it have published on time, and what is overdue."""

from flask import Blueprint

bp = Blueprint("compliance", __name__, url_prefix="/s/<code>")

from portal.compliance import views  # noqa: E402, F401  (routes register on import)
