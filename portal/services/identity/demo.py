"""The demo's persons for the IdP simulator, matching the demo data.

``flask plus demo-national-login`` (run by ``make run``) authorises the demo representatives
for the demo employer and volunteer accounts and writes the persons the simulator offers.
The representatives' codes are of the new form (``32…``), which the demo seed never issues
with these digits; they are made up, as is all demo data.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import exists, select
from sqlalchemy.orm import Session

from portal.models import Case, CaseStatus, Client, IdentityScheme, PlusUser
from portal.services.identity import national_login

__all__ = ["EMPLOYER_REPRESENTATIVE", "VOLUNTEER_REPRESENTATIVE", "demo_persons"]

EMPLOYER_REPRESENTATIVE = {"label": "darba devēja pārstāve (demo)", "given_name": "Dace",
                           "surname": "Pārstāve", "personal_code": "329900-00011"}
VOLUNTEER_REPRESENTATIVE = {"label": "brīvprātīgā (demo)", "given_name": "Vija",
                            "surname": "Palīdze", "personal_code": "329900-00012"}
EIDAS_REPRESENTATIVE = {"label": "ES pilsonis, darba devēja pārstāvis (eIDAS)",
                        "given_name": "Hans", "surname": "Muster",
                        "foreign_id": "DE/LV/0000000001"}
STRANGER = {"label": "persona, kas nav PLUS (tiks atteikta)", "given_name": "Jānis",
            "surname": "Paraugs", "personal_code": "329900-00013"}


def _user(session: Session, username: str) -> PlusUser | None:
    return session.execute(
        select(PlusUser).where(PlusUser.username == username)).scalar_one_or_none()


def _person(label: str, client: Client) -> dict[str, Any]:
    return {"label": label, "given_name": client.given_name, "surname": client.surname,
            "personal_code": client.personal_code}


def demo_persons(session: Session) -> list[dict[str, Any]]:
    """Bind the demo representatives and return the simulator's persons (the caller commits).

    Idempotent: running it again binds nothing twice.
    """
    persons: list[dict[str, Any]] = []
    client_user = _user(session, "client")
    if client_user is not None and client_user.client_id is not None:
        client = session.get(Client, client_user.client_id)
        if client is not None:
            persons.append(_person("klients (demo)", client))
    employer = _user(session, "employer")
    if employer is not None:
        national_login.bind_person(session, employer, IdentityScheme.LV,
                                   EMPLOYER_REPRESENTATIVE["personal_code"])
        national_login.bind_person(session, employer, IdentityScheme.EIDAS,
                                   EIDAS_REPRESENTATIVE["foreign_id"])
        persons.append(EMPLOYER_REPRESENTATIVE)
    volunteer = _user(session, "volunteer")
    if volunteer is not None:
        national_login.bind_person(session, volunteer, IdentityScheme.LV,
                                   VOLUNTEER_REPRESENTATIVE["personal_code"])
        persons.append(VOLUNTEER_REPRESENTATIVE)
    if employer is not None:
        persons.append(EIDAS_REPRESENTATIVE)
    open_case = exists().where(Case.client_id == Client.id, Case.status != CaseStatus.CLOSED)
    any_case = exists().where(Case.client_id == Client.id)
    closed = session.execute(
        select(Client).where(any_case, ~open_case).order_by(Client.id).limit(1)
    ).scalar_one_or_none()
    if closed is not None:
        persons.append(_person("klients bez atvērtas lietas (tiks atteikts)", closed))
    persons.append(STRANGER)
    return persons
