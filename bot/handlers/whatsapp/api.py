"""The WhatsApp Cloud API through pywa's async client: send a message, say what went wrong.

    send(wa_id, outgoing) ──(bytes? upload_media first: body["id"])──> POST /{phone}/messages
                          <── "wamid...." (its message_key is the row's sent_message_id)
    outcome_of(error) ──> Outcome: RETRY_AFTER (130429, 131056, 80007, 4)
                                 | UNREACHABLE (131026: blocked, not on WhatsApp)
                                 | TRANSIENT (5xx, time-outs, is_transient)
                                 | REJECTED (the request is wrong; 131047: free-form text
                                   outside the 24-hour window, which needs a template)

`WHATSAPP_API_URL` (the emulator's, in tests) replaces the Graph API's address
that pywa sets. pywa logs request bodies (phone numbers, texts) at DEBUG, so its
loggers are held at WARNING whatever LOG_LEVEL is.
"""

from __future__ import annotations

import logging
from typing import Protocol

import httpx
from pywa_async import WhatsApp
from pywa_async.errors import WhatsAppError

from bot.chat.replies import File
from bot.config import Settings
from bot.delivery.transport import Outcome, Result

TIMEOUT = httpx.Timeout(20.0, connect=5.0)
# Meta asks to slow down: its whole throughput (130429, 80007, 4) or one person's pair rate
# (131056: about one message every 6 seconds to the same number).
_WAIT_FOR = {130429: 1.0, 80007: 60.0, 4: 60.0, 131056: 6.0}
UNDELIVERABLE = 131026  # blocked the business, not on WhatsApp, or an old app
RE_ENGAGEMENT = 131047  # free-form text more than 24 hours after the person last wrote
ERRORS: tuple[type[Exception], ...] = (WhatsAppError, httpx.HTTPError)


class Message(Protocol):
    """A Graph API message (render.Outgoing): its type, the object under that type, and
    a file to upload first when it has bytes."""

    type: str
    body: dict[str, object]
    file: File | None


def quiet_pywa() -> None:
    """pywa's DEBUG lines carry request and response bodies: never shown."""
    for name in ("pywa", "pywa_async"):
        logging.getLogger(name).setLevel(logging.WARNING)


class WhatsAppApi:
    """One WhatsApp Business number's client (`WHATSAPP_PHONE_NUMBER_ID`)."""

    errors = ERRORS

    @staticmethod
    def outcome_of(error: Exception) -> Outcome:
        return outcome_of(error)

    def __init__(self, settings: Settings) -> None:
        assert settings.whatsapp_phone_number_id and settings.whatsapp_token
        quiet_pywa()
        self.phone_id = settings.whatsapp_phone_number_id
        session = httpx.AsyncClient(timeout=TIMEOUT)
        self.client = WhatsApp(
            phone_id=self.phone_id,
            token=settings.whatsapp_token.get_secret_value(),
            session=session,
            api_version=settings.whatsapp_api_version,
        )
        # pywa has just set graph.facebook.com: the configured address replaces it.
        session.base_url = f"{settings.whatsapp_api_url}/v{settings.whatsapp_api_version}"
        self._session = session

    async def send(self, wa_id: str, outgoing: Message) -> str:
        """Send one message; returns its wamid. Raises one of `errors`."""
        body = dict(outgoing.body)
        file = outgoing.file
        if file is not None and file.data is not None:
            body["id"] = await self.upload(file)
        answer = await self.client.api.send_message(
            sender=self.phone_id,
            to=wa_id,
            recipient=None,
            recipient_type="individual",
            typ=outgoing.type,
            msg=body,
        )
        return str(answer["messages"][0]["id"])

    async def upload(self, file: File) -> str:
        """Upload a file's bytes; returns the media id to send it by."""
        assert file.data is not None
        uploaded = await self.client.api.upload_media(
            phone_id=self.phone_id, media=file.data, mime_type=file.mime, filename=file.filename
        )
        return str(uploaded["id"])

    async def close(self) -> None:
        await self._session.aclose()


def outcome_of(error: Exception) -> Outcome:
    """What a failed call means for the sender; WhatsApp's code and title are kept."""
    if isinstance(error, WhatsAppError):
        reason = f"{error.code} {error.message}"[:500]
        if error.code in _WAIT_FOR:
            return Outcome(Result.RETRY_AFTER, retry_after=_WAIT_FOR[error.code], error=reason)
        if error.code == UNDELIVERABLE:
            return Outcome(Result.UNREACHABLE, error=reason)
        status = error.status_code or 0
        if status >= 500 or status in (408, 429) or error.is_transient:
            return Outcome(Result.TRANSIENT, error=reason)
        return Outcome(Result.REJECTED, error=reason)
    if isinstance(error, httpx.HTTPStatusError) and error.response.status_code < 500:
        return Outcome(Result.REJECTED, error=f"HTTP {error.response.status_code}")
    return Outcome(Result.TRANSIENT, error=type(error).__name__)  # time-out, network, 5xx
