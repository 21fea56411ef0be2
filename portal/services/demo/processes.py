"""The demo records of the five processes, per case: supervision, work, mediation, evaluation.

Mixed into the generator of :mod:`portal.services.demo.seed`, whose row buffers (``add``),
random source (``rng``) and date (``today``) these methods use.
"""

from __future__ import annotations

import datetime as dt
import math
import random
from decimal import Decimal

from portal.models import (
    CaseFunction,
    CaseStatus,
    ClosureReason,
    ControlAct,
    DecisionType,
    EconomicActivity,
    EvaluationReport,
    EvaluationReportRequest,
    EvaluationReportVersion,
    Gender,
    HoursLog,
    Mediation,
    MediationOutcome,
    MediationParty,
    MediationSession,
    Meeting,
    NoShow,
    Obligation,
    ObligationSource,
    PartyRole,
    ProgrammeParticipation,
    ReportedBy,
    ReportStatus,
    Requester,
    RequestStatus,
    RiskLevel,
    RiskNeedsAssessment,
    SessionPlace,
    SupervisionPlan,
    Violation,
    WorkAssignment,
    WorkIncident,
    WorkScheduleEntry,
)
from portal.services.casework import personal_code
from portal.services.demo.catalogue import (
    _ADULT_WORK,
    _COURT_OBLIGATIONS,
    _MAIL_DOMAINS,
    _MEETING_NOTES,
    _MINOR_WORK,
    _NEEDS,
    _PRISONS,
    _PROGRAMMES,
    _T,
    _VICTIM_COMPANIES,
    _VIOLATION_ACTIONS,
    _VIOLATIONS,
    _VPD_OBLIGATIONS,
    _address,
    _ascii,
    _CaseInfo,
    _Client,
    _phone,
    _stamp,
)
from portal.services.demo.evalmed import report_content


def _next_review(plan_day: dt.date, after: dt.date) -> dt.date:
    """The first half-yearly review of a plan made on ``plan_day`` on or after ``after``."""
    review = plan_day + dt.timedelta(days=180)
    while review < after:
        review += dt.timedelta(days=180)
    return review


class ProcessSeeding:
    """Per-case process records; needs the generator's ``add``, ``rng``, ``today`` and partners."""

    rng: random.Random
    today: dt.date

    # Supervision

    def _supervision(self, case: _CaseInfo, client: _Client, months: int) -> None:
        rng = self.rng
        today = self.today
        until = case.end or today
        set_by = (
            ObligationSource.PROSECUTOR
            if case.function is CaseFunction.SUPERVISION_RELEASE_FROM_LIABILITY
            else ObligationSource.COURT
        )
        term_end = case.start + dt.timedelta(days=months * 30)
        stamp = _stamp(case.start, 11)
        obligation_ids = []
        count = rng.randint(2, 4)
        descriptions = [(d, set_by) for d in rng.sample(_COURT_OBLIGATIONS, count - 1)]
        descriptions.append((rng.choice(_VPD_OBLIGATIONS), ObligationSource.VPD))
        for description, source in descriptions:
            obligation_ids.append(
                self.add(
                    Obligation,
                    case_id=case.id,
                    description=description,
                    set_by=source.value,
                    start_date=case.start,
                    end_date=case.end or term_end,
                    status=("in_force" if case.status is not CaseStatus.CLOSED else "ended"),
                    created_at=stamp,
                    updated_at=stamp,
                )
            )
        if case.status is not CaseStatus.OPENED:
            plan_day = min(case.start + dt.timedelta(days=rng.randint(7, 30)), until)
            self.add(
                SupervisionPlan,
                case_id=case.id,
                plan_date=plan_day,
                goals="Atrast pastāvīgu darbu; mazināt alkohola lietošanu; "
                "uzlabot attiecības ar ģimeni.",
                actions="Reģistrēties NVA; apmeklēt atkarību speciālistu; "
                "piedalīties probācijas programmā.",
                # Reviewed every half year: the next review of a plan still running lies
                # ahead, so the worklist shows the reviews due rather than every old plan.
                review_date=_next_review(plan_day, today),
                agreed_with_client=rng.random() < 0.92,
                created_at=_stamp(plan_day, 12),
                updated_at=_stamp(plan_day, 12),
            )
            self._assessment(case, client, min(case.start + dt.timedelta(days=5), until))
            if (until - case.start).days > 400 and rng.random() < 0.7:
                self._assessment(case, client, case.start + dt.timedelta(days=365))
        self._meetings(case, client, until)
        if case.status is not CaseStatus.OPENED:
            chance = 0.18
            if case.status is CaseStatus.SUSPENDED or case.closure is ClosureReason.NEW_OFFENCE:
                chance = 0.6
            if rng.random() < chance and (until - case.start).days > 20:
                for _ in range(rng.randint(1, 2)):
                    day = case.start + dt.timedelta(days=rng.randint(14, (until - case.start).days))
                    action, to_court = rng.choice(_VIOLATION_ACTIONS)
                    self.add(
                        Violation,
                        case_id=case.id,
                        violation_date=day,
                        description=rng.choice(_VIOLATIONS),
                        obligation_id=rng.choice(obligation_ids),
                        action_taken=action,
                        reported_to_court=to_court,
                        created_at=_stamp(day, 14),
                        updated_at=_stamp(day, 14),
                    )
            if rng.random() < 0.12:
                self._programme(case, case.start + dt.timedelta(days=rng.randint(30, 90)))

    def _assessment(self, case: _CaseInfo, client: _Client, day: dt.date) -> None:
        rng = self.rng
        risk = rng.choices((RiskLevel.LOW, RiskLevel.MEDIUM, RiskLevel.HIGH), (35, 45, 20))[0]
        needs = "; ".join(rng.sample(_NEEDS, rng.randint(1, 3)))
        self.add(
            RiskNeedsAssessment,
            case_id=case.id,
            assessment_date=day,
            risk_level=risk.value,
            needs=needs,
            summary=f"Noziedzīgas uzvedības atkārtošanās risks novērtēts; galvenās vajadzības: "
            f"{needs.lower()}.",
            economic_activity=client.economic.value,
            created_at=_stamp(day, 13),
            updated_at=_stamp(day, 13),
        )

    def _meetings(self, case: _CaseInfo, client: _Client, until: dt.date) -> None:
        rng = self.rng
        place = f"VPD {client.unit.spec.name}"
        economic = client.economic
        days: list[dt.date] = []
        if case.status is not CaseStatus.OPENED:
            day = case.start + dt.timedelta(days=rng.randint(3, 10))
            while day < until:
                days.append(day)
                day += dt.timedelta(days=rng.randint(14, 35))
        # Only the latest meetings: older ones add volume, not realism, to a demo.
        for day in days[-8:]:
            held = rng.random() < 0.9
            if held and economic is EconomicActivity.UNEMPLOYED and rng.random() < 0.12:
                economic = EconomicActivity.EMPLOYED
            at = _stamp(day, rng.randint(9, 16), rng.choice((0, 15, 30, 45)))
            self.add(
                Meeting,
                case_id=case.id,
                scheduled_at=at,
                place=place if rng.random() < 0.85 else "Klienta dzīvesvietā",
                held=held,
                notes=rng.choice(_MEETING_NOTES) if held else "Klients neieradās.",
                economic_activity=economic.value if held else None,
                officer_id=case.officer_id,
                created_at=at,
                updated_at=at,
            )
        upcoming = case.status is CaseStatus.ACTIVE and rng.random() < 0.7
        if upcoming or (case.status is CaseStatus.OPENED and rng.random() < 0.6):
            day = self.today + dt.timedelta(days=rng.randint(1, 14))
            at = _stamp(day, rng.randint(9, 16), rng.choice((0, 15, 30, 45)))
            created = _stamp(self.today - dt.timedelta(days=rng.randint(1, 20)))
            self.add(
                Meeting,
                case_id=case.id,
                scheduled_at=at,
                place=place,
                held=False,
                notes=None,
                economic_activity=None,
                officer_id=case.officer_id,
                created_at=max(created, _stamp(case.start)),
                updated_at=max(created, _stamp(case.start)),
            )

    def _programme(self, case: _CaseInfo, start: dt.date, always: bool = False) -> None:
        rng = self.rng
        start = min(start, self.today)
        completed = case.closure is ClosureReason.COMPLETED or (
            not always and case.status is CaseStatus.CLOSED and rng.random() < 0.6
        )
        if case.status is CaseStatus.CLOSED:
            end = case.end
        elif rng.random() < 0.3 and start + dt.timedelta(days=60) < self.today:
            end, completed = start + dt.timedelta(days=rng.randint(40, 60)), True
        else:
            end = None
        if end is not None and end < start:
            end = start
        self.add(
            ProgrammeParticipation,
            case_id=case.id,
            programme=rng.choice(_PROGRAMMES),
            start_date=start,
            end_date=end,
            completed=completed,
            created_at=_stamp(start),
            updated_at=_stamp(end or start),
        )

    # Forced labour and community work

    def _work(self, case: _CaseInfo, client: _Client, hours: int) -> None:
        rng = self.rng
        today = self.today
        if case.status is CaseStatus.OPENED:
            return  # suitable work is still being chosen
        pool = self.employers[client.unit.id]
        if client.minor:
            pool = [e for e in pool if e.accepts_minors] or pool
        employer = rng.choice(pool)
        assignment_start = min(case.start + dt.timedelta(days=rng.randint(5, 20)), today)
        if case.end is not None:
            assignment_start = min(assignment_start, case.end)
        referral = self.next_id[_T[WorkAssignment]]
        closed = case.status is CaseStatus.CLOSED
        work_type = rng.choice(_MINOR_WORK if client.minor else _ADULT_WORK)
        created = _stamp(assignment_start, 10)
        assignment_id = self.add(
            WorkAssignment,
            case_id=case.id,
            employer_id=employer.id,
            work_type=work_type,
            place=employer.address,
            start_date=assignment_start,
            end_date=case.end,
            referral_number=f"{client.unit.spec.code}-{assignment_start.year}/{referral}",
            schedule_agreed_by_employer=closed or rng.random() < 0.9,
            schedule_agreed_by_client=closed or rng.random() < 0.85,
            created_at=created,
            updated_at=created,
        )
        completed = case.closure is ClosureReason.COMPLETED and case.end is not None
        if completed and case.end is not None:
            days = self._full_schedule(assignment_start, case.end, hours, client.minor)
        else:
            days = self._window_schedule(case, assignment_start, client.minor)
        for day, planned, begins in days:
            self.add(
                WorkScheduleEntry,
                assignment_id=assignment_id,
                work_date=day,
                start_time=begins,
                planned_hours=Decimal(planned),
            )
        remaining = hours
        if not completed and case.status is not CaseStatus.ACTIVE:
            remaining = max(0, hours - max(4, hours // 5))  # it stopped short of the order
        past = [d for d in days if d[0] < today]
        for day, planned, _ in past:
            if remaining <= 0:
                break
            if not completed and rng.random() < 0.05:
                left = rng.random() < 0.3
                self.add(
                    NoShow,
                    assignment_id=assignment_id,
                    event_date=day,
                    left_without_leave=left,
                    reported_by=(ReportedBy.EMPLOYER if rng.random() < 0.8 else ReportedBy.OFFICER)
                    .value,
                    explanation=rng.choice(
                        (None, "Klients bija slims, iesniegta darbnespējas lapa.",
                         "Klients norāda, ka aizmirsa par grafiku.")
                    ),
                    resolved=closed or (today - day).days > 14,
                    created_at=_stamp(day, 17),
                    updated_at=_stamp(day, 17),
                )  # fmt: skip
                continue
            short = not completed and planned > 2 and rng.random() < 0.1
            worked = min(planned - 1 if short else planned, remaining)
            remaining -= worked
            recent = (today - day).days <= 10
            confirmed = closed or not recent or rng.random() < 0.4
            confirm_day = min(day + dt.timedelta(days=rng.randint(1, 5)), today)
            by_employer = rng.random() < 0.85
            self.add(
                HoursLog,
                assignment_id=assignment_id,
                work_date=day,
                hours=Decimal(worked),
                reported_by=(ReportedBy.EMPLOYER if by_employer else ReportedBy.OFFICER).value,
                confirmed=confirmed,
                confirmed_by_id=case.officer_id if confirmed else None,
                confirmed_at=_stamp(confirm_day, 11) if confirmed else None,
                note=None,
                created_at=_stamp(day, 18),
                updated_at=_stamp(confirm_day if confirmed else day, 18),
            )
        if past and rng.random() < 0.3:
            day = rng.choice(past)[0]
            present = rng.random() < 0.9
            self.add(
                ControlAct,
                assignment_id=assignment_id,
                inspection_date=day,
                client_present=present,
                findings=(
                    "Klients strādā atbilstoši grafikam, darba kvalitāte apmierinoša."
                    if present
                    else "Pārbaudes laikā klients darba vietā neatradās."
                ),
                officer_id=case.officer_id,
                created_at=_stamp(day, 15),
                updated_at=_stamp(day, 15),
            )
        if past and rng.random() < 0.03:
            day = rng.choice(past)[0]
            self.add(
                WorkIncident,
                assignment_id=assignment_id,
                event_date=day,
                description=rng.choice(
                    (
                        "Klients ieradās darbā alkohola reibumā; darba devējs viņu atstādināja.",
                        "Konflikts ar darba vadītāju; klients atteicās pildīt norādījumus.",
                        "Klients guva nelielu traumu, strādājot ar darba instrumentiem.",
                    )
                ),
                reported_by=ReportedBy.EMPLOYER.value,
                created_at=_stamp(day, 16),
                updated_at=_stamp(day, 16),
            )

    def _work_day(self, weekday: int, minor: bool) -> tuple[int, str]:
        """Planned hours and start time of one working day."""
        rng = self.rng
        if minor:  # at most four hours a day, after school or on Saturday
            return rng.choice((2, 3, 4)), "10:00" if weekday == 5 else rng.choice(
                ("14:00", "15:00")
            )
        return rng.choice((2, 3, 4, 4, 5, 6, 8)), rng.choice(("08:00", "09:00", "10:00", "13:00"))

    def _window_schedule(
        self, case: _CaseInfo, assignment_start: dt.date, minor: bool
    ) -> list[tuple[dt.date, int, str]]:
        """A schedule of a few weeks: around today for an active case, else before it stopped."""
        rng = self.rng
        today = self.today
        weeks = rng.randint(3, 6)
        last: dt.date | None = None
        if case.status is CaseStatus.ACTIVE:
            first = max(assignment_start, today - dt.timedelta(days=rng.randint(7, 28)))
        else:
            last = case.end or today - dt.timedelta(days=rng.randint(7, 60))
            first = max(assignment_start, last - dt.timedelta(days=weeks * 7))
        monday = first - dt.timedelta(days=first.weekday())
        days: list[tuple[dt.date, int, str]] = []
        for week in range(weeks):
            for weekday in sorted(rng.sample(range(6), rng.randint(2, 3))):
                day = monday + dt.timedelta(days=week * 7 + weekday)
                if day < assignment_start or (last is not None and day > last):
                    continue
                days.append((day, *self._work_day(weekday, minor)))
        return days

    def _full_schedule(
        self, first: dt.date, last: dt.date, hours: int, minor: bool
    ) -> list[tuple[dt.date, int, str]]:
        """A schedule from ``first`` to ``last`` whose planned hours add up to ``hours``.

        Completed cases need it so their confirmed hours match the hours ordered.
        """
        rng = self.rng
        cap = 4 if minor else 8
        # Two weeks of slack for the partial first and last weeks.
        per_week_hours = hours / max(1, (last - first).days // 7 - 2)
        monday = first - dt.timedelta(days=first.weekday())
        days: list[tuple[dt.date, int, str]] = []
        total = 0
        while total < hours and monday <= last:
            per_week = 3 if per_week_hours > 9 else rng.randint(2, 3)
            target = max(2, min(cap, math.ceil(per_week_hours / per_week)))
            for weekday in sorted(rng.sample(range(6), per_week)):
                day = monday + dt.timedelta(days=weekday)
                if day < first or day > last or total >= hours:
                    continue
                _, begins = self._work_day(weekday, minor)
                planned = min(target, hours - total)
                days.append((day, planned, begins))
                total += planned
            monday += dt.timedelta(days=7)
        # Should the weeks still fall short, lengthen the days already planned, up to the cap.
        for i, (day, planned, begins) in enumerate(days):
            extra = min(cap - planned, hours - total)
            if extra > 0:
                days[i] = (day, planned + extra, begins)
                total += extra
        return days

    # Mediation

    def _mediation(self, case: _CaseInfo, client: _Client) -> None:
        rng = self.rng
        today = self.today
        officer_id = volunteer_id = None
        if case.officer_id is not None and (rng.random() < 0.65 or not self.mediators):
            officer_id = case.officer_id
        elif self.mediators:
            volunteer_id = rng.choice(self.mediators)
        outcome = MediationOutcome.PENDING
        if case.status is CaseStatus.CLOSED:
            outcome = rng.choices(
                (
                    MediationOutcome.RECONCILED,
                    MediationOutcome.NOT_RECONCILED,
                    MediationOutcome.REFUSED,
                ),
                (62, 22, 16),
            )[0]
        agreement = None
        if outcome is MediationOutcome.RECONCILED:
            due = (case.end or today) + dt.timedelta(days=rng.randint(30, 120))
            agreement = (
                f"Likumpārkāpējs atvainojas cietušajam un atlīdzina zaudējumus "
                f"EUR {rng.randrange(50, 2001, 50)} apmērā līdz {due:%d.%m.%Y}."
            )
        stamp = _stamp(case.start, 11)
        mediation_id = self.add(
            Mediation,
            case_id=case.id,
            mediator_officer_id=officer_id,
            mediator_volunteer_id=volunteer_id,
            outcome=outcome.value,
            agreement=agreement,
            agreement_date=(case.end or today) if agreement else None,
            created_at=stamp,
            updated_at=_stamp(case.end, 16) if case.end else stamp,
        )
        self.add(
            MediationParty,
            mediation_id=mediation_id,
            role=PartyRole.OFFENDER.value,
            client_id=client.id,
            given_name=client.given_name,
            surname=client.surname,
            personal_code=client.code,
            address=client.address,
            phone=client.phone,
            email=client.email,
            is_legal_person=False,
            created_at=stamp,
            updated_at=stamp,
        )
        self._victim(mediation_id, client, stamp)
        sessions: list[tuple[dt.date, bool]] = []
        if case.status is CaseStatus.CLOSED and outcome is not MediationOutcome.REFUSED:
            end = case.end or today
            span = max(1, (end - case.start).days)
            sessions = [
                (case.start + dt.timedelta(days=rng.randint(1, span)), True)
                for _ in range(rng.randint(1, 2))
            ]
        elif case.status is CaseStatus.ACTIVE and rng.random() < 0.5:
            sessions.append((case.start + dt.timedelta(days=rng.randint(0, 20)), True))
        if case.status in (CaseStatus.OPENED, CaseStatus.ACTIVE) and rng.random() < 0.6:
            sessions.append((today + dt.timedelta(days=rng.randint(1, 21)), False))
        in_prison = rng.random() < 0.05
        place = rng.choice(_PRISONS) if in_prison else f"VPD {client.unit.spec.name}, sarunu telpa"
        place_type = SessionPlace.PRISON if in_prison else SessionPlace.OFFICE
        for day, held in sorted(sessions):
            held = held and day < today
            at = _stamp(day, rng.randint(9, 16), rng.choice((0, 30)))
            self.add(
                MediationSession,
                mediation_id=mediation_id,
                scheduled_at=at,
                place=place,
                place_type=place_type.value,
                held=held,
                notes="Puses izteica savu redzējumu par notikušo." if held else None,
                calendar_booking_id=f"VK-{rng.getrandbits(32):08x}" if rng.random() < 0.7 else None,
                created_at=min(at, _stamp(today)),
                updated_at=min(at, _stamp(today)),
            )

    def _victim(self, mediation_id: int, client: _Client, stamp: dt.datetime) -> None:
        rng = self.rng
        town = rng.choice(client.unit.spec.towns)
        if rng.random() < 0.08:
            # A company has no given name; the model has only person name fields.
            self.add(
                MediationParty,
                mediation_id=mediation_id,
                role=PartyRole.VICTIM.value,
                client_id=None,
                given_name=rng.choice(_VICTIM_COMPANIES),
                surname="",
                personal_code=None,
                address=_address(rng, town),
                phone=_phone(rng),
                email=None,
                is_legal_person=True,
                created_at=stamp,
                updated_at=stamp,
            )
            return
        gender = rng.choice((Gender.MALE, Gender.FEMALE))
        given, surname = self._name(gender)
        code = None
        if rng.random() < 0.7:
            code = personal_code.generate_old(self._birth(rng.randint(16, 80)), rng)
        self.add(
            MediationParty,
            mediation_id=mediation_id,
            role=PartyRole.VICTIM.value,
            client_id=None,
            given_name=given,
            surname=surname,
            personal_code=code,
            address=_address(rng, town),
            phone=_phone(rng) if rng.random() < 0.85 else None,
            email=(
                f"{_ascii(given)}.{_ascii(surname)}@{rng.choice(_MAIL_DOMAINS)}"
                if rng.random() < 0.3
                else None
            ),
            is_legal_person=False,
            created_at=stamp,
            updated_at=stamp,
        )

    # Evaluation reports

    def _evaluation(self, case: _CaseInfo, client: _Client) -> None:
        rng = self.rng
        requester = {
            DecisionType.PRISON_REQUEST: Requester.PRISON,
            DecisionType.PROSECUTOR_EVALUATION_REQUEST: Requester.PROSECUTOR,
        }.get(case.decision_type, Requester.COURT)
        received = case.start
        due = received + dt.timedelta(days=rng.randint(14, 30))
        if case.status is CaseStatus.CLOSED:
            submitted = case.closure is ClosureReason.COMPLETED
            status = RequestStatus.SUBMITTED if submitted else RequestStatus.WITHDRAWN
        elif case.status is CaseStatus.OPENED:
            status = RequestStatus.RECEIVED
        else:
            status = RequestStatus.IN_PROGRESS if rng.random() < 0.75 else RequestStatus.RECEIVED
        request_id = self.add(
            EvaluationReportRequest,
            case_id=case.id,
            requester=requester.value,
            institution=case.institution,
            request_number=case.decision_number,
            received_date=received,
            due_date=due,
            status=status.value,
            created_at=_stamp(received, 10),
            updated_at=_stamp(case.end or received, 16),
        )
        draft = status is RequestStatus.IN_PROGRESS and rng.random() < 0.4
        if status is not RequestStatus.SUBMITTED and not draft:
            return
        written = case.end or min(received + dt.timedelta(days=rng.randint(3, 10)), self.today)
        submitted_at = _stamp(written, 15) if status is RequestStatus.SUBMITTED else None
        content = report_content(rng, minor=client.minor)
        report_id = self.add(
            EvaluationReport,
            request_id=request_id,
            **content,
            status=(ReportStatus.SUBMITTED if submitted_at else ReportStatus.DRAFT).value,
            version=1,
            reviewed_by_id=None,
            reviewed_at=None,
            submitted_at=submitted_at,
            author_id=case.officer_id,
            reference=f"IZ-{written.year}-{request_id:06d}",
            created_at=_stamp(written, 12),
            updated_at=_stamp(written, 15),
        )
        if submitted_at is not None:
            # What was submitted is kept as version 1 (portal.services.casework.evaluation).
            self.add(
                EvaluationReportVersion,
                report_id=report_id,
                case_id=case.id,
                number=1,
                **content,
                author_id=case.officer_id,
                reviewed_by_id=None,
                reviewed_at=None,
                submitted_by_id=case.officer_id,
                submitted_at=submitted_at,
                created_at=submitted_at,
                updated_at=submitted_at,
            )
