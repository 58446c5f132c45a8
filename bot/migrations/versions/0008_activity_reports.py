"""a progress update may report on an activity ("how did it go?")

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-01 16:50:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("progress_updates", schema=None) as batch_op:
        batch_op.add_column(sa.Column("action_id", sa.Integer(), nullable=True))
        batch_op.create_index("ix_progress_updates_action_id", ["action_id"])
        batch_op.create_foreign_key(
            "fk_progress_updates_action_id_actions",
            "actions",
            ["action_id"],
            ["id"],
            ondelete="SET NULL",
        )


def downgrade() -> None:
    with op.batch_alter_table("progress_updates", schema=None) as batch_op:
        batch_op.drop_constraint("fk_progress_updates_action_id_actions", type_="foreignkey")
        batch_op.drop_index("ix_progress_updates_action_id")
        batch_op.drop_column("action_id")
