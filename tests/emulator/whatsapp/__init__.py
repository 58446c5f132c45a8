"""Tests of the WhatsApp Cloud API emulator (bot/emulator/whatsapp).

`HookServer` is a bot's webhook endpoint in miniature: it answers Meta's verification
challenge, checks every POST's X-Hub-Signature-256 over the raw body itself (never
trusting the emulator's helper), and can be told to fail the next POSTs.
`Graph` is a raw HTTP client for the emulator's Graph API.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from typing import Any

import aiohttp
from aiohttp import web

from bot.emulator.whatsapp import CloudAPIEmulator

VERIFY_TOKEN = "verify-me"


class HookServer:
    def __init__(self, app_secret: str, verify_token: str = VERIFY_TOKEN, port: int = 0):
        self.app_secret = app_secret
        self.port = port
        self.raw: list[bytes] = []
        self.verify_token = verify_token
        self.payloads: list[dict[str, Any]] = []
        self.bad_signatures = 0
        self.fail_next = 0  # answer the next N POSTs with 500
        self.attempts = 0
        self.echo_wrong = False
        self._runner: web.AppRunner | None = None
        self.url = ""

    async def __aenter__(self) -> HookServer:
        app = web.Application()
        app.router.add_get("/hook", self._verify)
        app.router.add_post("/hook", self._receive)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", self.port)
        await site.start()
        self.port = self._runner.addresses[0][1]
        self.url = f"http://127.0.0.1:{self.port}/hook"
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        assert self._runner is not None
        await self._runner.cleanup()

    async def _verify(self, request: web.Request) -> web.Response:
        query = request.query
        if (
            query.get("hub.mode") != "subscribe"
            or query.get("hub.verify_token") != self.verify_token
        ):
            return web.Response(status=403)
        challenge = query["hub.challenge"]
        return web.Response(text=challenge + "x" if self.echo_wrong else challenge)

    async def _receive(self, request: web.Request) -> web.Response:
        self.attempts += 1
        raw = await request.read()
        expected = "sha256=" + hmac.new(self.app_secret.encode(), raw, hashlib.sha256).hexdigest()
        if not hmac.compare_digest(request.headers.get("X-Hub-Signature-256", ""), expected):
            self.bad_signatures += 1
            return web.Response(status=401)
        if self.fail_next > 0:
            self.fail_next -= 1
            return web.Response(status=500)
        self.raw.append(raw)
        self.payloads.append(json.loads(raw))
        return web.Response(text="ok")

    # -- reading what arrived -------------------------------------------------------------
    @property
    def values(self) -> list[dict[str, Any]]:
        return [
            change["value"] for p in self.payloads for e in p["entry"] for change in e["changes"]
        ]

    @property
    def messages(self) -> list[dict[str, Any]]:
        return [m for value in self.values for m in value.get("messages", [])]

    @property
    def statuses(self) -> list[dict[str, Any]]:
        return [s for value in self.values for s in value.get("statuses", [])]

    def statuses_of(self, wamid: str) -> list[str]:
        return [s["status"] for s in self.statuses if s["id"] == wamid]


class Graph:
    """`await graph.send(to, "text", {"body": "hi"})` -> (HTTP status, JSON body)."""

    def __init__(self, emu: CloudAPIEmulator, token: str | None = None):
        self.emu = emu
        self.token = token or emu.token
        self.session = aiohttp.ClientSession()

    async def close(self) -> None:
        await self.session.close()

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}

    async def post(self, path: str, body: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        url = f"{self.emu.api_url}{path}"
        async with self.session.post(url, json=body, headers=self.headers) as response:
            return response.status, await response.json()

    async def send(self, to: str, kind: str, content: dict[str, Any]) -> tuple[int, dict]:
        body = {
            "messaging_product": "whatsapp",
            "recipient_type": "individual",
            "to": to,
            "type": kind,
            kind: content,
        }
        return await self.post(f"/{self.emu.phone_number_id}/messages", body)

    async def text(self, to: str, text: str = "hello") -> tuple[int, dict]:
        return await self.send(to, "text", {"body": text})

    async def upload(self, content: bytes, filename: str, mime_type: str) -> tuple[int, dict]:
        """POST a file to /media as a multipart form, as pywa does."""
        form = aiohttp.FormData()
        form.add_field("file", content, filename=filename, content_type=mime_type)
        form.add_field("type", mime_type)
        form.add_field("messaging_product", "whatsapp")
        url = f"{self.emu.api_url}/{self.emu.phone_number_id}/media"
        async with self.session.post(url, data=form, headers=self.headers) as response:
            return response.status, await response.json()

    async def get(self, url: str) -> tuple[int, bytes]:
        async with self.session.get(url, headers=self.headers) as response:
            return response.status, await response.read()


def code(answer: tuple[int, dict[str, Any]]) -> tuple[int, int]:
    """(HTTP status, Graph error code) of a refused call."""
    status, body = answer
    assert "error" in body, body
    return status, body["error"]["code"]


def wamid(answer: tuple[int, dict[str, Any]]) -> str:
    status, body = answer
    assert status == 200, body
    return body["messages"][0]["id"]
