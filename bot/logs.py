"""Structured logs: one line per event, secrets redacted; plain text or JSON (LOG_FORMAT).

Log events carry internal ids (person 42, update 7) and never what a person
typed, their name or a token. The same event reads, in each format:

    text:  2026-03-02 09:00:00,123 INFO bot.handlers.intake update.failed update=7 error=KeyError
    json:  {"time": "2026-03-02T09:00:00.123+00:00", "level": "INFO",
            "logger": "bot.handlers.intake", "event": "update.failed", "update": 7,
            "error": "KeyError"}                                       (on one line)

A field named like one of the four keys above is written with a trailing "_".
"""

from __future__ import annotations

import json
import logging
import re
from datetime import UTC, datetime

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


class _JsonFormatter(logging.Formatter):
    """One JSON object a line, for a log shipper (journald, Loki, Elasticsearch)."""

    def format(self, record: logging.LogRecord) -> str:
        moment = datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds")
        line: dict[str, object] = {
            "time": moment,
            "level": record.levelname,
            "logger": record.name,
            "event": record.getMessage(),
        }
        for key, value in (getattr(record, "fields", None) or {}).items():
            line[f"{key}_" if key in _RESERVED else key] = _plain(value)
        if record.exc_info:
            line["exception"] = self.formatException(record.exc_info)
        return _TOKEN.sub("<token>", json.dumps(line, ensure_ascii=False))


_RESERVED = frozenset(("time", "level", "logger", "event", "exception"))


def _plain(value: object) -> object:
    """JSON's own types as they are, anything else as its text (like the plain format)."""
    if value is None or isinstance(value, bool | int | float | str):
        return value
    return str(value)


def configure(level: str = "INFO", log_format: str = "text") -> None:
    """Log to stderr at `level`, as `log_format` says: "text" (key=value) or "json"."""
    handler = logging.StreamHandler()
    handler.setFormatter(_JsonFormatter() if log_format == "json" else _RedactingFormatter())
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
