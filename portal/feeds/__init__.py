"""Feeds: Atom feeds of what a site (or its whole subtree) publishes, for following from afar."""

from flask import Blueprint

bp = Blueprint("feeds", __name__, url_prefix="/s/<code>")

from portal.feeds import views  # noqa: E402, F401  (routes register on import)
