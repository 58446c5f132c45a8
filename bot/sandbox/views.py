"""What the page shows, as JSON: people, a Telegram chat, the clock and the inspector.

Text goes out as data (text plus Telegram's entities), never as HTML: the page
builds its elements from the entities, so nothing a person typed can become
markup. Times are sandbox times in the neighbourhood's zone. A WhatsApp chat
and the Graph API calls have the same shapes (`whatsapp_views.py`).
"""

from __future__ import annotations

import json
import time
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.domain.models import Delivery, DeliveryStatus, Person
from bot.emulator import ApiCall, BotAPIEmulator, SentMessage, SimulatedUser, StoredFile
from bot.emulator.media import image_size
from bot.sandbox.cast import Character
from bot.sandbox.clock import JUMPS, RunningClock

FILES = "/files/"
MAX_CALLS = 200
MAX_DELIVERIES = 100
_SHORT = 120
_MEDIA_KINDS = ("photo", "document", "sticker", "voice", "video", "animation", "audio")
WAITING = (DeliveryStatus.PENDING, DeliveryStatus.SENDING)  # rows with a next attempt
_SAFE_LINK = ("https://", "http://", "tg://", "mailto:")


def person_fields(character: Character) -> dict[str, Any]:
    return {
        "id": character.user_id,
        "name": character.name,
        "language": character.language,
        "role": character.title,
        "app": character.app,
    }


def person(character: Character, user: SimulatedUser) -> dict[str, Any]:
    last = user.last
    return {
        **person_fields(character),
        "count": len(user.chat.bot_messages) + len(user.chat.incoming),
        "last": last.text[:80] if last else "",
    }


def chat(
    character: Character, user: SimulatedUser, emulator: BotAPIEmulator, times: Times
) -> dict[str, Any]:
    """One chat as its person sees it: both sides in order, the keyboard, the last toast."""
    messages = [_bot_message(m, times) for m in user.messages]
    messages += [_person_message(m, emulator, times) for m in user.chat.incoming.values()]
    messages.sort(key=lambda m: m["id"])
    answers = [a for a in user.callback_answers if a.text]
    return {
        **person(character, user),
        "messages": messages,
        "reply_keyboard": user.reply_keyboard,
        "notice": (
            {"id": answers[-1].query_id, "text": answers[-1].text, "alert": answers[-1].show_alert}
            if answers
            else None
        ),
    }


class Times:
    """Sandbox times, formatted in the neighbourhood's zone."""

    def __init__(self, clock: RunningClock, zone: ZoneInfo) -> None:
        self.clock = clock
        self.zone = zone

    def local(self, moment: datetime, pattern: str = "%H:%M") -> str:
        return moment.astimezone(self.zone).strftime(pattern)

    def moment(self, moment: datetime | None) -> str | None:
        """Day and time to the second, for the outbox."""
        return self.local(moment, "%a %H:%M:%S") if moment else None

    def real(self, epoch: float, pattern: str = "%H:%M") -> str:
        """A real timestamp (the emulator's), shown as the sandbox time it happened at."""
        return self.local(self.clock.at_real(epoch), pattern)


def clock(times: Times) -> dict[str, Any]:
    now = times.clock.now()
    return {
        "now": now.isoformat(),
        "local": times.local(now, "%a %d %b %Y %H:%M"),
        "zone": times.zone.key,
        "offset_ms": int(times.clock.offset.total_seconds() * 1000),
        "jumps": [{"name": name, "label": label} for name, (label, _) in JUMPS.items()],
    }


def calls(
    emulator: BotAPIEmulator, graph: list[tuple[float, dict[str, Any]]], times: Times
) -> dict[str, Any]:
    """The bot's Bot API calls and its Graph API calls (`graph`, as (monotonic time, shown)),
    newest first; getUpdates (long polling) only counted."""
    polled = [(n, c) for n, c in enumerate(emulator.calls, 1) if c.method != "getUpdates"]
    shown = [(c.at, _call(n, c, times)) for n, c in polled[-MAX_CALLS:]]
    merged = sorted(shown + graph[-MAX_CALLS:], key=lambda pair: pair[0])[-MAX_CALLS:]
    return {
        "calls": [call for _, call in reversed(merged)],
        "polls": len(emulator.calls) - len(polled),
    }


async def deliveries(
    sessions: async_sessionmaker[AsyncSession], times: Times
) -> list[dict[str, Any]]:
    """The newest rows of the outbox, with their recipient's name."""
    async with sessions() as session:
        rows = await session.execute(
            select(Delivery, Person.first_name)
            .join(Person, Person.id == Delivery.person_id)
            .order_by(Delivery.id.desc())
            .limit(MAX_DELIVERIES)
        )
        return [_delivery(row, name, times) for row, name in rows.all()]


def _delivery(row: Delivery, recipient: str, times: Times) -> dict[str, Any]:
    waiting = row.status in WAITING
    return {
        "id": row.id,
        "kind": row.kind,
        "recipient": recipient,
        "status": row.status.value,
        "attempts": row.attempts,
        "next_attempt": times.moment(row.next_attempt_at) if waiting else None,
        "sent": times.moment(row.sent_at),
        "last_error": row.last_error,
        "receipt": row.receipt,  # WhatsApp's latest status of the message
    }


# -- messages -------------------------------------------------------------------------------


def _bot_message(message: SentMessage, times: Times) -> dict[str, Any]:
    return {
        "id": message.message_id,
        "from": "bot",
        "kind": message.kind,
        "text": message.text,
        "entities": message.entities,
        "buttons": [[_button(b) for b in row] for row in message.inline_keyboard],
        "media": _media(message.files[-1]) if message.files else None,
        "edited": message.edited,
        "deleted": message.deleted,
        "time": times.real(message.date),
    }


def _person_message(
    message: dict[str, Any], emulator: BotAPIEmulator, times: Times
) -> dict[str, Any]:
    kind = next((k for k in (*_MEDIA_KINDS, "location", "contact") if k in message), "text")
    media = None
    if kind == "photo":
        media = emulator.files.get(message["photo"][-1]["file_id"])
    elif kind in _MEDIA_KINDS:
        media = emulator.files.get(message[kind]["file_id"])
    if kind == "sticker" and media is not None and image_size(media.content) is None:
        media = None  # the emulator's stand-in bytes: its emoji shows it
    return {
        "id": message["message_id"],
        "from": "person",
        "kind": kind,
        "text": message.get("text") or message.get("caption") or _describe(kind, message),
        "entities": message.get("entities") or message.get("caption_entities") or [],
        "buttons": [],
        "media": _media(media) if media else None,
        "edited": False,
        "deleted": False,
        "time": times.real(message["date"]),
    }


def _describe(kind: str, message: dict[str, Any]) -> str:
    if kind == "sticker":
        return message["sticker"].get("emoji", "")
    if kind == "location":
        return "📍 {latitude}, {longitude}".format(**message["location"])
    if kind == "contact":
        return "👤 " + message["contact"]["phone_number"]
    return ""


def _button(button: dict[str, Any]) -> dict[str, Any]:
    shown: dict[str, Any] = {"text": button.get("text", "")}
    if "callback_data" in button:
        shown["data"] = button["callback_data"]
    url = button.get("url")
    if isinstance(url, str) and url.startswith(_SAFE_LINK):
        shown["url"] = url
    return shown


def _media(stored: StoredFile) -> dict[str, Any]:
    return {
        "kind": stored.kind,
        "url": FILES + stored.file_path if stored.content else None,
        "name": stored.file_name,
    }


# -- the inspector --------------------------------------------------------------------------


def monotonic_time(at: float, times: Times) -> str:
    """An emulator's `time.monotonic()` stamp as the sandbox time it happened at."""
    return times.real(time.time() - (time.monotonic() - at), "%H:%M:%S")


def _call(number: int, call: ApiCall, times: Times) -> dict[str, Any]:
    return {
        "api": "bot",
        "n": number,
        "time": monotonic_time(call.at, times),
        "method": call.method,
        "params": {key: short(value) for key, value in call.params.items()},
        "ok": call.ok,
        "error": None if call.ok else f"{call.error_code} {call.description}",
        "result": _result(call.result),
        "source": call.source,
    }


def _result(result: Any) -> Any:
    if isinstance(result, dict) and "message_id" in result:
        return f"message #{result['message_id']}"
    return short(result)


def short(value: Any) -> Any:
    """A parameter as the inspector lists it: scalars as they are, the rest clipped."""
    if value is None or isinstance(value, bool | int | float):
        return value
    if isinstance(value, str):
        text = value
    elif isinstance(value, dict | list):
        text = json.dumps(value, ensure_ascii=False, default=str)
    else:
        text = repr(value)  # e.g. an uploaded file: UploadedFile('card.png', 67 bytes)
    return text if len(text) <= _SHORT else text[: _SHORT - 1] + "…"
