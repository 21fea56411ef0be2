"""Retention: closed cases and their clients are anonymised after the legal period, only
once an administrator confirms the scheduled job's dry run; statistics stay correct and the
change history keeps that it happened, not what was erased."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

from flask import Flask
from sqlalchemy import func, select

from portal.models import CaseStatus, ClosureReason
from portal.services.access import Role
from tests.factories import make_case

LONG_AGO = dt.date.today() - dt.timedelta(days=12 * 365)


def _close(session: Any, case_id: int, end: dt.date) -> None:
    from portal.models import Case

    case = session.get(Case, case_id)
    case.start_date = end - dt.timedelta(days=200)
    case.end_date = end
    case.status = CaseStatus.CLOSED
    case.closure_reason = ClosureReason.COMPLETED


def _world(app: Flask) -> dict[str, Any]:
    """X: one case closed long ago; Y: the same plus an open case; Z: closed recently."""
    from portal.extensions import db
    from portal.models import Client, Document, Meeting, PlusUser
    from portal.services import audit
    from portal.services.casework import documents

    base = app.config["BASE_DATA"]
    with app.app_context():
        session = db.session
        kw = dict(unit_id=base.unit_a, officer_id=base.users[Role.OFFICER], mediator_id=None,
                  employer_id=base.employer)
        with audit.acting_as(base.users[Role.OFFICER], "test"):
            x = make_case(session, surname="Aizmirstais", given="Ilmārs", **kw)
            y = make_case(session, surname="Turpinātājs", given="Oskars", **kw)
            y_open = make_case(session, surname="Turpinātājs", given="Oskars", **kw)
            z = make_case(session, surname="Nesenais", given="Roberts", **kw)
            session.flush()
            # Y's second case belongs to Y (make_case made a client of its own).
            from portal.models import Case

            session.get(Case, y_open.case).client_id = y.client
            _close(session, x.case, LONG_AGO)
            _close(session, y.case, LONG_AGO)
            _close(session, z.case, dt.date.today() - dt.timedelta(days=30))
            session.get(Meeting, x.meeting).notes = "Runājām par Ilmāra ģimeni"
            client_x = session.get(Client, x.client)
            client_x.address = "Slepenā iela 7, Talsi"
            client_x.email = "ilmars@example.invalid"
            # A stored file for X's document, to see it go.
            key, size, sha = documents.store(__import__("io").BytesIO(b"%PDF-1.4 x"))
            doc = session.get(Document, x.document)
            doc.storage_key, doc.size_bytes, doc.sha256 = key, size, sha
            portal_user = app.appbuilder.sm.add_user(
                username=f"t_ret_{x.client}", first_name="Ilmārs", last_name="Aizmirstais",
                email=f"ret{x.client}@example.invalid",
                role=app.appbuilder.sm.find_role(Role.CLIENT), password="x-Password-123")
            portal_user.client_id = x.client
            session.commit()
        world = {
            "x": x, "y": y, "z": z, "key": key, "user": portal_user.id,
            "x_code": client_x.personal_code,
            "x_born": session.get(Client, x.client).birth_date,
            "y_code": session.get(Client, y.client).personal_code,
        }
        assert session.get(PlusUser, portal_user.id).client_id == x.client
        session.remove()
    return world


def _statistics(app: Flask) -> Any:
    from portal.extensions import db
    from portal.models import Case, Client, Decision
    from portal.services.opendata import statistics

    with app.app_context():
        s = db.session
        return (
            statistics.cases_by_function_and_status(s),
            statistics.active_cases_by_unit(s),
            s.execute(select(Client.gender, func.count()).group_by(Client.gender)
                      .order_by(Client.gender)).all(),
            sorted(d.year for d in s.scalars(select(Client.birth_date))),
            s.execute(select(func.count(Case.id), func.sum(Case.hours_ordered))).one(),
            s.execute(select(func.count()).where(Decision.violent_offence.is_(True))).scalar(),
        )


def test_retention_dry_run_confirmation_and_what_stays(app: Flask, login_as: Any) -> None:
    from portal import jobs
    from portal.extensions import db
    from portal.models import (
        ChangeLog,
        Client,
        Document,
        MediationParty,
        Meeting,
        PlusUser,
        RetentionReview,
        RetentionStatus,
    )
    from portal.services.casework import documents

    w = _world(app)
    before = _statistics(app)

    # The scheduled job makes a dry run: nothing is erased.
    with app.app_context():
        review_id = jobs.propose_retention_review.apply().get()
        assert review_id is not None
        review = db.session.get(RetentionReview, review_id)
        assert review.status is RetentionStatus.PROPOSED
        assert w["x"].client in review.report["clients"]
        assert w["y"].client not in review.report["clients"]  # another case is open
        assert w["z"].client not in review.report["clients"]  # closed recently
        assert db.session.get(Client, w["x"].client).surname == "Aizmirstais"
        db.session.remove()

    # Only an administrator sees and decides it.
    admin, manager = login_as(Role.ADMIN), login_as(Role.UNIT_MANAGER)
    assert manager.get("/retention/").status_code == 403
    assert manager.post(f"/retention/{review_id}/confirm").status_code == 403
    page = admin.get(f"/retention/{review_id}")
    assert page.status_code == 200
    assert "Apstiprināt un anonimizēt" in page.get_data(as_text=True)
    assert "Aizmirstais" not in page.get_data(as_text=True)  # ids and case numbers only
    resp = admin.post(f"/retention/{review_id}/confirm")
    assert resp.status_code == 303

    with app.app_context():
        s = db.session
        x = s.get(Client, w["x"].client)
        assert x.anonymised_at is not None
        assert (x.given_name, x.surname, x.address, x.email, x.phone) == ("—", "—", None, None,
                                                                          None)
        assert x.personal_code != w["x_code"] and x.personal_code.startswith("A-")
        assert x.birth_date == dt.date(w["x_born"].year, 1, 1) and x.gender is not None
        assert s.get(Meeting, w["x"].meeting).notes is None
        assert s.get(Document, w["x"].document) is None
        assert not documents.path_of(w["key"]).exists()
        offender = s.get(MediationParty, w["x"].offender)
        assert offender.surname == "—" and offender.personal_code is None
        user = s.get(PlusUser, w["user"])
        assert not user.active and user.last_name == "—" and "@" in user.email
        # The change history: that it happened, not what was erased.
        history = s.execute(select(ChangeLog.action, ChangeLog.changes).where(
            (ChangeLog.client_id == w["x"].client) | (ChangeLog.case_id == w["x"].case))).all()
        dumped = json.dumps([c for _a, c in history], ensure_ascii=False)
        for erased in ("Aizmirstais", "Ilmārs", w["x_code"], "Slepenā", "Ilmāra ģimeni",
                       "Brīvības"):
            assert erased not in dumped, erased
        assert any(a == "anonymise" for a, _c in history)
        assert any(a == "update" for a, _c in history)  # the entries themselves remain
        # Y (an open case) and Z (closed recently) are untouched.
        y = s.get(Client, w["y"].client)
        assert y.personal_code == w["y_code"] and y.anonymised_at is None
        assert s.get(Client, w["z"].client).anonymised_at is None
        assert s.get(RetentionReview, review_id).status is RetentionStatus.CONFIRMED
        s.remove()

    # Aggregates for open data and indicators are the same as before.
    assert _statistics(app) == before
    # A decided review cannot be confirmed again.
    again = admin.post(f"/retention/{review_id}/confirm", follow_redirects=True)
    assert "jau ir pieņemts lēmums" in again.get_data(as_text=True)


def test_a_client_with_a_new_case_since_the_dry_run_is_left_alone(app: Flask,
                                                                    login_as: Any) -> None:
    from portal.extensions import db
    from portal.models import Case, Client, RetentionReview
    from portal.services.privacy import retention

    base = app.config["BASE_DATA"]
    with app.app_context():
        s = db.session
        w = make_case(s, unit_id=base.unit_a, officer_id=base.users[Role.OFFICER],
                      mediator_id=None, employer_id=base.employer, surname="Atgriezies")
        _close(s, w.case, LONG_AGO)
        s.commit()
        review = retention.propose(s, dt.date.today(), app.config["RETENTION_DAYS_AFTER_CLOSURE"])
        s.commit()
        assert w.client in review.report["clients"]
        review_id = review.id
        again = make_case(s, unit_id=base.unit_a, officer_id=base.users[Role.OFFICER],
                          mediator_id=None, employer_id=base.employer)
        s.get(Case, again.case).client_id = w.client  # a new, open case for the same person
        s.commit()
        s.remove()
    assert login_as(Role.ADMIN).post(f"/retention/{review_id}/confirm").status_code == 303
    with app.app_context():
        assert db.session.get(Client, w.client).surname == "Atgriezies"
        assert db.session.get(RetentionReview, review_id).anonymised is not None
        db.session.remove()


def test_cancel_erases_nothing(app: Flask, login_as: Any) -> None:
    from portal.extensions import db
    from portal.models import Client, RetentionReview, RetentionStatus
    from portal.services.privacy import retention

    base = app.config["BASE_DATA"]
    with app.app_context():
        s = db.session
        w = make_case(s, unit_id=base.unit_a, officer_id=base.users[Role.OFFICER],
                      mediator_id=None, employer_id=base.employer, surname="Paliekošais")
        _close(s, w.case, LONG_AGO)
        s.commit()
        review = retention.propose(s, dt.date.today(), app.config["RETENTION_DAYS_AFTER_CLOSURE"])
        s.commit()
        review_id = review.id
        s.remove()
    admin = login_as(Role.ADMIN)
    assert admin.post(f"/retention/{review_id}/cancel").status_code == 303
    assert admin.get("/retention/").status_code == 200
    with app.app_context():
        assert db.session.get(Client, w.client).surname == "Paliekošais"
        assert db.session.get(RetentionReview, review_id).status is RetentionStatus.CANCELLED
        db.session.remove()


def test_beat_schedule_has_the_dry_run() -> None:
    from portal.tasks import BEAT_SCHEDULE

    assert any(e["task"] == "portal.jobs.propose_retention_review"
               for e in BEAT_SCHEDULE.values())


def test_retention_period_is_configurable() -> None:
    import config

    assert config.RETENTION_DAYS_AFTER_CLOSURE >= 365
    assert Path(config.__file__).read_text().count("RETENTION_DAYS_AFTER_CLOSURE") == 1
