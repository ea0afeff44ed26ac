"""Command-line groups: `flask --app portal sites|users|demo ...`."""

import time
from pathlib import Path

import click
from flask import Flask
from flask.cli import AppGroup

from portal.extensions import db

sites_cli = AppGroup("sites", help="Import and inspect the site tree.")
users_cli = AppGroup("users", help="Manage accounts.")
demo_cli = AppGroup("demo", help="Demo region and accounts.")


@sites_cli.command("import")
@click.argument("files", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False))
@click.option("--within", default="", help="Only codes under this prefix (e.g. 14 for Shanxi).")
def import_sites(files, within):
    """Load NBS division CSVs (cities, areas, streets, villages); all or nothing."""
    from portal.sites.operations import DivisionFileError, import_paths

    started = time.perf_counter()
    try:
        result = import_paths([Path(f) for f in files], within)
    except DivisionFileError as error:
        db.session.rollback()
        for problem in error.problems[:200]:
            click.echo(problem, err=True)
        if len(error.problems) > 200:
            click.echo(f"... {len(error.problems) - 200} more", err=True)
        raise click.ClickException(f"nothing imported: {len(error.problems)} problem(s)") from None
    db.session.commit()
    took = time.perf_counter() - started
    created = ", ".join(f"{k} {v}" for k, v in result.created.items())
    click.echo(
        f"created: {created}; updated {result.updated}; unchanged {result.unchanged}; "
        f"{took:.1f} s"
    )


@sites_cli.command("show")
@click.argument("code")
def show_site(code):
    """Print a site, its ancestors and how many sites lie below it."""
    from portal.sites.models import Site

    site = Site.by_code(code)
    if site is None:
        raise click.ClickException(f"no site {code}")
    path = " / ".join(s.name for s in [*site.ancestors(), site])
    below = db.session.scalar(db.select(db.func.count(Site.id)).where(site.subtree())) - 1
    click.echo(f"{site.code} {site.level} {path}; {below} sites below")


@users_cli.command("create-superadmin")
@click.option("--mobile", prompt=True)
@click.option("--name", default="系统管理员")
@click.password_option()
def create_superadmin(mobile, name, password):
    """Create the superadmin account (or promote an existing one)."""
    from portal.accounts.operations import create_superadmin as create
    from portal.core.errors import OperationError

    try:
        user = create(mobile, password, name)
    except OperationError as error:
        db.session.rollback()
        raise click.ClickException(error.message) from None
    db.session.commit()
    click.echo(f"superadmin: {user.mobile}")


@demo_cli.command("load")
def load_demo():
    """Import Chengdu and create demo accounts and content; safe to run again."""
    from portal.demo import load

    for line in load():
        click.echo(line)


def register_commands(app: Flask) -> None:
    """Attach every command group to the app."""
    from portal.search.cli import search_cli
    from portal.standards.cli import standard_cli

    for group in (sites_cli, users_cli, demo_cli, standard_cli, search_cli):
        app.cli.add_command(group)
