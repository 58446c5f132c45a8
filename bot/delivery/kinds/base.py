"""What every kind of pushed message is made of: a name, a category, a renderer, and maybe
a check that its subject still needs saying.

A renderer turns an outbox row into a reply when the row is sent, reading fresh
data. A kind about something that can be dealt with before the message goes out
(a proposal another coordinator approved meanwhile, or one withdrawn) declares
`handled`: when the sender's turn comes for such a row, it is marked skipped with
the reason `handled` gives, and not sent. The group modules beside this one
define the kinds with `kind`; the package's `KINDS` collects them.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import TypeVar
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession

from bot.chat.limits import CAPTION_LIMIT, TEXT_LIMIT, fit
from bot.chat.replies import File, Reply
from bot.delivery.preferences import Category
from bot.domain.models import Delivery, Person
from bot.i18n import Html, Translator

T = TypeVar("T")


@dataclass(slots=True)
class RenderContext:
    session: AsyncSession
    person: Person | None  # None for a post in a neighbourhood's group or channel
    t: Translator
    zone: ZoneInfo
    now: datetime
    memo: dict[object, object] = field(default_factory=dict)  # shared by a batch of messages

    async def get(self, model: type[T], key: int) -> T | None:
        """A row read once per batch: a broadcast's 10,000 messages share its one row."""
        found = self.memo.get((model, key))
        if found is None:
            found = await self.session.get(model, key)
            self.memo[(model, key)] = found
        return found  # type: ignore[return-value]


Renderer = Callable[[RenderContext, Delivery], Awaitable[Reply | None]]
# Why a message's subject needs no message any more ("proposal approved"), or None.
Handled = Callable[[RenderContext, Delivery], Awaitable[str | None]]


@dataclass(frozen=True, slots=True)
class Kind:
    name: str
    category: Category
    render: Renderer
    handled: Handled | None = None


def kind(
    name: str, category: Category, *, handled: Handled | None = None
) -> Callable[[Renderer], Kind]:
    """Make a renderer a kind of message; its module's kinds join `KINDS` with the module.

    `handled` is asked first when the row's turn comes: a reason it returns marks the
    row skipped (not sent), whatever the person's quiet hours.
    """

    def make(render: Renderer) -> Kind:
        return Kind(name, category, render, handled)

    return make


def subject_id(delivery: Delivery, prefix: str) -> int | None:
    head, _, value = delivery.subject.partition(":")
    return int(value) if head == prefix and value.isdigit() else None


async def subject(ctx: RenderContext, delivery: Delivery, model: type[T], prefix: str) -> T | None:
    """The row a message is about, e.g. `initiative:12`; None when the subject names another."""
    key = subject_id(delivery, prefix)
    return await ctx.session.get(model, key) if key else None


def with_photo(
    frame: Callable[[Html], Html], text: str, photo_file_id: str | None, name: str = "photo.jpg"
) -> Reply:
    """What someone wrote, in its frame: a photo's caption when there is a photo, so shorter."""
    limit = CAPTION_LIMIT if photo_file_id else TEXT_LIMIT
    picture = File(name, file_id=photo_file_id) if photo_file_id else None
    return Reply(fit(frame, text, limit), picture=picture)
