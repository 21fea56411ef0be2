"""The decisions behind the demo cases: their type, wording and penalty details.

Mixed into the generator of :mod:`portal.services.demo.seed`.
"""

from __future__ import annotations

import datetime as dt
import random

from portal.models import (
    CaseFunction,
    Decision,
    DecisionType,
    Process,
    SourceSystem,
)
from portal.services.demo.catalogue import (
    _COURT_KINDS,
    _OFFENCE_WEIGHTS,
    _OFFENCES,
    _PRISONS,
    _PROGRAMMES,
    _Client,
    _stamp,
)


class DecisionSeeding:
    """Decision rows for a demo case; needs the generator's ``add``, ``rng`` and ``today``."""

    rng: random.Random
    today: dt.date

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
