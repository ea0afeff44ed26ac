"""`flask --app portal search follow|rebuild|check|status|prune`."""

from __future__ import annotations

import time
from datetime import timedelta

import click
from flask.cli import AppGroup

from portal.core.clock import utcnow
from portal.extensions import db
from portal.search.backends.base import IndexOutdated
from portal.search.models import SearchOutbox
from portal.search.service import search_service

search_cli = AppGroup("search", help="The full-text index: follow the outbox, rebuild, check.")


@search_cli.command("follow")
@click.option("--interval", default=0.5, show_default=True, help="Seconds between polls.")
@click.option("--once", is_flag=True, help="Apply what is pending, then stop (replay).")
def follow(interval, once):
    """Apply the outbox to this machine's index continuously (one per machine)."""
    service = search_service()
    told = ""
    while True:
        service.learn_site_names()
        db.session.remove()
        result = service.indexer.apply_pending(wait=True)
        if result.entries:
            click.echo(f"applied {result.entries} change(s): {result.upserts} indexed, "
                       f"{result.deletes} removed")
        if result.outdated and once:
            raise click.ClickException(result.outdated)
        if result.outdated != told:  # said once; the changes wait until `search rebuild`
            told = result.outdated
            if told:
                click.echo(told, err=True)
        if once:
            return
        time.sleep(interval)


@search_cli.command("rebuild")
def rebuild():
    """Empty the index and index every published item again."""
    from portal.search.documents import item_revisions

    service = search_service()
    service.learn_site_names()
    total = len(item_revisions(db.session))
    started = time.perf_counter()
    with click.progressbar(length=total, label="indexing") as bar:
        count = service.indexer.rebuild(progress=bar.update)
    service.indexer.apply_pending(wait=True)  # what was published while rebuilding
    click.echo(f"indexed {count} item(s) in {time.perf_counter() - started:.1f} s "
               f"({service.backend.name})")


@search_cli.command("check")
def check():
    """Compare the index with the database; exit 1 when they differ."""
    service = search_service()
    try:
        drift = service.indexer.check()
        count = service.backend.count()
    except IndexOutdated as error:
        raise click.ClickException(str(error)) from error
    lag = service.indexer.lag()
    click.echo(f"{service.backend.name}: {count} document(s), "
               f"{lag} outbox change(s) not applied")
    for kind, ids in drift.items():
        if ids:
            shown = ", ".join(ids[:20]) + (" ..." if len(ids) > 20 else "")
            click.echo(f"{kind}: {len(ids)}: {shown}")
    if any(drift.values()):
        raise click.ClickException(
            "the index differs from the database: run `flask --app portal search follow "
            "--once`, or `search rebuild`")
    click.echo("in step with the database")


@search_cli.command("prune")
@click.option("--days", default=30, show_default=True, help="Keep entries this many days.")
def prune(days):
    """Delete outbox entries older than every index needs (all indexers must be past them)."""
    cutoff = utcnow() - timedelta(days=days)
    deleted = db.session.execute(
        db.delete(SearchOutbox).where(SearchOutbox.created_at < cutoff)).rowcount
    db.session.commit()
    click.echo(f"deleted {deleted} outbox entr{'y' if deleted == 1 else 'ies'}")
