"""Invite links and check-in codes for every channel the deployment runs (bot.chat.links), and
"start <payload>" typed on WhatsApp, as a wa.me link's text sends it."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlparse

import pytest

from bot.app import App
from bot.chat import links
from bot.chat.events import Kind
from bot.config import ConfigError
from bot.handlers.whatsapp.keywords import event_of_text
from tests.chat import Chat, person_with
from tests.conftest import make_settings

INVITE = "i" + "A" * 16 + "b" * 22  # the shape of an invite's payload


def test_a_wa_me_link_types_start_and_the_payload() -> None:
    link = links.whatsapp("+31 6 12345678").to(INVITE)
    address = urlparse(link)
    assert (address.netloc, address.path) == ("wa.me", "/31612345678")
    (typed,) = parse_qs(address.query)["text"]
    event = event_of_text(typed)
    assert (event.kind, event.command, event.args) == (Kind.COMMAND, "start", INVITE)


@pytest.mark.parametrize("typed", ["Start buurtfeest", "start", "start i123", "menu " + INVITE])
def test_start_with_anything_but_a_payload_is_not_a_link(typed: str) -> None:
    event = event_of_text(typed)
    assert not (event.kind is Kind.COMMAND and event.args)


def test_start_with_a_check_in_payload_is_a_command() -> None:
    event = event_of_text("start c12_" + "x" * 22)
    assert (event.command, event.args) == ("start", "c12_" + "x" * 22)


@pytest.mark.parametrize("number", ["0612345678", "+31 6 1234abcd", "123"])
def test_the_display_number_is_international(number: str) -> None:
    with pytest.raises(ConfigError, match="WHATSAPP_DISPLAY_NUMBER"):
        make_settings("sqlite+aiosqlite://", whatsapp_display_number=number)
    settings = make_settings("sqlite+aiosqlite://", whatsapp_display_number="+31 6-1234 5678")
    assert settings.whatsapp_display_number == "31612345678"


async def test_an_invite_shows_a_link_for_each_channel(app: App) -> None:
    app.conversation.start_links["telegram"] = links.telegram("wijkbot_test_bot")
    app.conversation.start_links["whatsapp"] = links.whatsapp("31612345678")
    coordinator = await person_with(app, "coordinator", 850)
    await coordinator.press("Invite a partner")
    await coordinator.press("A partner organisation")
    await coordinator.send("Buurtteam Overvecht")
    assert "the link for the app they use" in coordinator.text
    telegram = re.search(r"Telegram: https://t\.me/wijkbot_test_bot\?start=(\S+)", coordinator.text)
    whatsapp = re.search(
        r"WhatsApp: https://wa\.me/31612345678\?text=start%20(\S+)", coordinator.text
    )
    assert telegram is not None and whatsapp is not None and telegram[1] == whatsapp[1]
    guest = Chat(app, 851, language_code="en")
    await guest.send(f"/start {telegram[1]}")
    assert "You are now a partner in Overvecht, for Buurtteam Overvecht." in guest.text
