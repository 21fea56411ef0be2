"""Answers of the registry simulators (VIIS, IIS VDEAVK, VID, RD), keyed by personal code:
the same person gets the same answer every time."""

from __future__ import annotations

import datetime as dt
import hashlib
import random
from typing import Any
from urllib.parse import parse_qs, urlparse

_SCHOOLS = ["Rīgas 1. vidusskola", "Rīgas Valsts tehnikums", "Latvijas Universitāte",
            "Daugavpils pamatskola", "Rīgas Tehniskā universitāte"]


def _rng(system: str, code: str) -> random.Random:
    return random.Random(int(hashlib.sha256(f"{system}:{code}".encode()).hexdigest()[:12], 16))


def _document(rng: random.Random, level: str) -> dict[str, Any]:
    issued = dt.date(1990, 1, 1) + dt.timedelta(days=rng.randint(0, 12000))
    doc = {
        "level": level,
        "education_type": {"basic": "pamatizglītība", "secondary": "vispārējā vidējā",
                           "vocational": "profesionālā", "higher": "augstākā"}[level],
        "document_type": {"basic": "apliecība", "secondary": "atestāts",
                          "vocational": "diploms", "higher": "diploms"}[level],
        "institution": rng.choice(_SCHOOLS),
        "series": rng.choice(["A", "B", "PA", "VA"]),
        "number": f"{rng.randint(100000, 999999)}",
        "issued_on": issued.isoformat(),
        "programme_code": f"{rng.randint(10, 99)}{rng.randint(100, 999)}{rng.randint(10, 99)}",
    }
    if level in ("vocational", "higher"):
        doc["qualification"] = rng.choice(["pavārs", "elektriķis", "jurists", "programmētājs"])
    return doc


def data_for(system: str, code: str) -> dict[str, Any]:
    """What the registry ``system`` holds about the person with ``code``."""
    rng = _rng(system, code)
    if system == "viis":
        levels = ["basic", "secondary", "vocational", "higher"][: rng.randint(1, 4)]
        return {"education": [_document(rng, level) for level in levels]}
    if system == "vdeavk":
        group = rng.choice([None, "I", "II", "III"])
        return {"disability_group": group,
                "term": None if group is None else rng.choice(["uz 1 gadu", "uz 2 gadiem",
                                                               "beztermiņa"]),
                "impairment": None if group is None else rng.choice(
                    ["kustību", "redzes", "dzirdes", "garīgās veselības"])}
    if system == "vid":
        employed = rng.random() < 0.6
        return {"employed": employed,
                "employer": rng.choice(["SIA Būvnieks", "AS Piens", "Rīgas dome"])
                if employed else None,
                "income_types": rng.sample(["alga", "pensija", "pabalsts", "autoratlīdzība"],
                                           rng.randint(0, 2))}
    if system == "rd":
        return {"status": rng.choice([None, "trūcīga", "maznodrošināta"]),
                "residence_inspected_on": (dt.date(2025, 1, 1) + dt.timedelta(
                    days=rng.randint(0, 600))).isoformat() if rng.random() < 0.5 else None,
                "benefits": rng.sample(["GMI pabalsts", "dzīvokļa pabalsts", "aprūpe mājās"],
                                       rng.randint(0, 2))}
    return {}


def asked_code(path: str) -> str:
    """The personal code a ``GET /query?...`` asks about."""
    return (parse_qs(urlparse(path).query).get("personal_code") or [""])[0]


def answer(system: str, path: str) -> dict[str, Any]:
    """The answer to ``GET /query?personal_code=...&purpose=...``."""
    query = parse_qs(urlparse(path).query)
    code = (query.get("personal_code") or [""])[0]
    return {"system": system, "personal_code": code,
            "purpose": (query.get("purpose") or [""])[0], "data": data_for(system, code)}
