"""The WhatsApp client: Meta's errors as the sender's outcomes, its address, its quiet logs."""

from __future__ import annotations

import logging

import httpx
import pytest
from pywa_async.errors import WhatsAppError

from bot.config import load_settings
from bot.delivery.transport import Outcome, Result
from bot.handlers.whatsapp.api import WhatsAppApi, outcome_of
from tests.unit.whatsapp.test_settings import WHATSAPP


def graph_error(code: int, message: str, status: int = 400, **extra: object) -> WhatsAppError:
    error = {"message": message, "type": "OAuthException", "code": code, **extra}
    request = httpx.Request("POST", "https://graph.facebook.com/v23.0/1/messages")
    return WhatsAppError.from_dict(error, response=httpx.Response(status, request=request))


@pytest.mark.parametrize(
    ("code", "message", "status", "expected"),
    [
        (
            130429,
            "Rate limit hit",
            400,
            Outcome(Result.RETRY_AFTER, retry_after=1.0, error="130429 Rate limit hit"),
        ),
        (
            131056,
            "(Business Account, Consumer Account) pair rate limit hit",
            400,
            Outcome(
                Result.RETRY_AFTER,
                retry_after=6.0,
                error="131056 (Business Account, Consumer Account) pair rate limit hit",
            ),
        ),
        (
            131026,
            "Message undeliverable",
            400,
            Outcome(Result.UNREACHABLE, error="131026 Message undeliverable"),
        ),
        (
            131047,
            "Re-engagement message",
            400,
            Outcome(Result.REJECTED, error="131047 Re-engagement message"),
        ),
        (
            131009,
            "Parameter value is not valid",
            400,
            Outcome(Result.REJECTED, error="131009 Parameter value is not valid"),
        ),
        (
            132001,
            "Template name does not exist in the translation",
            404,
            Outcome(
                Result.REJECTED, error="132001 Template name does not exist in the translation"
            ),
        ),
        (
            131000,
            "Something went wrong",
            500,
            Outcome(Result.TRANSIENT, error="131000 Something went wrong"),
        ),
        (
            2,
            "Service temporarily unavailable",
            503,
            Outcome(Result.TRANSIENT, error="2 Service temporarily unavailable"),
        ),
    ],
)
def test_graph_errors_keep_whatsapps_code_and_title(
    code: int, message: str, status: int, expected: Outcome
) -> None:
    assert outcome_of(graph_error(code, message, status)) == expected


def test_an_error_meta_calls_transient_is_tried_again() -> None:
    error = graph_error(1, "An unknown error occurred", 400, is_transient=True)
    assert outcome_of(error).result is Result.TRANSIENT


def test_network_errors_and_time_outs_are_transient_a_4xx_without_json_is_rejected() -> None:
    request = httpx.Request("POST", "https://graph.facebook.com/v23.0/1/messages")
    assert outcome_of(httpx.ReadTimeout("slow", request=request)).result is Result.TRANSIENT
    assert outcome_of(httpx.ConnectError("refused", request=request)).result is Result.TRANSIENT
    gone = httpx.HTTPStatusError(
        "x", request=request, response=httpx.Response(404, request=request)
    )
    assert outcome_of(gone) == Outcome(Result.REJECTED, error="HTTP 404")


async def test_the_client_talks_to_the_configured_address_and_keeps_pywa_quiet() -> None:
    settings = load_settings(
        env_file=None,
        **{**WHATSAPP, "whatsapp_api_url": "http://127.0.0.1:9/", "whatsapp_api_version": "21.0"},
    )
    root = logging.getLogger()
    level = root.level
    root.setLevel(logging.DEBUG)
    api = WhatsAppApi(settings)
    try:
        assert str(api.client.api._session.base_url) == "http://127.0.0.1:9/v21.0/"
        for name in ("pywa.api", "pywa_async.api", "pywa.client"):
            assert not logging.getLogger(name).isEnabledFor(logging.DEBUG), name
    finally:
        root.setLevel(level)
        await api.close()
