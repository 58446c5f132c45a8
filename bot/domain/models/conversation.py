"""Conversation state per person, and the durable record of incoming updates."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, BigInteger, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from bot.domain.models.base import Base, enum_column


class ConversationState(Base):
    """Where a person is in a conversation; erased with the person."""

    __tablename__ = "conversation_states"

    person_id: Mapped[int] = mapped_column(
        ForeignKey("people.id", ondelete="CASCADE"), primary_key=True
    )
    flow: Mapped[str | None] = mapped_column(String(32))
    step: Mapped[str | None] = mapped_column(String(32))
    data: Mapped[dict[str, Any]] = mapped_column(default=dict)
    version: Mapped[int] = mapped_column(default=0)
    updated_at: Mapped[datetime]


class UpdateStatus(StrEnum):
    PENDING = "pending"
    PROCESSING = "processing"
    DONE = "done"
    FAILED = "failed"


class ReceivedUpdate(Base):
    """An update as the messenger sent it, stored before it is acknowledged.

    Deduplicated by (messenger, update_id); processed in order per `chat_key`.
    `payload` keeps only what reading the update needs and is cleared once it is
    done; `answer` holds the replies owed until they are confirmed sent, so a
    process that dies between commit and send leaves them for another to send.
    """

    __tablename__ = "received_updates"
    __table_args__ = (
        UniqueConstraint("messenger", "update_id"),
        Index("ix_received_updates_status", "status", "lease_until"),
        Index("ix_received_updates_chat", "chat_key", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    messenger: Mapped[str] = mapped_column(String(16))
    update_id: Mapped[int] = mapped_column(BigInteger)
    chat_key: Mapped[str] = mapped_column(String(64))
    # None is SQL NULL here (not JSON null), so that `IS NULL` finds cleared rows.
    payload: Mapped[dict[str, Any] | None] = mapped_column(JSON(none_as_null=True))
    status: Mapped[UpdateStatus] = mapped_column(
        enum_column(UpdateStatus), default=UpdateStatus.PENDING
    )
    attempts: Mapped[int] = mapped_column(default=0)
    lease_until: Mapped[datetime | None]
    received_at: Mapped[datetime]
    processed_at: Mapped[datetime | None]
    error: Mapped[str | None] = mapped_column(String(500))
    answer: Mapped[dict[str, Any] | None] = mapped_column(JSON(none_as_null=True))
