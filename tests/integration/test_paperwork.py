"""Generated case documents, end to end: an officer clicks a type on the case page, PLUS files
the PDF on the case (origin "generated", with its template version), and only those who may
see the case download it. Templates are edited and versioned without code; a template naming
an unknown field is refused beside the field."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import func, select

from portal.models import (
    Case,
    CaseFunction,
    Client,
    Document,
    DocumentOrigin,
    DocumentTemplateVersion,
    DocumentType,
    Language,
    WorkAssignment,
    WorkScheduleEntry,
)
from portal.services.access import Role
from tests.factories import make_case
from tests.pdfcheck import ink_in_margins, pages_as_images, squeezed, text_of

LONG_GIVEN = "Ģirts-Ķirilijs-Žūžēlēns"
LONG_SURNAME = "Čaļķīņšūņprāmtēvš-Ozoliņš-Āžkalniņš-Bērziņš-Kalniņš-Liepiņš-Vītoliņš"

#: a case function of each process, so every document type gets a fitting case
FUNCTION_OF = {
    DocumentType.DECLARATION: CaseFunction.SUPERVISION_CONDITIONAL_SENTENCE,
    DocumentType.SUPERVISION_PLAN: CaseFunction.PROBATION_SUPERVISION,
    DocumentType.REFERRAL: CaseFunction.FORCED_LABOUR,
    DocumentType.WORK_SCHEDULE: CaseFunction.COMMUNITY_WORK,
    DocumentType.CONTROL_ACT: CaseFunction.FORCED_LABOUR,
    DocumentType.EXECUTION_NOTICE: CaseFunction.FORCED_LABOUR,
    DocumentType.EVALUATION_REPORT: CaseFunction.EVALUATION_PRE_TRIAL,
    # The factory's case has its start of supervision registered (tests/factories.py).
    DocumentType.POLICE_NOTICE: CaseFunction.SUPERVISION_CONDITIONAL_SENTENCE,
    DocumentType.ORPHANS_COURT_NOTICE: CaseFunction.SUPERVISION_RELEASE_FROM_LIABILITY,
}


@pytest.fixture(scope="module")
def templates(app: Flask) -> None:
    from portal.extensions import db
    from portal.services import setup

    with app.app_context():
        setup.ensure_document_templates(db.session)
        db.session.remove()


def _new_case(app: Flask, base: Any, function: CaseFunction, **client: Any) -> int:
    """A fresh case of unit A assigned to the base Officer, with one record of every kind."""
    from portal.extensions import db

    with app.app_context():
        records = make_case(
            db.session, unit_id=base.unit_a, officer_id=base.users[Role.OFFICER],
            mediator_id=None, employer_id=base.employer,
            given=client.pop("given", "Jānis"), surname=client.pop("surname", "Bērziņš"),
        )
        case = db.session.get(Case, records.case)
        case.function = function
        for key, value in client.items():
            setattr(case.client, key, value)
        db.session.commit()
        return records.case


def _generate(client: Any, case_id: int, doc_type: DocumentType | str) -> Any:
    value = doc_type.value if isinstance(doc_type, DocumentType) else doc_type
    return client.post(f"/paperwork/generate/{case_id}", data={"doc_type": value})


def _documents(app: Flask, case_id: int) -> list[Document]:
    from portal.extensions import db

    with app.app_context():
        docs = list(db.session.scalars(
            select(Document).where(Document.case_id == case_id).order_by(Document.id)
        ))
        db.session.expunge_all()
        return docs


def _generated(app: Flask, case_id: int) -> list[Document]:
    return [d for d in _documents(app, case_id) if d.origin == DocumentOrigin.GENERATED]


# The written warning and the submission to the court answer a violation: they are generated
# on the response ladder (tests/integration/test_supervision_steps.py), not for a new case.
_FROM_A_RESPONSE = {DocumentType.WRITTEN_WARNING, DocumentType.COURT_SUBMISSION}


@pytest.mark.parametrize("doc_type", [t for t in DocumentType if t not in _FROM_A_RESPONSE])
def test_officer_generates_each_type_from_the_case_page(
    app: Flask, base: Any, templates: None, login_as: Any, doc_type: DocumentType
) -> None:
    case_id = _new_case(app, base, FUNCTION_OF[doc_type], given="Līga", surname="Ķēniņa-Žūriņa")
    officer = login_as(Role.OFFICER)
    page = officer.get(f"/caseview/show/{case_id}").get_data(as_text=True)
    assert f'data-doc-type="{doc_type.value}"' in page  # offered in the menu

    resp = _generate(officer, case_id, doc_type)
    assert resp.status_code == 302 and "#case-documents" in resp.headers["Location"]
    (doc,) = _generated(app, case_id)
    assert doc.content_type == "application/pdf" and doc.filename.endswith(".pdf")
    assert doc.uploaded_by_id == base.users[Role.OFFICER]
    from portal.extensions import db
    from portal.services import paperwork

    with app.app_context():
        assert doc.template_version_id == paperwork.published(db.session, doc_type).id

    page = officer.get(f"/caseview/show/{case_id}").get_data(as_text=True)
    assert f"/documentview/download/{doc.id}" in page  # listed on the case page
    show = officer.get(f"/documentview/show/{doc.id}").get_data(as_text=True)
    assert "Veidnes versija" in show and ". versija" in show  # the version it came from
    pdf = officer.get(f"/documentview/download/{doc.id}")
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF-")
    text = text_of(pdf.data)
    assert "Līga Ķēniņa-Žūriņa" in text
    with app.app_context():
        case = db.session.get(Case, case_id)
        number, code = case.number, case.client.personal_code
    assert number in text
    assert dt.date.today().strftime("%d.%m.%Y") in text
    assert code in text
    assert "Valsts probācijas dienests" in text


def test_menu_lists_only_the_types_of_the_case_function(
    app: Flask, base: Any, templates: None, login_as: Any
) -> None:
    officer = login_as(Role.OFFICER)
    case_id = _new_case(app, base, CaseFunction.EVALUATION_PRE_TRIAL)
    page = officer.get(f"/caseview/show/{case_id}").get_data(as_text=True)
    assert "Sagatavot dokumentu" in page
    assert 'data-doc-type="evaluation_report"' in page
    assert 'data-doc-type="referral"' not in page
    mediation = _new_case(app, base, CaseFunction.MEDIATION)
    assert "prepare-document" not in officer.get(f"/caseview/show/{mediation}").get_data(True)


def test_english_client_gets_the_document_in_english(
    app: Flask, base: Any, templates: None, login_as: Any
) -> None:
    case_id = _new_case(app, base, CaseFunction.FORCED_LABOUR,
                        preferred_language=Language.EN)
    officer = login_as(Role.OFFICER)
    assert _generate(officer, case_id, DocumentType.REFERRAL).status_code == 302
    (doc,) = _generated(app, case_id)
    assert doc.title == "Referral to the employer" and doc.filename.startswith("referral_")
    text = text_of(officer.get(f"/documentview/download/{doc.id}").data)
    assert "Referral to the employer" in text and "State Probation Service" in text
    assert "Employer" in text and "Darba devējs" not in text


def test_long_name_and_60_row_schedule_stay_on_the_page(
    app: Flask, base: Any, templates: None, login_as: Any
) -> None:
    from portal.extensions import db

    case_id = _new_case(app, base, CaseFunction.FORCED_LABOUR, given=LONG_GIVEN,
                        surname=LONG_SURNAME)
    with app.app_context():
        assignment = db.session.scalar(
            select(WorkAssignment).where(WorkAssignment.case_id == case_id)
        )
        assignment.place = "Rīgas pilsētas Ziemeļu rajona Sarkandaugavas apkaimes parks " * 3
        db.session.query(WorkScheduleEntry).filter_by(assignment_id=assignment.id).delete()
        first = dt.date(2026, 1, 5)
        db.session.add_all(
            WorkScheduleEntry(assignment_id=assignment.id, work_date=first + dt.timedelta(days=i),
                              start_time="09:00", planned_hours=Decimal("4.5"))
            for i in range(60)
        )
        db.session.commit()
    officer = login_as(Role.OFFICER)
    for doc_type in (DocumentType.WORK_SCHEDULE, DocumentType.REFERRAL):
        assert _generate(officer, case_id, doc_type).status_code == 302
    for doc in _generated(app, case_id):
        data = officer.get(f"/documentview/download/{doc.id}").data
        text = text_of(data)
        assert squeezed(f"{LONG_GIVEN} {LONG_SURNAME}") in squeezed(text)
        if doc.filename.startswith("darba-grafiks"):
            assert "05.01.2026" in text and "05.03.2026" in text  # first and 60th day
            assert "270" in text  # 60 × 4,5 planned hours
        for number, img in enumerate(pages_as_images(data), 1):
            assert ink_in_margins(img) == {"left": 0, "right": 0, "top": 0, "bottom": 0}, (
                doc.filename, number)


# --- access ------------------------------------------------------------------------------


def test_only_those_who_may_see_the_case_download_and_only_its_editors_generate(
    app: Flask, base: Any, templates: None, login_as: Any
) -> None:
    case_id = _new_case(app, base, CaseFunction.FORCED_LABOUR)
    assert _generate(login_as(Role.OFFICER), case_id, DocumentType.REFERRAL).status_code == 302
    (doc,) = _generated(app, case_id)
    # Another unit's officer and manager: the case does not exist for them.
    for who in ("OfficerB", "ManagerB"):
        c = login_as(who)
        assert c.get(f"/documentview/download/{doc.id}").status_code == 404
        assert _generate(c, case_id, DocumentType.REFERRAL).status_code == 404
    # A colleague of the unit sees the case and downloads, but the case is not theirs to add to.
    colleague = login_as("Officer2")
    assert colleague.get(f"/documentview/download/{doc.id}").status_code == 200
    assert _generate(colleague, case_id, DocumentType.REFERRAL).status_code == 403
    assert 'id="prepare-document"' not in colleague.get(f"/caseview/show/{case_id}").get_data(True)
    # The unit manager may (every case of the unit).
    assert _generate(login_as(Role.UNIT_MANAGER), case_id,
                     DocumentType.WORK_SCHEDULE).status_code == 302
    # No case screens at all for analysts, form admins and portal users.
    for who in (Role.ANALYST, Role.FORM_ADMIN, Role.CLIENT, Role.EMPLOYER):
        c = login_as(who)
        assert _generate(c, case_id, DocumentType.REFERRAL).status_code in (302, 403)
        assert c.get(f"/documentview/download/{doc.id}").status_code in (302, 403)
    assert len(_generated(app, case_id)) == 2


def test_template_screen_is_for_administrators(app: Flask, templates: None,
                                               login_as: Any) -> None:
    for who in (Role.ADMIN, Role.FORM_ADMIN):
        assert login_as(who).get("/documenttemplates/").status_code == 200
    for who in (Role.OFFICER, Role.UNIT_MANAGER, Role.ANALYST, Role.CLIENT):
        assert login_as(who).get("/documenttemplates/").status_code in (302, 403)
        assert login_as(who).post("/documenttemplates/referral/version/1/publish").status_code \
            in (302, 403)


# --- templates in versions ---------------------------------------------------------------


def _form(content: dict[str, Any], action: str = "publish") -> dict[str, str]:
    return {
        "title_lv": content["title"]["lv"], "title_en": content["title"]["en"],
        "intro_lv": content["intro"]["lv"], "intro_en": content["intro"]["en"],
        "closing_lv": content["closing"]["lv"], "closing_en": content["closing"]["en"],
        "fields": "\n".join(content["fields"]),
        "signatures_lv": "\n".join(content["signatures"]["lv"]),
        "signatures_en": "\n".join(content["signatures"]["en"]),
        "note": "", "action": action,
    }


def _published_content(app: Flask, doc_type: DocumentType) -> tuple[int, dict[str, Any]]:
    from portal.extensions import db
    from portal.services import paperwork

    with app.app_context():
        version = paperwork.published(db.session, doc_type)
        return version.id, dict(version.content)


def test_admin_edits_a_template_and_documents_record_their_version(
    app: Flask, base: Any, templates: None, login_as: Any
) -> None:
    case_id = _new_case(app, base, CaseFunction.SUPERVISION_CONDITIONAL_SENTENCE)
    officer = login_as(Role.OFFICER)
    assert _generate(officer, case_id, DocumentType.DECLARATION).status_code == 302
    old_id, content = _published_content(app, DocumentType.DECLARATION)

    content["title"]["lv"] = "Apliecinājums par uzraudzības noteikumiem"
    content["fields"] = ["client.birth_date", "client.full_name"]  # fewer, reordered
    content["intro"]["lv"] = "Es, {client.full_name}, dzimis {client.birth_date}, apliecinu."
    admin = login_as(Role.ADMIN)
    resp = admin.post("/documenttemplates/declaration", data=_form(content))
    assert resp.status_code == 302
    new_id, _ = _published_content(app, DocumentType.DECLARATION)
    assert new_id != old_id

    assert _generate(officer, case_id, DocumentType.DECLARATION).status_code == 302
    first, second = _generated(app, case_id)
    assert (first.template_version_id, second.template_version_id) == (old_id, new_id)
    text = text_of(officer.get(f"/documentview/download/{second.id}").data)
    assert "Apliecinājums par uzraudzības noteikumiem" in text
    assert "dzimis 17.05.1990" in text
    assert text.index("Date of birth" if "Date of birth" in text else "Dzimšanas datums") < \
        text.index("Vārds, uzvārds")
    assert "Pienākumi" not in text  # the obligations table was taken out
    # The old version is unchanged and can be published again.
    assert admin.post("/documenttemplates/declaration/version/1/publish").status_code == 302
    assert _published_content(app, DocumentType.DECLARATION)[0] == old_id
    # Saving the same content again makes no new version.
    from portal.extensions import db

    with app.app_context():
        before = db.session.scalar(select(func.count(DocumentTemplateVersion.id)))
    admin.post("/documenttemplates/declaration", data=_form(content, "save"))
    with app.app_context():
        assert db.session.scalar(select(func.count(DocumentTemplateVersion.id))) == before


@pytest.mark.parametrize(
    ("change", "where", "message"),
    [
        ({"fields": ["client.full_name", "client.shoe_size"]}, "fields",
         "Nezināms lauks “client.shoe_size”"),
        ({"intro": {"lv": "Sveiki, {client.nickname}!", "en": ""}}, "intro_lv",
         "Nezināms lauks “client.nickname”"),
        ({"closing": {"lv": "", "en": "See {work.schedule}"}}, "closing_en",
         "“work.schedule”"),
        # A referral knows no evaluation-report fields.
        ({"fields": ["report.conclusion"]}, "fields", "Nezināms lauks “report.conclusion”"),
        ({"title": {"lv": "", "en": "Referral"}}, "title_lv", "Ievadiet nosaukumu"),
    ],
)
def test_template_naming_an_unknown_field_is_refused_beside_the_field(
    app: Flask, templates: None, login_as: Any, change: dict[str, Any], where: str, message: str
) -> None:
    from portal.extensions import db

    old_id, content = _published_content(app, DocumentType.REFERRAL)
    content.update(change)
    with app.app_context():
        before = db.session.scalar(select(func.count(DocumentTemplateVersion.id)))
    resp = login_as(Role.ADMIN).post("/documenttemplates/referral", data=_form(content))
    assert resp.status_code == 422
    page = resp.get_data(as_text=True)
    assert f'data-field="{where}">' in page
    beside = page.split(f'data-field="{where}">', 1)[1].split("</p>", 1)[0]
    assert message in beside.replace("&#34;", '"')
    with app.app_context():
        assert db.session.scalar(select(func.count(DocumentTemplateVersion.id))) == before
    assert _published_content(app, DocumentType.REFERRAL)[0] == old_id


def test_a_shipped_template_file_with_an_unknown_field_loads_nothing(
    app: Flask, templates: None, tmp_path: Path
) -> None:
    from portal.extensions import db
    from portal.services import paperwork

    (tmp_path / "a_declaration.json").write_text(
        '{"type": "declaration", "title": {"lv": "A", "en": "A"}, "fields": ["case.number"]}',
        encoding="utf-8",
    )
    (tmp_path / "referral.json").write_text(
        '{"title": {"lv": "N", "en": "R"}, "fields": ["client.full_name", "client.colour"]}',
        encoding="utf-8",
    )
    with app.app_context():
        before = db.session.scalar(select(func.count(DocumentTemplateVersion.id)))
        with pytest.raises(paperwork.TemplateRejected) as err:
            paperwork.load_defaults(db.session, tmp_path, force=True)
        db.session.rollback()
        assert list(err.value.problems) == ["referral.json: fields"]
        assert db.session.scalar(select(func.count(DocumentTemplateVersion.id))) == before


# --- bad input ---------------------------------------------------------------------------


def test_bad_requests_get_a_clear_message_and_store_nothing(
    app: Flask, base: Any, templates: None, login_as: Any
) -> None:
    from portal.extensions import db

    officer = login_as(Role.OFFICER)
    case_id = _new_case(app, base, CaseFunction.FORCED_LABOUR)
    assert _generate(officer, case_id, "no_such_type").status_code == 404
    assert _generate(officer, case_id, "").status_code == 404
    assert _generate(officer, 99_999_999, DocumentType.REFERRAL).status_code == 404

    # A type of another process: refused with a message on the case page.
    resp = _generate(officer, case_id, DocumentType.EVALUATION_REPORT)
    assert resp.status_code == 302
    page = officer.get(resp.headers["Location"]).get_data(as_text=True)
    assert "Šis dokuments neattiecas uz šīs funkcijas lietu." in page

    # A referral without a work assignment: the message says what to add.
    with app.app_context():
        db.session.query(WorkScheduleEntry).filter(WorkScheduleEntry.assignment_id.in_(
            select(WorkAssignment.id).where(WorkAssignment.case_id == case_id)
        )).delete(synchronize_session=False)
        for model in ("HoursLog", "ControlAct", "NoShow", "WorkIncident"):
            import portal.models as m

            cls = getattr(m, model)
            db.session.query(cls).filter(cls.assignment_id.in_(
                select(WorkAssignment.id).where(WorkAssignment.case_id == case_id)
            )).delete(synchronize_session=False)
        db.session.query(WorkAssignment).filter_by(case_id=case_id).delete()
        db.session.commit()
    resp = _generate(officer, case_id, DocumentType.REFERRAL)
    page = officer.get(resp.headers["Location"]).get_data(as_text=True)
    assert "Lietai vēl nav darba norīkojuma" in page
    assert _generated(app, case_id) == []


def test_markup_in_case_data_is_printed_as_text(
    app: Flask, base: Any, templates: None, login_as: Any
) -> None:
    case_id = _new_case(app, base, CaseFunction.FORCED_LABOUR, given="<b>Anna</b>",
                        surname="O'Neil & Dēls", address="<para>Iela 1</para>")
    officer = login_as(Role.OFFICER)
    assert _generate(officer, case_id, DocumentType.REFERRAL).status_code == 302
    (doc,) = _generated(app, case_id)
    text = text_of(officer.get(f"/documentview/download/{doc.id}").data)
    assert "<b>Anna</b> O'Neil & Dēls" in text and "<para>Iela 1</para>" in text


def test_a_failure_after_the_pdf_is_stored_leaves_no_row_and_no_file(
    app: Flask, base: Any, templates: None, login_as: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from portal.services import audit

    case_id = _new_case(app, base, CaseFunction.FORCED_LABOUR)
    folder = Path(app.config["UPLOAD_FOLDER"])
    folder.mkdir(parents=True, exist_ok=True)
    files_before = set(folder.iterdir())

    def broken(*args: Any, **kwargs: Any) -> None:
        raise RuntimeError("the database went away")

    monkeypatch.setattr(audit, "record_access", broken)
    app.config["PROPAGATE_EXCEPTIONS"] = False
    try:
        resp = _generate(login_as(Role.OFFICER), case_id, DocumentType.REFERRAL)
    finally:
        app.config["PROPAGATE_EXCEPTIONS"] = None
    assert resp.status_code == 500
    assert _generated(app, case_id) == []
    assert set(folder.iterdir()) == files_before


def test_the_demo_loads_every_template(app: Flask, templates: None) -> None:
    from portal.extensions import db
    from portal.services import paperwork

    with app.app_context():
        for doc_type in DocumentType:
            version = paperwork.published(db.session, doc_type)
            assert version is not None and version.content["fields"], doc_type
        assert db.session.scalar(select(func.count(Client.id))) > 0
