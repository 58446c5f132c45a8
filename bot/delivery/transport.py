"""What the sender needs from a messenger runtime: send one reply, say what happened."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Protocol

from bot.chat.replies import Reply


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


class Transport(Protocol):
    async def deliver(self, chat_id: int, reply: Reply, *, paid: bool = False) -> Outcome:
        """Send `reply` to `chat_id` once; never raises for messenger errors."""
        ...

    async def leave(self, chat_id: int) -> Outcome:
        """Leave a group or channel; never raises for messenger errors."""
        ...
