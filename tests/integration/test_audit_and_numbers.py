"""Change history records who changed what; case numbers are unique and sequential."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from portal.models import Case, ChangeLog, Client
from portal.services.access import Role
from portal.services.casework import cases


def test_screen_edit_is_recorded_with_old_and_new_values(login_as, base, app):
    c = login_as(Role.OFFICER)
    from portal.extensions import db

    with app.app_context():
        client = db.session.get(Client, base.own.client)
        form = {
            "given_name": client.given_name, "surname": client.surname,
            "personal_code": client.personal_code,
            "birth_date": client.birth_date.isoformat(), "gender": client.gender.value,
            "address": "Jaunā iela 5, Cēsis", "phone": client.phone or "", "email": "",
            "preferred_language": "lv",
        }
        old_address = client.address
    resp = c.post(f"/clientview/edit/{base.own.client}", data=form)
    assert resp.status_code in (200, 302)
    with app.app_context():
        row = db.session.scalars(
            select(ChangeLog).where(ChangeLog.entity == "Client",
                                    ChangeLog.entity_id == base.own.client)
            .order_by(ChangeLog.id.desc())
        ).first()
        assert row is not None
        assert row.action == "update"
        assert row.user_id == base.users[Role.OFFICER]
        assert row.changes["address"] == [old_address, "Jaunā iela 5, Cēsis"]
        assert row.source == "screen"
        db.session.get(Client, base.own.client).address = old_address
        db.session.commit()


def test_case_numbers_are_sequential_and_unique(app):
    from portal.extensions import db

    with app.app_context():
        first = cases.next_case_number(db.session, 2031)
        second = cases.next_case_number(db.session, 2031)
        db.session.commit()
    assert first == "PL-2031-000001"
    assert second == "PL-2031-000002"


def test_officer_opens_case_with_generated_number(login_as, base, app):
    from portal.extensions import db

    c = login_as(Role.OFFICER)
    resp = c.post("/caseview/add", data={
        "number": "", "client": str(base.own.client), "function": "supervision_conditional_sentence",
        "status": "opened", "start_date": dt.date.today().isoformat(), "end_date": "",
        "hours_ordered": "", "notes": "",
    })
    import re
    assert resp.status_code == 302, re.findall(r"(?s)(alert[^>]*>.{0,300}|help-block[^>]*>.{0,200})", resp.get_data(as_text=True))
    with app.app_context():
        case = db.session.scalars(select(Case).order_by(Case.id.desc())).first()
        assert case.number.startswith(f"PL-{dt.date.today().year}-")
        assert case.officer_id == base.users[Role.OFFICER]
        assert case.unit_id == base.unit_a
        created = db.session.scalars(
            select(ChangeLog).where(ChangeLog.entity == "Case", ChangeLog.entity_id == case.id)
        ).first()
        assert created is not None and created.action == "create"
