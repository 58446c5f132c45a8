"""/mydata and /forget: a person's own data, to take along or to erase."""

from __future__ import annotations

from bot.chat.replies import Answer, File, Reply
from bot.delivery import places
from bot.domain import privacy
from bot.flows.entries import Command
from bot.flows.steps import Context, Finish, Flow, Outcome, Step
from bot.i18n import N_, Html


async def my_data(ctx: Context) -> Answer:
    document = await privacy.export(ctx.session, ctx.person, ctx.now)
    file = File("wijkbot-my-data.json", data=document, mime="application/json")
    return Answer([Reply(ctx.t._("Here is everything Wijkbot stores about you."), document=file)])


async def forget(ctx: Context) -> None:
    """Erase the person; a place they held (or was offered to them) is offered on, as after
    leaving."""
    offers = await privacy.forget(ctx.session, ctx.person, ctx.now)
    await places.offer(ctx.session, offers, ctx.now)
    ctx.forgotten = True


class ConfirmForget(Step):
    name = "confirm"

    async def show(self, ctx: Context) -> Reply:
        t = ctx.t
        return Reply(
            Html(
                "⚠️ "
                + t._("Do you want Wijkbot to forget you? All your data will be erased.")
                + "\n"
                + t._("Initiatives you started stay for the neighbourhood, without your name.")
            ),
            buttons=(
                (ctx.button(t._("Yes, forget me"), "forget", "yes"),),
                (ctx.button(t._("No, keep my data"), "forget", "no"),),
            ),
        )

    async def on_button(self, ctx: Context, action: str, arg: str) -> Outcome | None:
        if action != "forget" or arg not in ("yes", "no"):
            return None
        if arg == "no":
            return Finish([Reply(ctx.t._("Nothing was erased."), edit=True)])
        farewell = ctx.t._(
            "Done. Wijkbot has forgotten you. Send /start if you ever want to come back."
        )
        await forget(ctx)
        return Finish([Reply(farewell, edit=True)])

    def hint(self, ctx: Context) -> Html:
        return ctx.t._("Please answer with one of the buttons below.")


class ForgetFlow(Flow):
    name = "forget"
    code = "f"
    command = Command("forget", N_("Have Wijkbot forget you"), position=70)

    def __init__(self) -> None:
        super().__init__(ConfirmForget())
