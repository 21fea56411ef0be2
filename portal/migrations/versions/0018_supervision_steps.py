"""Supervision step by step: obligation and assessment catalogues, compliance per obligation
at a meeting, assessment scores, the response ladder to violations and later decisions of a
case.

Data: an obligation's flag ``active`` becomes its status (in force / ended); a meeting's one
yes/no "obligations kept" becomes one compliance row per obligation that was in force on the
meeting's day (kept / not kept), so no recorded answer is lost.

Revision ID: 0014_supervision
Revises: 0013
Create Date: 2026-12-02 14:00:00.000000

"""
import sqlalchemy as sa
from alembic import op

revision = '0014_supervision'
down_revision = '0014_people'
branch_labels = None
depends_on = None


def _enum(name, *values):
    return sa.Enum(*values, name=name, native_enum=False, create_constraint=True, length=40)


def _source():
    return _enum('ck_obligationsource', 'court', 'prosecutor', 'vpd')


def _stamps():
    return [sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
            sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False)]


_CHECK_BEFORE = ("doc_type IN ('declaration', 'referral', 'work_schedule', 'control_act', "
                 "'execution_notice', 'evaluation_report', 'supervision_plan')")
_CHECK_AFTER = ("doc_type IN ('declaration', 'referral', 'work_schedule', 'control_act', "
                "'execution_notice', 'evaluation_report', 'supervision_plan', "
                "'written_warning', 'court_submission')")


def _doc_type_check(condition):
    with op.batch_alter_table('document_template', schema=None) as batch_op:
        batch_op.drop_constraint('ck_documenttype', type_='check')
        batch_op.create_check_constraint('ck_documenttype', condition)


_MIGRATE = (
    "INSERT INTO meeting_obligation_check "
    "(meeting_id, obligation_id, case_id, compliance, note, created_at, updated_at) "
    "SELECT m.id, o.id, m.case_id, "
    "CASE WHEN m.obligations_kept THEN 'kept' ELSE 'not_kept' END, NULL, "
    "m.created_at, m.updated_at "
    "FROM meeting m JOIN obligation o ON o.case_id = m.case_id "
    "WHERE m.obligations_kept IS NOT NULL "
)
_MIGRATE_SQLITE = _MIGRATE + (
    "AND o.start_date <= date(m.scheduled_at) "
    "AND (o.end_date IS NULL OR o.end_date >= date(m.scheduled_at))")
_MIGRATE_PG = _MIGRATE + (
    "AND o.start_date <= CAST(m.scheduled_at AS DATE) "
    "AND (o.end_date IS NULL OR o.end_date >= CAST(m.scheduled_at AS DATE))")


def upgrade():
    # The written warning and the submission to the court or prosecutor are generated too.
    _doc_type_check(_CHECK_AFTER)
    op.create_table('obligation_type',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=40), nullable=False),
    sa.Column('name', sa.String(length=300), nullable=False),
    sa.Column('name_en', sa.String(length=300), nullable=True),
    sa.Column('default_source', _source(), nullable=True),
    sa.Column('active', sa.Boolean(), nullable=False),
    *_stamps(),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('code'),
    )
    op.create_table('assessment_item',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=40), nullable=False),
    sa.Column('need_area', _enum('ck_needarea', 'criminal_history', 'accommodation',
                                 'education_employment', 'finances', 'relationships',
                                 'lifestyle', 'alcohol', 'drugs', 'emotional_wellbeing',
                                 'thinking_behaviour', 'attitudes'), nullable=False),
    sa.Column('text', sa.String(length=300), nullable=False),
    sa.Column('text_en', sa.String(length=300), nullable=True),
    sa.Column('max_score', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    *_stamps(),
    sa.CheckConstraint('max_score >= 1 AND max_score <= 10', name='ck_assessment_item_max'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('code'),
    )

    with op.batch_alter_table('obligation', schema=None) as batch_op:
        batch_op.add_column(sa.Column('obligation_type_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column(
            'status', _enum('ck_obligationstatus', 'in_force', 'fulfilled', 'ended', 'cancelled'),
            nullable=False, server_default='in_force'))
        batch_op.create_index(batch_op.f('ix_obligation_obligation_type_id'),
                              ['obligation_type_id'], unique=False)
        batch_op.create_foreign_key('fk_obligation_obligation_type_id_obligation_type',
                                    'obligation_type', ['obligation_type_id'], ['id'])
    op.execute("UPDATE obligation SET status = CASE WHEN active THEN 'in_force' ELSE 'ended' END")
    with op.batch_alter_table('obligation', schema=None) as batch_op:
        batch_op.alter_column('status', server_default=None)
        batch_op.drop_column('active')

    op.create_table('meeting_obligation_check',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('meeting_id', sa.Integer(), nullable=False),
    sa.Column('obligation_id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('compliance', _enum('ck_compliance', 'kept', 'not_kept', 'not_applicable'),
              nullable=False),
    sa.Column('note', sa.Text(), nullable=True),
    *_stamps(),
    sa.ForeignKeyConstraint(['case_id'], ['case.id'], ),
    sa.ForeignKeyConstraint(['meeting_id'], ['meeting.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['obligation_id'], ['obligation.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('meeting_id', 'obligation_id', name='uq_meeting_obligation_check'),
    )
    with op.batch_alter_table('meeting_obligation_check', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_meeting_obligation_check_meeting_id'), ['meeting_id'])
        batch_op.create_index(batch_op.f('ix_meeting_obligation_check_obligation_id'),
                              ['obligation_id'])
        batch_op.create_index(batch_op.f('ix_meeting_obligation_check_case_id'), ['case_id'])
    # The one yes/no becomes a row per obligation in force on the meeting's day.
    op.execute(_MIGRATE_SQLITE if op.get_bind().dialect.name == "sqlite" else _MIGRATE_PG)
    with op.batch_alter_table('meeting', schema=None) as batch_op:
        batch_op.drop_column('obligations_kept')

    with op.batch_alter_table('risk_needs_assessment', schema=None) as batch_op:
        batch_op.add_column(sa.Column('total_score', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('max_score', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('reassessment_due', sa.Date(), nullable=True))
        batch_op.create_index(batch_op.f('ix_risk_needs_assessment_reassessment_due'),
                              ['reassessment_due'], unique=False)
    op.create_table('assessment_score',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('assessment_id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('item_id', sa.Integer(), nullable=False),
    sa.Column('score', sa.Integer(), nullable=False),
    sa.CheckConstraint('score >= 0', name='ck_assessment_score_nonnegative'),
    sa.ForeignKeyConstraint(['assessment_id'], ['risk_needs_assessment.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['case_id'], ['case.id'], ),
    sa.ForeignKeyConstraint(['item_id'], ['assessment_item.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('assessment_id', 'item_id', name='uq_assessment_score_item'),
    )
    with op.batch_alter_table('assessment_score', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_assessment_score_assessment_id'), ['assessment_id'])
        batch_op.create_index(batch_op.f('ix_assessment_score_case_id'), ['case_id'])

    with op.batch_alter_table('violation', schema=None) as batch_op:
        batch_op.add_column(sa.Column(
            'source', _enum('ck_violationsource', 'meeting', 'no_show', 'monitoring', 'other'),
            nullable=True))
        batch_op.add_column(sa.Column('meeting_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key('fk_violation_meeting_id_meeting', 'meeting',
                                    ['meeting_id'], ['id'])
    op.create_table('violation_response',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('violation_id', sa.Integer(), nullable=False),
    sa.Column('step', _enum('ck_responsestep', 'talk', 'written_warning', 'submission'),
              nullable=False),
    sa.Column('due_date', sa.Date(), nullable=False),
    sa.Column('done_date', sa.Date(), nullable=True),
    sa.Column('submission_kind', _enum('ck_submissionkind', 'revocation', 'extension'),
              nullable=True),
    sa.Column('addressee', _enum('ck_addressee', 'court', 'prosecutor'), nullable=True),
    sa.Column('document_id', sa.Integer(), nullable=True),
    sa.Column('note', sa.Text(), nullable=True),
    *_stamps(),
    sa.ForeignKeyConstraint(['case_id'], ['case.id'], ),
    sa.ForeignKeyConstraint(['violation_id'], ['violation.id'], ),
    sa.ForeignKeyConstraint(['document_id'], ['document.id'], ),
    sa.PrimaryKeyConstraint('id'),
    )
    with op.batch_alter_table('violation_response', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_violation_response_case_id'), ['case_id'])
        batch_op.create_index(batch_op.f('ix_violation_response_violation_id'), ['violation_id'])
        batch_op.create_index(batch_op.f('ix_violation_response_due_date'), ['due_date'])

    op.create_table('case_decision',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('decision_id', sa.Integer(), nullable=False),
    sa.Column('role', _enum('ck_decisionrole', 'amendment', 'extension', 'suspension',
                            'revocation', 'early_release'), nullable=False),
    sa.Column('effective_date', sa.Date(), nullable=False),
    sa.Column('months', sa.Integer(), nullable=True),
    sa.Column('until_date', sa.Date(), nullable=True),
    sa.Column('note', sa.Text(), nullable=True),
    *_stamps(),
    sa.CheckConstraint('months IS NULL OR months >= 0', name='ck_case_decision_months'),
    sa.CheckConstraint('until_date IS NULL OR until_date >= effective_date',
                       name='ck_case_decision_until_after_effective'),
    sa.ForeignKeyConstraint(['case_id'], ['case.id'], ),
    sa.ForeignKeyConstraint(['decision_id'], ['decision.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('case_id', 'decision_id', name='uq_case_decision'),
    )
    with op.batch_alter_table('case_decision', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_case_decision_case_id'), ['case_id'])


def downgrade():
    op.execute("UPDATE document SET template_version_id = NULL WHERE template_version_id IN "
               "(SELECT v.id FROM document_template_version v JOIN document_template t "
               "ON t.id = v.template_id "
               "WHERE t.doc_type IN ('written_warning', 'court_submission'))")
    op.execute("UPDATE document_template SET published_version_id = NULL "
               "WHERE doc_type IN ('written_warning', 'court_submission')")
    op.execute("DELETE FROM document_template_version WHERE template_id IN (SELECT id FROM "
               "document_template WHERE doc_type IN ('written_warning', 'court_submission'))")
    op.execute("DELETE FROM document_template WHERE doc_type IN "
               "('written_warning', 'court_submission')")
    _doc_type_check(_CHECK_BEFORE)
    with op.batch_alter_table('case_decision', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_case_decision_case_id'))
    op.drop_table('case_decision')
    with op.batch_alter_table('violation_response', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_violation_response_due_date'))
        batch_op.drop_index(batch_op.f('ix_violation_response_violation_id'))
        batch_op.drop_index(batch_op.f('ix_violation_response_case_id'))
    op.drop_table('violation_response')
    with op.batch_alter_table('violation', schema=None) as batch_op:
        batch_op.drop_constraint('fk_violation_meeting_id_meeting', type_='foreignkey')
        batch_op.drop_constraint('ck_violationsource', type_='check')
        batch_op.drop_column('meeting_id')
        batch_op.drop_column('source')
    with op.batch_alter_table('assessment_score', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_assessment_score_case_id'))
        batch_op.drop_index(batch_op.f('ix_assessment_score_assessment_id'))
    op.drop_table('assessment_score')
    with op.batch_alter_table('risk_needs_assessment', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_risk_needs_assessment_reassessment_due'))
        batch_op.drop_column('reassessment_due')
        batch_op.drop_column('max_score')
        batch_op.drop_column('total_score')
    with op.batch_alter_table('meeting', schema=None) as batch_op:
        batch_op.add_column(sa.Column('obligations_kept', sa.Boolean(), nullable=True))
    # Back to one yes/no: kept only when every obligation checked was kept.
    op.execute(
        "UPDATE meeting SET obligations_kept = NOT EXISTS (SELECT 1 FROM meeting_obligation_check c "
        "WHERE c.meeting_id = meeting.id AND c.compliance = 'not_kept') "
        "WHERE EXISTS (SELECT 1 FROM meeting_obligation_check c WHERE c.meeting_id = meeting.id)"
    )
    with op.batch_alter_table('meeting_obligation_check', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_meeting_obligation_check_case_id'))
        batch_op.drop_index(batch_op.f('ix_meeting_obligation_check_obligation_id'))
        batch_op.drop_index(batch_op.f('ix_meeting_obligation_check_meeting_id'))
    op.drop_table('meeting_obligation_check')
    with op.batch_alter_table('obligation', schema=None) as batch_op:
        batch_op.add_column(sa.Column('active', sa.Boolean(), nullable=False,
                                      server_default=sa.true()))
    op.execute("UPDATE obligation SET active = (status = 'in_force')")
    with op.batch_alter_table('obligation', schema=None) as batch_op:
        batch_op.alter_column('active', server_default=None)
        batch_op.drop_constraint('fk_obligation_obligation_type_id_obligation_type',
                                 type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_obligation_obligation_type_id'))
        batch_op.drop_constraint('ck_obligationstatus', type_='check')
        batch_op.drop_column('status')
        batch_op.drop_column('obligation_type_id')
    op.drop_table('assessment_item')
    op.drop_table('obligation_type')
