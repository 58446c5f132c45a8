"""The neighbourhood's own Telegram group or channel, where its news is posted."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import BigInteger, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from bot.domain.models.base import Base, enum_column


class ChatLinkStatus(StrEnum):
    PENDING = "pending"  # the bot was added; the coordinator who added it has not confirmed
    LINKED = "linked"  # the neighbourhood's news goes there
    LEAVING = "leaving"  # unlinked, refused or never confirmed: the bot is to leave the chat


class ChatLink(Base):
    """A group or channel the bot is in, and the neighbourhood it posts for.

    Nothing said in the chat is kept; only its id, title and kind, and who added the bot
    (until they confirm, refuse, or are forgotten).
    """

    __tablename__ = "chat_links"

    id: Mapped[int] = mapped_column(primary_key=True)
    messenger: Mapped[str] = mapped_column(String(16))
    chat_id: Mapped[int] = mapped_column(BigInteger, unique=True)
    title: Mapped[str] = mapped_column(String(128))
    chat_type: Mapped[str] = mapped_column(String(16))
    neighbourhood_id: Mapped[int | None] = mapped_column(
        ForeignKey("neighbourhoods.id", ondelete="CASCADE"), index=True
    )
    added_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("people.id", ondelete="SET NULL"), index=True
    )
    status: Mapped[ChatLinkStatus] = mapped_column(enum_column(ChatLinkStatus))
    created_at: Mapped[datetime]
    linked_at: Mapped[datetime | None]
