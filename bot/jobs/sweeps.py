"""Sweeps: turn what is due into outbox rows, set-based and idempotent.

Each sweep is a fixed handful of INSERT ... SELECT statements, whatever the
number of residents, and runs any number of times without sending anything
twice: the outbox key (person, kind, subject, period) sees to that.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement, Select, String, and_, cast, func, literal, or_, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from bot.delivery import broadcasting, chat_posts, outbox, places
from bot.delivery.kinds.digest import week_counts
from bot.delivery.kinds.proposals import SUMMARY_WINDOW
from bot.domain import (
    actions,
    activity_reports,
    chat_links,
    goals,
    network,
    operations,
    roles,
    waiting_list,
)
from bot.domain.models import (
    Action,
    ActionStatus,
    Broadcast,
    BroadcastStatus,
    Commitment,
    CommitmentStatus,
    Goal,
    Initiative,
    InitiativeStatus,
    Neighbourhood,
    Person,
    Role,
    RoleGrant,
    Signup,
    SignupStatus,
)
from bot.domain.weeks import week_of

REMINDERS = (("24h", timedelta(hours=24)), ("2h", timedelta(hours=2)))
# Monday 09:00 local time: the weekly news of whoever did not choose another day and hour.
DIGEST_DAY, DIGEST_HOUR = 0, 9


async def action_reminders(session: AsyncSession, now: datetime) -> int:
    """Reminders 24 h and 2 h before an activity, to everyone who joined it."""
    added = 0
    later = timedelta(0)
    for period, ahead in reversed(REMINDERS):  # 2h first: (now, now+2h], then (now+2h, now+24h]
        subject = literal("action:", String) + cast(Action.id, String)
        rows = (
            select(*outbox.columns(Signup.person_id, "action_reminder", subject, period, now))
            .join(Action, Action.id == Signup.action_id)
            .join(Person, Person.id == Signup.person_id)
            .where(
                Signup.status == SignupStatus.JOINED,
                Action.status == ActionStatus.OPEN,
                Action.starts_at > now + later,
                Action.starts_at <= now + ahead,
                Person.unreachable_at.is_(None),
            )
        )
        added += await outbox.insert_selected(session, rows)
        later = ahead
    return added


async def weekly_digest(session: AsyncSession, now: datetime) -> int:
    """The week's news to every resident, if there is news: on the weekday and from the hour
    each chose (Monday 09:00 unless they changed it), local time; once a week."""
    added = 0
    for neighbourhood in await session.scalars(select(Neighbourhood)):
        zone = ZoneInfo(neighbourhood.timezone)
        local = now.astimezone(zone)
        if not any((await week_counts(session, neighbourhood.id, now)).values()):
            continue  # nothing to celebrate: no message
        if local.weekday() == DIGEST_DAY and local.hour >= DIGEST_HOUR:
            # The neighbourhood's own group hears it at the usual moment, Monday 09:00.
            added += await chat_posts.wins_of_week(session, neighbourhood, now)
        subject = literal(f"neighbourhood:{neighbourhood.id}", String)
        rows = select(
            *outbox.columns(Person.id, "weekly_digest", subject, week_of(now, zone), now)
        ).where(
            and_(
                Person.neighbourhood_id == neighbourhood.id,
                Person.consent_at.is_not(None),
                Person.unreachable_at.is_(None),
                Person.digest_day == local.weekday(),
                Person.digest_hour <= local.hour,
            )
        )
        added += await outbox.insert_selected(session, rows)
    return added


async def proposals_summaries(session: AsyncSession, now: datetime) -> int:
    """Coordinators who chose one summary a day get it from their hour, in their own
    neighbourhood's time zone: the day's new proposals that still wait, once a day."""
    added = 0
    for home in await session.scalars(select(Neighbourhood)):
        local = now.astimezone(ZoneInfo(home.timezone))
        waiting = (
            select(Initiative.id)
            .where(
                Initiative.neighbourhood_id == RoleGrant.neighbourhood_id,
                Initiative.status == InitiativeStatus.SUBMITTED,
                Initiative.submitted_at > now - SUMMARY_WINDOW,
            )
            .exists()
        )
        subject = literal("neighbourhood:", String) + cast(RoleGrant.neighbourhood_id, String)
        period = local.date().isoformat()
        rows = (
            select(*outbox.columns(RoleGrant.person_id, "proposals_summary", subject, period, now))
            .join(Person, Person.id == RoleGrant.person_id)
            .where(
                RoleGrant.role.in_(list(roles.REVIEWERS)),
                Person.neighbourhood_id == home.id,
                Person.proposals_summary_hour <= local.hour,
                Person.unreachable_at.is_(None),
                waiting,
            )
        )
        added += await outbox.insert_selected(session, rows)
    return added


async def scheduled_broadcasts(session: AsyncSession, now: datetime) -> int:
    """Broadcasts whose time has come: one outbox row per person in the audience."""
    added = 0
    due = await session.scalars(
        select(Broadcast).where(
            Broadcast.status == BroadcastStatus.SCHEDULED, Broadcast.scheduled_for <= now
        )
    )
    for broadcast in due:
        added += await broadcasting.expand(session, broadcast, now)
    return added


async def finished_broadcasts(session: AsyncSession, now: datetime) -> int:
    """Broadcasts with nothing left to send: done, and a report to their author."""
    return await broadcasting.report_finished(session, now)


DRAFT_LEFT = timedelta(days=2)
SILENT = timedelta(days=14)
CELEBRATE_WITHIN = timedelta(days=2)  # an activity that ended longer ago is not celebrated


async def draft_nudges(session: AsyncSession, now: datetime) -> int:
    """A gentle nudge about a proposal left unfinished for two days (once per pause)."""
    subject = literal("initiative:", String) + cast(Initiative.id, String)
    period = cast(Initiative.updated_at, String)
    rows = (
        select(*outbox.columns(Initiative.owner_id, "nudge_draft", subject, "", now))
        .join(Person, Person.id == Initiative.owner_id)
        .where(
            Initiative.status == InitiativeStatus.DRAFT,
            Initiative.updated_at < now - DRAFT_LEFT,
            Person.unreachable_at.is_(None),
        )
    )
    return await _with_period(session, rows, period)


async def silent_nudges(session: AsyncSession, now: datetime) -> int:
    """A nudge to a lead whose approved initiative has had no news for 14 days."""
    last_news = func.coalesce(Initiative.last_progress_at, Initiative.decided_at)
    subject = literal("initiative:", String) + cast(Initiative.id, String)
    rows = (
        select(*outbox.columns(Initiative.owner_id, "nudge_silent", subject, "", now))
        .join(Person, Person.id == Initiative.owner_id)
        .where(
            Initiative.status == InitiativeStatus.APPROVED,
            last_news < now - SILENT,
            Person.unreachable_at.is_(None),
        )
    )
    return await _with_period(session, rows, cast(last_news, String))


async def _with_period(session: AsyncSession, rows: Select[Any], period: ColumnElement[str]) -> int:
    """Replace the (empty) period of `rows` by an SQL expression, in the key too."""
    selected = list(rows.selected_columns)
    person_id, kind, subject = selected[1], selected[2], selected[3]
    selected[0] = cast(person_id, String) + "|" + kind + "|" + subject + "|" + period
    selected[4] = period
    return await outbox.insert_selected(session, rows.with_only_columns(*selected))


async def finished_actions(session: AsyncSession, now: datetime) -> int:
    """🎉 to the people who joined an activity that has just taken place; when check-in was
    used there (someone checked in), to those who came."""
    subject = literal("action:", String) + cast(Action.id, String)
    came = aliased(Signup)
    check_in_used = (
        select(came.id).where(came.action_id == Action.id, came.checked_in_at.is_not(None)).exists()
    )
    rows = (
        select(*outbox.columns(Signup.person_id, "celebration_action_done", subject, "", now))
        .join(Action, Action.id == Signup.action_id)
        .join(Person, Person.id == Signup.person_id)
        .where(
            Signup.status == SignupStatus.JOINED,
            or_(Signup.checked_in_at.is_not(None), ~check_in_used),
            Action.status != ActionStatus.CANCELLED,
            actions.ended_before(now),
            Action.starts_at > now - CELEBRATE_WITHIN,
            Person.unreachable_at.is_(None),
        )
    )
    return await outbox.insert_selected(session, rows)


DUE_SOON = timedelta(days=3)


def _partners_of(commitment_filter: list[ColumnElement[bool]]) -> Select[Any]:
    """(partner person, commitment) pairs: partners of the commitment's organisation there."""
    return (
        select(RoleGrant.person_id, Commitment.id)
        .join(
            Commitment,
            and_(
                Commitment.organisation_id == RoleGrant.organisation_id,
                Commitment.neighbourhood_id == RoleGrant.neighbourhood_id,
            ),
        )
        .where(RoleGrant.role == Role.PARTNER, Commitment.status != CommitmentStatus.DONE)
        .where(*commitment_filter)
    )


async def commitment_reminders(session: AsyncSession, now: datetime) -> int:
    """Partners: a reminder 3 days before a commitment is due, and a weekly nudge when overdue;
    coordinators: a weekly list of what is overdue in their neighbourhood."""
    today = now.date()
    added = 0
    for kind, condition, period in (
        (
            "commitment_due",
            [Commitment.due_on >= today, Commitment.due_on <= today + DUE_SOON],
            "due",
        ),
        ("commitment_overdue", [Commitment.due_on < today], week_of(now, ZoneInfo("UTC"))),
    ):
        pairs = _partners_of(condition).subquery()
        subject = literal("commitment:", String) + cast(pairs.c.id, String)
        rows = select(*outbox.columns(pairs.c.person_id, kind, subject, period, now)).select_from(
            pairs
        )
        added += await outbox.insert_selected(session, rows)

    overdue_here = (
        select(Commitment.id)
        .where(
            Commitment.neighbourhood_id == RoleGrant.neighbourhood_id,
            Commitment.status != CommitmentStatus.DONE,
            Commitment.due_on < today,
        )
        .exists()
    )
    subject = literal("neighbourhood:", String) + cast(RoleGrant.neighbourhood_id, String)
    rows = select(
        *outbox.columns(
            RoleGrant.person_id, "overdue_summary", subject, week_of(now, ZoneInfo("UTC")), now
        )
    ).where(RoleGrant.role.in_([Role.COORDINATOR, Role.ADMIN]), overdue_here)
    return added + await outbox.insert_selected(session, rows)


async def goal_celebrations(session: AsyncSession, now: datetime) -> int:
    """🎉 to a neighbourhood's residents when one of its goals passes 25, 50, 75 or 100 %:
    each threshold once (the goal remembers what was celebrated; see goals.to_celebrate)."""
    added = 0
    neighbourhoods = await session.scalars(
        select(Goal.neighbourhood_id).where(Goal.celebrated < max(goals.THRESHOLDS)).distinct()
    )
    for neighbourhood_id in list(neighbourhoods):
        for item in await goals.to_celebrate(session, neighbourhood_id):
            subject = literal(f"goal:{item.goal.id}", String)
            period = str(item.goal.celebrated)
            added += await chat_posts.post(
                session, neighbourhood_id, "chat_goal", f"goal:{item.goal.id}", period, now
            )
            rows = select(
                *outbox.columns(Person.id, "celebration_goal", subject, period, now)
            ).where(
                Person.neighbourhood_id == neighbourhood_id,
                Person.consent_at.is_not(None),
                Person.unreachable_at.is_(None),
            )
            added += await outbox.insert_selected(session, rows)
    return added


async def report_requests(session: AsyncSession, now: datetime) -> int:
    """ "How did it go?" to the lead of an activity that is over, and a reminder after 3 and
    after 7 days while there is no report (each once: the period is in the key)."""
    added = 0
    subject = literal("action:", String) + cast(Action.id, String)
    for period, after in activity_reports.ASKS:
        rows = (
            select(*outbox.columns(Initiative.owner_id, "report_request", subject, period, now))
            .select_from(Action)
            .join(Initiative, Initiative.id == Action.initiative_id)
            .join(Person, Person.id == Initiative.owner_id)
            .where(
                Initiative.status == InitiativeStatus.APPROVED,
                Action.status != ActionStatus.CANCELLED,
                actions.ended_before(now - after),
                ~actions.ended_before(now - after - activity_reports.CATCH_UP),
                activity_reports.not_reported(),
                Person.unreachable_at.is_(None),
            )
        )
        added += await outbox.insert_selected(session, rows)
    return added


async def unconfirmed_chats(session: AsyncSession, now: datetime) -> int:
    """Groups and channels nobody confirmed within two days are left (by the sender)."""
    return await chat_links.expire(session, now)


async def offer_expiry(session: AsyncSession, now: datetime) -> int:
    """Offered places nobody took in time go to the next person waiting.

    Not one INSERT ... SELECT: each activity is locked while its offers end and its places
    are offered on, as joining and leaving lock it, so that no place is given twice.
    """
    return await places.offer(session, await waiting_list.expire(session, now), now)


REPORT_HOUR = 9  # the monthly report: the first of the month, from 09:00 local time
REPORT_CATCH_UP = 3  # days: a report the scheduler missed (it was down) still goes out


async def network_report(session: AsyncSession, now: datetime) -> int:
    """On the first of the month: last month's state of the network to every coordinator of
    the neighbourhood, once (the month is the period); its numbers are kept as counted."""
    added = 0
    for neighbourhood in await session.scalars(select(Neighbourhood)):
        zone = ZoneInfo(neighbourhood.timezone)
        local = now.astimezone(zone)
        if local.day > REPORT_CATCH_UP:
            continue
        month = network.Month.before(now, zone)
        # Counted at the first sweep of the month (just after midnight), sent from 09:00.
        await network.record(session, neighbourhood.id, month, now)
        if local.day == 1 and local.hour < REPORT_HOUR:
            continue
        subject = literal(f"neighbourhood:{neighbourhood.id}", String)
        rows = (
            select(*outbox.columns(RoleGrant.person_id, "network_report", subject, month.key, now))
            .join(Person, Person.id == RoleGrant.person_id)
            .where(
                RoleGrant.neighbourhood_id == neighbourhood.id,
                RoleGrant.role.in_([Role.COORDINATOR, Role.ADMIN]),
                Person.unreachable_at.is_(None),
            )
        )  # a coordinator who is an admin too: one key, so one message
        added += await outbox.insert_selected(session, rows)
    return added


INVITE_HOUR = 10  # silent residents are looked for once a day, from 10:00 local time


async def silence_invitations(session: AsyncSession, now: datetime) -> int:
    """One friendly invitation to a resident silent for 60 days, when something in their buurt
    or on a theme they follow is coming up; once per silence (remembered, see domain.network).

    Looking for them reads every silent resident, so it is done once a day per neighbourhood,
    at the first run from 10:00 local time (the day is kept: later runs that day do nothing),
    and for at most network.INVITE_LIMIT people: whoever is left is invited the next day.
    """
    added = 0
    for neighbourhood in await session.scalars(select(Neighbourhood)):
        local = now.astimezone(ZoneInfo(neighbourhood.timezone))
        if local.hour < INVITE_HOUR:
            continue
        if not await operations.claim_day(
            session, "silence_invitations", neighbourhood.id, local.date()
        ):
            continue
        found = await network.to_invite(session, neighbourhood.id, now, network.INVITE_LIMIT)
        messages = [
            outbox.Message(person_id, "silence_invitation", "network", seen.isoformat())
            for person_id, seen in found
        ]
        added += await outbox.enqueue(session, messages, now=now)
        await network.mark_invited(session, [person_id for person_id, _ in found], now)
    return added


SWEEPS = {
    "action_reminders": action_reminders,
    "offer_expiry": offer_expiry,
    "report_requests": report_requests,
    "weekly_digest": weekly_digest,
    "proposals_summaries": proposals_summaries,
    "scheduled_broadcasts": scheduled_broadcasts,
    "finished_broadcasts": finished_broadcasts,
    "draft_nudges": draft_nudges,
    "silent_nudges": silent_nudges,
    "finished_actions": finished_actions,
    "commitment_reminders": commitment_reminders,
    "goal_celebrations": goal_celebrations,
    "unconfirmed_chats": unconfirmed_chats,
    "network_report": network_report,
    "silence_invitations": silence_invitations,
}
