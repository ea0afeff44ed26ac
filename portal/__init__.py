"""阳光村务: the village affairs transparency portal."""

import os
import secrets

from flask import Flask

from portal.config import STATIC_DIR, TEMPLATES_DIR


def create_app(test_config: dict | None = None) -> Flask:
    """Build the application: defaults, instance config, environment, extensions, blueprints."""
    app = Flask(
        __name__,
        instance_relative_config=True,
        template_folder=str(TEMPLATES_DIR),
        static_folder=str(STATIC_DIR),
        static_url_path="/static",
    )
    app.config.from_object("portal.config.Defaults")
    if test_config is None:
        app.config.from_pyfile("config.py", silent=True)
        from portal.config import from_environment

        app.config.update(from_environment())
    else:
        app.config.update(test_config)
    os.makedirs(app.instance_path, exist_ok=True)
    if not app.config["SQLALCHEMY_DATABASE_URI"]:
        app.config["SQLALCHEMY_DATABASE_URI"] = "sqlite:///" + os.path.join(
            app.instance_path, "portal.sqlite3"
        )
    if not app.config["SECRET_KEY"]:
        app.config["SECRET_KEY"] = _instance_secret(app.instance_path)

    from portal import wiring

    wiring.init_extensions(app)
    wiring.register_blueprints(app)
    wiring.register_hooks(app)
    return app


def _instance_secret(instance_path: str) -> str:
    """Keep one random secret per instance folder, so sessions survive restarts."""
    path = os.path.join(instance_path, "secret_key")
    if not os.path.exists(path):
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as f:
            f.write(secrets.token_hex(32))
    with open(path) as f:
        return f.read().strip()
