"""registry answers saved on the client; bulk registry queries

The client gets the fields an officer saves from a registry answer (VIIS education,
IIS VDEAVK disability, VID employment and income, RD social status); ``registry_bulk_query``
holds a query of one registry about every active client of a unit, whose progress is
counted from its ``exchange_message`` rows (``correlation_id`` ``bulk:<id>``).

Revision ID: 0014_registry
Revises: 0013
Create Date: 2026-12-02 14:00:00.000000

"""
import sqlalchemy as sa
from alembic import op

revision = '0014_registry'
down_revision = '0014_eaddress'
branch_labels = None
depends_on = None

_CLIENT_COLUMNS = (
    ('education_level', sa.Enum('basic', 'secondary', 'vocational', 'higher',
                                name='ck_educationlevel', native_enum=False,
                                create_constraint=True, length=40)),
    ('education_document', sa.String(length=300)),
    ('qualification', sa.String(length=200)),
    ('disability_group', sa.String(length=20)),
    ('disability_term', sa.String(length=60)),
    ('functional_impairment', sa.String(length=100)),
    ('employed', sa.Boolean()),
    ('employer_name', sa.String(length=200)),
    ('income_types', sa.String(length=300)),
    ('social_status', sa.String(length=60)),
    ('residence_inspected_on', sa.Date()),
    ('social_benefits', sa.String(length=300)),
)


def upgrade():
    with op.batch_alter_table('client', schema=None) as batch_op:
        for name, type_ in _CLIENT_COLUMNS:
            batch_op.add_column(sa.Column(name, type_, nullable=True))
    op.create_table('registry_bulk_query',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('connector', sa.String(length=40), nullable=False),
    sa.Column('purpose', sa.String(length=60), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('officer_id', sa.Integer(), nullable=True),
    sa.Column('started_by_id', sa.Integer(), nullable=True),
    sa.Column('client_ids', sa.JSON(), nullable=False),
    sa.Column('total', sa.Integer(), nullable=False),
    sa.Column('running_key', sa.String(length=200), nullable=True),
    sa.Column('finished_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['unit_id'], ['territorial_unit.id'], ),
    sa.ForeignKeyConstraint(['officer_id'], ['ab_user.id'], ),
    sa.ForeignKeyConstraint(['started_by_id'], ['ab_user.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('running_key')
    )
    with op.batch_alter_table('registry_bulk_query', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_registry_bulk_query_unit_id'), ['unit_id'],
                              unique=False)


def downgrade():
    with op.batch_alter_table('registry_bulk_query', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_registry_bulk_query_unit_id'))
    op.drop_table('registry_bulk_query')
    with op.batch_alter_table('client', schema=None) as batch_op:
        # The enum's CHECK goes first: SQLite's table copy would keep it, naming a column
        # that no longer exists.
        batch_op.drop_constraint('ck_educationlevel', type_='check')
        for name, _type in reversed(_CLIENT_COLUMNS):
            batch_op.drop_column(name)
