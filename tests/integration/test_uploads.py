"""Files uploaded ahead of a submission (the ``@formio/js`` renderer's ``url`` storage).

``POST /api/v1/forms/<key>/files`` checks and stores a file like the server-rendered form's
files and records a pending upload of the user; a submission whose file value names it (by
the URL the upload answered) takes it over in its own transaction, once. Everything else is
refused per field, with nothing stored; expired uploads are cleaned up.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import secrets
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select, update
from werkzeug.datastructures import FileStorage

from portal import jobs
from portal.models import EServiceUse, PendingUpload, PlusUser, Submission, SubmissionAttachment
from portal.models.base import utcnow
from portal.services.access import Role
from portal.services.intake import submissions, uploads
from tests.conftest import base_config
from tests.factories import PASSWORD
from tests.integration.submission_data import SubmissionData, submission_data

FORM = "message_to_officer"
FILES = "/api/v1/forms/{}/files?component={}"
SUBMIT = "/api/v1/forms/{}/submissions"
PDF = b"%PDF-1.4\n%pending upload test\n" + b"0" * 300


@pytest.fixture()
def sd(app: Flask) -> SubmissionData:
    return submission_data(app)


@pytest.fixture(autouse=True)
def _no_leftovers(app: Flask) -> Iterator[None]:
    """Each test starts and ends without pending uploads, so the per-user cap never bites."""
    _clear(app)
    yield
    _clear(app)


def _clear(app: Flask) -> None:
    from portal.extensions import db

    with app.test_request_context():
        uploads.remove_expired(db.session, now=utcnow() + dt.timedelta(days=3650))
        db.session.remove()


def _stored_files(app: Flask) -> set[str]:
    folder = Path(app.config["UPLOAD_FOLDER"])
    return {p.name for p in folder.iterdir()} if folder.exists() else set()


def _state(app: Flask) -> tuple[int, int, int, int, frozenset[str]]:
    """Row counts of everything an upload or a submission may store, and the stored files."""
    from portal.extensions import db

    with app.app_context():
        counts = [
            db.session.execute(select(func.count()).select_from(m)).scalar_one()
            for m in (PendingUpload, Submission, SubmissionAttachment, EServiceUse)
        ]
        db.session.remove()
    return (*counts, frozenset(_stored_files(app)))  # type: ignore[return-value]


def _upload(c: FlaskClient, name: str = "izzina.pdf", content: bytes = PDF, *,
            form: str = FORM, component: str = "attachments", **kwargs: Any) -> Any:
    """Post a file as Form.io's url storage does (multipart ``file``, ``name``, ``dir``)."""
    return c.post(FILES.format(form, component),
                  data={"file": (io.BytesIO(content), name), "name": name, "dir": ""},
                  content_type="multipart/form-data", **kwargs)


def _formio_value(body: dict[str, Any], original: str = "izzina.pdf") -> dict[str, Any]:
    """The file value @formio/js 5 keeps after a url-storage upload (what it then submits)."""
    stem, _dot, ext = original.rpartition(".")
    return {
        "storage": "url", "name": f"{stem}-{uuid.uuid4()}.{ext}", "url": body.get("url", ""),
        "size": body.get("size", 1), "type": body.get("type", "application/pdf"),
        "data": {**body, "baseUrl": "http://localhost/api/v1/", "project": "", "form": ""},
        "originalName": original, "hash": "",
    }


def _message(*files: dict[str, Any], **extra: Any) -> dict[str, Any]:
    data = {"subject": "Izziņa", "message": "Pielikumā izziņa.", "attachments": list(files),
            "submit": True}
    data.update(extra)
    return data


def _submit(c: FlaskClient, data: dict[str, Any], form: str = FORM, key: str | None = None) -> Any:
    return c.post(SUBMIT.format(form), json={"data": data},
                  headers={"Idempotency-Key": key or uuid.uuid4().hex})


def _pending(app: Flask, url: str) -> PendingUpload | None:
    from portal.extensions import db

    with app.app_context():
        token = url.rstrip("/").rsplit("/", 1)[-1]
        row = db.session.scalars(select(PendingUpload).where(
            PendingUpload.token_hash == uploads._hash(token))).first()
        if row is not None:
            db.session.expunge(row)
        db.session.remove()
    return row


# --- the happy path --------------------------------------------------------------------------


def test_the_renderer_gets_url_storage_for_its_file_components(
    sd: SubmissionData, login_as: Callable[[str], FlaskClient]
) -> None:
    schema = login_as(sd.client_user).get(f"/api/v1/forms/{FORM}").get_json()["schema"]
    comp = next(c for c in schema["components"] if c["key"] == "attachments")
    assert comp["storage"] == "url"
    assert comp["url"] == f"/api/v1/forms/{FORM}/files?component=attachments"


def test_upload_then_submit_stores_the_attachment_once(
    app: Flask, sd: SubmissionData, login_as: Callable[[str], FlaskClient]
) -> None:
    c = login_as(sd.client_user)
    before = _state(app)
    resp = _upload(c)
    assert resp.status_code == 201, resp.get_json()
    body = resp.get_json()
    assert (body["name"], body["size"], body["type"]) == ("izzina.pdf", len(PDF),
                                                          "application/pdf")
    # Absolute, so Form.io uses it as it is; it names the upload, not the stored file.
    assert re.match(rf"^http://[^/]+/api/v1/forms/{FORM}/files/[A-Za-z0-9_-]{{43}}$",
                    body["url"]), body["url"]
    row = _pending(app, body["url"])
    assert row is not None and row.user_id == sd.client_user_id
    assert (row.form_key, row.component_key, row.filename, row.size_bytes) == (
        FORM, "attachments", "izzina.pdf", len(PDF))
    assert row.storage_key not in body["url"] and row.expires_at > utcnow()
    after_upload = _state(app)
    assert after_upload[0] == before[0] + 1
    assert after_upload[4] - before[4] == {row.storage_key}

    # The renderer shows the file: the owner may fetch it back before submitting.
    got = c.get(body["url"])
    assert got.status_code == 200 and got.data == PDF

    sent = _submit(c, _message(_formio_value(body)))
    assert sent.status_code == 201, sent.get_json()
    from portal.extensions import db

    with app.app_context():
        s = db.session.get(Submission, sent.get_json()["id"])
        (att,) = s.attachments
        assert (att.component_key, att.filename, att.content_type, att.size_bytes,
                att.sha256, att.storage_key) == (
            "attachments", "izzina.pdf", "application/pdf", len(PDF), row.sha256,
            row.storage_key)
        # Described by us from the stored file, as the server form describes its files.
        assert s.data["attachments"] == [{"name": "izzina.pdf", "originalName": "izzina.pdf",
                                          "size": len(PDF), "type": "application/pdf",
                                          "storage": "portal"}]
        db.session.remove()
    after = _state(app)
    assert after[0] == before[0]  # the pending row is consumed
    assert after[1:3] == (before[1] + 1, before[2] + 1)
    assert after[4] - before[4] == {row.storage_key}  # the same bytes, not a copy
    # ... and is no longer fetchable as a pending upload.
    assert c.get(body["url"]).status_code == 404

    # Replaying the token in a new submission is refused, and stores nothing.
    again = _submit(c, _message(_formio_value(body)))
    assert again.status_code == 422
    assert list(again.get_json()["errors"]) == ["attachments"]
    assert _state(app) == after


def test_both_paths_store_the_same_file_value(
    app: Flask, sd: SubmissionData, login_as: Callable[[str], FlaskClient]
) -> None:
    from portal.extensions import db

    c = login_as(sd.client_user)
    body = _upload(c).get_json()
    via_api = _submit(c, _message(_formio_value(body)))
    assert via_api.status_code == 201
    with app.test_request_context():
        user = db.session.get(PlusUser, sd.client_user_id)
        result = submissions.submit(
            db.session, user=user, form_key=FORM, data=_message(),
            idempotency_key=uuid.uuid4().hex, locale="en",
            files={"attachments": [FileStorage(io.BytesIO(PDF), filename="izzina.pdf",
                                               content_type="application/pdf")]})
        assert result.status_code == 201, result.errors
        server_form = db.session.get(Submission, result.submission_id).data
        api = db.session.get(Submission, via_api.get_json()["id"]).data
        assert api == server_form
        db.session.remove()


def test_removing_a_file_in_the_renderer_deletes_the_upload(
    app: Flask, sd: SubmissionData, login_as: Callable[[str], FlaskClient]
) -> None:
    c = login_as(sd.client_user)
    before = _state(app)
    url = _upload(c).get_json()["url"]
    assert c.delete(url).status_code == 200
    assert _state(app) == before
    assert c.delete(url).status_code == 404
    assert _submit(c, _message(_formio_value({"url": url}))).status_code == 422


# --- refused uploads: nothing is stored ------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "content", "fragment"),
    [
        ("big.pdf", b"%PDF-" + b"0" * 250_000, "larger than"),  # over MAX_UPLOAD_BYTES
        ("tool.exe", b"MZ\x90\x00", "not accepted"),
        ("fake.pdf", b"MZ\x90\x00 not a pdf", "does not match"),
        ("empty.pdf", b"", "empty"),
        ("notes.txt", b"plain text", "wrong type"),  # allowed by us, not by the form's pattern
    ],
)
def test_bad_files_are_refused_and_nothing_is_stored(
    app: Flask, sd: SubmissionData, login_as: Callable[[str], FlaskClient],
    name: str, content: bytes, fragment: str,
) -> None:
    c = login_as(sd.client_user)
    before = _state(app)
    resp = c.post(FILES.format(FORM, "attachments") + "&_l_=en",
                  data={"file": (io.BytesIO(content), name)}, content_type="multipart/form-data")
    assert resp.status_code == 422, resp.get_json()
    errors = resp.get_json()["errors"]
    assert list(errors) == ["file"] and fragment in errors["file"][0], errors
    assert _state(app) == before


def test_a_request_over_the_hard_limit_is_413_json(
    app: Flask, sd: SubmissionData, login_as: Callable[[str], FlaskClient]
) -> None:
    before = _state(app)
    resp = _upload(login_as(sd.client_user), "huge.pdf", b"%PDF-" + b"0" * 500_000)
    assert resp.status_code == 413 and resp.get_json()["message"]
    assert _state(app) == before


def test_no_file_and_unknown_components(
    app: Flask, sd: SubmissionData, login_as: Callable[[str], FlaskClient]
) -> None:
    c = login_as(sd.client_user)
    before = _state(app)
    empty = c.post(FILES.format(FORM, "attachments"), data={},
                   content_type="multipart/form-data")
    assert empty.status_code == 422 and "file" in empty.get_json()["errors"]
    for component in ("subject", "nope", "", "rows.file"):
        resp = _upload(c, component=component)
        assert resp.status_code == 404, component
        assert "component" in resp.get_json()["errors"]
    assert c.post(f"/api/v1/forms/{FORM}/files", data={"file": (io.BytesIO(PDF), "a.pdf")},
                  content_type="multipart/form-data").status_code == 404
    # A form without any file component.
    assert _upload(c, form="change_of_residence", component="comment").status_code == 404
    assert _state(app) == before


def test_only_published_forms_of_the_users_audience(
    app: Flask, sd: SubmissionData, login_as: Callable[[str], FlaskClient]
) -> None:
    before = _state(app)
    c = login_as(sd.client_user)
    assert _upload(c, form=sd.unpublished_key).status_code == 404
    assert _upload(c, form=sd.retired_key).status_code == 404
    assert _upload(c, form="no_such_form").status_code == 404
    assert _upload(c, form="x" * 61).status_code == 404
    # A client form is not the employer's, whatever the component.
    assert _upload(login_as(sd.employer_user)).status_code == 403
    assert _state(app) == before


def test_non_portal_users_may_not_upload(
    app: Flask, sd: SubmissionData, login_as: Callable[[str], FlaskClient]
) -> None:
    before = _state(app)
    for role in (Role.OFFICER, Role.ADMIN, Role.ANALYST, Role.FORM_ADMIN):
        assert _upload(login_as(role)).status_code == 403, role
    assert _upload(app.test_client()).status_code == 401
    assert _state(app) == before


def test_too_many_waiting_uploads_are_refused(
    app: Flask, sd: SubmissionData, login_as: Callable[[str], FlaskClient],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setitem(app.config, "MAX_PENDING_UPLOADS", 2)
    c = login_as(sd.client_user)
    assert _upload(c).status_code == 201
    assert _upload(c).status_code == 201
    before = _state(app)
    third = _upload(c)
    assert third.status_code == 422 and "file" in third.get_json()["errors"]
    assert _state(app) == before


# --- refused references: per field, nothing stored -------------------------------------------


def test_another_users_token_is_refused_and_stays_theirs(
    app: Flask, sd: SubmissionData, login_as: Callable[[str], FlaskClient]
) -> None:
    owner = login_as(sd.client_user)
    body = _upload(owner).get_json()
    thief = login_as(sd.e_client_user)
    before = _state(app)
    resp = _submit(thief, _message(_formio_value(body)))
    assert resp.status_code == 422 and list(resp.get_json()["errors"]) == ["attachments"]
    assert thief.get(body["url"]).status_code == 404
    assert thief.delete(body["url"]).status_code == 404
    assert _state(app) == before
    # Still the owner's to send.
    assert _submit(owner, _message(_formio_value(body))).status_code == 201


@pytest.mark.parametrize(
    "value",
    [
        {"name": "x.pdf", "size": 10, "type": "application/pdf", "storage": "url",
         "url": "https://evil.example/x.pdf"},
        {"name": "x.pdf", "size": 10, "type": "application/pdf", "storage": "url",
         "url": f"http://localhost/api/v1/forms/{FORM}/files/{secrets.token_urlsafe(32)}"},
        {"name": "x.pdf", "size": 10, "type": "application/pdf", "storage": "url",
         "url": "http://[::1"},
        {"name": "x.pdf", "size": 10, "type": "application/pdf"},
        {"name": "x.pdf", "size": 10, "storage": "base64", "url": "data:application/pdf;base64,"},
    ],
)
def test_forged_file_values_are_refused(
    app: Flask, sd: SubmissionData, login_as: Callable[[str], FlaskClient], value: dict
) -> None:
    before = _state(app)
    resp = _submit(login_as(sd.client_user), _message(value))
    assert resp.status_code == 422, resp.get_json()
    assert list(resp.get_json()["errors"]) == ["attachments"]
    assert _state(app) == before


def test_a_token_of_another_form_or_component_is_refused(
    app: Flask, sd: SubmissionData, login_as: Callable[[str], FlaskClient]
) -> None:
    c = login_as(sd.client_user)
    other = "explanation_of_absence_or_violation"
    body = _upload(c, form=other, component="documents").get_json()
    before = _state(app)
    resp = _submit(c, _message(_formio_value(body)))
    assert resp.status_code == 422 and "attachments" in resp.get_json()["errors"]
    assert _state(app) == before


def test_an_expired_upload_is_refused_then_cleaned_up(
    app: Flask, sd: SubmissionData, login_as: Callable[[str], FlaskClient]
) -> None:
    from portal.extensions import db

    c = login_as(sd.client_user)
    body = _upload(c).get_json()
    row = _pending(app, body["url"])
    assert row is not None
    with app.app_context():
        db.session.execute(update(PendingUpload).where(PendingUpload.id == row.id)
                           .values(expires_at=utcnow() - dt.timedelta(minutes=1)))
        db.session.commit()
        db.session.remove()
    before = _state(app)
    resp = _submit(c, _message(_formio_value(body)))
    assert resp.status_code == 422
    assert "izzina.pdf" in resp.get_json()["errors"]["attachments"][0]
    assert c.get(body["url"]).status_code == 404
    assert _state(app) == before

    with app.test_request_context():
        assert uploads.remove_expired(db.session) == 1
        db.session.remove()
    after = _state(app)
    assert after[0] == before[0] - 1
    assert before[4] - after[4] == {row.storage_key}


def test_a_refused_submission_leaves_the_upload_for_the_next_try(
    app: Flask, sd: SubmissionData, login_as: Callable[[str], FlaskClient]
) -> None:
    c = login_as(sd.client_user)
    body = _upload(c).get_json()
    before = _state(app)
    bad = _submit(c, _message(_formio_value(body), subject=""))
    assert bad.status_code == 422 and set(bad.get_json()["errors"]) == {"subject"}
    assert _state(app) == before
    assert _submit(c, _message(_formio_value(body))).status_code == 201


def test_a_token_taken_by_another_transaction_is_refused(
    app: Flask, sd: SubmissionData, login_as: Callable[[str], FlaskClient],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Two submissions racing for one token: the one whose DELETE finds no row gets a 422."""
    c = login_as(sd.client_user)
    body = _upload(c).get_json()
    real_consume = uploads.consume

    def raced(session: Any, upload: PendingUpload) -> None:
        # As if the other submission had taken the row between our claim and our consume.
        session.execute(PendingUpload.__table__.delete().where(
            PendingUpload.__table__.c.id == upload.id))
        real_consume(session, upload)

    monkeypatch.setattr(uploads, "consume", raced)
    before = _state(app)
    resp = _submit(c, _message(_formio_value(body)))
    assert resp.status_code == 422 and "attachments" in resp.get_json()["errors"]
    assert _state(app) == before  # rolled back: no submission, no attachment, no use


# --- clean-up --------------------------------------------------------------------------------


def _expire_all(app: Flask) -> None:
    from portal.extensions import db

    with app.app_context():
        db.session.execute(update(PendingUpload).values(
            expires_at=utcnow() - dt.timedelta(seconds=1)))
        db.session.commit()
        db.session.remove()


def test_the_celery_task_and_the_cli_remove_expired_uploads(
    app: Flask, sd: SubmissionData, login_as: Callable[[str], FlaskClient]
) -> None:
    from portal.extensions import celery_app

    c = login_as(sd.client_user)
    keep_url = _upload(c).get_json()["url"]
    _expire_all(app)
    fresh_url = _upload(c).get_json()["url"]  # not expired: stays
    before = _state(app)
    saved = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = True
    try:
        assert jobs.remove_expired_uploads.delay().get(timeout=10) == 1
    finally:
        celery_app.conf.task_always_eager = saved
    assert _state(app)[0] == before[0] - 1
    assert _pending(app, keep_url) is None and _pending(app, fresh_url) is not None
    assert "portal.jobs.remove_expired_uploads" in {
        entry["task"] for entry in celery_app.conf.beat_schedule.values()}

    _upload(c)
    _expire_all(app)
    result = app.test_cli_runner().invoke(args=["plus", "remove-expired-uploads"])
    assert result.exit_code == 0, result.output
    assert "Removed 2 expired pending uploads." in result.output
    assert _state(app)[0] == before[0] - 2


# --- CSRF, as in production ------------------------------------------------------------------


@pytest.fixture(scope="module")
def csrf_app(app: Flask, tmp_root: Path) -> Iterator[Flask]:
    from portal import create_app
    from portal.tasks import init_celery

    application = create_app(base_config(tmp_root, WTF_CSRF_ENABLED=True))
    application.config["BASE_DATA"] = app.config["BASE_DATA"]
    yield application
    init_celery(app)  # the shared Celery app belongs to the session's app again


def test_uploads_need_the_csrf_header(app: Flask, csrf_app: Flask, sd: SubmissionData) -> None:
    c = csrf_app.test_client()
    page = c.get("/portal/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
    resp = c.post("/portal/login", data={"username": sd.client_user, "password": PASSWORD,
                                         "csrf_token": token})
    assert resp.status_code in (302, 303)
    page = c.get(f"/portal/forms/{FORM}/js").get_data(as_text=True)
    header = re.search(r'"csrf_token": "([^"]+)"', page).group(1)
    before = _state(app)
    assert _upload(c).status_code == 400
    assert _state(app) == before
    made = _upload(c, headers={"X-CSRFToken": header})
    assert made.status_code == 201
    url = made.get_json()["url"]
    assert c.delete(url).status_code == 400
    assert c.delete(url, headers={"X-CSRFToken": header}).status_code == 200
