"""a freed place is offered to the waiting list and held until the offer ends

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-01 17:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import bot.domain.models.base

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("signups", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "offer_ends_at",
                bot.domain.models.base.UTCDateTime(timezone=True),
                nullable=True,
            )
        )
        batch_op.create_index("ix_signups_offers", ["status", "offer_ends_at"])


def downgrade() -> None:
    with op.batch_alter_table("signups", schema=None) as batch_op:
        batch_op.drop_index("ix_signups_offers")
        batch_op.drop_column("offer_ends_at")
