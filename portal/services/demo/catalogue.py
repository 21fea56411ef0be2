"""Reference data of the demo: towns and units, names, offences, works and texts, and the
small records and helpers the generator passes around."""

from __future__ import annotations

import datetime as dt
import random
import unicodedata
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Table

from portal.models import (
    Case,
    CaseFunction,
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
    EvaluationReportVersion,
    Gender,
    HoursLog,
    Mediation,
    MediationParty,
    MediationSession,
    Meeting,
    NoShow,
    Obligation,
    PriorityWork,
    Process,
    ProgrammeParticipation,
    RiskNeedsAssessment,
    SupervisionPlan,
    Vacancy,
    Violation,
    Volunteer,
    WorkAssignment,
    WorkIncident,
    WorkScheduleEntry,
)

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


# Parents before children: the order rows are inserted in.
_PARTNER_MODELS: tuple[type, ...] = (Employer, Volunteer, Vacancy, PriorityWork)
_CLIENT_MODELS: tuple[type, ...] = (
    Client, Decision, Case, SupervisionPlan, Obligation, Meeting, Violation, RiskNeedsAssessment,
    ProgrammeParticipation, WorkAssignment, WorkScheduleEntry, HoursLog, ControlAct, NoShow,
    WorkIncident, Mediation, MediationParty, MediationSession, EvaluationReportRequest,
    EvaluationReport, EvaluationReportVersion,
)  # fmt: skip
_T: dict[type, Table] = {
    model: model.__table__  # type: ignore[attr-defined]
    for model in (*_PARTNER_MODELS, *_CLIENT_MODELS)
}
_TABLES: tuple[Table, ...] = tuple(_T.values())
