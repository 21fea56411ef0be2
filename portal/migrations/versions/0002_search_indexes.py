"""Search: accent-insensitive trigram index on client names (PostgreSQL).

``unaccent()`` is only STABLE, so an index cannot use it directly; ``plus_unaccent`` wraps it
in an IMMUTABLE SQL function with the dictionary named explicitly. On SQLite the app registers
a Python function of the same name, so queries are the same on both.

Revision ID: 0002
Revises: 0001
"""

from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_case_unit_id_id", "case", ["unit_id", "id"])
    op.create_index("ix_case_officer_status", "case", ["officer_id", "status"])
    op.create_index("ix_meeting_case_scheduled", "meeting", ["case_id", "scheduled_at"])
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    op.execute("CREATE EXTENSION IF NOT EXISTS unaccent")
    op.execute(
        """
        CREATE OR REPLACE FUNCTION plus_unaccent(text) RETURNS text
        LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT
        AS $$ SELECT public.unaccent('public.unaccent'::regdictionary, $1) $$
        """
    )
    op.execute(
        "CREATE INDEX ix_client_name_trgm ON client "
        "USING gin (plus_unaccent(lower(surname || ' ' || given_name)) gin_trgm_ops)"
    )


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP INDEX IF EXISTS ix_client_name_trgm")
        op.execute("DROP FUNCTION IF EXISTS plus_unaccent(text)")
    op.drop_index("ix_meeting_case_scheduled", "meeting")
    op.drop_index("ix_case_officer_status", "case")
    op.drop_index("ix_case_unit_id_id", "case")
