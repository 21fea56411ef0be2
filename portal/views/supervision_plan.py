"""The supervision plan in depth and the start of supervision: goals with activities, the
plan's progress recorded at meetings, the registration of the start with its notices. Thin:
the rules are in :mod:`portal.services.supervision.plan` and ``.start``."""

from __future__ import annotations

from typing import Any

from flask import abort, flash, redirect, request, url_for
from flask_appbuilder import AppBuilder, BaseView
from flask_appbuilder.baseviews import expose
from flask_appbuilder.security.decorators import has_access
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from sqlalchemy import select
from wtforms import BooleanField, SelectField, TextAreaField

from portal.extensions import db
from portal.labels import enum_choices, enum_label
from portal.models import (
    GoalProgress,
    MeetingGoalProgress,
    NeedArea,
    PlanActivity,
    PlanGoal,
    Process,
    SupervisionPlan,
    SupervisionStart,
)
from portal.services import access, audit, paperwork
from portal.services.casework.rules import today
from portal.services.errors import ValidationFailed
from portal.services.supervision import plan as plans
from portal.services.supervision import start as starts
from portal.views.base import PlusInterface, ScopedModelView
from portal.views.localfields import LocalDateField
from portal.views.supervision_steps import (
    _editable_case,
    _field_errors,
    _meeting_to_record,
    _member,
)

LABELS = {
    "plan": _l("Supervision plan"),
    "need_area": _l("Need area"),
    "goal": _l("Goal"),
    "position": _l("Order"),
    "description": _l("Activity"),
    "due_date": _l("Due date"),
    "done": _l("Done"),
    "meeting": _l("Meeting"),
    "progress": _l("Progress"),
    "note": _l("Note"),
    "case": _l("Case"),
    "registered_on": _l("Start registered on"),
    "record_category": _l("Record category"),
    "registered_by": _l("Registered by"),
    "orphans_court": _l("Orphans' court told"),
    "police_document": _l("Notice to the State Police"),
    "orphans_court_document": _l("Notice to the orphans' court"),
}


class PlanGoalView(ScopedModelView):
    """Goals of supervision plans; a new goal comes from the plan (its need area checked)."""

    datamodel = PlusInterface(PlanGoal)
    list_title = _l("Plan goals")
    label_columns = LABELS
    base_permissions = ["can_list", "can_show", "can_edit", "can_delete"]
    list_columns = ["plan", "need_area", "goal"]
    show_columns = ["plan", "need_area", "goal", "position"]
    edit_columns = ["goal", "position"]
    base_order = ("id", "desc")
    case_relations = ("plan",)


class PlanActivityView(ScopedModelView):
    """Activities towards plan goals; marking one done is an edit."""

    datamodel = PlusInterface(PlanActivity)
    list_title = _l("Plan activities")
    label_columns = LABELS
    base_permissions = ["can_list", "can_show", "can_edit", "can_delete"]
    list_columns = ["goal", "description", "due_date", "done"]
    show_columns = ["goal", "description", "due_date", "done"]
    edit_columns = ["description", "due_date", "done"]
    base_order = ("id", "desc")
    case_relations = ("goal",)


class MeetingGoalProgressView(ScopedModelView):
    """Progress with plan goals, as recorded at meetings."""

    datamodel = PlusInterface(MeetingGoalProgress)
    list_title = _l("Plan progress at meetings")
    label_columns = LABELS
    base_permissions = ["can_list", "can_show", "can_edit", "can_delete"]
    list_columns = ["meeting", "goal", "progress", "note"]
    show_columns = ["meeting", "goal", "progress", "note"]
    edit_columns = ["progress", "note"]
    base_order = ("id", "desc")
    case_relations = ("meeting", "goal")


class SupervisionStartView(ScopedModelView):
    """Registered starts of supervision; a new one comes from the case page."""

    datamodel = PlusInterface(SupervisionStart)
    list_title = _l("Starts of supervision")
    label_columns = LABELS
    base_permissions = ["can_list", "can_show", "can_edit"]
    list_columns = ["case", "registered_on", "orphans_court"]
    show_columns = ["case", "registered_on", "record_category", "registered_by", "orphans_court",
                    "police_document", "orphans_court_document", "note"]
    edit_columns = ["note"]
    base_order = ("registered_on", "desc")
    case_relations = ("case",)


# --- the step pages ---------------------------------------------------------------------


class GoalForm(FlaskForm):
    """A goal of the plan with its activities."""

    need_area = SelectField(_l("Need area"), default="")
    goal = TextAreaField(_l("Goal"), render_kw={"rows": 2})
    activities = TextAreaField(_l("Activities"), render_kw={"rows": 4},
                               description=_l("One activity a line."))
    due_date = LocalDateField(_l("Activities due by"))


class StartForm(FlaskForm):
    """Registering the start of supervision."""

    registered_on = LocalDateField(_l("Start registered on"))
    record_category = SelectField(_l("Record category"), default="")
    orphans_court = BooleanField(
        _l("Tell the orphans' court"),
        description=_l("Always for a minor; for an adult with children or other dependants "
                       "in their care."))
    note = TextAreaField(_l("Note"), render_kw={"rows": 2})


class SupervisionPlanStepsView(BaseView):
    """Pages reached from the case page's supervision plan and start."""

    route_base = "/supervision-plan"
    default_view = "goal"

    def _plan(self, plan_id: int) -> SupervisionPlan:
        actor = access.current_actor()
        found = db.session.scalars(
            select(SupervisionPlan).where(SupervisionPlan.id == plan_id,
                                          access.condition(SupervisionPlan, actor))).first()
        if found is None:
            abort(404)
        return found

    @expose("/plan/<int:plan_id>/goal", methods=["GET", "POST"])
    @has_access
    def goal(self, plan_id: int) -> Any:
        """A goal for an assessed need, with its activities."""
        actor = access.current_actor()
        the_plan = self._plan(plan_id)
        case = _editable_case(the_plan.case_id, PlanGoal)
        needs = plans.assessed_needs(db.session, case.id)
        form = GoalForm()
        form.need_area.choices = [("", "—")] + [(a.value, str(enum_label(a))) for a in needs]
        if request.method == "GET":
            audit.record_access(db.session, user_id=actor.user_id, action="supervision.plan_goal",
                                client_id=case.client_id, case_id=case.id)
            db.session.commit()
        elif form.validate():
            try:
                plans.add_goal(db.session, the_plan, _member(NeedArea, form.need_area.data),
                               form.goal.data, (form.activities.data or "").splitlines(),
                               due_date=form.due_date.data)
                db.session.commit()
            except ValidationFailed as exc:
                db.session.rollback()
                _beside(form, exc)
            else:
                flash(_("The goal is added to the plan."), "success")
                return redirect(url_for("CaseView.show", pk=case.id, _anchor="case-plans"))
        return self.render_template("supervision/plan_goal.html", case=case, plan=the_plan,
                                    form=form, needs=needs)

    @expose("/meeting/<int:meeting_id>/progress", methods=["GET", "POST"])
    @has_access
    def progress(self, meeting_id: int) -> Any:
        """Progress with each goal of the plan in force on the meeting's day."""
        actor = access.current_actor()
        meeting, case = _meeting_to_record(meeting_id, MeetingGoalProgress)
        due = plans.goals_at(db.session, meeting)
        stored = {p.goal_id: p for p in meeting.progress}
        errors: dict[str, list[str]] = {}
        values = {g.id: (stored[g.id].progress.value if g.id in stored else "",
                         stored[g.id].note or "" if g.id in stored else "") for g in due}
        done_now = {a.id: a.done for g in due for a in g.activities}
        if request.method == "POST":
            if not FlaskForm().validate():
                abort(400)
            answers = []
            ticked = {int(v) for v in request.form.getlist("activity_done") if v.isdigit()}
            for a in (a for g in due for a in g.activities):
                done_now[a.id] = a.id in ticked
            for g in due:
                raw = request.form.get(f"progress_{g.id}", "")
                note = request.form.get(f"note_{g.id}", "")
                values[g.id] = (raw, note)
                answers.append(plans.Answer(g.id, _member(GoalProgress, raw), note))
            try:
                plans.record_progress(db.session, meeting, answers, done_activities=ticked)
                db.session.commit()
            except ValidationFailed as exc:
                db.session.rollback()
                errors = _field_errors(exc)
                if exc.field == "meeting":
                    flash(str(exc.message), "danger")
            else:
                flash(_("The plan's progress is recorded."), "success")
                return redirect(url_for("CaseView.show", pk=case.id, _anchor="case-plans"))
        else:
            audit.record_access(db.session, user_id=actor.user_id,
                                action="supervision.plan_progress",
                                client_id=case.client_id, case_id=case.id)
            db.session.commit()
        return self.render_template(
            "supervision/plan_progress.html", case=case, meeting=meeting, due=due,
            values=values, done_now=done_now, errors=errors,
            choices=list(enum_choices(GoalProgress)))

    @expose("/case/<int:case_id>/start", methods=["GET", "POST"])
    @has_access
    def start(self, case_id: int) -> Any:
        """Register the start of supervision; the notices are generated and filed."""
        actor = access.current_actor()
        case = _editable_case(case_id, SupervisionStart)
        if case.process is not Process.SUPERVISION:
            abort(404)
        form = StartForm()
        form.record_category.choices = [("", "—"), *starts.category_choices()]
        minor = starts.is_minor(case, today())
        court_default, court_why = starts.orphans_court_default(case, today())
        if request.method == "GET":
            form.registered_on.data = today()
            form.record_category.data = starts.default_category(case) or ""
            form.orphans_court.data = court_default
            audit.record_access(db.session, user_id=actor.user_id,
                                action="supervision.start", client_id=case.client_id,
                                case_id=case.id)
            db.session.commit()
        elif form.validate():
            try:
                row = starts.register(
                    db.session, case, form.registered_on.data, form.record_category.data,
                    orphans_court=bool(form.orphans_court.data), note=form.note.data,
                    user_id=actor.user_id)
                db.session.commit()
            except ValidationFailed as exc:
                db.session.rollback()
                _beside(form, exc)
            else:
                self._notices(row, actor)
                return redirect(url_for("CaseView.show", pk=case.id, _anchor="supervision"))
        return self.render_template("supervision/start.html", case=case, form=form,
                                    minor=minor, court_why=court_why,
                                    done=starts.of_case(db.session, case.id))

    def _notices(self, row: SupervisionStart, actor: access.Actor) -> None:
        """Generate the notices of the start and file them on the case."""
        failed = []
        for doc_type in starts.documents_for(row):
            try:
                doc = paperwork.generate(db.session, row.case_id, doc_type.value, actor)
                starts.attach(row, doc_type, doc.id)
                db.session.commit()
            except ValidationFailed as exc:
                db.session.rollback()
                failed.append(f"{enum_label(doc_type)}: {exc.message}")
        if failed:
            flash(_("The start is registered; a notice could not be prepared: %(why)s",
                    why="; ".join(failed)), "warning")
        else:
            flash(_("The start is registered and its notices filed on the case."), "success")


def _beside(form: FlaskForm, exc: ValidationFailed) -> None:
    if exc.field and hasattr(form, exc.field):
        getattr(form, exc.field).errors = [str(exc.message)]
    else:
        flash(str(exc.message), "danger")


def register(appbuilder: AppBuilder) -> None:
    """Add the plan's and the start's screens under the supervision menu."""
    for view, name, title, icon in (
        (PlanGoalView, "Plan goals", _l("Plan goals"), "fa-bullseye"),
        (PlanActivityView, "Plan activities", _l("Plan activities"), "fa-tasks"),
        (MeetingGoalProgressView, "Plan progress at meetings", _l("Plan progress at meetings"),
         "fa-line-chart"),
        (SupervisionStartView, "Starts of supervision", _l("Starts of supervision"),
         "fa-flag"),
    ):
        appbuilder.add_view(
            view, name, label=title, icon=icon, category="Supervision",
            category_label=_l("Supervision"), category_icon="fa-eye",
        )
    appbuilder.add_view_no_menu(SupervisionPlanStepsView)
