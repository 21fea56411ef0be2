"""The access-control matrix: every role × every officer screen × action × record.

The screens are found in ``app.appbuilder.baseviews`` (every registered ``ScopedModelView``),
so a new screen joins the matrix by itself. Each cell is checked against ``expected_status``,
which is written from the rules in the docstring of ``portal.services.access``, not from the
code that implements them:

* Admin sees and edits everything.
* UnitManager (unit A) sees and edits every case of unit A.
* Officer (unit A) sees unit A's cases and edits the ones assigned to them (the 'own' case).
* Officer2 (unit A) is not assigned the own case but mediates it: sees it, edits nothing of
  it, and is the only officer who sees its mediation victim.
* Analyst, FormAdmin and the portal roles reach no case screen at all (FAB answers 403 to a
  logged-in user without the permission).
* A row outside the user's scope answers 404 on show, edit and delete; a visible row the user
  may not change answers 403 on edit and delete.
* A mediation victim (and its change history) is visible only to Admin, the unit manager and
  the mediator.
* Reference data (employers, volunteers, vacancies, priority works) belongs to no case: every
  case worker may see and edit it.

Lists must show the own row exactly when it is visible and never the foreign one; every page a
unit A user gets must be free of the foreign case's data (row links, but also relation pickers
and search filters), and an Officer's pages free of the victim's.

Reads use the base data. Writes (edit POST, delete) never touch it: denied writes go to a
fresh case set shared by this module (and must leave it unchanged), allowed deletes get a
fresh record each, allowed edits re-post the form the user was shown.
"""

from __future__ import annotations

import csv
import datetime as dt
import functools
import io
import itertools
import tempfile
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import UniqueConstraint, func, inspect, select

from portal.services.access import Role
from tests.factories import PASSWORD, USERNAMES, CaseRecords, make_case

OFFICER2 = "Officer2"
ROLES = (
    Role.ADMIN,
    Role.UNIT_MANAGER,
    Role.OFFICER,
    OFFICER2,
    Role.ANALYST,
    Role.FORM_ADMIN,
    Role.EMPLOYER,
    Role.VOLUNTEER,
    Role.CLIENT,
)
#: case workers of unit A (the unit of the 'own' case)
UNIT_A_STAFF = (Role.UNIT_MANAGER, Role.OFFICER, OFFICER2)
#: screens no case worker but the administrator reaches
ADMIN_ONLY_SCREENS = {"AccessLogView", "ObligationTypeView", "AssessmentItemView"}
#: screens of the unit manager (and the administrator) only: the unit's rooms
MANAGER_SCREENS = {"RoomView"}
#: FAB's answer to a logged-in user without the screen permission
NO_SCREEN = 403

#: the CaseRecords field holding each scoped model's row ('own' in base.own, 'foreign' in
#: base.foreign); a new scoped screen must be added here (the matrix fails until it is)
CASE_RECORD_FIELD = {
    "Client": "client",
    "Case": "case",
    "Decision": "decision",
    "WorkAssignment": "assignment",
    "WorkScheduleEntry": "schedule",
    "HoursLog": "hours",
    "ControlAct": "control_act",
    "NoShow": "no_show",
    "WorkIncident": "incident",
    "SupervisionPlan": "plan",
    "Obligation": "obligation",
    "Meeting": "meeting",
    "Violation": "violation",
    "RiskNeedsAssessment": "assessment",
    "ProgrammeParticipation": "programme",
    "Mediation": "mediation",
    "MediationParty": "offender",
    "MediationSession": "mediation_session",
    "EvaluationReportRequest": "request",
    "EvaluationReport": "report",
    "Document": "document",
    "MeetingObligationCheck": "compliance",
    "ViolationResponse": "response",
    "CaseDecision": "case_decision",
    "PlanGoal": "goal",
    "PlanActivity": "activity",
    "MeetingGoalProgress": "goal_progress",
    "SupervisionStart": "supervision_start",
    "EvaluationReportVersion": "report_version",
    "MediationTerm": "mediation_term",
}
#: models with a 'victim' row besides own and foreign
VICTIM_MODELS = {"MediationParty", "ChangeLog"}

ACTION_PERMISSION = {
    "list": "can_list",
    "add_get": "can_add",
    "export": "can_export_csv",
    "show": "can_show",
    "edit_get": "can_edit",
    "edit_post": "can_edit",
    "delete": "can_delete",
}


# --- the screens, found in a registered app ------------------------------------------------


@dataclass(frozen=True)
class Screen:
    """What the matrix needs to know about one registered ScopedModelView."""

    name: str
    route: str
    model: str
    permissions: frozenset[str]
    scoped: bool
    export: bool

    def __str__(self) -> str:
        return self.name


def screens_of(app: Flask) -> tuple[Screen, ...]:
    """Every ScopedModelView registered in ``app``, in registration order."""
    from portal.services import access
    from portal.views.base import ScopedModelView

    found = []
    for view in app.appbuilder.baseviews:
        if not isinstance(view, ScopedModelView):
            continue
        model = view.datamodel.obj
        found.append(
            Screen(
                name=type(view).__name__,
                route=view.route_base,
                model=model.__name__,
                permissions=frozenset(view.base_permissions),
                scoped=access.has_rule(model),
                export="can_export_csv" in view.base_permissions,
            )
        )
    return tuple(found)


@functools.cache
def screens() -> tuple[Screen, ...]:
    """The screens of an app built at collection time (parametrize needs them before fixtures).

    The app never opens its in-memory database; ``test_matrix_covers_every_screen`` checks
    that the session's app registers the same screens.
    """
    from portal import create_app
    from tests.conftest import base_config

    tmp = Path(tempfile.gettempdir()) / "plus-matrix-discovery"
    app = create_app(base_config(tmp, SQLALCHEMY_DATABASE_URI="sqlite://"))
    return screens_of(app)


def kinds(screen: Screen) -> tuple[str, ...]:
    """The records a screen is tried on."""
    if not screen.scoped:
        return ("ref",)
    if screen.model in VICTIM_MODELS:
        return ("own", "foreign", "victim")
    return ("own", "foreign")


# --- the expectation, from the rules ---------------------------------------------------------


def reaches(role: str, screen: Screen, action: str) -> bool:
    """Whether the role has the screen permission for the action at all."""
    if ACTION_PERMISSION[action] not in screen.permissions:
        return False
    if role == Role.ADMIN:
        return True
    if screen.name in MANAGER_SCREENS:
        return role == Role.UNIT_MANAGER
    return role in UNIT_A_STAFF and screen.name not in ADMIN_ONLY_SCREENS


def sees(role: str, kind: str) -> bool:
    """Whether the role may see the record of this kind."""
    if role == Role.ADMIN:
        return True
    if role not in UNIT_A_STAFF:
        return False
    if kind == "victim":
        return role in (Role.UNIT_MANAGER, OFFICER2)  # the manager and the mediator
    return kind in ("own", "ref")


def may_edit(role: str, kind: str) -> bool:
    """Whether the role may change (or delete) the record of this kind."""
    if not sees(role, kind):
        return False
    if role in (Role.ADMIN, Role.UNIT_MANAGER) or kind == "ref":
        return True
    return role == Role.OFFICER  # the own case is assigned to Officer, not to Officer2


def expected_status(role: str, screen: Screen, action: str, kind: str | None = None) -> int:
    """The HTTP status the rules demand for one cell."""
    if not reaches(role, screen, action):
        return NO_SCREEN
    if action in ("list", "add_get", "export"):
        return 200
    assert kind is not None
    if not sees(role, kind):
        return 404
    if action == "show":
        return 200
    if not may_edit(role, kind):
        return 403
    return 200 if action == "edit_get" else 302


# --- the data the matrix runs on -------------------------------------------------------------


@dataclass
class World:
    """Record ids per (model, kind): base data for reads, a fresh set for denied writes."""

    base: dict[tuple[str, str], int]
    fresh: dict[tuple[str, str], int]
    own_case_number: str
    foreign_case_number: str
    own_personal_code: str
    #: strings that must never reach a unit A user (the foreign case's data)
    foreign_markers: tuple[str, ...]
    #: strings that must never reach Officer (the victim of a case Officer2 mediates)
    victim_markers: tuple[str, ...]
    admin_forms: dict[tuple[str, str], dict[str, Any]] = field(default_factory=dict)

    def record(self, which: str, screen: Screen, kind: str) -> int:
        ids = self.base if which == "base" else self.fresh
        key = (screen.model, kind)
        if key not in ids:
            pytest.fail(
                f"no {kind!r} record for {screen.name} ({screen.model}): add the model to "
                "CASE_RECORD_FIELD or REF_FACTORIES in this test"
            )
        return ids[key]


def _model(name: str) -> type:
    from portal import models

    return getattr(models, name)


def _ref_employer(session: Any, unit_id: int, employer_id: int) -> Any:
    from portal.models import Employer, EmployerType

    return Employer(name=f"Matrix {uuid.uuid4().hex[:8]}",
                    employer_type=EmployerType.ASSOCIATION, unit_id=unit_id)


def _ref_volunteer(session: Any, unit_id: int, employer_id: int) -> Any:
    from portal.models import Volunteer, VolunteerType

    return Volunteer(given_name="Matrix", surname=uuid.uuid4().hex[:8],
                     volunteer_type=VolunteerType.VOLUNTEER_MENTOR, unit_id=unit_id)


def _ref_vacancy(session: Any, unit_id: int, employer_id: int) -> Any:
    from portal.models import Vacancy

    return Vacancy(employer_id=employer_id, title="Matrix vacancy", places=2)


def _ref_priority_work(session: Any, unit_id: int, employer_id: int) -> Any:
    from portal.models import PriorityWork

    today = dt.date.today()
    return PriorityWork(employer_id=employer_id, title="Matrix priority work",
                        period_start=today, period_end=today + dt.timedelta(days=30))


def _ref_obligation_type(session: Any, unit_id: int, employer_id: int) -> Any:
    from portal.models import ObligationType

    return ObligationType(code=f"m{uuid.uuid4().hex[:12]}", name="Matrix obligation")


def _ref_assessment_item(session: Any, unit_id: int, employer_id: int) -> Any:
    from portal.models import AssessmentItem, NeedArea

    # Retired at once: a live item would make every other test's assessment need it.
    return AssessmentItem(code=f"m{uuid.uuid4().hex[:12]}", need_area=NeedArea.FINANCES,
                          text="Matrix item", max_score=2, active=False)


#: how to make a row of each reference-data model (models without an access rule)
REF_FACTORIES: dict[str, Callable[[Any, int, int], Any]] = {
    "ObligationType": _ref_obligation_type,
    "AssessmentItem": _ref_assessment_item,
    "Employer": _ref_employer,
    "Volunteer": _ref_volunteer,
    "Vacancy": _ref_vacancy,
    "PriorityWork": _ref_priority_work,
}


def _make_ref(session: Any, model: str, unit_id: int, employer_id: int) -> int:
    if model not in REF_FACTORIES:
        pytest.fail(f"no factory for reference model {model}: add it to REF_FACTORIES")
    row = REF_FACTORIES[model](session, unit_id, employer_id)
    session.add(row)
    session.flush()
    return row.id


def _changelog_id(session: Any, entity: str, entity_id: int) -> int:
    from portal.models import ChangeLog

    return session.execute(
        select(ChangeLog.id)
        .where(ChangeLog.entity == entity, ChangeLog.entity_id == entity_id)
        .order_by(ChangeLog.id)
        .limit(1)
    ).scalar_one()


def _access_log_id(session: Any, admin_id: int, records: CaseRecords) -> int:
    from portal.models import AccessLog

    row = AccessLog(user_id=admin_id, action="matrix", case_id=records.case,
                    client_id=records.client)
    session.add(row)
    session.flush()
    return row.id


def _ids(session: Any, own: CaseRecords, foreign: CaseRecords, refs: dict[str, int],
         admin_id: int) -> dict[tuple[str, str], int]:
    ids: dict[tuple[str, str], int] = {}
    for model, attr in CASE_RECORD_FIELD.items():
        ids[(model, "own")] = getattr(own, attr)
        ids[(model, "foreign")] = getattr(foreign, attr)
    ids[("MediationParty", "victim")] = own.victim
    ids[("ChangeLog", "own")] = _changelog_id(session, "Case", own.case)
    ids[("ChangeLog", "foreign")] = _changelog_id(session, "Case", foreign.case)
    ids[("ChangeLog", "victim")] = _changelog_id(session, "MediationParty", own.victim)
    ids[("AccessLog", "own")] = _access_log_id(session, admin_id, own)
    ids[("AccessLog", "foreign")] = _access_log_id(session, admin_id, foreign)
    for model, pk in refs.items():
        ids[(model, "ref")] = pk
    return ids


def _rooms(session: Any, base: Any, ids: dict[tuple[str, str], int]) -> None:
    """An 'own' room (unit A) and a 'foreign' one (unit B): rooms belong to a unit."""
    from portal.models import Room

    for kind, unit_id in (("own", base.unit_a), ("foreign", base.unit_b)):
        room = Room(unit_id=unit_id, name=f"Matrix {kind} {uuid.uuid4().hex[:8]}", capacity=6)
        session.add(room)
        session.flush()
        ids[("Room", kind)] = room.id


def _apart(session: Any, records: CaseRecords, days: int) -> None:
    """Move a fresh case's meeting and session off the base case's times: the same officer
    or mediator at an overlapping time would be a clash, and the re-posted edit refused."""
    from portal.models import MediationSession, Meeting

    for model, pk in ((Meeting, records.meeting), (MediationSession, records.mediation_session)):
        row = session.get(model, pk)
        row.scheduled_at = row.scheduled_at + dt.timedelta(days=days)


def _fresh_own(session: Any, base: Any, **kw: Any) -> CaseRecords:
    return make_case(session, unit_id=base.unit_a, officer_id=base.users[Role.OFFICER],
                     mediator_id=base.users[OFFICER2], employer_id=base.employer, **kw)


def _fresh_foreign(session: Any, base: Any, **kw: Any) -> CaseRecords:
    return make_case(session, unit_id=base.unit_b, officer_id=base.users["OfficerB"],
                     mediator_id=base.users["OfficerB"], employer_id=base.employer, **kw)


@pytest.fixture(scope="module")
def world(app: Flask) -> World:
    from portal.extensions import db
    from portal.models import Case, Client, MediationParty

    base = app.config["BASE_DATA"]
    tag = uuid.uuid4().hex[:6].upper()
    with app.app_context():
        session = db.session
        admin = base.users[Role.ADMIN]
        base_refs = {"Employer": base.employer, "Volunteer": base.volunteer}
        for model in REF_FACTORIES:
            if model not in base_refs:
                base_refs[model] = _make_ref(session, model, base.unit_a, base.employer)
        base_ids = _ids(session, base.own, base.foreign, base_refs, admin)

        fresh_own = _fresh_own(session, base, surname=f"Matrixown{tag}")
        foreign_surname = f"Matrixforeign{tag}"
        fresh_foreign = _fresh_foreign(session, base, surname=foreign_surname, given="Svešā")
        # A unique victim name, so its absence from Officer's pages means something.
        victim_surname = f"Matrixvictim{tag}"
        session.get(MediationParty, fresh_own.victim).surname = victim_surname
        fresh_refs = {m: _make_ref(session, m, base.unit_a, base.employer) for m in REF_FACTORIES}
        _apart(session, fresh_own, 1)
        _apart(session, fresh_foreign, 1)
        session.flush()
        fresh_ids = _ids(session, fresh_own, fresh_foreign, fresh_refs, admin)
        _rooms(session, base, base_ids)
        _rooms(session, base, fresh_ids)

        def number(case_id: int) -> str:
            return session.get(Case, case_id).number

        foreign_code = session.get(Client, fresh_foreign.client).personal_code
        world = World(
            base=base_ids,
            fresh=fresh_ids,
            own_case_number=number(base.own.case),
            foreign_case_number=number(base.foreign.case),
            own_personal_code=session.get(Client, base.own.client).personal_code,
            foreign_markers=(
                number(base.foreign.case), number(fresh_foreign.case), foreign_surname,
                foreign_code,
            ),
            victim_markers=(victim_surname,),
        )
        session.commit()
        session.remove()
    return world


@pytest.fixture(scope="module")
def clients(app: Flask) -> Callable[[str], FlaskClient]:
    """One logged-in test client per role for the whole module (logins hash passwords)."""
    cache: dict[str, FlaskClient] = {}

    def client_for(role: str) -> FlaskClient:
        if role not in cache:
            c = app.test_client()
            resp = c.post("/login/", data={"username": USERNAMES[role], "password": PASSWORD})
            assert resp.status_code in (302, 303), f"login as {role} failed"
            cache[role] = c
        return cache[role]

    return client_for


# --- helpers ---------------------------------------------------------------------------------


class _FormParser(HTMLParser):
    """The fields of FAB's model form (``id="model_form"``) as a browser would submit them."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.data: dict[str, Any] = {}
        self._in_form = False
        self._select: str | None = None
        self._select_multiple = False
        self._textarea: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form" and a.get("id") == "model_form":
            self._in_form = True
        if not self._in_form:
            return
        name = a.get("name")
        if tag == "input" and name:
            kind = a.get("type", "text")
            if kind in ("checkbox", "radio"):
                if "checked" in a:
                    self.data[name] = a.get("value") or "y"
            elif kind not in ("submit", "button", "file"):
                self.data[name] = a.get("value", "")
        elif tag == "select" and name:
            self._select = name
            self._select_multiple = "multiple" in a
            if self._select_multiple:
                self.data[name] = []
        elif tag == "option" and self._select and "selected" in a:
            if self._select_multiple:
                self.data[self._select].append(a.get("value", ""))
            else:
                self.data[self._select] = a.get("value", "")
        elif tag == "textarea" and name:
            self._textarea = name
            self.data[name] = ""

    def handle_data(self, data: str) -> None:
        if self._textarea:
            self.data[self._textarea] += data

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._in_form = False
        elif tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None


def form_fields(html: str) -> dict[str, Any]:
    """Parse the model form of a FAB edit page."""
    parser = _FormParser()
    parser.feed(html)
    data = {}
    for key, value in parser.data.items():
        if isinstance(value, str):
            # A textarea's first newline is dropped by browsers; WTForms renders one.
            value = value[1:] if value.startswith("\n") else value
        data[key] = value
    return data


def snapshot(app: Flask, model: str, pk: int) -> dict[str, Any] | None:
    """The stored column values of a row (None when it does not exist)."""
    from portal.extensions import db

    with app.app_context():
        obj = db.session.get(_model(model), pk)
        values = None
        if obj is not None:
            values = {a.key: getattr(obj, a.key) for a in inspect(obj).mapper.column_attrs}
        db.session.remove()
    return values


def take_flashes(client: FlaskClient) -> list[tuple[str, str]]:
    """Flashed (category, message) pairs, emptied so the next cell starts clean."""
    with client.session_transaction() as sess:
        return list(sess.pop("_flashes", []))


def check_no_leak(role: str, world: World, body: str, where: str) -> None:
    """A unit A user's page holds no foreign case data; Officer's holds no victim data."""
    if role in UNIT_A_STAFF:
        for marker in world.foreign_markers:
            assert marker not in body, f"{role} got foreign data {marker!r} on {where}"
    if role == Role.OFFICER:
        for marker in world.victim_markers:
            assert marker not in body, f"{role} got victim data {marker!r} on {where}"


def row_link(screen: Screen, pk: int) -> str:
    return f'href="{screen.route}/show/{pk}"'


def _params(actions: tuple[str, ...], per_record: bool) -> Iterator[Any]:
    for screen in screens():
        for role in ROLES:
            for action in actions:
                if action == "export" and not screen.export:
                    continue
                for kind in kinds(screen) if per_record else (None,):
                    suffix = f"-{kind}" if kind else ""
                    yield pytest.param(role, screen, action, kind,
                                       id=f"{screen.name}-{action}-{role}{suffix}")


# --- the matrix ------------------------------------------------------------------------------


def test_matrix_covers_every_screen(app: Flask) -> None:
    """The parametrized screens are exactly the ScopedModelViews the session's app registers."""
    assert [s.name for s in screens_of(app)] == [s.name for s in screens()]
    assert {s.name for s in screens()} >= {"CaseView", "ClientView", "MediationPartyView"}


@pytest.mark.parametrize(("role", "screen", "action", "kind"), list(_params(("list",), False)))
def test_list(app: Flask, world: World, clients: Any, role: str, screen: Screen, action: str,
              kind: None) -> None:
    from portal.extensions import db

    with app.app_context():
        total = db.session.execute(
            select(func.count()).select_from(_model(screen.model))
        ).scalar_one()
        db.session.remove()
    # Every page of the list (the largest pages allowed), so the own row cannot hide on one
    # page not looked at.
    from portal.views.base import MAX_PAGE_SIZE

    pages = max(1, -(-total // MAX_PAGE_SIZE))
    bodies = []
    want = expected_status(role, screen, action)
    for page in range(pages):
        resp = clients(role).get(
            f"{screen.route}/list/?psize_{screen.name}={MAX_PAGE_SIZE}&page_{screen.name}={page}"
        )
        assert resp.status_code == want
        if want != 200:
            return
        bodies.append(resp.get_data(as_text=True))
    body = "\n".join(bodies)
    for k in kinds(screen):
        listed = row_link(screen, world.record("base", screen, k)) in body
        assert listed == sees(role, k), f"{k} row {'' if sees(role, k) else 'not '}expected"
    if screen.export:
        assert (f'href="{screen.route}/export.csv"' in body) == reaches(role, screen, "export")
    check_no_leak(role, world, body, f"{screen.name} list")


@pytest.mark.parametrize(("role", "screen", "action", "kind"), list(_params(("add_get",), False)))
def test_add_form(app: Flask, world: World, clients: Any, role: str, screen: Screen,
                  action: str, kind: None) -> None:
    resp = clients(role).get(f"{screen.route}/add")
    assert resp.status_code == expected_status(role, screen, action)
    if resp.status_code == 200:
        check_no_leak(role, world, resp.get_data(as_text=True), f"{screen.name} add form")


@pytest.mark.parametrize(("role", "screen", "action", "kind"), list(_params(("export",), False)))
def test_export(app: Flask, world: World, clients: Any, role: str, screen: Screen, action: str,
                kind: None) -> None:
    resp = clients(role).get(f"{screen.route}/export.csv")
    want = expected_status(role, screen, action)
    assert resp.status_code == want
    if want != 200:
        return
    assert resp.mimetype == "text/csv"
    body = resp.get_data().decode("utf-8-sig")
    numbers = {row[0] for row in list(csv.reader(io.StringIO(body)))[1:]}
    assert (world.own_case_number in numbers) == sees(role, "own")
    assert (world.foreign_case_number in numbers) == sees(role, "foreign")
    assert world.own_personal_code not in body
    check_no_leak(role, world, body, "case export")


@pytest.mark.parametrize(
    ("role", "screen", "action", "kind"), list(_params(("show", "edit_get"), True))
)
def test_read(app: Flask, world: World, clients: Any, role: str, screen: Screen, action: str,
              kind: str) -> None:
    pk = world.record("base", screen, kind)
    path = "show" if action == "show" else "edit"
    resp = clients(role).get(f"{screen.route}/{path}/{pk}")
    assert resp.status_code == expected_status(role, screen, action, kind)
    if resp.status_code == 200:
        body = resp.get_data(as_text=True)
        check_no_leak(role, world, body, f"{screen.name} {path}")
        if role == Role.OFFICER:
            # The base victim's name: this page concerns one row of the own case only.
            assert "Upuris" not in body


def _admin_form(world: World, clients: Any, screen: Screen, kind: str, pk: int) -> dict:
    """The edit form as the administrator sees it: what a denied user would try to post."""
    key = (screen.name, kind)
    if key not in world.admin_forms:
        resp = clients(Role.ADMIN).get(f"{screen.route}/edit/{pk}")
        world.admin_forms[key] = form_fields(resp.get_data(as_text=True)) if (
            resp.status_code == 200) else {}
    return world.admin_forms[key]


def _unique_sets(table: Any) -> list[list[Any]]:
    """The column sets of the table's unique constraints and indexes."""
    sets = [[c] for c in table.columns if c.unique]
    sets += [list(c.columns) for c in table.constraints if isinstance(c, UniqueConstraint)]
    sets += [list(i.columns) for i in table.indexes if i.unique]
    return sets


_offsets = itertools.count(1)


def _new_value(column: Any, value: Any) -> Any:
    """Another value of the column's kind (never one used before in this session)."""
    if isinstance(value, (dt.date, dt.datetime)):
        return value + dt.timedelta(days=next(_offsets))
    return ("X" + uuid.uuid4().hex)[: getattr(column.type, "length", None) or 32]


def _clone(session: Any, model: type, pk: int) -> int:
    """Copy a row (same parent, so the same access rules apply); nothing refers to the copy.

    One column of each unique constraint gets a new value; a unique reference (a case's one
    mediation, a request's one report) gets a copy of the parent instead.
    """
    from portal.models import Model

    source = session.get(model, pk)
    mapper = inspect(model)
    values = {
        column.name: getattr(source, mapper.get_property_by_column(column).key)
        for column in mapper.local_table.columns
        if not column.primary_key and column.name not in ("created_at", "updated_at")
    }
    for columns in _unique_sets(mapper.local_table):
        if any(values.get(c.name) is None for c in columns):
            continue  # NULLs never collide
        own = [c for c in columns if not c.foreign_keys]
        column = own[0] if own else columns[0]
        if column.foreign_keys:
            fk = next(iter(column.foreign_keys))
            parent = next(m.class_ for m in Model.registry.mappers
                          if m.local_table is fk.column.table)
            values[column.name] = _clone(session, parent, values[column.name])
        else:
            values[column.name] = _new_value(column, values[column.name])
    row = model(**{mapper.get_property_by_column(mapper.local_table.c[name]).key: value
                   for name, value in values.items()})
    session.add(row)
    session.flush()
    return row.id


def _fresh_record(app: Flask, world: World, screen: Screen, kind: str) -> int:
    """A record of its own for a write that is allowed to succeed: a copy of the fresh one."""
    from portal.extensions import db

    with app.app_context():
        pk = _clone(db.session, _model(screen.model), world.record("fresh", screen, kind))
        db.session.commit()
        db.session.remove()
    return pk


@pytest.mark.parametrize(
    ("role", "screen", "action", "kind"), list(_params(("edit_post", "delete"), True))
)
def test_write(app: Flask, world: World, clients: Any, role: str, screen: Screen, action: str,
               kind: str) -> None:
    want = expected_status(role, screen, action, kind)
    client = clients(role)
    if want == 302:
        pk = world.record("fresh", screen, kind) if action == "edit_post" else (
            _fresh_record(app, world, screen, kind))
        if action == "edit_post":
            # Save the form exactly as it was shown: passes validation, changes nothing.
            shown = client.get(f"{screen.route}/edit/{pk}")
            assert shown.status_code == 200
            data = form_fields(shown.get_data(as_text=True))
        else:
            data = {}
    else:
        pk = world.record("fresh", screen, kind)
        data = _admin_form(world, clients, screen, kind, pk)
    path = "edit" if action == "edit_post" else "delete"
    if not reaches(role, screen, action):
        # FAB refuses before any view code runs; the status alone tells.
        assert client.post(f"{screen.route}/{path}/{pk}", data=data).status_code == want
        return
    before = snapshot(app, screen.model, pk)
    assert before is not None
    if want != 302:
        resp = client.post(f"{screen.route}/{path}/{pk}", data=data)
        assert resp.status_code == want
        assert snapshot(app, screen.model, pk) == before, "a refused write changed the row"
        return
    take_flashes(client)
    resp = client.post(f"{screen.route}/{path}/{pk}", data=data)
    flashes = take_flashes(client)
    assert resp.status_code == want, flashes
    assert "/login" not in resp.headers["Location"]
    # Access refusals inside FAB (pre_update, pre_delete) are flashed as "danger".
    assert not [m for c, m in flashes if c == "danger"], flashes
    if action == "edit_post":
        assert "success" in [c for c, _m in flashes], flashes
    else:
        assert snapshot(app, screen.model, pk) is None, f"not deleted: {flashes}"


# --- FAB's generic file download -------------------------------------------------------------


@pytest.fixture(scope="module")
def stored_file(app: Flask) -> tuple[str, bytes]:
    """A stored document file (of any case): its storage key and bytes."""
    from portal.services.casework import documents

    content = b"%PDF-1.4 matrix secret"
    with app.app_context():
        key, _size, _digest = documents.store(io.BytesIO(content))
    return key, content


@pytest.mark.parametrize("screen", screens(), ids=str)
def test_generic_download_serves_no_stored_file(clients: Any, stored_file: tuple[str, bytes],
                                                screen: Screen) -> None:
    """FAB's ``/download/<filename>`` would hand out any upload by name, past row scoping."""
    key, content = stored_file
    resp = clients(Role.OFFICER).get(f"{screen.route}/download/{key}")
    assert resp.status_code in (403, 404)
    assert content not in resp.get_data()


@pytest.fixture(scope="module")
def stored_documents(app: Flask, world: World) -> dict[str, tuple[int, bytes]]:
    """The fresh own and foreign documents, each with a stored file: id and bytes."""
    from portal.extensions import db
    from portal.models import Document
    from portal.services.casework import documents

    screen = next(s for s in screens() if s.model == "Document")
    result = {}
    with app.app_context():
        for kind in ("own", "foreign"):
            content = f"%PDF-1.4 {kind} matrix document".encode()
            key, _size, _digest = documents.store(io.BytesIO(content))
            pk = world.record("fresh", screen, kind)
            db.session.get(Document, pk).storage_key = key
            result[kind] = (pk, content)
        db.session.commit()
        db.session.remove()
    return result


@pytest.mark.parametrize("role", ROLES)
def test_document_download_is_scoped(clients: Any, stored_documents: dict, role: str) -> None:
    """DocumentView's own download hands out the bytes of visible documents only."""
    screen = next(s for s in screens() if s.model == "Document")
    for kind, (pk, content) in stored_documents.items():
        resp = clients(role).get(f"{screen.route}/download/{pk}")
        want = expected_status(role, screen, "show", kind)
        assert resp.status_code == want, kind
        assert (content in resp.get_data()) == (want == 200)
