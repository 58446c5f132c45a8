"""`python -m bot.emulator.whatsapp`: the standalone runner serves the Graph API with the
people and templates its options name, and ends cleanly on SIGTERM."""

from __future__ import annotations

import re

import aiohttp

from bot.emulator.whatsapp import DEFAULT_PHONE_NUMBER_ID, DEFAULT_TOKEN
from tests.emulator import standalone

ANN = "31612345678"


async def test_command_line_entry_point() -> None:
    args = ("--port", "0", "--user", f"{ANN}:Ann", "--template", "reopen:nl:1")
    async with standalone("bot.emulator.whatsapp", *args) as line:
        base = re.search(r"Graph API base (http://127\.0\.0\.1:\d+/v[0-9.]+)", line)
        assert base is not None, line
        parameters = [{"type": "text", "text": "Ann"}]
        template = {
            "name": "reopen",
            "language": {"code": "nl"},
            "components": [{"type": "body", "parameters": parameters}],
        }
        body = {"messaging_product": "whatsapp", "to": ANN, "type": "template"}
        async with (
            aiohttp.ClientSession(headers={"Authorization": f"Bearer {DEFAULT_TOKEN}"}) as http,
            http.post(
                f"{base[1]}/{DEFAULT_PHONE_NUMBER_ID}/messages", json={**body, "template": template}
            ) as response,
        ):
            answer = await response.json()
    assert answer["contacts"] == [{"input": ANN, "wa_id": ANN}]
    assert answer["messages"][0]["message_status"] == "accepted"
