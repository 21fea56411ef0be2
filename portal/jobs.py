"""Background jobs: thin Celery tasks that take ids and call services.

A task gets plain ids (never ORM objects, which cannot cross the broker), loads the user it
acts for, and applies the same access rules as the screens through ``access.Actor``. The
worker registers this module through ``portal.tasks.init_celery``; without Redis the tasks
run inline.
"""

from __future__ import annotations

import io

from celery import shared_task
from flask import current_app
from flask_babel import force_locale

from portal.extensions import db
from portal.models import PlusUser
from portal.services import access, audit
from portal.services.casework import documents, exports, worklist
from portal.services.casework.rules import today
from portal.services.intake import uploads


def actor_for(user_id: int) -> tuple[access.Actor, str]:
    """The Actor a job runs as, and the user's language.

    :raises LookupError: when the user does not exist.
    :raises PermissionError: when the user has been deactivated since the job was queued.
    """
    user = db.session.get(PlusUser, user_id)
    if user is None:
        raise LookupError(f"no user {user_id}")
    if not user.active:
        raise PermissionError(f"user {user_id} is not active")
    locale = user.preferred_language or current_app.config["BABEL_DEFAULT_LOCALE"]
    return access.Actor.of(user), locale


@shared_task(ignore_result=False)
def export_cases_csv(user_id: int) -> str:
    """Write the CSV of the cases the user may see into document storage; return its key."""
    actor, locale = actor_for(user_id)
    with force_locale(locale), audit.acting_as(user_id, "task"):
        data = exports.cases_csv(db.session, actor)
        # Bulk reads of case data are logged like the export screen logs them.
        audit.record_access(db.session, user_id=user_id, action="case.export")
    key, _size, _sha256 = documents.store(io.BytesIO(data))
    try:
        db.session.commit()
    except Exception:
        documents.remove(key)
        raise
    return key


@shared_task(ignore_result=False)
def worklist_counts(user_id: int) -> dict[str, int]:
    """How many rows each heading of the user's worklist has today, and the total."""
    actor, _locale = actor_for(user_id)
    config = current_app.config
    wl = worklist.build(db.session, actor, today(), due_days=config["WORKLIST_DUE_DAYS"],
                        gap_days=config["WORKLIST_MEETING_GAP_DAYS"])
    counts = {name: len(rows) for name, rows in vars(wl).items()}
    counts["total"] = wl.total
    return counts


@shared_task
def remove_expired_uploads() -> int:
    """Remove files uploaded ahead of a submission that never came (see BEAT_SCHEDULE)."""
    return uploads.remove_expired(db.session)


@shared_task(ignore_result=False)
def publish_open_data(which: str = "month", period: str | None = None) -> dict[str, object]:
    """Publish the eight open datasets of the last complete month or year (or ``period``)
    to the open data portal, retrying earlier failures first (see BEAT_SCHEDULE)."""
    from portal.services.opendata import publish
    from portal.services.opendata.periods import parse_period

    target = parse_period(period, today()) if period else publish.default_periods(today(), which)
    report = publish.publish_period(db.session, target)
    return {"period": target.code, "published": report.published, "failed": report.failed}
@shared_task
def propose_retention_review() -> int | None:
    """The retention rule's dry run (see BEAT_SCHEDULE): the id of the new review, if any."""
    from portal.services.privacy import retention

    with audit.acting_as(None, "retention"):
        review = retention.propose(
            db.session, today(), current_app.config["RETENTION_DAYS_AFTER_CLOSURE"]
        )
        db.session.commit()
    return review.id if review is not None else None
