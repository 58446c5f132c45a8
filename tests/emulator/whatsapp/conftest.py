"""Fixtures the WhatsApp emulator's tests share.

    emu_options -> emu -> graph   a raw Graph API client on it
                       -> hook    a `HookServer` the emulator delivers its webhooks to

`emu` is a started `CloudAPIEmulator` with the "reopen" template (nl and en, one body
parameter each) and a short `settle`; a test module changes it by overriding
`emu_options` (test_server.py: a frozen clock; test_webhooks.py: short retry pauses).
"""

from __future__ import annotations

from typing import Any

import pytest

from bot.emulator.whatsapp import CloudAPIEmulator
from tests.emulator.whatsapp import Graph, HookServer

TEMPLATES = {"reopen": {"nl": 1, "en": 1}}


@pytest.fixture
def emu_options() -> dict[str, Any]:
    return {}


@pytest.fixture
async def emu(emu_options: dict[str, Any]):
    async with CloudAPIEmulator(**{"templates": TEMPLATES, "settle": 0.05, **emu_options}) as emu:
        yield emu


@pytest.fixture
async def graph(emu: CloudAPIEmulator):
    graph = Graph(emu)
    yield graph
    await graph.close()


@pytest.fixture
async def hook(emu: CloudAPIEmulator):
    async with HookServer(emu.app_secret) as hook:
        await emu.subscribe(hook.url, hook.verify_token)
        yield hook
