"""What the two standalone runners share (`python -m bot.emulator`, `python -m
bot.emulator.whatsapp`): the options every emulator takes, logging, and serving until
Ctrl-C or SIGTERM, then stopping.

    main(argv) -> run(_serve(args)) -> emu.start(), print how to connect,
                                       serve_until_signal(emu) -> emu.stop()
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging
import signal
from collections.abc import Coroutine
from typing import Any

from .local_server import LocalServer

__all__ = ["argument_parser", "run", "serve_until_signal"]


def argument_parser(
    prog: str, description: str, *, port: int, token: str
) -> argparse.ArgumentParser:
    """A parser with --host, --port and --token; each runner adds its own options."""
    parser = argparse.ArgumentParser(prog=prog, description=description)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=port)
    parser.add_argument("--token", default=token)
    return parser


async def serve_until_signal(emulator: LocalServer[Any]) -> None:
    """Let a started emulator serve until SIGINT or SIGTERM, then stop it."""
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError):  # not available on Windows
            loop.add_signal_handler(sig, stop.set)
    try:
        await stop.wait()
    finally:
        await emulator.stop()


def run(serve: Coroutine[Any, Any, None]) -> None:
    """Run a runner's `_serve(...)` with logging to stderr; Ctrl-C ends it quietly."""
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(serve)
