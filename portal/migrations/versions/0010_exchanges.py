"""exchange messages: inbound inbox, outbound outbox and registry queries of the connectors

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-02 08:30:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('exchange_message',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('connector', sa.String(length=40), nullable=False),
    sa.Column('system', sa.String(length=40), nullable=False),
    sa.Column('direction', sa.Enum('inbound', 'outbound', 'query', name='ck_direction', native_enum=False, create_constraint=True, length=40), nullable=False),
    sa.Column('kind', sa.String(length=60), nullable=False),
    sa.Column('correlation_id', sa.String(length=120), nullable=True),
    sa.Column('idempotency_key', sa.String(length=200), nullable=False),
    sa.Column('payload', sa.JSON(), nullable=False),
    sa.Column('status', sa.Enum('received', 'applied', 'dismissed', 'rejected', 'queued', 'sent', 'failed', name='ck_exchangestatus', native_enum=False, create_constraint=True, length=40), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('last_error', sa.Text(), nullable=True),
    sa.Column('next_attempt_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('processed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('response', sa.JSON(), nullable=True),
    sa.Column('case_id', sa.Integer(), nullable=True),
    sa.Column('client_id', sa.Integer(), nullable=True),
    sa.Column('unit_id', sa.Integer(), nullable=True),
    sa.Column('processed_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('attempts >= 0', name='ck_exchange_message_attempts_nonnegative'),
    sa.ForeignKeyConstraint(['case_id'], ['case.id'], ),
    sa.ForeignKeyConstraint(['client_id'], ['client.id'], ),
    sa.ForeignKeyConstraint(['processed_by_id'], ['ab_user.id'], ),
    sa.ForeignKeyConstraint(['unit_id'], ['territorial_unit.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('idempotency_key')
    )
    with op.batch_alter_table('exchange_message', schema=None) as batch_op:
        batch_op.create_index('ix_exchange_message_status_due', ['status', 'next_attempt_at'], unique=False)
        batch_op.create_index('ix_exchange_message_connector_id', ['connector', 'id'], unique=False)
        batch_op.create_index(batch_op.f('ix_exchange_message_correlation_id'), ['correlation_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_exchange_message_case_id'), ['case_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_exchange_message_client_id'), ['client_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_exchange_message_unit_id'), ['unit_id'], unique=False)
    # An inbound decision is found again by its sender's id (amendments, duplicates).
    with op.batch_alter_table('decision', schema=None) as batch_op:
        batch_op.create_index('ix_decision_source_external', ['source_system', 'external_id'], unique=False)


def downgrade():
    with op.batch_alter_table('decision', schema=None) as batch_op:
        batch_op.drop_index('ix_decision_source_external')
    with op.batch_alter_table('exchange_message', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_exchange_message_unit_id'))
        batch_op.drop_index(batch_op.f('ix_exchange_message_client_id'))
        batch_op.drop_index(batch_op.f('ix_exchange_message_case_id'))
        batch_op.drop_index(batch_op.f('ix_exchange_message_correlation_id'))
        batch_op.drop_index('ix_exchange_message_connector_id')
        batch_op.drop_index('ix_exchange_message_status_due')

    op.drop_table('exchange_message')
