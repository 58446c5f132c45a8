"""Run the WhatsApp emulator standalone: `python -m bot.emulator.whatsapp --port 8090`."""

from __future__ import annotations

import argparse

from ..standalone import argument_parser, run, serve_until_signal
from .limits import Limits
from .server import DEFAULT_APP_SECRET, DEFAULT_PHONE_NUMBER_ID, DEFAULT_TOKEN, CloudAPIEmulator


def _parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argument_parser(
        "python -m bot.emulator.whatsapp",
        "Local WhatsApp Cloud API emulator",
        port=8090,
        token=DEFAULT_TOKEN,
    )
    parser.add_argument("--phone-number-id", default=DEFAULT_PHONE_NUMBER_ID)
    parser.add_argument("--app-secret", default=DEFAULT_APP_SECRET)
    parser.add_argument("--no-limits", action="store_true", help="disable throughput limits")
    parser.add_argument(
        "--user", action="append", default=[], metavar="WA_ID:NAME",
        help="create a simulated person (repeatable), e.g. --user 31612345678:Ann",
    )  # fmt: skip
    parser.add_argument(
        "--template", action="append", default=[], metavar="NAME:LANG:PARAMS",
        help="an approved template (repeatable), e.g. --template reopen:nl:1",
    )  # fmt: skip
    parser.add_argument("--webhook", help="the bot's webhook URL to verify and deliver to")
    parser.add_argument("--verify-token", default="", help="the webhook's verify token")
    return parser.parse_args(argv)


async def _serve(args: argparse.Namespace) -> None:
    templates: dict[str, dict[str, int]] = {}
    for spec in args.template:
        name, language, count = spec.split(":")
        templates.setdefault(name, {})[language] = int(count)
    emu = CloudAPIEmulator(
        args.token,
        args.phone_number_id,
        args.app_secret,
        templates=templates or None,
        limits=Limits(enabled=not args.no_limits),
        host=args.host,
        port=args.port,
    )
    for spec in args.user:
        wa_id, _, name = spec.partition(":")
        emu.user(wa_id, name or "Test")
    await emu.start()
    print(f"WhatsApp Cloud API emulator on {emu.url}  (Graph API base {emu.api_url})", flush=True)
    if args.webhook:
        await emu.subscribe(args.webhook, args.verify_token)
        print(f"  webhook verified: {args.webhook}", flush=True)
    await serve_until_signal(emu)


def main(argv: list[str] | None = None) -> None:
    run(_serve(_parse_args(argv)))


if __name__ == "__main__":
    main()
