"""Chinese full-text search across the site tree: one interface, tantivy or Whoosh behind it."""

from flask import Blueprint

bp = Blueprint("search", __name__)

from portal.search import views  # noqa: E402, F401  (routes register on import)
