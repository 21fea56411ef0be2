"""CHECK constraints for rules the services enforce; every decision type VPD starts work on

The database now refuses, whoever writes, the cross-field states the application rules
already refuse (``portal.services.casework.rules``, ``portal.services.casework.cases`` and the screens'
validators). Each constraint is no stricter than the rule it repeats:

* an end date not before its start date (``rules.date_order``): case, work assignment,
  obligation, programme participation, volunteer task; an evaluation report not due before
  the request was received;
* a case has a closure reason exactly when it is closed (``cases.check_transition``);
* amounts ordered are not negative (``rules.positive_amount``): case hours ordered, decision
  hours and months. Their upper limits are input plausibility limits and stay in Python;
* a vacancy has at least one place (the screen's and the portal form's minimum).

``decision.decision_type`` (VARCHAR plus the CHECK ``ck_decisiontype``, see
``portal.models.base.enum_type``) gets its new values: court decision, prison administration's
notice of release, court's and prosecutor's requests for an evaluation report, and the
mediation bases (judge's proposal, prosecutor's request, investigator's proposal, a party's
application). Widening the list cannot conflict with stored rows.

Existing rows are never changed to fit. Before touching the schema, ``upgrade`` looks for rows
that break a new constraint; if there are any it stops with an error naming each constraint,
its table and the ids of the rows (no personal data), and nothing is changed. Correct those
rows (on the officer screens or by hand) and run it again. ``downgrade`` likewise stops while
decisions of the new types exist.

SQLite cannot add a CHECK to a table, so batch mode rebuilds the tables (copy, drop, rename).
Other tables refer to several of them, and PLUS runs SQLite with foreign keys on, which would
refuse the drop; enforcement is turned off around the rebuild (SQLite ignores that pragma
inside a transaction, so the work of earlier revisions of the same run is committed first) and
``PRAGMA foreign_key_check`` must find nothing afterwards. PostgreSQL adds the constraints with
ALTER TABLE in the migration's transaction.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-26 20:30:00.000000

"""
from collections.abc import Iterator
from contextlib import contextmanager

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


# (table, constraint name, condition), written as in the models' __table_args__.
_CHECKS: tuple[tuple[str, str, str], ...] = (
    ('case', 'ck_case_end_after_start', 'end_date IS NULL OR end_date >= start_date'),
    ('case', 'ck_case_closed_with_reason',
     ("(status = 'closed' AND closure_reason IS NOT NULL)"
      " OR (status <> 'closed' AND closure_reason IS NULL)")),
    ('case', 'ck_case_hours_ordered_nonnegative', 'hours_ordered >= 0'),
    ('decision', 'ck_decision_forced_labour_hours_nonnegative', 'forced_labour_hours >= 0'),
    ('decision', 'ck_decision_community_work_hours_nonnegative', 'community_work_hours >= 0'),
    ('decision', 'ck_decision_supervision_months_nonnegative', 'supervision_months >= 0'),
    ('work_assignment', 'ck_work_assignment_end_after_start',
     'end_date IS NULL OR end_date >= start_date'),
    ('obligation', 'ck_obligation_end_after_start', 'end_date IS NULL OR end_date >= start_date'),
    ('programme_participation', 'ck_programme_participation_end_after_start',
     'end_date IS NULL OR end_date >= start_date'),
    ('volunteer_task', 'ck_volunteer_task_end_after_start',
     'end_date IS NULL OR end_date >= start_date'),
    ('evaluation_report_request', 'ck_evaluation_report_request_due_after_received',
     'due_date >= received_date'),
    ('vacancy', 'ck_vacancy_places_positive', 'places >= 1'),
)

_OLD_DECISION_TYPES = (
    'court_judgment', 'prosecutor_penalty_order', 'prosecutor_decision', 'prison_request',
)
_NEW_DECISION_TYPES = (
    'court_judgment', 'court_decision', 'prosecutor_penalty_order', 'prosecutor_decision',
    'prison_release_notice', 'court_evaluation_request', 'prosecutor_evaluation_request',
    'prison_request', 'judge_mediation_proposal', 'prosecutor_mediation_request',
    'investigator_mediation_proposal', 'mediation_application',
)
_DECISION_TYPE_CHECK = 'ck_decisiontype'

# Ids shown per broken constraint; the count says how many there are in all.
_SHOW_IDS = 20


def _decision_types(values: tuple[str, ...]) -> str:
    return 'decision_type IN (' + ', '.join(f"'{v}'" for v in values) + ')'


def _tables() -> dict[str, list[tuple[str, str]]]:
    by_table: dict[str, list[tuple[str, str]]] = {}
    for table, name, condition in _CHECKS:
        by_table.setdefault(table, []).append((name, condition))
    return by_table


def _breaking_rows(bind: sa.Connection, table: str, condition: str) -> tuple[int, list[int]]:
    """How many rows of ``table`` make ``condition`` false, and the first ids.

    A condition that is NULL (unknown) passes a CHECK, so only a false one is counted.
    """
    where = sa.text(f'NOT ({condition})')
    source = sa.table(table, sa.column('id'))  # quotes "case", a reserved word
    total = bind.execute(sa.select(sa.func.count()).select_from(source).where(where)).scalar_one()
    ids = list(bind.execute(
        sa.select(source.c.id).where(where).order_by(source.c.id).limit(_SHOW_IDS)
    ).scalars())
    return total, ids


def _refuse(problems: list[str], action: str, remedy: str) -> None:
    if problems:
        raise RuntimeError(
            f'Migration 0006 {action} stopped; nothing was changed.\n'
            + '\n'.join(problems) + f'\n{remedy}, then run it again.'
        )


def _check_existing_rows(bind: sa.Connection) -> None:
    problems = []
    for table, name, condition in _CHECKS:
        total, ids = _breaking_rows(bind, table, condition)
        if total:
            shown = ', '.join(map(str, ids)) + (', …' if total > len(ids) else '')
            problems.append(
                f'  {name}: {total} row(s) of table "{table}" where not ({condition});'
                f' ids: {shown}'
            )
    _refuse(problems, 'upgrade', 'Correct these rows (on the officer screens or by hand)')


@contextmanager
def _sqlite_foreign_keys_off(bind: sa.Connection) -> Iterator[None]:
    """Let batch mode drop and rename tables other tables refer to (SQLite only)."""
    if bind.dialect.name != 'sqlite':
        yield
        return
    raw = bind.connection.dbapi_connection
    if raw.in_transaction:
        raw.commit()  # the pragma is a no-op inside a transaction
    bind.exec_driver_sql('PRAGMA foreign_keys=OFF')
    yield
    broken = bind.exec_driver_sql('PRAGMA foreign_key_check').fetchall()
    if broken:
        raise RuntimeError(f'Migration 0006: foreign keys broken by the rebuild: {broken[:10]}')
    if raw.in_transaction:
        raw.commit()
    bind.exec_driver_sql('PRAGMA foreign_keys=ON')


def upgrade():
    bind = op.get_bind()
    _check_existing_rows(bind)
    with _sqlite_foreign_keys_off(bind):
        for table, checks in _tables().items():
            with op.batch_alter_table(table, schema=None) as batch_op:
                for name, condition in checks:
                    batch_op.create_check_constraint(name, condition)
                if table == 'decision':
                    batch_op.drop_constraint(_DECISION_TYPE_CHECK, type_='check')
                    batch_op.create_check_constraint(
                        _DECISION_TYPE_CHECK, _decision_types(_NEW_DECISION_TYPES)
                    )


def downgrade():
    bind = op.get_bind()
    condition = _decision_types(_OLD_DECISION_TYPES)
    total, ids = _breaking_rows(bind, 'decision', condition)
    if total:
        _refuse([f'  {total} decision(s) of a type 0005 does not know; ids: '
                 + ', '.join(map(str, ids))], 'downgrade',
                'Give these decisions one of the older types, or remove them')
    with _sqlite_foreign_keys_off(bind):
        for table, checks in _tables().items():
            with op.batch_alter_table(table, schema=None) as batch_op:
                for name, _condition in checks:
                    batch_op.drop_constraint(name, type_='check')
                if table == 'decision':
                    batch_op.drop_constraint(_DECISION_TYPE_CHECK, type_='check')
                    batch_op.create_check_constraint(_DECISION_TYPE_CHECK, condition)
