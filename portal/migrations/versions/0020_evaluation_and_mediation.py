"""Evaluation reports and mediation in depth: the report's sections as the description names
them (thinking and behaviour apart, the suggested obligations), its workflow (draft, reviewed
by the unit manager, submitted) and its submitted versions; the mediation agreement's date,
terms and fulfilment; where a mediation session is held (the office, a prison ...).

Data: the old "thinking and behaviour" text becomes the thinking section; every report
already submitted becomes status 'submitted' with its content kept as version 1; a session
marked "in prison" gets the place type 'prison' (named "Ieslodzījuma vieta" if it had no place).

Revision ID: 0020_evalmed
Revises: 0014_latvian
Create Date: 2026-12-02 17:30:00.000000

"""
import sqlalchemy as sa
from alembic import op

revision = '0020_evalmed'
down_revision = '0014_latvian'
branch_labels = None
depends_on = None


# The CHECKs of this migration as the models declare them (test_check_constraints compares).
_CHECKS = (
    ('evaluation_report', 'ck_evaluation_report_version', 'version >= 1'),
    ('evaluation_report', 'ck_evaluation_report_reviewed',
     "status <> 'reviewed' OR (reviewed_by_id IS NOT NULL AND reviewed_at IS NOT NULL)"),
    ('evaluation_report', 'ck_evaluation_report_submitted',
     "status <> 'submitted' OR submitted_at IS NOT NULL"),
    ('evaluation_report_version', 'ck_evaluation_report_version_number', 'number >= 1'),
    ('mediation', 'ck_mediation_agreement_reconciled',
     "agreement_date IS NULL OR outcome = 'reconciled'"),
    ('mediation', 'ck_mediation_fulfilment_agreement',
     'fulfilment IS NULL OR agreement_date IS NOT NULL'),
    ('mediation_term', 'ck_mediation_term_checked', "(status = 'pending') = (checked_on IS NULL)"),
    ('mediation_session', 'ck_mediation_session_place_named',
     "place_type = 'office' OR place IS NOT NULL"),
)


def _cond(name):
    return next(c for _t, n, c in _CHECKS if n == name)


def _enum(name, *values):
    return sa.Enum(*values, name=name, native_enum=False, create_constraint=True, length=40)


def _stamps():
    return [sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
            sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False)]


def _sections():
    return [sa.Column(name, sa.Text(), nullable=True) for name in (
        'thinking', 'behaviour', 'attitudes', 'social_circumstances', 'victim_rights',
        'suggested_obligations', 'conclusion')]


_VERSION_ONE = (
    "INSERT INTO evaluation_report_version (report_id, case_id, number, thinking, behaviour, "
    "attitudes, social_circumstances, victim_rights, suggested_obligations, conclusion, "
    "author_id, reviewed_by_id, reviewed_at, submitted_by_id, submitted_at, created_at, "
    "updated_at) "
    "SELECT r.id, q.case_id, 1, r.thinking, r.behaviour, r.attitudes, r.social_circumstances, "
    "r.victim_rights, r.suggested_obligations, r.conclusion, r.author_id, NULL, NULL, "
    "r.author_id, r.submitted_at, r.submitted_at, r.submitted_at "
    "FROM evaluation_report r JOIN evaluation_report_request q ON q.id = r.request_id "
    "WHERE r.submitted_at IS NOT NULL"
)


def upgrade():
    with op.batch_alter_table('evaluation_report', schema=None) as batch_op:
        batch_op.alter_column('thinking_and_behaviour', new_column_name='thinking',
                              existing_type=sa.Text(), existing_nullable=True)
        batch_op.add_column(sa.Column('behaviour', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('suggested_obligations', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column(
            'status', _enum('ck_reportstatus', 'draft', 'reviewed', 'submitted'),
            server_default='draft', nullable=False))
        batch_op.add_column(sa.Column('version', sa.Integer(), server_default='1',
                                      nullable=False))
        batch_op.add_column(sa.Column('reviewed_by_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('reviewed_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.create_foreign_key('fk_evaluation_report_reviewed_by_id_ab_user', 'ab_user',
                                    ['reviewed_by_id'], ['id'])
    op.execute("UPDATE evaluation_report SET status = 'submitted' "
               "WHERE submitted_at IS NOT NULL")
    with op.batch_alter_table('evaluation_report', schema=None) as batch_op:
        for name in ('ck_evaluation_report_version', 'ck_evaluation_report_reviewed',
                     'ck_evaluation_report_submitted'):
            batch_op.create_check_constraint(name, _cond(name))

    op.create_table('evaluation_report_version',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('report_id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    *_sections(),
    sa.Column('author_id', sa.Integer(), nullable=True),
    sa.Column('reviewed_by_id', sa.Integer(), nullable=True),
    sa.Column('reviewed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('submitted_by_id', sa.Integer(), nullable=True),
    sa.Column('submitted_at', sa.DateTime(timezone=True), nullable=False),
    *_stamps(),
    sa.CheckConstraint(_cond('ck_evaluation_report_version_number'),
                       name='ck_evaluation_report_version_number'),
    sa.ForeignKeyConstraint(['report_id'], ['evaluation_report.id'], ),
    sa.ForeignKeyConstraint(['case_id'], ['case.id'], ),
    sa.ForeignKeyConstraint(['author_id'], ['ab_user.id'], ),
    sa.ForeignKeyConstraint(['reviewed_by_id'], ['ab_user.id'], ),
    sa.ForeignKeyConstraint(['submitted_by_id'], ['ab_user.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('report_id', 'number', name='uq_evaluation_report_version'),
    )
    with op.batch_alter_table('evaluation_report_version', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_evaluation_report_version_report_id'), ['report_id'])
        batch_op.create_index(batch_op.f('ix_evaluation_report_version_case_id'), ['case_id'])
    op.execute(_VERSION_ONE)

    with op.batch_alter_table('mediation', schema=None) as batch_op:
        batch_op.add_column(sa.Column('agreement_date', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column(
            'fulfilment', _enum('ck_agreementfulfilment', 'in_progress', 'fulfilled',
                                'not_fulfilled'), nullable=True))
        for name in ('ck_mediation_agreement_reconciled', 'ck_mediation_fulfilment_agreement'):
            batch_op.create_check_constraint(name, _cond(name))

    op.create_table('mediation_term',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('mediation_id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('description', sa.String(length=500), nullable=False),
    sa.Column('due_date', sa.Date(), nullable=False),
    sa.Column('status', _enum('ck_termstatus', 'pending', 'fulfilled', 'not_fulfilled'),
              server_default='pending', nullable=False),
    sa.Column('checked_on', sa.Date(), nullable=True),
    sa.Column('note', sa.Text(), nullable=True),
    *_stamps(),
    sa.CheckConstraint(_cond('ck_mediation_term_checked'), name='ck_mediation_term_checked'),
    sa.ForeignKeyConstraint(['mediation_id'], ['mediation.id'], ),
    sa.ForeignKeyConstraint(['case_id'], ['case.id'], ),
    sa.PrimaryKeyConstraint('id'),
    )
    with op.batch_alter_table('mediation_term', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_mediation_term_mediation_id'), ['mediation_id'])
        batch_op.create_index(batch_op.f('ix_mediation_term_case_id'), ['case_id'])
        batch_op.create_index(batch_op.f('ix_mediation_term_due_date'), ['due_date'])

    with op.batch_alter_table('mediation_session', schema=None) as batch_op:
        batch_op.add_column(sa.Column(
            'place_type', _enum('ck_sessionplace', 'office', 'prison', 'court', 'other'),
            server_default='office', nullable=False))
    op.execute("UPDATE mediation_session SET place_type = 'prison', "
               "place = COALESCE(place, 'Ieslodzījuma vieta') WHERE in_prison")
    with op.batch_alter_table('mediation_session', schema=None) as batch_op:
        batch_op.drop_column('in_prison')
        batch_op.create_check_constraint('ck_mediation_session_place_named',
                                         _cond('ck_mediation_session_place_named'))


def downgrade():
    with op.batch_alter_table('mediation_session', schema=None) as batch_op:
        batch_op.drop_constraint('ck_mediation_session_place_named', type_='check')
        batch_op.add_column(sa.Column('in_prison', sa.Boolean(), server_default=sa.false(),
                                      nullable=False))
    op.execute("UPDATE mediation_session SET in_prison = (place_type = 'prison')")
    with op.batch_alter_table('mediation_session', schema=None) as batch_op:
        batch_op.alter_column('in_prison', server_default=None)
        # The enum's CHECK goes first: SQLite's copy of the table would keep it otherwise.
        batch_op.drop_constraint('ck_sessionplace', type_='check')
        batch_op.drop_column('place_type')

    with op.batch_alter_table('mediation_term', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_mediation_term_due_date'))
        batch_op.drop_index(batch_op.f('ix_mediation_term_case_id'))
        batch_op.drop_index(batch_op.f('ix_mediation_term_mediation_id'))
    op.drop_table('mediation_term')

    with op.batch_alter_table('mediation', schema=None) as batch_op:
        batch_op.drop_constraint('ck_mediation_fulfilment_agreement', type_='check')
        batch_op.drop_constraint('ck_mediation_agreement_reconciled', type_='check')
        batch_op.drop_constraint('ck_agreementfulfilment', type_='check')
        batch_op.drop_column('fulfilment')
        batch_op.drop_column('agreement_date')

    with op.batch_alter_table('evaluation_report_version', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_evaluation_report_version_case_id'))
        batch_op.drop_index(batch_op.f('ix_evaluation_report_version_report_id'))
    op.drop_table('evaluation_report_version')

    # The behaviour section goes back into the one "thinking and behaviour" text.
    op.execute("UPDATE evaluation_report SET thinking = CASE "
               "WHEN behaviour IS NULL THEN thinking WHEN thinking IS NULL THEN behaviour "
               "ELSE thinking || ' ' || behaviour END")
    with op.batch_alter_table('evaluation_report', schema=None) as batch_op:
        batch_op.drop_constraint('ck_evaluation_report_submitted', type_='check')
        batch_op.drop_constraint('ck_evaluation_report_reviewed', type_='check')
        batch_op.drop_constraint('ck_evaluation_report_version', type_='check')
        batch_op.drop_constraint('fk_evaluation_report_reviewed_by_id_ab_user',
                                 type_='foreignkey')
        batch_op.drop_column('reviewed_at')
        batch_op.drop_column('reviewed_by_id')
        batch_op.drop_column('version')
        batch_op.drop_constraint('ck_reportstatus', type_='check')
        batch_op.drop_column('status')
        batch_op.drop_column('suggested_obligations')
        batch_op.drop_column('behaviour')
        batch_op.alter_column('thinking', new_column_name='thinking_and_behaviour',
                              existing_type=sa.Text(), existing_nullable=True)
