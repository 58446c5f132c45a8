"""Tests of the Telegram Bot API emulator (bot/emulator).

`RawApi` talks to the emulator over plain HTTP in each of the encodings real clients use,
and checks on every response that the HTTP status equals the body's error_code.
`standalone(...)` runs an emulator's command line (both emulators' tests use it).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import sys
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import aiohttp

from bot.emulator import BotAPIEmulator


class RawApi:
    """A minimal Bot API client: `await api("sendMessage", chat_id=1, text="hi")`."""

    def __init__(self, emu: BotAPIEmulator):
        self.emu = emu
        self.session = aiohttp.ClientSession()

    async def close(self) -> None:
        await self.session.close()

    def url(self, method: str, token: str | None = None) -> str:
        return f"{self.emu.url}/bot{token or self.emu.token}/{method}"

    async def _read(self, response: aiohttp.ClientResponse) -> dict[str, Any]:
        body = await response.json()
        expected = 200 if body["ok"] else body["error_code"]
        assert response.status == expected, (response.status, body)
        return body

    async def __call__(self, method: str, **params: Any) -> dict[str, Any]:
        """POST a JSON body."""
        async with self.session.post(self.url(method), json=params) as response:
            return await self._read(response)

    async def form(
        self, method: str, *, files: dict[str, tuple[str, bytes]] | None = None, **params: Any
    ) -> dict[str, Any]:
        """POST a form like aiogram/PTB: urlencoded, or multipart when files are given.
        Non-string values are JSON-encoded, as those libraries do."""
        fields = {k: v if isinstance(v, str) else json.dumps(v) for k, v in params.items()}
        data: aiohttp.FormData | dict[str, str] = fields
        if files:
            form = aiohttp.FormData()
            for name, value in fields.items():
                form.add_field(name, value)
            for name, (filename, content) in files.items():
                form.add_field(name, content, filename=filename)
            data = form
        async with self.session.post(self.url(method), data=data) as response:
            return await self._read(response)

    async def get(self, method: str, token: str | None = None, **query: str) -> dict[str, Any]:
        """GET with query-string parameters."""
        async with self.session.get(self.url(method, token), params=query) as response:
            return await self._read(response)


def error(body: dict[str, Any]) -> tuple[int, str]:
    """(error_code, description) of a failed call, for compact assertions."""
    assert body["ok"] is False, body
    return body["error_code"], body["description"]


REPO_ROOT = Path(__file__).resolve().parents[2]


@contextlib.asynccontextmanager
async def standalone(module: str, *args: str) -> AsyncIterator[str]:
    """Run `python -m module args...`, yield the first line it prints (where it listens),
    then end it with SIGTERM and check that it exits with 0."""
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        *("-m", module, *args),
        cwd=REPO_ROOT,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.DEVNULL,
    )
    try:
        assert process.stdout is not None
        yield (await asyncio.wait_for(process.stdout.readline(), 10)).decode()
    finally:
        process.terminate()
        assert await asyncio.wait_for(process.wait(), 10) == 0
