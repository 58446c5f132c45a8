"""With a webhook (production), invite links need their own key: INVITE_SECRET.

Derived from the token, every link out would stop working when the token is
rotated, and the token would serve as a key for a second purpose.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.config import ConfigError, load_settings
from tests.cli import SECRET_TOKEN, run_cli

WEBHOOK = {"webhook_url": "https://bot.example.org/hook", "webhook_secret": "hook_secret-1"}


def test_a_webhook_without_invite_secret_is_refused_in_one_line() -> None:
    for missing in (None, ""):
        with pytest.raises(ConfigError) as raised:
            load_settings(env_file=None, bot_token=SECRET_TOKEN, invite_secret=missing, **WEBHOOK)
        assert str(raised.value).startswith("INVITE_SECRET is not set")
        assert "\n" not in str(raised.value)
    settings = load_settings(env_file=None, invite_secret="own-key", **WEBHOOK)
    assert settings.signing_key() == b"own-key"
    polling = load_settings(env_file=None, bot_token=SECRET_TOKEN, webhook_url=None)
    assert polling.signing_key()  # polling (development) may still derive it from the token


def test_run_with_a_webhook_and_no_invite_secret_exits_2(tmp_path: Path) -> None:
    env = {
        "BOT_TOKEN": SECRET_TOKEN,
        "DATABASE_URL": f"sqlite:///{tmp_path}/w.db",
        "WEBHOOK_URL": WEBHOOK["webhook_url"],
        "WEBHOOK_SECRET": WEBHOOK["webhook_secret"],
        "INVITE_SECRET": "",
    }
    result = run_cli("run", env=env, cwd=tmp_path)
    assert result.returncode == 2
    (line,) = result.stderr.strip().splitlines()
    assert line.startswith("wijkbot: INVITE_SECRET is not set")
    assert SECRET_TOKEN not in result.stderr + result.stdout
