"""What Wijkbot pushes: broadcasts and the outbox every pushed message passes through."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import BigInteger, ForeignKey, Index, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column

from bot.domain.models.base import Base, enum_column


class BroadcastStatus(StrEnum):
    DRAFT = "draft"
    SCHEDULED = "scheduled"
    SENDING = "sending"
    SENT = "sent"
    CANCELLED = "cancelled"


class Broadcast(Base):
    __tablename__ = "broadcasts"

    id: Mapped[int] = mapped_column(primary_key=True)
    neighbourhood_id: Mapped[int] = mapped_column(
        ForeignKey("neighbourhoods.id", ondelete="CASCADE")
    )
    author_id: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"))
    text: Mapped[str] = mapped_column(Text)
    texts_by_locale: Mapped[dict[str, Any]] = mapped_column(default=dict)
    photo_file_id: Mapped[str | None] = mapped_column(String(256))
    audience: Mapped[dict[str, Any]] = mapped_column(default=dict)
    urgent: Mapped[bool] = mapped_column(default=False)
    status: Mapped[BroadcastStatus] = mapped_column(
        enum_column(BroadcastStatus), default=BroadcastStatus.DRAFT
    )
    scheduled_for: Mapped[datetime | None]
    created_at: Mapped[datetime]
    sent_at: Mapped[datetime | None]


class DeliveryStatus(StrEnum):
    PENDING = "pending"
    SENDING = "sending"
    SENT = "sent"
    FAILED = "failed"
    UNREACHABLE = "unreachable"
    CANCELLED = "cancelled"
    SKIPPED = "skipped"  # its subject was dealt with before its turn came (the reason is kept)


class Delivery(Base):
    """One pushed message to one person; `key` makes enqueueing idempotent.

    The message is stored as a template name and its parameters, and rendered
    in the recipient's language when it is sent.
    """

    __tablename__ = "deliveries"
    __table_args__ = (
        Index("ix_deliveries_due", "status", "next_attempt_at"),
        # A WhatsApp status webhook finds its row by the message id (migration 0016).
        Index("ix_deliveries_sent_message_id", "sent_message_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(200), unique=True)
    # A message to a person; or, with `chat_link_id`, a post in a neighbourhood's group or
    # channel (no person: it is gone with the link, and sent in the neighbourhood's language).
    person_id: Mapped[int | None] = mapped_column(
        ForeignKey("people.id", ondelete="CASCADE"), index=True
    )
    chat_link_id: Mapped[int | None] = mapped_column(
        ForeignKey("chat_links.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[str] = mapped_column(String(32))
    subject: Mapped[str] = mapped_column(String(64), default="")
    period: Mapped[str] = mapped_column(String(32), default="")
    # A server default too, so that set-based sweeps (INSERT ... SELECT) may leave it out.
    payload: Mapped[dict[str, Any]] = mapped_column(default=dict, server_default=text("'{}'"))
    broadcast_id: Mapped[int | None] = mapped_column(
        ForeignKey("broadcasts.id", ondelete="CASCADE"), index=True
    )
    urgent: Mapped[bool] = mapped_column(default=False)
    status: Mapped[DeliveryStatus] = mapped_column(
        enum_column(DeliveryStatus), default=DeliveryStatus.PENDING
    )
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime]
    last_error: Mapped[str | None] = mapped_column(String(500))
    sent_message_id: Mapped[int | None] = mapped_column(BigInteger)
    # WhatsApp's latest word on a sent message: sent, delivered, read or failed.
    receipt: Mapped[str | None] = mapped_column(String(16))
    # The sender process that claimed the row while it is 'sending' (bot/delivery/sender.py).
    sender: Mapped[int | None]
    created_at: Mapped[datetime]
    sent_at: Mapped[datetime | None]
