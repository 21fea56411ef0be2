"""ProIS, the prosecution's information system: penalty orders, mediation requests and
conditional releases from criminal liability in; execution notices and mediation results out.

JSON over HTTP (:mod:`connectors.ecase` describes the messages).
"""

from __future__ import annotations

from connectors.ecase import DECISION_FIELDS, ECaseInbound, ECaseOutbound
from portal.models import DecisionType, SourceSystem


class ProisInbound(ECaseInbound):
    """Prosecutor's penalty orders, mediation requests, release from criminal liability."""

    name = "prois"
    system = "ProIS"
    endpoint_name = "prois"
    source_system = SourceSystem.PROIS
    kinds = {
        "penalty_order": (DecisionType.PROSECUTOR_PENALTY_ORDER,),
        "mediation_request": (DecisionType.PROSECUTOR_MEDIATION_REQUEST,),
        "release_from_liability": (DecisionType.PROSECUTOR_DECISION,),
        "evaluation_request": (DecisionType.PROSECUTOR_EVALUATION_REQUEST,),
    }
    message_schema = {kind: DECISION_FIELDS for kind in kinds}


class ProisOutbound(ECaseOutbound):
    """Mediation results and execution notices to the prosecution."""

    name = "prois_notices"
    system = "ProIS"
    endpoint_name = "prois"
