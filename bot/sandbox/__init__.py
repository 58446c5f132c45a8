"""`wijkbot sandbox`: try the whole bot in a browser, with no token and no internet.

One process runs the local Bot API emulator and the local WhatsApp Cloud API
emulator, the real bot on both channels (Telegram polling over HTTP with
aiogram, WhatsApp by signed webhooks to a free local port), a SQLite database
with the Overvecht example and a web page that looks like a messenger, with a
chat per simulated person on Telegram or WhatsApp, a clock panel to jump ahead
in time, and an inspector of Bot API and Graph API calls and the outbox.

    world.py           the Sandbox: emulators, bot, database, cast, clock jumps
    cast.py            the simulated people, their roles and apps
    whatsapp.py        WhatsApp people: what they write, tapping a button or a row
    clock.py           a ManualClock that runs, and the jumps of the clock panel
    demo.py            the scheduled broadcast the sandbox starts with
    views.py           JSON for the page (Telegram chats, the clock, the inspector)
    whatsapp_views.py  JSON of a WhatsApp chat and of Graph API calls
    web.py             the aiohttp routes, the guard and the change events
    runner.py          start, serve on 127.0.0.1, stop
    static/            the page: plain HTML, CSS and JavaScript, no build step
"""

from bot.sandbox.runner import run_sandbox, serve
from bot.sandbox.world import Sandbox

__all__ = ["Sandbox", "run_sandbox", "serve"]
