"""Case and decision screens, with the case page that shows the whole file in one place."""

from __future__ import annotations

from typing import Any

from flask import Response, abort, request
from flask_appbuilder import AppBuilder
from flask_appbuilder.baseviews import expose
from flask_appbuilder.security.decorators import has_access
from flask_babel import lazy_gettext as _l
from wtforms import StringField
from wtforms.validators import Optional

from portal.extensions import db
from portal.models import Case, CaseStatus, Decision, PlusUser
from portal.security.filters import same_unit_users
from portal.services import access, audit, paperwork
from portal.services.casework import case_context, case_file, case_history, cases, exports
from portal.services.casework.rules import today
from portal.services.exchanges import messages, notices
from portal.services.supervision import overview as supervision_overview
from portal.views.base import PlusInterface, ScopedModelView
from portal.views.case_context import client_picker
from portal.views.fields import (
    amount_validator,
    case_number_validator,
    closure_reason_validator,
    end_after_start,
    status_validator,
)

CASE_LABELS = {
    "number": _l("Case number"),
    "client": _l("Client"),
    "function": _l("Function"),
    "status": _l("Status"),
    "closure_reason": _l("Closure reason"),
    "start_date": _l("Start date"),
    "end_date": _l("End date"),
    "officer": _l("Responsible officer"),
    "unit": _l("Territorial unit"),
    "decision": _l("Decision"),
    "hours_ordered": _l("Hours ordered"),
    "notes": _l("Notes"),
}

DECISION_LABELS = {
    "client": _l("Client"),
    "decision_type": _l("Decision type"),
    "institution": _l("Issuing institution"),
    "number": _l("Number"),
    "decision_date": _l("Decision date"),
    "effective_date": _l("Date of entry into force"),
    "criminal_law_articles": _l("Criminal Law articles"),
    "violent_offence": _l("Violent offence"),
    "sexual_offence": _l("Sexual offence"),
    "forced_labour_hours": _l("Forced labour hours ordered"),
    "community_work_hours": _l("Community work hours ordered"),
    "supervision_months": _l("Supervision term (months)"),
    "penalty_details": _l("Penalty details"),
    "received_electronically": _l("Received electronically"),
    "source_system": _l("Source system"),
}


class CaseView(ScopedModelView):
    """Cases: list, the case page, and status changes within the workflow."""

    datamodel = PlusInterface(Case)
    list_title = _l("Cases")
    show_title = _l("Case")
    add_title = _l("Open a case")
    edit_title = _l("Edit case")
    label_columns = CASE_LABELS
    list_columns = ["number", "client", "function", "status", "start_date", "officer", "unit"]
    search_columns = ["number", "status", "function", "start_date"]
    add_columns = [
        "number", "client", "function", "status", "start_date", "end_date", "officer", "decision",
        "hours_ordered", "notes",
    ]
    edit_columns = [
        "number", "function", "status", "closure_reason", "start_date", "end_date", "officer",
        "decision", "hours_ordered", "notes",
    ]
    order_columns = ["number", "start_date", "status"]
    base_order = ("id", "desc")
    show_template = "plus/case_show.html"
    list_template = "plus/case_list.html"
    validators_columns = {
        "number": [case_number_validator],
        "end_date": [end_after_start],
        "status": [status_validator],
        "closure_reason": [closure_reason_validator],
        "hours_ordered": [Optional(), amount_validator(2000)],
    }
    description_columns = {
        "number": _l("Leave empty to have the system issue the next number."),
    }
    case_relations = ("client", "decision")
    # The number is issued by the system unless an officer types a (legacy) one in.
    add_form_extra_fields = {
        "number": StringField(
            _l("Case number"),
            validators=[Optional(), case_number_validator],
            description=_l("Leave empty to have the system issue the next number."),
        ),
        "client": client_picker(),
    }

    # Responsible officers come from the user's own unit (ScopedModelView merges this first).
    add_form_query_rel_fields = {"officer": same_unit_users()}
    edit_form_query_rel_fields = {"officer": same_unit_users()}

    def pre_add(self, item: Case) -> None:
        actor = access.current_actor()
        if not actor.does_casework:
            raise PermissionError(str(_l("You may not open cases.")))
        if item.unit_id is None:
            item.unit_id = actor.unit_id if actor.unit_id else _first_unit_id()
        if not actor.is_admin and item.unit_id != actor.unit_id:
            raise PermissionError(str(_l("You may open cases only in your own unit.")))
        if item.officer is None and actor.is_officer:
            # An officer opening a case becomes its responsible officer.
            item.officer = db.session.get(PlusUser, actor.user_id)
        if not item.number:
            with db.session.no_autoflush:  # the half-built case must not flush early
                item.number = cases.next_case_number(db.session, item.start_date.year)
        if item.status is None:
            item.status = CaseStatus.OPENED
        if item.decision is not None and item.hours_ordered is None:
            item.hours_ordered = (
                item.decision.forced_labour_hours or item.decision.community_work_hours
            )

    def pre_update(self, item: Case) -> None:
        return None

    @expose("/show/<pk>", methods=["GET"])
    @has_access
    def show(self, pk: Any) -> Any:
        item = self.datamodel.get(pk, self._base_filters)
        if item is None:
            abort(404)
        actor = access.current_actor()
        audit.record_access(
            db.session, user_id=actor.user_id, action="case.show", client_id=item.client_id,
            case_id=item.id,
        )
        # No commit here: the read is noted and written after the response, and a commit
        # would expire the case and make every record below load again.
        data = case_file.build(db.session, item.id, actor)
        case_notices = notices.for_case(db.session, item.id, actor)
        # FAB's "back" and the return after editing the case lead here, not to the list.
        self.update_redirect()
        can_edit = access.can_edit(db.session, item, actor)
        try:
            history_page = max(0, int(request.args.get("history_page", "0")))
        except ValueError:
            history_page = 0
        return self.render_template(
            self.show_template,
            pk=pk,
            title=self.show_title,
            file=data,
            can_edit=can_edit,
            # adding records other than documents (a closed case takes only those)
            can_add=can_edit and cases.takes_records(item.status),
            record_kinds=case_context.kinds_for(item, has_assignment=bool(data.assignments))
            if can_edit else [],
            history=case_history.case_page(db.session, item.id, actor, page=history_page),
            history_open="history_page" in request.args,
            submissions=case_context.submissions_of(db.session, item.id, actor),
            locale=_locale(),
            today=today(),
            document_types=[(t.value, paperwork.TYPE_LABELS[t])
                            for t in paperwork.available_types(item)],
            exchanges=messages.for_case(db.session, item.id, actor),
            notices=case_notices,
            summons=notices.summons_by_meeting(case_notices),
            supervision=supervision_overview.build(db.session, item, today()),
        )


    @expose("/export.csv", methods=["GET"])
    @has_access
    def export_csv(self) -> Response:
        """The case list as CSV, limited to the cases the user may see."""
        actor = access.current_actor()
        # Bulk reads of case data are logged like openings of a case page.
        audit.record_access(db.session, user_id=actor.user_id, action="case.export")
        db.session.commit()
        return Response(
            exports.cases_csv(db.session, actor),
            mimetype="text/csv",
            headers={
                "Content-Disposition": "attachment; filename=cases.csv",
                "Cache-Control": "no-store",
            },
        )


def _locale() -> str:
    from flask_babel import get_locale

    locale = get_locale()
    return locale.language if locale is not None else "lv"


def _first_unit_id() -> int | None:
    from sqlalchemy import select

    from portal.models import TerritorialUnit

    return db.session.execute(select(TerritorialUnit.id).limit(1)).scalar_one_or_none()


class DecisionView(ScopedModelView):
    """Decisions (judgments, penalty orders, requests) that cases execute."""

    datamodel = PlusInterface(Decision)
    list_title = _l("Decisions")
    show_title = _l("Decision")
    add_title = _l("Add decision")
    edit_title = _l("Edit decision")
    label_columns = DECISION_LABELS
    list_columns = ["number", "decision_type", "institution", "decision_date", "client"]
    search_columns = ["number", "institution", "decision_date"]
    add_columns = [
        "client", "decision_type", "institution", "number", "decision_date", "effective_date",
        "criminal_law_articles", "violent_offence", "sexual_offence", "forced_labour_hours",
        "community_work_hours", "supervision_months", "penalty_details",
    ]
    edit_columns = add_columns
    # Received electronically is set only by a connector (portal.services.intake.changes,
    # CONNECTOR_ONLY), so the indicator cannot be ticked by hand.
    show_columns = [*add_columns, "received_electronically", "source_system"]
    base_order = ("id", "desc")
    validators_columns = {
        "forced_labour_hours": [Optional(), amount_validator(480)],
        "community_work_hours": [Optional(), amount_validator(480)],
        "supervision_months": [Optional(), amount_validator(120)],
    }
    case_relations = ("client",)
    add_form_extra_fields = {"client": client_picker(required=False)}
    edit_form_extra_fields = {"client": client_picker(required=False)}

    def pre_add(self, item: Decision) -> None:
        if not access.current_actor().does_casework:
            raise PermissionError(str(_l("You may not add decisions.")))

    def pre_update(self, item: Decision) -> None:
        return None


def register(appbuilder: AppBuilder) -> None:
    """Add the case and decision screens to the menu."""
    appbuilder.add_view(
        CaseView, "Cases", label=_l("Cases"), icon="fa-folder", category="Casework"
    )
    appbuilder.add_view(
        DecisionView, "Decisions", label=_l("Decisions"), icon="fa-gavel", category="Casework"
    )
