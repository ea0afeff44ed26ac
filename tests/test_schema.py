"""The migrations make exactly the schema the models describe, and the package is complete."""

import subprocess
import sys
import zipfile

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from portal.extensions import db


def test_migrations_match_the_models(ctx):
    with db.engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), db.metadata)
    assert diff == []


def test_sqlite_runs_in_wal_mode(ctx):
    if db.engine.dialect.name != "sqlite":
        return
    with db.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1


def test_wheel_contains_templates_static_standards_and_data(tmp_path):
    """A non-editable install gets everything it needs to run."""
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q",
         "-w", str(tmp_path), "."],
        check=True,
    )
    wheel = next(tmp_path.glob("*.whl"))
    names = set(zipfile.ZipFile(wheel).namelist())
    for needed in (
        "portal/_templates/base.html",
        "portal/_templates/sites/show.html",
        "portal/_static/css/portal.css",
        "portal/data/divisions/chengdu/villages.csv",
        "portal/data/divisions/LICENSE.china-division",
        "portal/finance/data/finance-template.xlsx",
        "portal/migrations/env.py",
        "portal/migrations/alembic.ini",
        "portal/translations/en/LC_MESSAGES/messages.mo",
        "portal/voting/rules.toml",
    ):
        assert needed in names, needed
    assert any(n.startswith("portal/migrations/versions/") for n in names)
    assert any(n.startswith("portal/_standards/") for n in names)


INSTALLED_CHECK = """
import sys
sys.path.insert(0, sys.argv[1])
from flask_migrate import upgrade
from portal import create_app
app = create_app({"SQLALCHEMY_DATABASE_URI": "sqlite:///" + sys.argv[2], "SECRET_KEY": "x"})
assert "_templates" in app.template_folder, app.template_folder
with app.app_context():
    upgrade()
    from portal.demo import DIVISIONS_DIR
    from portal.sites.operations import import_paths
    from portal.extensions import db
    import_paths(sorted((DIVISIONS_DIR / "chengdu").glob("*.csv")))
    db.session.commit()
client = app.test_client()
page = client.get("/s/510117004200/").get_data(as_text=True)
assert "安龙村" in page and "portal.css" in page, page[:300]
assert client.get("/static/css/portal.css").status_code == 200
print("installed copy works")
"""


def test_installed_copy_runs_outside_the_checkout(tmp_path):
    """Unpacked like a non-editable install, away from the checkout, the app serves pages."""
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q",
         "-w", str(tmp_path), "."],
        check=True,
    )
    site = tmp_path / "site"
    zipfile.ZipFile(next(tmp_path.glob("*.whl"))).extractall(site)
    result = subprocess.run(
        [sys.executable, "-c", INSTALLED_CHECK, str(site), str(tmp_path / "db.sqlite3")],
        cwd=tmp_path, capture_output=True, text=True, check=False,
        env={"PATH": "/usr/bin:/bin", "HOME": str(tmp_path)},
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert "installed copy works" in result.stdout
