"""Structured logs: one line per event, `key=value` pairs, secrets redacted.

Log events carry internal ids (person 42, update 7) and never what a person
typed, their name or a token.
"""

from __future__ import annotations

import logging
import re

# Also inside a Bot API URL (".../bot123456:ABC.../getMe"), where no word boundary precedes it.
_TOKEN = re.compile(r"(?<!\d)\d{5,}:[A-Za-z0-9_-]{20,}")


class _RedactingFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        fields = getattr(record, "fields", None)
        message = record.getMessage()
        if fields:
            message += " " + " ".join(f"{key}={value}" for key, value in fields.items())
        line = f"{self.formatTime(record)} {record.levelname} {record.name} {message}"
        if record.exc_info:
            line += "\n" + self.formatException(record.exc_info)
        return _TOKEN.sub("<token>", line)


def configure(level: str = "INFO") -> None:
    handler = logging.StreamHandler()
    handler.setFormatter(_RedactingFormatter())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    # aiohttp's access log would print webhook paths; the rest of aiogram is fine at WARNING.
    logging.getLogger("aiohttp.access").setLevel(logging.WARNING)
    logging.getLogger("aiogram.event").setLevel(logging.WARNING)
    # httpx (under python-telegram-bot) logs every request URL, which holds the token, and
    # python-telegram-bot logs what it sends and receives (people's names and texts) at DEBUG.
    logging.getLogger("httpx").setLevel(logging.WARNING)
    logging.getLogger("telegram").setLevel(logging.WARNING)
    # At DEBUG aiosqlite logs SQL parameters, which include what people typed.
    logging.getLogger("aiosqlite").setLevel(logging.WARNING)


def event(logger: logging.Logger, name: str, level: int = logging.INFO, **fields: object) -> None:
    """Log a named event with fields, e.g. event(log, "update.done", update=7, ms=3)."""
    logger.log(level, name, extra={"fields": fields})
