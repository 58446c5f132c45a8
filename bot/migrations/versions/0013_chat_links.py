"""the neighbourhood's own group or channel; the outbox posts there too

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-01 20:10:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from bot.domain.models.base import UTCDateTime

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "chat_links",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("messenger", sa.String(length=16), nullable=False),
        sa.Column("chat_id", sa.BigInteger(), nullable=False),
        sa.Column("title", sa.String(length=128), nullable=False),
        sa.Column("chat_type", sa.String(length=16), nullable=False),
        sa.Column("neighbourhood_id", sa.Integer(), nullable=True),
        sa.Column("added_by_id", sa.Integer(), nullable=True),
        sa.Column(
            "status",
            sa.Enum(
                "pending",
                "linked",
                "leaving",
                name="chatlinkstatus",
                native_enum=False,
                create_constraint=False,
                length=24,
            ),
            nullable=False,
        ),
        sa.Column("created_at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("linked_at", UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["added_by_id"],
            ["people.id"],
            name=op.f("fk_chat_links_added_by_id_people"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["neighbourhood_id"],
            ["neighbourhoods.id"],
            name=op.f("fk_chat_links_neighbourhood_id_neighbourhoods"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_chat_links")),
        sa.UniqueConstraint("chat_id", name=op.f("uq_chat_links_chat_id")),
    )
    op.create_index(op.f("ix_chat_links_added_by_id"), "chat_links", ["added_by_id"])
    op.create_index(op.f("ix_chat_links_neighbourhood_id"), "chat_links", ["neighbourhood_id"])
    with op.batch_alter_table("deliveries", schema=None) as batch_op:
        batch_op.add_column(sa.Column("chat_link_id", sa.Integer(), nullable=True))
        batch_op.alter_column("person_id", existing_type=sa.Integer(), nullable=True)
        batch_op.create_index(batch_op.f("ix_deliveries_chat_link_id"), ["chat_link_id"])
        batch_op.create_foreign_key(
            batch_op.f("fk_deliveries_chat_link_id_chat_links"),
            "chat_links",
            ["chat_link_id"],
            ["id"],
            ondelete="CASCADE",
        )


def downgrade() -> None:
    op.execute("DELETE FROM deliveries WHERE person_id IS NULL")
    with op.batch_alter_table("deliveries", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_deliveries_chat_link_id_chat_links"), type_="foreignkey"
        )
        batch_op.drop_index(batch_op.f("ix_deliveries_chat_link_id"))
        batch_op.alter_column("person_id", existing_type=sa.Integer(), nullable=False)
        batch_op.drop_column("chat_link_id")
    op.drop_index(op.f("ix_chat_links_neighbourhood_id"), table_name="chat_links")
    op.drop_index(op.f("ix_chat_links_added_by_id"), table_name="chat_links")
    op.drop_table("chat_links")
