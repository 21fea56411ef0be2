"""A person's data export (an access request): JSON and PDF, administrators only, logged."""

from __future__ import annotations

import io
import json
from typing import Any

import pytest
from flask import Flask
from pypdf import PdfReader

from portal.services.access import Role


@pytest.fixture()
def own(app: Flask) -> dict[str, Any]:
    from portal.extensions import db
    from portal.models import Case, Client

    base = app.config["BASE_DATA"]
    with app.app_context():
        client = db.session.get(Client, base.own.client)
        data = {"id": client.id, "code": client.personal_code, "surname": client.surname,
                "given": client.given_name,
                "case": db.session.get(Case, base.own.case).number}
        db.session.remove()
    return data


@pytest.mark.parametrize("role", [Role.UNIT_MANAGER, Role.OFFICER, Role.ANALYST])
def test_only_admins_export(login_as: Any, own: dict[str, Any], role: str) -> None:
    c = login_as(role)
    for path in ("/data-export/", f"/data-export/{own['id']}.json",
                 f"/data-export/{own['id']}.pdf"):
        assert c.get(path).status_code == 403, (role, path)


def test_find_by_personal_code_in_a_post(login_as: Any, own: dict[str, Any]) -> None:
    admin = login_as(Role.ADMIN)
    assert admin.get("/data-export/").status_code == 200
    found = admin.post("/data-export/", data={"personal_code": own["code"].replace("-", "")})
    body = found.get_data(as_text=True)
    assert found.status_code == 200 and own["surname"] in body
    assert f"/data-export/{own['id']}.pdf" in body
    bad = admin.post("/data-export/", data={"personal_code": "12"})
    assert bad.status_code == 422 and "DDMMGG-NNNNN" in bad.get_data(as_text=True)
    unknown = admin.post("/data-export/", data={"personal_code": "010101-10000"})
    assert unknown.status_code == 422


def test_json_holds_everything_on_the_person_and_nobody_else(
        app: Flask, login_as: Any, own: dict[str, Any]) -> None:
    resp = login_as(Role.ADMIN).get(f"/data-export/{own['id']}.json")
    assert resp.status_code == 200 and resp.mimetype == "application/json"
    assert resp.headers["Cache-Control"] == "no-store"
    data = json.loads(resp.get_data(as_text=True))
    assert data["client"]["personal_code"] == own["code"]
    case = next(c for c in data["cases"] if c["number"] == own["case"])
    for key in ("work_assignments", "meetings", "violations", "obligations",
                "supervision_plans", "documents", "evaluation_requests", "mediation"):
        assert case[key], key
    assert case["work_assignments"][0]["hours"]
    assert case["mediation"]["parties"]
    text = json.dumps(data, ensure_ascii=False)
    assert "Upuris" not in text  # the mediation victim is someone else
    assert "storage_key" not in text and "password" not in text
    assert data["reads"]  # who read it, when (the access log)


def test_pdf_renders_latvian_text(login_as: Any, own: dict[str, Any]) -> None:
    resp = login_as(Role.ADMIN).get(f"/data-export/{own['id']}.pdf")
    assert resp.status_code == 200 and resp.mimetype == "application/pdf"
    reader = PdfReader(io.BytesIO(resp.get_data()))
    text = "\n".join(page.extract_text() for page in reader.pages)
    assert "PLUS glabātie dati par personu" in text
    assert own["surname"] in text and own["given"] in text  # Bērziņš, Jānis
    assert own["code"] in text and f"Lieta {own['case']}" in text
    assert "Personas kods" in text and "Tikšanās" in text
    assert "Upuris" not in text


def test_builder_is_pure() -> None:
    from reports.data_export import build_pdf

    pdf = build_pdf("Ķēpīgs virsraksts", "Apakšvirsraksts",
                    [("Sadaļa", [[("Vārds", "Žanis Ūdris"), ("Piezīmes", "<b>nav</b> & cits")]])])
    assert pdf.startswith(b"%PDF-")
    text = PdfReader(io.BytesIO(pdf)).pages[0].extract_text()
    assert "Ķēpīgs virsraksts" in text and "Žanis Ūdris" in text and "<b>nav</b> & cits" in text
