"""People and units, and minors' work limits: the kind of work of a referral, vacancy and
priority work (checked against the minors' and convictions' exclusions of the config);
transfers of a case to another unit; officers covering an absent colleague.

Revision ID: 0014_people
Revises: 0013
Create Date: 2026-12-02 14:00:00.000000

"""
import sqlalchemy as sa
from alembic import op

revision = '0014_people'
down_revision = '0014_registry'
branch_labels = None
depends_on = None

WORK_KINDS = ('cleaning', 'green_areas', 'construction', 'work_at_height',
              'hazardous_substances', 'machinery', 'heavy_lifting', 'social_care',
              'work_with_children', 'animal_care', 'kitchen', 'office', 'other')
_WORK_TABLES = ('work_assignment', 'vacancy', 'priority_work')


def _work_kind() -> sa.Enum:
    return sa.Enum(*WORK_KINDS, name='ck_workkind', native_enum=False, create_constraint=True,
                   length=40)


def upgrade():
    for table in _WORK_TABLES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column('work_kind', _work_kind(), nullable=True))

    op.create_table('case_transfer',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('from_unit_id', sa.Integer(), nullable=False),
    sa.Column('to_unit_id', sa.Integer(), nullable=False),
    sa.Column('reason', sa.String(length=500), nullable=False),
    sa.Column('status', sa.Enum('requested', 'accepted', 'declined', 'cancelled',
                                name='ck_transferstatus', native_enum=False,
                                create_constraint=True, length=40), nullable=False),
    sa.Column('requested_by_id', sa.Integer(), nullable=True),
    sa.Column('decided_by_id', sa.Integer(), nullable=True),
    sa.Column('decided_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('new_officer_id', sa.Integer(), nullable=True),
    sa.Column('decline_reason', sa.Text(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('from_unit_id <> to_unit_id', name='ck_case_transfer_other_unit'),
    sa.ForeignKeyConstraint(['case_id'], ['case.id'], ),
    sa.ForeignKeyConstraint(['from_unit_id'], ['territorial_unit.id'], ),
    sa.ForeignKeyConstraint(['to_unit_id'], ['territorial_unit.id'], ),
    sa.ForeignKeyConstraint(['requested_by_id'], ['ab_user.id'], ),
    sa.ForeignKeyConstraint(['decided_by_id'], ['ab_user.id'], ),
    sa.ForeignKeyConstraint(['new_officer_id'], ['ab_user.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('case_transfer', schema=None) as batch_op:
        for col in ('case_id', 'from_unit_id', 'to_unit_id', 'status'):
            batch_op.create_index(batch_op.f(f'ix_case_transfer_{col}'), [col], unique=False)

    op.create_table('officer_cover',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('absent_officer_id', sa.Integer(), nullable=False),
    sa.Column('covering_officer_id', sa.Integer(), nullable=False),
    sa.Column('start_date', sa.Date(), nullable=False),
    sa.Column('end_date', sa.Date(), nullable=False),
    sa.Column('reason', sa.String(length=300), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('end_date >= start_date', name='ck_officer_cover_end_after_start'),
    sa.CheckConstraint('absent_officer_id <> covering_officer_id',
                       name='ck_officer_cover_other_officer'),
    sa.ForeignKeyConstraint(['unit_id'], ['territorial_unit.id'], ),
    sa.ForeignKeyConstraint(['absent_officer_id'], ['ab_user.id'], ),
    sa.ForeignKeyConstraint(['covering_officer_id'], ['ab_user.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('officer_cover', schema=None) as batch_op:
        for col in ('unit_id', 'absent_officer_id', 'covering_officer_id'):
            batch_op.create_index(batch_op.f(f'ix_officer_cover_{col}'), [col], unique=False)


def downgrade():
    op.drop_table('officer_cover')
    op.drop_table('case_transfer')
    for table in _WORK_TABLES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            # The enum's CHECK names the column: SQLite's table copy would keep it otherwise.
            batch_op.drop_constraint('ck_workkind', type_='check')
            batch_op.drop_column('work_kind')
