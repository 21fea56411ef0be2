"""document templates in versions; generated documents name the version they came from

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-02 08:30:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None

DOC_TYPES = (
    'declaration', 'referral', 'work_schedule', 'control_act', 'execution_notice',
    'evaluation_report', 'supervision_plan',
)

# (table, name, condition), as in the model (tests/integration/test_check_constraints.py).
_CHECKS = [
    ('document', 'ck_document_generated_has_template',
     "origin <> 'generated' OR template_version_id IS NOT NULL"),
]


def upgrade():
    op.create_table('document_template',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('doc_type', sa.Enum(*DOC_TYPES, name='ck_documenttype', native_enum=False, create_constraint=True, length=40), nullable=False),
    sa.Column('published_version_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('doc_type')
    )
    op.create_table('document_template_version',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('template_id', sa.Integer(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('content', sa.JSON(), nullable=False),
    sa.Column('digest', sa.String(length=64), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('published_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('note', sa.String(length=300), nullable=True),
    sa.ForeignKeyConstraint(['created_by_id'], ['ab_user.id'], ),
    sa.ForeignKeyConstraint(['template_id'], ['document_template.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('template_id', 'number', name='uq_document_template_version_number')
    )
    with op.batch_alter_table('document_template_version', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_document_template_version_template_id'), ['template_id'], unique=False)
    with op.batch_alter_table('document_template', schema=None) as batch_op:
        batch_op.create_foreign_key('fk_document_template_published', 'document_template_version', ['published_version_id'], ['id'])
    with op.batch_alter_table('document', schema=None) as batch_op:
        batch_op.add_column(sa.Column('template_version_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_document_template_version_id'), ['template_version_id'], unique=False)
        batch_op.create_foreign_key('fk_document_template_version_id_document_template_version', 'document_template_version', ['template_version_id'], ['id'])
        for _table, name, condition in _CHECKS:
            batch_op.create_check_constraint(name, condition)


def downgrade():
    with op.batch_alter_table('document', schema=None) as batch_op:
        batch_op.drop_constraint('ck_document_generated_has_template', type_='check')
        batch_op.drop_constraint('fk_document_template_version_id_document_template_version', type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_document_template_version_id'))
        batch_op.drop_column('template_version_id')
    with op.batch_alter_table('document_template', schema=None) as batch_op:
        batch_op.drop_constraint('fk_document_template_published', type_='foreignkey')
    with op.batch_alter_table('document_template_version', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_document_template_version_template_id'))
    op.drop_table('document_template_version')
    op.drop_table('document_template')
