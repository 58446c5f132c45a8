"""`BotAPIEmulator`: a local Telegram Bot API server plus the people who talk to the bot.

Real client libraries connect to it over HTTP as if it were api.telegram.org (aiogram:
`AiohttpSession(api=TelegramAPIServer.from_base(emu.url))`; python-telegram-bot:
`Bot(token, base_url=f"{emu.url}/bot", base_file_url=f"{emu.url}/file/bot")`), while the test
drives simulated people (`emu.user(...)`) and inspects what they received.
"""

from __future__ import annotations

import logging
import re
import time
from collections.abc import Callable
from typing import Any

from aiohttp import web

from .errors import ApiError, not_found, unauthorized
from .faults import Faults
from .limits import Limits, RateLimiter
from .local_server import LocalServer
from .media import FileStore
from .methods import ADMIN_RIGHTS, METHODS, BotApiMethods
from .models import ApiCall, CallbackQueryRecord, ChatState, SentMessage, UserProfile
from .updates import UpdateQueue, WebhookDeliverer
from .users import SimulatedGroup, SimulatedUser
from .wire import Params, read_request_params

__all__ = ["DEFAULT_TOKEN", "BotAPIEmulator"]

log = logging.getLogger(__name__)

DEFAULT_TOKEN = "123456:TEST-TOKEN"
_API_PATH = re.compile(r"/bot([^/]+)/([^/]*)")
_FILE_PATH = re.compile(r"/file/bot([^/]+)/(.+)")
_MAX_BODY = 64 * 1024 * 1024  # above Telegram's 50 MB upload limit

# A stubbed method's result: a fixed value, or a callable taking the params dict.
Stub = Callable[[dict[str, Any]], Any] | Any


class BotAPIEmulator(LocalServer[Limits]):
    """A Telegram Bot API server for one bot, with simulated people and fault injection."""

    def __init__(
        self,
        token: str = DEFAULT_TOKEN,
        bot_username: str = "wijkbot_test_bot",
        *,
        bot_first_name: str = "Wijkbot Test",
        host: str = "127.0.0.1",
        port: int = 0,
        limits: Limits | None = None,
        strict_html: bool = True,
        settle: float = 0.15,
        first_update_id: int = 1,
        webhook_retry_delay: float = 0.05,
        webhook_max_retry_delay: float = 1.0,
    ):
        bot_id, sep, _ = token.partition(":")
        if not sep or not bot_id.isdigit():
            raise ValueError("token must look like '<bot id>:<secret>'")
        self.token = token
        self.bot_id = int(bot_id)
        self.bot_user: dict[str, Any] = {
            "id": self.bot_id,
            "is_bot": True,
            "first_name": bot_first_name,
            "username": bot_username,
        }
        super().__init__(host, port, max_body=_MAX_BODY)
        self.strict_html = strict_html  # refuse a bare "&" (see html_rules)
        self.settle = settle  # default quiet time for replies()

        self.calls: list[ApiCall] = []
        self.chats: dict[int, ChatState] = {}
        self.files = FileStore()
        self.faults = Faults()
        self.callbacks: dict[str, CallbackQueryRecord] = {}
        self.command_sets: dict[tuple[Any, ...], list[dict[str, str]]] = {}
        self.bot_texts: dict[tuple[str, str], str] = {}
        self.menu_buttons: dict[int | None, dict[str, Any]] = {}
        self.updates = UpdateQueue(first_update_id)
        self.webhook = WebhookDeliverer(
            self.updates,
            self._execute_webhook_reply,
            retry_delay=webhook_retry_delay,
            max_retry_delay=webhook_max_retry_delay,
        )
        self.limits = limits or Limits()
        self._people: dict[int, SimulatedUser] = {}
        self._groups: dict[int, SimulatedGroup] = {}
        self._stubs: dict[str, tuple[str, Stub]] = {}
        self._methods = BotApiMethods(self)
        self._callback_seq = 0

    # -- lifecycle ------------------------------------------------------------------------
    async def start(self) -> str:
        """Listen on host:port (a free port when port=0) and return the base URL, e.g.
        "http://127.0.0.1:8081" (Bot API at {url}/bot<token>/<method>)."""
        self.updates.closing = False  # long polls wait again after a restart
        return await super().start()

    def _add_routes(self, router: web.UrlDispatcher) -> None:
        router.add_route("*", "/{tail:.*}", self._handle)

    async def _close(self) -> None:
        """Long polls still waiting return at once; webhook deliveries end."""
        self.updates.closing = True
        self.updates.notify()
        await self.webhook.stop()

    @property
    def api_url(self) -> str:
        return f"{self.url}/bot{self.token}"

    # -- limits (`emu.limits`, `emu.set_limits(...)`: LocalServer) ------------------------
    def _use_limits(self, limits: Limits) -> None:
        self.limiter = RateLimiter(limits)

    # -- people and chats -----------------------------------------------------------------
    def user(
        self,
        user_id: int,
        first_name: str = "Test",
        *,
        last_name: str | None = None,
        username: str | None = None,
        language_code: str | None = None,
        is_premium: bool = False,
        started: bool = True,
    ) -> SimulatedUser:
        """A person with a private chat with the bot (chat id == user id).

        `started=False`: the person never opened the bot, so the bot cannot write first
        (403 "bot can't initiate conversation with a user") until they send something.
        Asking again for the same id returns the same person.
        """
        existing = self._people.get(user_id)
        if existing is not None:
            return existing
        if user_id in self.chats:
            raise ValueError(f"chat id {user_id} is already a group")
        profile = UserProfile(
            id=user_id,
            first_name=first_name,
            last_name=last_name,
            username=username,
            language_code=language_code,
            is_premium=is_premium,
            started=started,
        )
        chat = ChatState(user_id, "private", user=profile)
        self.chats[user_id] = chat
        person = SimulatedUser(self, profile, chat)
        self._people[user_id] = person
        return person

    def group(
        self,
        chat_id: int,
        title: str = "Buurtgroep",
        *,
        chat_type: str = "group",
        members: tuple[SimulatedUser, ...] = (),
        admins: tuple[SimulatedUser, ...] = (),
        with_bot: bool = True,
    ) -> SimulatedGroup:
        """A group, supergroup or channel. With `with_bot` the bot is a member already
        (as if added before the test); without, a person adds it with `group.add_bot(...)`,
        which sends the bot the my_chat_member update Telegram sends."""
        existing = self._groups.get(chat_id)
        if existing is None:
            if chat_id in self.chats:
                raise ValueError(f"chat id {chat_id} is already a private chat")
            if chat_type not in ("group", "supergroup", "channel"):
                raise ValueError("chat_type must be 'group', 'supergroup' or 'channel'")
            chat = ChatState(chat_id, chat_type, title=title)
            if not with_bot:
                chat.bot_status = "left"
            elif chat_type == "channel":
                chat.bot_status = "administrator"  # a bot is in a channel only as its admin
            self.chats[chat_id] = chat
            existing = self._groups[chat_id] = SimulatedGroup(self, chat)
        existing.add(*members)
        existing.add(*admins, admin=True)
        return existing

    def channel(
        self, chat_id: int, title: str = "Buurtnieuws", *, admins: tuple[SimulatedUser, ...] = ()
    ) -> SimulatedGroup:
        """A channel without the bot; an admin adds it with `channel.add_bot(by=...)`."""
        return self.group(chat_id, title, chat_type="channel", admins=admins, with_bot=False)

    def upgrade_group(
        self,
        chat_id: int,
        by: SimulatedUser,
        new_chat_id: int | None = None,
        *,
        notify: bool = True,
    ) -> SimulatedGroup:
        """`by` (an administrator) upgrades a group to a supergroup, which Telegram gives a
        new chat id (by default -100… like a supergroup's). The bot, when it is in the group,
        gets the two service messages Telegram sends: `migrate_to_chat_id` in the old group,
        `migrate_from_chat_id` in the new supergroup (`notify=False`: not yet, as when the
        bot sends before it has read them). From then on every call to the old id answers
        400 "group chat was upgraded to a supergroup chat" with
        `parameters.migrate_to_chat_id`."""
        group = self._groups.get(chat_id)
        if group is None or group.chat.type != "group" or group.chat.migrated_to is not None:
            raise ValueError(f"{chat_id} is not a group that can be upgraded")
        group._by_admin(by)
        new_id = new_chat_id if new_chat_id is not None else -(10**12 + abs(chat_id))
        if new_id in self.chats:
            raise ValueError(f"chat id {new_id} is taken")
        old = group.chat
        chat = ChatState(new_id, "supergroup", title=old.title)
        chat.members, chat.admins = dict(old.members), set(old.admins)
        chat.bot_status = old.bot_status
        self.chats[new_id] = chat
        upgraded = self._groups[new_id] = SimulatedGroup(self, chat)
        old.migrated_to = new_id
        if notify and old.bot_inside:
            now = int(time.time())
            for where, field, other in ((old, "migrate_to_chat_id", new_id),
                                        (chat, "migrate_from_chat_id", chat_id)):  # fmt: skip
                message = {
                    "message_id": where.next_message_id(),
                    "from": by.to_api(),
                    "chat": where.to_api(),
                    "date": now,
                    field: other,
                }
                self.updates.push({"message": message})
        return upgraded

    def set_bot_status(self, chat: ChatState, status: str, by: UserProfile | None) -> None:
        """Change the bot's standing in a group or channel and tell the bot, as Telegram
        does, with a my_chat_member update from whoever changed it (the bot itself when it
        left)."""
        old = chat.bot_status or "left"
        if old == status:
            return
        chat.bot_status = status
        self.updates.push(
            {
                "my_chat_member": {
                    "chat": chat.to_api(),
                    "from": by.to_api() if by is not None else dict(self.bot_user),
                    "date": int(time.time()),
                    "old_chat_member": self.bot_member(old),
                    "new_chat_member": self.bot_member(status),
                }
            }
        )

    def bot_member(self, status: str) -> dict[str, Any]:
        """The bot as a ChatMember of the given status."""
        member: dict[str, Any] = {"user": dict(self.bot_user), "status": status}
        if status == "kicked":
            member["until_date"] = 0
        elif status == "administrator":
            member.update(ADMIN_RIGHTS, can_be_edited=False, can_post_messages=True)
        return member

    @property
    def people(self) -> list[SimulatedUser]:
        return list(self._people.values())

    def profile(self, user_id: int) -> UserProfile | None:
        person = self._people.get(user_id)
        return person.profile if person else None

    def find_chat(self, chat_id: int | str) -> ChatState | None:
        if isinstance(chat_id, int):
            return self.chats.get(chat_id)
        return None  # "@name" only addresses public channels/supergroups; none are emulated

    def message(self, chat_id: int, message_id: int) -> SentMessage | None:
        """A message the bot sent, by chat and id."""
        chat = self.chats.get(chat_id)
        return chat.bot_messages.get(message_id) if chat else None

    def message_payload(self, chat: ChatState, message_id: int) -> dict[str, Any] | None:
        """Bot API dict of any live message in the chat (from the bot or a person)."""
        sent = chat.bot_messages.get(message_id)
        if sent is not None and not sent.deleted:
            return sent.to_api()
        return chat.incoming.get(message_id)

    def block(self, user_id: int, *, notify: bool = True) -> None:
        """The person blocks the bot: sending to them fails with 403. With `notify`, the bot
        gets the my_chat_member update Telegram sends (member -> kicked)."""
        profile = self._require_profile(user_id)
        if not profile.blocked:
            profile.blocked = True
            if notify:
                self._push_membership(profile, "member", "kicked")

    def unblock(self, user_id: int, *, notify: bool = True) -> None:
        profile = self._require_profile(user_id)
        if profile.blocked:
            profile.blocked = False
            if notify:
                self._push_membership(profile, "kicked", "member")

    def deactivate(self, user_id: int) -> None:
        """The person deleted their account: 403 "user is deactivated" (no update)."""
        self._require_profile(user_id).deactivated = True

    def _require_profile(self, user_id: int) -> UserProfile:
        profile = self.profile(user_id)
        if profile is None:
            raise KeyError(f"no simulated user {user_id}; create one with emu.user()")
        return profile

    def _push_membership(self, profile: UserProfile, old: str, new: str) -> None:
        new_member: dict[str, Any] = {"user": self.bot_user, "status": new}
        if new == "kicked":
            new_member["until_date"] = 0
        old_member: dict[str, Any] = {"user": self.bot_user, "status": old}
        if old == "kicked":
            old_member["until_date"] = 0
        self.updates.push(
            {
                "my_chat_member": {
                    "chat": self.chats[profile.id].to_api(),
                    "from": profile.to_api(),
                    "date": int(time.time()),
                    "old_chat_member": old_member,
                    "new_chat_member": new_member,
                }
            }
        )

    # -- callback queries -----------------------------------------------------------------
    def new_callback_query_id(self) -> str:
        self._callback_seq += 1
        return str((self.bot_id << 24) + self._callback_seq)

    def chat_instance(self, chat_id: int) -> str:
        """Stable per chat, like Telegram's global chat identifier for callbacks."""
        return str(-((self.bot_id << 20) ^ abs(chat_id)))

    def callback_expired(self, record: CallbackQueryRecord) -> bool:
        timeout = self._limits.callback_query_timeout
        if timeout is None:
            return False
        age = (time.monotonic() - record.created_at) * self._limits.time_scale
        return age > timeout

    # -- updates --------------------------------------------------------------------------
    def feed_raw(self, update: dict[str, Any]) -> dict[str, Any]:
        """Queue any update (e.g. my_chat_member); its update_id is assigned here."""
        body = {key: value for key, value in update.items() if key != "update_id"}
        return self.updates.push(body)

    def redeliver(self, update_id: int) -> dict[str, Any]:
        """Deliver an earlier update again with the same update_id, even if the bot
        already confirmed it: Telegram occasionally delivers an update twice."""
        return self.updates.redeliver(update_id)

    @property
    def pending_updates(self) -> list[dict[str, Any]]:
        return self.updates.pending()

    # -- fault injection ------------------------------------------------------------------
    def fail(
        self,
        method: str,
        status: int = 500,
        *,
        times: int | None = 1,
        description: str | None = None,
        retry_after: int | None = None,
        probability: float | None = None,
        seed: int | None = None,
    ) -> None:
        """The next `times` calls of `method` ("*" = any; None = until cleared) fail with
        `status` before doing anything. With `probability`, only that share of the calls
        fails (a seeded draw: the same calls fail in every run; `seed` picks another
        sequence), e.g. `emu.fail("sendMessage", 502, times=None, probability=0.1)`."""
        self.faults.fail(
            method,
            status,
            times=times,
            description=description,
            retry_after=retry_after,
            probability=probability,
            seed=seed,
        )

    def delay(self, method: str, seconds: float, *, times: int | None = None) -> None:
        """Hold back responses of `method` by `seconds` (real time). The call takes effect
        at once, so a client giving up early still caused it, as with a slow Telegram."""
        self.faults.delay(method, seconds, times=times)

    def storm(self, times: int = 1, retry_after: int = 5) -> None:
        """The next `times` rate-limited calls get 429 with `retry_after`, whatever the
        buckets say."""
        self.faults.storm(times, retry_after)

    def clear_faults(self) -> None:
        self.faults.clear()

    def stub(self, method: str, result: Stub) -> None:
        """Answer `method` with a fixed result (or `result(params)`), e.g. for methods the
        emulator does not implement. Replaces a built-in method of the same name."""
        self._stubs[method.lower()] = (method, result)

    # -- observation ----------------------------------------------------------------------
    def calls_for(self, method: str) -> list[ApiCall]:
        key = method.lower()
        return [call for call in self.calls if call.method.lower() == key]

    def commands(
        self, scope: dict[str, Any] | str | None = None, language_code: str = ""
    ) -> list[dict[str, str]]:
        """Commands stored by setMyCommands for a scope ("default", "all_private_chats",
        {"type": "chat", "chat_id": 1001}, ...) and language."""
        if isinstance(scope, str):
            scope = {"type": scope}
        key = (*self._methods.scope_key(scope), language_code)
        return [dict(command) for command in self.command_sets.get(key, [])]

    def description(self, language_code: str = "") -> str | None:
        return self.bot_texts.get(("description", language_code))

    def short_description(self, language_code: str = "") -> str | None:
        return self.bot_texts.get(("short_description", language_code))

    # -- calling methods ------------------------------------------------------------------
    async def invoke(
        self, method: str, params: dict[str, Any] | None = None, *, source: str = "direct"
    ) -> dict[str, Any]:
        """Run a Bot API method without HTTP; returns the response body."""
        body, delay = await self._dispatch(method, dict(params or {}), source)
        if delay:
            await self._sleep(delay)
        return body

    async def _dispatch(
        self, method: str, params: dict[str, Any], source: str
    ) -> tuple[dict[str, Any], float]:
        key = method.lower()
        stub = self._stubs.get(key)
        spec = METHODS.get(key)
        name = stub[0] if stub else spec.name if spec else method
        result: Any = None
        try:
            if stub is None and spec is None:
                log.warning("unknown Bot API method %r (use emu.stub to provide one)", method)
                raise not_found()
            failure = self.faults.take_failure(name)
            if failure is not None:
                raise failure
            if stub is not None:
                result = stub[1](params) if callable(stub[1]) else stub[1]
            elif spec is not None:
                result = await spec.handler(self._methods, Params(params, spec.name))
            body: dict[str, Any] = {"ok": True, "result": result}
            call = ApiCall(name, params, True, None, None, time.monotonic(), result, source)
        except ApiError as exc:
            body = exc.to_json()
            call = ApiCall(
                name, params, False, exc.code, exc.description, time.monotonic(), None, source
            )
        except Exception:
            log.exception("emulator failure in %s", name)
            body = {"ok": False, "error_code": 500, "description": "Internal Server Error"}
            call = ApiCall(
                name, params, False, 500, body["description"], time.monotonic(), None, source
            )
        self.calls.append(call)
        return body, self.faults.take_delay(name)

    async def _execute_webhook_reply(self, method: str, params: dict[str, Any]) -> None:
        await self.invoke(method, params, source="webhook")

    # -- HTTP -----------------------------------------------------------------------------
    async def _handle(self, request: web.Request) -> web.StreamResponse:
        path = request.path
        api = _API_PATH.fullmatch(path)
        if api is not None:
            return await self._handle_api(request, api.group(1), api.group(2))
        file = _FILE_PATH.fullmatch(path)
        if file is not None and request.method in ("GET", "HEAD"):
            return self._handle_file(file.group(1), file.group(2))
        return _json_response(not_found().to_json())

    async def _handle_api(self, request: web.Request, token: str, method: str) -> web.Response:
        if token != self.token:
            error = unauthorized()
            self.calls.append(
                ApiCall(method, {}, False, error.code, error.description, time.monotonic())
            )
            return _json_response(error.to_json())
        try:
            params = await read_request_params(request)
        except ApiError as exc:
            return _json_response(exc.to_json())
        body, delay = await self._dispatch(method, params, "http")
        if delay:
            await self._sleep(delay)
        return _json_response(body)

    def _handle_file(self, token: str, file_path: str) -> web.StreamResponse:
        if token != self.token:
            return _json_response(unauthorized().to_json())
        stored = self.files.by_path(file_path)
        if stored is None:
            return _json_response(not_found().to_json())
        return web.Response(
            body=stored.content, content_type=stored.mime_type or "application/octet-stream"
        )


def _json_response(body: dict[str, Any]) -> web.Response:
    status = 200 if body.get("ok") else int(body.get("error_code", 500))
    return web.json_response(body, status=status)
