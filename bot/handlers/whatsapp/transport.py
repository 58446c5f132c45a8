"""The sender's transport for WhatsApp: free-form inside the 24-hour window, a template outside.

    deliver(chat_id, reply, push)
      push.window_open ──> render(reply, t) ──> [Outgoing, ...] ──send each──> Graph API
      otherwise        ──> template_message(kind, locale, first_name, reply) ──send──┘
    outcome: the first message's message_key(wamid) (a status webhook finds the row by it)
             · an error: api.outcome_of (WhatsApp's code and title kept); 131056 is this
               person's pair rate only (`chat_only`), 130429 the number's throughput

A reply may take several messages (a long text, then its buttons; lists of ten).
Once the first is out, the row counts as sent (sending it again would repeat that
one), so a later message that WhatsApp asks to wait for is sent after that wait
(`patiently`); one that fails otherwise is logged (type and code, never the text).
"""

from __future__ import annotations

import logging
from collections.abc import Sequence

from bot.chat.replies import Reply
from bot.delivery.transport import Outcome, Push, Result
from bot.handlers.replying import patiently
from bot.handlers.whatsapp.api import Message, WhatsAppApi
from bot.handlers.whatsapp.reading import message_key
from bot.handlers.whatsapp.render import Outgoing, render
from bot.handlers.whatsapp.templates import template_message
from bot.i18n import translator
from bot.logs import event

log = logging.getLogger(__name__)
PAIR_RATE = 131056  # too many messages to this one person: only their row waits


class WhatsAppTransport:
    def __init__(self, api: WhatsAppApi, *, default_locale: str = "nl") -> None:
        self.api = api
        self.default_locale = default_locale

    def messages(self, reply: Reply, push: Push | None) -> Sequence[Message]:
        """What shows `reply` to the person now: rendered inside the window, else the kind's
        template (a push of unknown kind, e.g. a direct call, is rendered)."""
        if push is not None and not push.window_open:
            type_, body = template_message(push.kind, push.locale, push.first_name, reply)
            return [Outgoing(type_, body)]
        locale = push.locale if push is not None else self.default_locale
        return render(reply, translator(locale))

    async def deliver(
        self, chat_id: int, reply: Reply, *, paid: bool = False, push: Push | None = None
    ) -> Outcome:
        wa_id = str(chat_id)
        messages = self.messages(reply, push)
        if not messages:
            return Outcome(Result.REJECTED, error="nothing WhatsApp can show")
        first, *rest = messages
        try:
            wamid = await self.api.send(wa_id, first)
        except self.api.errors as exc:
            return self.outcome_of(exc)
        for message in rest:
            try:
                await patiently(self.api, lambda message=message: self.api.send(wa_id, message))
            except self.api.errors as exc:
                outcome = self.outcome_of(exc)
                event(log, "whatsapp.part_lost", logging.ERROR, error=outcome.error.split(" ")[0])
                if outcome.result is Result.UNREACHABLE:
                    break
        return Outcome(Result.SENT, message_id=message_key(wamid))

    def outcome_of(self, error: Exception) -> Outcome:
        outcome = self.api.outcome_of(error)
        if getattr(error, "code", None) == PAIR_RATE:
            return Outcome(
                Result.RETRY_AFTER,
                retry_after=outcome.retry_after,
                error=outcome.error,
                chat_only=True,
            )
        return outcome

    async def leave(self, chat_id: int) -> Outcome:
        return Outcome(Result.REJECTED, error="WhatsApp has no groups of Wijkbot's to leave")
