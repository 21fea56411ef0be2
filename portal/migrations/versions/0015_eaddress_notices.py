"""E-address notices go through the outbox: kind (reply / summons), the case and meeting a
notice is about, its outbox message, why it failed, and when it was delivered and read; the
notice status gains "delivered".

Revision ID: 0014_eaddress
Revises: 0013
Create Date: 2026-12-02 14:00:00.000000

"""
import sqlalchemy as sa
from alembic import op

revision = '0014_eaddress'
down_revision = '0014_calendar'
branch_labels = None
depends_on = None

_OLD_STATUS = ('queued', 'sent', 'failed')
_NEW_STATUS = ('queued', 'sent', 'delivered', 'failed')


def _status(values):
    return sa.Enum(*values, name='ck_noticestatus', native_enum=False, create_constraint=True,
                   length=40)


def upgrade():
    with op.batch_alter_table('outgoing_notice', schema=None) as batch_op:
        batch_op.add_column(sa.Column(
            'kind', sa.Enum('reply', 'summons', name='ck_noticekind', native_enum=False,
                            create_constraint=True, length=40),
            nullable=False, server_default='reply'))
        batch_op.add_column(sa.Column('case_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('meeting_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('exchange_message_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('failure_reason', sa.String(length=40), nullable=True))
        batch_op.add_column(sa.Column('delivered_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('read_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.create_foreign_key('fk_outgoing_notice_case_id_case', 'case', ['case_id'],
                                    ['id'], ondelete='SET NULL')
        batch_op.create_foreign_key('fk_outgoing_notice_meeting_id_meeting', 'meeting',
                                    ['meeting_id'], ['id'], ondelete='SET NULL')
        batch_op.create_foreign_key('fk_outgoing_notice_exchange_message_id_exchange_message',
                                    'exchange_message', ['exchange_message_id'], ['id'],
                                    ondelete='SET NULL')
        batch_op.create_index(batch_op.f('ix_outgoing_notice_case_id'), ['case_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_outgoing_notice_meeting_id'), ['meeting_id'],
                              unique=False)
        batch_op.create_index(batch_op.f('ix_outgoing_notice_exchange_message_id'),
                              ['exchange_message_id'], unique=False)
        batch_op.alter_column('status', existing_type=_status(_OLD_STATUS),
                              type_=_status(_NEW_STATUS), existing_nullable=False)
    with op.batch_alter_table('outgoing_notice', schema=None) as batch_op:
        batch_op.alter_column('kind', server_default=None)


def downgrade():
    op.execute("UPDATE outgoing_notice SET status = 'sent' WHERE status = 'delivered'")
    with op.batch_alter_table('outgoing_notice', schema=None) as batch_op:
        batch_op.alter_column('status', existing_type=_status(_NEW_STATUS),
                              type_=_status(_OLD_STATUS), existing_nullable=False)
        batch_op.drop_index(batch_op.f('ix_outgoing_notice_exchange_message_id'))
        batch_op.drop_index(batch_op.f('ix_outgoing_notice_meeting_id'))
        batch_op.drop_index(batch_op.f('ix_outgoing_notice_case_id'))
        batch_op.drop_constraint('fk_outgoing_notice_exchange_message_id_exchange_message',
                                 type_='foreignkey')
        batch_op.drop_constraint('fk_outgoing_notice_meeting_id_meeting', type_='foreignkey')
        batch_op.drop_constraint('fk_outgoing_notice_case_id_case', type_='foreignkey')
        batch_op.drop_column('read_at')
        batch_op.drop_column('delivered_at')
        batch_op.drop_column('failure_reason')
        batch_op.drop_column('exchange_message_id')
        batch_op.drop_column('meeting_id')
        batch_op.drop_column('case_id')
        batch_op.drop_constraint('ck_noticekind', type_='check')
        batch_op.drop_column('kind')
