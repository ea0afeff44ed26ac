"""The letterbox (来信): write to any office or leader, follow a letter by code, offices answer."""

from flask import Blueprint

bp = Blueprint("letterbox", __name__)

from portal.letterbox import console, notify, views  # noqa: E402, F401  (routes register on import)

bp.record_once(lambda state: notify.init_app(state.app))
