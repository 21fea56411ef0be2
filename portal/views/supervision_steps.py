"""Supervision step by step: compliance per obligation at a meeting, the structured risk and
needs assessment, the response ladder, later decisions and the catalogues. Thin: the rules
are in :mod:`portal.services.supervision`."""

from __future__ import annotations

from typing import Any

from flask import abort, flash, g, redirect, request, url_for
from flask_appbuilder import AppBuilder, BaseView
from flask_appbuilder.baseviews import expose
from flask_appbuilder.security.decorators import has_access
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from markupsafe import Markup
from sqlalchemy import select
from wtforms import DateField, IntegerField, SelectField, TextAreaField
from wtforms.validators import Optional

from portal.extensions import db
from portal.labels import enum_choices, enum_label
from portal.models import (
    Addressee,
    AssessmentItem,
    Case,
    CaseDecision,
    ClosureReason,
    Compliance,
    Decision,
    EconomicActivity,
    Meeting,
    MeetingObligationCheck,
    ObligationType,
    Process,
    ResponseStep,
    RiskNeedsAssessment,
    SubmissionKind,
    Violation,
    ViolationResponse,
)
from portal.services import access, audit, paperwork
from portal.services.casework import cases
from portal.services.casework.rules import today
from portal.services.errors import ValidationFailed
from portal.services.supervision import assessment, obligations, term, violations
from portal.views.base import PlusInterface, ScopedModelView
from portal.views.case_context import CaseContextMixin
from portal.views.fields import CountedTextArea
from portal.views.supervision_rules import decision_link, obligation_in_force

LABELS = {
    "case": _l("Case"),
    "meeting": _l("Meeting"),
    "obligation": _l("Obligation"),
    "compliance": _l("Compliance"),
    "note": _l("Note"),
    "violation": _l("Violation"),
    "step": _l("Response"),
    "due_date": _l("Due date"),
    "done_date": _l("Done on"),
    "submission_kind": _l("Submission asks for"),
    "addressee": _l("Addressee"),
    "document": _l("Document"),
    "decision": _l("Decision"),
    "role": _l("What the decision does"),
    "effective_date": _l("Date of effect"),
    "months": _l("Months"),
    "until_date": _l("Suspended until"),
    "code": _l("Code"),
    "name": _l("Name (Latvian)"),
    "name_en": _l("Name (English)"),
    "default_source": _l("Usually set by"),
    "active": _l("In use"),
    "need_area": _l("Need area"),
    "text": _l("Item (Latvian)"),
    "text_en": _l("Item (English)"),
    "max_score": _l("Highest score"),
    "position": _l("Order"),
}


class BlankIntegerField(IntegerField):
    """A whole number that may be left empty (None) without stopping the validators."""

    def process_formdata(self, valuelist: list[Any]) -> None:
        if valuelist and not str(valuelist[0]).strip():
            self.data = None
            return
        super().process_formdata(valuelist)


class MeetingObligationCheckView(ScopedModelView):
    """Compliance with each obligation, as recorded at meetings."""

    datamodel = PlusInterface(MeetingObligationCheck)
    list_title = _l("Compliance with obligations")
    label_columns = LABELS
    list_columns = ["meeting", "obligation", "compliance", "note"]
    add_columns = ["meeting", "obligation", "compliance", "note"]
    edit_columns = ["compliance", "note"]
    base_order = ("id", "desc")
    validators_columns = {"obligation": [obligation_in_force]}
    case_relations = ("meeting", "obligation")

    def pre_add(self, item: MeetingObligationCheck) -> None:
        if item.meeting is not None:
            item.case_id = item.meeting.case_id
        super().pre_add(item)


class ViolationResponseView(ScopedModelView):
    """The steps of the response ladder; marking one done is an edit."""

    datamodel = PlusInterface(ViolationResponse)
    list_title = _l("Responses to violations")
    label_columns = LABELS
    list_columns = ["case", "violation", "step", "due_date", "done_date"]
    # New steps come from the ladder (SupervisionStepsView.respond), which sets the deadline.
    base_permissions = ["can_list", "can_show", "can_edit", "can_delete"]
    add_columns = ["case", "violation", "step", "due_date", "done_date", "note"]
    edit_columns = ["done_date", "note"]
    show_columns = ["case", "violation", "step", "due_date", "done_date", "submission_kind",
                    "addressee", "document", "note"]
    base_order = ("due_date", "desc")
    case_relations = ("case", "violation")


class CaseDecisionView(CaseContextMixin, ScopedModelView):
    """Decisions made after a case opened; the term and obligations follow them."""

    case_section = "case-decisions"

    datamodel = PlusInterface(CaseDecision)
    list_title = _l("Later decisions")
    label_columns = LABELS
    list_columns = ["case", "decision", "role", "effective_date", "months", "until_date"]
    add_columns = ["case", "decision", "role", "effective_date", "months", "until_date", "note"]
    edit_columns = add_columns
    base_order = ("effective_date", "desc")
    description_columns = {
        "months": _l("Extension: months added. Amendment: the new term in months."),
    }
    validators_columns = {
        "decision": [decision_link("decision")],
        "effective_date": [decision_link("effective_date")],
        "until_date": [decision_link("until_date")],
    }
    # Empty months is a value here (an amendment may leave the term as it was), yet an
    # extension without months must be refused beside the field: FAB's Optional() would stop.
    add_form_extra_fields = {
        "months": BlankIntegerField(
            _l("Months"), validators=[decision_link("months")],
            description=_l("Extension: months added. Amendment: the new term in months.")),
    }
    edit_form_extra_fields = dict(add_form_extra_fields)
    case_relations = ("case", "decision")

    def _narrow(self, form: Any) -> None:
        super()._narrow(form)
        case = self.context_case()
        if case is None or not hasattr(form, "decision"):
            return
        # From the case page, only the client's decisions that are not on the case yet: not
        # every decision the officer may see.
        attached = select(CaseDecision.decision_id).where(CaseDecision.case_id == case.id)
        rows = list(db.session.scalars(
            select(Decision).where(Decision.client_id == case.client_id,
                                   Decision.id.not_in(attached),
                                   Decision.id != (case.decision_id or 0))
            .order_by(Decision.decision_date.desc(), Decision.id.desc())))
        form.decision.query_func = lambda: rows
        form.decision._object_list = None

    def pre_add(self, item: CaseDecision) -> None:
        super().pre_add(item)
        if item.case is not None:
            # The term before this decision, for the obligations to follow (request-local).
            g.term_before = term.of_case(db.session, item.case)

    def post_add(self, item: CaseDecision) -> None:
        super().post_add(item)
        before = g.pop("term_before", None)
        if before is not None:
            term.follow(db.session, item.case, before)
            db.session.commit()


class ObligationTypeView(ScopedModelView):
    """The catalogue of obligations (administrators)."""

    datamodel = PlusInterface(ObligationType)
    list_title = _l("Obligation catalogue")
    label_columns = LABELS
    list_columns = ["code", "name", "default_source", "active"]
    add_columns = ["code", "name", "name_en", "default_source", "active"]
    edit_columns = add_columns
    base_order = ("code", "asc")
    # The code is the catalogue's identifier, shown as written (not a word to translate).
    formatters_columns = {"code": lambda v: Markup("<code>{}</code>").format(v or "")}


class AssessmentItemView(ScopedModelView):
    """The items of the risk and needs instrument (administrators)."""

    datamodel = PlusInterface(AssessmentItem)
    list_title = _l("Risk and needs items")
    label_columns = LABELS
    list_columns = ["need_area", "text", "max_score", "position", "active"]
    add_columns = ["code", "need_area", "text", "text_en", "max_score", "position", "active"]
    edit_columns = add_columns
    base_order = ("position", "asc")


# --- the step pages ---------------------------------------------------------------------


def _editable_case(case_id: int, adds: type | None = None) -> Case:
    """The case a step page works on: 404 outside the user's scope, 403 where they may not
    add to it; a page that ``adds`` a record sends them back to a closed case's page, which
    says what it still takes."""
    actor = access.current_actor()
    case = db.session.scalars(
        select(Case).where(Case.id == case_id, access.case_visible(actor))).first()
    if case is None:
        abort(404)
    if not access.can_add_to_case(db.session, case.id, actor):
        abort(403)
    if adds is not None:
        try:
            cases.check_takes_new(db.session, case.id, adds)
        except ValidationFailed as exc:
            flash(str(exc.message), "warning")
            abort(redirect(url_for("CaseView.show", pk=case.id)))
    return case


def _meeting_to_record(meeting_id: int, adds: type) -> tuple[Meeting, Case]:
    """A meeting the user sees (else 404) and its case, if they may add ``adds`` records to
    it (else 403, or back to a closed case's page)."""
    meeting = db.session.scalars(
        select(Meeting).where(Meeting.id == meeting_id,
                              access.condition(Meeting, access.current_actor()))).first()
    if meeting is None:
        abort(404)
    return meeting, _editable_case(meeting.case_id, adds)


def _field_errors(exc: ValidationFailed) -> dict[str, list[str]]:
    return {exc.field or "": [str(exc.message)]}


class SupervisionStepsView(BaseView):
    """Pages reached from the case page's supervision section."""

    route_base = "/supervision"
    default_view = "compliance"

    @expose("/meeting/<int:meeting_id>/compliance", methods=["GET", "POST"])
    @has_access
    def compliance(self, meeting_id: int) -> Any:
        """Compliance with each obligation in force on the meeting's day."""
        actor = access.current_actor()
        meeting, case = _meeting_to_record(meeting_id, MeetingObligationCheck)
        due = obligations.due_at(db.session, meeting)
        stored = {c.obligation_id: c for c in meeting.checks}
        errors: dict[str, list[str]] = {}
        values = {o.id: (stored[o.id].compliance.value if o.id in stored else "",
                         stored[o.id].note or "" if o.id in stored else "") for o in due}
        if request.method == "POST":
            self._check_csrf()
            answers = []
            for o in due:
                raw = request.form.get(f"compliance_{o.id}", "")
                note = request.form.get(f"note_{o.id}", "")
                values[o.id] = (raw, note)
                try:
                    value = Compliance(raw) if raw else None
                except ValueError:
                    value = None
                answers.append(obligations.Answer(o.id, value, note))
            try:
                obligations.record_compliance(db.session, meeting, answers)
                db.session.commit()
            except ValidationFailed as exc:
                db.session.rollback()
                errors = _field_errors(exc)
            else:
                flash(_("Compliance recorded."), "success")
                return redirect(url_for("CaseView.show", pk=case.id, _anchor="case-meetings"))
        else:
            audit.record_access(db.session, user_id=actor.user_id, action="supervision.compliance",
                                client_id=case.client_id, case_id=case.id)
            db.session.commit()
        return self.render_template(
            "supervision/compliance.html", case=case, meeting=meeting, due=due, values=values,
            errors=errors, choices=list(enum_choices(Compliance)),
        )

    @expose("/case/<int:case_id>/assess", methods=["GET", "POST"])
    @has_access
    def assess(self, case_id: int) -> Any:
        """A new risk and needs assessment: every item of the instrument scored."""
        actor = access.current_actor()
        case = _editable_case(case_id, RiskNeedsAssessment)
        if case.process is not Process.SUPERVISION:
            abort(404)
        catalogue = assessment.items(db.session)
        errors: dict[str, list[str]] = {}
        form = AssessmentForm()
        scores: dict[int, str] = {i.id: request.form.get(f"item_{i.id}", "") for i in catalogue}
        if request.method == "POST" and form.validate():
            try:
                done = assessment.record(
                    db.session, case, form.assessment_date.data,
                    {k: v for k, v in scores.items()}, summary=form.summary.data,
                    economic_activity=_economic(form.economic_activity.data))
                db.session.commit()
            except ValidationFailed as exc:
                db.session.rollback()
                errors = _field_errors(exc)
                if exc.field in ("assessment_date", "summary"):
                    getattr(form, exc.field).errors = [str(exc.message)]
            else:
                flash(_("Assessment stored: %(level)s risk, next assessment due %(due)s.",
                        level=enum_label(done.risk_level),
                        due=done.reassessment_due.strftime("%d.%m.%Y")), "success")
                return redirect(url_for("CaseView.show", pk=case.id, _anchor="case-assessments"))
        elif request.method == "GET":
            form.assessment_date.data = today()
            audit.record_access(db.session, user_id=actor.user_id, action="supervision.assess",
                                client_id=case.client_id, case_id=case.id)
            db.session.commit()
        groups: dict[Any, list[AssessmentItem]] = {}
        for item in catalogue:
            groups.setdefault(item.need_area, []).append(item)
        return self.render_template(
            "supervision/assess.html", case=case, form=form, groups=groups, scores=scores,
            errors=errors, history=assessment.history(db.session, case.id),
            lang=str(get_locale() or "lv"),
        )

    @expose("/violation/<int:violation_id>/respond", methods=["GET", "POST"])
    @has_access
    def respond(self, violation_id: int) -> Any:
        """The next step of the response ladder to a violation, with its document."""
        actor = access.current_actor()
        violation = db.session.scalars(
            select(Violation).where(Violation.id == violation_id,
                                    access.condition(Violation, actor))).first()
        if violation is None:
            abort(404)
        case = _editable_case(violation.case_id, ViolationResponse)
        form = RespondForm()
        proposed = violations.next_step(db.session, case.id)
        if request.method == "GET":
            form.step.data = proposed.value
            audit.record_access(db.session, user_id=actor.user_id, action="supervision.respond",
                                client_id=case.client_id, case_id=case.id)
            db.session.commit()
        elif form.validate():
            try:
                response = violations.respond(
                    db.session, violation, _member(ResponseStep, form.step.data),
                    addressee=_member(Addressee, form.addressee.data),
                    submission_kind=_member(SubmissionKind, form.submission_kind.data),
                    note=form.note.data)
                db.session.commit()
            except ValidationFailed as exc:
                db.session.rollback()
                if exc.field and hasattr(form, exc.field):
                    getattr(form, exc.field).errors = [str(exc.message)]
                else:
                    flash(str(exc.message), "danger")
            else:
                self._document(response, actor)
                return redirect(url_for("CaseView.show", pk=case.id, _anchor="case-violations"))
        return self.render_template("supervision/respond.html", case=case, violation=violation,
                                    form=form, proposed=proposed)

    def _document(self, response: ViolationResponse, actor: access.Actor) -> None:
        """File the warning's or the submission's document on the case, where one fits."""
        doc_type = violations.DOCUMENTS.get(response.step)
        if doc_type is None:
            flash(_("The response is recorded."), "success")
            return
        try:
            doc = paperwork.generate(db.session, response.case_id, doc_type.value, actor)
            response.document_id = doc.id
            db.session.commit()
        except ValidationFailed as exc:
            db.session.rollback()
            flash(_("The response is recorded; its document could not be prepared: %(why)s",
                    why=str(exc.message)), "warning")
        else:
            flash(_("The response is recorded and its document filed on the case."), "success")

    @expose("/case/<int:case_id>/close", methods=["GET", "POST"])
    @has_access
    def close(self, case_id: int) -> Any:
        """Close the supervision: the reason and the date; the execution notice is queued."""
        actor = access.current_actor()
        case = _editable_case(case_id)
        if case.process is not Process.SUPERVISION:
            abort(404)
        form = CloseForm()
        the_term = term.of_case(db.session, case)
        if request.method == "GET":
            form.closed_on.data = min(the_term.end or today(), today())
            audit.record_access(db.session, user_id=actor.user_id, action="supervision.close",
                                client_id=case.client_id, case_id=case.id)
            db.session.commit()
        elif form.validate():
            try:
                term.close(db.session, case, _member(ClosureReason, form.reason.data),
                           form.closed_on.data)
                db.session.commit()
            except ValidationFailed as exc:
                db.session.rollback()
                field_name = {"closure_reason": "reason", "end_date": "closed_on"}.get(
                    exc.field or "", exc.field or "")
                if hasattr(form, field_name):
                    getattr(form, field_name).errors = [str(exc.message)]
                else:
                    flash(str(exc.message), "danger")
            else:
                flash(_("The supervision is closed."), "success")
                return redirect(url_for("CaseView.show", pk=case.id, _anchor="supervision"))
        return self.render_template("supervision/close.html", case=case, form=form,
                                    term=the_term)

    @staticmethod
    def _check_csrf() -> None:
        form = FlaskForm()
        if not form.validate():
            abort(400)


def _economic(value: str | None) -> EconomicActivity | None:
    return _member(EconomicActivity, value)


def _member(enum_cls: Any, value: str | None) -> Any:
    try:
        return enum_cls(value) if value else None
    except ValueError:
        return None


class RespondForm(FlaskForm):
    """The next step of the response ladder."""

    step = SelectField(_l("Response"), choices=lambda: list(enum_choices(ResponseStep)),
                       default=ResponseStep.TALK.value)
    addressee = SelectField(_l("Addressee"),
                            choices=lambda: [("", "—"), *enum_choices(Addressee)], default="",
                            description=_l("For a submission."))
    submission_kind = SelectField(_l("Submission asks for"),
                                  choices=lambda: [("", "—"), *enum_choices(SubmissionKind)],
                                  default="",
                                  description=_l("For a submission."))
    note = TextAreaField(_l("Note"), render_kw={"rows": 3}, widget=CountedTextArea())


class CloseForm(FlaskForm):
    """Closing the supervision."""

    reason = SelectField(_l("Closure reason"),
                         choices=lambda: [("", "—"), *enum_choices(ClosureReason)], default="")
    closed_on = DateField(_l("Closed on"), validators=[Optional()])


class AssessmentForm(FlaskForm):
    """The assessment's own fields; the item scores are read beside it."""

    assessment_date = DateField(_l("Assessment date"), validators=[Optional()])
    economic_activity = SelectField(
        _l("Economic activity"),
        choices=lambda: [("", "—"), *enum_choices(EconomicActivity)], default="",
        validators=[Optional()],
    )
    summary = TextAreaField(_l("Summary"), render_kw={"rows": 3}, widget=CountedTextArea())


def register(appbuilder: AppBuilder) -> None:
    """Add the step screens under the supervision menu, and the catalogues for admins."""
    for view, name, title, icon in (
        (MeetingObligationCheckView, "Compliance with obligations",
         _l("Compliance with obligations"), "fa-check-square-o"),
        (ViolationResponseView, "Responses to violations", _l("Responses to violations"),
         "fa-exclamation-triangle"),
        (CaseDecisionView, "Later decisions", _l("Later decisions"), "fa-gavel"),
        (ObligationTypeView, "Obligation catalogue", _l("Obligation catalogue"), "fa-book"),
        (AssessmentItemView, "Risk and needs items", _l("Risk and needs items"), "fa-book"),
    ):
        appbuilder.add_view(
            view, name, label=title, icon=icon, category="Supervision",
            category_label=_l("Supervision"), category_icon="fa-eye",
        )
    appbuilder.add_view_no_menu(SupervisionStepsView)
