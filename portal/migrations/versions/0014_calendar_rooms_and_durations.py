"""Unified calendar: rooms, and the duration and room of meetings and mediation sessions

Meetings and mediation sessions get ``duration_minutes`` (existing rows: 60) so that the
clash rule knows when they end, and may name a ``room``; both tables get an index on
``scheduled_at`` for the clash look-up around a time.

Revision ID: 0014_calendar
Revises: 0013
Create Date: 2026-12-02 14:00:00.000000

"""
import sqlalchemy as sa
from alembic import op

revision = '0014_calendar'
down_revision = '0013'
branch_labels = None
depends_on = None

_BOOKED = ('meeting', 'mediation_session')


def upgrade():
    op.create_table('room',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('capacity', sa.Integer(), nullable=True),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['unit_id'], ['territorial_unit.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('unit_id', 'name', name='uq_room_unit_name')
    )
    with op.batch_alter_table('room', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_room_unit_id'), ['unit_id'], unique=False)
    for table in _BOOKED:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column('duration_minutes', sa.Integer(),
                                          server_default='60', nullable=False))
            batch_op.add_column(sa.Column('room_id', sa.Integer(), nullable=True))
            batch_op.create_index(batch_op.f(f'ix_{table}_room_id'), ['room_id'], unique=False)
            batch_op.create_index(f'ix_{table}_scheduled_at', ['scheduled_at'], unique=False)
            batch_op.create_foreign_key(f'fk_{table}_room_id_room', 'room', ['room_id'], ['id'])


def downgrade():
    for table in _BOOKED:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_constraint(f'fk_{table}_room_id_room', type_='foreignkey')
            batch_op.drop_index(f'ix_{table}_scheduled_at')
            batch_op.drop_index(batch_op.f(f'ix_{table}_room_id'))
            batch_op.drop_column('room_id')
            batch_op.drop_column('duration_minutes')
    with op.batch_alter_table('room', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_room_unit_id'))
    op.drop_table('room')
