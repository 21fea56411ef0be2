"""Deterministic, realistic demo data: clients, cases and everything the five processes record.

``seed_demo`` writes with SQLAlchemy Core bulk inserts in batches of clients, assigning primary
keys itself so that children can point at parents without a round trip per row. That keeps it
fast enough for 200,000 clients and bounded in memory. Core inserts bypass the ORM's
change-history hook on purpose: seed data has no author and no history.

Output depends only on ``clients``, ``seed``, ``today`` and what the database already holds
(ids, case numbers, personal codes), so two runs against fresh databases are identical.
"""

from __future__ import annotations

import datetime as dt
import random
from collections import Counter, defaultdict
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from sqlalchemy import Table, func, insert, select, text, update
from sqlalchemy.orm import Session

from portal.models import (
    Case,
    CaseFunction,
    CaseNumberCounter,
    CaseStatus,
    Client,
    ClosureReason,
    EconomicActivity,
    Employer,
    EmployerType,
    Gender,
    Language,
    PriorityWork,
    Process,
    TerritorialUnit,
    Vacancy,
    Volunteer,
    VolunteerType,
)
from portal.services.casework import personal_code
from portal.services.demo.catalogue import (
    _ADULT_FUNCTIONS,
    _ADULT_WEIGHTS,
    _ADULT_WORK,
    _ALL_WEIGHTS,
    _CLOSURE_WEIGHTS,
    _CLOSURES,
    _DAY,
    _ECONOMIC,
    _EMPLOYER_TEMPLATES,
    _EMPLOYER_WEIGHTS,
    _FEMALE_NAMES,
    _FUNCTIONS,
    _MAIL_DOMAINS,
    _MALE_NAMES,
    _MINOR_FRIENDLY,
    _MINOR_SECOND,
    _MINOR_WORK,
    _PRIORITY_WORKS,
    _REG_PREFIX,
    _STATUS_WEIGHTS,
    _STATUSES,
    _SURNAMES,
    _T,
    _TABLES,
    BATCH_CLIENTS,
    UNIT_SPECS,
    VOLUNTEER_TARGET,
    Row,
    Town,
    UnitSpec,
    _add_years,
    _address,
    _ascii,
    _CaseInfo,
    _Client,
    _Employer,
    _phone,
    _stamp,
    _Unit,
)
from portal.services.demo.decisions import DecisionSeeding
from portal.services.demo.personal import personal_data
from portal.services.demo.processes import ProcessSeeding

__all__ = ["BATCH_CLIENTS", "UNIT_SPECS", "Town", "UnitSpec", "ensure_units", "seed_demo"]

# --- Public API -------------------------------------------------------------------------------


def ensure_units(session: Session) -> list[TerritorialUnit]:
    """Create the demo territorial units that do not exist yet (matched by code); return all.

    The units are returned in the order of ``UNIT_SPECS``. The session is flushed, not
    committed.
    """
    codes = [spec.code for spec in UNIT_SPECS]
    found = {
        unit.code: unit
        for unit in session.scalars(select(TerritorialUnit).where(TerritorialUnit.code.in_(codes)))
    }
    for spec in UNIT_SPECS:
        if spec.code not in found:
            unit = TerritorialUnit(code=spec.code, name=spec.name, municipality=spec.municipality)
            session.add(unit)
            found[spec.code] = unit
    session.flush()
    return [found[code] for code in codes]


def seed_demo(
    session: Session,
    clients: int,
    seed: int,
    officers_by_unit: dict[int, list[int]] | None = None,
    today: dt.date | None = None,
    progress: Callable[[int], None] | None = None,
) -> dict[str, int]:
    """Add ``clients`` demo clients with their cases and process data; return rows per table.

    :param officers_by_unit: ab_user ids of officers per territorial unit id; cases in a unit
        without officers get no officer.
    :param today: the date the data is relative to (upcoming meetings, due dates); defaults to
        the current date. The same ``clients``, ``seed`` and ``today`` give the same data.
    :param progress: called with the number of clients written after each committed batch.
    """
    if clients < 0:
        raise ValueError("clients must not be negative")
    codes_before = set(session.scalars(select(TerritorialUnit.code)))
    units = ensure_units(session)
    seeder = _Seeder(
        session,
        random.Random(seed),
        today or dt.date.today(),
        [_Unit(unit.id, spec) for unit, spec in zip(units, UNIT_SPECS, strict=True)],
        officers_by_unit or {},
    )
    seeder.counts["territorial_unit"] = len({s.code for s in UNIT_SPECS} - codes_before)
    seeder.setup_partners(clients)
    seeder.flush()
    done = 0
    while done < clients:
        size = min(BATCH_CLIENTS, clients - done)
        for index in range(done, done + size):
            seeder.client(index)
        seeder.flush()
        done += size
        if progress is not None:
            progress(done)
    return dict(seeder.counts)


# --- The generator ----------------------------------------------------------------------------



class _Seeder(ProcessSeeding, DecisionSeeding):
    """Builds rows into per-table buffers and writes them out in dependency order."""

    def __init__(
        self,
        session: Session,
        rng: random.Random,
        today: dt.date,
        units: list[_Unit],
        officers_by_unit: dict[int, list[int]],
    ) -> None:
        self.session = session
        self.rng = rng
        self.today = today
        self.units = units
        self.unit_weights = [u.spec.weight for u in units]
        self.officers = {unit_id: list(ids) for unit_id, ids in officers_by_unit.items() if ids}
        self.counts: Counter[str] = Counter()
        self.rows: dict[Table, list[Row]] = defaultdict(list)
        self.templates: dict[Table, Row] = {}
        self.next_id: dict[Table, int] = {}
        for table in _TABLES:
            top = session.execute(select(func.max(table.c.id))).scalar()
            self.next_id[table] = (top or 0) + 1
            # Columns the model gives a plain default (a meeting's duration) start with it:
            # Core inserts write an explicit NULL for every key a row leaves out.
            self.templates[table] = {
                column.key: column.default.arg
                if column.default is not None and column.default.is_scalar else None
                for column in table.c
            }
        self.case_seq: dict[int, int] = {}
        self.years_used: set[int] = set()
        self.used_codes: set[str] = set(session.scalars(select(Client.personal_code)))
        self.employers: dict[int, list[_Employer]] = defaultdict(list)
        self.mediators: list[int] = []

    # Buffers and writing

    def add(self, model: type, **values: Any) -> int:
        """Buffer a row for ``model``'s table with a fresh id; return the id."""
        table = _T[model]
        row = self.templates[table].copy()
        row.update(values)
        if len(row) != len(self.templates[table]):  # a misspelt column would be dropped silently
            raise KeyError(f"unknown columns for {table.name}: {set(values) - set(table.c.keys())}")
        row_id = self.next_id[table]
        self.next_id[table] = row_id + 1
        row["id"] = row_id
        self.rows[table].append(row)
        return row_id

    def flush(self) -> None:
        """Insert the buffered rows parents first, save the case counters, and commit."""
        for table in _TABLES:
            rows = self.rows.pop(table, None)
            if rows:
                self._insert(table, rows)
                self.counts[table.name] += len(rows)
        self._save_counters()
        self._sync_sequences()
        self.session.commit()

    def _insert(self, table: Table, rows: list[Row]) -> None:
        connection = self.session.connection()
        driver = connection.connection.driver_connection
        if connection.dialect.name != "postgresql" or connection.dialect.driver != "psycopg":
            self.session.execute(insert(table), rows)
            return
        # COPY is several times faster than executemany on PostgreSQL. The values are plain
        # Python values already (enum members as their strings), which psycopg adapts itself.
        quote = connection.dialect.identifier_preparer
        columns = list(rows[0])
        names = ", ".join(quote.quote(c) for c in columns)
        with driver.cursor() as cursor:
            with cursor.copy(f"COPY {quote.format_table(table)} ({names}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row([row[c] for c in columns])

    def _save_counters(self) -> None:
        table = CaseNumberCounter.__table__
        for year in sorted(self.years_used):
            last = self.case_seq[year]
            stored = self.session.execute(
                select(table.c.last_value).where(table.c.year == year)
            ).scalar()
            if stored is None:
                self.session.execute(insert(table), [{"year": year, "last_value": last}])
            elif stored < last:
                self.session.execute(
                    update(table).where(table.c.year == year).values(last_value=last)
                )
        self.years_used.clear()

    def _sync_sequences(self) -> None:
        # Explicit ids do not advance PostgreSQL sequences; later ORM inserts would collide.
        bind = self.session.get_bind()
        if bind.dialect.name != "postgresql":
            return
        quote = bind.dialect.identifier_preparer.format_table
        for table in _TABLES:
            name = quote(table)
            self.session.execute(
                text(
                    "SELECT setval(pg_get_serial_sequence(:t, 'id'), "  # nosec B608
                    # (B608: ``name`` is one of our own tables, quoted by the dialect; no
                    # input reaches it, and a table name cannot be a bound parameter.)
                    f"(SELECT max(id) FROM {name})) WHERE EXISTS (SELECT 1 FROM {name})"
                ),
                {"t": name},
            )

    def case_number(self, year: int) -> str:
        """The next case number of ``year``, after those in the table and the counter."""
        if year not in self.case_seq:
            case_t = _T[Case]
            top = self.session.execute(
                select(func.max(case_t.c.number)).where(case_t.c.number.like(f"PL-{year}-%"))
            ).scalar()
            counter = self.session.execute(
                select(CaseNumberCounter.last_value).where(CaseNumberCounter.year == year)
            ).scalar()
            existing = int(top.rsplit("-", 1)[1]) if top and top.rsplit("-", 1)[1].isdigit() else 0
            self.case_seq[year] = max(existing, counter or 0)
        self.case_seq[year] += 1
        self.years_used.add(year)
        return f"PL-{year}-{self.case_seq[year]:06d}"

    # Partners

    def setup_partners(self, clients: int) -> None:
        """Top up employers per unit (with vacancies and priority works) and volunteers."""
        rng = self.rng
        emp_t = _T[Employer]
        used_names = set(self.session.scalars(select(emp_t.c.name)))
        used_regs = {r for r in self.session.scalars(select(emp_t.c.registration_number)) if r}
        for emp_id, unit_id, minors, address in self.session.execute(
            select(emp_t.c.id, emp_t.c.unit_id, emp_t.c.accepts_minors, emp_t.c.address)
            .where(emp_t.c.unit_id.in_([u.id for u in self.units]))
            .order_by(emp_t.c.id)
        ):
            self.employers[unit_id].append(_Employer(emp_id, minors, address or ""))
        per_unit = max(len(EmployerType), min(60, clients // 150 + 1))
        types = list(EmployerType)
        weights = [_EMPLOYER_WEIGHTS[t] for t in types]
        for unit in self.units:
            have = self.employers[unit.id]
            for k in range(len(have), per_unit):
                etype = types[k] if k < len(types) else rng.choices(types, weights)[0]
                self._employer(unit, etype, used_names, used_regs)
            if not any(e.accepts_minors for e in have):
                self._employer(unit, EmployerType.MUNICIPAL_INSTITUTION, used_names, used_regs)
        vol_t = _T[Volunteer]
        existing = self.session.execute(
            select(vol_t.c.id, vol_t.c.certified_mediator).order_by(vol_t.c.id)
        ).all()
        self.mediators = [vol_id for vol_id, certified in existing if certified]
        for k in range(len(existing), VOLUNTEER_TARGET):
            vtype = VolunteerType.PROBATION_VOLUNTEER if k % 3 else VolunteerType.VOLUNTEER_MENTOR
            certified = vtype is VolunteerType.PROBATION_VOLUNTEER and rng.random() < 0.6
            gender = rng.choice((Gender.MALE, Gender.FEMALE))
            given, surname = self._name(gender)
            created = _stamp(self.today - dt.timedelta(days=rng.randint(200, 2000)))
            vol_id = self.add(
                Volunteer,
                given_name=given,
                surname=surname,
                volunteer_type=vtype.value,
                certified_mediator=certified,
                phone=_phone(rng),
                email=f"{_ascii(given)}.{_ascii(surname)}@{rng.choice(_MAIL_DOMAINS)}",
                unit_id=self.units[k % len(self.units)].id,
                created_at=created,
                updated_at=created,
            )
            if certified:
                self.mediators.append(vol_id)

    def _employer(
        self, unit: _Unit, etype: EmployerType, used_names: set[str], used_regs: set[str]
    ) -> None:
        rng = self.rng
        town = rng.choice(unit.spec.towns)
        own = [template.format(g=town.genitive) for template in _EMPLOYER_TEMPLATES[etype]]
        rng.shuffle(own)
        options = own + [
            template.format(g=t.genitive)
            for t in unit.spec.towns
            for template in _EMPLOYER_TEMPLATES[etype]
        ]
        name = next((n for n in options if n not in used_names), None)
        if name is None:
            name = f"{options[0]} ({sum(1 for n in used_names if n.startswith(options[0])) + 1})"
        used_names.add(name)
        while True:
            reg = f"{_REG_PREFIX[etype]}{rng.randrange(1_000_000):06d}"
            if reg not in used_regs:
                used_regs.add(reg)
                break
        minors = etype in _MINOR_FRIENDLY and (
            etype is EmployerType.MUNICIPAL_INSTITUTION or rng.random() < 0.5
        )
        address = _address(rng, town)
        contact_gender = rng.choice((Gender.MALE, Gender.FEMALE))
        contact = " ".join(self._name(contact_gender))
        created = _stamp(self.today - dt.timedelta(days=rng.randint(400, 3000)))
        emp_id = self.add(
            Employer,
            name=name,
            registration_number=reg,
            employer_type=etype.value,
            address=address,
            municipality=town.municipality,
            contact_person=contact,
            phone=_phone(rng),
            email=f"info@{_ascii(town.name)}{rng.randint(1, 999)}.lv",
            accepts_minors=minors,
            unit_id=unit.id,
            created_at=created,
            updated_at=created,
        )
        self.employers[unit.id].append(_Employer(emp_id, minors, address))
        if rng.random() < 0.3:
            for _ in range(rng.randint(1, 2)):
                self.add(
                    Vacancy,
                    employer_id=emp_id,
                    title=rng.choice(_MINOR_WORK if minors else _ADULT_WORK),
                    description="Darbs darba dienās, darba instrumentus nodrošina darba devējs.",
                    places=rng.randint(1, 5),
                    suitable_for_minors=minors and rng.random() < 0.6,
                    valid_until=self.today + dt.timedelta(days=rng.randint(-10, 120)),
                    created_at=created,
                    updated_at=created,
                )
        if rng.random() < 0.35:
            year_start = dt.date(self.today.year, 1, 1)
            for _ in range(rng.randint(1, 2)):
                begin = year_start + dt.timedelta(days=rng.randint(0, 300))
                self.add(
                    PriorityWork,
                    employer_id=emp_id,
                    title=rng.choice(_PRIORITY_WORKS),
                    description=f"{town.municipality} prioritārais darbs šajā gadā.",
                    period_start=begin,
                    period_end=begin + dt.timedelta(days=rng.randint(14, 90)),
                    created_at=created,
                    updated_at=created,
                )

    # People

    def _name(self, gender: Gender) -> tuple[str, str]:
        rng = self.rng
        male = gender is Gender.MALE
        given = rng.choice(_MALE_NAMES if male else _FEMALE_NAMES)
        surname = rng.choice(_SURNAMES)[0 if male else 1]
        return given, surname

    def _birth(self, age: int) -> dt.date:
        latest = _add_years(self.today, -age)
        earliest = _add_years(self.today, -age - 1) + _DAY
        return earliest + dt.timedelta(days=self.rng.randint(0, (latest - earliest).days))

    def _unique_code(self, birth: dt.date) -> str:
        rng = self.rng
        new_form = rng.random() < 0.03
        while True:
            code = (
                personal_code.generate_new(rng)
                if new_form
                else personal_code.generate_old(birth, rng)
            )
            if code not in self.used_codes:
                self.used_codes.add(code)
                return code

    def _functions(self, index: int) -> list[CaseFunction]:
        rng = self.rng
        # The first clients of a run cover every function, so even a small demo shows all 13.
        if index < len(_FUNCTIONS):
            first = _FUNCTIONS[index]
        else:
            first = rng.choices(_FUNCTIONS, _ALL_WEIGHTS)[0]
        if rng.random() >= 0.3:
            return [first]
        if first is CaseFunction.COMMUNITY_WORK:
            second = rng.choice(_MINOR_SECOND)
        else:
            second = rng.choices(_ADULT_FUNCTIONS, _ADULT_WEIGHTS)[0]
        return [first, second]

    def client(self, index: int) -> None:
        """Generate one client and all their cases."""
        rng = self.rng
        unit = rng.choices(self.units, self.unit_weights)[0]
        functions = self._functions(index)
        minor = CaseFunction.COMMUNITY_WORK in functions
        gender = Gender.MALE if rng.random() < 0.84 else Gender.FEMALE
        age = rng.randint(14, 17) if minor else min(70, int(rng.triangular(18, 71, 29)))
        birth = self._birth(age)
        code = self._unique_code(birth)
        given, surname = self._name(gender)
        town = rng.choice(unit.spec.towns)
        address = _address(rng, town)
        phone = _phone(rng) if rng.random() < 0.92 else None
        email = None
        if rng.random() < 0.35:
            email = f"{_ascii(given)}.{_ascii(surname)}{rng.randint(1, 99)}@" + rng.choice(
                _MAIL_DOMAINS
            )
        if minor or age < 20:
            economic = EconomicActivity.STUDENT
        elif age >= 64:
            economic = EconomicActivity.RETIRED
        else:
            economic = rng.choices(_ECONOMIC, (40, 42, 4, 2, 12))[0]
        client_id = self.add(
            Client,
            given_name=given,
            surname=surname,
            personal_code=code,
            birth_date=birth,
            gender=gender.value,
            address=address,
            phone=phone,
            email=email,
            e_address_active=rng.random() < 0.15,
            preferred_language=(Language.LV if rng.random() < 0.95 else Language.EN).value,
            unit_id=unit.id,
            **personal_data(code, age, self.today),
        )
        row = self.rows[_T[Client]][-1]
        ref = _Client(
            client_id, unit, birth, minor, gender, given, surname, code, address, phone, email,
            economic,
        )  # fmt: skip
        first_start = min(self._case(ref, function) for function in functions)
        # Registered just before the first case, which is only known once the cases exist.
        registered = _stamp(first_start - dt.timedelta(days=rng.randint(0, 3)), 9)
        row["created_at"] = row["updated_at"] = registered

    # Cases and decisions

    def _timeline(
        self, process: Process, status: CaseStatus, closure: ClosureReason | None, length: int,
        earliest: dt.date,
    ) -> tuple[dt.date, dt.date | None]:  # fmt: skip
        rng = self.rng
        today = self.today
        end: dt.date | None = None
        if status is CaseStatus.OPENED:
            start = today - dt.timedelta(days=rng.randint(0, 20))
        elif status is CaseStatus.CLOSED:
            end = today - dt.timedelta(days=rng.randint(1, 900))
            run = length if closure is ClosureReason.COMPLETED else rng.randint(14, max(14, length))
            start = end - dt.timedelta(days=run)
        elif process is Process.EVALUATION:
            # Reports are due within weeks, so open requests are recent; this spreads due dates
            # around today: some overdue, some due this week, some later.
            start = today - dt.timedelta(days=rng.randint(1, 25))
        else:
            start = today - dt.timedelta(days=rng.randint(21, max(22, length - 1)))
        if start < earliest:
            shift = earliest - start
            start = earliest
            if end is not None:
                end = min(end + shift, today)
        return start, end

    def _case(self, client: _Client, function: CaseFunction) -> dt.date:
        """Generate one case with its decision and process rows; return its start date."""
        rng = self.rng
        process = function.process
        status = rng.choices(_STATUSES, _STATUS_WEIGHTS[process])[0]
        closure = None
        if status is CaseStatus.CLOSED:
            closure = rng.choices(_CLOSURES, _CLOSURE_WEIGHTS[process])[0]
        hours = months = None
        if process is Process.SUPERVISION:
            months = rng.choice((6, 12, 12, 18, 18, 24, 24, 24, 30, 36, 36, 48, 60))
            length = months * 30
        elif process is Process.FORCED_LABOUR:
            hours = rng.randrange(40, 481, 10) if rng.random() < 0.7 else rng.randrange(40, 161, 10)
            length = hours * 7 // 8 + 30
        elif process is Process.COMMUNITY_WORK:
            hours = rng.randrange(20, 121, 10)
            length = hours * 7 // 6 + 30
        elif process is Process.MEDIATION:
            length = rng.randint(30, 120)
        elif process is Process.EVALUATION:
            length = rng.randint(14, 35)
        else:
            length = rng.randint(60, 180)
        earliest = _add_years(client.birth, 11 if client.minor else 14)
        start, end = self._timeline(process, status, closure, length, earliest)
        decision_type, institution, number, decision_id = self._decision(
            client, function, start, hours, months
        )
        unit_officers = self.officers.get(client.unit.id)
        officer_id = rng.choice(unit_officers) if unit_officers else None
        updated = end or min(self.today, start + dt.timedelta(days=rng.randint(0, 60)))
        case_id = self.add(
            Case,
            number=self.case_number(start.year),
            client_id=client.id,
            function=function.value,
            status=status.value,
            closure_reason=closure.value if closure else None,
            start_date=start,
            end_date=end,
            officer_id=officer_id,
            unit_id=client.unit.id,
            decision_id=decision_id,
            hours_ordered=Decimal(hours) if hours is not None else None,
            notes=None,
            created_at=_stamp(start, 10, rng.randint(0, 59)),
            updated_at=_stamp(updated, 15, rng.randint(0, 59)),
        )
        case = _CaseInfo(
            case_id, function, status, closure, start, end, officer_id, decision_type,
            institution, number,
        )  # fmt: skip
        if process is Process.SUPERVISION:
            self._supervision(case, client, months or 12)
        elif process in (Process.FORCED_LABOUR, Process.COMMUNITY_WORK):
            self._work(case, client, hours or 40)
        elif process is Process.MEDIATION:
            self._mediation(case, client)
        elif process is Process.EVALUATION:
            self._evaluation(case, client)
        else:
            self._programme(case, case.start, always=True)
        return start

