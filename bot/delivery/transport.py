"""What the sender needs from a messenger runtime: send one reply, say what happened.

Each messenger has its own transport; the sender picks it by the identity's messenger.
A messenger that must choose how to say a pushed message (WhatsApp: free-form inside
the 24-hour window, the kind's approved template outside it) is also told about the
push (`Push`); Telegram's transport is not.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Protocol

from bot.chat.replies import Reply

TELEGRAM = "telegram"  # Identity.messenger of Telegram's people
WHATSAPP = "whatsapp"  # Identity.messenger of WhatsApp's people


class Result(StrEnum):
    SENT = "sent"
    RETRY_AFTER = "retry_after"  # the messenger asks us to slow down (429)
    UNREACHABLE = "unreachable"  # blocked the bot, deactivated (403)
    TRANSIENT = "transient"  # 5xx, time-out, network: try again later
    REJECTED = "rejected"  # the request itself is wrong (400): trying again will not help


@dataclass(frozen=True, slots=True)
class Outcome:
    result: Result
    message_id: int | None = None
    retry_after: float = 0.0
    error: str = ""
    # A 400 for a group that became a supergroup: its new chat id (ResponseParameters).
    migrated_to: int | None = None
    # RETRY_AFTER for this one chat only (WhatsApp's pair rate, 131056): the row waits,
    # the messenger's shared pace does not pause.
    chat_only: bool = False


@dataclass(frozen=True, slots=True)
class Push:
    """What a messenger may need to choose how to send a pushed message."""

    kind: str  # bot.delivery.kinds
    locale: str  # the person's language
    first_name: str
    window_open: bool  # the person wrote recently enough for a free-form message


class Transport(Protocol):
    async def deliver(self, chat_id: int, reply: Reply, *, paid: bool = False) -> Outcome:
        """Send `reply` to `chat_id` once; never raises for messenger errors."""
        ...

    async def leave(self, chat_id: int) -> Outcome:
        """Leave a group or channel; never raises for messenger errors."""
        ...


class PushTransport(Protocol):
    """A messenger's transport that is told about each push (WhatsApp's)."""

    async def deliver(
        self, chat_id: int, reply: Reply, *, paid: bool = False, push: Push | None = None
    ) -> Outcome:
        """Send `reply` to `chat_id` once, as `push` calls for; never raises for messenger
        errors."""
        ...

    async def leave(self, chat_id: int) -> Outcome: ...
