"""Submissions at the service level: storing, bad input, intake, processing, the inbox.

The portal parties come from :mod:`tests.integration.submission_data`; every test makes its
own submissions with fresh idempotency keys, so tests do not depend on one another.
"""

from __future__ import annotations

import datetime as dt
import io
import uuid
from collections.abc import Callable, Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import func, select
from werkzeug.datastructures import FileStorage

from portal.models import (
    Audience,
    ChangeLog,
    Client,
    EService,
    EServiceUse,
    HoursLog,
    OutgoingNotice,
    PlusUser,
    ReportedBy,
    Submission,
    SubmissionAttachment,
    SubmissionStatus,
    WorkAssignment,
)
from portal.services import access
from portal.services.access import Actor, Role
from portal.services.casework import case_file
from portal.services.errors import AccessDenied, IllegalTransition, NotFound, ValidationFailed
from portal.services.intake import submissions
from portal.services.partners import usage
from tests.integration.submission_data import SubmissionData, submission_data

PDF = b"%PDF-1.4\n%test\n" + b"0" * 200


@pytest.fixture()
def sd(app: Flask) -> SubmissionData:
    return submission_data(app)


@pytest.fixture()
def ctx(app: Flask) -> Iterator[Any]:
    """A request context (babel, config) with the shared session; rolled back afterwards."""
    from portal.extensions import db

    with app.test_request_context():
        yield db.session
        db.session.rollback()
        db.session.remove()


def _user(session: Any, user_id: int) -> PlusUser:
    return session.get(PlusUser, user_id)


def _officer(session: Any, base: Any, key: str = Role.OFFICER) -> Actor:
    return Actor.of(session.get(PlusUser, base.users[key]))


def _days_ago(n: int) -> str:
    return (dt.date.today() - dt.timedelta(days=n)).isoformat()


# Days of reported hours: past days within the test referrals (which started 40 days ago);
# hours cannot be reported for a day to come or before the referral starts.
DAY_3, DAY_4, DAY_5, DAY_6, DAY_7, DAY_8 = (_days_ago(n) for n in range(3, 9))
DAY_9, DAY_10, DAY_11, DAY_12, DAY_13, DAY_14 = (_days_ago(n) for n in range(9, 15))


def _hours_data(*rows: tuple[int, str, Any], schedule: str = "yes", **extra: Any) -> dict:
    data = {
        "hours": [{"client": str(a), "date": d, "hours": h} for a, d, h in rows],
        "according_to_schedule": schedule,
        "submit": True,
    }
    data.update(extra)
    return data


def _submit(session: Any, user_id: int, form: str, data: Any, *, key: str | None = None,
            files: dict | None = None, locale: str = "en") -> submissions.SubmitResult:
    return submissions.submit(
        session, user=_user(session, user_id), form_key=form, data=data,
        idempotency_key=key or uuid.uuid4().hex, files=files, locale=locale,
    )


def _count(session: Any, model: type = Submission) -> int:
    return session.execute(select(func.count()).select_from(model)).scalar_one()


def _residence(**extra: Any) -> dict:
    data = {"new_address": "Jaunā iela 5, Cēsis", "change_date": "2024-06-01",
            "declared": "yes", "phone": "+371 26000000"}
    data.update(extra)
    return data


# --- storing -----------------------------------------------------------------------------


def test_valid_hours_report_is_stored_clean_and_counted(ctx: Any, sd: SubmissionData,
                                                        base: Any) -> None:
    data = _hours_data((sd.case_a.assignment, f"{DAY_3}T00:00:00+03:00", 4.5),
                       (sd.case_a.assignment, DAY_4, 3))
    result = _submit(ctx, sd.employer_user_id, "hours_worked", data)
    assert result.status_code == 201, result.errors
    s = result.submission
    assert s.status is SubmissionStatus.RECEIVED
    # Clean data only: the button is gone, dates are dates, numbers are numbers.
    assert s.data == {
        "hours": [
            {"client": str(sd.case_a.assignment), "date": DAY_3, "hours": 4.5},
            {"client": str(sd.case_a.assignment), "date": DAY_4, "hours": 3},
        ],
        "according_to_schedule": "yes",
    }
    assert (s.audience, s.employer_id, s.client_id, s.case_id, s.unit_id) == (
        Audience.EMPLOYER, sd.employer, sd.case_a.client, sd.case_a.case, base.unit_a)
    assert s.version.definition.key == "hours_worked"
    use = ctx.scalars(select(EServiceUse).where(EServiceUse.submission_id == s.id)).one()
    assert use.service is EService.PARTNER_INFO_TO_VPD
    assert use.action == "submission"
    assert use.recipient_type is Audience.EMPLOYER
    assert use.month == usage.month_of()


def test_client_submission_routes_to_the_active_case(ctx: Any, sd: SubmissionData,
                                                     base: Any) -> None:
    result = _submit(ctx, sd.client_user_id, "change_of_residence", _residence())
    assert result.status_code == 201, result.errors
    s = result.submission
    assert (s.client_id, s.case_id, s.unit_id) == (sd.case_a.client, sd.case_a.case, base.unit_a)
    use = ctx.scalars(select(EServiceUse).where(EServiceUse.submission_id == s.id)).one()
    assert (use.service, use.recipient_type) == (EService.INFO_TO_VPD, Audience.CLIENT)


def test_foreign_unit_case_routes_to_its_unit(ctx: Any, sd: SubmissionData, base: Any) -> None:
    data = _hours_data((sd.case_b.assignment, DAY_3, 2))
    result = _submit(ctx, sd.employer_user_id, "hours_worked", data)
    assert result.status_code == 201, result.errors
    assert result.submission.unit_id == base.unit_b
    assert result.submission.case_id == sd.case_b.case


def test_volunteer_reports_on_the_case_of_their_task(ctx: Any, sd: SubmissionData,
                                                     base: Any) -> None:
    data = {"client": str(sd.case_a.case), "task": "Atbalsts", "period_start": "2024-05-01",
            "period_end": "2024-05-31", "summary": "Tikāmies divas reizes."}
    result = _submit(ctx, sd.volunteer_user_id, "task_report", data)
    assert result.status_code == 201, result.errors
    assert (result.submission.case_id, result.submission.unit_id) == (sd.case_a.case,
                                                                     base.unit_a)
    # A case the volunteer has no task on is refused as not linked.
    data["client"] = str(sd.case_b.case)
    refused = _submit(ctx, sd.volunteer_user_id, "task_report", data)
    assert refused.status_code == 403 and "client" in refused.errors


def test_replayed_key_is_stored_once(ctx: Any, sd: SubmissionData) -> None:
    key = uuid.uuid4().hex
    data = _hours_data((sd.case_a.assignment, DAY_3, 1))
    first = _submit(ctx, sd.employer_user_id, "hours_worked", data, key=key)
    before = (_count(ctx), _count(ctx, EServiceUse))
    again = _submit(ctx, sd.employer_user_id, "hours_worked", data, key=key)
    changed = _submit(ctx, sd.employer_user_id, "hours_worked",
                      _hours_data((sd.case_a.assignment, DAY_3, 9)), key=key)
    # Another body under the same key is refused (issue 7, defect 13), not silently dropped.
    assert (first.status_code, again.status_code, changed.status_code) == (201, 200, 409)
    assert again.duplicate and again.submission.id == first.submission.id
    assert changed.submission is None and "idempotency_key" in changed.errors
    assert (_count(ctx), _count(ctx, EServiceUse)) == before
    # The same key for another form is a client error, not a silent replay.
    other = _submit(ctx, sd.employer_user_id, "vacancy", {"title": "x", "places": 1}, key=key)
    assert other.status_code == 422 and "idempotency_key" in other.errors
    # Keys are per user: another user's identical key is a new submission.
    mine = _submit(ctx, sd.client_user_id, "message_to_officer",
                   {"subject": "a", "message": "b"}, key=key)
    assert mine.status_code == 201


def test_key_race_answers_with_the_stored_submission(ctx: Any, sd: SubmissionData,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    key = uuid.uuid4().hex
    data = _hours_data((sd.case_a.assignment, DAY_3, 1))
    first = _submit(ctx, sd.employer_user_id, "hours_worked", data, key=key)
    from portal.services.intake import portal as intake_portal

    real = intake_portal.by_key
    calls = {"n": 0}

    def late_lookup(session: Any, user_id: int, k: str) -> Any:
        # The first lookup misses, as if the other request had not committed yet.
        calls["n"] += 1
        return None if calls["n"] == 1 else real(session, user_id, k)

    monkeypatch.setattr(intake_portal, "by_key", late_lookup)
    before = _count(ctx)
    raced = _submit(ctx, sd.employer_user_id, "hours_worked", data, key=key)
    assert raced.status_code == 200 and raced.duplicate
    assert raced.submission.id == first.submission.id
    assert _count(ctx) == before


# --- bad input ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("form", "who", "data", "path"),
    [
        ("hours_worked", "employer", {"according_to_schedule": "yes"}, "hours"),
        ("hours_worked", "employer", "TEXT_IN_NUMBER", "hours[0].hours"),
        ("hours_worked", "employer", "OUTSIDE_OPTIONS", "according_to_schedule"),
        ("hours_worked", "employer", "UNKNOWN_FIELD", "_form"),
        ("hours_worked", "employer", "BAD_DATE", "hours[0].date"),
        ("change_of_residence", "client", {"declared": "yes", "change_date": "2024-01-01"},
         "new_address"),
        ("vacancy", "employer", {"title": "Darbs", "places": "daudz"}, "places"),
        ("hours_worked", "employer", "CONDITIONAL_REQUIRED", "deviation"),
    ],
)
def test_bad_input_is_refused_and_nothing_is_stored(
    ctx: Any, sd: SubmissionData, form: str, who: str, data: Any, path: str
) -> None:
    good = _hours_data((sd.case_a.assignment, DAY_3, 2))
    variants = {
        "TEXT_IN_NUMBER": _hours_data((sd.case_a.assignment, DAY_3, "četras")),
        "OUTSIDE_OPTIONS": dict(good, according_to_schedule="maybe"),
        "UNKNOWN_FIELD": dict(good, is_admin=True),
        "BAD_DATE": _hours_data((sd.case_a.assignment, "31.02.2024", 2)),
        "CONDITIONAL_REQUIRED": dict(good, according_to_schedule="no"),
    }
    data = variants.get(data, data) if isinstance(data, str) else data
    user = sd.employer_user_id if who == "employer" else sd.client_user_id
    before = (_count(ctx), _count(ctx, EServiceUse))
    result = _submit(ctx, user, form, data)
    assert result.status_code == 422
    assert result.submission is None
    assert path in result.errors, result.errors
    assert all(isinstance(m, str) and m for ms in result.errors.values() for m in ms)
    assert (_count(ctx), _count(ctx, EServiceUse)) == before


def test_errors_come_in_the_users_language(ctx: Any, sd: SubmissionData) -> None:
    data = {"declared": "yes", "change_date": "2024-01-01"}
    lv = _submit(ctx, sd.client_user_id, "change_of_residence", data, locale="lv")
    en = _submit(ctx, sd.client_user_id, "change_of_residence", data, locale="en")
    assert lv.errors["new_address"] != en.errors["new_address"]
    assert "obligāts" in lv.errors["new_address"][0]
    assert "required" in en.errors["new_address"][0]


def test_unknown_unpublished_and_retired_forms_are_404(ctx: Any, sd: SubmissionData) -> None:
    before = _count(ctx)
    for key in ("no_such_form", sd.retired_key, sd.unpublished_key, "x" * 500):
        result = _submit(ctx, sd.client_user_id, key, {"subject": "a", "message": "b"})
        assert result.status_code == 404, key
        assert result.errors["_form"]
    assert _count(ctx) == before


def test_who_may_submit(ctx: Any, sd: SubmissionData, base: Any) -> None:
    before = _count(ctx)
    officer = _submit(ctx, base.users[Role.OFFICER], "message_to_officer",
                      {"subject": "a", "message": "b"})
    assert officer.status_code == 403
    # A client may not use an employer's form, nor an employer a client's.
    assert _submit(ctx, sd.client_user_id, "vacancy", {"title": "x", "places": 1}
                   ).status_code == 403
    assert _submit(ctx, sd.employer_user_id, "message_to_officer",
                   {"subject": "a", "message": "b"}).status_code == 403
    # An assignment at another employer (the base employer's) is not the user's to report on.
    foreign = _submit(ctx, sd.employer_user_id, "hours_worked",
                      _hours_data((sd.case_a.assignment, DAY_3, 1),
                                  (base.own.assignment, DAY_3, 1)))
    assert foreign.status_code == 403
    assert list(foreign.errors) == ["hours[1].client"]
    assert _count(ctx) == before


def test_missing_or_bad_idempotency_key(ctx: Any, sd: SubmissionData) -> None:
    for key in ("", None, "a b", "x" * 81, 12, "ключ"):
        result = submissions.submit(
            ctx, user=_user(ctx, sd.client_user_id), form_key="message_to_officer",
            data={"subject": "a", "message": "b"}, idempotency_key=key, locale="en")
        assert result.status_code == 400 and "idempotency_key" in result.errors


def test_data_must_be_an_object(ctx: Any, sd: SubmissionData) -> None:
    for data in ([], "x", None, 5):
        assert _submit(ctx, sd.client_user_id, "message_to_officer", data).status_code == 400


def _upload(name: str, content: bytes, mimetype: str = "application/pdf") -> FileStorage:
    return FileStorage(stream=io.BytesIO(content), filename=name, content_type=mimetype)


def _stored_files(app: Flask) -> set[str]:
    folder = Path(app.config["UPLOAD_FOLDER"])
    return {p.name for p in folder.iterdir()} if folder.exists() else set()


def test_files_are_checked_and_stored_with_the_submission(app: Flask, ctx: Any,
                                                          sd: SubmissionData) -> None:
    data = {"subject": "Izziņa", "message": "Pielikumā izziņa."}
    before_files = _stored_files(app)
    result = _submit(ctx, sd.client_user_id, "message_to_officer", data,
                     files={"attachments": [_upload("izzina.pdf", PDF)]})
    assert result.status_code == 201, result.errors
    s = result.submission
    (att,) = ctx.scalars(select(SubmissionAttachment).where(
        SubmissionAttachment.submission_id == s.id)).all()
    assert (att.component_key, att.filename, att.content_type, att.size_bytes) == (
        "attachments", "izzina.pdf", "application/pdf", len(PDF))
    assert _stored_files(app) - before_files == {att.storage_key}
    assert s.data["attachments"][0]["name"] == "izzina.pdf"


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("big.pdf", b"%PDF-" + b"0" * 250_000),  # over MAX_UPLOAD_BYTES of the test app
        ("tool.exe", b"MZ\x90\x00"),
        ("fake.pdf", b"MZ\x90\x00 not a pdf"),
        ("empty.pdf", b""),
        ("old.doc", b"\xd0\xcf\x11\xe0"),  # allowed by the form's pattern, not by us
    ],
)
def test_bad_files_are_refused_and_nothing_is_stored(
    app: Flask, ctx: Any, sd: SubmissionData, name: str, content: bytes
) -> None:
    before = (_count(ctx), _count(ctx, SubmissionAttachment), _stored_files(app))
    result = _submit(ctx, sd.client_user_id, "message_to_officer",
                     {"subject": "a", "message": "b"},
                     files={"attachments": [_upload("ok.pdf", PDF), _upload(name, content)]})
    assert result.status_code == 422
    assert "attachments" in result.errors
    assert (_count(ctx), _count(ctx, SubmissionAttachment), _stored_files(app)) == before


def test_file_descriptions_without_the_file_are_refused(ctx: Any, sd: SubmissionData) -> None:
    data = {"subject": "a", "message": "b",
            "attachments": [{"name": "x.pdf", "size": 10, "type": "application/pdf",
                             "storage": "url", "url": "https://evil.example/x.pdf"}]}
    result = _submit(ctx, sd.client_user_id, "message_to_officer", data)
    assert result.status_code == 422 and "attachments" in result.errors


def test_a_failed_transaction_removes_the_stored_files(
    app: Flask, ctx: Any, sd: SubmissionData, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*args: Any, **kwargs: Any) -> None:
        raise RuntimeError("database went away")

    monkeypatch.setattr(usage, "record_use", broken)
    before = (_count(ctx), _count(ctx, SubmissionAttachment), _stored_files(app))
    with pytest.raises(RuntimeError):
        _submit(ctx, sd.client_user_id, "message_to_officer", {"subject": "a", "message": "b"},
                files={"attachments": [_upload("izzina.pdf", PDF)]})
    assert (_count(ctx), _count(ctx, SubmissionAttachment), _stored_files(app)) == before


SCRIPT = '<script>alert("x")</script><img src=x onerror=alert(1)>'


def test_html_is_stored_as_text_and_shown_escaped(
    app: Flask, sd: SubmissionData, login_as: Callable[[str], Any]
) -> None:
    from portal.extensions import db

    # No request context around the HTTP calls below: it would share ``g`` (and so the
    # logged-in user) with them.
    with app.test_request_context():
        result = _submit(db.session, sd.client_user_id, "message_to_officer",
                         {"subject": SCRIPT, "message": f"Sveiki! {SCRIPT}"})
        assert result.status_code == 201
        assert result.submission.data["subject"] == SCRIPT  # exactly as typed
        sid = result.submission.id
        db.session.remove()
    officer = login_as(Role.OFFICER)
    page = officer.get(f"/inbox/{sid}").get_data(as_text=True)
    assert "<script>alert" not in page and "<img src=x" not in page
    assert "&lt;script&gt;alert(" in page
    listing = officer.get("/inbox/").get_data(as_text=True)
    assert "<script>alert" not in listing
    mine = login_as(sd.client_user).get("/api/v1/submissions/mine")
    assert mine.status_code == 200
    assert "<script>" not in mine.get_data(as_text=True)  # JSON escapes < as \u003c


# --- intake and processing ----------------------------------------------------------------


def _confirmed(session: Any, case_id: int) -> Decimal:
    return case_file.hours_done(session, case_id)


def test_accepting_an_hours_report_applies_it_in_one_transaction(
    ctx: Any, sd: SubmissionData, base: Any
) -> None:
    data = _hours_data((sd.case_a.assignment, DAY_5, 4),
                       (sd.case_a.assignment, DAY_6, 3.5))
    s = _submit(ctx, sd.employer_user_id, "hours_worked", data).submission
    officer = _officer(ctx, base)
    changes = submissions.proposed_changes(ctx, s)
    assert [(c.kind, c.entity, c.values["hours"], c.values["work_date"]) for c in changes] == [
        ("create", "HoursLog", Decimal("4"), dt.date.fromisoformat(DAY_5)),
        ("create", "HoursLog", Decimal("3.5"), dt.date.fromisoformat(DAY_6)),
    ]
    assert all(not c.problem for c in changes)
    before = _confirmed(ctx, sd.case_a.case)
    opened = submissions.mark_in_processing(ctx, s.id, officer)
    assert opened.status is SubmissionStatus.IN_PROCESSING
    accepted = submissions.accept(ctx, s.id, officer)
    assert accepted.status is SubmissionStatus.ACCEPTED
    assert accepted.processed_by_id == officer.user_id and accepted.processed_at
    assert _confirmed(ctx, sd.case_a.case) == before + Decimal("7.5")
    rows = ctx.scalars(select(HoursLog).where(
        HoursLog.assignment_id == sd.case_a.assignment,
        HoursLog.work_date.in_([dt.date.fromisoformat(DAY_5), dt.date.fromisoformat(DAY_6)]))).all()
    assert len(rows) == 2
    assert all(r.reported_by is ReportedBy.EMPLOYER and r.confirmed
               and r.confirmed_by_id == officer.user_id for r in rows)
    history = ctx.scalars(select(ChangeLog).where(ChangeLog.source == f"submission:{s.id}")).all()
    created = [h for h in history if h.entity == "HoursLog" and h.action == "create"]
    assert {h.entity_id for h in created} == {r.id for r in rows}
    assert all(h.case_id == sd.case_a.case and h.user_id == officer.user_id for h in created)
    assert any(h.entity == "Submission" and h.action == "update" for h in history)


def test_a_failure_during_accept_rolls_everything_back(
    ctx: Any, sd: SubmissionData, base: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    data = _hours_data((sd.case_a.assignment, DAY_7, 1),
                       (sd.case_a.assignment, DAY_8, 2))
    s = _submit(ctx, sd.employer_user_id, "hours_worked", data).submission
    sid = s.id
    officer = _officer(ctx, base)
    from portal.services import intake

    real_apply = intake.apply_change
    calls = {"n": 0}

    def fail_second(*args: Any, **kwargs: Any) -> None:
        calls["n"] += 1
        if calls["n"] == 2:
            raise RuntimeError("disk full")
        real_apply(*args, **kwargs)

    monkeypatch.setattr(intake, "apply_change", fail_second)
    before = (_confirmed(ctx, sd.case_a.case), _count(ctx, HoursLog), _count(ctx, ChangeLog))
    with pytest.raises(RuntimeError):
        submissions.accept(ctx, sid, officer)
    assert calls["n"] == 2  # the first row was written before the failure
    after = (_confirmed(ctx, sd.case_a.case), _count(ctx, HoursLog), _count(ctx, ChangeLog))
    assert after == before
    assert ctx.get(Submission, sid).status is SubmissionStatus.RECEIVED
    assert ctx.scalars(select(ChangeLog).where(
        ChangeLog.source == f"submission:{sid}")).all() == []


def test_a_refused_row_rolls_back_and_says_so(ctx: Any, sd: SubmissionData, base: Any) -> None:
    data = _hours_data((sd.case_a.assignment, DAY_9, 1))
    s = _submit(ctx, sd.employer_user_id, "hours_worked", data).submission
    # The assignment disappears between submitting and accepting.
    s.data = {**s.data, "hours": [{**s.data["hours"][0], "client": "999999"}]}
    ctx.commit()
    with pytest.raises(ValidationFailed) as caught:
        submissions.accept(ctx, s.id, _officer(ctx, base))
    assert caught.value.field == "changes"
    assert ctx.get(Submission, s.id).status is SubmissionStatus.RECEIVED
    # A value the database refuses (hours over 24 per day) after a good row: nothing stays.
    s.data = {**s.data, "hours": [
        {"client": str(sd.case_a.assignment), "date": DAY_10, "hours": 5},
        {"client": str(sd.case_a.assignment), "date": DAY_11, "hours": 30},
    ]}
    ctx.commit()
    before = (_count(ctx, HoursLog), _count(ctx, ChangeLog))
    with pytest.raises(ValidationFailed) as caught:
        submissions.accept(ctx, s.id, _officer(ctx, base))
    assert caught.value.field == "changes"
    assert (_count(ctx, HoursLog), _count(ctx, ChangeLog)) == before
    assert ctx.get(Submission, s.id).status is SubmissionStatus.RECEIVED


def test_accepting_a_change_of_residence_updates_the_client(
    ctx: Any, sd: SubmissionData, base: Any
) -> None:
    new_address = f"Rūpniecības iela {uuid.uuid4().hex[:4]}, Rīga"
    s = _submit(ctx, sd.client_user_id, "change_of_residence",
                _residence(new_address=new_address, phone=None)).submission
    client = ctx.get(Client, sd.case_a.client)
    old = client.address
    (change,) = submissions.proposed_changes(ctx, s)  # no phone given: no phone change
    assert (change.kind, change.entity, change.field, change.record_id) == (
        "update", "Client", "address", sd.case_a.client)
    assert (change.current, change.proposed) == (old, new_address)
    submissions.accept(ctx, s.id, _officer(ctx, base))
    ctx.expire_all()
    assert ctx.get(Client, sd.case_a.client).address == new_address
    (log,) = ctx.scalars(select(ChangeLog).where(
        ChangeLog.source == f"submission:{s.id}", ChangeLog.entity == "Client")).all()
    assert log.changes["address"] == [old, new_address]
    assert log.client_id == sd.case_a.client


def test_accepting_a_schedule_agreement_updates_the_assignment(
    ctx: Any, sd: SubmissionData, base: Any
) -> None:
    data = {"client": str(sd.case_e.assignment), "decision": "agree"}
    s = _submit(ctx, sd.employer_user_id, "work_schedule_agreement", data).submission
    (change,) = submissions.proposed_changes(ctx, s)
    assert (change.entity, change.field, change.record_id, change.current, change.proposed) == (
        "WorkAssignment", "schedule_agreed_by_employer", sd.case_e.assignment, False, True)
    submissions.accept(ctx, s.id, _officer(ctx, base))
    ctx.expire_all()
    assert ctx.get(WorkAssignment, sd.case_e.assignment).schedule_agreed_by_employer is True


def test_only_an_officer_who_may_edit_the_case_accepts(ctx: Any, sd: SubmissionData,
                                                       base: Any) -> None:
    s = _submit(ctx, sd.employer_user_id, "hours_worked",
                _hours_data((sd.case_a.assignment, DAY_12, 1))).submission
    # Officer2 works in the unit (sees the inbox) but the case is not theirs.
    colleague = _officer(ctx, base, "Officer2")
    assert submissions.get_for_officer(ctx, s.id, colleague).id == s.id
    with pytest.raises(AccessDenied):
        submissions.accept(ctx, s.id, colleague)
    assert ctx.get(Submission, s.id).status is SubmissionStatus.RECEIVED
    # The unit manager may.
    assert submissions.accept(ctx, s.id, _officer(ctx, base, Role.UNIT_MANAGER)).status is (
        SubmissionStatus.ACCEPTED)


def test_reject_needs_a_reason_and_answer_follows(ctx: Any, sd: SubmissionData,
                                                  base: Any) -> None:
    s = _submit(ctx, sd.client_user_id, "message_to_officer",
                {"subject": "Jautājums", "message": "Kad nākamā tikšanās?"}).submission
    officer = _officer(ctx, base)
    for reason in ("", "   "):
        with pytest.raises(ValidationFailed) as caught:
            submissions.reject(ctx, s.id, officer, reason)
        assert caught.value.field == "reason"
    with pytest.raises(IllegalTransition):
        submissions.answer(ctx, s.id, officer, "Too early")
    rejected = submissions.reject(ctx, s.id, officer, "Nepilnīga informācija")
    assert (rejected.status, rejected.rejection_reason) == (SubmissionStatus.REJECTED,
                                                            "Nepilnīga informācija")
    with pytest.raises(IllegalTransition):
        submissions.accept(ctx, s.id, officer)
    with pytest.raises(ValidationFailed) as caught:
        submissions.answer(ctx, s.id, officer, " ")
    assert caught.value.field == "reply"
    answered = submissions.answer(ctx, s.id, officer, "Lūdzu, iesniedziet vēlreiz.")
    assert (answered.status, answered.reply) == (SubmissionStatus.ANSWERED,
                                                 "Lūdzu, iesniedziet vēlreiz.")
    assert answered.replied_at is not None
    with pytest.raises(IllegalTransition):
        submissions.answer(ctx, s.id, officer, "Again")
    # No e-address for this client: nothing queued.
    assert ctx.scalars(select(OutgoingNotice).where(
        OutgoingNotice.submission_id == s.id)).all() == []


def test_a_notice_is_queued_for_an_active_e_address(ctx: Any, sd: SubmissionData,
                                                    base: Any) -> None:
    s = _submit(ctx, sd.e_client_user_id, "message_to_officer",
                {"subject": "Jautājums", "message": "Vai drīkstu izbraukt?"}).submission
    assert s.case_id == sd.case_e.case
    officer = _officer(ctx, base)
    submissions.accept(ctx, s.id, officer)
    submissions.answer(ctx, s.id, officer, "Jā, drīkstat.")
    (notice,) = ctx.scalars(select(OutgoingNotice).where(
        OutgoingNotice.submission_id == s.id)).all()
    assert (notice.client_id, notice.user_id, notice.body) == (
        sd.case_e.client, sd.e_client_user_id, "Jā, drīkstat.")
    assert str(s.id) in notice.subject


def test_an_employer_reply_is_queued_for_the_submitting_account(
    ctx: Any, sd: SubmissionData, base: Any
) -> None:
    s = _submit(ctx, sd.employer_user_id, "vacancy",
                {"title": "Sētnieks", "places": 2, "suitable_for_minors": False}).submission
    officer = _officer(ctx, base)
    (change,) = submissions.proposed_changes(ctx, s)
    assert change.values["employer_id"] == sd.employer and change.values["places"] == 2
    submissions.accept(ctx, s.id, officer)
    submissions.answer(ctx, s.id, officer, "Paldies!")
    (notice,) = ctx.scalars(select(OutgoingNotice).where(
        OutgoingNotice.submission_id == s.id)).all()
    assert (notice.client_id, notice.user_id) == (None, sd.employer_user_id)


# --- the inbox ----------------------------------------------------------------------------


def test_the_inbox_is_unit_scoped(ctx: Any, sd: SubmissionData, base: Any) -> None:
    in_a = _submit(ctx, sd.employer_user_id, "hours_worked",
                   _hours_data((sd.case_a.assignment, DAY_13, 1))).submission
    in_b = _submit(ctx, sd.employer_user_id, "hours_worked",
                   _hours_data((sd.case_b.assignment, DAY_13, 1))).submission
    officer_a, officer_b = _officer(ctx, base), _officer(ctx, base, "OfficerB")
    admin = _officer(ctx, base, Role.ADMIN)
    ids_a = {s.id for s in submissions.inbox(ctx, officer_a, limit=10_000)}
    ids_b = {s.id for s in submissions.inbox(ctx, officer_b, limit=10_000)}
    assert in_a.id in ids_a and in_b.id not in ids_a
    assert in_b.id in ids_b and in_a.id not in ids_b
    assert {in_a.id, in_b.id} <= {s.id for s in submissions.inbox(ctx, admin, limit=10_000)}
    for role in (Role.ANALYST, Role.FORM_ADMIN, Role.EMPLOYER):
        assert submissions.inbox(ctx, _officer(ctx, base, role)) == []
    with pytest.raises(NotFound):
        submissions.get_for_officer(ctx, in_b.id, officer_a)
    with pytest.raises(NotFound):
        submissions.accept(ctx, in_b.id, officer_a)
    with pytest.raises(NotFound):
        submissions.reject(ctx, in_b.id, officer_a, "nav mūsu")
    assert access.can_view(ctx, in_b, officer_b) and not access.can_view(ctx, in_b, officer_a)
    # Filters
    received = submissions.inbox(ctx, officer_a, status=SubmissionStatus.RECEIVED,
                                 form_key="hours_worked", limit=10_000)
    assert in_a.id in {s.id for s in received}
    assert all(s.status is SubmissionStatus.RECEIVED for s in received)
    assert submissions.inbox(ctx, officer_a, form_key="vacancy", limit=10_000) == [] or all(
        s.version.definition.key == "vacancy"
        for s in submissions.inbox(ctx, officer_a, form_key="vacancy", limit=10_000))


def test_inbox_screens(app: Flask, sd: SubmissionData, base: Any,
                       login_as: Callable[[str], Any]) -> None:
    from portal.extensions import db

    with app.test_request_context():
        s_a = _submit(db.session, sd.employer_user_id, "hours_worked",
                      _hours_data((sd.case_a.assignment, DAY_14, 2))).submission.id
        s_b = _submit(db.session, sd.employer_user_id, "hours_worked",
                      _hours_data((sd.case_b.assignment, DAY_14, 2))).submission.id
        db.session.remove()
    officer = login_as(Role.OFFICER)
    listing = officer.get("/inbox/?status=received&form=hours_worked")
    assert listing.status_code == 200
    text = listing.get_data(as_text=True)
    assert f"/inbox/{s_a}" in text and f"/inbox/{s_b}" not in text
    assert officer.get(f"/inbox/{s_b}").status_code == 404
    assert officer.post(f"/inbox/{s_b}/accept").status_code == 404
    detail = officer.get(f"/inbox/{s_a}")
    assert detail.status_code == 200
    page = detail.get_data(as_text=True)
    assert 'id="proposed-changes"' in page and 'id="current-data"' in page
    with app.app_context():
        # Opening only reads; taking it into processing is the officer's explicit step.
        assert db.session.get(Submission, s_a).status is SubmissionStatus.RECEIVED
        db.session.remove()
    assert officer.post(f"/inbox/{s_a}/take").status_code == 302
    with app.app_context():
        assert db.session.get(Submission, s_a).status is SubmissionStatus.IN_PROCESSING
        db.session.remove()
    refused = officer.post(f"/inbox/{s_a}/reject", data={"reason": "  "})
    assert refused.status_code == 422
    assert 'id="reason-error"' in refused.get_data(as_text=True)
    accepted = officer.post(f"/inbox/{s_a}/accept")
    assert accepted.status_code == 302
    replied = officer.post(f"/inbox/{s_a}/reply", data={"reply": "Paldies"},
                           follow_redirects=True)
    assert replied.status_code == 200
    with app.app_context():
        s = db.session.get(Submission, s_a)
        assert (s.status, s.reply) == (SubmissionStatus.ANSWERED, "Paldies")
        db.session.remove()
    # Roles without case work do not reach the inbox at all.
    for role in (Role.ANALYST, Role.FORM_ADMIN, Role.EMPLOYER, Role.CLIENT):
        resp = login_as(role).get("/inbox/")
        assert resp.status_code in (302, 403), role


def test_attachments_download_through_the_access_check(
    app: Flask, sd: SubmissionData, login_as: Callable[[str], Any]
) -> None:
    from portal.extensions import db

    with app.test_request_context():
        s = _submit(db.session, sd.client_user_id, "message_to_officer",
                    {"subject": "a", "message": "b"},
                    files={"attachments": [_upload("izzina.pdf", PDF)]}).submission
        sid, att = s.id, s.attachments[0].id
        db.session.remove()
    resp = login_as(Role.OFFICER).get(f"/inbox/{sid}/attachment/{att}")
    assert resp.status_code == 200 and resp.data == PDF
    assert login_as("OfficerB").get(f"/inbox/{sid}/attachment/{att}").status_code == 404
    assert login_as(Role.OFFICER).get(f"/inbox/{sid}/attachment/{att + 10_000}"
                                      ).status_code == 404


# --- usage --------------------------------------------------------------------------------


def test_usage_table_counts_views_submissions_and_results(
    ctx: Any, sd: SubmissionData, base: Any
) -> None:
    def row(service: EService, audience: Audience) -> usage.UsageRow:
        month = usage.month_of()
        for r in usage.usage_table(ctx):
            if (r.month, r.service, r.recipient_type) == (month, service, audience):
                return r
        return usage.UsageRow(month=month, service=service, recipient_type=audience)

    before = row(EService.INFO_TO_VPD, Audience.CLIENT)
    views_before = row(EService.MY_DATA, Audience.CLIENT).views
    s = _submit(ctx, sd.client_user_id, "message_to_officer",
                {"subject": "a", "message": "b"}).submission
    submissions.reject(ctx, s.id, _officer(ctx, base), "Nav skaidrs")
    usage.record_use(ctx, _user(ctx, sd.client_user_id), EService.MY_DATA, "view")
    usage.record_use(ctx, _user(ctx, base.users[Role.OFFICER]), EService.MY_DATA, "view")
    ctx.commit()
    after = row(EService.INFO_TO_VPD, Audience.CLIENT)
    assert after.submissions == before.submissions + 1
    assert after.by_status[SubmissionStatus.REJECTED] == (
        before.by_status[SubmissionStatus.REJECTED] + 1)
    # Officers' looks are not e-service use.
    assert row(EService.MY_DATA, Audience.CLIENT).views == views_before + 1
    with pytest.raises(ValueError):
        usage.record_use(ctx, _user(ctx, sd.client_user_id), EService.MY_DATA, "download")


def test_usage_screens(app: Flask, login_as: Callable[[str], Any], sd: SubmissionData) -> None:
    from portal.extensions import db

    with app.test_request_context():
        _submit(db.session, sd.client_user_id, "message_to_officer",
                {"subject": "a", "message": "b"})
        db.session.remove()
    for role in (Role.ANALYST, Role.FORM_ADMIN, Role.ADMIN):
        c = login_as(role)
        assert c.get("/usage/").status_code == 200, role
        csv_resp = c.get("/usage/csv")
        assert csv_resp.status_code == 200 and csv_resp.mimetype == "text/csv"
        body = csv_resp.get_data(as_text=True)
        # Written as the screen shows them, in Latvian: never the codes.
        assert "info_to_vpd" not in body and ",client," not in body
        with app.test_request_context():
            assert f"{EService.INFO_TO_VPD},{Audience.CLIENT}" in body
    for role in (Role.OFFICER, Role.EMPLOYER, Role.CLIENT):
        assert login_as(role).get("/usage/").status_code in (302, 403), role
