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
    """Create the roles and the default document templates (run after migrations)."""
    from portal.services import setup

    setup.ensure_roles(current_app.appbuilder.sm)
    click.echo("Roles are in place.")
    _load_document_templates(force=False)
    added = setup.ensure_supervision_catalogues()
    click.echo(f"Supervision catalogues: {added} entries added.")


def _load_document_templates(*, force: bool, directory: str | None = None) -> None:
    from portal.extensions import db
    from portal.services import paperwork
    from portal.services.paperwork.templates import DEFAULT_DIR

    try:
        changed = paperwork.load_defaults(db.session, directory or DEFAULT_DIR, force=force)
    except paperwork.TemplateRejected as exc:
        db.session.rollback()
        for where, messages in exc.problems.items():
            for message in messages:
                click.echo(f"  {where}: {message}", err=True)
        raise click.ClickException("document templates refused; nothing was loaded") from None
    db.session.commit()
    if changed:
        click.echo(f"Published document templates: {', '.join(changed)}.")
    else:
        click.echo("Document templates are in place.")


@plus.command("load-document-templates")
@click.option(
    "--dir",
    "directory",
    default=None,
    type=click.Path(exists=True, file_okay=False),
    help="Folder of template JSON files (default: the shipped reports/templates).",
)
@click.option(
    "--force",
    is_flag=True,
    help="Publish a changed file even over a template an administrator has published.",
)
def load_document_templates_command(directory: str | None, force: bool) -> None:
    """Load the default templates of the generated case documents."""
    _load_document_templates(force=force, directory=directory)


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
    from portal.services.demo import submissions as demo_submissions

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
    from portal.services.intake import forms

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
    from portal.services.intake import uploads

    removed = uploads.remove_expired(db.session)
    click.echo(f"Removed {removed} expired pending uploads.")


@plus.command("seed-exchanges")
@click.option("--per-system", default=4, show_default=True,
              help="Decisions each simulator offers when none is running.")
def seed_exchanges_command(per_system: int) -> None:
    """Demo exchanges: decisions fetched from the simulators, some accepted, a notice sent;
    meetings scheduled whose summons go to the e-address."""
    from connectors import demo, demo_eaddress

    app = current_app._get_current_object()
    counts = demo.seed(app, per_system=per_system)
    if not counts:
        click.echo("Demo exchanges already present (or no demo officer); nothing to do.")
    else:
        click.echo(f"Received {counts['received']} decisions electronically, accepted "
                   f"{counts['accepted']}, sent {counts['notices']} execution notice(s).")
    summoned = demo_eaddress.seed(app)
    if summoned:
        click.echo(f"Scheduled {summoned} meeting(s); their summons went to the e-address.")


@plus.command("exchanges-sweep")
def exchanges_sweep_command() -> None:
    """Deliver the due outbox messages and fetch from the inbound systems now."""
    from connectors import tasks

    tasks.poll_all.apply()
    click.echo(f"Handed over {tasks.sweep.apply().get()} due message(s).")


@plus.command("demo-logins")
def demo_logins_command() -> None:
    """Print one demo login per role."""
    from portal.services import setup

    click.echo("Demo logins (user / password):")
    for role, username, password in setup.DEMO_LOGINS:
        click.echo(f"  {role:<12} {username:<16} {password}")


@plus.command("demo-national-login")
@click.option("--output", type=click.Path(dir_okay=False), default=None,
              help="Where to write the persons (default: idp-persons.json in the instance folder).")
def demo_national_login_command(output: str | None) -> None:
    """Authorise the demo representatives and write the IdP simulator's demo persons."""
    import json
    from pathlib import Path

    from portal.extensions import db
    from portal.services import audit
    from portal.services.identity import demo

    with audit.acting_as(None, "seed"):
        persons = demo.demo_persons(db.session)
        db.session.commit()
    path = Path(output or Path(current_app.instance_path) / "idp-persons.json")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(persons, ensure_ascii=False, indent=1), encoding="utf-8")
    click.echo(f"National login simulator: {len(persons)} demo persons written to {path}")


def register_cli(app: Flask) -> None:
    """Attach the ``plus`` command group."""
    app.cli.add_command(plus)
