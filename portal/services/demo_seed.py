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
import math
import random
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Table, func, insert, select, text, update
from sqlalchemy.orm import Session

from portal.models import (
    Case,
    CaseFunction,
    CaseNumberCounter,
    CaseStatus,
    Client,
    ClosureReason,
    ControlAct,
    Decision,
    DecisionType,
    EconomicActivity,
    Employer,
    EmployerType,
    EvaluationReport,
    EvaluationReportRequest,
    Gender,
    HoursLog,
    Language,
    Mediation,
    MediationOutcome,
    MediationParty,
    MediationSession,
    Meeting,
    NoShow,
    Obligation,
    ObligationSource,
    PartyRole,
    PriorityWork,
    Process,
    ProgrammeParticipation,
    ReportedBy,
    Requester,
    RequestStatus,
    RiskLevel,
    RiskNeedsAssessment,
    SourceSystem,
    SupervisionPlan,
    TerritorialUnit,
    Vacancy,
    Violation,
    Volunteer,
    VolunteerType,
    WorkAssignment,
    WorkIncident,
    WorkScheduleEntry,
)
from portal.services import personal_code

__all__ = ["BATCH_CLIENTS", "UNIT_SPECS", "Town", "UnitSpec", "ensure_units", "seed_demo"]

BATCH_CLIENTS = 2_000
VOLUNTEER_TARGET = 20

Row = dict[str, Any]

_UTC = dt.UTC
_RIGA = ZoneInfo("Europe/Riga")
_DAY = dt.timedelta(days=1)


# --- Reference data ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Town:
    """A town where clients live and employers are, with its genitive for names."""

    name: str
    genitive: str
    postcodes: tuple[str, ...]
    state_city: bool = False

    @property
    def municipality(self) -> str:
        return f"{self.genitive} {'valstspilsēta' if self.state_city else 'novads'}"


@dataclass(frozen=True)
class UnitSpec:
    """A demo territorial unit with the towns, courts and prosecution offices it serves."""

    code: str
    name: str
    municipality: str
    weight: int
    towns: tuple[Town, ...]
    courts: tuple[tuple[str, str], ...]  # (name, archive-number prefix)
    prosecutors: tuple[str, ...]


UNIT_SPECS: tuple[UnitSpec, ...] = (
    UnitSpec(
        "RIG",
        "Rīgas teritoriālā struktūrvienība",
        "Rīgas valstspilsēta",
        34,
        (Town("Rīga", "Rīgas", ("LV-1001", "LV-1010", "LV-1035", "LV-1050", "LV-1082"), True),),
        (("Rīgas pilsētas tiesa", "K30"), ("Rīgas apgabaltiesa", "K04")),
        (
            "Rīgas pilsētas Centra rajona prokuratūra",
            "Rīgas pilsētas Latgales priekšpilsētas prokuratūra",
            "Rīgas pilsētas Vidzemes priekšpilsētas prokuratūra",
            "Rīgas pilsētas Kurzemes rajona prokuratūra",
        ),
    ),
    UnitSpec(
        "PIE",
        "Pierīgas teritoriālā struktūrvienība",
        "Mārupes novads",
        15,
        (
            Town("Jūrmala", "Jūrmalas", ("LV-2010", "LV-2015"), True),
            Town("Ogre", "Ogres", ("LV-5001",)),
            Town("Salaspils", "Salaspils", ("LV-2121",)),
            Town("Sigulda", "Siguldas", ("LV-2150",)),
            Town("Olaine", "Olaines", ("LV-2114",)),
            Town("Ķekava", "Ķekavas", ("LV-2123",)),
            Town("Mārupe", "Mārupes", ("LV-2167",)),
            Town("Ādaži", "Ādažu", ("LV-2164",)),
        ),
        (("Rīgas rajona tiesa", "K33"),),
        ("Rīgas rajona prokuratūra", "Jūrmalas prokuratūra"),
    ),
    UnitSpec(
        "KUR",
        "Kurzemes teritoriālā struktūrvienība",
        "Liepājas valstspilsēta",
        13,
        (
            Town("Liepāja", "Liepājas", ("LV-3401", "LV-3411"), True),
            Town("Ventspils", "Ventspils", ("LV-3601",), True),
            Town("Kuldīga", "Kuldīgas", ("LV-3301",)),
            Town("Talsi", "Talsu", ("LV-3201",)),
            Town("Saldus", "Saldus", ("LV-3801",)),
            Town("Tukums", "Tukuma", ("LV-3101",)),
        ),
        (("Kurzemes rajona tiesa", "K38"), ("Kurzemes apgabaltiesa", "K06")),
        ("Liepājas prokuratūra", "Ventspils prokuratūra", "Kuldīgas rajona prokuratūra"),
    ),
    UnitSpec(
        "ZEM",
        "Zemgales teritoriālā struktūrvienība",
        "Jelgavas valstspilsēta",
        12,
        (
            Town("Jelgava", "Jelgavas", ("LV-3001", "LV-3007"), True),
            Town("Bauska", "Bauskas", ("LV-3901",)),
            Town("Dobele", "Dobeles", ("LV-3701",)),
            Town("Jēkabpils", "Jēkabpils", ("LV-5201",)),
            Town("Aizkraukle", "Aizkraukles", ("LV-5101",)),
        ),
        (("Zemgales rajona tiesa", "K36"), ("Zemgales apgabaltiesa", "K05")),
        ("Jelgavas prokuratūra", "Bauskas rajona prokuratūra", "Jēkabpils rajona prokuratūra"),
    ),
    UnitSpec(
        "VID",
        "Vidzemes teritoriālā struktūrvienība",
        "Valmieras novads",
        11,
        (
            Town("Valmiera", "Valmieras", ("LV-4201",)),
            Town("Cēsis", "Cēsu", ("LV-4101",)),
            Town("Limbaži", "Limbažu", ("LV-4001",)),
            Town("Valka", "Valkas", ("LV-4701",)),
            Town("Smiltene", "Smiltenes", ("LV-4729",)),
            Town("Gulbene", "Gulbenes", ("LV-4401",)),
            Town("Alūksne", "Alūksnes", ("LV-4301",)),
            Town("Madona", "Madonas", ("LV-4801",)),
        ),
        (("Vidzemes rajona tiesa", "K37"), ("Vidzemes apgabaltiesa", "K03")),
        ("Valmieras prokuratūra", "Cēsu rajona prokuratūra", "Madonas rajona prokuratūra"),
    ),
    UnitSpec(
        "LAT",
        "Latgales teritoriālā struktūrvienība",
        "Daugavpils valstspilsēta",
        15,
        (
            Town("Daugavpils", "Daugavpils", ("LV-5401", "LV-5417"), True),
            Town("Rēzekne", "Rēzeknes", ("LV-4601",), True),
            Town("Ludza", "Ludzas", ("LV-5701",)),
            Town("Preiļi", "Preiļu", ("LV-5301",)),
            Town("Krāslava", "Krāslavas", ("LV-5601",)),
            Town("Balvi", "Balvu", ("LV-4501",)),
        ),
        (("Latgales rajona tiesa", "K35"), ("Latgales apgabaltiesa", "K07")),
        ("Daugavpils prokuratūra", "Rēzeknes prokuratūra", "Ludzas rajona prokuratūra"),
    ),
)

#: decisions that come from a court (TIS); prosecution ones come from ProIS, prison ones from IeVP
_COURT_KINDS = frozenset({
    DecisionType.COURT_JUDGMENT,
    DecisionType.COURT_DECISION,
    DecisionType.COURT_EVALUATION_REQUEST,
    DecisionType.JUDGE_MEDIATION_PROPOSAL,
})
_PRISONS = (
    "Rīgas Centrālcietums",
    "Olaines cietums",
    "Jelgavas cietums",
    "Valmieras cietums",
    "Daugavgrīvas cietums",
    "Iļģuciema cietums",
    "Liepājas cietums",
    "Cēsu audzināšanas iestāde nepilngadīgajiem",
)

_MALE_NAMES = (
    "Jānis", "Andris", "Mārtiņš", "Edgars", "Kārlis", "Artūrs", "Roberts", "Raivis", "Aigars",
    "Ģirts", "Māris", "Dāvis", "Edvīns", "Juris", "Pēteris", "Aleksandrs", "Sergejs",
    "Dmitrijs", "Rihards", "Kristaps", "Ēriks", "Ivars", "Gints", "Oskars", "Uldis", "Valdis",
    "Normunds", "Armands", "Toms", "Renārs", "Reinis", "Intars", "Ainārs", "Vitālijs",
)  # fmt: skip
_FEMALE_NAMES = (
    "Anna", "Līga", "Ilze", "Inese", "Kristīne", "Dace", "Sanita", "Laura", "Elīna", "Zane",
    "Agnese", "Evija", "Santa", "Marta", "Ieva", "Māra", "Dzintra", "Līva", "Baiba", "Anete",
    "Ērika", "Ināra", "Olga", "Jeļena", "Svetlana", "Gunta", "Rūta", "Alise", "Sintija", "Ance",
)  # fmt: skip
# (male form, female form): Latvian surnames agree with the person's gender.
_SURNAMES = (
    ("Bērziņš", "Bērziņa"), ("Kalniņš", "Kalniņa"), ("Ozoliņš", "Ozoliņa"),
    ("Jansons", "Jansone"), ("Liepiņš", "Liepiņa"), ("Krūmiņš", "Krūmiņa"),
    ("Zariņš", "Zariņa"), ("Ābele", "Ābele"), ("Šmits", "Šmite"), ("Ķēniņš", "Ķēniņa"),
    ("Gailītis", "Gailīte"), ("Vītols", "Vītola"), ("Pētersons", "Pētersone"),
    ("Kļaviņš", "Kļaviņa"), ("Eglītis", "Eglīte"), ("Siliņš", "Siliņa"), ("Vilks", "Vilka"),
    ("Lācis", "Lāce"), ("Sproģis", "Sproģe"), ("Kārkliņš", "Kārkliņa"), ("Balodis", "Balode"),
    ("Freimanis", "Freimane"), ("Strazdiņš", "Strazdiņa"), ("Rozenbergs", "Rozenberga"),
    ("Ivanovs", "Ivanova"), ("Petrovs", "Petrova"), ("Kuzņecovs", "Kuzņecova"),
    ("Zvirbulis", "Zvirbule"), ("Cīrulis", "Cīrule"), ("Grīnbergs", "Grīnberga"),
    ("Dzenis", "Dzene"), ("Auziņš", "Auziņa"), ("Vanags", "Vanaga"), ("Kalējs", "Kalēja"),
    ("Saulītis", "Saulīte"), ("Lapiņš", "Lapiņa"), ("Priede", "Priede"), ("Mežulis", "Mežule"),
)  # fmt: skip
_STREETS = (
    "Brīvības", "Rīgas", "Skolas", "Dārza", "Lāčplēša", "Krišjāņa Barona", "Ganību",
    "Liepājas", "Pils", "Stacijas", "Meža", "Ezera", "Upes", "Jaunā", "Tirgus", "Kalna",
    "Zaļā", "Saules", "Miera", "Lielā", "Raiņa", "Ausekļa", "Dzirnavu", "Smilšu",
)  # fmt: skip
_MAIL_DOMAINS = ("inbox.lv", "gmail.com", "apollo.lv", "tvnet.lv", "outlook.com")

# (articles, violent, sexual, weight)
_OFFENCES: tuple[tuple[str, bool, bool, int], ...] = (
    ("Krimināllikuma 175. panta pirmā daļa", False, False, 22),
    ("Krimināllikuma 175. panta otrā daļa", False, False, 8),
    ("Krimināllikuma 180. panta pirmā daļa", False, False, 6),
    ("Krimināllikuma 177. panta pirmā daļa", False, False, 6),
    ("Krimināllikuma 185. panta pirmā daļa", False, False, 4),
    ("Krimināllikuma 262. panta pirmā daļa", False, False, 12),
    ("Krimināllikuma 253. panta pirmā daļa", False, False, 9),
    ("Krimināllikuma 231. panta pirmā daļa", False, False, 6),
    ("Krimināllikuma 130. panta pirmā daļa", True, False, 7),
    ("Krimināllikuma 125. panta pirmā daļa", True, False, 3),
    ("Krimināllikuma 176. panta pirmā daļa", True, False, 3),
    ("Krimināllikuma 174. panta pirmā daļa", True, False, 2),
    ("Krimināllikuma 117. panta 1. punkts", True, False, 1),
    ("Krimināllikuma 159. panta pirmā daļa", True, True, 1),
    ("Krimināllikuma 160. panta pirmā daļa", True, True, 1),
    ("Krimināllikuma 162. panta pirmā daļa", False, True, 1),
)
_OFFENCE_WEIGHTS = [o[3] for o in _OFFENCES]

_FUNCTIONS = tuple(CaseFunction)
_FUNCTION_WEIGHTS = {
    CaseFunction.SUPERVISION_CONDITIONAL_SENTENCE: 22,
    CaseFunction.SUPERVISION_EARLY_RELEASE: 8,
    CaseFunction.SUPERVISION_RELEASE_FROM_LIABILITY: 6,
    CaseFunction.PROBATION_SUPERVISION: 7,
    CaseFunction.SUPERVISION_EARLY_RELEASE_EM: 3,
    CaseFunction.FORCED_LABOUR: 18,
    CaseFunction.FORCED_LABOUR_ADDITIONAL: 3,
    CaseFunction.COMMUNITY_WORK: 2,
    CaseFunction.MEDIATION: 7,
    CaseFunction.EVALUATION_PRE_TRIAL: 10,
    CaseFunction.EVALUATION_EARLY_RELEASE: 6,
    CaseFunction.EVALUATION_EARLY_RELEASE_EM: 2,
    CaseFunction.PROGRAMME_PARTICIPATION: 3,
}
_ADULT_FUNCTIONS = [f for f in _FUNCTIONS if f is not CaseFunction.COMMUNITY_WORK]
_ADULT_WEIGHTS = [_FUNCTION_WEIGHTS[f] for f in _ADULT_FUNCTIONS]
_ALL_WEIGHTS = [_FUNCTION_WEIGHTS[f] for f in _FUNCTIONS]
# What else a minor doing community work may have on record.
_MINOR_SECOND = (
    CaseFunction.MEDIATION,
    CaseFunction.EVALUATION_PRE_TRIAL,
    CaseFunction.SUPERVISION_CONDITIONAL_SENTENCE,
)

_STATUSES = (CaseStatus.OPENED, CaseStatus.ACTIVE, CaseStatus.SUSPENDED, CaseStatus.CLOSED)
_STATUS_WEIGHTS: dict[Process, tuple[int, ...]] = {
    Process.SUPERVISION: (6, 64, 5, 25),
    Process.FORCED_LABOUR: (10, 60, 6, 24),
    Process.COMMUNITY_WORK: (10, 62, 3, 25),
    Process.MEDIATION: (15, 45, 2, 38),
    Process.EVALUATION: (15, 45, 0, 40),
    Process.PROGRAMMES: (10, 60, 2, 28),
}
_CLOSURES = tuple(ClosureReason)
_CLOSURE_WEIGHTS: dict[Process, tuple[int, ...]] = {
    # completed, sentence_replaced, new_offence, decision_revoked, transferred, death, other
    Process.SUPERVISION: (70, 5, 9, 4, 6, 1, 5),
    Process.FORCED_LABOUR: (72, 14, 0, 2, 5, 1, 6),
    Process.COMMUNITY_WORK: (80, 8, 0, 2, 5, 0, 5),
    Process.MEDIATION: (90, 0, 0, 2, 3, 0, 5),
    Process.EVALUATION: (88, 0, 0, 5, 3, 0, 4),
    Process.PROGRAMMES: (80, 0, 5, 0, 5, 0, 10),
}

_ECONOMIC = (
    EconomicActivity.EMPLOYED,
    EconomicActivity.UNEMPLOYED,
    EconomicActivity.STUDENT,
    EconomicActivity.RETIRED,
    EconomicActivity.OTHER,
)

_ADULT_WORK = (
    "Teritorijas sakopšana", "Zāles pļaušana un lapu grābšana", "Sniega tīrīšana",
    "Palīgdarbi noliktavā", "Telpu uzkopšana", "Malkas sagatavošana", "Palīgdarbi virtuvē",
    "Remontdarbu palīgdarbi", "Kapsētas sakopšana", "Palīgdarbi dzīvnieku patversmē",
)  # fmt: skip
# Light work only: the rules on child labour exclude heavy, dangerous and night work.
_MINOR_WORK = (
    "Teritorijas sakopšana", "Lapu grābšana", "Grāmatu kārtošana bibliotēkā",
    "Palīgdarbi dzīvnieku patversmē", "Telpu uzkopšana",
)  # fmt: skip
_PRIORITY_WORKS = (
    "Pilsētas parku sakopšana pēc ziemas", "Pludmales un kāpu sakopšana",
    "Ietvju attīrīšana no sniega", "Kapsētu sakopšana pirms kapu svētkiem",
    "Bērnu laukumu krāsošana", "Krūmu izciršana gar ceļiem",
)  # fmt: skip

_EMPLOYER_TEMPLATES: dict[EmployerType, tuple[str, ...]] = {
    EmployerType.STATE_INSTITUTION: (
        "Valsts meža dienesta {g} mežniecība",
        "Valsts sociālās aprūpes centra {g} filiāle",
        "Nodarbinātības valsts aģentūras {g} filiāle",
    ),
    EmployerType.MUNICIPAL_INSTITUTION: (
        '{g} pilsētas pašvaldības aģentūra "{g} labiekārtošana"',
        "{g} Komunālā pārvalde",
        "{g} sociālais dienests",
        "{g} centrālā bibliotēka",
    ),
    EmployerType.STATE_OR_MUNICIPAL_COMPANY: (
        'SIA "{g} namu pārvalde"',
        'SIA "{g} ūdens"',
        'SIA "{g} siltums"',
    ),
    EmployerType.ASSOCIATION: (
        'Biedrība "{g} ģimeņu atbalsta centrs"',
        'Biedrība "{g} sporta klubs"',
        'Biedrība "{g} pensionāru apvienība"',
    ),
    EmployerType.FOUNDATION: (
        'Nodibinājums "{g} dzīvnieku patversme"',
        'Nodibinājums "{g} attīstības fonds"',
    ),
    EmployerType.RELIGIOUS_ORGANISATION: (
        "{g} evaņģēliski luteriskā draudze",
        "{g} Romas katoļu draudze",
        "{g} Svētās Trīsvienības pareizticīgo draudze",
    ),
    EmployerType.PUBLIC_MAJORITY_COMPANY: (
        'SIA "{g} slimnīca"',
        'SIA "{g} autobusu parks"',
        'AS "{g} tirgus"',
    ),
}
_EMPLOYER_WEIGHTS = {
    EmployerType.STATE_INSTITUTION: 2,
    EmployerType.MUNICIPAL_INSTITUTION: 6,
    EmployerType.STATE_OR_MUNICIPAL_COMPANY: 3,
    EmployerType.ASSOCIATION: 3,
    EmployerType.FOUNDATION: 2,
    EmployerType.RELIGIOUS_ORGANISATION: 2,
    EmployerType.PUBLIC_MAJORITY_COMPANY: 1,
}
_REG_PREFIX = {
    EmployerType.STATE_INSTITUTION: "90000",
    EmployerType.MUNICIPAL_INSTITUTION: "90000",
    EmployerType.STATE_OR_MUNICIPAL_COMPANY: "40003",
    EmployerType.ASSOCIATION: "40008",
    EmployerType.FOUNDATION: "40008",
    EmployerType.RELIGIOUS_ORGANISATION: "90000",
    EmployerType.PUBLIC_MAJORITY_COMPANY: "40003",
}
_MINOR_FRIENDLY = {
    EmployerType.MUNICIPAL_INSTITUTION,
    EmployerType.ASSOCIATION,
    EmployerType.FOUNDATION,
    EmployerType.RELIGIOUS_ORGANISATION,
}

_COURT_OBLIGATIONS = (
    "Periodiski ierasties Valsts probācijas dienestā uz pārrunām",
    "Bez Valsts probācijas dienesta atļaujas nemainīt dzīvesvietu",
    "Neatstāt dzīvesvietu no plkst. 22.00 līdz 6.00",
    "Neapmeklēt izklaides vietas, kurās tirgo alkoholiskos dzērienus",
    "Ārstēties no alkohola atkarības",
    "Atlīdzināt ar noziedzīgo nodarījumu radīto kaitējumu",
    "Nesatikties ar cietušo un netuvoties cietušā dzīvesvietai",
)
_VPD_OBLIGATIONS = (
    "Piedalīties probācijas programmā",
    "Reģistrēties Nodarbinātības valsts aģentūrā",
    "Informēt Valsts probācijas dienestu par darba vai mācību vietas maiņu",
)
_PROGRAMMES = (
    "Agresijas pārvaldīšanas programma",
    "Atkarību mazināšanas programma",
    "Domāšanas un uzvedības korekcijas programma",
    "Vardarbīgas uzvedības mazināšanas programma",
    "Drošas braukšanas programma",
    "Dzimumnoziedzinieku uzvedības korekcijas programma",
)
_MEETING_NOTES = (
    "Klients ieradās laikā, pienākumus pilda. Strādā būvniecībā.",
    "Pārrunāta darba meklēšana; klients reģistrējies NVA.",
    "Klients atzīst alkohola lietošanas problēmu, piekrīt konsultācijai pie speciālista.",
    "Dzīvesvieta nav mainīta; attiecības ģimenē stabilas.",
    "Klients mācās arodskolā, sekmes apmierinošas.",
    "Pārrunāts uzraudzības plāna izpildes progress.",
)
_VIOLATIONS = (
    "Neieradās uz pārrunām noteiktajā laikā bez attaisnojoša iemesla",
    "Mainīja dzīvesvietu, neinformējot Valsts probācijas dienestu",
    "Atradās ārpus dzīvesvietas nakts laikā",
    "Izdarīja administratīvo pārkāpumu",
)
_VIOLATION_ACTIONS = (
    ("Veiktas pārrunas ar klientu, izteikts rakstisks brīdinājums", False),
    ("Iesniegums tiesā par pārbaudes laika pagarināšanu", True),
    ("Iesniegums tiesā par papildu pienākuma uzlikšanu", True),
)
_NEEDS = (
    "Nodarbinātība", "Izglītība", "Atkarības", "Domāšana un uzvedība", "Attiecības ģimenē",
    "Mājoklis", "Finanses", "Brīvā laika pavadīšana",
)  # fmt: skip
_VICTIM_COMPANIES = ('SIA "Maxima Latvija"', 'SIA "Rimi Latvia"', 'AS "Latvijas Pasts"')


@dataclass(frozen=True, slots=True)
class _Unit:
    id: int
    spec: UnitSpec


@dataclass(slots=True)
class _Employer:
    id: int
    accepts_minors: bool
    address: str


@dataclass(slots=True)
class _Client:
    id: int
    unit: _Unit
    birth: dt.date
    minor: bool
    gender: Gender
    given_name: str
    surname: str
    code: str
    address: str
    phone: str | None
    email: str | None
    economic: EconomicActivity


@dataclass(slots=True)
class _CaseInfo:
    id: int
    function: CaseFunction
    status: CaseStatus
    closure: ClosureReason | None
    start: dt.date
    end: dt.date | None
    officer_id: int | None
    decision_type: DecisionType
    institution: str
    decision_number: str


# --- Small helpers ----------------------------------------------------------------------------


def _stamp(day: dt.date, hour: int = 9, minute: int = 0) -> dt.datetime:
    """A UTC timestamp for a local (Riga) time on ``day``."""
    return dt.datetime(day.year, day.month, day.day, hour, minute, tzinfo=_RIGA).astimezone(_UTC)


def _add_years(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February in a year without one
        return day.replace(year=day.year + years, day=28)


def _ascii(name: str) -> str:
    decomposed = unicodedata.normalize("NFKD", name)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).lower()


def _address(rng: random.Random, town: Town) -> str:
    flat = f"-{rng.randint(1, 80)}" if rng.random() < 0.6 else ""
    street = rng.choice(_STREETS)
    return f"{street} iela {rng.randint(1, 120)}{flat}, {town.name}, {rng.choice(town.postcodes)}"


def _phone(rng: random.Random) -> str:
    return f"+371 2{rng.randrange(10_000_000):07d}"


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

# Parents before children: the order rows are inserted in.
_PARTNER_MODELS: tuple[type, ...] = (Employer, Volunteer, Vacancy, PriorityWork)
_CLIENT_MODELS: tuple[type, ...] = (
    Client, Decision, Case, SupervisionPlan, Obligation, Meeting, Violation, RiskNeedsAssessment,
    ProgrammeParticipation, WorkAssignment, WorkScheduleEntry, HoursLog, ControlAct, NoShow,
    WorkIncident, Mediation, MediationParty, MediationSession, EvaluationReportRequest,
    EvaluationReport,
)  # fmt: skip
_T: dict[type, Table] = {
    model: model.__table__  # type: ignore[attr-defined]
    for model in (*_PARTNER_MODELS, *_CLIENT_MODELS)
}
_TABLES: tuple[Table, ...] = tuple(_T.values())


class _Seeder:
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
            self.templates[table] = dict.fromkeys(table.c.keys())
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
                    "SELECT setval(pg_get_serial_sequence(:t, 'id'), "
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

    def _decision_type(self, function: CaseFunction) -> DecisionType:
        rng = self.rng
        if function in (
            CaseFunction.EVALUATION_EARLY_RELEASE,
            CaseFunction.EVALUATION_EARLY_RELEASE_EM,
        ):
            return DecisionType.PRISON_REQUEST
        if function is CaseFunction.SUPERVISION_RELEASE_FROM_LIABILITY:
            return DecisionType.PROSECUTOR_DECISION
        if function is CaseFunction.FORCED_LABOUR and rng.random() < 0.3:
            return DecisionType.PROSECUTOR_PENALTY_ORDER
        if function is CaseFunction.MEDIATION:
            # Most mediations come from the prosecution; the rest from judges.
            return (DecisionType.PROSECUTOR_MEDIATION_REQUEST if rng.random() < 0.7
                    else DecisionType.JUDGE_MEDIATION_PROPOSAL)
        if function is CaseFunction.EVALUATION_PRE_TRIAL:
            return (DecisionType.PROSECUTOR_EVALUATION_REQUEST if rng.random() < 0.6
                    else DecisionType.COURT_EVALUATION_REQUEST)
        if function in (CaseFunction.SUPERVISION_EARLY_RELEASE,
                        CaseFunction.SUPERVISION_EARLY_RELEASE_EM):
            return DecisionType.COURT_DECISION
        return DecisionType.COURT_JUDGMENT

    def _decision(
        self,
        client: _Client,
        function: CaseFunction,
        start: dt.date,
        hours: int | None,
        months: int | None,
    ) -> tuple[DecisionType, str, str, int]:
        rng = self.rng
        spec = client.unit.spec
        kind = self._decision_type(function)
        process = function.process
        if process in (Process.EVALUATION, Process.MEDIATION):
            decided = start - dt.timedelta(days=rng.randint(0, 5))
            effective = None if kind is DecisionType.PRISON_REQUEST else decided
        else:
            decided = start - dt.timedelta(days=rng.randint(20, 75))
            effective = decided + dt.timedelta(days=rng.randint(11, 19))
        if kind in _COURT_KINDS:
            institution, prefix = rng.choice(spec.courts)
            number = f"{prefix}-{rng.randint(1, 4999):04d}-{decided.year % 100:02d}"
            source = SourceSystem.TIS
        elif kind is DecisionType.PRISON_REQUEST:
            # The last is the young offenders' institution.
            institution = _PRISONS[-1] if client.minor else rng.choice(_PRISONS[:-1])
            number = f"1-{rng.randint(10, 99)}/{rng.randint(1, 9999)}"
            source = SourceSystem.IEVP
        else:
            institution = rng.choice(spec.prosecutors)
            # Criminal proceedings numbers have 11 digits.
            number = f"11{rng.randint(100, 999)}{rng.randrange(1_000_000):06d}"
            source = SourceSystem.PROIS
        articles, violent, sexual, _ = rng.choices(_OFFENCES, _OFFENCE_WEIGHTS)[0]
        electronic = rng.random() < 0.6
        decision_id = self.add(
            Decision,
            client_id=client.id,
            decision_type=kind.value,
            institution=institution,
            number=number,
            decision_date=decided,
            effective_date=effective,
            criminal_law_articles=articles,
            violent_offence=violent,
            sexual_offence=sexual,
            forced_labour_hours=hours if process is Process.FORCED_LABOUR else None,
            community_work_hours=hours if process is Process.COMMUNITY_WORK else None,
            supervision_months=months,
            penalty_details=self._penalty_details(function, hours, months),
            received_electronically=electronic,
            source_system=(source if electronic else SourceSystem.MANUAL).value,
            external_id=f"{source.value.upper()}-{rng.getrandbits(48):012x}"
            if electronic
            else None,
            created_at=_stamp(start, 9, rng.randint(0, 59)),
            updated_at=_stamp(start, 9, 59),
        )
        return kind, institution, number, decision_id

    def _penalty_details(
        self, function: CaseFunction, hours: int | None, months: int | None
    ) -> str:
        rng = self.rng
        f = CaseFunction
        if function is f.SUPERVISION_CONDITIONAL_SENTENCE:
            return (
                f"Brīvības atņemšana uz {rng.randint(2, 5)} gadiem, nosacīti "
                f"ar pārbaudes laiku uz {months} mēnešiem"
            )
        if function in (f.SUPERVISION_EARLY_RELEASE, f.SUPERVISION_EARLY_RELEASE_EM):
            tail = (
                ", ar elektronisko uzraudzību" if function is f.SUPERVISION_EARLY_RELEASE_EM else ""
            )
            return f"Nosacīti pirms termiņa atbrīvots; neizciestā soda daļa — {months} mēneši{tail}"
        if function is f.SUPERVISION_RELEASE_FROM_LIABILITY:
            return (
                f"Nosacīti atbrīvots no kriminālatbildības ar pārbaudes laiku uz {months} mēnešiem"
            )
        if function is f.PROBATION_SUPERVISION:
            return f"Papildsods — probācijas uzraudzība uz {months} mēnešiem"
        if function is f.FORCED_LABOUR:
            return f"Piespiedu darbs {hours} stundas"
        if function is f.FORCED_LABOUR_ADDITIONAL:
            return f"Papildsods — piespiedu darbs {hours} stundas"
        if function is f.COMMUNITY_WORK:
            return f"Audzinoša rakstura piespiedu līdzeklis — sabiedriskais darbs {hours} stundas"
        if function is f.MEDIATION:
            return "Lēmums par izlīguma organizēšanu kriminālprocesā"
        if function.process is Process.EVALUATION:
            return "Pieprasījums sagatavot izvērtēšanas ziņojumu"
        return f"Pienākums piedalīties probācijas programmā: {rng.choice(_PROGRAMMES)}"

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
                    active=case.status is not CaseStatus.CLOSED,
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
                review_date=plan_day + dt.timedelta(days=180),
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
                obligations_kept=(rng.random() < 0.9) if held else False,
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
                obligations_kept=None,
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
        for day, held in sorted(sessions):
            held = held and day < today
            at = _stamp(day, rng.randint(9, 16), rng.choice((0, 30)))
            self.add(
                MediationSession,
                mediation_id=mediation_id,
                scheduled_at=at,
                place=place,
                in_prison=in_prison,
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
        self.add(
            EvaluationReport,
            request_id=request_id,
            thinking_and_behaviour="Klients atzīst nodarījumu, taču daļēji attaisno savu rīcību "
            "ar apstākļiem; impulsivitāte stresa situācijās.",
            attitudes="Attieksme pret sodu pieņemoša; motivēts mainīt uzvedību.",
            social_circumstances=(
                "Dzīvo kopā ar vecākiem, mācās skolā."
                if client.minor
                else rng.choice(
                    (
                        "Dzīvo kopā ar ģimeni, ir pastāvīgs darbs.",
                        "Bez pastāvīga darba, dzīvo īrētā dzīvoklī; ir parādsaistības.",
                        "Dzīvo viens, iztiek no gadījuma darbiem.",
                    )
                )
            ),
            victim_rights=rng.choice(
                (
                    "Kaitējums cietušajam atlīdzināts pilnībā.",
                    "Kaitējums daļēji atlīdzināts; klients gatavs turpināt atlīdzināt.",
                    "Kaitējums nav atlīdzināts.",
                )
            ),
            conclusion=(
                "Klientam ir zems noziedzīgas uzvedības atkārtošanās risks."
                if rng.random() < 0.6
                else "Klientam ir vidējs noziedzīgas uzvedības atkārtošanās risks."
            ),
            submitted_at=_stamp(written, 15) if status is RequestStatus.SUBMITTED else None,
            author_id=case.officer_id,
            reference=f"IZ-{written.year}-{request_id:06d}",
            created_at=_stamp(written, 12),
            updated_at=_stamp(written, 15),
        )
