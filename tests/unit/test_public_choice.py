"""What the public results page may show of a person: chosen in the chat (/public), off by
default, in /mydata, and gone with /forget."""

from __future__ import annotations

import json

from bot.app import App
from bot.domain import privacy
from bot.domain.models import Initiative, Person
from bot.i18n import translator
from bot.site import build
from tests.chat import Chat, onboard
from tests.factories import initiative, person_of
from tests.showcase import photos, publish

NAME = "My first name with my initiatives"
PHOTOS = "Photos of the results of my initiatives"


async def page_of(app: App) -> str:
    async with app.sessions() as session:
        files = await build.site(session, photos, app.clock.now(), slug="overvecht")
    return files["overvecht/en/index.html"].decode()


async def bilal_with_a_result(app: App) -> tuple[Chat, Initiative]:
    chat = Chat(app, 41, first_name="Bilal", language_code="en")
    await onboard(chat)
    person = await person_of(app, 41)
    assert person is not None
    garden = await initiative(app, person, "Garden")
    await publish(app, garden, "Beans for everyone", 12, "photo-bilal")
    return chat, garden


async def test_nothing_is_shown_until_the_lead_says_yes_in_the_chat(app: App) -> None:
    chat, _ = await bilal_with_a_result(app)
    page = await page_of(app)
    assert "Beans for everyone" in page and "Bilal" not in page and "<img" not in page

    await chat.send("/public")
    assert chat.text.startswith("🌍 The results page of your neighbourhood is public")
    assert chat.labels == ["▫️ " + NAME, "▫️ " + PHOTOS, "Done"]
    await chat.press(NAME)
    assert chat.labels == ["✅ " + NAME, "▫️ " + PHOTOS, "Done"]
    await chat.press(PHOTOS)
    await chat.press("Done")
    assert "Saved." in chat.text
    person = await person_of(app, 41)
    assert person is not None and (person.public_name, person.public_photos) == (True, True)
    page = await page_of(app)
    assert "by <bdi>Bilal</bdi>" in page and page.count("<img") == 1

    await chat.send("/public")
    await chat.press(PHOTOS)  # taken back: the photo leaves the page, the name stays
    await chat.press("Done")
    page = await page_of(app)
    assert "by <bdi>Bilal</bdi>" in page and "<img" not in page


async def test_the_choice_is_in_dutch_too_and_a_stale_tap_changes_nothing(app: App) -> None:
    chat = Chat(app, 42, first_name="Noor", language_code="nl")
    await onboard(chat, "Nederlands")
    await chat.send("/public")
    t = translator("nl")
    assert t._("My first name with my initiatives") in chat.labels[0]
    await chat.press("Klaar")
    await chat.press(t._("My first name with my initiatives"), answers_back=2)  # an old message
    person = await person_of(app, 42)
    assert person is not None and person.public_name is False


async def test_mydata_holds_the_choice_and_forget_takes_name_and_photos_off(app: App) -> None:
    chat, _ = await bilal_with_a_result(app)
    await chat.send("/public")
    await chat.press(NAME)
    await chat.press(PHOTOS)
    await chat.press("Done")
    async with app.sessions() as session:
        person = await session.get(Person, (await person_of(app, 41)).id)  # type: ignore[union-attr]
        assert person is not None
        exported = json.loads(await privacy.export(session, person, app.clock.now()))
    assert (exported["person"]["public_name"], exported["person"]["public_photos"]) == (True, True)

    async with app.sessions.begin() as session:
        person = await session.get(Person, exported["person"]["id"])
        assert person is not None
        await privacy.forget(session, person, app.clock.now())
    page = await page_of(app)
    assert "Beans for everyone" in page  # the neighbourhood's work stays
    assert "Bilal" not in page and "<img" not in page
