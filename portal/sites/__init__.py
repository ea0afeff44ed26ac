"""Sites: the region's tree of cities, districts, townships and villages."""

from flask import Blueprint

bp = Blueprint("sites", __name__, url_prefix="/s/<code>")

from portal.sites import views  # noqa: E402, F401  (routes register on import)
