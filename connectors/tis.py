"""TIS, the courts' information system: judgments, evaluation requests and judges' mediation
proposals in; execution notices, mediation results and evaluation reports out.

JSON over HTTP (:mod:`connectors.ecase` describes the messages).
"""

from __future__ import annotations

from connectors.ecase import DECISION_FIELDS, ECaseInbound, ECaseOutbound
from portal.models import DecisionType, SourceSystem


class TisInbound(ECaseInbound):
    """Court judgments for execution, evaluation report requests, mediation proposals."""

    name = "tis"
    system = "TIS"
    endpoint_name = "tis"
    source_system = SourceSystem.TIS
    kinds = {
        "judgment": (DecisionType.COURT_JUDGMENT, DecisionType.COURT_DECISION),
        "evaluation_request": (DecisionType.COURT_EVALUATION_REQUEST,),
        "mediation_proposal": (DecisionType.JUDGE_MEDIATION_PROPOSAL,),
    }
    message_schema = {kind: DECISION_FIELDS for kind in kinds}


class TisOutbound(ECaseOutbound):
    """Execution notices, mediation results and evaluation report content to the courts."""

    name = "tis_notices"
    system = "TIS"
    endpoint_name = "tis"
