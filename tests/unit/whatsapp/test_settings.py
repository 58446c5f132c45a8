"""WhatsApp's settings: each mistake is one line naming the setting, exit code 2, no secret."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.config import Channel, ConfigError, load_settings
from tests.cli import SECRET_TOKEN, run_cli

WHATSAPP = {
    "channels": "whatsapp",
    "whatsapp_phone_number_id": "106540352242922",
    "whatsapp_token": "EAAG-secret-access-token",
    "whatsapp_app_secret": "app-secret-never-shown",
    "whatsapp_verify_token": "verify-me",
    "invite_secret": "invite-key",
}


def test_telegram_is_the_default_channel_and_whatsapp_has_meta_defaults() -> None:
    settings = load_settings(env_file=None)
    assert settings.channel_set == {Channel.TELEGRAM}
    assert settings.whatsapp_api_url == "https://graph.facebook.com"
    assert settings.whatsapp_webhook_path == "/whatsapp/hook"
    assert settings.delivery_whatsapp_rate == 80


def test_both_channels_in_any_case_and_order_each_once() -> None:
    settings = load_settings(
        env_file=None, **{**WHATSAPP, "channels": " WhatsApp,telegram,whatsapp"}
    )
    assert settings.channels == "whatsapp,telegram"
    assert settings.telegram and settings.whatsapp


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        (
            {"channels": "telegram,signal"},
            "CHANNELS is malformed: unknown channel 'signal': use one or more of telegram, "
            "whatsapp, e.g. telegram,whatsapp",
        ),
        ({"channels": " , "}, "CHANNELS is malformed: no channel named"),
        ({"whatsapp_token": None}, "WHATSAPP_TOKEN is not set: CHANNELS names whatsapp"),
        ({"whatsapp_app_secret": ""}, "WHATSAPP_APP_SECRET is not set"),
        ({"whatsapp_verify_token": None}, "WHATSAPP_VERIFY_TOKEN is not set"),
        ({"whatsapp_phone_number_id": None}, "WHATSAPP_PHONE_NUMBER_ID is not set"),
        ({"whatsapp_phone_number_id": "+31 6 1234"}, "WHATSAPP_PHONE_NUMBER_ID is malformed"),
        ({"whatsapp_api_url": "graph.facebook.com"}, "WHATSAPP_API_URL is malformed"),
        ({"whatsapp_api_version": "v23"}, "WHATSAPP_API_VERSION is malformed"),
        ({"whatsapp_webhook_path": "hook"}, "WHATSAPP_WEBHOOK_PATH is malformed"),
        ({"delivery_whatsapp_rate": "0"}, "DELIVERY_WHATSAPP_RATE is malformed"),
        ({"invite_secret": None}, "INVITE_SECRET is not set: without telegram in CHANNELS"),
    ],
)
def test_each_mistake_is_one_line_naming_the_setting(changes: dict, message: str) -> None:
    with pytest.raises(ConfigError) as raised:
        load_settings(env_file=None, **{**WHATSAPP, **changes})
    text = str(raised.value)
    assert text.startswith(message) and "\n" not in text
    for secret in ("EAAG-secret-access-token", "app-secret-never-shown", "verify-me"):
        assert secret not in text


def test_secrets_are_never_shown_in_the_settings() -> None:
    settings = load_settings(env_file=None, **WHATSAPP)
    shown = repr(settings) + str(settings.model_dump())
    for secret in ("EAAG-secret-access-token", "app-secret-never-shown", "verify-me"):
        assert secret not in shown


def test_run_with_whatsapp_but_no_token_exits_2_with_one_line(tmp_path: Path) -> None:
    env = {
        "DATABASE_URL": f"sqlite:///{tmp_path}/w.db",
        "BOT_TOKEN": SECRET_TOKEN,
        "CHANNELS": "telegram,whatsapp",
        "WHATSAPP_PHONE_NUMBER_ID": "106540352242922",
        "WHATSAPP_APP_SECRET": "app-secret-never-shown",
        "WHATSAPP_VERIFY_TOKEN": "verify-me",
    }
    result = run_cli("run", env=env, cwd=tmp_path)
    assert result.returncode == 2
    [line] = result.stderr.strip().splitlines()
    assert line.startswith("wijkbot: WHATSAPP_TOKEN is not set: CHANNELS names whatsapp")
    for secret in (SECRET_TOKEN, "app-secret-never-shown", "verify-me"):
        assert secret not in result.stderr + result.stdout


def test_an_unknown_channel_exits_2_with_one_line(tmp_path: Path) -> None:
    env = {"DATABASE_URL": f"sqlite:///{tmp_path}/w.db", "CHANNELS": "telegram,sms"}
    result = run_cli("run", env=env, cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        "wijkbot: CHANNELS is malformed: unknown channel 'sms': use one or more of telegram, "
        "whatsapp, e.g. telegram,whatsapp"
    ]
