"""`wijkbot sandbox` as a real process, and a database kept in a --data folder."""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import sys
from pathlib import Path

import aiohttp
import pytest
from sqlalchemy import func, select

from bot.cli import main
from bot.domain.models import Broadcast, Identity, Person
from bot.sandbox import Sandbox

ROOT = Path(__file__).parent.parent.parent


async def test_the_command_serves_the_page_and_stops_on_sigint(tmp_path: Path) -> None:
    # Tokens in the environment must be ignored: the sandbox uses its own made-up ones.
    env = {
        **os.environ,
        "BOT_TOKEN": "999999:REAL-TOKEN-never-to-be-used-here",
        "WHATSAPP_TOKEN": "EAAREAL-WHATSAPP-TOKEN",
        "CHANNELS": "telegram",
    }
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", "sandbox", "--port", "0", "--data", str(tmp_path),
        env=env, cwd=tmp_path,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip
    try:
        assert process.stdout is not None
        line = (await asyncio.wait_for(process.stdout.readline(), 60)).decode()
        assert line.startswith("Wijkbot sandbox: open http://127.0.0.1:"), line
        url = line.split()[3]
        async with aiohttp.ClientSession() as http, http.get(url + "api/people") as response:
            people = (await response.json())["people"]
        assert len(people) == 9
        assert {p["app"] for p in people} == {"telegram", "whatsapp"}
    finally:
        process.send_signal(signal.SIGINT)
        _, stderr = await asyncio.wait_for(process.communicate(), 30)
    assert process.returncode == 0, stderr.decode()
    assert (tmp_path / "wijkbot.db").is_file()
    assert "REAL-TOKEN" not in stderr.decode() and "EAAREAL" not in stderr.decode()


def test_a_busy_port_is_one_line_and_exit_code_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        code = main(["--env-file", "none", "sandbox", "--port", str(port), "--data", str(tmp_path)])
    assert code == 2
    assert f"--port {port}: cannot listen on 127.0.0.1" in capsys.readouterr().err


async def test_a_data_folder_keeps_people_and_is_not_seeded_twice(tmp_path: Path) -> None:
    async with Sandbox(tmp_path) as first:
        await first.user(1002).send("/start")
        await first.user(1002).replies()
    async with Sandbox(tmp_path) as second, second.app.sessions() as session:
        jan = await session.scalar(
            select(Person).join(Identity).where(Identity.external_id == "1002")
        )
        assert jan is not None and jan.first_name == "Jan"
        assert await session.scalar(select(func.count(Broadcast.id))) == 1
