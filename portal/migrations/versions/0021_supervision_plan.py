"""The supervision plan in depth and the start of supervision: plan goals tied to assessed
need areas, activities per goal, progress per goal recorded at meetings, the registration of
the start with the Interior Ministry's record category, and two generated notices (to the
State Police and to the orphans' court).

Data: a plan's free-text goals stay as its summary (the column becomes optional); a review
date before its plan date (which the new check refuses) is cleared.

Revision ID: 0021_plan
Revises: 0020_evalmed
Create Date: 2026-12-02 17:30:00.000000

"""
import sqlalchemy as sa
from alembic import op

revision = '0021_plan'
down_revision = '0020_evalmed'
branch_labels = None
depends_on = None

_NEED_AREAS = ('criminal_history', 'accommodation', 'education_employment', 'finances',
               'relationships', 'lifestyle', 'alcohol', 'drugs', 'emotional_wellbeing',
               'thinking_behaviour', 'attitudes')
_TYPES_BEFORE = ('declaration', 'referral', 'work_schedule', 'control_act', 'execution_notice',
                 'evaluation_report', 'supervision_plan', 'written_warning', 'court_submission')
_TYPES_AFTER = (*_TYPES_BEFORE, 'police_notice', 'orphans_court_notice')
_NEW_TYPES = "('police_notice', 'orphans_court_notice')"


def _enum(name, *values):
    return sa.Enum(*values, name=name, native_enum=False, create_constraint=True, length=40)


def _stamps():
    return [sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
            sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False)]


def _doc_type_check(types):
    listed = ", ".join(f"'{t}'" for t in types)
    with op.batch_alter_table('document_template', schema=None) as batch_op:
        batch_op.drop_constraint('ck_documenttype', type_='check')
        batch_op.create_check_constraint('ck_documenttype', f"doc_type IN ({listed})")


def upgrade():
    _doc_type_check(_TYPES_AFTER)
    op.execute("UPDATE supervision_plan SET review_date = NULL WHERE review_date < plan_date")
    with op.batch_alter_table('supervision_plan', schema=None) as batch_op:
        batch_op.alter_column('goals', existing_type=sa.Text(), nullable=True)
        batch_op.create_index(batch_op.f('ix_supervision_plan_review_date'), ['review_date'])
        batch_op.create_check_constraint('ck_supervision_plan_review_after_plan',
                                         'review_date IS NULL OR review_date >= plan_date')

    op.create_table('plan_goal',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('plan_id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('need_area', _enum('ck_needarea', *_NEED_AREAS), nullable=False),
    sa.Column('goal', sa.String(length=500), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    *_stamps(),
    sa.ForeignKeyConstraint(['plan_id'], ['supervision_plan.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['case_id'], ['case.id'], ),
    sa.PrimaryKeyConstraint('id'),
    )
    with op.batch_alter_table('plan_goal', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_plan_goal_plan_id'), ['plan_id'])
        batch_op.create_index(batch_op.f('ix_plan_goal_case_id'), ['case_id'])

    op.create_table('plan_activity',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('goal_id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('description', sa.String(length=300), nullable=False),
    sa.Column('due_date', sa.Date(), nullable=True),
    sa.Column('done', sa.Boolean(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    *_stamps(),
    sa.ForeignKeyConstraint(['goal_id'], ['plan_goal.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['case_id'], ['case.id'], ),
    sa.PrimaryKeyConstraint('id'),
    )
    with op.batch_alter_table('plan_activity', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_plan_activity_goal_id'), ['goal_id'])
        batch_op.create_index(batch_op.f('ix_plan_activity_case_id'), ['case_id'])

    op.create_table('meeting_goal_progress',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('meeting_id', sa.Integer(), nullable=False),
    sa.Column('goal_id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('progress', _enum('ck_goalprogress', 'achieved', 'on_track', 'not_fulfilled'),
              nullable=False),
    sa.Column('note', sa.Text(), nullable=True),
    *_stamps(),
    sa.ForeignKeyConstraint(['meeting_id'], ['meeting.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['goal_id'], ['plan_goal.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['case_id'], ['case.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('meeting_id', 'goal_id', name='uq_meeting_goal_progress'),
    )
    with op.batch_alter_table('meeting_goal_progress', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_meeting_goal_progress_meeting_id'), ['meeting_id'])
        batch_op.create_index(batch_op.f('ix_meeting_goal_progress_goal_id'), ['goal_id'])
        batch_op.create_index(batch_op.f('ix_meeting_goal_progress_case_id'), ['case_id'])

    op.create_table('supervision_start',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('registered_on', sa.Date(), nullable=False),
    sa.Column('record_category', sa.String(length=60), nullable=False),
    sa.Column('registered_by_id', sa.Integer(), nullable=True),
    sa.Column('police_document_id', sa.Integer(), nullable=True),
    sa.Column('orphans_court', sa.Boolean(), nullable=False),
    sa.Column('orphans_court_document_id', sa.Integer(), nullable=True),
    sa.Column('note', sa.Text(), nullable=True),
    *_stamps(),
    sa.ForeignKeyConstraint(['case_id'], ['case.id'], ),
    sa.ForeignKeyConstraint(['registered_by_id'], ['ab_user.id'], ),
    sa.ForeignKeyConstraint(['police_document_id'], ['document.id'], ),
    sa.ForeignKeyConstraint(['orphans_court_document_id'], ['document.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('case_id'),
    )


def downgrade():
    op.drop_table('supervision_start')
    with op.batch_alter_table('meeting_goal_progress', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_meeting_goal_progress_case_id'))
        batch_op.drop_index(batch_op.f('ix_meeting_goal_progress_goal_id'))
        batch_op.drop_index(batch_op.f('ix_meeting_goal_progress_meeting_id'))
    op.drop_table('meeting_goal_progress')
    with op.batch_alter_table('plan_activity', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_plan_activity_case_id'))
        batch_op.drop_index(batch_op.f('ix_plan_activity_goal_id'))
    op.drop_table('plan_activity')
    # The structured goals go back into the plan's words, so nothing the officer wrote is lost.
    op.execute("UPDATE supervision_plan SET goals = '—' WHERE goals IS NULL")
    with op.batch_alter_table('plan_goal', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_plan_goal_case_id'))
        batch_op.drop_index(batch_op.f('ix_plan_goal_plan_id'))
    op.drop_table('plan_goal')
    with op.batch_alter_table('supervision_plan', schema=None) as batch_op:
        batch_op.drop_constraint('ck_supervision_plan_review_after_plan', type_='check')
        batch_op.drop_index(batch_op.f('ix_supervision_plan_review_date'))
        batch_op.alter_column('goals', existing_type=sa.Text(), nullable=False)
    op.execute("UPDATE document SET template_version_id = NULL WHERE template_version_id IN "  # nosec B608: a constant
               "(SELECT v.id FROM document_template_version v JOIN document_template t "
               f"ON t.id = v.template_id WHERE t.doc_type IN {_NEW_TYPES})")
    op.execute("UPDATE document_template SET published_version_id = NULL "  # nosec B608: a constant
               f"WHERE doc_type IN {_NEW_TYPES}")
    op.execute("DELETE FROM document_template_version WHERE template_id IN (SELECT id FROM "  # nosec B608: a constant
               f"document_template WHERE doc_type IN {_NEW_TYPES})")
    op.execute(f"DELETE FROM document_template WHERE doc_type IN {_NEW_TYPES}")  # nosec B608: a constant
    _doc_type_check(_TYPES_BEFORE)
