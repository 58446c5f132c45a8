"""Settings in one typed object, read from the environment and an optional `.env`.

Every setting has a one-line explanation in the README's configuration table.
`load_settings()` turns any problem into a `ConfigError` whose message is one
clear line naming the setting; the command line prints it and exits with 2.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from enum import StrEnum
from functools import cache
from pathlib import Path
from typing import overload
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, SecretStr, ValidationError, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

TELEGRAM_API_URL = "https://api.telegram.org"
WHATSAPP_API_URL = "https://graph.facebook.com"
WHATSAPP_API_VERSION = "23.0"  # the Graph API version the WhatsApp channel is written for
READY_BACKLOG = 1000  # updates waiting above which /readyz says "not ready"
# Seconds a process holds a claimed update without renewing it (renewed every third of it):
# what a resident waits at most, after a crash, for the step or answer a dead process owed.
INTAKE_LEASE = 4.0
# Seconds between a standby's tries of the leader lock: how long the scheduler and sender
# may stand still after their leader died.
LEADER_RETRY = 2.0


# The language menu keeps the order residents have known since the first release; catalogs added
# later follow it alphabetically by code. This decides only the order, never whether a language
# exists: that is the catalog directory alone.
MENU_ORDER = ("nl", "en", "tr", "ar", "pl")


@cache
def _catalog_codes(root: Path) -> tuple[str, ...]:
    codes = {
        path.parent.parent.name
        for pattern in ("*/LC_MESSAGES/bot.po", "*/LC_MESSAGES/bot.mo")
        for path in root.glob(pattern)
    }
    known = [code for code in MENU_ORDER if code in codes]
    return (*known, *sorted(codes - set(known)))


class Catalogs(Sequence[str]):
    """The languages Wijkbot speaks: one per `<root>/<code>/LC_MESSAGES/bot.po` (or `.mo`).

    A language is one catalog: drop a directory in and the language menu, `/language`, the
    command menus and the neighbourhood loader follow, with no code to change. The root is the
    package's own `bot/locales` in a wheel (pyproject's force-include), else the repository's
    `locales/`. The directory is read once per root and kept.
    """

    def __init__(self) -> None:
        packaged = Path(__file__).parent / "locales"
        self.root = packaged if packaged.is_dir() else Path(__file__).parent.parent / "locales"

    def _codes(self) -> tuple[str, ...]:
        return _catalog_codes(self.root)

    @overload
    def __getitem__(self, index: int) -> str: ...
    @overload
    def __getitem__(self, index: slice) -> tuple[str, ...]: ...
    def __getitem__(self, index: int | slice) -> str | tuple[str, ...]:
        return self._codes()[index]

    def __len__(self) -> int:
        return len(self._codes())

    def __iter__(self) -> Iterator[str]:
        return iter(self._codes())

    def __contains__(self, code: object) -> bool:
        return code in self._codes()

    def __repr__(self) -> str:
        return f"Catalogs{self._codes()!r}"


SUPPORTED_LOCALES = Catalogs()


class ConfigError(Exception):
    """A setting is missing or malformed; the message is one line for the user."""


class Runtime(StrEnum):
    AIOGRAM = "aiogram"
    PTB = "ptb"


class Channel(StrEnum):
    """A messenger Wijkbot can talk through (CHANNELS names one or more)."""

    TELEGRAM = "telegram"
    WHATSAPP = "whatsapp"


# Settings the WhatsApp channel cannot run without, and where each comes from.
_WHATSAPP_NEEDS = (
    ("whatsapp_phone_number_id", "the phone number id of the WhatsApp Business number"),
    ("whatsapp_token", "an access token of the Meta app (a system user's)"),
    ("whatsapp_app_secret", "the Meta app's secret, which signs the webhooks"),
    ("whatsapp_verify_token", "a secret of your choice, also given to Meta with the webhook"),
)


class LogFormat(StrEnum):
    TEXT = "text"  # key=value lines, for a person reading a terminal
    JSON = "json"  # one JSON object a line, for a log shipper


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", env_file_encoding="utf-8", extra="ignore")

    bot_token: SecretStr | None = Field(default=None, description="token from @BotFather")
    telegram_api_url: str = Field(default=TELEGRAM_API_URL)
    # Which messengers this deployment runs (README, "Configuration"), e.g. telegram,whatsapp.
    channels: str = Field(default=Channel.TELEGRAM.value)
    whatsapp_phone_number_id: str | None = None
    whatsapp_token: SecretStr | None = None
    whatsapp_app_secret: SecretStr | None = None
    whatsapp_verify_token: SecretStr | None = None
    whatsapp_api_url: str = Field(default=WHATSAPP_API_URL)
    whatsapp_api_version: str = Field(default=WHATSAPP_API_VERSION, pattern=r"^\d{1,3}\.\d$")
    whatsapp_webhook_path: str = Field(default="/whatsapp/hook", pattern=r"^/[\w./-]*$")
    # The business number as people dial it, e.g. +31 6 12345678: for wa.me links in
    # invites and check-in codes (bot.chat.links); without it those show no WhatsApp link.
    whatsapp_display_number: str | None = None
    database_url: str = Field(default="sqlite+aiosqlite:///wijkbot.db")
    runtime: Runtime = Runtime.AIOGRAM
    default_locale: str = "nl"
    timezone: str = "Europe/Amsterdam"
    webhook_url: str | None = None
    webhook_secret: SecretStr | None = None
    listen: str = "127.0.0.1:8080"
    invite_secret: SecretStr | None = None
    invite_ttl_hours: int = Field(default=72, ge=1, le=24 * 90)
    log_level: str = "INFO"
    log_format: LogFormat = LogFormat.TEXT
    metrics_port: int | None = Field(default=None, ge=1, le=65535)
    ready_backlog: int = Field(default=READY_BACKLOG, ge=1)
    shutdown_timeout: float = Field(default=20.0, gt=0, le=600)
    workers: int = Field(default=64, ge=1, le=1024)
    intake_lease: float = Field(default=INTAKE_LEASE, ge=1, le=300)
    leader_retry: float = Field(default=LEADER_RETRY, gt=0, le=300)
    delivery_rate: float = Field(default=30.0, gt=0, le=1000)
    delivery_private_rate: float = Field(default=1.0, gt=0)
    delivery_group_per_minute: float = Field(default=20.0, gt=0)
    delivery_concurrency: int = Field(default=1, ge=1, le=64)
    allow_paid_broadcast: bool = False
    delivery_paid_rate: float = Field(default=1000.0, gt=0, le=1000)
    delivery_whatsapp_rate: float = Field(default=80.0, gt=0, le=1000)
    # One WhatsApp person: Meta allows about one message every 6 seconds, with a burst.
    delivery_whatsapp_pair_rate: float = Field(default=1 / 6, gt=0, le=10)
    delivery_whatsapp_pair_burst: int = Field(default=10, ge=1, le=45)
    # The public results page served by `wijkbot run` at /results/ (README, "Public results page").
    site_live: bool = False
    site_port: int = Field(default=8090, ge=1, le=65535)
    site_cache_seconds: int = Field(default=300, ge=1, le=86400)
    # Retention, in days (docs/privacy.md): stored updates, sent messages, untouched proposal
    # drafts and conversations, people who never gave consent.
    update_retention_days: int = Field(default=7, ge=1, le=365)
    outbox_retention_days: int = Field(default=30, ge=1, le=3650)
    draft_retention_days: int = Field(default=60, ge=1, le=3650)
    conversation_retention_days: int = Field(default=30, ge=1, le=3650)
    unconsented_retention_days: int = Field(default=30, ge=1, le=3650)

    @field_validator("bot_token")
    @classmethod
    def _token_shape(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None:
            bot_id, sep, rest = value.get_secret_value().partition(":")
            if not (sep and bot_id.isdigit() and rest):
                raise ValueError("expected the form 123456:ABC... as given by @BotFather")
        return value

    @field_validator("channels")
    @classmethod
    def _channels(cls, value: str) -> str:
        names = [name.strip().lower() for name in value.split(",") if name.strip()]
        known = [channel.value for channel in Channel]
        unknown = [name for name in names if name not in known]
        if unknown or not names:
            what = f"unknown channel {unknown[0]!r}" if unknown else "no channel named"
            raise ValueError(
                f"{what}: use one or more of {', '.join(known)}, e.g. telegram,whatsapp"
            )
        return ",".join(dict.fromkeys(names))  # in the order given, each once

    @field_validator("whatsapp_phone_number_id")
    @classmethod
    def _phone_number_id(cls, value: str | None) -> str | None:
        if value is not None and not value.strip().isdigit():
            raise ValueError(
                "expected the digits of the phone number id Meta shows (not the number)"
            )
        return value.strip() if value is not None else None

    @field_validator("whatsapp_display_number")
    @classmethod
    def _display_number(cls, value: str | None) -> str | None:
        if value is None or not value.strip():
            return None
        digits = value.strip().removeprefix("+").replace(" ", "").replace("-", "")
        if not digits.isdigit() or not 7 <= len(digits) <= 15 or digits.startswith("0"):
            raise ValueError("expected the number in international form, e.g. +31 6 12345678")
        return digits

    @field_validator("telegram_api_url", "webhook_url", "whatsapp_api_url")
    @classmethod
    def _http_url(cls, value: str | None) -> str | None:
        if value is not None and not value.startswith(("http://", "https://")):
            raise ValueError("must start with http:// or https://")
        return value.rstrip("/") if value else value

    @field_validator("database_url")
    @classmethod
    def _database(cls, value: str) -> str:
        if value.startswith("postgresql://") or value.startswith("postgres://"):
            value = "postgresql+asyncpg://" + value.split("://", 1)[1]
        elif value.startswith("sqlite:///"):
            value = "sqlite+aiosqlite:///" + value.removeprefix("sqlite:///")
        if not value.startswith(("sqlite+aiosqlite://", "postgresql+asyncpg://")):
            raise ValueError("use sqlite+aiosqlite:///FILE or postgresql+asyncpg://USER@HOST/DB")
        return value

    @field_validator("default_locale")
    @classmethod
    def _locale(cls, value: str) -> str:
        if value not in SUPPORTED_LOCALES:
            raise ValueError(f"must be one of {', '.join(SUPPORTED_LOCALES)}")
        return value

    @field_validator("timezone")
    @classmethod
    def _zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError("not a known time zone, e.g. Europe/Amsterdam") from None
        return value

    @field_validator("listen")
    @classmethod
    def _listen(cls, value: str) -> str:
        host, sep, port = value.rpartition(":")
        if not (sep and host and port.isdigit() and 0 < int(port) < 65536):
            raise ValueError("expected HOST:PORT, e.g. 0.0.0.0:8080")
        return value

    @field_validator("log_format", mode="before")
    @classmethod
    def _format(cls, value: object) -> object:
        return value.lower() if isinstance(value, str) else value

    @field_validator("log_level")
    @classmethod
    def _level(cls, value: str) -> str:
        if value.upper() not in {"DEBUG", "INFO", "WARNING", "ERROR"}:
            raise ValueError("must be DEBUG, INFO, WARNING or ERROR")
        return value.upper()

    @property
    def channel_set(self) -> frozenset[Channel]:
        return frozenset(Channel(name) for name in self.channels.split(","))

    @property
    def telegram(self) -> bool:
        return Channel.TELEGRAM in self.channel_set

    @property
    def whatsapp(self) -> bool:
        return Channel.WHATSAPP in self.channel_set

    @property
    def listen_host(self) -> str:
        return self.listen.rpartition(":")[0]

    @property
    def listen_port(self) -> int:
        return int(self.listen.rpartition(":")[2])

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")

    def require_token(self) -> str:
        if self.bot_token is None:
            raise ConfigError("BOT_TOKEN is not set: get a token from @BotFather (see README)")
        return self.bot_token.get_secret_value()

    def signing_key(self) -> bytes:
        """Key for invite signatures: its own secret, else derived from the token."""
        if self.invite_secret is not None:
            return self.invite_secret.get_secret_value().encode()
        return ("wijkbot-invite:" + self.require_token()).encode()

    def check_webhook(self) -> None:
        if self.webhook_url and self.webhook_secret is None:
            raise ConfigError(
                "WEBHOOK_SECRET is not set: a webhook needs a secret (1-256 of A-Z a-z 0-9 _ -)"
            )
        if self.webhook_secret is not None:
            secret = self.webhook_secret.get_secret_value()
            allowed = set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-")
            if not (0 < len(secret) <= 256 and set(secret) <= allowed):
                raise ConfigError("WEBHOOK_SECRET is malformed: use 1-256 of A-Z a-z 0-9 _ -")
        if self.webhook_url and not (self.invite_secret and self.invite_secret.get_secret_value()):
            # In production invite links must not depend on the token (rotating it would
            # break every link out), nor reuse the token as a key for a second purpose.
            raise ConfigError(
                "INVITE_SECRET is not set: a webhook (production) needs its own key for invite "
                "links, e.g. the output of `openssl rand -hex 32`"
            )

    def check_whatsapp(self) -> None:
        """With whatsapp in CHANNELS, every setting the channel needs is there (secrets are
        named, never shown)."""
        if not self.whatsapp:
            return
        for name, what in _WHATSAPP_NEEDS:
            value = getattr(self, name)
            if isinstance(value, SecretStr):
                value = value.get_secret_value()
            if not value:
                raise ConfigError(
                    f"{name.upper()} is not set: CHANNELS names whatsapp, which needs {what}"
                )
        if not self.telegram and not (self.invite_secret and self.invite_secret.get_secret_value()):
            # Without Telegram there is no bot token to derive the invite links' key from.
            raise ConfigError(
                "INVITE_SECRET is not set: without telegram in CHANNELS invite links need their "
                "own key, e.g. the output of `openssl rand -hex 32`"
            )


def load_settings(env_file: str | Path | None = ".env", **overrides: object) -> Settings:
    """Read settings; any problem becomes one `ConfigError` line that names the setting."""
    try:
        settings = Settings(_env_file=env_file, **overrides)  # type: ignore[call-arg]
    except ValidationError as exc:
        error = exc.errors()[0]
        name = str(error["loc"][0]).upper() if error["loc"] else "settings"
        reason = str(error["msg"]).removeprefix("Value error, ")
        raise ConfigError(f"{name} is malformed: {reason}") from None
    settings.check_webhook()
    settings.check_whatsapp()
    return settings
