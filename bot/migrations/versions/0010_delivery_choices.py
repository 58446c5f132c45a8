"""a person chooses the day and hour of the weekly news, and a coordinator one summary a day

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-01 19:45:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("people", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("digest_day", sa.Integer(), server_default=sa.text("0"), nullable=False)
        )
        batch_op.add_column(
            sa.Column("digest_hour", sa.Integer(), server_default=sa.text("9"), nullable=False)
        )
        batch_op.add_column(sa.Column("proposals_summary_hour", sa.Integer(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("people", schema=None) as batch_op:
        batch_op.drop_column("proposals_summary_hour")
        batch_op.drop_column("digest_hour")
        batch_op.drop_column("digest_day")
