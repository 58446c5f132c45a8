"""What a runtime adapter provides: the Bot API calls Wijkbot makes, in its framework.

Everything else (reading updates, the unit of work, edits that fall back to a
new message, waiting out a 429, the delivery transport, polling and the
webhook) is written once, over this protocol, so both runtimes behave alike.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Protocol

from bot.chat.replies import Button, File
from bot.delivery.transport import Outcome
from bot.i18n import Html

Buttons = tuple[tuple[Button, ...], ...]


class BotApi(Protocol):
    # The framework's exceptions for a failed Bot API call; `outcome_of` reads any of them.
    errors: tuple[type[Exception], ...]

    def outcome_of(self, error: Exception) -> Outcome:
        """What a failed call means: 429 (with its wait), 403, 400, or transient."""
        ...

    async def start(self) -> str:
        """Connect and check the token; returns the bot's @username."""
        ...

    async def close(self) -> None: ...

    async def set_commands(
        self, commands: Sequence[tuple[str, str]], language: str | None
    ) -> None: ...

    async def delete_webhook(self) -> None: ...

    async def set_webhook(self, url: str, secret: str, allowed_updates: Sequence[str]) -> None: ...

    async def get_updates(
        self, offset: int | None, wait: int, allowed_updates: Sequence[str]
    ) -> list[dict[str, Any]]:
        """Long polling for up to `wait` seconds; returns the updates as Telegram's JSON,
        to be stored as they are."""
        ...

    async def answer_callback(self, callback_id: str, text: str | None) -> None: ...

    async def leave_chat(self, chat_id: int) -> None:
        """Leave a group or channel."""
        ...

    async def edit_text(
        self, chat_id: int, message_id: int, text: Html, buttons: Buttons
    ) -> None: ...

    async def send_text(self, chat_id: int, text: Html, buttons: Buttons, *, paid: bool) -> int:
        """Returns the new message's id, as `send_file` does."""
        ...

    async def send_file(
        self,
        chat_id: int,
        file: File,
        caption: Html | None,
        buttons: Buttons,
        *,
        photo: bool,
        paid: bool,
    ) -> int:
        """A picture (`photo`) or a document: new bytes or a file id Telegram knows."""
        ...
