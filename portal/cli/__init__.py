"""The ``flask plus`` commands: set up, seed demo data, list demo logins."""

from __future__ import annotations

import time

import click
from flask import Flask, current_app
from flask.cli import AppGroup
from sqlalchemy import func, select

plus = AppGroup("plus", help="PLUS administration commands.")


@plus.command("init")
def init_command() -> None:
    """Create the roles (run after migrations)."""
    from portal.services import setup

    setup.ensure_roles(current_app.appbuilder.sm)
    click.echo("Roles are in place.")


@plus.command("seed-demo")
@click.option("--clients", default=500, show_default=True, help="How many clients to create.")
@click.option("--seed", default=1, show_default=True, help="Random seed (same seed, same data).")
@click.option(
    "--if-empty",
    is_flag=True,
    help="Do nothing when clients already exist (but add the demo portal submissions once, "
    "if there are no submissions at all).",
)
def seed_demo_command(clients: int, seed: int, if_empty: bool) -> None:
    """Create demo units, users, realistic Latvian client data and portal submissions."""
    from portal.extensions import db
    from portal.models import Client, Submission
    from portal.services import setup

    session = db.session
    if if_empty and session.execute(select(func.count(Client.id))).scalar_one() > 0:
        # A database seeded before demo submissions existed still gets them, once.
        if session.execute(select(func.count(Submission.id))).scalar_one() == 0:
            _seed_submissions(seed)
        else:
            click.echo("Demo data already present; nothing to do.")
        return
    started = time.monotonic()
    counts = setup.seed_demo(session, current_app.appbuilder.sm, clients=clients, seed=seed)
    click.echo(
        f"Seeded {counts.get('client', 0)} clients and {counts.get('case', 0)} cases "
        f"in {time.monotonic() - started:.1f} s."
    )
    _seed_submissions(seed)


def _seed_submissions(seed: int) -> None:
    from portal.extensions import db
    from portal.services import demo_submissions

    started = time.monotonic()
    statuses = demo_submissions.seed_submissions(db.session, current_app.appbuilder.sm, seed=seed)
    if not statuses:
        click.echo("No demo portal submissions made (forms not loaded, or already there).")
        return
    summary = ", ".join(f"{n} {status}" for status, n in sorted(statuses.items()))
    click.echo(
        f"Seeded {statuses.total()} portal submissions ({summary}) "
        f"in {time.monotonic() - started:.1f} s."
    )


@plus.command("load-forms")
@click.option(
    "--dir",
    "directory",
    default="formdefs",
    show_default=True,
    type=click.Path(exists=True, file_okay=False),
    help="Folder of Form.io JSON definitions.",
)
def load_forms_command(directory: str) -> None:
    """Load or update the shipped form definitions (a changed file is a new version)."""
    from portal.extensions import db
    from portal.services import forms

    try:
        changed = forms.load_forms(db.session, directory)
    except forms.DefinitionRejected as exc:
        db.session.rollback()
        for problem in exc.problems:
            click.echo(f"  {problem}", err=True)
        raise click.ClickException("form definitions refused; nothing was loaded") from None
    db.session.commit()
    if changed:
        click.echo(f"Published new versions of {len(changed)} forms: {', '.join(changed)}.")
    else:
        click.echo("Form definitions are up to date.")


@plus.command("remove-expired-uploads")
def remove_expired_uploads_command() -> None:
    """Remove files uploaded ahead of a submission that never came (rows and files)."""
    from portal.extensions import db
    from portal.services import uploads

    removed = uploads.remove_expired(db.session)
    click.echo(f"Removed {removed} expired pending uploads.")


@plus.command("demo-logins")
def demo_logins_command() -> None:
    """Print one demo login per role."""
    from portal.services import setup

    click.echo("Demo logins (user / password):")
    for role, username, password in setup.DEMO_LOGINS:
        click.echo(f"  {role:<12} {username:<16} {password}")


def register_cli(app: Flask) -> None:
    """Attach the ``plus`` command group."""
    app.cli.add_command(plus)
