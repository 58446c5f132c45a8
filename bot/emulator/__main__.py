"""Run the emulator standalone: `python -m bot.emulator --port 8081`."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging
import signal

from .limits import Limits
from .server import DEFAULT_TOKEN, BotAPIEmulator


def _parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m bot.emulator", description="Local Telegram Bot API emulator"
    )
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8081)
    parser.add_argument("--token", default=DEFAULT_TOKEN)
    parser.add_argument("--username", default="wijkbot_test_bot", help="the bot's username")
    parser.add_argument("--no-limits", action="store_true", help="disable flood limits")
    parser.add_argument(
        "--user",
        action="append",
        default=[],
        metavar="ID:NAME",
        help="create a simulated person (repeatable), e.g. --user 1001:Ann",
    )
    return parser.parse_args(argv)


async def _serve(args: argparse.Namespace) -> None:
    emu = BotAPIEmulator(
        args.token,
        args.username,
        host=args.host,
        port=args.port,
        limits=Limits(enabled=not args.no_limits),
    )
    for spec in args.user:
        user_id, _, name = spec.partition(":")
        emu.user(int(user_id), name or "Test")
    await emu.start()
    print(f"Telegram Bot API emulator on {emu.url}  (token {emu.token})", flush=True)
    print(f"  aiogram: TelegramAPIServer.from_base({emu.url!r})", flush=True)
    print(f"  python-telegram-bot: base_url={emu.url + '/bot'!r}", flush=True)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError):  # not available on Windows
            loop.add_signal_handler(sig, stop.set)
    try:
        await stop.wait()
    finally:
        await emu.stop()


def main(argv: list[str] | None = None) -> None:
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(_serve(_parse_args(argv)))


if __name__ == "__main__":
    main()
