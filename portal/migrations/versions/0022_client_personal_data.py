"""The client's personal data form: citizenship, identity document, family and dependants.

Every new column is optional (existing clients have not been asked yet); the number of
dependants is kept between 0 and 20 by a CHECK.

Revision ID: 0022_client_data
Revises: 0021_plan
Create Date: 2026-12-02 18:30:00.000000

"""
import sqlalchemy as sa
from alembic import op

revision = '0022_client_data'
down_revision = '0021_plan'
branch_labels = None
depends_on = None


def _enum(name, *values):
    return sa.Enum(*values, name=name, native_enum=False, create_constraint=True, length=40)


_COLUMNS = (
    ('citizenship', _enum('ck_citizenship', 'latvian_citizen', 'latvian_non_citizen',
                          'eu_citizen', 'third_country', 'stateless')),
    ('id_document_type', _enum('ck_identitydocumenttype', 'passport', 'eid_card', 'other')),
    ('id_document_number', sa.String(length=20)),
    ('id_document_valid_until', sa.Date()),
    ('family_status', _enum('ck_familystatus', 'single', 'married', 'registered_partnership',
                            'cohabiting', 'divorced', 'widowed')),
    ('dependants', sa.Integer()),
    ('minor_children_in_care', sa.Boolean()),
)
_ENUM_CHECKS = ('ck_citizenship', 'ck_identitydocumenttype', 'ck_familystatus')


def upgrade():
    with op.batch_alter_table('client', schema=None) as batch_op:
        for name, type_ in _COLUMNS:
            batch_op.add_column(sa.Column(name, type_, nullable=True))
        batch_op.create_check_constraint(
            'ck_client_dependants_range',
            'dependants IS NULL OR (dependants >= 0 AND dependants <= 20)')


def downgrade():
    with op.batch_alter_table('client', schema=None) as batch_op:
        # The CHECKs go first: SQLite's table copy would keep them, naming dropped columns.
        batch_op.drop_constraint('ck_client_dependants_range', type_='check')
        for name in _ENUM_CHECKS:
            batch_op.drop_constraint(name, type_='check')
        for name, _type in reversed(_COLUMNS):
            batch_op.drop_column(name)
