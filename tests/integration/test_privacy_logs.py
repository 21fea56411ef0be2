"""No personal codes, typed search terms or secrets in any log (issue: data protection).

Representative flows of the suite run with every logger at DEBUG captured (formatted, with
tracebacks): officer screens (search by personal code, a list filtered by it, a duplicate
personal code), the REST API (a token login and a duplicate client, which fails in the
database), the portal (an invitation link and its acceptance, the partner pages), a failing
insert logged with its traceback, and requests to real servers (Werkzeug's and gunicorn's
access logs). The captured text must hold no personal-code pattern and none of the tokens.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import re
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests
from flask import Flask

from portal.services.access import Role
from tests.conftest import DATABASE_URL
from tests.factories import PASSWORD, USERNAMES, new_code
from tests.integration.portal_fixtures import USERNAMES as P
from tests.integration.portal_fixtures import portal_data, portal_login

# A code stands alone: not the digits of a longer number such as Celery's
# "succeeded in 0.0415605689…s", which matched by chance now and then.
PERSONAL_CODE = re.compile(r"(?<![\d.])\d{6}-?\d{5}(?!\d)")


class _Capture(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.setFormatter(logging.Formatter("%(name)s %(levelname)s %(message)s"))
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(self.format(record))

    @property
    def text(self) -> str:
        return "\n".join(self.lines)


@pytest.fixture()
def captured() -> Iterator[_Capture]:
    """Every logger at DEBUG, into one handler on the root logger."""
    handler = _Capture()
    root = logging.getLogger()
    saved = {name: (lg.level, lg.propagate, lg.disabled)
             for name, lg in logging.root.manager.loggerDict.items()
             if isinstance(lg, logging.Logger)}
    root_level = root.level
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)
    for name in saved:
        lg = logging.getLogger(name)
        lg.setLevel(logging.NOTSET)
        lg.propagate = True
        lg.disabled = False
    try:
        yield handler
    finally:
        root.removeHandler(handler)
        root.setLevel(root_level)
        for name, (level, propagate, disabled) in saved.items():
            lg = logging.getLogger(name)
            lg.setLevel(level)
            lg.propagate = propagate
            lg.disabled = disabled


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _client_form(code: str, surname: str) -> dict[str, str]:
    return {"given_name": "Logs", "surname": surname, "personal_code": code,
            "birth_date": "1990-05-17", "gender": "male", "address": "", "phone": "",
            "email": "", "preferred_language": "lv"}


def _secrets_in(text: str, secrets: list[str]) -> list[str]:
    hits = [text[max(0, m.start() - 80):m.end() + 20] for m in PERSONAL_CODE.finditer(text)]
    hits += [s for s in secrets if s and s in text]
    return hits


def test_flows_log_no_personal_code_or_secret(app: Flask, login_as: Any,
                                             captured: _Capture) -> None:
    from portal.extensions import db
    from portal.models import Client

    base = app.config["BASE_DATA"]
    with app.app_context():
        own = db.session.get(Client, base.own.client)
        code = own.personal_code
    secrets: list[str] = []

    # Officer: search by personal code (posted and, as old links do, in the URL), a list
    # filtered by it, a duplicate personal code on the screen.
    officer = login_as(Role.OFFICER)
    assert officer.post("/search/", data={"q": code}).status_code == 200
    assert officer.get("/search/", query_string={"q": code}).status_code == 200
    assert officer.get("/clientview/list/", query_string={
        "_flt_0_personal_code": code}).status_code == 200
    officer.post("/clientview/add", data=_client_form(code, "Dublikāts"))

    # API: a token login, reads, and a duplicate personal code (refused by the database).
    api = app.test_client()
    login = api.post("/api/v1/security/login", json={
        "username": USERNAMES[Role.OFFICER], "password": PASSWORD, "provider": "db"})
    headers = {}
    if login.status_code == 200:
        token = login.get_json()["access_token"]
        secrets.append(token)
        headers = {"Authorization": f"Bearer {token}"}
    api_officer = login_as(Role.OFFICER)
    api_officer.get(f"/api/v1/client/?q=(filters:!((col:personal_code,opr:eq,value:'{code}')))",
                    headers=headers)
    resp = api_officer.post("/api/v1/client/", json={
        "given_name": "Dubults", "surname": "Kods", "personal_code": code,
        "birth_date": "1990-05-17", "gender": "male", "preferred_language": "lv",
        "e_address_active": False})
    # Refused by the database (500 until the duplicate is answered 422, another branch).
    assert resp.status_code >= 400, resp.get_data(as_text=True)
    fresh = new_code(dt.date(1985, 3, 4))
    created = api_officer.post("/api/v1/client/", json={
        "given_name": "Jauns", "surname": "Klients", "personal_code": fresh,
        "birth_date": "1985-03-04", "gender": "female", "preferred_language": "lv",
        "e_address_active": False})
    assert created.status_code == 201, created.get_data(as_text=True)

    # Portal: an invitation link, its page and the password set through it; partner pages.
    data = portal_data(app)
    manager = login_as(Role.UNIT_MANAGER)
    page = manager.post(f"/portal-accounts/{data.users[P['employer1']]}/invite").get_data(
        as_text=True)
    match = re.search(r"/portal/invite/([\w-]+)", page)
    assert match, "no invitation link on the page"
    invite_token = match.group(1)
    secrets.append(invite_token)
    visitor = app.test_client()
    assert visitor.get(f"/portal/invite/{invite_token}").status_code == 200
    visitor.post(f"/portal/invite/{invite_token}", data={
        "password": PASSWORD, "confirm": PASSWORD})
    employer = portal_login(app, P["employer1"])
    employer.get("/portal/clients")
    employer.get(f"/portal/clients/{data.case_p.client}")

    # A failing insert, logged with its traceback as an error handler would.
    from sqlalchemy.exc import IntegrityError

    with app.app_context():
        db.session.add(Client(given_name="Dubults", surname="Divi", personal_code=code,
                              birth_date=dt.date(1990, 5, 17), gender=own.gender))
        try:
            db.session.commit()
        except IntegrityError:
            db.session.rollback()
            logging.getLogger("portal.test").exception("insert failed")
        else:  # pragma: no cover - the unique constraint must refuse it
            pytest.fail("duplicate personal code stored")

    # Werkzeug's access log, from a real server.
    from werkzeug.serving import make_server

    port = _free_port()
    server = make_server("127.0.0.1", port, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        requests.get(f"http://127.0.0.1:{port}/search/", params={"q": code}, timeout=10)
        requests.get(f"http://127.0.0.1:{port}/portal/invite/{invite_token}", timeout=10)
        requests.get(f"http://127.0.0.1:{port}/clientview/list/",
                     params={"_flt_0_personal_code": code}, timeout=10)
    finally:
        server.shutdown()
        thread.join(5)

    text = captured.text
    assert "werkzeug" in text and "/portal/invite/" in text  # the access log was captured
    assert "[redacted]" in text  # ... and had something to hide
    assert code.replace("-", "") not in text.replace("-", "")
    assert not _secrets_in(text, secrets), _secrets_in(text, secrets)[:5]


def test_gunicorn_access_log_has_no_personal_code_or_token(app: Flask, tmp_path: Path) -> None:
    """gunicorn's own access log, written by a real gunicorn serving PLUS."""
    code = "170590-12345"
    token = "Zx9" + "q" * 29
    port = _free_port()
    env = {**os.environ, "DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"]
           if not DATABASE_URL else DATABASE_URL, "PLUS_INSTANCE_DIR": str(tmp_path),
           "SECRET_KEY": "gunicorn-log-test-secret", "REDIS_URL": os.environ.get("REDIS_URL", "")}
    log_file = tmp_path / "gunicorn.log"
    proc = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "--bind", f"127.0.0.1:{port}", "--workers", "1",
         "--access-logfile", "-", "--error-logfile", "-", "--log-level", "debug", "run:app"],
        cwd=str(Path(__file__).resolve().parents[2]), env=env,
        stdout=log_file.open("wb"), stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                requests.get(f"http://127.0.0.1:{port}/login/", timeout=20)
                break
            except requests.RequestException:
                if time.monotonic() > deadline or proc.poll() is not None:
                    pytest.fail("gunicorn did not answer: "
                                + log_file.read_text(errors="replace")[-2000:])
                time.sleep(0.2)
        requests.get(f"http://127.0.0.1:{port}/search/", params={"q": code}, timeout=10)
        requests.get(f"http://127.0.0.1:{port}/portal/invite/{token}", timeout=10)
        requests.get(f"http://127.0.0.1:{port}/api/v1/client/",
                     headers={"Authorization": f"Bearer {token}"}, timeout=10)
    finally:
        proc.terminate()
        proc.wait(10)
    text = log_file.read_text(errors="replace")
    assert "/portal/invite/" in text, text[-2000:]  # the access log is there
    assert not _secrets_in(text, [token]), _secrets_in(text, [token])
