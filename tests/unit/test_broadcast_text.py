"""A broadcast's text: typed, or as a photo's caption, which leaves less room; its translations
get the same room as the message they translate."""

from __future__ import annotations

from sqlalchemy import select

from bot.app import App
from bot.chat.events import Event, Kind
from bot.domain.models import Broadcast
from bot.flows.broadcast import PHOTO_TEXT_LIMIT, TEXT_LIMIT
from tests.chat import Chat, coordinator

PHOTO = "AgACAgIAAxkBAAIBPhoto"


async def photo(chat: Chat, caption: str) -> None:
    await chat.event(Event(Kind.PHOTO, text=caption, photo=PHOTO))


async def the_broadcast(app: App) -> Broadcast:
    async with app.sessions() as session:
        found = await session.scalar(select(Broadcast))
    assert found is not None
    return found


async def test_a_caption_has_less_room_than_a_message_and_so_has_its_translation(
    app: App,
) -> None:
    fatima = await coordinator(app)
    await fatima.press("Broadcast")
    await fatima.press("New message")
    assert f"At most {TEXT_LIMIT} characters." in fatima.text
    await photo(fatima, "x" * (PHOTO_TEXT_LIMIT + 1))  # would fit as a message, not as a caption
    assert f"That is {PHOTO_TEXT_LIMIT + 1} characters" in fatima.text
    await photo(fatima, " ")
    assert "That was empty." in fatima.text
    await fatima.send_other()
    assert "Please type the message, or send a photo with a caption." in fatima.text
    await photo(fatima, "Soup <b>tonight</b>")
    assert "Who should receive it?" in fatima.text
    item = await the_broadcast(app)
    assert (item.text, item.photo_file_id) == ("Soup <b>tonight</b>", PHOTO)

    await fatima.press("Everyone in the neighbourhood")
    await fatima.press("Add a translation")
    await fatima.press("Türkçe")
    await fatima.send("y" * (PHOTO_TEXT_LIMIT + 1))
    assert f"at most {PHOTO_TEXT_LIMIT} fit" in fatima.text
    await fatima.send("Bu akşam çorba")
    assert "Own versions in: Türkçe" in fatima.text

    await fatima.press("Change the text")
    await fatima.send("x" * TEXT_LIMIT)  # typed, a message has all its room, and no photo
    assert "This is how it will look:" in fatima.text  # back to the preview, not the audience
    item = await the_broadcast(app)
    assert (len(item.text), item.photo_file_id) == (TEXT_LIMIT, None)
