"""IeVP IS, the prison administration's information system: persons released with forced
labour or probation supervision and evaluation report requests in; evaluation report content
and execution notices out.

JSON over HTTP (:mod:`connectors.ecase` describes the messages).
"""

from __future__ import annotations

from connectors.ecase import DECISION_FIELDS, ECaseInbound, ECaseOutbound
from portal.models import DecisionType, SourceSystem


class IevpInbound(ECaseInbound):
    """Release notices and evaluation report requests from the prisons."""

    name = "ievp"
    system = "IeVP IS"
    endpoint_name = "ievp"
    source_system = SourceSystem.IEVP
    kinds = {
        "release": (DecisionType.PRISON_RELEASE_NOTICE,),
        "evaluation_request": (DecisionType.PRISON_REQUEST,),
    }
    message_schema = {kind: DECISION_FIELDS for kind in kinds}


class IevpOutbound(ECaseOutbound):
    """Evaluation report content and execution notices to the prisons."""

    name = "ievp_notices"
    system = "IeVP IS"
    endpoint_name = "ievp"
