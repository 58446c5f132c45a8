"""The neighbourhood's own group or channel (📢, /group), for coordinators.

    chats ──(✅ title → neighbourhood)──> linked: a welcome is posted there ──> main menu
      │   ──(✖️ not for Wijkbot)───────> refused: the bot leaves that chat
      └───(🚪 unlink)──> unlink ──(yes)──> the bot leaves the chat ──> main menu

A coordinator adds the bot to the group or channel as an administrator; Telegram tells
the bot who did, and that coordinator is asked here which of their neighbourhoods it is
for. Every choice is checked again in the core (bot/domain/chat_links.py): only the
person who added the bot, and only for a neighbourhood they coordinate.
"""

from __future__ import annotations

from bot.chat.replies import Reply
from bot.delivery import chat_posts
from bot.domain import chat_links
from bot.domain.models import ChatLink, Neighbourhood
from bot.domain.roles import Permission
from bot.flows import menu
from bot.flows.entries import NOT_ALLOWED, Command, MenuEntry
from bot.flows.steps import Context, Finish, Flow, Next, Outcome, Refresh, Step
from bot.flows.texts import short  # button labels are plain text: filled, not escaped
from bot.i18n import N_, Html

MOST_CHOICES = 4  # neighbourhoods offered for one chat (a coordinator rarely has two)


def refusal(ctx: Context) -> Html:
    return ctx.t._("Sorry, only coordinators of this neighbourhood can do that.")


async def names(ctx: Context, ids: list[int]) -> dict[int, str]:
    found = {}
    for neighbourhood_id in ids:
        neighbourhood = await ctx.session.get(Neighbourhood, neighbourhood_id)
        if neighbourhood is not None:
            found[neighbourhood_id] = neighbourhood.name
    return found


class Chats(Step):
    name = "chats"

    async def auto(self, ctx: Context) -> Outcome | None:
        if not ctx.neighbourhoods_for(Permission.LINK_CHAT):
            return Finish([Reply(refusal(ctx))])
        return None

    async def show(self, ctx: Context) -> Reply:
        t = ctx.t
        scope = ctx.neighbourhoods_for(Permission.LINK_CHAT)
        named = await names(ctx, scope)
        lines = ["📢 <b>" + t._("Group or channel") + "</b>"]
        buttons = []
        for link in await chat_links.linked(ctx.session, scope):
            where = named.get(link.neighbourhood_id or 0, "?")
            lines.append(
                "✅ " + t._("{neighbourhood}: “{title}”", neighbourhood=where, title=link.title)
            )
            label = "🚪 " + t._("Unlink “{title}”").format(title=short(link.title, 24))
            buttons.append((ctx.button(label, "unlink", link.id),))
        for link in await chat_links.pending_for(ctx.session, ctx.person.id):
            lines.append("⏳ " + t._("“{title}” waits for your answer.", title=link.title))
            title = short(link.title, 20)
            for neighbourhood_id in scope[:MOST_CHOICES]:
                label = "✅ " + t._("“{title}” for {neighbourhood}").format(
                    title=title, neighbourhood=short(named.get(neighbourhood_id, "?"), 20)
                )
                buttons.append((ctx.button(label, "link", f"{link.id}.{neighbourhood_id}"),))
            label = "✖️ " + t._("“{title}” is not for Wijkbot").format(title=title)
            buttons.append((ctx.button(label, "refuse", link.id),))
        lines += [
            "",
            t._(
                "Wijkbot posts approved initiatives, results, goals reached and the wins of "
                "the week in the neighbourhood’s own Telegram group or channel, in the "
                "neighbourhood’s language. To link one, add Wijkbot to it as an administrator; "
                "Wijkbot then asks you here which neighbourhood it is for. What people write "
                "in the group is not read or kept."
            ),
        ]
        buttons.append((ctx.button(t._("Done"), "done"),))
        return Reply(Html("\n".join(lines)), buttons=tuple(buttons))

    async def on_button(self, ctx: Context, action: str, arg: str) -> Outcome | None:
        t = ctx.t
        if action == "done":
            return Finish([menu.main(ctx)])
        if action == "link":
            link_id, _, neighbourhood_id = arg.partition(".")
            if not (link_id.isdigit() and neighbourhood_id.isdigit()):
                return None
            link = await chat_links.confirm(
                ctx.session, ctx.person.id, int(link_id), int(neighbourhood_id), ctx.now
            )
            subject = f"neighbourhood:{neighbourhood_id}"
            await chat_posts.post(
                ctx.session, int(neighbourhood_id), "chat_welcome", subject, "", ctx.now
            )
            done = t._(
                "Linked: the news of the neighbourhood now goes to “{title}”.", title=link.title
            )
            return Finish([menu.main(ctx, Html("📢 " + done))])
        if action == "refuse" and arg.isdigit():
            link = await chat_links.refuse(ctx.session, ctx.person.id, int(arg))
            return Refresh(note=t._("Wijkbot leaves “{title}”.", title=link.title))
        if action == "unlink" and arg.isdigit():
            ctx.remember(link=int(arg))
            return Next("unlink")
        return None


class Unlink(Step):
    name = "unlink"

    async def show(self, ctx: Context) -> Reply:
        t = ctx.t
        link = await ctx.session.get(ChatLink, ctx.data.get("link", 0))
        title = link.title if link is not None else "?"
        return Reply(
            t._(
                "Unlink “{title}”? Wijkbot then leaves it and posts nothing there any more.",
                title=title,
            ),
            buttons=((ctx.button("🚪 " + t._("Yes, unlink"), "yes"),),),
        )

    async def on_button(self, ctx: Context, action: str, arg: str) -> Outcome | None:
        if action != "yes":
            return None
        link = await chat_links.unlink(ctx.session, ctx.person.id, ctx.data.get("link", 0), ctx.now)
        done = ctx.t._("Unlinked: Wijkbot leaves “{title}”.", title=link.title)
        return Finish([menu.main(ctx, Html("🚪 " + done))])


class ChatLinkFlow(Flow):
    name = "group"
    code = "v"
    menu = MenuEntry(N_("Group or channel"), "📢", row=11, column=2, see=Permission.LINK_CHAT)
    command = Command("group", before_onboarding=NOT_ALLOWED)

    def __init__(self) -> None:
        super().__init__(Chats(), Unlink())
