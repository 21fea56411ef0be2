"""Open data publications: each dataset and period as published, and its CKAN state

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-02 09:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('open_data_publication',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('dataset', sa.String(length=40), nullable=False),
    sa.Column('period', sa.String(length=7), nullable=False),
    sa.Column('status', sa.Enum('pending', 'published', 'failed', name='ck_publicationstatus', native_enum=False, create_constraint=True, length=40), nullable=False),
    sa.Column('csv', sa.Text(), nullable=False),
    sa.Column('json', sa.Text(), nullable=False),
    sa.Column('metadata_json', sa.Text(), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('last_error', sa.String(length=500), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('attempted_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('published_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('ckan_package_id', sa.String(length=100), nullable=True),
    sa.Column('ckan_resource_id', sa.String(length=100), nullable=True),
    sa.CheckConstraint('attempts >= 0', name='ck_open_data_publication_attempts_nonnegative'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('dataset', 'period', name='uq_open_data_publication_dataset_period')
    )
    with op.batch_alter_table('open_data_publication', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_open_data_publication_status'), ['status'], unique=False)


def downgrade():
    with op.batch_alter_table('open_data_publication', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_open_data_publication_status'))

    op.drop_table('open_data_publication')
