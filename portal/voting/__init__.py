"""Village votes, democratic evaluations and 四议两公开 matters (issue #7)."""

from flask import Blueprint

bp = Blueprint("voting", __name__)

from portal.voting import views  # noqa: E402, F401  (routes register on import)
