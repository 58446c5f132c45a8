"""The harness's own ceiling: a bare Bot API client sending as fast as the emulator answers.

One message at a time (like DELIVERY_CONCURRENCY=1), no database, no rendering, from a
separate process like the sender, to an emulator with the limits off. If this is far
above the sender's rate, the emulator and the HTTP path are not what holds the sender
back. Run as `python -m bench.delivery.ceiling URL TOKEN FIRST_CHAT COUNT`; prints the
rate.
"""

from __future__ import annotations

import asyncio
import subprocess
import sys
import time

import aiohttp

from bot.emulator import DEFAULT_TOKEN, BotAPIEmulator, Limits

from .databases import ROOT

COUNT = 2_000
TIMEOUT = 60.0


async def _send_all(url: str, token: str, first_chat: int, count: int) -> float:
    async with aiohttp.ClientSession() as session:
        endpoint = f"{url}/bot{token}/sendMessage"
        started = time.perf_counter()
        for offset in range(count):
            form = {
                "chat_id": str(first_chat + offset),
                "text": "Hallo buurt!",
                "parse_mode": "HTML",
            }
            async with session.post(endpoint, data=form) as response:
                if not (await response.json())["ok"]:
                    raise RuntimeError(f"emulator refused message {offset}")
        return count / (time.perf_counter() - started)


async def measure(first_chat: int, count: int = COUNT) -> float:
    """Messages a second a bare client gets through an emulator in this process."""
    emulator = BotAPIEmulator(limits=Limits(enabled=False))
    for chat_id in range(first_chat, first_chat + count):
        emulator.user(chat_id, "Buur")
    await emulator.start()
    try:
        command = [sys.executable, "-m", "bench.delivery.ceiling", emulator.url, DEFAULT_TOKEN]
        process = await asyncio.create_subprocess_exec(
            *command, str(first_chat), str(count), cwd=ROOT, stdout=subprocess.PIPE
        )
        try:
            output, _ = await asyncio.wait_for(process.communicate(), TIMEOUT)
        except TimeoutError:
            process.kill()  # our own child, by its pid
            await process.wait()
            return 0.0
    finally:
        await emulator.stop()
    return float(output.decode().strip() or 0.0)


if __name__ == "__main__":
    url, token, first, many = sys.argv[1:5]
    print(f"{asyncio.run(_send_all(url, token, int(first), int(many))):.1f}")
