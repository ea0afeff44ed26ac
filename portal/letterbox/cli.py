"""`flask --app portal letters sweep|mail`: the periodic work of the letterbox."""

import click
from flask.cli import AppGroup

letters_cli = AppGroup("letters", help="Letterbox: deadlines, escalation and mail.")


@letters_cli.command("sweep")
@click.option("--no-mail", is_flag=True, help="Do not send queued e-mail in this run.")
def sweep(no_mail):
    """Escalate overdue letters, close unrated ones and send queued mail (idempotent)."""
    from portal.letterbox.sweep import run

    click.echo(str(run(deliver_mail=not no_mail)))


@letters_cli.command("mail")
def mail():
    """Send queued e-mail now."""
    from portal.letterbox.notify import deliver

    sent, failed = deliver()
    click.echo(f"mail sent {sent}, failed {failed}")
