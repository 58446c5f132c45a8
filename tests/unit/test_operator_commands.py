"""The operator's commands as an operator runs them: admin status, outbox retry, db backup,
and one clear line instead of "relation ... does not exist" on a database without its schema.

Each runs `python -m bot` on this test's database (SQLite, or PostgreSQL with
WIJKBOT_TEST_DATABASE_URL).
"""

from __future__ import annotations

import sqlite3
from collections.abc import AsyncIterator
from contextlib import closing
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import select, text

from bot.app import App
from bot.delivery import outbox
from bot.domain import db, operations
from bot.domain.dialect import try_leader_lock
from bot.domain.models import Delivery, DeliveryStatus, ReceivedUpdate, UpdateStatus
from bot.jobs.scheduler import guarded_sweep
from tests.cli import SECRET_TOKEN, run_cli
from tests.factories import resident


def cli(database_url: str, *args: str):  # type: ignore[no-untyped-def]
    return run_cli(*args, env={"DATABASE_URL": database_url, "BOT_TOKEN": SECRET_TOKEN})


@pytest.fixture
async def troubled(app: App) -> AsyncIterator[App]:
    """Failed deliveries of two kinds, one waiting update, two sweeps run (one failed)."""
    people = [await resident(app, 9400 + n, first_name="Fatima") for n in range(3)]
    now = app.clock.now()
    async with app.sessions.begin() as session:
        await outbox.enqueue(
            session,
            [outbox.Message(person.id, "notice", f"s{n}") for n, person in enumerate(people)]
            + [outbox.Message(people[0].id, "weekly_digest", "w")],
            now=now,
        )
        rows = list(await session.scalars(select(Delivery).order_by(Delivery.id)))
        reasons = ["Bad Request: chat not found"] * 2 + ["KeyError"]
        for row, reason in zip(rows, reasons, strict=False):  # the digest stays pending
            row.status, row.last_error, row.attempts = DeliveryStatus.FAILED, reason, 6
        session.add(
            ReceivedUpdate(
                messenger="telegram",
                update_id=1,
                chat_key="telegram:1",
                status=UpdateStatus.PENDING,
                attempts=0,
                received_at=now - timedelta(seconds=90),
            )
        )

    async def nothing(session: object, moment: object) -> int:
        return 0

    async def broken(session: object, moment: object) -> int:
        raise ValueError("typed by someone")

    for name, sweep in (("action_reminders", nothing), ("weekly_digest", broken)):
        await guarded_sweep(name, sweep, app.sessions, app.clock, lambda: None, lambda *_: None)
    yield app


async def test_admin_status_shows_schema_leader_backlog_failures_and_sweeps(
    troubled: App, database_url: str
) -> None:
    result = cli(database_url, "admin", "status")
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert f"schema:   revision {db.head_revision()} (up to date)" in out
    assert "backlog:  1 updates waiting, the oldest for" in out
    assert "outbox:   3 failed, 1 pending" in out
    lines = out.splitlines()
    failed = lines.index("failed deliveries by kind and reason (at most 20):")
    assert lines[failed + 1].split() == ["kind", "reason", "rows"]
    assert lines[failed + 2].split() == ["notice", "Bad", "Request:", "chat", "not", "found", "2"]
    assert lines[failed + 3].split() == ["notice", "KeyError", "1"]
    sweeps = "\n".join(lines[lines.index("sweeps, last run:") :])
    assert "action_reminders" in sweeps and "weekly_digest" in sweeps and "ValueError" in sweeps
    assert db.process_label().split(" pid ")[0] in sweeps  # which host ran them
    if troubled.settings.is_sqlite:
        assert "ran the last sweep" in out  # SQLite: the process of the last sweep
    else:
        assert "leader:   none: no process holds the lock" in out
        async with troubled.engine.connect() as connection:  # this process leads now
            assert await try_leader_lock(connection)
            await connection.commit()
            held = cli(database_url, "admin", "status").stdout
            await connection.execute(text("SELECT pg_advisory_unlock_all()"))
        assert f"leader:   wijkbot {db.process_label()}, connected since " in held
    assert "Fatima" not in out and "typed by someone" not in out
    assert "Fatima" not in result.stderr


async def test_outbox_retry_requeues_the_failed_ones_of_a_kind(
    troubled: App, database_url: str
) -> None:
    wrong = cli(database_url, "outbox", "retry", "--failed", "--kind", "notices")
    assert wrong.returncode == 2
    assert wrong.stderr.startswith("wijkbot: no message kind 'notices'; the kinds are: ")
    assert len(wrong.stderr.strip().splitlines()) == 1
    assert cli(database_url, "outbox", "retry").returncode == 2  # --failed is required

    done = cli(database_url, "outbox", "retry", "--failed", "--kind", "weekly_digest")
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "0 failed deliveries of kind weekly_digest are back in the queue"
    done = cli(database_url, "outbox", "retry", "--failed", "--kind", "notice")
    assert done.stdout.strip() == "3 failed deliveries of kind notice are back in the queue"
    async with troubled.sessions() as session:
        rows = (await session.execute(select(Delivery.status, Delivery.attempts))).all()
        assert sorted(rows) == [(DeliveryStatus.PENDING, 0)] * 4
        assert await operations.failed_by_reason(session) == []
    again = cli(database_url, "outbox", "retry", "--failed")
    assert again.stdout.strip() == "0 failed deliveries are back in the queue"


async def test_db_backup_copies_sqlite_online_and_points_postgresql_to_pg_dump(
    troubled: App, database_url: str, tmp_path: Path
) -> None:
    copy = tmp_path / "backup.db"
    result = cli(database_url, "db", "backup", str(copy))
    if not troubled.settings.is_sqlite:
        assert result.returncode == 2
        assert result.stderr.strip() == (
            "wijkbot: db backup copies a SQLite database; "
            "for PostgreSQL use pg_dump (see docs/operations.md)"
        )
        return
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("copied ") and result.stdout.strip().endswith("checked)")
    with closing(sqlite3.connect(copy)) as backup:
        assert backup.execute("SELECT count(*) FROM deliveries").fetchone() == (4,)
        (revision,) = backup.execute("SELECT version_num FROM alembic_version").fetchone()
        assert revision == db.head_revision()
    again = cli(database_url, "db", "backup", str(copy))
    assert again.returncode == 2
    assert again.stderr.strip() == f"wijkbot: {copy} exists already: name a new file"


@pytest.mark.parametrize(
    "command",
    [
        ("admin", "status"),
        ("admin", "roles"),
        ("admin", "invites"),
        ("outbox", "retry", "--failed"),
    ],
)
async def test_a_database_without_the_schema_says_run_db_upgrade_first(
    database_url: str, tmp_path: Path, command: tuple[str, ...]
) -> None:
    if database_url.startswith("sqlite"):
        url = f"sqlite:///{tmp_path}/empty.db"  # nothing in it
        result = cli(url, *command)
        if command[0] == "admin" and command[1] != "status":
            assert result.returncode == 0, result.stderr  # SQLite: migrated on the way
            return
    else:  # the test's PostgreSQL, with its record of the schema out of the way
        engine = db.make_engine(database_url)
        try:
            async with engine.begin() as connection:
                await connection.execute(text("ALTER TABLE alembic_version RENAME TO aside"))
            result = cli(database_url, *command)
        finally:
            async with engine.begin() as connection:
                await connection.execute(text("ALTER TABLE aside RENAME TO alembic_version"))
            await engine.dispose()
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        "wijkbot: the database has no schema yet: run `wijkbot db upgrade` first"
    ]
    assert result.stdout == ""


async def test_a_schema_behind_says_which_revision_and_run_db_upgrade_first(
    database_url: str,
) -> None:
    engine = db.make_engine(database_url)
    head = db.head_revision()
    try:
        async with engine.begin() as connection:
            await connection.execute(text("UPDATE alembic_version SET version_num = '0001'"))
        result = cli(database_url, "admin", "status")
    finally:
        async with engine.begin() as connection:
            await connection.execute(
                text("UPDATE alembic_version SET version_num = :head"), {"head": head}
            )
        await engine.dispose()
    assert result.returncode == 2
    assert result.stderr.strip() == (
        f"wijkbot: the database schema is at revision 0001, this version needs {head}: "
        "run `wijkbot db upgrade` first"
    )
