"""Content: disclosure items (公开事项), their workflow, permanent revisions and attachments."""

from flask import Blueprint

bp = Blueprint("content", __name__, url_prefix="/s/<code>")

from portal.content import views  # noqa: E402, F401
