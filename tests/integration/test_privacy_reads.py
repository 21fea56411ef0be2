"""Every human read of personal data is in the access log (issue: data protection).

Walks every officer screen of a scoped model (list, show, edit form), the case page, the
search (by name and by personal code), the case export, the worklist, the inbox, the REST API
(clients and cases, lists and single rows), the audit trail, a person's data export and the
portal pages of clients, employers and volunteers; after each, the access log must hold a row
by that user for the client whose data the page showed. A last test makes sure no GET route
escapes the walk: each is walked here or named as showing no personal data.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from portal.services.access import Role
from tests.factories import PASSWORD, USERNAMES
from tests.integration.portal_fixtures import USERNAMES as P
from tests.integration.portal_fixtures import portal_data, portal_login
from tests.integration.test_access_matrix import CASE_RECORD_FIELD, screens

MANAGER = Role.UNIT_MANAGER


def _marker(app: Flask) -> int:
    from portal.extensions import db
    from portal.models import AccessLog

    with app.app_context():
        return db.session.execute(select(func.coalesce(func.max(AccessLog.id), 0))).scalar_one()


def _rows_since(app: Flask, marker: int) -> list[tuple[int, int | None, int | None, str, str]]:
    from portal.extensions import db
    from portal.models import AccessLog

    with app.app_context():
        return [tuple(r) for r in db.session.execute(
            select(AccessLog.user_id, AccessLog.client_id, AccessLog.case_id, AccessLog.action,
                   AccessLog.remote_addr).where(AccessLog.id > marker)
        )]


def assert_logged(app: Flask, marker: int, user_id: int, client_id: int | None,
                  action: str | None = None) -> None:
    rows = _rows_since(app, marker)
    mine = [r for r in rows if r[0] == user_id]
    assert mine, f"no access-log row for user {user_id} (rows: {rows})"
    if client_id is not None:
        assert any(r[1] == client_id for r in mine), f"client {client_id} not logged: {mine}"
    if action is not None:
        assert any(r[3] == action for r in mine), f"no {action!r} row: {mine}"
    assert all(r[4] for r in mine), "the address is missing"


@pytest.fixture(scope="module")
def staff(app: Flask) -> Callable[[str], FlaskClient]:
    cache: dict[str, FlaskClient] = {}

    def client_for(role: str) -> FlaskClient:
        if role not in cache:
            c = app.test_client()
            resp = c.post("/login/", data={"username": USERNAMES[role], "password": PASSWORD})
            assert resp.status_code in (302, 303)
            cache[role] = c
        return cache[role]

    return client_for


def _own_id(app: Flask, model: str) -> int:
    base = app.config["BASE_DATA"]
    if model == "ChangeLog":
        from portal.extensions import db
        from portal.models import ChangeLog

        with app.app_context():
            return db.session.execute(
                select(ChangeLog.id).where(ChangeLog.case_id == base.own.case)
                .order_by(ChangeLog.id)).scalars().first()
    return getattr(base.own, CASE_RECORD_FIELD[model])


# The rooms screen is scoped (a unit's rooms) but holds no person's data.
SCOPED = [s for s in screens() if s.scoped and s.name not in ("AccessLogView", "RoomView")]
# Reads the screen names itself (``audit.record_access``) instead of by its endpoint.
NAMED = {"CaseView.show": "case.show", "ClientView.show": "client.show"}


@pytest.mark.parametrize("action", ["list", "show", "edit"])
@pytest.mark.parametrize("screen", SCOPED, ids=str)
def test_every_screen_read_is_logged(app: Flask, staff: Any, screen: Any, action: str) -> None:
    base = app.config["BASE_DATA"]
    if action == "edit" and "can_edit" not in screen.permissions:
        pytest.skip("read-only screen")
    marker = _marker(app)
    if action == "list":
        resp = staff(MANAGER).get(f"{screen.route}/list/")
        client_id = None  # the newest rows of the unit, whoever they belong to
    else:
        resp = staff(MANAGER).get(f"{screen.route}/{action}/{_own_id(app, screen.model)}")
        client_id = base.own.client
    assert resp.status_code == 200, resp.status_code
    endpoint = f"{screen.name}.{action}"
    assert_logged(app, marker, base.users[MANAGER], client_id, NAMED.get(endpoint, endpoint))


def test_client_list_logs_each_listed_client(app: Flask, staff: Any) -> None:
    base = app.config["BASE_DATA"]
    marker = _marker(app)
    body = staff(Role.OFFICER).get("/clientview/list/?psize_ClientView=100").get_data(
        as_text=True)
    rows = [r for r in _rows_since(app, marker) if r[3] == "ClientView.list"]
    listed = {r[1] for r in rows}
    # The page holds the unit's first 100 clients (other tests add clients to the unit).
    assert listed and base.foreign.client not in listed
    from portal.extensions import db
    from portal.models import Client

    with app.app_context():
        codes = db.session.execute(select(Client.id, Client.personal_code)
                                   .where(Client.id.in_(listed))).all()
    assert all(code in body for _id, code in codes)  # one row per client the page showed
    assert len(rows) == len(listed)  # and one insert's worth, no duplicates


def test_case_page_search_export_and_worklist(app: Flask, staff: Any) -> None:
    from portal.extensions import db
    from portal.models import Client

    base = app.config["BASE_DATA"]
    officer = staff(Role.OFFICER)
    uid = base.users[Role.OFFICER]
    with app.app_context():
        client = db.session.get(Client, base.own.client)
        code, surname = client.personal_code, client.surname

    marker = _marker(app)
    assert officer.get(f"/caseview/show/{base.own.case}").status_code == 200
    assert_logged(app, marker, uid, base.own.client, "case.show")

    marker = _marker(app)
    resp = officer.post("/search/", data={"q": code})
    assert resp.status_code == 200 and surname in resp.get_data(as_text=True)
    assert_logged(app, marker, uid, base.own.client, "SearchView.index")

    marker = _marker(app)
    assert officer.get("/search/", query_string={"q": surname}).status_code == 200
    assert_logged(app, marker, uid, base.own.client, "SearchView.index")

    marker = _marker(app)
    assert officer.get("/caseview/export.csv").status_code == 200
    assert_logged(app, marker, uid, None, "case.export")

    marker = _marker(app)
    assert officer.get("/worklist/").status_code == 200
    assert_logged(app, marker, uid, base.own.client, "WorklistView.index")


def test_picker_reads_are_logged(app: Flask, staff: Any) -> None:
    """The case and client pickers name clients as the officer types."""
    from portal.extensions import db
    from portal.models import Client
    from tests.factories import make_case

    base = app.config["BASE_DATA"]
    officer = staff(Role.OFFICER)
    uid = base.users[Role.OFFICER]
    # A client of a name of their own: the pickers show the newest 20 matches, and other
    # modules' clients share the base client's name.
    surname = f"Picker{uuid.uuid4().hex[:8]}"
    with app.app_context():
        records = make_case(db.session, unit_id=base.unit_a, officer_id=uid,
                            mediator_id=None, employer_id=base.employer)
        db.session.get(Client, records.client).surname = surname
        db.session.commit()
        db.session.remove()
    for path in ("/picker/cases", "/picker/clients"):
        marker = _marker(app)
        resp = officer.get(path, query_string={"q": surname})
        assert resp.status_code == 200 and resp.get_json()["results"]
        assert_logged(app, marker, uid, records.client)


def test_api_reads_are_logged(app: Flask, staff: Any) -> None:
    base = app.config["BASE_DATA"]
    officer = staff(Role.OFFICER)
    uid = base.users[Role.OFFICER]
    for path, client_id in (
        ("/api/v1/client/", None),
        (f"/api/v1/client/{base.own.client}", base.own.client),
        ("/api/v1/case/", None),
        (f"/api/v1/case/{base.own.case}", base.own.client),
        ("/api/v1/meeting/", None),
        (f"/api/v1/meeting/{base.own.meeting}", base.own.client),
        ("/api/v1/mediation_session/", None),
        (f"/api/v1/mediation_session/{base.own.mediation_session}", base.own.client),
    ):
        marker = _marker(app)
        resp = officer.get(path)
        assert resp.status_code == 200, (path, resp.status_code)
        assert_logged(app, marker, uid, client_id)


def test_api_reads_with_a_token_are_logged(app: Flask) -> None:
    base = app.config["BASE_DATA"]
    c = app.test_client()
    token = c.post("/api/v1/security/login", json={
        "username": USERNAMES[Role.OFFICER], "password": PASSWORD, "provider": "db"})
    if token.status_code == 404:
        pytest.skip("the security API is off")
    access = token.get_json()["access_token"]
    marker = _marker(app)
    resp = c.get(f"/api/v1/client/{base.own.client}",
                 headers={"Authorization": f"Bearer {access}"})
    assert resp.status_code == 200
    assert_logged(app, marker, base.users[Role.OFFICER], base.own.client)


def _submission(app: Flask, client_id: int, case_id: int, user_id: int) -> int:
    from portal.extensions import db
    from portal.models import Audience, Submission
    from portal.services.intake import forms
    from tests.integration.submission_data import load_forms

    base = app.config["BASE_DATA"]
    with app.app_context():
        load_forms(db.session)
        _definition, version = forms.published(db.session, "message_to_officer")
        sub = Submission(version_id=version.id, submitted_by_id=user_id,
                         idempotency_key=uuid.uuid4().hex, audience=Audience.CLIENT,
                         client_id=client_id, case_id=case_id, unit_id=base.unit_a,
                         data={"message": "Labdien"})
        db.session.add(sub)
        db.session.commit()
        return sub.id


def test_inbox_reads_are_logged(app: Flask, staff: Any) -> None:
    base = app.config["BASE_DATA"]
    sub_id = _submission(app, base.own.client, base.own.case, base.users[Role.CLIENT])
    officer = staff(Role.OFFICER)
    uid = base.users[Role.OFFICER]
    marker = _marker(app)
    assert officer.get("/inbox/").status_code == 200
    assert_logged(app, marker, uid, base.own.client, "InboxView.index")
    marker = _marker(app)
    assert officer.get(f"/inbox/{sub_id}").status_code == 200
    assert_logged(app, marker, uid, base.own.client, "submission.show")


def test_portal_reads_are_logged(app: Flask) -> None:
    data = portal_data(app)
    client_p = data.case_p.client
    pages = {
        P["client_p"]: ["/portal/my-data", f"/portal/documents/{data.shared_doc_p}"],
        P["employer1"]: ["/portal/clients", f"/portal/clients/{client_p}",
                         f"/portal/forms/no_show?client={data.case_p.assignment}"],
        P["volunteer1"]: ["/portal/clients", f"/portal/clients/{client_p}"],
    }
    for username, paths in pages.items():
        c = portal_login(app, username)
        for path in paths:
            marker = _marker(app)
            resp = c.get(path)
            assert resp.status_code == 200, (username, path, resp.status_code)
            assert_logged(app, marker, data.users[username], client_p)


def test_audit_trail_and_data_export_reads_are_logged(app: Flask, staff: Any) -> None:
    base = app.config["BASE_DATA"]
    marker = _marker(app)
    resp = staff(MANAGER).get(f"/audit-trail/?client={base.own.client}")
    assert resp.status_code == 200
    assert_logged(app, marker, base.users[MANAGER], base.own.client, "AuditTrailView.index")
    for suffix in ("json", "pdf"):
        marker = _marker(app)
        resp = staff(Role.ADMIN).get(f"/data-export/{base.own.client}.{suffix}")
        assert resp.status_code == 200
        assert_logged(app, marker, base.users[Role.ADMIN], base.own.client,
                      "privacy.data_export")


def _query_about(app: Flask, client_id: int, status: str, unit_id: int) -> int:
    """A registry query about a client, stored as answered (or failed) without a registry."""
    from portal.extensions import db
    from portal.models import Direction, ExchangeMessage, ExchangeStatus

    with app.app_context():
        message = ExchangeMessage(
            connector="vid", system="VID", direction=Direction.QUERY, kind="registry_query",
            idempotency_key=f"test-read:{uuid.uuid4().hex}",
            payload={"personal_code": "-", "purpose": "supervision"},
            status=ExchangeStatus(status), attempts=1, client_id=client_id, unit_id=unit_id,
            response={"data": {"employed": True, "employer": "SIA Būvnieks",
                               "income_types": ["alga"]}} if status == "sent" else None,
            last_error=None if status == "sent" else "VID answered 500",
        )
        db.session.add(message)
        db.session.commit()
        return message.id


def test_exchange_screens_reads_are_logged(app: Flask, staff: Any) -> None:
    """The registry screens, an inbound message and the admins' connectors screen."""
    from portal.extensions import db
    from portal.models import Direction, ExchangeMessage, ExchangeStatus, RegistryBulkQuery

    base = app.config["BASE_DATA"]
    officer, uid = staff(Role.OFFICER), base.users[Role.OFFICER]
    answered = _query_about(app, base.own.client, "sent", base.unit_a)
    _query_about(app, base.own.client, "failed", base.unit_a)

    marker = _marker(app)
    assert officer.get(f"/registry/client/{base.own.client}").status_code == 200
    assert_logged(app, marker, uid, base.own.client, "RegistryQueryView.client")

    marker = _marker(app)
    assert officer.get(f"/registry/answer/{answered}").status_code == 200
    assert_logged(app, marker, uid, base.own.client, "RegistryQueryView.answer")

    with app.app_context():
        run = RegistryBulkQuery(connector="vid", purpose="supervision", unit_id=base.unit_a,
                                client_ids=[base.own.client], total=1,
                                started_by_id=base.users[MANAGER])
        db.session.add(run)
        db.session.flush()
        db.session.get(ExchangeMessage, answered).correlation_id = f"bulk:{run.id}"
        db.session.commit()
        run_id = run.id
    marker = _marker(app)
    assert staff(MANAGER).get(f"/registry/bulk/{run_id}").status_code == 200
    assert_logged(app, marker, base.users[MANAGER], base.own.client, "RegistryQueryView.bulk_show")

    with app.app_context():
        inbound = ExchangeMessage(
            connector="tis", system="TIS", direction=Direction.INBOUND, kind="judgment",
            idempotency_key=f"tis:test-read-{uuid.uuid4().hex}", payload={"decision": {}},
            status=ExchangeStatus.APPLIED, attempts=0, client_id=base.own.client,
            case_id=base.own.case, unit_id=base.unit_a)
        db.session.add(inbound)
        db.session.commit()
        inbound_id = inbound.id
    marker = _marker(app)
    assert officer.get(f"/inbox/exchange/{inbound_id}").status_code == 200
    assert_logged(app, marker, uid, base.own.client, "exchange.show")

    # The admins' screen lists the failed query (its client's message): a read of them.
    marker = _marker(app)
    assert staff(Role.ADMIN).get("/exchanges/").status_code == 200
    assert_logged(app, marker, base.users[Role.ADMIN], base.own.client, "ExchangeAdminView.index")


def test_a_failed_request_logs_nothing(app: Flask, staff: Any) -> None:
    base = app.config["BASE_DATA"]
    marker = _marker(app)
    assert staff(Role.OFFICER).get(f"/clientview/show/{base.foreign.client}").status_code == 404
    assert not [r for r in _rows_since(app, marker) if r[0] == base.users[Role.OFFICER]]


# Routes that show no client's personal data, with why. Anything else must be walked above.
NOT_PERSONAL = {
    "static", "appbuilder.static", "portal.static", "UtilView.back", "LocaleView.index",
    "portal.set_language", "AuthDBView.login", "AuthDBView.logout", "portal.login",
    "portal.invite", "portal.home", "portal.form_list", "OpenApi.get", "SwaggerView.show",
    "MenuApi.get_menu_data", "SubmissionApi.get_form", "SubmissionApi.pending_file",
    "StatisticsView.index", "UsageView.index", "UsageView.csv",  # aggregates only
    "PlusIndexView.index",  # redirects to the worklist (walked)
    "ResetMyPasswordView.this_form_get", "ResetPasswordView.this_form_get",
    "UserInfoEditView.this_form_get", "UserStatsChartView.chart",
    "RetentionView.index", "RetentionView.show",  # ids, case numbers and counts only
    "DataExportView.index",  # the form; the found person is shown after a POST
    "PortalAccountView.index", "PortalAccountView.new",
    # Aggregates under the small-cell rule, published open data and its metadata.
    "DashboardView.index", "DashboardView.data", "DashboardView.csv", "OpenDataView.index",
    "OpenDataView.metadata", "opendata.catalogue_index", "opendata.dataset_metadata",
    "opendata.published_file",
    "DocumentTemplateView.index", "DocumentTemplateView.edit",  # templates, no case data
    "CalendarView.index",  # rooms, staff and volunteer mediators with busy times, no case
    "portal.saml_metadata",  # the portal's SAML metadata
    "portal.saml_choose",  # the person's own accounts, as on portal.home
    "RegistryQueryView.bulk_new",  # the form: registries, purposes, units
    "RegistryQueryView.bulk_progress",  # counts of a bulk query only
    # People and units: case numbers, functions, units, officers and counts, no client data.
    "CaseTransferView.index", "CaseTransferView.request_form", "OfficerCoverView.index",
    "CaseloadView.index", "SuitableWorkView.index",  # case number, employers and works
}
# Screens that show personal data and are NOT yet walked here (none at the moment).
NOT_YET_WALKED: set[str] = set()
# FAB's generic routes: ``action`` and ``download`` (switched off), ``delete`` (a write),
# ``add`` (an empty form; its pickers are covered by the ORM hook like any read).
NOT_READS = ("action", "download", "delete", "add")
# Screens of FAB's security, forms administration and reference data (no client data).
NOT_PERSONAL_VIEWS = {
    "UserGroupModelView", "PermissionModelView", "PermissionViewModelView", "RoleModelView",
    "ViewMenuModelView", "PlusUserDBModelView", "FormAdminView", "EmployerView",
    "VolunteerView", "VacancyView", "PriorityWorkView", "AccessLogView", "RoomView",
    "ObligationTypeView", "AssessmentItemView",  # the supervision catalogues
}
WALKED = {
    *(f"{s.name}.{a}" for s in SCOPED for a in ("list", "show", "edit")),
    "CaseView.export_csv", "SearchView.index", "WorklistView.index", "InboxView.index",
    "InboxView.show", "InboxView.attachment", "DocumentView.download",
    "ClientApi.get_list", "ClientApi.get", "CaseApi.get_list", "CaseApi.get",
    "ClientApi.info", "CaseApi.info",  # relation choices: rows through the ORM hook
    "MeetingApi.get_list", "MeetingApi.get", "MediationSessionApi.get_list",
    "MediationSessionApi.get", "MeetingApi.info", "MediationSessionApi.info",
    "SubmissionApi.mine", "portal.my_data", "portal.document", "portal.clients",
    "portal.client", "portal.form_page", "portal.form_js", "portal.submissions_list",
    "portal.submission", "AuditTrailView.index", "AuditTrailView.csv", "DataExportView.json",
    "DataExportView.pdf", "PickerView.cases", "PickerView.clients",
    "RegistryQueryView.client", "RegistryQueryView.answer", "RegistryQueryView.bulk_show",
    "InboxView.exchange", "ExchangeAdminView.index",
    # test_supervision_step_pages_are_logged
    "SupervisionStepsView.compliance", "SupervisionStepsView.respond",
    "SupervisionStepsView.assess", "SupervisionStepsView.close",
    "SupervisionPlanStepsView.goal", "SupervisionPlanStepsView.progress",
    "SupervisionPlanStepsView.start",
}


def test_supervision_step_pages_are_logged(app: Flask, staff: Any) -> None:
    from portal.extensions import db
    from portal.models import Case, CaseFunction
    from tests.factories import make_case

    base = app.config["BASE_DATA"]
    with app.app_context():
        records = make_case(db.session, unit_id=base.unit_a, officer_id=base.users[Role.OFFICER],
                            mediator_id=None, employer_id=base.employer)
        db.session.get(Case, records.case).function = CaseFunction.PROBATION_SUPERVISION
        db.session.commit()
        db.session.remove()
    pages = {
        f"/supervision/meeting/{records.meeting}/compliance": "supervision.compliance",
        f"/supervision/violation/{records.violation}/respond": "supervision.respond",
        f"/supervision/case/{records.case}/assess": "supervision.assess",
        f"/supervision/case/{records.case}/close": "supervision.close",
        f"/supervision-plan/plan/{records.plan}/goal": "supervision.plan_goal",
        f"/supervision-plan/meeting/{records.meeting}/progress": "supervision.plan_progress",
        f"/supervision-plan/case/{records.case}/start": "supervision.start",
    }
    for path, action in pages.items():
        marker = _marker(app)
        resp = staff(MANAGER).get(path)
        assert resp.status_code == 200, (path, resp.status_code)
        assert_logged(app, marker, base.users[MANAGER], records.client, action)


def test_every_get_route_is_walked_or_shows_no_personal_data(app: Flask) -> None:
    unknown = []
    for rule in app.url_map.iter_rules():
        if "GET" not in (rule.methods or ()):
            continue
        endpoint = rule.endpoint
        view, _dot, method = endpoint.partition(".")
        if endpoint in WALKED or endpoint in NOT_PERSONAL or view in NOT_PERSONAL_VIEWS:
            continue
        if endpoint in NOT_YET_WALKED:
            continue
        if method in NOT_READS:
            continue
        unknown.append(f"{rule.rule} ({endpoint})")
    assert not unknown, (
        "GET routes neither walked by this test nor named as showing no personal data: "
        + ", ".join(sorted(unknown)))
