"""Graph API errors in Meta's shape, with the WhatsApp Cloud API's codes and titles.

Clients (pywa's `WhatsAppError.from_dict`) map an error by its `code`, read `message` and
`error_data.details`; Meta asks apps to act on `code` and `details`, never on the title.

    {"error": {"message": "(#131009) Parameter value is not valid", "type": "OAuthException",
               "code": 131009, "error_data": {"messaging_product": "whatsapp",
               "details": "Button title length invalid. Min length: 1, Max length: 20"},
               "fbtrace_id": "A..."}}
"""

from __future__ import annotations

import secrets
from typing import Any

__all__ = ["TITLES", "GraphError"]

# Meta's titles for the codes the emulator uses (the error-codes reference).
TITLES: dict[int, str] = {
    1: "An unknown error has occurred.",
    2: "Service temporarily unavailable",
    100: "Invalid parameter",
    190: "Invalid OAuth access token - Cannot parse access token",
    130429: "Rate limit hit",
    131000: "Something went wrong",
    131008: "Required parameter is missing",
    131009: "Parameter value is not valid",
    131026: "Message undeliverable",
    131047: "Re-engagement message",
    131056: "(Business Account, Consumer Account) pair rate limit hit",
    132000: "Number of parameters does not match the expected number of params",
    132001: "Template name does not exist in the translation",
    132018: "There was an issue with the parameters in your template.",
}


class GraphError(Exception):
    """A refused Graph API call: `message` is Meta's title, `details` says what broke."""

    def __init__(self, code: int, message: str, details: str, http_status: int = 400):
        super().__init__(f"({code}) {message}: {details}")
        self.code = code
        self.message = message
        self.details = details
        self.http_status = http_status

    @classmethod
    def of(cls, code: int, details: str, http_status: int = 400) -> GraphError:
        """An error with Meta's title for `code`."""
        return cls(code, TITLES.get(code, "Unknown error"), details, http_status)

    def to_json(self) -> dict[str, Any]:
        """The response body, as Meta sends it."""
        return {
            "error": {
                "message": f"(#{self.code}) {self.message}",
                "type": "OAuthException",
                "code": self.code,
                "error_data": {"messaging_product": "whatsapp", "details": self.details},
                "fbtrace_id": "A" + secrets.token_urlsafe(16),
            }
        }

    def to_status_error(self) -> dict[str, Any]:
        """The `errors` entry of a failed `statuses` webhook."""
        return {
            "code": self.code,
            "title": self.message,
            "message": self.message,
            "error_data": {"details": self.details},
        }
