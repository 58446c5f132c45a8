"""an index of people by neighbourhood and consent

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-01 15:35:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("people", schema=None) as batch_op:
        batch_op.create_index("ix_people_neighbourhood", ["neighbourhood_id", "consent_at"])


def downgrade() -> None:
    with op.batch_alter_table("people", schema=None) as batch_op:
        batch_op.drop_index("ix_people_neighbourhood")
