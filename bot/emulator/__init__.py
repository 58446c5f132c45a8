"""A local Telegram Bot API emulator for end-to-end tests, benchmarks and the sandbox.

It speaks Telegram's wire format and enforces Telegram's rules (HTML parsing, lengths,
keyboards, flood limits, webhook/polling semantics), so bots built on aiogram or
python-telegram-bot can be tested against it unchanged::

    async with BotAPIEmulator() as emu:
        ann = emu.user(1001, "Ann", language_code="nl")
        await ann.send("/start")
        ...  # run the bot against emu.url
        [reply] = await ann.replies()
        await ann.press("Nederlands")

Only aiohttp and the standard library are used: this is a server, not a client.
"""

from .errors import ApiError
from .html_rules import FormattedText, HtmlParseError, parse_html, utf16_len
from .limits import Limits
from .media import StoredFile, make_png
from .models import ApiCall, CallbackAnswer, SentMessage
from .server import DEFAULT_TOKEN, BotAPIEmulator
from .users import SimulatedGroup, SimulatedUser

__all__ = [
    "DEFAULT_TOKEN",
    "ApiCall",
    "ApiError",
    "BotAPIEmulator",
    "CallbackAnswer",
    "FormattedText",
    "HtmlParseError",
    "Limits",
    "SentMessage",
    "SimulatedGroup",
    "SimulatedUser",
    "StoredFile",
    "make_png",
    "parse_html",
    "utf16_len",
]
