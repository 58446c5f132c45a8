"""A local WhatsApp Cloud API (Meta's Graph API) for end-to-end tests, benchmarks and the
sandbox. Real pywa_async clients talk to it over HTTP unchanged (base URL `emu.api_url`);
it refuses what Meta refuses, fails asynchronously what Meta fails asynchronously (the
24-hour window, blocked people) and sends signed webhooks::

    async with CloudAPIEmulator(templates={"reopen": {"nl": 1}}) as emu:
        await emu.subscribe(bot_webhook_url, verify_token)
        ann = emu.user("31612345678", "Ann")
        await ann.send("hallo")
        [menu] = await ann.replies()
        await ann.press("Nederlands")

Only aiohttp and the standard library are used.
"""

from .errors import GraphError
from .limits import META_PAIR_BURST, META_PAIR_PER_SECOND, Limits
from .models import GraphCall, ListRow, ReceivedMessage, TemplateInfo
from .rules import check_message
from .server import (
    DEFAULT_APP_SECRET,
    DEFAULT_PHONE_NUMBER_ID,
    DEFAULT_TOKEN,
    DEFAULT_WABA_ID,
    WINDOW_SECONDS,
    CloudAPIEmulator,
)
from .users import SimulatedUser
from .webhooks import WebhookVerificationError, sign

__all__ = [
    "DEFAULT_APP_SECRET",
    "DEFAULT_PHONE_NUMBER_ID",
    "DEFAULT_TOKEN",
    "DEFAULT_WABA_ID",
    "META_PAIR_BURST",
    "META_PAIR_PER_SECOND",
    "WINDOW_SECONDS",
    "CloudAPIEmulator",
    "GraphCall",
    "GraphError",
    "Limits",
    "ListRow",
    "ReceivedMessage",
    "SimulatedUser",
    "TemplateInfo",
    "WebhookVerificationError",
    "check_message",
    "sign",
]
