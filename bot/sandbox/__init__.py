"""`wijkbot sandbox`: try the whole bot in a browser, with no token and no internet.

One process runs the local Bot API emulator, the real bot on the aiogram
runtime polling it over HTTP, a SQLite database with the Overvecht example and
a web page that looks like a messenger, with a chat per simulated person, a
clock panel to jump ahead in time, and an inspector of Bot API calls and the
outbox.

    world.py    the Sandbox: emulator, bot, database, cast, clock jumps
    cast.py     the simulated people and their roles
    clock.py    a ManualClock that runs, and the jumps of the clock panel
    demo.py     the scheduled broadcast the sandbox starts with
    views.py    JSON for the page
    web.py      the aiohttp routes, the guard and the change events
    runner.py   start, serve on 127.0.0.1, stop
    static/     the page: plain HTML, CSS and JavaScript, no build step
"""

from bot.sandbox.runner import run_sandbox, serve
from bot.sandbox.world import Sandbox

__all__ = ["Sandbox", "run_sandbox", "serve"]
