"""Run the emulator standalone: `python -m bot.emulator --port 8081`."""

from __future__ import annotations

import argparse

from .limits import Limits
from .server import DEFAULT_TOKEN, BotAPIEmulator
from .standalone import argument_parser, run, serve_until_signal


def _parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argument_parser(
        "python -m bot.emulator", "Local Telegram Bot API emulator", port=8081, token=DEFAULT_TOKEN
    )
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
    await serve_until_signal(emu)


def main(argv: list[str] | None = None) -> None:
    run(_serve(_parse_args(argv)))


if __name__ == "__main__":
    main()
