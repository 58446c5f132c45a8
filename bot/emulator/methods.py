"""Bot API methods with Telegram's validation, over the emulator's state.

Each handler takes decoded `Params` and returns the Bot API `result`, or raises `ApiError`.
Checks run in a fixed order: target chat (400 chat not found / 403 blocked), content (400),
flood limits (429), then the state change; a refused call changes nothing.
"""

from __future__ import annotations

import re
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from .errors import bad_request, conflict, forbidden, migrated, too_many_requests
from .html_rules import FormattedText, HtmlParseError, parse_html, strip_formatted, utf16_len
from .markup import validate_reply_markup
from .media import StoredFile, image_size
from .models import CallbackAnswer, ChatState, SentMessage
from .wire import Params, UploadedFile

if TYPE_CHECKING:
    from .server import BotAPIEmulator

__all__ = ["METHODS", "BotApiMethods", "MethodSpec"]

MAX_TEXT_LENGTH = 4096
MAX_CAPTION_LENGTH = 1024
MAX_CALLBACK_ANSWER_LENGTH = 200
NOT_MODIFIED = (
    "message is not modified: specified new message content and reply markup are exactly "
    "the same as a current content and reply markup of the message"
)
QUERY_TOO_OLD = "query is too old and response timeout expired or query ID is invalid"
CHAT_ACTIONS = frozenset(
    {
        "typing",
        "upload_photo",
        "record_video",
        "upload_video",
        "record_voice",
        "upload_voice",
        "upload_document",
        "choose_sticker",
        "find_location",
        "record_video_note",
        "upload_video_note",
    }
)
_COMMAND = re.compile(r"[a-z0-9_]{1,32}")
_LANGUAGE_CODE = re.compile(r"[a-z]{2}")
_SECRET_TOKEN = re.compile(r"[A-Za-z0-9_-]{1,256}")
_FILE_URL = re.compile(r"^https?://", re.IGNORECASE)
_CAPTION_KINDS = frozenset({"photo", "document", "video", "audio", "voice", "animation"})
# sendXxx method -> (file parameter / message kind, takes a caption)
_FILE_METHODS = {
    "sendPhoto": ("photo", True),
    "sendDocument": ("document", True),
    "sendVideo": ("video", True),
    "sendAudio": ("audio", True),
    "sendVoice": ("voice", True),
    "sendAnimation": ("animation", True),
    "sendSticker": ("sticker", False),
    "sendVideoNote": ("video_note", False),
}
_BOT_TEXTS = {  # method suffix -> (result field, max length)
    "Description": ("description", 512),
    "ShortDescription": ("short_description", 120),
    "Name": ("name", 64),
}

# What an administrator may do (ChatMemberAdministrator), as Telegram lists the rights.
ADMIN_RIGHTS: dict[str, Any] = {
    "is_anonymous": False,
    "can_manage_chat": True,
    "can_delete_messages": True,
    "can_manage_video_chats": True,
    "can_restrict_members": True,
    "can_promote_members": False,
    "can_change_info": True,
    "can_invite_users": True,
    "can_post_stories": False,
    "can_edit_stories": False,
    "can_delete_stories": False,
}

Handler = Callable[["BotApiMethods", Params], Awaitable[Any]]


@dataclass(frozen=True)
class MethodSpec:
    name: str  # canonical spelling, e.g. "sendMessage"
    handler: Handler


METHODS: dict[str, MethodSpec] = {}  # lower-case name -> spec


def api_method(*names: str) -> Callable[[Handler], Handler]:
    def register(handler: Handler) -> Handler:
        for name in names:
            METHODS[name.lower()] = MethodSpec(name, handler)
        return handler

    return register


def _reply_payload(payload: dict[str, Any]) -> dict[str, Any]:
    """A message as embedded in reply_to_message (Telegram does not nest replies further)."""
    return {key: value for key, value in payload.items() if key != "reply_to_message"}


class BotApiMethods:
    """The method implementations; all state lives on the emulator."""

    def __init__(self, emu: BotAPIEmulator):
        self.emu = emu

    # -- shared checks --------------------------------------------------------------------
    def _chat(self, p: Params) -> ChatState:
        chat = self.emu.find_chat(p.chat_id())
        if chat is None:
            raise bad_request("chat not found")
        if chat.migrated_to is not None:
            raise migrated(chat.migrated_to)
        return chat

    def _writable_chat(self, p: Params) -> ChatState:
        """The target chat of a call that reaches a person (403 if they can't be reached)."""
        chat = self._chat(p)
        user = chat.user
        if user is not None:
            if user.deactivated:
                raise forbidden("user is deactivated")
            if user.blocked:
                raise forbidden("bot was blocked by the user")
            if not user.started:
                raise forbidden("bot can't initiate conversation with a user")
        elif chat.bot_status == "kicked":
            raise forbidden(f"bot was kicked from the {chat.type} chat")
        elif not chat.bot_inside:
            raise forbidden(f"bot is not a member of the {chat.type} chat")
        elif chat.type == "channel" and chat.bot_status != "administrator":
            raise bad_request("need administrator rights in the channel chat")
        return chat

    def _group_of_bot(self, p: Params) -> ChatState:
        """A group, supergroup or channel the bot is in (for leaveChat and the admin list)."""
        chat = self._chat(p)
        if chat.type == "private":
            raise bad_request("chat member status can't be changed in private chats")
        if chat.bot_status == "kicked":
            raise forbidden(f"bot was kicked from the {chat.type} chat")
        if not chat.bot_inside:
            raise forbidden(f"bot is not a member of the {chat.type} chat")
        return chat

    def _throttle(self, chat: ChatState, p: Params) -> None:
        retry_after = self.emu.faults.take_storm()
        if retry_after is None:
            paid = p.flag("allow_paid_broadcast")
            retry_after = self.emu.limiter.acquire(chat.id, chat.type, paid=paid)
        if retry_after is not None:
            raise too_many_requests(retry_after)

    def _formatted(self, p: Params, text_field: str, entities_field: str) -> FormattedText:
        """Text or caption after parse_mode/entities, trimmed like Telegram."""
        raw = p.string(text_field) or ""
        entities = p.json(entities_field)
        parse_mode = (p.string("parse_mode") or "").strip()
        if entities:
            if not isinstance(entities, list) or not all(isinstance(e, dict) for e in entities):
                raise bad_request(f"can't parse {entities_field} JSON object")
            formatted = FormattedText(raw, [dict(e) for e in entities])
        elif parse_mode.lower() == "html":
            try:
                formatted = parse_html(raw, strict=self.emu.strict_html)
            except HtmlParseError as exc:
                raise bad_request(f"can't parse entities: {exc.reason}") from None
        elif parse_mode.lower() in ("", "markdown", "markdownv2"):
            # Markdown is not modelled: the text is kept as sent, without entities.
            formatted = FormattedText(raw, [])
        else:
            raise bad_request("unsupported parse_mode")
        return strip_formatted(formatted.text, formatted.entities)

    def _text(self, p: Params) -> FormattedText:
        formatted = self._formatted(p, "text", "entities")
        if not formatted.text:
            raise bad_request("message text is empty")
        if utf16_len(formatted.text) > MAX_TEXT_LENGTH:
            raise bad_request("message is too long")
        return formatted

    def _caption(self, p: Params) -> FormattedText:
        formatted = self._formatted(p, "caption", "caption_entities")
        if utf16_len(formatted.text) > MAX_CAPTION_LENGTH:
            raise bad_request("message caption is too long")
        return formatted

    def _reply_to(self, chat: ChatState, p: Params) -> dict[str, Any] | None:
        reply = p.json("reply_parameters")
        reply = reply if isinstance(reply, dict) else {}
        message_id = reply.get("message_id", p.integer("reply_to_message_id"))
        if message_id is None:
            return None
        payload = self.emu.message_payload(chat, int(message_id))
        if payload is None:
            if reply.get("allow_sending_without_reply") or p.flag("allow_sending_without_reply"):
                return None
            raise bad_request("message to be replied not found")
        return _reply_payload(payload)

    def _input_file(self, value: Any, kind: str) -> list[StoredFile]:
        """Resolve an InputFile-or-String parameter to file(s). New files are returned
        unregistered: `_new_message` registers them once the call is sure to succeed."""
        files = self.emu.files
        if isinstance(value, UploadedFile):
            return self._prepare_upload(value, kind)
        if not isinstance(value, str) or not value or value.startswith("attach://"):
            raise bad_request(f"there is no {kind} in the request")
        if _FILE_URL.match(value):
            # Telegram would download the URL; the emulator records it without content.
            if kind == "photo":
                return [files.create("photo", b"", width=800, height=600, source_url=value)]
            name = value.rsplit("/", 1)[-1].split("?", 1)[0] or None
            return [files.create(kind, b"", file_name=name, source_url=value)]
        stored = files.get(value.strip())
        if stored is None:
            raise bad_request("wrong file identifier/HTTP URL specified")
        if stored.kind != kind:
            raise bad_request("type of file mismatch")
        return [stored]

    def _prepare_upload(self, upload: UploadedFile, kind: str) -> list[StoredFile]:
        if not upload.content:
            raise bad_request("file must be non-empty")
        if kind == "photo":
            size = image_size(upload.content)
            if size is None:
                raise bad_request("IMAGE_PROCESS_FAILED")
            width, height = size
            if width + height > 10000 or max(width, height) > 20 * min(width, height):
                raise bad_request("PHOTO_INVALID_DIMENSIONS")
            return self.emu.files.photo_sizes(upload.content, width, height)
        mime = upload.content_type
        if mime in (None, "", "application/octet-stream"):
            mime = None  # let the store guess from the file name, like Telegram
        width = height = None
        if kind in ("sticker", "video", "animation", "video_note"):
            width, height = image_size(upload.content) or (512, 512)
        stored = self.emu.files.create(
            kind,
            upload.content,
            file_name=upload.filename,
            mime_type=mime,
            width=width,
            height=height,
        )
        if kind == "document" and stored.mime_type is None:
            stored.mime_type = "application/octet-stream"
        return [stored]

    def _new_message(
        self,
        chat: ChatState,
        kind: str,
        formatted: FormattedText,
        p: Params,
        *,
        html_field: str,
        markup: dict[str, Any] | None,
        reply_to: dict[str, Any] | None,
        files: list[StoredFile] | None = None,
        location: dict[str, Any] | None = None,
        media_group_id: str | None = None,
    ) -> SentMessage:
        message = SentMessage(
            message_id=chat.next_message_id(),
            chat_id=chat.id,
            date=int(time.time()),
            kind=kind,
            text=formatted.text,
            html=p.string(html_field),
            parse_mode=p.string("parse_mode"),
            entities=formatted.entities,
            reply_markup=markup,
            sender=self.emu.bot_user,
            chat=chat.to_api(),
            files=files or [],
            location=location,
            media_group_id=media_group_id,
            reply_to=reply_to,
        )
        self.emu.files.register(*message.files)
        chat.bot_messages[message.message_id] = message
        if markup is not None:
            if "keyboard" in markup:
                chat.reply_keyboard = markup
            elif markup.get("remove_keyboard"):
                chat.reply_keyboard = None
            elif markup.get("force_reply"):
                chat.force_reply_to = message.message_id
        chat.record(message.message_id)
        return message

    def _editable(self, p: Params) -> tuple[ChatState, SentMessage]:
        if p.raw("inline_message_id"):
            raise bad_request("MESSAGE_ID_INVALID")  # inline mode is not emulated
        chat = self._writable_chat(p)
        message_id = p.integer("message_id")
        if message_id is None:
            raise bad_request("message identifier is not specified")
        message = chat.bot_messages.get(message_id)
        if message is None or message.deleted:
            if message_id in chat.incoming:
                raise bad_request("message can't be edited")
            raise bad_request("message to edit not found")
        return chat, message

    @staticmethod
    def _inline_part(markup: dict[str, Any] | None) -> dict[str, Any] | None:
        return markup if markup and "inline_keyboard" in markup else None

    def _apply_edit(
        self,
        chat: ChatState,
        message: SentMessage,
        *,
        markup: dict[str, Any] | None,
        formatted: FormattedText | None = None,
        html: str | None = None,
        parse_mode: str | None = None,
    ) -> dict[str, Any]:
        if formatted is not None:
            message.history.append(message.text)
            message.text = formatted.text
            message.entities = formatted.entities
            message.html = html
            message.parse_mode = parse_mode
        if markup is not None or self._inline_part(message.reply_markup) is not None:
            message.reply_markup = markup  # editing without reply_markup removes the keyboard
        message.edited = True
        message.edit_date = int(time.time())
        chat.record(message.message_id)
        return message.to_api()

    def scope_key(self, scope: Any) -> tuple[str, int | str | None, int | None]:
        """Storage key of a BotCommandScope (chat scopes must name a known chat)."""
        if scope is None:
            return ("default", None, None)
        if not isinstance(scope, dict) or not isinstance(scope.get("type"), str):
            raise bad_request("can't parse BotCommandScope JSON object")
        kind = scope["type"]
        if kind in ("default", "all_private_chats", "all_group_chats", "all_chat_administrators"):
            return (kind, None, None)
        if kind not in ("chat", "chat_administrators", "chat_member"):
            raise bad_request("unsupported bot command scope type")
        chat = self._chat(Params(scope))
        if kind == "chat_member":
            user_id = Params(scope).integer("user_id")
            if user_id is None:
                raise bad_request("user not found")
            return (kind, chat.id, user_id)
        return (kind, chat.id, None)

    def _language(self, p: Params) -> str:
        code = p.string("language_code") or ""
        if code and not _LANGUAGE_CODE.fullmatch(code):
            raise bad_request("invalid language code specified")
        return code

    # -- identity and lifecycle ---------------------------------------------------------
    @api_method("getMe")
    async def get_me(self, p: Params) -> dict[str, Any]:
        return {
            **self.emu.bot_user,
            "can_join_groups": True,
            "can_read_all_group_messages": False,
            "supports_inline_queries": False,
            "can_connect_to_business": False,
            "has_main_web_app": False,
        }

    @api_method("logOut", "close")
    async def log_out(self, p: Params) -> bool:
        return True

    # -- updates ------------------------------------------------------------------------
    @api_method("getUpdates")
    async def get_updates(self, p: Params) -> list[dict[str, Any]]:
        if self.emu.webhook.active:
            raise conflict(
                "can't use getUpdates method while webhook is active; "
                "use deleteWebhook to delete the webhook first"
            )
        limit = p.integer("limit") or 100
        allowed = p.json("allowed_updates")
        if allowed is not None and not isinstance(allowed, list):
            raise bad_request("can't parse allowed_updates JSON object")
        return await self.emu.updates.get_updates(
            offset=p.integer("offset"),
            limit=min(max(limit, 1), 100),
            timeout=p.number("timeout") or 0.0,
            allowed_updates=allowed,
        )

    @api_method("setWebhook")
    async def set_webhook(self, p: Params) -> bool:
        url = (p.string("url") or "").strip()
        if not url:
            await self.emu.webhook.stop()
            return True
        if not _FILE_URL.match(url):
            # Telegram demands HTTPS; the emulator also accepts http:// for local bots.
            raise bad_request("bad webhook: An HTTPS URL must be provided for webhook")
        secret = p.string("secret_token")
        if secret is not None and not _SECRET_TOKEN.fullmatch(secret):
            raise bad_request("secret token contains unallowed characters")
        max_connections = p.integer("max_connections") or 40
        if not 1 <= max_connections <= 100:
            raise bad_request("bad webhook: max_connections must be between 1 and 100")
        allowed = p.json("allowed_updates")
        if allowed is not None:
            if not isinstance(allowed, list):
                raise bad_request("can't parse allowed_updates JSON object")
            self.emu.updates.allowed_updates = list(allowed)
        if p.flag("drop_pending_updates"):
            self.emu.updates.clear()
        self.emu.webhook.configure(url, secret, max_connections)
        return True

    @api_method("deleteWebhook")
    async def delete_webhook(self, p: Params) -> bool:
        if p.flag("drop_pending_updates"):
            self.emu.updates.clear()
        await self.emu.webhook.stop()
        return True

    @api_method("getWebhookInfo")
    async def get_webhook_info(self, p: Params) -> dict[str, Any]:
        return self.emu.webhook.info()

    # -- sending ------------------------------------------------------------------------
    @api_method("sendMessage")
    async def send_message(self, p: Params) -> dict[str, Any]:
        chat = self._writable_chat(p)
        formatted = self._text(p)
        markup = validate_reply_markup(p.json("reply_markup"))
        reply_to = self._reply_to(chat, p)
        self._throttle(chat, p)
        message = self._new_message(
            chat, "text", formatted, p, html_field="text", markup=markup, reply_to=reply_to
        )
        return message.to_api()

    @api_method(*_FILE_METHODS)
    async def send_file(self, p: Params) -> dict[str, Any]:
        kind, has_caption = _FILE_METHODS[p.method]
        chat = self._writable_chat(p)
        files = self._input_file(p.raw(kind), kind)
        caption = self._caption(p) if has_caption else FormattedText("", [])
        markup = validate_reply_markup(p.json("reply_markup"))
        reply_to = self._reply_to(chat, p)
        self._throttle(chat, p)
        message = self._new_message(
            chat,
            kind,
            caption,
            p,
            html_field="caption",
            markup=markup,
            reply_to=reply_to,
            files=files,
        )
        return message.to_api()

    @api_method("sendLocation")
    async def send_location(self, p: Params) -> dict[str, Any]:
        chat = self._writable_chat(p)
        latitude = p.number("latitude", required=True) or 0.0
        longitude = p.number("longitude", required=True) or 0.0
        if not -90 <= latitude <= 90 or not -180 <= longitude <= 180:
            raise bad_request("wrong location specified")
        markup = validate_reply_markup(p.json("reply_markup"))
        reply_to = self._reply_to(chat, p)
        self._throttle(chat, p)
        message = self._new_message(
            chat,
            "location",
            FormattedText("", []),
            p,
            html_field="caption",
            markup=markup,
            reply_to=reply_to,
            location={"latitude": latitude, "longitude": longitude},
        )
        return message.to_api()

    @api_method("sendMediaGroup")
    async def send_media_group(self, p: Params) -> list[dict[str, Any]]:
        chat = self._writable_chat(p)
        media = p.json("media")
        if not isinstance(media, list) or not 2 <= len(media) <= 10:
            raise bad_request("media group must contain 2-10 items")
        kinds = {item.get("type") for item in media if isinstance(item, dict)}
        if len(kinds) != 1 and not kinds <= {"photo", "video"}:
            raise bad_request("documents and audio files can't be mixed with other media types")
        prepared = []
        for item in media:
            if not isinstance(item, dict) or item.get("type") not in _CAPTION_KINDS:
                raise bad_request("can't parse InputMedia JSON object")
            item_params = Params(item)
            kind = item["type"]
            prepared.append((kind, self._input_file(item.get("media"), kind), item_params))
        captions = [self._caption(item_params) for _, _, item_params in prepared]
        reply_to = self._reply_to(chat, p)
        self._throttle(chat, p)  # an album takes one token, however many items it has
        group_id = str(time.time_ns())
        messages = [
            self._new_message(
                chat,
                kind,
                caption,
                item_params,
                html_field="caption",
                markup=None,
                reply_to=reply_to,
                files=files,
                media_group_id=group_id,
            )
            for (kind, files, item_params), caption in zip(prepared, captions, strict=True)
        ]
        return [message.to_api() for message in messages]

    @api_method("sendChatAction")
    async def send_chat_action(self, p: Params) -> bool:
        chat = self._writable_chat(p)
        action = p.string("action") or ""
        if action not in CHAT_ACTIONS:
            raise bad_request("wrong parameter action in request")
        chat.actions.append(action)
        return True

    # -- editing and deleting -----------------------------------------------------------
    @api_method("editMessageText")
    async def edit_message_text(self, p: Params) -> dict[str, Any]:
        chat, message = self._editable(p)
        if message.kind != "text":
            raise bad_request("there is no text in the message to edit")
        formatted = self._text(p)
        markup = validate_reply_markup(p.json("reply_markup"), inline_only=True)
        if (
            formatted.text == message.text
            and formatted.entities == message.entities
            and markup == self._inline_part(message.reply_markup)
        ):
            raise bad_request(NOT_MODIFIED)
        self._throttle(chat, p)
        return self._apply_edit(
            chat,
            message,
            markup=markup,
            formatted=formatted,
            html=p.string("text"),
            parse_mode=p.string("parse_mode"),
        )

    @api_method("editMessageCaption")
    async def edit_message_caption(self, p: Params) -> dict[str, Any]:
        chat, message = self._editable(p)
        if message.kind not in _CAPTION_KINDS:
            raise bad_request("there is no caption in the message to edit")
        formatted = self._caption(p)
        markup = validate_reply_markup(p.json("reply_markup"), inline_only=True)
        if (
            formatted.text == message.text
            and formatted.entities == message.entities
            and markup == self._inline_part(message.reply_markup)
        ):
            raise bad_request(NOT_MODIFIED)
        self._throttle(chat, p)
        return self._apply_edit(
            chat,
            message,
            markup=markup,
            formatted=formatted,
            html=p.string("caption"),
            parse_mode=p.string("parse_mode"),
        )

    @api_method("editMessageReplyMarkup")
    async def edit_message_reply_markup(self, p: Params) -> dict[str, Any]:
        chat, message = self._editable(p)
        markup = validate_reply_markup(p.json("reply_markup"), inline_only=True)
        if markup == self._inline_part(message.reply_markup):
            raise bad_request(NOT_MODIFIED)
        self._throttle(chat, p)
        return self._apply_edit(chat, message, markup=markup)

    def _delete(self, chat: ChatState, message_id: int) -> bool:
        message = chat.bot_messages.get(message_id)
        if message is not None and not message.deleted:
            message.deleted = True
            chat.record(message_id)
            return True
        return chat.incoming.pop(message_id, None) is not None

    @api_method("deleteMessage")
    async def delete_message(self, p: Params) -> bool:
        chat = self._chat(p)
        message_id = p.integer("message_id")
        if message_id is None:
            raise bad_request("message identifier is not specified")
        if not self._delete(chat, message_id):
            raise bad_request("message to delete not found")
        return True

    @api_method("deleteMessages")
    async def delete_messages(self, p: Params) -> bool:
        chat = self._chat(p)
        ids = p.json("message_ids")
        if not isinstance(ids, list) or not 1 <= len(ids) <= 100:
            raise bad_request("message_ids must be an array of 1-100 message identifiers")
        for message_id in ids:
            self._delete(chat, int(message_id))
        return True

    # -- buttons ------------------------------------------------------------------------
    @api_method("answerCallbackQuery")
    async def answer_callback_query(self, p: Params) -> bool:
        query_id = p.string("callback_query_id") or ""
        record = self.emu.callbacks.get(query_id)
        if record is None or record.answer is not None or self.emu.callback_expired(record):
            raise bad_request(QUERY_TOO_OLD)
        text = p.string("text")
        if text and utf16_len(text) > MAX_CALLBACK_ANSWER_LENGTH:
            raise bad_request("MESSAGE_TOO_LONG")
        record.answer = CallbackAnswer(
            query_id=query_id,
            text=text,
            show_alert=p.flag("show_alert"),
            url=p.string("url"),
            cache_time=p.integer("cache_time") or 0,
        )
        return True

    # -- commands and profile -----------------------------------------------------------
    @api_method("setMyCommands")
    async def set_my_commands(self, p: Params) -> bool:
        commands = p.json("commands")
        if not isinstance(commands, list):
            raise bad_request("can't parse commands JSON object")
        if len(commands) > 100:
            raise bad_request("too many commands specified")
        stored = []
        for command in commands:
            if not isinstance(command, dict):
                raise bad_request("can't parse BotCommand JSON object")
            name, description = command.get("command"), command.get("description")
            if not isinstance(name, str) or not _COMMAND.fullmatch(name):
                raise bad_request("BOT_COMMAND_INVALID")
            if not isinstance(description, str) or not 1 <= len(description.strip()) <= 256:
                raise bad_request("BOT_COMMAND_DESCRIPTION_INVALID")
            stored.append({"command": name, "description": description})
        key = (*self.scope_key(p.json("scope")), self._language(p))
        if stored:
            self.emu.command_sets[key] = stored
        else:
            self.emu.command_sets.pop(key, None)
        return True

    @api_method("getMyCommands")
    async def get_my_commands(self, p: Params) -> list[dict[str, str]]:
        key = (*self.scope_key(p.json("scope")), self._language(p))
        return [dict(c) for c in self.emu.command_sets.get(key, [])]

    @api_method("deleteMyCommands")
    async def delete_my_commands(self, p: Params) -> bool:
        key = (*self.scope_key(p.json("scope")), self._language(p))
        self.emu.command_sets.pop(key, None)
        return True

    @api_method("setMyDescription", "setMyShortDescription", "setMyName")
    async def set_bot_text(self, p: Params) -> bool:
        field, max_length = _BOT_TEXTS[p.method[len("setMy") :]]
        value = p.string(field) or ""
        if len(value) > max_length:
            raise bad_request(f"{field.replace('_', ' ')} is too long")
        key = (field, self._language(p))
        if value:
            self.emu.bot_texts[key] = value
        else:
            self.emu.bot_texts.pop(key, None)
        return True

    @api_method("getMyDescription", "getMyShortDescription", "getMyName")
    async def get_bot_text(self, p: Params) -> dict[str, str]:
        field, _ = _BOT_TEXTS[p.method[len("getMy") :]]
        language = self._language(p)
        value = self.emu.bot_texts.get((field, language))
        if value is None:
            value = self.emu.bot_texts.get((field, ""), "")
        if field == "name" and not value:
            value = self.emu.bot_user["first_name"]
        return {field: value}

    @api_method("setChatMenuButton")
    async def set_chat_menu_button(self, p: Params) -> bool:
        chat_id = self._chat(p).id if "chat_id" in p else None
        button = p.json("menu_button") or {"type": "default"}
        if not isinstance(button, dict) or "type" not in button:
            raise bad_request("can't parse MenuButton JSON object")
        self.emu.menu_buttons[chat_id] = button
        return True

    @api_method("getChatMenuButton")
    async def get_chat_menu_button(self, p: Params) -> dict[str, Any]:
        chat_id = self._chat(p).id if "chat_id" in p else None
        default = self.emu.menu_buttons.get(None, {"type": "commands"})
        return dict(self.emu.menu_buttons.get(chat_id, default))

    # -- chats and files ----------------------------------------------------------------
    @api_method("getChat")
    async def get_chat(self, p: Params) -> dict[str, Any]:
        chat = self._chat(p)
        return {
            **chat.to_api(),
            "accent_color_id": 0,
            "max_reaction_count": 11,
            "accepted_gift_types": {
                "unlimited_gifts": False,
                "limited_gifts": False,
                "unique_gifts": False,
                "premium_subscription": False,
                "gifts_from_channels": False,
            },
        }

    @api_method("getChatMember")
    async def get_chat_member(self, p: Params) -> dict[str, Any]:
        chat = self._chat(p)
        user_id = p.integer("user_id", required=True)
        if user_id == self.emu.bot_id:
            return self.emu.bot_member(chat.bot_status or "member")
        profile = self.emu.profile(user_id) if user_id is not None else None
        if profile is None:
            raise bad_request("PARTICIPANT_ID_INVALID")
        if chat.type == "private":
            status = "member" if chat.id == user_id else "left"
        elif user_id in chat.admins:
            return {
                "status": "administrator",
                "user": profile.to_api(),
                "can_be_edited": False,
                **ADMIN_RIGHTS,
            }
        else:
            status = "member" if user_id in chat.members else "left"
        return {"status": status, "user": profile.to_api()}

    @api_method("getChatAdministrators")
    async def get_chat_administrators(self, p: Params) -> list[dict[str, Any]]:
        chat = self._chat(p)
        if chat.type == "private":
            raise bad_request("there are no administrators in the private chat")
        admins = [
            {"status": "administrator", "user": profile.to_api(), "can_be_edited": False}
            | ADMIN_RIGHTS
            for user_id, profile in chat.members.items()
            if user_id in chat.admins
        ]
        if chat.bot_status == "administrator":
            admins.append(self.emu.bot_member("administrator"))
        return admins

    @api_method("leaveChat")
    async def leave_chat(self, p: Params) -> bool:
        chat = self._group_of_bot(p)
        self.emu.set_bot_status(chat, "left", None)
        return True

    @api_method("getFile")
    async def get_file(self, p: Params) -> dict[str, Any]:
        file_id = (p.string("file_id", required=True) or "").strip()
        stored = self.emu.files.get(file_id)
        if stored is None:
            raise bad_request("invalid file_id")
        return stored.file_api()
