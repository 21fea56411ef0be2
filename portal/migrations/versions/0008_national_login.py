"""national login: persons authorised for portal accounts, used SAML message ids

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-02 08:30:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('portal_identity',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('scheme', sa.String(length=10), nullable=False),
    sa.Column('subject', sa.String(length=256), nullable=False),
    sa.Column('invitation_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("scheme IN ('lv', 'eidas')", name='ck_portal_identity_scheme'),
    sa.ForeignKeyConstraint(['invitation_id'], ['portal_invitation.id'], ),
    sa.ForeignKeyConstraint(['user_id'], ['ab_user.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('scheme', 'subject', 'user_id', name='uq_portal_identity')
    )
    with op.batch_alter_table('portal_identity', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_portal_identity_subject'), ['subject'], unique=False)
        batch_op.create_index(batch_op.f('ix_portal_identity_user_id'), ['user_id'], unique=False)

    op.create_table('saml_used_message',
    sa.Column('message_id', sa.String(length=256), nullable=False),
    sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('message_id')
    )
    with op.batch_alter_table('saml_used_message', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_saml_used_message_expires_at'), ['expires_at'], unique=False)


def downgrade():
    with op.batch_alter_table('saml_used_message', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_saml_used_message_expires_at'))

    op.drop_table('saml_used_message')
    with op.batch_alter_table('portal_identity', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_portal_identity_user_id'))
        batch_op.drop_index(batch_op.f('ix_portal_identity_subject'))

    op.drop_table('portal_identity')
