"""aiogram objects to the core's plain data."""

from __future__ import annotations

from aiogram.types import Message, User

from bot.domain.people import Contact
from bot.flows.events import Event, Kind
from bot.handlers.intake import MESSENGER


def contact_of(user: User, chat_id: int) -> Contact:
    return Contact(
        messenger=MESSENGER,
        external_id=str(user.id),
        chat_id=chat_id,
        first_name=user.first_name,
        username=user.username,
        language_code=user.language_code,
    )


def event_of(message: Message) -> Event:
    if message.text is not None:
        return Event.from_text(message.text)
    if message.photo:
        return Event(Kind.PHOTO, photo=message.photo[-1].file_id, text=message.caption or "")
    if message.location is not None:
        location = (message.location.latitude, message.location.longitude)
        return Event(Kind.LOCATION, location=location)
    return Event(Kind.OTHER, other=str(message.content_type), text=message.caption or "")
