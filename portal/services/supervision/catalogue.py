"""The shipped catalogues: obligations a court, prosecutor or VPD sets (Criminal Law, Section
55 and the Sentence Execution Code) and the items of the risk and needs instrument. Loaded by
``flask plus init`` and the demo seed where missing; administrators edit them afterwards."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from portal.models import AssessmentItem, NeedArea, ObligationSource, ObligationType

#: (code, Latvian name, English name, who usually sets it)
OBLIGATIONS: tuple[tuple[str, str, str, ObligationSource], ...] = (
    ("report", "Periodiski ierasties Valsts probācijas dienestā reģistrēties",
     "Report to the State Probation Service periodically", ObligationSource.COURT),
    ("residence", "Bez Valsts probācijas dienesta atļaujas nemainīt dzīvesvietu",
     "Not change residence without the consent of the State Probation Service",
     ObligationSource.COURT),
    ("curfew", "Neatstāt dzīvesvietu noteiktā diennakts laikā",
     "Stay at home during set hours", ObligationSource.COURT),
    ("places", "Neapmeklēt noteiktas vietas", "Not visit certain places",
     ObligationSource.COURT),
    ("contacts", "Nesatikties ar noteiktām personām", "Not meet certain persons",
     ObligationSource.COURT),
    ("substances", "Nelietot alkoholu, narkotiskās vai psihotropās vielas",
     "Not use alcohol, narcotic or psychotropic substances", ObligationSource.COURT),
    ("treatment", "Ārstēties no alkohola vai narkotisko vielu atkarības",
     "Undergo treatment for alcohol or drug dependence", ObligationSource.COURT),
    ("damage", "Noteiktā termiņā atlīdzināt nodarīto kaitējumu",
     "Compensate the damage caused within a set term", ObligationSource.COURT),
    ("work_or_study", "Strādāt vai mācīties", "Work or study", ObligationSource.COURT),
    ("monitoring", "Atrasties elektroniskās uzraudzības ierīces darbības zonā",
     "Stay within the range of the electronic monitoring device", ObligationSource.COURT),
    ("programme", "Piedalīties probācijas programmā",
     "Take part in a probation programme", ObligationSource.VPD),
    ("meetings", "Ierasties uz tikšanos ar probācijas darbinieku noteiktajā laikā",
     "Attend meetings with the probation officer at the set time", ObligationSource.VPD),
    ("inform", "Informēt par dzīvesvietas, darbavietas vai mācību iestādes maiņu",
     "Inform of a change of residence, workplace or school", ObligationSource.VPD),
)

#: (code, need area, Latvian text, English text, highest score)
ITEMS: tuple[tuple[str, NeedArea, str, str, int], ...] = (
    ("ch_previous", NeedArea.CRIMINAL_HISTORY, "Iepriekšējās sodāmības",
     "Previous convictions", 3),
    ("ch_early", NeedArea.CRIMINAL_HISTORY, "Pirmais noziedzīgais nodarījums līdz 18 gadu vecumam",
     "First offence before the age of 18", 2),
    ("acc_stable", NeedArea.ACCOMMODATION, "Nav pastāvīgas dzīvesvietas",
     "No stable accommodation", 2),
    ("edu_level", NeedArea.EDUCATION_EMPLOYMENT, "Nav pabeigta pamatizglītība vai profesija",
     "No completed basic education or trade", 2),
    ("edu_work", NeedArea.EDUCATION_EMPLOYMENT, "Nav darba vai mācību",
     "Not working or studying", 2),
    ("fin_income", NeedArea.FINANCES, "Nav legālu ienākumu", "No legal income", 2),
    ("fin_debt", NeedArea.FINANCES, "Parādi, kas apgrūtina ikdienu",
     "Debts that burden daily life", 2),
    ("rel_family", NeedArea.RELATIONSHIPS, "Konfliktējošas attiecības ģimenē",
     "Conflictual family relationships", 2),
    ("life_peers", NeedArea.LIFESTYLE, "Draugi vai paziņas ar noziedzīgu uzvedību",
     "Friends or associates who offend", 2),
    ("life_leisure", NeedArea.LIFESTYLE, "Nav strukturēta brīvā laika",
     "No structured leisure", 1),
    ("alc_use", NeedArea.ALCOHOL, "Alkohola lietošana rada problēmas",
     "Alcohol use causes problems", 2),
    ("drug_use", NeedArea.DRUGS, "Narkotisko vielu lietošana", "Drug use", 2),
    ("emo_health", NeedArea.EMOTIONAL_WELLBEING, "Psihiskās veselības grūtības",
     "Mental health difficulties", 2),
    ("thk_impulse", NeedArea.THINKING_BEHAVIOUR, "Impulsivitāte", "Impulsivity", 2),
    ("thk_problems", NeedArea.THINKING_BEHAVIOUR, "Vājas problēmu risināšanas prasmes",
     "Poor problem-solving skills", 2),
    ("att_offence", NeedArea.ATTITUDES, "Attaisno noziedzīgu uzvedību",
     "Justifies offending", 2),
    ("att_supervision", NeedArea.ATTITUDES, "Negatīva attieksme pret uzraudzību",
     "Negative attitude to supervision", 2),
)


def ensure_catalogues(session: Session) -> int:
    """Add the shipped catalogue entries whose codes are missing; return how many (the
    caller commits). Entries an administrator changed or retired are left as they are."""
    added = 0
    have = set(session.scalars(select(ObligationType.code)))
    for code, name, name_en, source in OBLIGATIONS:
        if code not in have:
            session.add(ObligationType(code=code, name=name, name_en=name_en,
                                       default_source=source, active=True))
            added += 1
    have = set(session.scalars(select(AssessmentItem.code)))
    for position, (code, area, text, text_en, top) in enumerate(ITEMS, start=1):
        if code not in have:
            session.add(AssessmentItem(code=code, need_area=area, text=text, text_en=text_en,
                                       max_score=top, position=position, active=True))
            added += 1
    session.flush()
    return added
