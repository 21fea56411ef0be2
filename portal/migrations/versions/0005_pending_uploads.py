"""pending uploads (files the @formio/js renderer uploads ahead of a submission)

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-30 10:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('pending_upload',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('form_key', sa.String(length=60), nullable=False),
    sa.Column('version_id', sa.Integer(), nullable=False),
    sa.Column('component_key', sa.String(length=100), nullable=False),
    sa.Column('filename', sa.String(length=255), nullable=False),
    sa.Column('content_type', sa.String(length=100), nullable=False),
    sa.Column('size_bytes', sa.Integer(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('storage_key', sa.String(length=80), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['ab_user.id'], ),
    sa.ForeignKeyConstraint(['version_id'], ['form_version.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('storage_key'),
    sa.UniqueConstraint('token_hash')
    )
    with op.batch_alter_table('pending_upload', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_pending_upload_expires_at'), ['expires_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_pending_upload_user_id'), ['user_id'], unique=False)


def downgrade():
    with op.batch_alter_table('pending_upload', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_pending_upload_user_id'))
        batch_op.drop_index(batch_op.f('ix_pending_upload_expires_at'))

    op.drop_table('pending_upload')
