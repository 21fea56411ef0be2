"""Demo portal submissions: what the demo client, employer and volunteer sent, in every status.

After ``seed_demo`` the officer inbox and the portal users' "my submissions" lists would be
empty. :func:`seed_submissions` files a small, fixed set of submissions (a change of residence,
an absence explanation with a certificate attached, hours reports, no-show reports, a volunteer's
task report, ...) from the demo portal logins and takes them through the inbox: some stay
received, some are opened, accepted (so their intake is applied), rejected with a reason or
answered.

Everything goes through :mod:`portal.services.intake.submissions`, exactly as the portal and the
officer screens do, so validation against the published form, routing to the unit inbox,
change history, usage counting and e-address notices are the real ones. The data is valid for
the shipped ``formdefs/`` and depends only on ``seed``, ``today`` and the demo data in the
database (which clients the demo employer and volunteer are linked to).

Each submission has a fixed idempotency key per submitter (``demo-...``): running it again
stores nothing new and changes nothing (a replayed submission is not processed again).
Needs an application context (translations, the upload folder).
"""

from __future__ import annotations

import datetime as dt
import io
import logging
import random
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session
from werkzeug.datastructures import FileStorage

from portal.models import (
    Case,
    CaseFunction,
    Client,
    HoursLog,
    NoShow,
    PlusUser,
    Submission,
    VolunteerTask,
    WorkScheduleEntry,
)
from portal.services.access import Actor
from portal.services.casework import case_file
from portal.services.errors import DomainError
from portal.services.intake import forms, submissions
from portal.services.partners import portal_scope

__all__ = ["DEMO_KEY_PREFIX", "PORTAL_USERS", "seed_submissions"]

log = logging.getLogger(__name__)

#: Idempotency keys of the demo submissions start with this.
DEMO_KEY_PREFIX = "demo-"
#: The demo portal logins that submit (made by ``setup.seed_demo``).
PORTAL_USERS = ("client", "employer", "volunteer")

_RIGA = ZoneInfo("Europe/Riga")

_STREETS = (
    "Brīvības", "Dzirnavu", "Ģertrūdes", "Krišjāņa Valdemāra", "Tērbatas", "Ausekļa",
    "Meža", "Skolas", "Dārza", "Raiņa", "Zaļā", "Miera",
)  # fmt: skip

# Officer steps after submitting: ("open",), ("accept",), ("reject", reason), ("answer", text).
Step = tuple[str, ...]


@dataclass
class _Item:
    """One demo submission: who sends which form with what, and what the officer then does."""

    key: str
    username: str
    form_key: str
    data: dict[str, Any]
    steps: tuple[Step, ...] = ()
    files: Callable[[], dict[str, list[FileStorage]]] | None = None


@dataclass
class _Context:
    session: Session
    rng: random.Random
    today: dt.date
    # Days already used per work assignment (hours or no-show), so reports never overlap.
    used: dict[int, set[dt.date]] = field(default_factory=dict)


# --- Public API -------------------------------------------------------------------------------


def seed_submissions(
    session: Session, sm: Any, *, seed: int = 1, today: dt.date | None = None
) -> Counter[str]:
    """File the demo submissions and process them; return how many are in each status.

    Does nothing for a demo login that does not exist or is not linked to its party, and
    skips the forms that are not published (``flask plus load-forms`` not run). Submissions
    stored earlier (same login and key) are left as they are and not counted.
    """
    today = today or dt.date.today()
    ctx = _Context(session, random.Random(f"plus-demo-submissions:{seed}"), today)
    users = {name: sm.find_user(username=name) for name in PORTAL_USERS}
    items: list[_Item] = []
    if _linked(users["client"]):
        items += _client_items(ctx, users["client"])
    if _linked(users["employer"]):
        items += _employer_items(ctx, users["employer"])
    if _linked(users["volunteer"]):
        items += _volunteer_items(ctx, users["volunteer"])
    statuses: Counter[str] = Counter()
    published: dict[str, bool] = {}
    for item in items:
        if item.form_key not in published:
            published[item.form_key] = forms.published(session, item.form_key) is not None
        if not published[item.form_key]:
            continue
        submission = _file(session, users[item.username], item)
        if submission is None:
            continue
        _process(session, submission, item.steps)
        statuses[submission.status.value] += 1
    return statuses


# --- Filing and processing --------------------------------------------------------------------


def _linked(user: Any) -> bool:
    return user is not None and portal_scope.audience_of(user) is not None


def _file(session: Session, user: Any, item: _Item) -> Submission | None:
    """Submit one item; None if it was stored before (a replay) or the form refused it."""
    result = submissions.submit(
        session,
        user=user,
        form_key=item.form_key,
        data=item.data,
        idempotency_key=DEMO_KEY_PREFIX + item.key,
        files=item.files() if item.files else None,
        locale="lv",
    )
    if result.duplicate:
        return None
    if not result.ok:
        # Demo data the shipped forms refuse is a bug here: say which form and fields.
        log.warning("demo submission %s refused (%s): %s", item.key, result.status_code,
                    sorted(result.errors))
        return None
    return result.submission


def _process(session: Session, submission: Submission, steps: tuple[Step, ...]) -> None:
    """Take the submission through the inbox as the officer of its case would."""
    if not steps:
        return
    actor = _officer_for(session, submission)
    if actor is None:
        return
    try:
        for step in steps:
            if step[0] == "open":
                submissions.mark_in_processing(session, submission.id, actor)
            elif step[0] == "accept":
                submissions.accept(session, submission.id, actor)
            elif step[0] == "reject":
                submissions.reject(session, submission.id, actor, step[1])
            elif step[0] == "answer":
                submissions.answer(session, submission.id, actor, step[1])
    except DomainError as exc:
        # The services rolled back; the submission keeps the status it reached.
        log.warning("demo submission %s: %s failed: %s", submission.id, step[0], exc)
    session.refresh(submission)


def _officer_for(session: Session, submission: Submission) -> Actor | None:
    """The case's own officer (accepting needs edit rights on the case), else a case worker
    of the submission's unit, else an administrator."""
    candidates: list[PlusUser] = []
    if submission.case is not None and submission.case.officer_id is not None:
        officer = session.get(PlusUser, submission.case.officer_id)
        if officer is not None:
            candidates.append(officer)
    if submission.unit_id is not None:
        candidates += session.scalars(
            select(PlusUser).where(PlusUser.unit_id == submission.unit_id).order_by(PlusUser.id)
        ).all()
    candidates += session.scalars(select(PlusUser).order_by(PlusUser.id)).all()
    for user in candidates:
        if not user.active:
            continue
        actor = Actor.of(user)
        if actor.is_admin or (actor.does_casework and actor.unit_id == submission.unit_id):
            return actor
    return None


# --- What each demo login sends ---------------------------------------------------------------


def _client_items(ctx: _Context, user: Any) -> list[_Item]:
    rng, today = ctx.rng, ctx.today
    client = ctx.session.get(Client, user.client_id)
    town = _town_of(client.address if client else None)
    new_address = (f"{rng.choice(_STREETS)} iela {rng.randint(2, 90)}-{rng.randint(1, 40)}, "
                   f"{town}")
    phone = f"+371 2{rng.randrange(10_000_000):07d}"
    return [
        _Item(
            "client-residence", "client", "change_of_residence",
            {"new_address": new_address, "change_date": _day(today - dt.timedelta(days=12)),
             "declared": "yes", "phone": phone,
             "comment": "Pārcēlos uz dzīvokli tuvāk darba vietai."},
            (("open",), ("accept",),
             ("answer", "Paldies! Jaunā dzīvesvieta un tālruņa numurs ir reģistrēti Jūsu lietā."
                        " Nākamā tikšanās notiks kā ierasts.")),
        ),
        _Item(
            "client-absence", "client", "explanation_of_absence_or_violation",
            {"subject": "missed_meeting", "event_date": _day(today - dt.timedelta(days=6)),
             "explanation": "Uz tikšanos neierados, jo biju slims; ārsts izsniedza "
                            "darbnespējas lapu. Lūdzu noteikt jaunu tikšanās laiku.",
             "has_documents": True},
            (("open",),),
            files=lambda: {"documents": [_pdf_upload(
                "darbnespejas_lapa.pdf", "Darbnespejas lapa (demonstracijas dati)")]},
        ),
        _Item(
            "client-workplace", "client", "change_of_workplace_or_school",
            {"change_type": "workplace", "employer_name": 'SIA "Būvniecības serviss"',
             "position": "Palīgstrādnieks",
             "change_date": _day(today - dt.timedelta(days=20))},
            (("open",),
             ("reject", "Iesniegumā nav norādīta darba vietas adrese. Lūdzu iesniegt to vēlreiz "
                        "ar adresi un darba līguma noslēgšanas datumu.")),
        ),
        _Item(
            "client-question", "client", "message_to_officer",
            {"subject": "Vai drīkstu izbraukt uz Lietuvu?",
             "message": "Nākamajā mēnesī uz trim dienām vēlos apciemot radiniekus Viļņā. "
                        "Vai man tam vajadzīga Jūsu atļauja?"},
            (("open",), ("accept",),
             ("answer", "Izbraukšana ir jāsaskaņo iepriekš. Lūdzu ierasties pie manis "
                        "otrdien plkst. 10:00 un paņemt līdzi uzaicinājumu vai biļetes.")),
        ),
        _Item(
            "client-explanation-work", "client", "explanation_of_absence_or_violation",
            {"subject": "missed_work", "event_date": _day(today - dt.timedelta(days=3)),
             "explanation": "Neierados darbā, jo tajā dienā bija jāpaliek mājās ar slimu bērnu.",
             "has_documents": False},
            (("reject", "Paskaidrojumam nepieciešams apliecinājums (piemēram, ārsta izziņa). "
                        "Lūdzu iesniegt paskaidrojumu atkārtoti ar pielikumu."),
             ("answer", "Gaidīsim atkārtotu paskaidrojumu ar ārsta izziņu līdz nedēļas beigām.")),
        ),
        _Item(
            "client-message", "client", "message_to_officer",
            {"subject": "Tikšanās laika maiņa",
             "message": "Labdien! Vai nākamo tikšanos varētu pārcelt uz pēcpusdienu? "
                        "No rīta strādāju."},
        ),
    ]


def _employer_items(ctx: _Context, user: Any) -> list[_Item]:
    session, rng, today = ctx.session, ctx.rng, ctx.today
    links = [link for link in portal_scope.linked_clients(session, user) if link.value]
    if not links:
        return []
    # The demo client's own work first (the demo client then sees those hours), the rest in
    # an order of the seed.
    own = [link for link in links if link.client_id == getattr(
        _user_by_name(session, "client"), "client_id", None)]
    # Sorted first: the links come by name, and collations differ between databases.
    rest = sorted((link for link in links if link not in own), key=lambda link: int(link.value))
    rng.shuffle(rest)
    links = own + rest

    def pick(i: int) -> portal_scope.LinkedClient:
        return links[i % len(links)]

    items = [
        _Item(
            "employer-hours-1", "employer", "hours_worked",
            {"hours": _hours_rows(ctx, pick(0), 3), "according_to_schedule": "yes"},
            (("open",), ("accept",)),
        ),
        _Item(
            "employer-hours-2", "employer", "hours_worked",
            {"hours": _hours_rows(ctx, pick(1), 2), "according_to_schedule": "yes"},
            (("open",), ("accept",),
             ("answer", "Paldies! Nostrādātās stundas ir apstiprinātas un ieskaitītas.")),
        ),
        _Item(
            "employer-hours-3", "employer", "hours_worked",
            {"hours": _hours_rows(ctx, pick(2), 2) + _hours_rows(ctx, pick(3), 1),
             "according_to_schedule": "yes"},
        ),
        _Item(
            "employer-hours-4", "employer", "hours_worked",
            {"hours": _hours_rows(ctx, pick(4), 2), "according_to_schedule": "no",
             "deviation": "Vienu dienu klients strādāja sestdienā, nevis piektdienā, "
                          "jo piektdien objekts bija slēgts."},
            (("open",),),
        ),
        _Item(
            "employer-no-show-1", "employer", "no_show",
            {"client": pick(2).value, "event_kind": "no_show",
             "event_date": _day(_free_day(ctx, pick(2))),
             "explanation": "Klients neieradās un nepaziņoja iemeslu; pa tālruni nebija "
                            "sazvanāms."},
            (("open",), ("accept",),
             ("answer", "Paldies par ziņu. Neierašanās ir reģistrēta, un klientam ir "
                        "pieprasīts paskaidrojums.")),
        ),
        _Item(
            "employer-no-show-2", "employer", "no_show",
            {"client": pick(3).value, "event_kind": "left_without_leave",
             "event_date": _day(_free_day(ctx, pick(3))),
             "explanation": "Klients aizgāja pēc divām stundām, nevienam nepaziņojot."},
            (("open",),
             ("reject", "Klients tajā dienā bija izsaukts uz tikšanos probācijas dienestā; "
                        "darba vietu viņš atstāja ar mūsu ziņu.")),
        ),
        _Item(
            "employer-schedule", "employer", "work_schedule_agreement",
            {"client": pick(1).value, "decision": "agree"},
        ),
        _Item(
            "employer-meeting", "employer", "meeting_place_and_time",
            {"client": pick(4).value,
             "proposals": [{"meeting_at": _moment(today + dt.timedelta(days=3), 9)},
                           {"meeting_at": _moment(today + dt.timedelta(days=4), 13)}],
             "place": "Saimniecības ēka, 1. stāvs, meistara kabinets",
             "contact_person": "Inese Kalniņa",
             "contact_phone": f"+371 2{rng.randrange(10_000_000):07d}"},
            (("accept",),
             ("answer", "Klients ieradīsies pirmajā piedāvātajā laikā.")),
        ),
        _Item(
            "employer-vacancy", "employer", "vacancy",
            {"title": "Teritorijas sakopšana", "places": 2, "suitable_for_minors": False,
             "description": "Lapu grābšana un zāliena kopšana parkā, darba laiks 8:00–12:00.",
             "valid_until": _day(today + dt.timedelta(days=60))},
            (("open",), ("accept",)),
        ),
    ]
    # An assignment with no free day left gets no hours report rather than an empty one.
    items = [item for item in items if item.data.get("hours", True)]
    confirm = pick(0)
    if confirm.case_id is not None:
        done = case_file.hours_done(session, confirm.case_id)
        items.append(_Item(
            "employer-hours-confirmation", "employer", "hours_confirmation",
            {"client": confirm.value, "schedule_end": _day(today + dt.timedelta(days=30)),
             "total_hours": int(done), "confirm": True,
             "comment": "Apliecinām līdz šim faktiski nostrādātās stundas."},
            (("open",),),
        ))
    return items


def _volunteer_items(ctx: _Context, user: Any) -> list[_Item]:
    session, today = ctx.session, ctx.today
    links = [link for link in portal_scope.linked_clients(session, user) if link.value]
    if not links:
        return []
    items = []
    for n, (link, steps) in enumerate(zip(
        (links[0], links[-1]),
        ((("open",), ("accept",),
          ("answer", "Paldies par pārskatu! Lūdzu turpināt tikšanās līdzšinējā kārtībā.")),
         ()),
        strict=True,
    )):
        task = session.scalars(
            select(VolunteerTask.task).where(
                VolunteerTask.volunteer_id == user.volunteer_id,
                VolunteerTask.case_id == link.case_id,
            ).order_by(VolunteerTask.id)
        ).first() or "Atbalsts probācijas klientam"
        start = today - dt.timedelta(days=28 * (2 - n))
        end = start + dt.timedelta(days=27)
        items.append(_Item(
            f"volunteer-report-{n + 1}", "volunteer", "task_report",
            {"client": link.value, "task": task[:200],
             "period_start": _day(start), "period_end": _day(end),
             "meetings": [
                 {"meeting_date": _day(start + dt.timedelta(days=d)), "duration_hours": h,
                  "notes": note}
                 for d, h, note in ((3, 1.5, "Pārrunājām darba meklēšanu, sagatavojām CV."),
                                    (17, 2, "Kopā apmeklējām Nodarbinātības aģentūru."))
             ],
             "summary": "Klients ieradās uz abām tikšanām, ir motivēts un aktīvi meklē darbu.",
             "difficulties": "" if n else "Klientam trūkst naudas sabiedriskajam transportam.",
             "contact_me": n == 0},
            steps,
        ))
    items.append(_monthly_report(links[0], today))
    return items


_MONTHS = ("january", "february", "march", "april", "may", "june", "july", "august",
           "september", "october", "november", "december")  # fmt: skip


def _monthly_report(link: portal_scope.LinkedClient, today: dt.date) -> _Item:
    """The volunteer's report on last month (``volunteer_monthly_report``, which uses the
    builder's editgrid, container, currency, tags, multiple values and calculated total)."""
    start = (today.replace(day=1) - dt.timedelta(days=1)).replace(day=1)
    return _Item(
        "volunteer-monthly-report", "volunteer", "volunteer_monthly_report",
        {"client": link.value,
         "period": {"year": start.year, "month": _MONTHS[start.month - 1]},
         "activities": [
             {"activity_date": _day(start + dt.timedelta(days=d)), "activity_kind": kind,
              "hours": h, "description": note}
             for d, kind, h, note in (
                 (4, "meeting", 1.5, "Pārrunājām darba meklēšanu."),
                 (11, "accompanying", 2, "Kopā aizgājām uz Nodarbinātības aģentūru."),
                 (20, "joint_activity", 2.5, "Sakopām kopienas dārzu."))
         ],
         "support_areas": {"employment": True, "documents": True},
         "topics": ["darba meklēšana", "CV", "dienas režīms"],
         "institutions": ["Nodarbinātības valsts aģentūra", "Sociālais dienests"],
         "call_minutes": [10, 25],
         "travel_expenses": "6.80",
         "expenses_note": "Sabiedriskais transports uz aģentūru un atpakaļ.",
         "summary": "Klients ieradās uz visām tikšanām, ir sagatavojis CV un reģistrējies "
                    "aģentūrā kā bezdarbnieks."},
        (("open",),),
    )


# --- Helpers ----------------------------------------------------------------------------------


def _user_by_name(session: Session, username: str) -> PlusUser | None:
    return session.scalars(select(PlusUser).where(PlusUser.username == username)).first()


def _town_of(address: str | None) -> str:
    """The "town, postcode" part of a demo address, so the new address is nearby."""
    parts = [p.strip() for p in (address or "").split(",")]
    if len(parts) >= 3 and parts[-1].startswith("LV-"):
        return f"{parts[-2]}, {parts[-1]}"
    return "Rīga, LV-1011"


def _day(day: dt.date) -> str:
    # What the browser sends for a date picker: local midnight with the offset.
    return dt.datetime.combine(day, dt.time.min, tzinfo=_RIGA).isoformat()


def _moment(day: dt.date, hour: int) -> str:
    return dt.datetime.combine(day, dt.time(hour), tzinfo=_RIGA).isoformat()


def _taken(ctx: _Context, assignment_id: int) -> set[dt.date]:
    """Days of the assignment with hours or a no-show on record or in another demo report."""
    if assignment_id not in ctx.used:
        session = ctx.session
        days = set(session.scalars(
            select(HoursLog.work_date).where(HoursLog.assignment_id == assignment_id)))
        days |= set(session.scalars(
            select(NoShow.event_date).where(NoShow.assignment_id == assignment_id)))
        ctx.used[assignment_id] = days
    return ctx.used[assignment_id]


def _work_days(ctx: _Context, link: portal_scope.LinkedClient, n: int) -> list[tuple[dt.date,
                                                                                     Decimal]]:
    """``n`` recent past days without a report, with hours: scheduled days first."""
    assert link.assignment_id is not None
    session, today = ctx.session, ctx.today
    taken = _taken(ctx, link.assignment_id)
    window = today - dt.timedelta(days=35)
    planned = dict(session.execute(
        select(WorkScheduleEntry.work_date, WorkScheduleEntry.planned_hours).where(
            WorkScheduleEntry.assignment_id == link.assignment_id,
            WorkScheduleEntry.work_date >= window,
            WorkScheduleEntry.work_date < today,
        )
    ).tuples().all())
    days = sorted((d for d in planned if d not in taken), reverse=True)
    day = today - dt.timedelta(days=1)
    while len(days) < n and day >= window:
        if day.weekday() < 6 and day not in taken and day not in days:
            days.append(day)
        day -= dt.timedelta(days=1)
    case = session.get(Case, link.case_id) if link.case_id else None
    # Minors doing community work work at most four hours a day.
    cap = Decimal(4) if case is not None and case.function is CaseFunction.COMMUNITY_WORK else (
        Decimal(8))
    chosen = sorted(days[:n])
    taken.update(chosen)
    return [
        (d, min(cap, Decimal(planned.get(d) or ctx.rng.choice((3, 4, 4, 6)))))
        for d in chosen
    ]


def _hours_rows(ctx: _Context, link: portal_scope.LinkedClient, n: int) -> list[dict[str, Any]]:
    rows = []
    for day, hours in _work_days(ctx, link, n):
        # Now and then half an hour less than planned, as real reports go.
        if hours > 2 and ctx.rng.random() < 0.25:
            hours -= Decimal("0.5")
        rows.append({"client": link.value, "date": _day(day),
                     "hours": int(hours) if hours == hours.to_integral_value() else float(hours)})
    return rows


def _free_day(ctx: _Context, link: portal_scope.LinkedClient) -> dt.date:
    days = _work_days(ctx, link, 1)
    return days[0][0] if days else ctx.today - dt.timedelta(days=1)


def _pdf_upload(filename: str, text: str) -> FileStorage:
    """A one-page PDF (ASCII ``text``) as an upload of the server-rendered form."""
    content = f"BT /F1 14 Tf 72 770 Td ({text}) Tj ET".encode("ascii")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n%s\nendstream" % (len(content), content),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    pdf = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(len(pdf))
        pdf += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(pdf)
    pdf += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    pdf += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    pdf += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1, xref)
    return FileStorage(io.BytesIO(bytes(pdf)), filename=filename, content_type="application/pdf")

