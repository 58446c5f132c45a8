"""Settings and the command line: clear one-line errors, exit code 2, no token in sight."""

from __future__ import annotations

import json
import logging
import socket
import sys
from pathlib import Path

import pytest

from bot import logs
from bot.cli import main
from bot.config import ConfigError, load_settings
from tests.cli import SECRET_TOKEN, run_cli

ROOT = Path(__file__).parent.parent.parent


@pytest.mark.parametrize(
    ("setting", "value", "message"),
    [
        ("bot_token", "not-a-token", "BOT_TOKEN is malformed"),
        ("database_url", "mysql://x", "DATABASE_URL is malformed"),
        ("timezone", "Mars/Olympus", "TIMEZONE is malformed"),
        (
            "default_locale",
            "de",
            "DEFAULT_LOCALE is malformed: must be one of nl, en, tr, ar, pl, uk",
        ),
        ("listen", "8080", "LISTEN is malformed"),
        ("telegram_api_url", "ftp://x", "TELEGRAM_API_URL is malformed"),
        ("runtime", "django", "RUNTIME is malformed"),
        ("log_format", "xml", "LOG_FORMAT is malformed: Input should be 'text' or 'json'"),
        ("metrics_port", "0", "METRICS_PORT is malformed"),
        ("shutdown_timeout", "-1", "SHUTDOWN_TIMEOUT is malformed"),
    ],
)
def test_malformed_setting_is_one_line_naming_it(setting: str, value: str, message: str) -> None:
    with pytest.raises(ConfigError) as raised:
        load_settings(env_file=None, **{setting: value})
    assert str(raised.value).startswith(message)
    assert "\n" not in str(raised.value)


def test_webhook_needs_a_well_formed_secret() -> None:
    with pytest.raises(ConfigError, match="WEBHOOK_SECRET is not set"):
        load_settings(env_file=None, webhook_url="https://bot.example.org/hook")
    with pytest.raises(ConfigError, match="WEBHOOK_SECRET is malformed"):
        load_settings(env_file=None, webhook_url="https://x.org/h", webhook_secret="has space")


def test_postgres_urls_get_the_async_driver() -> None:
    settings = load_settings(env_file=None, database_url="postgresql://postgres@db/wijk")
    assert settings.database_url == "postgresql+asyncpg://postgres@db/wijk"


def test_token_is_never_shown_in_settings_repr() -> None:
    settings = load_settings(env_file=None, bot_token=SECRET_TOKEN)
    assert SECRET_TOKEN not in repr(settings) and SECRET_TOKEN not in str(settings.model_dump())


def test_run_without_token_exits_2_with_one_line(tmp_path: Path) -> None:
    result = run_cli("run", env={"DATABASE_URL": f"sqlite:///{tmp_path}/w.db"}, cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        "wijkbot: BOT_TOKEN is not set: get a token from @BotFather (see README)"
    ]


def test_an_extra_sender_on_sqlite_exits_2_with_one_line(tmp_path: Path) -> None:
    env = {"DATABASE_URL": f"sqlite:///{tmp_path}/w.db", "BOT_TOKEN": SECRET_TOKEN}
    result = run_cli("send", "--extra", env=env, cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        "wijkbot: wijkbot send --extra needs PostgreSQL: on SQLite one process sends, "
        "and it keeps up with Telegram's limits"
    ]


def test_malformed_env_file_setting_exits_2_without_echoing_the_token(tmp_path: Path) -> None:
    (tmp_path / ".env").write_text(f"BOT_TOKEN={SECRET_TOKEN}\nTIMEZONE=Nowhere/City\n")
    result = run_cli("run", cwd=tmp_path)
    assert result.returncode == 2
    assert len(result.stderr.strip().splitlines()) == 1
    assert "TIMEZONE is malformed" in result.stderr
    assert SECRET_TOKEN not in result.stderr + result.stdout


def test_unreachable_database_is_one_line(tmp_path: Path) -> None:
    env = {"DATABASE_URL": "postgresql://nobody@127.0.0.1:1/none"}
    result = run_cli("db", "upgrade", env=env, cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr.startswith("wijkbot: DATABASE_URL: cannot use the database")
    assert len(result.stderr.strip().splitlines()) == 1


def test_every_command_has_help() -> None:
    for args in (
        [],
        ["run"],
        ["db"],
        ["db", "upgrade"],
        ["admin"],
        ["admin", "load"],
        ["admin", "invite"],
        ["admin", "status"],
        ["outbox", "retry"],
        ["db", "backup"],
        ["i18n"],
        ["site", "build"],
    ):
        with pytest.raises(SystemExit) as done:
            main([*args, "--help"])
        assert done.value.code == 0


def test_admin_load_invite_and_db_commands_work_on_sqlite(tmp_path: Path) -> None:
    env = {"DATABASE_URL": f"sqlite:///{tmp_path}/w.db", "BOT_TOKEN": SECRET_TOKEN}
    loaded = run_cli("admin", "load", str(ROOT / "examples" / "overvecht.yaml"), env=env)
    assert loaded.returncode == 0, loaded.stderr
    assert loaded.stdout.strip() == "loaded Overvecht (overvecht): 8 buurten, 5 themes"
    again = run_cli("admin", "load", str(ROOT / "examples" / "overvecht.yaml"), env=env)
    assert again.returncode == 0  # loading twice updates, it does not duplicate

    invite = run_cli(
        "admin", "invite", "coordinator", "--neighbourhood", "overvecht",
        "--bot-username", "@wijkbot_test_bot", env=env,
    )  # fmt: skip
    assert invite.returncode == 0, invite.stderr
    assert invite.stdout.startswith("https://t.me/wijkbot_test_bot?start=i")
    assert len(invite.stdout.strip().split("start=")[1]) <= 64
    assert SECRET_TOKEN not in invite.stdout + invite.stderr

    partner = run_cli(
        "admin", "invite", "partner", "--neighbourhood", "overvecht",
        "--bot-username", "wijkbot_test_bot", env=env,
    )  # fmt: skip
    assert partner.returncode == 2
    assert partner.stderr.strip() == "wijkbot: --organisation is required for a partner invite"

    unknown = run_cli(
        "admin", "invite", "coordinator", "--neighbourhood", "lansingerland",
        "--bot-username", "wijkbot_test_bot", env=env,
    )  # fmt: skip
    assert unknown.returncode == 2
    assert "no neighbourhood 'lansingerland'" in unknown.stderr

    current = run_cli("db", "current", env=env)
    assert "up to date" in current.stdout

    on_whatsapp = {
        **env,
        "CHANNELS": "telegram,whatsapp",
        "WHATSAPP_PHONE_NUMBER_ID": "106540352242922",
        "WHATSAPP_TOKEN": "EAAG-whatsapp-token",
        "WHATSAPP_APP_SECRET": "app-secret",
        "WHATSAPP_VERIFY_TOKEN": "verify-token",
        "WHATSAPP_DISPLAY_NUMBER": "+31 6 12345678",
    }
    both = run_cli(
        "admin", "invite", "coordinator", "--neighbourhood", "overvecht",
        "--bot-username", "wijkbot_test_bot", env=on_whatsapp,
    )  # fmt: skip
    assert both.returncode == 0, both.stderr
    telegram, whatsapp = both.stdout.strip().splitlines()
    assert telegram.startswith("Telegram: https://t.me/wijkbot_test_bot?start=i")
    assert whatsapp == "WhatsApp: https://wa.me/31612345678?text=start%20" + telegram.split("=")[1]
    only = run_cli(
        "admin", "invite", "coordinator", "--neighbourhood", "overvecht",
        env={**on_whatsapp, "CHANNELS": "whatsapp", "INVITE_SECRET": "b" * 64},
    )  # fmt: skip
    assert only.returncode == 0, only.stderr
    assert only.stdout.startswith("https://wa.me/31612345678?text=start%20i")


def test_admin_load_names_the_wrong_field(tmp_path: Path) -> None:
    broken = tmp_path / "broken.yaml"
    broken.write_text("slug: Bad Slug\nname: X\nareas: []\nthemes: []\n")
    env = {"DATABASE_URL": f"sqlite:///{tmp_path}/w.db"}
    result = run_cli("admin", "load", str(broken), env=env)
    assert result.returncode == 2
    assert result.stderr.startswith(f"wijkbot: {broken}: slug:")
    missing = run_cli("admin", "load", str(tmp_path / "nope.yaml"), env=env)
    assert missing.returncode == 2 and "cannot read" in missing.stderr


def test_log_format_json_is_one_object_a_line_with_the_event_and_its_fields() -> None:
    assert load_settings(env_file=None, log_format="JSON").log_format == "json"
    logger = logging.getLogger("bot.test")
    record = logger.makeRecord(
        "bot.test", logging.ERROR, __file__, 1, "update.failed", (), None,
        extra={"fields": {"update": 7, "error": "KeyError", "event": "x", "ms": 1.5}},
    )  # fmt: skip
    line = logs._JsonFormatter().format(record)
    assert "\n" not in line
    parsed = json.loads(line)
    assert parsed["event"] == "update.failed" and parsed["level"] == "ERROR"
    assert parsed["logger"] == "bot.test" and parsed["time"].endswith("+00:00")
    assert (parsed["update"], parsed["error"], parsed["ms"]) == (7, "KeyError", 1.5)
    assert parsed["event_"] == "x"  # a field never overwrites the event's own keys

    try:
        raise RuntimeError(f"GET https://api.telegram.org/bot{SECRET_TOKEN}/getMe")
    except RuntimeError:
        record = logger.makeRecord(
            "bot.test", logging.ERROR, __file__, 1, "polling.error", (), sys.exc_info()
        )
    line = logs._JsonFormatter().format(record)
    assert SECRET_TOKEN not in line and "<token>" in json.loads(line)["exception"]


def test_a_metrics_port_in_use_is_one_line_naming_it(tmp_path: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        env = {
            "DATABASE_URL": f"sqlite:///{tmp_path}/w.db",
            "BOT_TOKEN": SECRET_TOKEN,
            "METRICS_PORT": str(port),
        }
        result = run_cli("run", env=env, cwd=tmp_path)
    assert result.returncode == 2
    (line,) = result.stderr.strip().splitlines()[-1:]
    assert line.startswith(f"wijkbot: METRICS_PORT: cannot listen on 127.0.0.1:{port}: ")
    assert "ERROR" not in result.stderr and SECRET_TOKEN not in result.stderr
