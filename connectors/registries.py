"""State registries an officer queries about a client: VIIS (education), IIS VDEAVK
(disability), VID (employment and income), RD (Riga social services).

JSON over HTTP: ``GET /query?personal_code=<code>&purpose=<legal basis>`` answers
``{"personal_code", "purpose", "data": {...}}``; 404 ``{"error": "unknown_person"}`` when the
registry does not know the person. The real registries are reached through the VISS
integrator (SOAP/XML); an adapter in front keeps these fields.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from connectors.base import BadMessage, QueryConnector


class RegistryQuery(QueryConnector):
    """A registry answering questions about one person, always for a stated purpose."""

    #: what ``data`` must hold: field -> JSON type
    answer_fields: dict[str, str] = {}

    def query(self, personal_code: str, purpose: str) -> dict[str, Any]:
        """Ask the registry; the answer is checked before anyone sees it."""
        if not purpose:
            raise BadMessage("a registry query needs a purpose")
        answer = self.request("GET", "/query?" + urlencode(
            {"personal_code": personal_code, "purpose": purpose}))
        if not isinstance(answer, dict) or not isinstance(answer.get("data"), dict):
            raise BadMessage(f"{self.system} answered with malformed data")
        if answer.get("personal_code") != personal_code:
            raise BadMessage(f"{self.system} answered about another person")
        self.validate("answer", answer["data"])
        return {"data": answer["data"]}


class ViisQuery(RegistryQuery):
    """VIIS, the education register: documents per level (basic, secondary, vocational,
    higher) with type, institution, series, number, date, programme, qualification."""

    name = "viis"
    system = "VIIS"
    message_schema = {"answer": {"education": "array"}}


class VdeavkQuery(RegistryQuery):
    """IIS VDEAVK: disability group, its term and the type of functional impairment."""

    name = "vdeavk"
    system = "IIS VDEAVK"
    message_schema = {"answer": {"disability_group": "string?", "term": "string?",
                                 "impairment": "string?"}}


class VidQuery(RegistryQuery):
    """VID, the State Revenue Service: employment, and the existence and types of legal
    income."""

    name = "vid"
    system = "VID"
    message_schema = {"answer": {"employed": "boolean", "income_types": "array"}}


class RdQuery(RegistryQuery):
    """RD, Riga City Council social services: poor / low-income status, inspection of the
    place of residence, social benefits and services granted."""

    name = "rd"
    system = "RD"
    message_schema = {"answer": {"status": "string?", "benefits": "array"}}
