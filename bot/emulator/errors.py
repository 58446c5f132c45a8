"""Bot API errors with Telegram's exact status codes and wording.

Client libraries map errors by HTTP status (aiogram: 400 -> TelegramBadRequest, 403 ->
TelegramForbiddenError, 429 -> TelegramRetryAfter, ...), and bot code often matches the
description text, so both must be identical to what Telegram returns.
"""

from __future__ import annotations

from typing import Any


class ApiError(Exception):
    """A failed Bot API call; becomes `{"ok": false, "error_code": ..., ...}`."""

    def __init__(self, code: int, description: str, parameters: dict[str, Any] | None = None):
        super().__init__(description)
        self.code = code
        self.description = description
        self.parameters = parameters

    def to_json(self) -> dict[str, Any]:
        body: dict[str, Any] = {
            "ok": False,
            "error_code": self.code,
            "description": self.description,
        }
        if self.parameters:
            body["parameters"] = self.parameters
        return body


def bad_request(reason: str) -> ApiError:
    return ApiError(400, f"Bad Request: {reason}")


def migrated(migrate_to_chat_id: int) -> ApiError:
    """A call to a group that was upgraded to a supergroup, with the supergroup's id."""
    return ApiError(
        400,
        "Bad Request: group chat was upgraded to a supergroup chat",
        {"migrate_to_chat_id": migrate_to_chat_id},
    )


def forbidden(reason: str) -> ApiError:
    return ApiError(403, f"Forbidden: {reason}")


def conflict(reason: str) -> ApiError:
    return ApiError(409, f"Conflict: {reason}")


def too_many_requests(retry_after: int) -> ApiError:
    return ApiError(
        429, f"Too Many Requests: retry after {retry_after}", {"retry_after": retry_after}
    )


def unauthorized() -> ApiError:
    return ApiError(401, "Unauthorized")


def not_found() -> ApiError:
    return ApiError(404, "Not Found")


# Descriptions Telegram (or the nginx in front of it) uses for injected server faults.
DEFAULT_FAULT_DESCRIPTIONS: dict[int, str] = {
    400: "Bad Request",
    401: "Unauthorized",
    403: "Forbidden",
    404: "Not Found",
    409: "Conflict",
    429: "Too Many Requests",
    500: "Internal Server Error",
    502: "Bad Gateway",
    503: "Service Unavailable",
    504: "Gateway Timeout",
}
