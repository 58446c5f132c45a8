"""The `wijkbot` command line: run the bot, migrate the database, set up neighbourhoods.

Every problem with the configuration or the input is one line on stderr and
exit code 2; nothing here prints a token.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging
import signal
import sys
from collections.abc import Awaitable, Callable, Coroutine, Sequence
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import yaml
from sqlalchemy.exc import DBAPIError, OperationalError

from bot import logs, operator
from bot.chat import links
from bot.config import ConfigError, Settings, load_settings
from bot.domain import db, invites, neighbourhoods, roles
from bot.domain.errors import InvalidNeighbourhoodFile
from bot.domain.models import Invite, Role

EXIT_CONFIG = 2
log = logging.getLogger("bot.cli")


def main(argv: Sequence[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    if not hasattr(args, "handler"):
        parser.print_help()
        return EXIT_CONFIG
    try:
        settings = load_settings(env_file=args.env_file)
        logs.configure(settings.log_level, settings.log_format.value)
        return asyncio.run(args.handler(settings, args)) or 0
    except ConfigError as exc:
        print(f"wijkbot: {exc}", file=sys.stderr)
        return EXIT_CONFIG
    except (OperationalError, DBAPIError, OSError) as exc:
        reason = str(getattr(exc, "orig", None) or exc).splitlines()[0]
        print(f"wijkbot: DATABASE_URL: cannot use the database: {reason}", file=sys.stderr)
        return EXIT_CONFIG
    except KeyboardInterrupt:
        return 130


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="wijkbot",
        description="Wijkbot: a chat bot for residents and professionals of a neighbourhood.",
    )
    parser.add_argument("--env-file", default=".env", help="settings file (default: .env)")
    commands = parser.add_subparsers(title="commands", metavar="COMMAND")

    run = commands.add_parser("run", help="start the bot", description=_run.__doc__)
    run.set_defaults(handler=_run)
    send = commands.add_parser(
        "send", help="run only the scheduler and the sender", description=_send.__doc__
    )
    send.add_argument(
        "--extra",
        action="store_true",
        help="an extra sender beside the leader's (PostgreSQL): sends due messages and shares "
        "the rate, without the scheduler",
    )
    send.set_defaults(handler=_send)
    sandbox = commands.add_parser(
        "sandbox", help="try the bot in a browser, no token needed", description=_sandbox.__doc__
    )
    sandbox.add_argument("--port", type=int, default=8000, help="0: any free port (default 8000)")
    sandbox.add_argument("--open", action="store_true", help="open the page in a web browser")
    sandbox.add_argument(
        "--data", type=Path, help="keep the database in this folder (default: a temporary one)"
    )
    sandbox.set_defaults(handler=_sandbox)

    database = commands.add_parser("db", help="database schema").add_subparsers(
        title="commands", metavar="COMMAND", required=True
    )
    upgrade = database.add_parser("upgrade", help="migrate to the newest schema")
    upgrade.set_defaults(handler=_db_upgrade)
    current = database.add_parser("current", help="show the schema revision")
    current.set_defaults(handler=_db_current)
    backup = database.add_parser(
        "backup", help="copy a SQLite database while it runs", description=operator.BACKUP_DOC
    )
    backup.add_argument("file", type=Path, help="the copy to make (a new file)")
    backup.set_defaults(handler=_db_backup)

    outbox = commands.add_parser("outbox", help="pushed messages").add_subparsers(
        title="commands", metavar="COMMAND", required=True
    )
    retry = outbox.add_parser(
        "retry", help="re-queue failed deliveries", description=operator.RETRY_DOC
    )
    retry.add_argument("--failed", action="store_true", required=True, help="the failed ones")
    retry.add_argument("--kind", help="only this kind of message, e.g. weekly_digest")
    retry.set_defaults(handler=_outbox_retry)

    admin = commands.add_parser("admin", help="set up neighbourhoods and roles").add_subparsers(
        title="commands", metavar="COMMAND", required=True
    )
    status = admin.add_parser(
        "status",
        help="schema, leader, backlog, failed deliveries, sweeps",
        description=operator.STATUS_DOC,
    )
    status.set_defaults(handler=_status)
    load = admin.add_parser(
        "load", help="load or update a neighbourhood from YAML", description=_load.__doc__
    )
    load.add_argument("file", type=Path, help="e.g. examples/overvecht.yaml")
    load.set_defaults(handler=_load)
    invite = admin.add_parser(
        "invite", help="print a one-time invite link for a role", description=_invite.__doc__
    )
    invite.add_argument("role", choices=[role.value for role in Role])
    invite.add_argument("--neighbourhood", required=True, help="the neighbourhood's slug")
    invite.add_argument("--organisation", help="the partner's organisation (partners only)")
    invite.add_argument(
        "--bot-username", help="the bot's @username; asked from Telegram when left out"
    )
    invite.set_defaults(handler=_invite)
    grants = admin.add_parser("roles", help="list who holds which role", description=_roles.__doc__)
    grants.add_argument("--neighbourhood", help="only this neighbourhood (its slug)")
    grants.set_defaults(handler=_roles)
    revoke = admin.add_parser("revoke", help="take a role back", description=_revoke.__doc__)
    revoke.add_argument(
        "--person", type=int, required=True, help="the person's id, as `admin roles` shows it"
    )
    revoke.add_argument("--role", required=True, choices=[role.value for role in Role])
    revoke.add_argument("--neighbourhood", required=True, help="the neighbourhood's slug")
    revoke.set_defaults(handler=_revoke)
    open_invites = admin.add_parser(
        "invites", help="list open invite links, or withdraw one", description=_invites.__doc__
    )
    open_invites.add_argument("--neighbourhood", help="only this neighbourhood (its slug)")
    open_invites.add_argument(
        "--revoke", type=int, metavar="ID", help="withdraw the open invite with this id"
    )
    open_invites.set_defaults(handler=_invites)

    site = commands.add_parser("site", help="the public results page").add_subparsers(
        title="commands", metavar="COMMAND", required=True
    )
    build = site.add_parser("build", help="write the static site", description=_site_build.__doc__)
    build.add_argument("--out", type=Path, required=True, help="the folder to write it to")
    build.add_argument("--neighbourhood", metavar="SLUG", help="only this neighbourhood")
    build.set_defaults(handler=_site_build)

    report = commands.add_parser(
        "report", help="a quarter's report for the council", description=_report.__doc__
    )
    report.add_argument("--quarter", required=True, help="the quarter, e.g. 2027Q1")
    report.add_argument("--out", type=Path, required=True, help="the HTML file to write")
    report.add_argument("--neighbourhood", metavar="SLUG", help="needed when there are several")
    report.add_argument("--language", default=None, help="nl, en, tr, ar, pl or uk")
    report.set_defaults(handler=_report)

    whatsapp = commands.add_parser("whatsapp", help="the WhatsApp channel").add_subparsers(
        title="commands", metavar="COMMAND", required=True
    )
    templates = whatsapp.add_parser(
        "templates",
        help="print the message templates to submit to Meta",
        description=_whatsapp_templates.__doc__,
    )
    templates.add_argument("--out", type=Path, help="write them to this file instead")
    templates.set_defaults(handler=_whatsapp_templates)

    i18n = commands.add_parser("i18n", help="translation catalogs").add_subparsers(
        title="commands", metavar="COMMAND", required=True
    )
    for name, text in (
        ("extract", "collect the messages from the code into locales/bot.pot"),
        ("update", "merge locales/bot.pot into every catalog"),
        ("compile", "compile the catalogs to .mo files"),
    ):
        sub = i18n.add_parser(name, help=text)
        sub.set_defaults(handler=_i18n, step=name)
    return parser


async def _with_database(
    settings: Settings,
    work: Callable[[Any], Awaitable[int | None]],
    *,
    migrate: bool = False,
    needs_schema: bool = True,
) -> int | None:
    """Run `work` on the database: migrated first (`migrate`, SQLite), or refused in one
    line when its schema is missing or behind (rather than "relation ... does not exist")."""
    engine = db.make_engine(settings.database_url)
    try:
        if migrate:
            await db.upgrade(engine)
        elif needs_schema:
            await _require_schema(engine)
        return await work(engine)
    finally:
        await engine.dispose()


async def _require_schema(engine: Any) -> None:
    revision, head = await db.current_revision(engine), db.head_revision()
    if revision is None:
        raise ConfigError("the database has no schema yet: run `wijkbot db upgrade` first")
    if revision != head:
        raise ConfigError(
            f"the database schema is at revision {revision}, this version needs {head}: "
            "run `wijkbot db upgrade` first"
        )


async def ensure_schema(settings: Settings, engine: Any) -> None:
    """SQLite is migrated on start; a shared PostgreSQL is migrated on purpose, once."""
    if settings.is_sqlite:
        await db.upgrade(engine)
        return
    await _require_schema(engine)


async def _run(settings: Settings, _: argparse.Namespace) -> int:
    """Start the bot: polling, or a webhook server when WEBHOOK_URL is set.

    It also schedules and sends pushed messages, unless another process does
    (one process leads; the others stand by and take over when it stops).
    """
    return await _start(settings, sender_only=False)


async def _send(settings: Settings, args: argparse.Namespace) -> int:
    """Run only the scheduler and the sender, without receiving updates.

    With --extra, only a sender, beside the leader's: several processes then send the
    outbox together within one shared rate (for paid broadcasts at up to 1000/s).
    """
    if args.extra and settings.is_sqlite:
        raise ConfigError(
            "wijkbot send --extra needs PostgreSQL: on SQLite one process sends, "
            "and it keeps up with Telegram's limits"
        )
    return await _start(settings, sender_only=True, extra=args.extra)


async def _start(settings: Settings, *, sender_only: bool, extra: bool = False) -> int:
    if settings.telegram:
        settings.require_token()
    from bot.app import build_app
    from bot.handlers.operations import Probes, serving

    app = build_app(settings)
    whatsapp = None
    try:
        await ensure_schema(settings, app.engine)
        stop = _stop_on_signals()
        telegram, whatsapp = _runtimes(settings, app)
        lead = telegram or whatsapp  # whose scheduler and sender run: one of each per process
        assert lead is not None
        async with contextlib.AsyncExitStack() as servers:
            if settings.metrics_port:  # /metrics, /healthz, /readyz on a port of their own
                probes = Probes(app.sessions, app.clock, lead.background.health)
                await servers.enter_async_context(
                    serving(probes, settings.listen_host, settings.metrics_port)
                )
            if settings.site_live and not sender_only:  # the results page at /results/
                await servers.enter_async_context(_live_site(settings, app))
            if sender_only:
                work = lead.run_sender(stop, extra=extra)
            else:
                works = [telegram.run(stop)] if telegram else []
                if whatsapp is not None:
                    # On Telegram's webhook server when there is one, else on LISTEN.
                    on_own = telegram is None or not settings.webhook_url
                    works.append(whatsapp.run(stop, serve=on_own, lead=telegram is None))
                work = run_together(stop, works)
            await stopping_within(work, stop, settings.shutdown_timeout)
    finally:
        if whatsapp is not None:  # closed by its run too; not run by `wijkbot send` with both
            await whatsapp.api.close()
        await app.close()
    logs.event(log, "bot.stopped")
    return 0


def _runtimes(settings: Settings, app: Any) -> tuple[Any, Any]:
    """The runtimes CHANNELS names (None for a channel not used); only their code is
    imported. With both and a Telegram webhook, WhatsApp's webhook is on its server."""
    telegram = whatsapp = None
    if settings.telegram:
        from bot.handlers.runtime import TelegramRuntime

        telegram = TelegramRuntime(app)  # on the framework RUNTIME names
    if settings.whatsapp:
        from bot.handlers.whatsapp.reading import MESSENGER
        from bot.handlers.whatsapp.runtime import WhatsAppRuntime

        whatsapp = WhatsAppRuntime(app)
        if telegram is not None:  # Telegram's scheduler and sender lead: they send to both
            telegram.background.add_transport(MESSENGER, whatsapp.transport)
        if telegram is not None and settings.webhook_url:
            telegram.also_serve.append(whatsapp.add_routes)
    return telegram, whatsapp


async def run_together(stop: asyncio.Event, works: Sequence[Coroutine[Any, Any, None]]) -> None:
    """Run the channels' runtimes side by side; when one ends (or fails) the others are
    stopped too, and the first failure is raised once all have ended."""
    tasks = [asyncio.ensure_future(work) for work in works]
    try:
        await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
        stop.set()
        await asyncio.wait(tasks)
    finally:
        for task in tasks:
            task.cancel()  # a no-op for the ended ones; ours (a forced stop) reaches them
        await asyncio.wait(tasks)
    for task in tasks:
        task.result()


def _photos(settings: Settings) -> Any:
    """Photos of results through the Bot API the bot uses; none without a token."""
    from bot.site import photos

    token = settings.bot_token.get_secret_value() if settings.bot_token else None
    return photos.from_bot_api(settings.telegram_api_url, token) if token else photos.no_photos


def _live_site(settings: Settings, app: Any) -> contextlib.AbstractAsyncContextManager[None]:
    from bot.site import live

    site = live.LiveSite(app.sessions, _photos(settings), app.clock, settings.site_cache_seconds)
    return live.serving(site, settings.listen_host, settings.site_port)


async def stopping_within(
    work: Coroutine[Any, Any, None], stop: asyncio.Event, within: float
) -> None:
    """Run `work` until it ends. Once `stop` is set it has `within` seconds to finish the
    steps and messages in hand (and hand the leader lock back); then it is cancelled,
    which drops what is left to the leases (another process, or the next start, takes it)."""
    task = asyncio.ensure_future(work)
    stopped = asyncio.ensure_future(stop.wait())
    try:
        await asyncio.wait({task, stopped}, return_when=asyncio.FIRST_COMPLETED)
        if not task.done():
            logs.event(log, "bot.stopping", within=within)
            await asyncio.wait({task}, timeout=within)
        if not task.done():
            logs.event(log, "bot.stop_forced", logging.WARNING, after=within)
            task.cancel()
            await asyncio.wait({task})  # the runtime's own clean-up after a cancel is bounded
            return
    finally:
        stopped.cancel()
    task.result()  # what went wrong, if anything did


def _stop_on_signals() -> asyncio.Event:
    """An event set by SIGINT or SIGTERM: a graceful stop."""
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError):
            loop.add_signal_handler(signum, stop.set)
    return stop


async def _sandbox(_: Settings, args: argparse.Namespace) -> int:
    """Try the whole bot in a browser, with no token and no internet.

    Runs a local Telegram Bot API emulator, the real bot talking to it, a
    SQLite database with the Overvecht example, and a web page on 127.0.0.1
    with a chat per simulated person, a clock to jump ahead and an inspector.
    Settings from the environment or .env (such as BOT_TOKEN) are not used.
    """
    import webbrowser

    from bot.sandbox import run_sandbox

    def ready(url: str) -> None:
        print(f"Wijkbot sandbox: open {url} (Ctrl+C to stop)", flush=True)
        if args.open:
            webbrowser.open(url)

    await run_sandbox(_stop_on_signals(), ready, port=args.port, data=args.data)
    return 0


async def _db_upgrade(settings: Settings, _: argparse.Namespace) -> int:
    async def report(engine: Any) -> int:
        print(f"database schema at revision {await db.current_revision(engine)}")
        return 0

    return await _with_database(settings, report, migrate=True) or 0


async def _db_backup(settings: Settings, args: argparse.Namespace) -> int:
    return await operator.backup(settings, args.file)


async def _status(settings: Settings, _: argparse.Namespace) -> int:
    return await _with_database(settings, lambda engine: operator.status(engine, _print_table)) or 0


async def _outbox_retry(settings: Settings, args: argparse.Namespace) -> int:
    kind = operator.retry_kind(args.kind)
    return await _with_database(settings, lambda engine: operator.retry(engine, kind)) or 0


async def _db_current(settings: Settings, _: argparse.Namespace) -> int:
    async def report(engine: Any) -> int:
        current = await db.current_revision(engine)
        state = "up to date" if current == db.head_revision() else "needs `wijkbot db upgrade`"
        print(f"database schema at revision {current or 'none'} ({state})")
        return 0

    return await _with_database(settings, report, needs_schema=False) or 0


async def _load(settings: Settings, args: argparse.Namespace) -> int:
    """Load a neighbourhood with its buurten and themes; running it again updates it."""
    try:
        document = yaml.safe_load(args.file.read_text(encoding="utf-8"))
        spec = neighbourhoods.parse(document)
    except (OSError, yaml.YAMLError) as exc:
        raise ConfigError(f"{args.file}: cannot read: {str(exc).splitlines()[0]}") from None
    except InvalidNeighbourhoodFile as exc:
        raise ConfigError(f"{args.file}: {exc}") from None

    async def work(engine: Any) -> int:
        from bot.clock import SystemClock

        async with db.make_sessions(engine).begin() as session:
            loaded = await neighbourhoods.load(session, spec, SystemClock().now())
        print(
            f"loaded {loaded.name} ({loaded.slug}): "
            f"{len(spec.areas)} buurten, {len(spec.themes)} themes"
        )
        return 0

    return await _with_database(settings, work, migrate=settings.is_sqlite) or 0


async def _site_build(settings: Settings, args: argparse.Namespace) -> int:
    """Write the public results page (plain HTML and CSS, in every language) to a folder.
    Photos of results are downloaded through the Bot API when BOT_TOKEN is set."""
    from bot.clock import SystemClock
    from bot.site import build

    source = _photos(settings)

    async def work(engine: Any) -> int:
        async with db.make_sessions(engine)() as session:
            try:
                files = await build.site(
                    session, source, SystemClock().now(), slug=args.neighbourhood
                )
            except build.UnknownNeighbourhood as exc:
                raise ConfigError(f"--neighbourhood: no neighbourhood {exc}") from None
        try:
            build.write(files, args.out)
        except OSError as exc:
            raise ConfigError(f"--out: cannot write {args.out}: {exc}") from None
        pages = sum(name.endswith(".html") for name in files)
        note = "" if settings.bot_token else " (no BOT_TOKEN: no photos)"
        print(f"wrote {pages} pages to {args.out}{note}")
        return 0

    return await _with_database(settings, work) or 0


async def _report(settings: Settings, args: argparse.Namespace) -> int:
    """Write a quarter's report as one HTML page (charts included, printable to PDF): the
    goals, the results published, participation per month and the partners' commitments.
    People are counted, never named."""
    from bot.clock import SystemClock
    from bot.config import SUPPORTED_LOCALES
    from bot.i18n import translator
    from bot.reports import quarter, quarter_page

    try:
        chosen = quarter.Quarter.parse(args.quarter)
    except quarter.BadQuarter as exc:
        raise ConfigError(f"--quarter: {exc}") from None
    if args.out.suffix.lower() not in (".html", ".htm"):
        raise ConfigError(f"--out: {args.out} should end in .html (print it to PDF if needed)")
    if args.language is not None and args.language not in SUPPORTED_LOCALES:
        raise ConfigError(f"--language: choose one of {', '.join(SUPPORTED_LOCALES)}")

    async def work(engine: Any) -> int:
        async with db.make_sessions(engine)() as session:
            found = await neighbourhoods.all_neighbourhoods(session)
            if args.neighbourhood is not None:
                found = [item for item in found if item.slug == args.neighbourhood]
                if not found:
                    raise ConfigError(f"--neighbourhood: no neighbourhood {args.neighbourhood!r}")
            elif len(found) != 1:
                slugs = ", ".join(item.slug for item in found) or "none loaded yet"
                raise ConfigError(f"--neighbourhood: choose one of: {slugs}")
            neighbourhood = found[0]
            try:
                figures = await quarter.gather(session, neighbourhood, chosen, SystemClock().now())
            except quarter.BadQuarter as exc:
                raise ConfigError(f"--quarter: {exc}") from None
            t = translator(args.language or neighbourhood.default_locale)
            text = quarter_page.page(figures, t)
        try:
            args.out.write_text(text, encoding="utf-8")
        except OSError as exc:
            raise ConfigError(f"--out: cannot write {args.out}: {exc}") from None
        print(f"wrote the report for {neighbourhood.slug} {chosen} to {args.out}")
        return 0

    return await _with_database(settings, work) or 0


async def _invite(settings: Settings, args: argparse.Namespace) -> int:
    """Print a link that makes whoever opens it a coordinator, partner or admin: one for
    each channel of CHANNELS (Telegram's t.me link; WhatsApp's wa.me link to
    WHATSAPP_DISPLAY_NUMBER), labelled with the app's name when there are several.

    The link works once and expires after INVITE_TTL_HOURS.
    """
    role = Role(args.role)
    if role is Role.PARTNER and not args.organisation:
        raise ConfigError("--organisation is required for a partner invite")
    key = settings.signing_key()
    start_links = []
    if settings.telegram:
        start_links.append(links.telegram(args.bot_username or await _bot_username(settings)))
    if settings.whatsapp and settings.whatsapp_display_number:
        start_links.append(links.whatsapp(settings.whatsapp_display_number))
    if not start_links:
        raise ConfigError("WHATSAPP_DISPLAY_NUMBER is not set: a WhatsApp invite links to it")

    async def work(engine: Any) -> int:
        from bot.clock import SystemClock

        now = SystemClock().now()
        async with db.make_sessions(engine).begin() as session:
            neighbourhood = await neighbourhoods.by_slug(session, args.neighbourhood)
            if neighbourhood is None:
                raise ConfigError(f"no neighbourhood {args.neighbourhood!r}: load it first")
            organisation = None
            if args.organisation:
                organisation = await invites.organisation_named(session, args.organisation, now)
            invite, payload = await invites.create(
                session,
                key,
                role=role,
                neighbourhood_id=neighbourhood.id,
                organisation_id=organisation.id if organisation else None,
                now=now,
                ttl=timedelta(hours=settings.invite_ttl_hours),
            )
        print("\n".join(links.labelled(start_links, payload)))
        print(f"valid once, until {invite.expires_at:%Y-%m-%d %H:%M} UTC", file=sys.stderr)
        return 0

    return await _with_database(settings, work, migrate=settings.is_sqlite) or 0


def _print_table(header: Sequence[str], rows: Sequence[Sequence[object]]) -> None:
    """Columns aligned for reading, one row a line; "(none)" for no rows."""
    if not rows:
        print("(none)")
        return
    cells = [[str(cell) for cell in row] for row in [header, *rows]]
    widths = [max(len(row[column]) for row in cells) for column in range(len(header))]
    for row in cells:
        print(
            "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip()
        )


def _when(moment: datetime) -> str:
    return f"{moment:%Y-%m-%d %H:%M} UTC"


def _who(names: dict[int, str], person_id: int | None) -> str:
    return f"{person_id} {names.get(person_id, '')}".strip() if person_id else "the server"


async def _neighbourhood_id(session: Any, slug: str | None) -> int | None:
    """The id of the neighbourhood `slug` names (None: all of them); a wrong slug is an error."""
    if slug is None:
        return None
    neighbourhood = await neighbourhoods.by_slug(session, slug)
    if neighbourhood is None:
        raise ConfigError(f"no neighbourhood {slug!r}: load it first")
    return neighbourhood.id


async def _roles(settings: Settings, args: argparse.Namespace) -> int:
    """List every role held: person id, first name, role, neighbourhood, organisation,
    when it was granted and by whom (a person's id and name, or the server)."""

    async def work(engine: Any) -> int:
        async with db.make_sessions(engine)() as session:
            found = await roles.grants_in(
                session, await _neighbourhood_id(session, args.neighbourhood)
            )
            names = await roles.first_names(session, [grant.granted_by_id for grant in found])
        _print_table(
            ("person", "name", "role", "neighbourhood", "organisation", "granted", "by"),
            [
                (
                    grant.person_id,
                    grant.person.first_name,
                    grant.role.value,
                    grant.neighbourhood.slug,
                    grant.organisation.name if grant.organisation else "-",
                    _when(grant.created_at),
                    _who(names, grant.granted_by_id),
                )
                for grant in found
            ],
        )
        return 0

    return await _with_database(settings, work, migrate=settings.is_sqlite) or 0


async def _revoke(settings: Settings, args: argparse.Namespace) -> int:
    """Take a role back from a person (audited). Their next message already shows the
    menu without it. Unlike the chat, this may remove a neighbourhood's last admin."""
    role = Role(args.role)

    async def work(engine: Any) -> int:
        from bot.clock import SystemClock

        async with db.make_sessions(engine).begin() as session:
            neighbourhood_id = await _neighbourhood_id(session, args.neighbourhood)
            assert neighbourhood_id is not None
            grant = await roles.find(session, args.person, role, neighbourhood_id)
            if grant is None:
                raise ConfigError(
                    f"person {args.person} is not {role.value} in {args.neighbourhood}"
                    " (see `wijkbot admin roles`)"
                )
            await roles.revoke(session, grant, now=SystemClock().now())
        print(f"person {args.person} is no longer {role.value} in {args.neighbourhood}")
        return 0

    return await _with_database(settings, work, migrate=settings.is_sqlite) or 0


async def _invites(settings: Settings, args: argparse.Namespace) -> int:
    """List the invite links that can still be used (not used, withdrawn or expired),
    or withdraw one with --revoke ID so that it no longer works (audited)."""

    async def work(engine: Any) -> int:
        from bot.clock import SystemClock

        now = SystemClock().now()
        async with db.make_sessions(engine).begin() as session:
            neighbourhood_id = await _neighbourhood_id(session, args.neighbourhood)
            if args.revoke is not None:
                return await _withdraw(session, args.revoke, neighbourhood_id, now)
            found = await invites.open_invites(session, now, neighbourhood_id=neighbourhood_id)
            names = await roles.first_names(session, [item.created_by_id for item in found])
            slugs = {
                item.id: item.slug for item in await neighbourhoods.all_neighbourhoods(session)
            }
        _print_table(
            ("id", "role", "neighbourhood", "created", "by", "expires"),
            [
                (
                    item.id,
                    item.role.value,
                    slugs.get(item.neighbourhood_id, item.neighbourhood_id),
                    _when(item.created_at),
                    _who(names, item.created_by_id),
                    _when(item.expires_at),
                )
                for item in found
            ],
        )
        return 0

    return await _with_database(settings, work, migrate=settings.is_sqlite) or 0


async def _withdraw(
    session: Any, invite_id: int, neighbourhood_id: int | None, now: datetime
) -> int:
    item = await session.get(Invite, invite_id)
    if item is None or neighbourhood_id not in (None, item.neighbourhood_id):
        raise ConfigError(f"no invite {invite_id} (see `wijkbot admin invites`)")
    if not await invites.revoke(session, item, now):
        raise ConfigError(f"invite {invite_id} is not open: it was used, withdrawn or has expired")
    print(f"invite {invite_id} is withdrawn: its link no longer works")
    return 0


async def _bot_username(settings: Settings) -> str:
    from bot.handlers.runtime import make_api

    api = make_api(settings)
    try:
        return await api.start()
    except api.errors as exc:
        raise ConfigError(
            f"cannot ask Telegram for the bot's name ({exc}): use --bot-username"
        ) from None
    finally:
        await api.close()


async def _whatsapp_templates(_: Settings, args: argparse.Namespace) -> int:
    """Print every WhatsApp message template in every language as JSON for Meta's template
    creation API (name, language, category, components), to submit for approval: outside
    the 24-hour window only approved templates can be sent. No database or token needed."""
    from bot.handlers.whatsapp import templates

    text = templates.printed()
    if args.out is None:
        sys.stdout.write(text)
    else:
        args.out.write_text(text, encoding="utf-8")
    return 0


async def _i18n(_: Settings, args: argparse.Namespace) -> int:
    from bot import catalogs

    step: Callable[[], int] = getattr(catalogs, args.step)
    return step()


if __name__ == "__main__":
    sys.exit(main())
