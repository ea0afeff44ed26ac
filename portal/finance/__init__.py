"""Village finance (财务公开): the accountant's ledger imported, statements, charts and exports."""

from flask import Blueprint

bp = Blueprint("finance", __name__, url_prefix="/s/<code>/finance")

from portal.finance import (  # noqa: E402, F401  (routes register on import)
    benefits_views,
    funds_views,
    register_views,
    views,
)
