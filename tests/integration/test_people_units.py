"""People and units: transfer of a case to another unit, reassignment, cover and caseload.

Each test works on cases of its own (``make_case``), never on the base data.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import func, select

from portal.extensions import db
from portal.models import Case, CaseTransfer, ChangeLog, Client, OfficerCover, TransferStatus
from portal.services import access
from portal.services.access import Actor, Role
from portal.services.casework import transfers
from portal.services.errors import AccessDenied, ValidationFailed
from tests.factories import make_case


def _new_case(app: Flask, officer: str = Role.OFFICER) -> tuple[int, str]:
    base = app.config["BASE_DATA"]
    with app.app_context():
        rec = make_case(db.session, unit_id=base.unit_a, officer_id=base.users[officer],
                        mediator_id=None, employer_id=base.employer, surname="Pārcēlājs")
        db.session.commit()
        number = db.session.get(Case, rec.case).number
        db.session.remove()
    return rec.case, number


def _actor(app: Flask, who: str) -> Actor:
    from portal.models import PlusUser

    base = app.config["BASE_DATA"]
    with app.app_context():
        actor = Actor.of(db.session.get(PlusUser, base.users[who]))
        db.session.remove()
    return actor


def _case(app: Flask, case_id: int) -> dict[str, Any]:
    with app.app_context():
        case = db.session.get(Case, case_id)
        out = {"unit": case.unit_id, "officer": case.officer_id, "number": case.number,
               "client_unit": db.session.get(Client, case.client_id).unit_id}
        db.session.remove()
    return out


# --- transfer ----------------------------------------------------------------------------------


def test_a_transfer_keeps_the_case_and_moves_access_on_acceptance(app: Flask,
                                                                  login_as: Any) -> None:
    base = app.config["BASE_DATA"]
    case_id, number = _new_case(app)
    with app.app_context():
        history_before = db.session.execute(
            select(func.count()).select_from(ChangeLog).where(ChangeLog.case_id == case_id)
        ).scalar_one()
        db.session.remove()
    officer, officer_b, manager_b = (login_as(Role.OFFICER), login_as("OfficerB"),
                                     login_as("ManagerB"))
    assert officer.get(f"/transfers/request/{case_id}").status_code == 200
    resp = officer.post(f"/transfers/request/{case_id}",
                        data={"to_unit": str(base.unit_b), "reason": "Klients pārcēlās"})
    assert resp.status_code == 302
    with app.app_context():
        transfer = db.session.execute(
            select(CaseTransfer).where(CaseTransfer.case_id == case_id)).scalar_one()
        transfer_id = transfer.id
        assert transfer.status is TransferStatus.REQUESTED
        db.session.remove()
    # Until acceptance the case stays where it was.
    assert _case(app, case_id)["unit"] == base.unit_a
    assert officer_b.get(f"/caseview/show/{case_id}").status_code == 404
    assert number in manager_b.get("/transfers/").get_data(as_text=True)
    # Only the receiving unit's manager decides; an officer of the wrong unit is refused.
    assert login_as(Role.UNIT_MANAGER).post(f"/transfers/{transfer_id}/accept", data={
        "new_officer": str(base.users[Role.OFFICER])}).status_code == 403
    resp = manager_b.post(f"/transfers/{transfer_id}/accept",
                          data={"new_officer": str(base.users[Role.OFFICER])})
    assert resp.status_code == 200
    assert "Izvēlieties struktūrvienības" in resp.get_data(as_text=True)
    resp = manager_b.post(f"/transfers/{transfer_id}/accept",
                          data={"new_officer": str(base.users["OfficerB"])})
    assert resp.status_code == 302
    after = _case(app, case_id)
    assert after == {"unit": base.unit_b, "officer": base.users["OfficerB"], "number": number,
                     "client_unit": base.unit_b}
    # Access follows the new unit; the history stays with the case.
    assert officer_b.get(f"/caseview/show/{case_id}").status_code == 200
    assert officer.get(f"/caseview/show/{case_id}").status_code == 404
    with app.app_context():
        history_after = db.session.execute(
            select(func.count()).select_from(ChangeLog).where(ChangeLog.case_id == case_id)
        ).scalar_one()
        db.session.remove()
    assert history_after > history_before
    # Decided once: a second decision is refused.
    resp = manager_b.post(f"/transfers/{transfer_id}/decline", data={"decline_reason": "x"})
    assert resp.status_code == 200


def test_transfer_bad_input_beside_the_field(app: Flask, login_as: Any) -> None:
    base = app.config["BASE_DATA"]
    case_id, _number = _new_case(app)
    officer = login_as(Role.OFFICER)
    resp = officer.post(f"/transfers/request/{case_id}",
                        data={"to_unit": str(base.unit_b), "reason": "  "})
    page = resp.get_data(as_text=True)
    assert resp.status_code == 200 and 'id="reason-error"' in page
    resp = officer.post(f"/transfers/request/{case_id}", data={"to_unit": "", "reason": "Pārcēlās"})
    page = resp.get_data(as_text=True)
    assert 'id="to_unit-error"' in page and "Pārcēlās" in page
    # Another officer's case of the unit: seen but not theirs to transfer.
    assert login_as("Officer2").post(f"/transfers/request/{case_id}", data={
        "to_unit": str(base.unit_b), "reason": "x"}).status_code == 403
    with app.app_context():
        assert db.session.execute(select(func.count()).select_from(CaseTransfer).where(
            CaseTransfer.case_id == case_id)).scalar_one() == 0
        db.session.remove()


def test_declined_transfer_leaves_the_case(app: Flask) -> None:
    base = app.config["BASE_DATA"]
    case_id, _number = _new_case(app)
    officer, manager_b = _actor(app, Role.OFFICER), _actor(app, "ManagerB")
    with app.test_request_context():
        t = transfers.request_transfer(db.session, case_id, base.unit_b, "Pārcēlās", officer)
        with pytest.raises(ValidationFailed):
            transfers.request_transfer(db.session, case_id, base.unit_b, "Vēlreiz", officer)
        with pytest.raises(ValidationFailed) as exc:
            transfers.decline_transfer(db.session, t.id, "", manager_b)
        assert exc.value.field == "decline_reason"
        transfers.decline_transfer(db.session, t.id, "Nav mūsu teritorija", manager_b)
        db.session.commit()
        assert db.session.get(Case, case_id).unit_id == base.unit_a
        db.session.remove()


def test_transfer_visibility(app: Flask) -> None:
    base = app.config["BASE_DATA"]
    case_id, _number = _new_case(app)
    with app.test_request_context():
        t = transfers.request_transfer(db.session, case_id, base.unit_b, "Pārcēlās",
                                       _actor(app, Role.OFFICER))
        db.session.commit()
        expected = {Role.ADMIN: (True, True), Role.UNIT_MANAGER: (True, False),
                    Role.OFFICER: (True, False), "Officer2": (True, False),
                    "ManagerB": (True, True), "OfficerB": (False, False),
                    Role.ANALYST: (False, False), Role.EMPLOYER: (False, False),
                    Role.CLIENT: (False, False)}
        for who, (see, edit) in expected.items():
            actor = _actor(app, who)
            assert access.can_view(db.session, t, actor) is see, who
            assert access.can_edit(db.session, t, actor) is edit, who
        db.session.remove()


# --- reassignment, cover, caseload -------------------------------------------------------------


def test_reassignment_by_the_manager(app: Flask, login_as: Any) -> None:
    base = app.config["BASE_DATA"]
    case_id, _number = _new_case(app)
    manager = _actor(app, Role.UNIT_MANAGER)
    with app.test_request_context():
        with pytest.raises(AccessDenied):
            transfers.reassign(db.session, [case_id], base.users["Officer2"],
                               _actor(app, Role.OFFICER))
        with pytest.raises(ValidationFailed) as exc:
            transfers.reassign(db.session, [case_id], base.users["OfficerB"], manager)
        assert exc.value.field == "officer"
        db.session.rollback()
        db.session.remove()
    resp = login_as(Role.UNIT_MANAGER).post(
        f"/caseload/?officer={base.users[Role.OFFICER]}",
        data={"case_ids": [str(case_id)], "officer": str(base.users["Officer2"])})
    assert resp.status_code == 302
    assert _case(app, case_id)["officer"] == base.users["Officer2"]


def test_cover_gives_rights_for_its_period_only(app: Flask, login_as: Any) -> None:
    base = app.config["BASE_DATA"]
    case_id, _number = _new_case(app, officer="Officer2")
    officer = _actor(app, Role.OFFICER)
    today = dt.date.today()
    with app.test_request_context():
        case = db.session.get(Case, case_id)
        assert not access.can_edit(db.session, case, officer)
        db.session.remove()
    manager = login_as(Role.UNIT_MANAGER)
    resp = manager.post("/cover/", data={
        "absent_officer": str(base.users["Officer2"]), "covering_officer":
        str(base.users[Role.OFFICER]), "start_date": today.isoformat(),
        "end_date": (today - dt.timedelta(days=1)).isoformat()})
    assert resp.status_code == 200 and 'id="end_date-error"' in resp.get_data(as_text=True)
    resp = manager.post("/cover/", data={
        "absent_officer": str(base.users["Officer2"]), "covering_officer":
        str(base.users["OfficerB"]), "start_date": today.isoformat(),
        "end_date": today.isoformat()})
    assert 'id="covering_officer-error"' in resp.get_data(as_text=True)
    assert login_as(Role.OFFICER).post("/cover/", data={
        "absent_officer": str(base.users["Officer2"]), "covering_officer":
        str(base.users[Role.OFFICER]), "start_date": today.isoformat(),
        "end_date": today.isoformat()}).status_code == 403
    resp = manager.post("/cover/", data={
        "absent_officer": str(base.users["Officer2"]), "covering_officer":
        str(base.users[Role.OFFICER]), "start_date": today.isoformat(),
        "end_date": (today + dt.timedelta(days=2)).isoformat(), "reason": "Atvaļinājums"})
    assert resp.status_code == 302
    with app.test_request_context():
        case = db.session.get(Case, case_id)
        assert access.can_edit(db.session, case, officer)
        # The cover ends by itself: once its period is over, the rights are gone.
        cover = db.session.execute(select(OfficerCover).where(
            OfficerCover.absent_officer_id == base.users["Officer2"])).scalars().all()
        for c in cover:
            c.start_date = today - dt.timedelta(days=10)
            c.end_date = today - dt.timedelta(days=1)
        db.session.commit()
        assert not access.can_edit(db.session, db.session.get(Case, case_id), officer)
        for c in cover:
            db.session.delete(c)
        db.session.commit()
        db.session.remove()


def test_caseload_for_managers_and_worklist_by_officer(app: Flask, login_as: Any) -> None:
    base = app.config["BASE_DATA"]
    manager = login_as(Role.UNIT_MANAGER)
    resp = manager.get("/caseload/")
    assert resp.status_code == 200
    page = resp.get_data(as_text=True)
    assert "None" not in page
    with app.test_request_context():
        load = transfers.caseload(db.session, _actor(app, Role.UNIT_MANAGER))
        mine = next(r for r in load.rows if r["officer_id"] == base.users[Role.OFFICER])
        assert mine["total"] >= 1
        assert load.total == sum(r["total"] for r in load.rows)
        db.session.remove()
    assert login_as(Role.OFFICER).get("/caseload/").status_code == 403
    resp = manager.get(f"/worklist/?officer={base.users[Role.OFFICER]}")
    assert resp.status_code == 200
    assert 'name="officer"' in resp.get_data(as_text=True)
