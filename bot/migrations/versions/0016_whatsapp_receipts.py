"""WhatsApp: when a person last wrote (the 24-hour window) and a sent message's receipt

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-01 23:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from bot.domain.models.base import UTCDateTime

revision: str = "0016"
down_revision: str | None = "0015"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("identities") as batch:
        batch.add_column(sa.Column("last_inbound_at", UTCDateTime(timezone=True), nullable=True))
    with op.batch_alter_table("deliveries") as batch:
        batch.add_column(sa.Column("receipt", sa.String(length=16), nullable=True))
        batch.create_index("ix_deliveries_sent_message_id", ["sent_message_id"])


def downgrade() -> None:
    with op.batch_alter_table("deliveries") as batch:
        batch.drop_index("ix_deliveries_sent_message_id")
        batch.drop_column("receipt")
    with op.batch_alter_table("identities") as batch:
        batch.drop_column("last_inbound_at")
