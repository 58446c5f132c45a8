"""the last run of each sweep, for `wijkbot admin status`

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-01 17:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import bot.domain.models.base

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "sweep_runs",
        sa.Column("sweep", sa.String(length=64), nullable=False),
        sa.Column("finished_at", bot.domain.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("seconds", sa.Float(), nullable=False),
        sa.Column("added", sa.Integer(), nullable=False),
        sa.Column("error", sa.String(length=200), nullable=True),
        sa.Column("process", sa.String(length=128), nullable=False),
        sa.PrimaryKeyConstraint("sweep", name=op.f("pk_sweep_runs")),
    )


def downgrade() -> None:
    op.drop_table("sweep_runs")
