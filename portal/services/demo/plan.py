"""Demo rows of the supervision plan in depth (called from the demo supervision seed): a plan
made with the client after the structured assessment, goals for the needs it found with their
activities, progress recorded at the held meetings since, a review due soon on some cases,
and the registered start of supervision on others."""

from __future__ import annotations

import datetime as dt
import random
from collections import Counter

from sqlalchemy.orm import Session

from portal.models import (
    Case,
    GoalProgress,
    NeedArea,
    SupervisionPlan,
)
from portal.services.supervision import plan, start
from portal.services.supervision import term as terms
from portal.services.supervision.obligations import meeting_day

#: per need area: (the goal, its activities), in the words an officer writes
GOALS: dict[NeedArea, tuple[str, tuple[str, ...]]] = {
    NeedArea.CRIMINAL_HISTORY: ("Neizdarīt atkārtotus noziedzīgus nodarījumus",
                                ("Pārrunāt riska situācijas katrā tikšanās reizē",)),
    NeedArea.ACCOMMODATION: ("Nodrošināt pastāvīgu dzīvesvietu",
                             ("Vērsties pašvaldības sociālajā dienestā",
                              "Noslēgt īres līgumu")),
    NeedArea.EDUCATION_EMPLOYMENT: ("Atrast pastāvīgu darbu vai turpināt mācības",
                                    ("Reģistrēties Nodarbinātības valsts aģentūrā",
                                     "Apmeklēt karjeras konsultantu")),
    NeedArea.FINANCES: ("Sakārtot finanses un parādsaistības",
                        ("Sastādīt ikmēneša budžetu", "Vienoties ar kreditoriem par maksājumiem")),
    NeedArea.RELATIONSHIPS: ("Uzlabot attiecības ģimenē",
                             ("Apmeklēt ģimenes konsultantu",)),
    NeedArea.LIFESTYLE: ("Mainīt brīvā laika pavadīšanu un draugu loku",
                         ("Iesaistīties sporta vai interešu pulciņā",)),
    NeedArea.ALCOHOL: ("Mazināt alkohola lietošanu",
                       ("Apmeklēt narkologu", "Piedalīties atbalsta grupā")),
    NeedArea.DRUGS: ("Atturēties no narkotisko vielu lietošanas",
                     ("Apmeklēt narkologu", "Veikt pārbaudes pēc pieprasījuma")),
    NeedArea.EMOTIONAL_WELLBEING: ("Rūpēties par psihisko veselību",
                                   ("Vērsties pie ģimenes ārsta pēc nosūtījuma",)),
    NeedArea.THINKING_BEHAVIOUR: ("Apgūt problēmu risināšanas prasmes",
                                  ("Piedalīties probācijas programmā \"Domā pozitīvi\"",)),
    NeedArea.ATTITUDES: ("Uzņemties atbildību par nodarīto",
                         ("Pārrunāt nodarījuma sekas ar probācijas darbinieku",)),
}


def seed_case(session: Session, case: Case, today: dt.date, index: int,
              rng: random.Random) -> Counter[str]:
    """The plan, its goals and progress for one case with a structured assessment; the
    start registered on every other case (the rest wait for the officer to do it)."""
    counts: Counter[str] = Counter()
    needs = plan.assessed_needs(session, case.id)
    if not needs:
        return counts
    found = plan.latest_assessment(session, case.id)
    if found is None:
        return counts
    made = found.assessment_date + dt.timedelta(days=3)
    earlier = plan.plan_at(session, case.id, today)
    if earlier is not None:  # the structured plan replaces the free-text one
        made = max(made, earlier.plan_date + dt.timedelta(days=1))
    made = min(made, today)
    # Every third plan is due for review within a week, so the worklist shows some.
    review = (today + dt.timedelta(days=rng.randint(1, 7)) if index % 3 == 0
              else plan.default_review(made))
    while review < today:  # reviewed on time since: the next review lies ahead
        review = plan.default_review(review)
    the_plan = SupervisionPlan(case_id=case.id, plan_date=made, review_date=review,
                               agreed_with_client=True,
                               goals="Plāns sastādīts kopā ar klientu pēc riska un vajadzību "
                                     "novērtējuma.")
    session.add(the_plan)
    session.flush()
    counts["supervision_plan"] += 1
    # Activities are due in three months, or by the end of the supervision if sooner.
    due: dt.date | None = made + dt.timedelta(days=90)
    end = terms.of_case(session, case).end
    if end is not None and due is not None and due > end:
        due = end if end >= made else None
    for area in needs[:3]:
        goal, activities = GOALS[area]
        plan.add_goal(session, the_plan, area, goal, list(activities), due_date=due)
        counts["plan_goal"] += 1
    session.refresh(the_plan)
    for meeting in sorted(case.meetings, key=lambda m: m.scheduled_at):
        if not meeting.held or meeting_day(meeting) < made:
            continue
        in_force = plan.goals_at(session, meeting)
        if not in_force or in_force[0].plan_id != the_plan.id:
            continue
        answers = []
        for goal_row in in_force:
            roll = rng.random()
            value = (GoalProgress.ON_TRACK if roll < 0.65 else GoalProgress.NOT_FULFILLED
                     if roll < 0.85 else GoalProgress.ACHIEVED)
            note = ("Pasākumi vēl nav uzsākti." if value is GoalProgress.NOT_FULFILLED
                    else None)
            answers.append(plan.Answer(goal_row.id, value, note))
        counts["meeting_goal_progress"] += len(plan.record_progress(session, meeting, answers))
    if index % 2 == 1 and start.of_case(session, case.id) is None:
        category = start.default_category(case)
        if category is not None:
            start.register(session, case, case.start_date + dt.timedelta(days=1)
                           if case.start_date < today else today, category,
                           note="Ievadīts IeM IC uzskaites kategorijā.")
            counts["supervision_start"] += 1
    return counts
