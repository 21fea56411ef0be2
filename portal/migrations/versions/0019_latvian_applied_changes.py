"""Submissions remember which proposed changes were applied by an officer who may apply
only some of them (the rows of another officer's case wait for that officer)

Revision ID: 0014_latvian
Revises: 0013
Create Date: 2026-12-02 14:00:00.000000

"""
import sqlalchemy as sa
from alembic import op

revision = '0014_latvian'
down_revision = '0014_supervision'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('submission', schema=None) as batch_op:
        batch_op.add_column(sa.Column('applied_changes', sa.JSON(), nullable=True))


def downgrade():
    with op.batch_alter_table('submission', schema=None) as batch_op:
        batch_op.drop_column('applied_changes')
