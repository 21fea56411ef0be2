"""Session versions (logout ends every session of the user) and submission fingerprints

* ``ab_user.session_version``: a number stored in each session cookie at login and raised at
  logout; a cookie carrying an older number no longer authenticates (issue 7, defect 3).
* ``submission.request_sha256``: the SHA-256 of the posted body, so an idempotent replay with
  the same key but another body is refused instead of silently answered (defect 13). Rows
  stored before this revision have none and replay as before.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-02 08:45:00.000000

"""
import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("ab_user") as batch:
        batch.add_column(sa.Column("session_version", sa.Integer(), nullable=False,
                                   server_default="0"))
    with op.batch_alter_table("submission") as batch:
        batch.add_column(sa.Column("request_sha256", sa.String(length=64), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("submission") as batch:
        batch.drop_column("request_sha256")
    with op.batch_alter_table("ab_user") as batch:
        batch.drop_column("session_version")
