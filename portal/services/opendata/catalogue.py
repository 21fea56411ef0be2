"""Metadata of the eight datasets (DCAT-AP), in Latvian and English.

Texts are translatable strings, rendered once per language with ``force_locale``; the code
lists reuse the labels of the model's enums (``portal.labels``), so a code means the same in
the app and in open data.
"""

from __future__ import annotations

from typing import Any

from flask import current_app
from flask_babel import force_locale
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import Session

from portal.labels import enum_label
from portal.models import (
    CaseFunction,
    EconomicActivity,
    Gender,
    MediationOutcome,
    Process,
    TerritorialUnit,
)
from portal.services.opendata import datasets as ds
from portal.services.opendata.disclosure import MARKER, MAX_SMALL, TOTAL
from portal.services.opendata.periods import Period

__all__ = ["LANGS", "TEXTS", "dataset_uri", "distribution_uri", "metadata", "title"]

LANGS = ("lv", "en")

TEXTS: dict[str, dict[str, Any]] = {
    "active-clients": {
        "title": _l("Active probation clients by function, gender, age, offence type and "
                    "economic activity"),
        "description": _l("Number of clients with an active case in the period, for each "
                          "function and sub-type of the State Probation Service, broken down "
                          "by gender, age group at the end of the period, violent and sexual "
                          "offence type and economic activity."),
        "keywords": [_l("probation"), _l("clients"), _l("gender"), _l("age"),
                     _l("economic activity")],
    },
    "supervision-term": {
        "title": _l("Average supervision term of clients under supervision"),
        "description": _l("Number of clients under supervision in the period and the average "
                          "supervision term ordered, in months, for each type of supervision."),
        "keywords": [_l("probation"), _l("supervision"), _l("term")],
    },
    "programme-participation": {
        "title": _l("Participation of supervision clients in probation programmes"),
        "description": _l("Supervision clients in the period by participation in probation "
                          "programmes: completed a programme in the period, participating, "
                          "not participating."),
        "keywords": [_l("probation"), _l("supervision"), _l("probation programmes")],
    },
    "economic-activity-change": {
        "title": _l("Change in economic activity of supervision clients during supervision"),
        "description": _l("Supervision clients in the period by their economic activity at "
                          "the start of supervision and at the end of the period."),
        "keywords": [_l("probation"), _l("supervision"), _l("economic activity"),
                     _l("employment")],
    },
    "mediations": {
        "title": _l("Mediations in criminal proceedings by outcome"),
        "description": _l("Mediations finished in the period by territorial unit and outcome; "
                          "'reconciled' is the number of successful mediations (the parties "
                          "reconciled)."),
        "keywords": [_l("probation"), _l("mediation"), _l("reconciliation")],
    },
    "reoffending": {
        "title": _l("Supervision clients who did not reoffend"),
        "description": _l("Supervision cases closed in the period by type of supervision and "
                          "whether the case was closed because of a new offence."),
        "keywords": [_l("probation"), _l("supervision"), _l("reoffending")],
    },
    "work-hours": {
        "title": _l("Average hours of forced labour and community work of active clients"),
        "description": _l("Number of active clients of forced labour and community work in "
                          "the period, the average hours ordered and the average hours worked "
                          "(confirmed) up to the end of the period."),
        "keywords": [_l("probation"), _l("forced labour"), _l("community work"), _l("hours")],
    },
    "active-persons": {
        "title": _l("Active persons and clients of the State Probation Service"),
        "description": _l("Number of distinct clients with an active case in the period for "
                          "each core process and in total, the victims taking part in active "
                          "mediations, and all persons."),
        "keywords": [_l("probation"), _l("clients"), _l("persons")],
    },
}

_COLUMN_TITLES: dict[str, Any] = {
    "period": _l("Period (YYYY or YYYY-MM)"),
    "function": _l("Function and sub-type"),
    "breakdown": _l("Breakdown"),
    "category": _l("Category of the breakdown"),
    "clients": _l("Number of clients"),
    "average_term_months": _l("Average supervision term ordered, months"),
    "participation": _l("Participation in probation programmes"),
    "activity_at_start": _l("Economic activity at the start of supervision"),
    "activity_at_period_end": _l("Economic activity at the end of the period"),
    "unit": _l("Territorial unit"),
    "outcome": _l("Outcome"),
    "mediations": _l("Number of mediations"),
    "average_hours_ordered": _l("Average hours ordered"),
    "average_hours_worked": _l("Average hours worked (confirmed)"),
    "group": _l("Group of persons"),
    "persons": _l("Number of persons"),
}

_TOTAL = _l("Total")
_UNKNOWN = _l("Not recorded")
_AGE = {
    "under_18": _l("Under 18"), "18_24": _l("18–24"), "25_34": _l("25–34"),
    "35_44": _l("35–44"), "45_54": _l("45–54"), "55_plus": _l("55 and over"),
}
_OFFENCE = {
    "violent": _l("Violent offence"), "sexual": _l("Sexual offence"),
    "violent_and_sexual": _l("Violent and sexual offence"), "other": _l("Other offence"),
}
_BREAKDOWN = {
    "gender": _l("Gender"), "age_group": _l("Age group"), "offence_type": _l("Offence type"),
    "economic_activity": _l("Economic activity"),
}
_PARTICIPATION = {
    "completed": _l("Completed a programme in the period"),
    "participating": _l("Participating in a programme"),
    "not_participating": _l("Not participating"),
}
_REOFFENDING = {
    "no_new_offence": _l("Did not reoffend"),
    "new_offence": _l("Closed because of a new offence"),
}
_GROUPS = {
    "all_clients": _l("All clients (each person once)"),
    "mediation_victims": _l("Victims in active mediations"),
    "all_persons": _l("All persons"),
}


def _codes(session: Session, column: str, key: str) -> dict[str, Any] | None:
    """Code → label for a coded column (None for numbers and periods)."""
    functions = {f.value: enum_label(f) for f in CaseFunction}
    economic = {e.value: enum_label(e) for e in EconomicActivity} | {ds.UNKNOWN: _UNKNOWN}
    if column == "function":
        allowed = {"supervision-term": ds.SUPERVISION, "programme-participation": ds.SUPERVISION,
                   "reoffending": ds.SUPERVISION, "work-hours": ds.WORK}.get(key)
        codes = {f.value: functions[f.value] for f in allowed} if allowed else functions
    elif column == "breakdown":
        codes = dict(_BREAKDOWN)
    elif column == "category":
        codes = ({g.value: enum_label(g) for g in Gender} | _AGE | _OFFENCE | economic)
    elif column in ("activity_at_start", "activity_at_period_end"):
        codes = economic
    elif column == "participation":
        codes = dict(_PARTICIPATION)
    elif column == "unit":
        codes = {code: name for code, name in session.execute(
            select(TerritorialUnit.code, TerritorialUnit.name).order_by(TerritorialUnit.code))}
    elif column == "outcome":
        codes = (dict(_REOFFENDING) if key == "reoffending" else
                 {o: enum_label(MediationOutcome(o)) for o in ds.MEDIATION_OUTCOMES})
    elif column == "group":
        codes = {p.value: enum_label(p) for p in Process} | _GROUPS
    else:
        return None
    return {**codes, TOTAL: _TOTAL}


def _settings() -> dict[str, Any]:
    cfg = current_app.config
    return {
        "base": cfg["OPENDATA_BASE_URI"].rstrip("/"),
        "publisher": cfg["OPENDATA_PUBLISHER"],
        "publisher_uri": cfg["OPENDATA_PUBLISHER_URI"],
        "email": cfg["OPENDATA_CONTACT_EMAIL"],
        "licence": cfg["OPENDATA_LICENCE_URI"],
    }


def dataset_uri(key: str) -> str:
    """The stable URI of a dataset (all its periods)."""
    return f"{_settings()['base']}/{key}"


def distribution_uri(key: str, period: Period | str, fmt: str) -> str:
    """The stable URI of one period of a dataset in one format (csv, json)."""
    return f"{dataset_uri(key)}/{period}.{fmt}"


def title(key: str, lang: str) -> str:
    with force_locale(lang):
        return str(TEXTS[key]["title"])


def metadata(session: Session, key: str, period: Period | None = None) -> dict[str, Any]:
    """DCAT-AP metadata of a dataset (and, given a period, of that period's distributions).

    :raises KeyError: for an unknown dataset key.
    """
    spec = ds.DATASETS[key]
    texts = TEXTS[key]
    s = _settings()

    def both(value: Any) -> dict[str, str]:
        out = {}
        for lang in LANGS:
            with force_locale(lang):
                out[lang] = str(value)
        return out

    def both_list(values: list[Any]) -> dict[str, list[str]]:
        out = {}
        for lang in LANGS:
            with force_locale(lang):
                out[lang] = [str(v) for v in values]
        return out

    columns = []
    for name in spec.columns:
        codes = _codes(session, name, key)
        numeric = name not in ("period",) and codes is None
        column: dict[str, Any] = {
            "name": name,
            "title": both(_COLUMN_TITLES[name]),
            "datatype": "number" if numeric else "string",
        }
        if codes is not None:
            column["codes"] = {code: both(label) for code, label in codes.items()}
        if numeric:
            column["suppressed_marker"] = MARKER
        columns.append(column)
    suppression = _l(
        "Counts from 1 to %(max)s are not published and show \"%(marker)s\"; further cells "
        "are hidden the same way so that no hidden count can be worked out from the totals "
        "or from the monthly and yearly tables together. An average is hidden with its count.",
        max=MAX_SMALL, marker=MARKER,
    )
    meta: dict[str, Any] = {
        "@context": "https://www.w3.org/ns/dcat",
        "@type": "dcat:Dataset",
        "identifier": key,
        "uri": dataset_uri(key),
        "number": spec.number,
        "title": both(texts["title"]),
        "description": both(texts["description"]),
        "keywords": both_list(texts["keywords"]),
        "publisher": {"name": s["publisher"], "uri": s["publisher_uri"]},
        "contact_point": {"fn": s["publisher"], "email": s["email"]},
        "accrual_periodicity": [
            "http://publications.europa.eu/resource/authority/frequency/MONTHLY",
            "http://publications.europa.eu/resource/authority/frequency/ANNUAL",
        ],
        "update_frequency": both(_l("Monthly and yearly")),
        "licence": s["licence"],
        "access_rights": "http://publications.europa.eu/resource/authority/access-right/PUBLIC",
        "language": ["http://publications.europa.eu/resource/authority/language/LAV",
                     "http://publications.europa.eu/resource/authority/language/ENG"],
        "theme": ["http://publications.europa.eu/resource/authority/data-theme/JUST"],
        "disclosure_control": both(suppression),
        "schema": {"columns": columns, "encoding": "UTF-8", "header": True,
                   "delimiter": ","},
    }
    if period is not None:
        meta["temporal"] = {"start": period.start.isoformat(), "end": period.end.isoformat(),
                            "period": period.code}
        meta["distributions"] = [
            {"format": fmt.upper(), "media_type": media,
             "access_url": distribution_uri(key, period, fmt),
             "download_url": distribution_uri(key, period, fmt)}
            for fmt, media in (("csv", "text/csv"), ("json", "application/json"))
        ]
    return meta
