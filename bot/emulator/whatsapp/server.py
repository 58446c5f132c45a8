"""`CloudAPIEmulator`: a local WhatsApp Cloud API (Graph API) plus the people who use it.

    bot (pywa_async, base URL -> emu.api_url)          test
        POST /v{ver}/{phone_number_id}/messages  ---->  emu.user(wa_id).replies()
        POST /v{ver}/{phone_number_id}/media            user.send / press / send_image
        GET  /v{ver}/{media_id} -> url -> bytes                 |
        <---- signed webhooks (messages, statuses) <------------+

Rules across calls, as Meta applies them:
  * synchronous refusals: `rules.check_message` (shapes and lengths, template registry),
    throughput 130429 and pair rate 131056 (`limits.py`), injected faults (`faults.py`);
  * accepted (200, a new wamid) and then failed by a "failed" status webhook: free-form
    messages outside the person's 24-hour window (131047, by `now()` against their last
    message), and messages to a person who blocked the business or is not on WhatsApp
    (no `emu.user(...)` with that wa_id) (131026);
  * otherwise "sent" and "delivered" status webhooks, and "read" once the person reads
    (`user.replies()`); `statuses=False` sends no status webhooks at all.
"""

from __future__ import annotations

import base64
import hashlib
import itertools
import logging
import secrets
import time
from collections.abc import Callable, Mapping
from typing import Any

from aiohttp import web

from ..local_server import LocalServer
from .errors import GraphError
from .faults import Faults
from .limits import Limits, ThroughputLimiter
from .media import MAX_BYTES, MediaStore
from .models import GraphCall, Person, ReceivedMessage
from .rules import MEDIA_TYPES, check_message
from .users import SimulatedUser
from .webhooks import WebhookDeliverer

__all__ = [
    "DEFAULT_APP_SECRET",
    "DEFAULT_PHONE_NUMBER_ID",
    "DEFAULT_TOKEN",
    "DEFAULT_WABA_ID",
    "WINDOW_SECONDS",
    "CloudAPIEmulator",
]

log = logging.getLogger(__name__)

DEFAULT_TOKEN = "EAAG-TEST-TOKEN"
DEFAULT_PHONE_NUMBER_ID = "106540352242922"
DEFAULT_APP_SECRET = "test-app-secret"
DEFAULT_WABA_ID = "102290129340398"
WINDOW_SECONDS = 24 * 3600  # the customer service window
_MAX_BODY = 120 * 1024 * 1024  # above Meta's largest upload (100 MB documents)
_VERSION = r"{version:v[0-9]+(?:\.[0-9]+)?}"
_DOWNLOAD_PATH = "/whatsapp_business/attachments/"  # as on lookaside.fbsbx.com


# Calling codes of the countries a neighbourhood bot meets most, for the BSUID prefix.
_COUNTRIES = {"31": "NL", "32": "BE", "49": "DE", "44": "GB", "33": "FR", "90": "TR",
              "48": "PL", "380": "UA", "212": "MA", "963": "SY", "20": "EG", "1": "US"}  # fmt: skip


def business_scoped_id(waba_id: str, wa_id: str) -> str:
    """A stable BSUID as Meta forms them ("<country>.<digits>"); "ZZ" for other countries."""
    country = next((code for prefix, code in _COUNTRIES.items() if wa_id.startswith(prefix)), "ZZ")
    digest = hashlib.blake2b(f"{waba_id}:{wa_id}".encode(), digest_size=8).digest()
    return f"{country}.{int.from_bytes(digest, 'big')}"


class CloudAPIEmulator(LocalServer[Limits]):
    """The Cloud API for one business phone number, with simulated people and faults."""

    def __init__(
        self,
        token: str = DEFAULT_TOKEN,
        phone_number_id: str = DEFAULT_PHONE_NUMBER_ID,
        app_secret: str = DEFAULT_APP_SECRET,
        waba_id: str = DEFAULT_WABA_ID,
        api_version: str = "23.0",
        templates: Mapping[str, Mapping[str, int]] | None = None,
        limits: Limits | None = None,
        now: Callable[[], float] = time.time,
        settle: float = 0.1,
        *,
        display_phone_number: str = "15550001234",
        statuses: bool = True,
        host: str = "127.0.0.1",
        port: int = 0,
        webhook_retry_delay: float = 0.05,
        webhook_max_retry_delay: float = 1.0,
        webhook_max_attempts: int = 10,
    ):
        self.token = token
        self.phone_number_id = phone_number_id
        self.app_secret = app_secret
        self.waba_id = waba_id
        self.api_version = api_version.lstrip("v")
        self.templates = templates  # name -> language code -> number of body parameters
        self.now = now
        self.settle = settle  # replies()' default quiet time
        self.display_phone_number = display_phone_number
        self.statuses = statuses
        super().__init__(host, port, max_body=_MAX_BODY)

        self.calls: list[GraphCall] = []
        self.messages: list[ReceivedMessage] = []  # every accepted message, failed ones too
        self.media = MediaStore()
        self.faults = Faults()
        self.webhooks = WebhookDeliverer(
            app_secret,
            retry_delay=webhook_retry_delay,
            max_retry_delay=webhook_max_retry_delay,
            max_attempts=webhook_max_attempts,
        )
        self.limits = limits or Limits()
        self._people: dict[str, SimulatedUser] = {}
        self._inbound: dict[str, str] = {}  # wamid of a person's message -> wa_id
        self.read_receipts: list[str] = []  # wamids the bot marked as read
        self._serial = itertools.count(1)

    # -- lifecycle (start, stop, url, `async with`: LocalServer) --------------------------
    def _add_routes(self, router: web.UrlDispatcher) -> None:
        router.add_post(f"/{_VERSION}/{{phone}}/messages", self._handle_messages)
        router.add_post(f"/{_VERSION}/{{phone}}/media", self._handle_upload)
        router.add_get(f"/{_VERSION}/{{media_id:[0-9]+}}", self._handle_media_url)
        router.add_get(_DOWNLOAD_PATH, self._handle_download)
        router.add_route("*", "/{tail:.*}", self._handle_unknown)

    async def _close(self) -> None:
        await self.webhooks.stop()

    @property
    def api_url(self) -> str:
        """What to use as the Graph API base URL: "{url}/v{api_version}"."""
        return f"{self.url}/v{self.api_version}"

    # -- limits (`emu.limits`, `emu.set_limits(...)`: LocalServer) and faults -------------
    def _use_limits(self, limits: Limits) -> None:
        self.limiter = ThroughputLimiter(limits, self.now)

    def fail(
        self,
        code: int = 131000,
        *,
        times: int | None = 1,
        route: str = "messages",
        http_status: int | None = None,
        details: str | None = None,
        probability: float | None = None,
        seed: int | None = None,
    ) -> None:
        """The next `times` calls of `route` ("messages", "mark_read", "media",
        "media_url", "download" or "*"; `times=None`: until cleared) answer Graph API
        error `code` (HTTP 400; 500 for 1 and 131000, 503 for 2; or `http_status`).
        With `probability`, only that share of the calls fails, the same ones in every
        run (`seed` picks another)."""
        self.faults.fail(
            code,
            route=route,
            times=times,
            http_status=http_status,
            details=details,
            probability=probability,
            seed=seed,
        )

    def delay(self, seconds: float, *, route: str = "messages", times: int | None = None) -> None:
        """Hold back answers of `route` by `seconds` (real time); the call takes effect."""
        self.faults.delay(seconds, route=route, times=times)

    def clear_faults(self) -> None:
        self.faults.clear()

    # -- people ---------------------------------------------------------------------------
    def user(self, wa_id: str, name: str = "Test") -> SimulatedUser:
        """A person on WhatsApp (the same one when asked again). A wa_id nobody asked for
        is not on WhatsApp: messages to it fail with 131026."""
        if not wa_id.isdigit() or len(wa_id) > 15:
            raise ValueError("a wa_id is a phone number in digits, at most 15")
        existing = self._people.get(wa_id)
        if existing is None:
            person = Person(wa_id, name, business_scoped_id(self.waba_id, wa_id))
            existing = self._people[wa_id] = SimulatedUser(self, person)
        return existing

    @property
    def people(self) -> list[SimulatedUser]:
        return list(self._people.values())

    def received(self, wa_id: str) -> list[ReceivedMessage]:
        """Every message the bot got through to this person, oldest first."""
        person = self._people.get(wa_id)
        return list(person.person.received) if person else []

    def window_open(self, wa_id: str) -> bool:
        """Whether free-form messages reach this person now (their last message is less
        than 24 hours old by `now()`)."""
        person = self._people.get(wa_id)
        last = person.person.last_inbound if person else None
        return last is not None and self.now() - last < WINDOW_SECONDS

    def calls_for(self, route: str) -> list[GraphCall]:
        return [call for call in self.calls if call.route == route]

    # -- webhooks -------------------------------------------------------------------------
    async def subscribe(self, url: str, verify_token: str) -> None:
        """Verify the bot's webhook endpoint as Meta does (raises
        `WebhookVerificationError` unless it echoes the challenge), then deliver every
        message and status to it, signed with the app secret."""
        await self.webhooks.subscribe(url, verify_token)

    @property
    def webhook_failures(self) -> int:
        """Webhook POSTs that got no 2xx (each retry counts)."""
        return self.webhooks.failures

    async def wait_webhooks(self, timeout: float = 5.0) -> None:  # noqa: ASYNC109
        """Wait until every queued webhook was delivered (or given up)."""
        await self.webhooks.drain(timeout)

    def inbound(
        self, person: Person, kind: str, content: dict[str, Any], *, context: str | None = None
    ) -> dict[str, Any]:
        """A person's message: opens their window and queues the webhook; returns the
        webhook's message object."""
        now = self.now()
        person.last_inbound = now
        wamid = self._wamid(person.wa_id)
        self._inbound[wamid] = person.wa_id
        message: dict[str, Any] = {
            "from": person.wa_id,
            "id": wamid,
            "timestamp": str(int(now)),
            "type": kind,
            kind: content,
        }
        if context is not None:
            message["context"] = {"from": self.display_phone_number, "id": context}
        contact = {
            "profile": {"name": person.name},
            "wa_id": person.wa_id,
            "user_id": person.user_id,
        }
        self._push(person.wa_id, {"contacts": [contact], "messages": [message]})
        return message

    def read_by_user(self, messages: list[ReceivedMessage]) -> None:
        """The person saw these messages: "read" statuses for each."""
        for message in messages:
            if message.status != "read":
                message.status = "read"
                self._status(message, "read")

    def _status(self, message: ReceivedMessage, status: str) -> None:
        if not self.statuses:
            return
        entry: dict[str, Any] = {
            "id": message.id,
            "status": status,
            "timestamp": str(int(self.now())),
            "recipient_id": message.to,
        }
        if message.error is not None:
            entry["errors"] = [message.error.to_status_error()]
        # Since the business-scoped user ids (2026) statuses name the person too; a number
        # not on WhatsApp has no such id.
        contact = {"wa_id": message.to}
        user = self._people.get(message.to)
        if user is not None:
            contact["user_id"] = user.person.user_id
        self._push(message.to, {"contacts": [contact], "statuses": [entry]})

    def _push(self, wa_id: str, value: dict[str, Any]) -> None:
        payload = {
            "object": "whatsapp_business_account",
            "entry": [
                {
                    "id": self.waba_id,
                    "changes": [
                        {
                            "field": "messages",
                            "value": {
                                "messaging_product": "whatsapp",
                                "metadata": {
                                    "display_phone_number": self.display_phone_number,
                                    "phone_number_id": self.phone_number_id,
                                },
                                **value,
                            },
                        }
                    ],
                }
            ],
        }
        self.webhooks.push(wa_id, payload)

    def _wamid(self, wa_id: str) -> str:
        raw = f"{wa_id}:{next(self._serial)}:".encode() + secrets.token_bytes(9)
        return "wamid." + base64.b64encode(raw).decode()

    # -- sending --------------------------------------------------------------------------
    def send(self, body: dict[str, Any]) -> dict[str, Any]:
        """Take one message body as POSTed to /messages: the 200 answer, or GraphError."""
        check_message(body, self.templates)
        to = body["to"]
        kind = body.get("type", "text")
        content = None  # an image's or a document's bytes, as the person receives them
        if kind in MEDIA_TYPES and "id" in body[kind]:
            stored = self.media.get(body[kind]["id"])
            if stored is None:
                raise GraphError.of(131009, f"media id {body[kind]['id']} does not exist")
            content = stored.content
        limit = self.limiter.acquire(to)
        if limit is not None:
            raise GraphError.of(limit, "Message failed to send because of a rate limit")
        message = ReceivedMessage(self._wamid(to), to, kind, body, self.now(), media=content)
        self.messages.append(message)
        user = self._people.get(to)
        person = user.person if user is not None and not user.person.blocked else None
        if person is None:
            message.error = GraphError.of(
                131026, "Message undeliverable: the recipient cannot receive this message"
            )
        elif kind != "template" and not self.window_open(to):
            message.error = GraphError.of(
                131047,
                "Message failed to send because more than 24 hours have passed since the "
                "customer last replied to this number.",
            )
        if person is None or message.error is not None:
            message.status = "failed"
            self._status(message, "failed")
        else:
            person.record(message)
            self._status(message, "sent")
            message.status = "delivered"
            self._status(message, "delivered")
        answer: dict[str, Any] = {"id": message.id}
        if kind == "template":
            answer["message_status"] = "accepted"
        return {
            "messaging_product": "whatsapp",
            "contacts": [{"input": to, "wa_id": to}],
            "messages": [answer],
        }

    def mark_read(self, body: dict[str, Any]) -> dict[str, Any]:
        """The bot marks a person's message as read (blue ticks; a typing indicator may
        come along)."""
        wamid = body.get("message_id")
        if wamid not in self._inbound:
            raise GraphError.of(100, f"Invalid parameter message_id {wamid!r}")
        self.read_receipts.append(wamid)
        return {"success": True}

    # -- HTTP -----------------------------------------------------------------------------
    async def _handle_messages(self, request: web.Request) -> web.Response:
        body: dict[str, Any] = {}
        try:
            self._check_auth(request)
            self._check_phone(request)
            try:
                parsed = await request.json()
            except ValueError as exc:
                raise GraphError.of(100, "The request body is not valid JSON") from exc
            if not isinstance(parsed, dict):
                raise GraphError.of(100, "The request body must be a JSON object")
            body = parsed
            if body.get("status") == "read":
                return await self._answer("mark_read", body, lambda: self.mark_read(body))
        except GraphError as exc:
            return self._refuse("messages", body, exc)
        return await self._answer("messages", body, lambda: self.send(body))

    async def _handle_upload(self, request: web.Request) -> web.Response:
        fields: dict[str, Any] = {}
        try:
            self._check_auth(request)
            self._check_phone(request)
            form = await request.post()
            fields = {k: v for k, v in form.items() if not isinstance(v, web.FileField)}
            file = form.get("file")
        except GraphError as exc:
            return self._refuse("media", fields, exc)

        def upload() -> dict[str, Any]:
            if fields.get("messaging_product") != "whatsapp":
                raise GraphError.of(100, "The parameter messaging_product is required.")
            if not isinstance(file, web.FileField):
                raise GraphError.of(100, "The parameter file is required.")
            mime_type = str(fields.get("type") or file.content_type)
            content = file.file.read()
            limit = MAX_BYTES.get(mime_type)
            if limit is None:
                raise GraphError.of(131053, f"Unsupported media type {mime_type}")
            if len(content) > limit:
                raise GraphError.of(131053, f"{mime_type} is larger than {limit} bytes")
            return {"id": self.media.add(content, mime_type, file.filename).id}

        return await self._answer("media", fields, upload)

    async def _handle_media_url(self, request: web.Request) -> web.Response:
        media_id = request.match_info["media_id"]
        try:
            self._check_auth(request)
        except GraphError as exc:
            return self._refuse("media_url", {"id": media_id}, exc)

        def describe() -> dict[str, Any]:
            stored = self.media.get(media_id)
            if stored is None:
                raise GraphError.of(100, f"Unsupported get request. Object {media_id} not found")
            return {
                "messaging_product": "whatsapp",
                "url": f"{self.url}{_DOWNLOAD_PATH}?mid={stored.id}&ext={secrets.token_hex(4)}",
                "mime_type": stored.mime_type,
                "sha256": stored.sha256,
                "file_size": len(stored.content),
                "id": stored.id,
            }

        return await self._answer("media_url", {"id": media_id}, describe)

    async def _handle_download(self, request: web.Request) -> web.StreamResponse:
        media_id = request.query.get("mid", "")
        try:
            self._check_auth(request)
            failure = self.faults.take_failure("download")
            if failure is not None:
                raise failure
            stored = self.media.get(media_id)
            if stored is None:
                raise GraphError.of(100, f"Object {media_id} not found", http_status=404)
        except GraphError as exc:
            return self._refuse("download", {"id": media_id}, exc)
        self.calls.append(
            GraphCall("download", {"id": media_id}, True, None, None, time.monotonic())
        )
        return web.Response(body=stored.content, content_type=stored.mime_type)

    async def _handle_unknown(self, request: web.Request) -> web.Response:
        error = GraphError.of(100, f"Unsupported {request.method.lower()} request: {request.path}")
        return web.json_response(error.to_json(), status=400)

    async def _answer(
        self, route: str, body: dict[str, Any], run: Callable[[], dict[str, Any]]
    ) -> web.Response:
        """Run one call with faults, log it, and answer it (after any injected delay)."""
        try:
            failure = self.faults.take_failure(route)
            if failure is not None:
                raise failure
            result = run()
        except GraphError as exc:
            response = self._refuse(route, body, exc)
        except Exception:
            log.exception("emulator failure in %s", route)
            response = self._refuse(route, body, GraphError.of(1, "emulator failure", 500))
        else:
            self.calls.append(GraphCall(route, body, True, None, None, time.monotonic(), result))
            response = web.json_response(result)
        pause = self.faults.take_delay(route)
        if pause:
            await self._sleep(pause)
        return response

    def _refuse(self, route: str, body: dict[str, Any], error: GraphError) -> web.Response:
        self.calls.append(
            GraphCall(route, body, False, error.code, error.details, time.monotonic())
        )
        return web.json_response(error.to_json(), status=error.http_status)

    def _check_auth(self, request: web.Request) -> None:
        header = request.headers.get("Authorization", "")
        token = header[7:] if header.startswith("Bearer ") else request.query.get("access_token")
        if token != self.token:
            raise GraphError.of(190, "Invalid OAuth access token", http_status=401)

    def _check_phone(self, request: web.Request) -> None:
        phone = request.match_info["phone"]
        if phone != self.phone_number_id:
            raise GraphError.of(
                100,
                f"Unsupported post request. Object with ID '{phone}' does not exist, cannot "
                "be loaded due to missing permissions, or does not support this operation",
            )
