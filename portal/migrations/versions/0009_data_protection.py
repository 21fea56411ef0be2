"""Data protection: access log for every read, where changes came from, retention reviews

* ``access_log.action`` grows to 80 characters: it now names the screen, API or portal
  endpoint that showed the data (``portal.services.privacy.reads``); an index on ``at``
  serves the audit screen's period filter.
* ``change_log.remote_addr``: the address a change came from (the audit screen's "from where").
* ``client.anonymised_at``: when the retention rule erased the person's identifying data.
* ``retention_review``: the dry runs of the retention rule an administrator confirms.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-02 08:30:00.000000

"""
import sqlalchemy as sa
from alembic import op

revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('access_log', schema=None) as batch_op:
        batch_op.alter_column('action', existing_type=sa.String(length=30),
                              type_=sa.String(length=80), existing_nullable=False)
        batch_op.create_index('ix_access_log_at', ['at'], unique=False)
    with op.batch_alter_table('change_log', schema=None) as batch_op:
        batch_op.add_column(sa.Column('remote_addr', sa.String(length=64), nullable=True))
    with op.batch_alter_table('client', schema=None) as batch_op:
        batch_op.add_column(sa.Column('anonymised_at', sa.DateTime(timezone=True), nullable=True))
    op.create_table('retention_review',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('cutoff', sa.Date(), nullable=False),
    sa.Column('status', sa.Enum('proposed', 'confirmed', 'cancelled', name='ck_retentionstatus', native_enum=False, create_constraint=True, length=40), nullable=False),
    sa.Column('report', sa.JSON(), nullable=False),
    sa.Column('decided_by_id', sa.Integer(), nullable=True),
    sa.Column('decided_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('anonymised', sa.Integer(), nullable=True),
    sa.CheckConstraint("(status = 'proposed' AND decided_at IS NULL) OR (status <> 'proposed' AND decided_at IS NOT NULL)", name='ck_retention_review_decided'),
    sa.ForeignKeyConstraint(['decided_by_id'], ['ab_user.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('retention_review', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_retention_review_status'), ['status'], unique=False)


def downgrade():
    with op.batch_alter_table('retention_review', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_retention_review_status'))
    op.drop_table('retention_review')
    with op.batch_alter_table('client', schema=None) as batch_op:
        batch_op.drop_column('anonymised_at')
    with op.batch_alter_table('change_log', schema=None) as batch_op:
        batch_op.drop_column('remote_addr')
    # Actions longer than the old column are cut, so the downgrade cannot fail on them.
    op.execute("UPDATE access_log SET action = substr(action, 1, 30) WHERE length(action) > 30")
    with op.batch_alter_table('access_log', schema=None) as batch_op:
        batch_op.drop_index('ix_access_log_at')
        batch_op.alter_column('action', existing_type=sa.String(length=80),
                              type_=sa.String(length=30), existing_nullable=False)
