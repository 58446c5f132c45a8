"""The sandbox's web server: the page, its JSON API and a stream of change events.

Only 127.0.0.1 is served. Requests must name a local host (against DNS
rebinding), and changes must come from the page itself (Origin check), since
any website open in the same browser could otherwise post to a local port.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

from aiohttp import web

from bot.emulator.media import image_size
from bot.sandbox import views, whatsapp_views
from bot.sandbox.cast import WHATSAPP, Character
from bot.sandbox.world import Sandbox
from bot.site.live import LiveSite

HOST = "127.0.0.1"
STATIC = Path(__file__).parent / "static"
MAX_UPLOAD = 10 * 1024 * 1024  # Telegram's limit for photos
MAX_TEXT = 4096
_LOCAL_NAMES = {"127.0.0.1", "localhost"}
RESULTS_SECONDS = 3.0  # the results page shows a change this soon
_HEARTBEAT = 5.0  # the page refreshes at least this often (the sender also works unseen)
_CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
)

SANDBOX = web.AppKey("sandbox", Sandbox)
CLOSING = web.AppKey("closing", asyncio.Event)
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


def make_app(sandbox: Sandbox) -> web.Application:
    app = web.Application(middlewares=[_guard, _errors_as_json], client_max_size=MAX_UPLOAD + 1024)
    app[SANDBOX] = sandbox
    app[CLOSING] = asyncio.Event()
    app.on_shutdown.append(_close_streams)
    routes = app.router
    routes.add_get("/", _page)
    routes.add_static("/static/", STATIC)
    routes.add_get(views.FILES + "{path:.+}", _file)
    routes.add_get("/api/people", _people)
    routes.add_post("/api/people", _add_person)
    routes.add_get("/api/chats/{id:\\d+}", _chat)
    routes.add_post("/api/chats/{id:\\d+}/open", _open)
    routes.add_post("/api/chats/{id:\\d+}/start", _start)
    routes.add_post("/api/chats/{id:\\d+}/send", _send)
    routes.add_post("/api/chats/{id:\\d+}/press", _press)
    routes.add_post("/api/chats/{id:\\d+}/tap", _tap)
    routes.add_post("/api/chats/{id:\\d+}/photo", _photo)
    routes.add_post("/api/chats/{id:\\d+}/sticker", _sticker)
    routes.add_post("/api/chats/{id:\\d+}/read", _read)
    routes.add_get("/api/clock", _clock)
    routes.add_post("/api/clock", _jump)
    routes.add_get("/api/inspector", _inspector)
    routes.add_get("/api/events", _events)
    results_page(sandbox).add_routes(app)  # /results/: the public page, as SITE_LIVE serves it
    return app


def results_page(sandbox: Sandbox) -> LiveSite:
    """The example neighbourhood's results page, from the sandbox's database, with the photos
    people sent in the emulator; built again a few seconds after a change."""

    async def photos(file_id: str) -> bytes | None:
        stored = sandbox.emulator.files.get(file_id) or sandbox.cloud_api.media.get(file_id)
        return stored.content if stored else None

    return LiveSite(sandbox.app.sessions, photos, sandbox.clock, ttl=RESULTS_SECONDS)


# -- middlewares ----------------------------------------------------------------------------


@web.middleware
async def _guard(request: web.Request, handler: Handler) -> web.StreamResponse:
    if request.url.host not in _LOCAL_NAMES:
        raise web.HTTPForbidden(text="the sandbox only answers on 127.0.0.1")
    origin = request.headers.get("Origin")
    if request.method != "GET" and origin is not None and origin != f"http://{request.host}":
        raise web.HTTPForbidden(text="changes are only accepted from the sandbox page")
    response = await handler(request)
    response.headers.setdefault("Content-Security-Policy", _CSP)
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("Referrer-Policy", "no-referrer")
    return response


@web.middleware
async def _errors_as_json(request: web.Request, handler: Handler) -> web.StreamResponse:
    """A wrong request gets a one-line reason the page can show."""
    try:
        return await handler(request)
    except KeyError as exc:
        return web.json_response(
            {"error": str(exc.args[0]) if exc.args else "not found"}, status=404
        )
    except (ValueError, AssertionError, RuntimeError) as exc:
        return web.json_response({"error": str(exc).splitlines()[0]}, status=400)


# -- the page and files ---------------------------------------------------------------------


async def _page(_: web.Request) -> web.StreamResponse:
    return web.FileResponse(STATIC / "index.html")


async def _file(request: web.Request) -> web.StreamResponse:
    sandbox, path = request.app[SANDBOX], request.match_info["path"]
    media_id = path.removeprefix(whatsapp_views.MEDIA.removeprefix(views.FILES))
    if media_id != path:  # what a WhatsApp person or the bot sent there
        media = sandbox.cloud_api.media.get(media_id)
        if media is None:
            raise KeyError("no such file")
        return web.Response(body=media.content, content_type=media.mime_type)
    stored = sandbox.emulator.files.by_path(path)
    if stored is None or not stored.content:
        raise KeyError("no such file")
    return web.Response(
        body=stored.content, content_type=stored.mime_type or _sniffed_type(stored.content)
    )


def _sniffed_type(content: bytes) -> str:
    if content.startswith(b"\x89PNG"):
        return "image/png"
    if content.startswith(b"\xff\xd8"):
        return "image/jpeg"
    return "application/octet-stream"


# -- people and chats -----------------------------------------------------------------------


def _summary(sandbox: Sandbox, character: Character) -> dict[str, Any]:
    """A person as the list of chats shows them."""
    if character.app == WHATSAPP:
        user = sandbox.whatsapp.user(character.wa_id)
        return whatsapp_views.person(character, user, sandbox.whatsapp.written(character.wa_id))
    return views.person(character, sandbox.user(character.user_id))


async def _people(request: web.Request) -> web.Response:
    sandbox = request.app[SANDBOX]
    people = [_summary(sandbox, character) for character in sandbox.characters.values()]
    return web.json_response({"people": people})


async def _add_person(request: web.Request) -> web.Response:
    body = await _json(request)
    sandbox = request.app[SANDBOX]
    name, language = str(body.get("name", "")), str(body.get("language", ""))
    character = sandbox.add_person(name, language, str(body.get("app", "telegram")))
    return web.json_response(_summary(sandbox, character), status=201)


async def _chat(request: web.Request) -> web.Response:
    sandbox, user_id = request.app[SANDBOX], _user_id(request)
    character = sandbox.characters[user_id]
    times = views.Times(sandbox.clock, sandbox.zone)
    if character.app == WHATSAPP:
        people = sandbox.whatsapp
        user, written = people.user(character.wa_id), people.written(character.wa_id)
        return web.json_response(whatsapp_views.chat(character, user, written, times))
    user = sandbox.user(user_id)
    return web.json_response(views.chat(character, user, sandbox.emulator, times))


async def _open(request: web.Request) -> web.Response:
    started = await request.app[SANDBOX].open_chat(_user_id(request))
    return web.json_response({"invite_opened": started})


async def _start(request: web.Request) -> web.Response:
    await request.app[SANDBOX].start_chat(_user_id(request))
    return web.json_response({"ok": True})


async def _send(request: web.Request) -> web.Response:
    text = _text((await _json(request)).get("text"))
    await request.app[SANDBOX].send(_user_id(request), text)
    return web.json_response({"ok": True})


async def _press(request: web.Request) -> web.Response:
    body = await _json(request)
    message_id, data = body.get("message_id"), body.get("data")
    if not isinstance(message_id, int | str) or not isinstance(data, str):
        raise ValueError("give message_id (as the chat shows it) and data (the button's data)")
    await request.app[SANDBOX].press(_user_id(request), message_id, data)
    return web.json_response({"ok": True})


async def _tap(request: web.Request) -> web.Response:
    text = _text((await _json(request)).get("text"))
    await request.app[SANDBOX].tap(_user_id(request), text)
    return web.json_response({"ok": True})


async def _photo(request: web.Request) -> web.Response:
    """The request body is the picture; `?caption=` is optional."""
    content = await request.read()
    if image_size(content) is None:
        raise ValueError("that is not a picture (PNG, JPEG, GIF, WebP or BMP)")
    caption = request.query.get("caption") or None
    await request.app[SANDBOX].send_photo(
        _user_id(request), content, caption[:1024] if caption else None
    )
    return web.json_response({"ok": True})


async def _sticker(request: web.Request) -> web.Response:
    await request.app[SANDBOX].send_sticker(_user_id(request))
    return web.json_response({"ok": True})


async def _read(request: web.Request) -> web.Response:
    return web.json_response({"read": request.app[SANDBOX].read(_user_id(request))})


def _user_id(request: web.Request) -> int:
    user_id = int(request.match_info["id"])
    if user_id not in request.app[SANDBOX].characters:
        raise KeyError(f"no person {user_id}")
    return user_id


def _text(value: object) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ValueError("type a message first")
    if len(value) > MAX_TEXT:
        raise ValueError(f"a message has at most {MAX_TEXT} characters")
    return value


async def _json(request: web.Request) -> dict[str, Any]:
    try:
        body = await request.json()
    except ValueError:
        raise ValueError("expected a JSON body") from None
    if not isinstance(body, dict):
        raise ValueError("expected a JSON object")
    return body


# -- clock and inspector --------------------------------------------------------------------


async def _clock(request: web.Request) -> web.Response:
    sandbox = request.app[SANDBOX]
    return web.json_response(views.clock(views.Times(sandbox.clock, sandbox.zone)))


async def _jump(request: web.Request) -> web.Response:
    sandbox = request.app[SANDBOX]
    added = await sandbox.jump(str((await _json(request)).get("jump", "")))
    return web.json_response(
        {**views.clock(views.Times(sandbox.clock, sandbox.zone)), "enqueued": added}
    )


async def _inspector(request: web.Request) -> web.Response:
    sandbox = request.app[SANDBOX]
    times = views.Times(sandbox.clock, sandbox.zone)
    outbox = await views.deliveries(sandbox.app.sessions, times)
    graph = whatsapp_views.calls(sandbox.cloud_api, times)
    return web.json_response({**views.calls(sandbox.emulator, graph, times), "deliveries": outbox})


# -- change events --------------------------------------------------------------------------


def _fingerprint(sandbox: Sandbox) -> tuple[int, ...]:
    """Changes whenever the page could look different."""
    chats = sandbox.emulator.chats.values()
    return (
        len(sandbox.emulator.calls),
        sum(len(chat.events) + len(chat.incoming) for chat in chats),
        len(sandbox.cloud_api.calls),
        sandbox.whatsapp.count(),
        sandbox.revision,
        int(time.monotonic() // _HEARTBEAT),
    )


async def _events(request: web.Request) -> web.StreamResponse:
    """Server-sent events: one `change` whenever the fingerprint changes."""
    response = web.StreamResponse(
        headers={"Content-Type": "text/event-stream", "Cache-Control": "no-cache"}
    )
    await response.prepare(request)
    closing, sandbox = request.app[CLOSING], request.app[SANDBOX]
    seen: tuple[int, ...] | None = None
    with contextlib.suppress(ConnectionError):
        while not closing.is_set():
            mark = _fingerprint(sandbox)
            if mark != seen:
                seen = mark
                await response.write(b"data: change\n\n")
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(closing.wait(), 0.15)
    return response


async def _close_streams(app: web.Application) -> None:
    app[CLOSING].set()
