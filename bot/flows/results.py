"""Publishing a result: what was achieved, a number, a photo; its followers celebrate.

    initiative (or the neighbourhood as a whole) ─> what ─> number? ─> photo? ─> published

Coordinators publish for any initiative of their neighbourhood; a lead for
their own approved initiative. The neighbourhood sees every result in the
weekly wins on Monday.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import or_, select

from bot.chat.replies import Reply
from bot.delivery import chat_posts
from bot.delivery.audiences import tell_followers
from bot.domain import audit, roles
from bot.domain.models import Initiative, InitiativeStatus, Result
from bot.domain.roles import Permission
from bot.flows import menu
from bot.flows.entries import NOT_ALLOWED, Command, MenuEntry
from bot.flows.steps import Context, Finish, Flow, Next, Outcome, Retry, Step
from bot.flows.text_input import parse_number
from bot.flows.texts import short
from bot.flows.widgets import ChoiceStep, Option, TextStep
from bot.i18n import N_, Html

RESULT_LIMIT = 600
WHOLE = "all"


async def publishable(ctx: Context) -> list[Initiative]:
    coordinated = ctx.neighbourhoods_for(Permission.PUBLISH_RESULTS)
    return list(
        await ctx.session.scalars(
            select(Initiative)
            .where(
                Initiative.status == InitiativeStatus.APPROVED,
                or_(
                    Initiative.neighbourhood_id.in_(coordinated),
                    Initiative.owner_id == ctx.person.id,
                ),
            )
            .order_by(Initiative.decided_at.desc())
            .limit(10)
        )
    )


class ChooseInitiative(ChoiceStep):
    name = "initiative"
    question = N_("Which initiative is the result of?")

    async def auto(self, ctx: Context) -> Outcome | None:
        if not ctx.neighbourhoods_for(Permission.PUBLISH_RESULTS) and not await publishable(ctx):
            return Finish(
                [Reply(ctx.t._("Results are published by coordinators and initiative leads."))]
            )
        return None

    def prompt(self, ctx: Context) -> Html:
        return Html("🏆 " + super().prompt(ctx))

    async def options(self, ctx: Context) -> Sequence[Option]:
        return [Option(str(i.id), short(i.title)) for i in await publishable(ctx)]

    def extra(self, ctx: Context) -> Sequence[Option]:
        if not ctx.neighbourhoods_for(Permission.PUBLISH_RESULTS):
            return ()
        return [Option(WHOLE, ctx.t._("The neighbourhood as a whole"))]

    async def choose(self, ctx: Context, value: str) -> Outcome:
        if value == WHOLE:
            neighbourhood_id = ctx.neighbourhoods_for(Permission.PUBLISH_RESULTS)[0]
            ctx.remember(initiative=None, neighbourhood=neighbourhood_id)
        else:
            chosen = {str(i.id): i for i in await publishable(ctx)}[value]
            ctx.remember(initiative=chosen.id, neighbourhood=chosen.neighbourhood_id)
        return Next("what")


class What(TextStep):
    name = "what"
    question = N_("What was achieved? At most {limit} characters.")
    limit = RESULT_LIMIT

    async def accept(self, ctx: Context, text: str) -> Outcome:
        ctx.remember(text=text)
        return Next("number")


class Number(Step):
    name = "number"

    async def show(self, ctx: Context) -> Reply:
        t = ctx.t
        return Reply(
            t._("Is there a number to show, such as people reached? Type it, or skip."),
            buttons=((ctx.button(t._("Skip"), "skip"),),),
        )

    async def on_text(self, ctx: Context, text: str) -> Outcome | None:
        number, problem = parse_number(ctx.t, text, 0, 10_000_000)
        if problem:
            return Retry(problem)
        ctx.remember(number=number)
        return Next("photo")

    async def on_button(self, ctx: Context, action: str, arg: str) -> Outcome | None:
        if action == "skip":
            ctx.remember(number=None)
            return Next("photo")
        return None


class Photo(Step):
    name = "photo"

    async def show(self, ctx: Context) -> Reply:
        t = ctx.t
        return Reply(
            t._("Add a photo? Send it now, or skip."), buttons=((ctx.button(t._("Skip"), "skip"),),)
        )

    async def on_photo(self, ctx: Context, file_id: str, caption: str) -> Outcome | None:
        return await self._publish(ctx, file_id)

    async def on_button(self, ctx: Context, action: str, arg: str) -> Outcome | None:
        return await self._publish(ctx, None) if action == "skip" else None

    def hint(self, ctx: Context) -> Html:
        return ctx.t._("Please send a photo, or tap Skip.")

    async def _publish(self, ctx: Context, photo: str | None) -> Outcome:
        initiative_id = ctx.data.get("initiative")
        neighbourhood_id = ctx.data["neighbourhood"]
        if initiative_id is None or initiative_id not in {i.id for i in await publishable(ctx)}:
            await roles.require(
                ctx.session, ctx.person.id, Permission.PUBLISH_RESULTS, neighbourhood_id
            )
        result = Result(
            neighbourhood_id=neighbourhood_id,
            initiative_id=initiative_id,
            author_id=ctx.person.id,
            text=ctx.data["text"],
            number=ctx.data.get("number"),
            photo_file_id=photo,
            published_at=ctx.now,
        )
        ctx.session.add(result)
        await ctx.session.flush()
        audit.record(
            ctx.session,
            ctx.now,
            "result.published",
            actor_id=ctx.person.id,
            neighbourhood_id=neighbourhood_id,
            subject=("result", result.id),
        )
        subject = f"result:{result.id}"
        await chat_posts.post(ctx.session, neighbourhood_id, "chat_result", subject, "", ctx.now)
        told = 0
        if initiative_id is not None:
            told = await tell_followers(
                ctx.session,
                initiative_id,
                "celebration_result",
                f"result:{result.id}",
                "",
                ctx.now,
                exclude_person_id=ctx.person.id,
            )
        t = ctx.t
        published = t.n_(
            "Published! {n} follower hears it now; the whole neighbourhood on Monday.",
            "Published! {n} followers hear it now; the whole neighbourhood on Monday.",
            told,
        )
        return Finish([menu.main(ctx, Html("🏆 " + published))])


class ResultFlow(Flow):
    name = "result"
    code = "w"
    menu = MenuEntry(N_("Publish a result"), "🏆", row=11, see=Permission.PUBLISH_RESULTS)
    command = Command("result", before_onboarding=NOT_ALLOWED)

    def __init__(self) -> None:
        super().__init__(ChooseInitiative(), What(), Number(), Photo())
