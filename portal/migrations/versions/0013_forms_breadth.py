"""Unique form field values per form version (Form.io ``unique``), race-free

One row per value of a ``unique`` field that a stored submission took, identified by the
SHA-256 of the value's canonical JSON; the unique constraint on (version, component, hash)
refuses a second submission with the same value even when both are submitted at once.

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-02 09:00:00.000000

"""
import sqlalchemy as sa
from alembic import op

revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('submission_unique_value',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('submission_id', sa.Integer(), nullable=False),
    sa.Column('version_id', sa.Integer(), nullable=False),
    sa.Column('component_key', sa.String(length=100), nullable=False),
    sa.Column('value_hash', sa.String(length=64), nullable=False),
    sa.ForeignKeyConstraint(['submission_id'], ['submission.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['version_id'], ['form_version.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('version_id', 'component_key', 'value_hash',
                        name='uq_submission_unique_value')
    )
    with op.batch_alter_table('submission_unique_value', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_submission_unique_value_submission_id'),
                              ['submission_id'], unique=False)


def downgrade():
    with op.batch_alter_table('submission_unique_value', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_submission_unique_value_submission_id'))
    op.drop_table('submission_unique_value')
