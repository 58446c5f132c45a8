"""trust hardening: durable answers, erasure pseudonyms, revocable invites

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-01 13:45:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import bot.domain.models.base

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("received_updates", schema=None) as batch_op:
        batch_op.alter_column("payload", existing_type=sa.JSON(), nullable=True)
        batch_op.add_column(sa.Column("answer", sa.JSON(), nullable=True))
        batch_op.create_index(
            batch_op.f("ix_received_updates_chat"), ["chat_key", "status"], unique=False
        )
    with op.batch_alter_table("audit_log", schema=None) as batch_op:
        batch_op.add_column(sa.Column("actor_label", sa.String(length=32), nullable=True))
    with op.batch_alter_table("invites", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "revoked_at", bot.domain.models.base.UTCDateTime(timezone=True), nullable=True
            )
        )
    with op.batch_alter_table("neighbourhoods", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "coordinators_invite_coordinators",
                sa.Boolean(),
                server_default=sa.false(),
                nullable=False,
            )
        )


def downgrade() -> None:
    with op.batch_alter_table("neighbourhoods", schema=None) as batch_op:
        batch_op.drop_column("coordinators_invite_coordinators")
    with op.batch_alter_table("invites", schema=None) as batch_op:
        batch_op.drop_column("revoked_at")
    with op.batch_alter_table("audit_log", schema=None) as batch_op:
        batch_op.drop_column("actor_label")
    with op.batch_alter_table("received_updates", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_received_updates_chat"))
        batch_op.drop_column("answer")
        batch_op.alter_column("payload", existing_type=sa.JSON(), nullable=False)
