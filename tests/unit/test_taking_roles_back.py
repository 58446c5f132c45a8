"""Roles and invites can be taken back; only admins invite coordinators (unless the file says so).

In the chat (an admin's "Roles and invite links"), on the command line
(`wijkbot admin roles | revoke | invites`), and with forged buttons that must
change nothing.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import yaml
from sqlalchemy import func, select

from bot.app import App
from bot.chat.events import Event
from bot.cli import main
from bot.domain import invites, neighbourhoods, roles
from bot.domain.errors import InviteProblem, InviteRefused
from bot.domain.models import AuditEntry, Invite, Organisation, Role, RoleGrant
from tests.chat import Chat, person_with
from tests.conftest import EXAMPLES
from tests.factories import KEY, LANSINGERLAND, new_invite, person_of, redeem


async def overvecht_id(app: App) -> int:
    async with app.sessions() as session:
        place = await neighbourhoods.by_slug(session, "overvecht")
        assert place is not None
        return place.id


async def grant_of(app: App, user_id: int, role: Role) -> RoleGrant | None:
    person = await person_of(app, user_id)
    assert person is not None
    async with app.sessions() as session:
        return await roles.find(session, person.id, role, await overvecht_id(app))


async def count(app: App, model: type, *where: object) -> int:
    async with app.sessions() as session:
        return await session.scalar(select(func.count()).select_from(model).where(*where)) or 0


def version_of(chat: Chat) -> str:
    """The step version in the latest answer's buttons, for forging a button."""
    payload = next(b.payload for r in chat.answers[-1].replies for row in r.buttons for b in row)
    return payload.split(":")[1]


# -- only admins invite coordinators -------------------------------------------------------


async def test_a_coordinator_invites_partners_only_and_a_forged_button_creates_nothing(
    app: App,
) -> None:
    coordinator = await person_with(app, "coordinator", 700)
    await coordinator.send("/invite")
    assert coordinator.labels == ["🤝 A partner organisation"]
    before = await count(app, Invite)
    await coordinator.event(Event.button(f"i:{version_of(coordinator)}:role:coordinator"))
    assert "Sorry, you are not allowed to do that." in coordinator.text
    assert await count(app, Invite) == before


async def test_the_neighbourhood_file_can_let_coordinators_invite_coordinators(app: App) -> None:
    document = yaml.safe_load((EXAMPLES / "overvecht.yaml").read_text(encoding="utf-8"))
    assert document["coordinators_invite_coordinators"] is False  # documented, off by default
    async with app.sessions.begin() as session:
        spec = neighbourhoods.parse({**document, "coordinators_invite_coordinators": True})
        await neighbourhoods.load(session, spec, app.clock.now())
    coordinator = await person_with(app, "coordinator", 710)
    await coordinator.send("/invite")
    await coordinator.press("A fellow coordinator")
    assert "Send this link to the person you invite." in coordinator.text
    assert await count(app, Invite, Invite.role == Role.COORDINATOR) == 2


async def test_an_admin_invites_coordinators(app: App) -> None:
    admin = await person_with(app, "admin", 720)
    await admin.send("/invite")
    await admin.press("A fellow coordinator")
    assert "Send this link to the person you invite." in admin.text


async def test_open_invites_are_capped_per_person(app: App) -> None:
    coordinator = await person_with(app, "coordinator", 730)
    person = await person_of(app, 730)
    assert person is not None
    for _ in range(invites.MAX_OPEN_PER_CREATOR):
        await new_invite(app, Role.COORDINATOR, created_by_id=person.id)
    before = await count(app, Invite), await count(app, Organisation)
    await coordinator.send("/invite")
    await coordinator.press("A partner organisation")
    await coordinator.send("Buurtteam")
    assert "You already have 10 invite links that nobody has used yet." in coordinator.text
    assert (await count(app, Invite), await count(app, Organisation)) == before
    app.clock.advance(timedelta(hours=73))  # the old ones expired: room again
    await coordinator.send("/invite")
    await coordinator.press("A partner organisation")
    await coordinator.send("Buurtteam")
    assert "Send this link to the person you invite." in coordinator.text


# -- taking roles back in the chat ---------------------------------------------------------


async def test_an_admin_takes_a_coordinator_role_back_and_their_menu_shrinks(app: App) -> None:
    admin = await person_with(app, "admin", 740)
    coordinator = await person_with(app, "coordinator", 741)
    await coordinator.send("/start")
    assert any("Review proposals" in label for label in coordinator.labels)

    await admin.send("/start")
    await admin.press("Roles and invite links")
    await admin.press("Who has a role")
    assert "Ann (#" in admin.text and "coordinator" in admin.text
    grant = await grant_of(app, 741, Role.COORDINATOR)
    assert grant is not None
    await admin.event(Event.button(admin.button("· coordinator").payload))
    await admin.press("No, keep it")
    assert "Nothing was changed." in admin.text
    assert await grant_of(app, 741, Role.COORDINATOR) is not None
    await admin.press("· coordinator")
    await admin.press("Yes, take it away")
    assert "no longer has the role coordinator" in admin.text
    assert await grant_of(app, 741, Role.COORDINATOR) is None
    admin_person = await person_of(app, 740)
    assert admin_person is not None
    assert (
        await count(
            app,
            AuditEntry,
            AuditEntry.action == "role.revoked",
            AuditEntry.actor_id == admin_person.id,
            AuditEntry.subject_id == grant.person_id,
        )
        == 1
    )

    await coordinator.send("hello")  # the very next message: grants are read per event
    assert not any("Review proposals" in label for label in coordinator.labels)
    await coordinator.send("/review")
    assert "Sorry" in coordinator.text


async def test_the_last_admin_cannot_be_removed_in_the_chat(app: App) -> None:
    admin = await person_with(app, "admin", 750)
    await admin.send("/roles")
    await admin.press("Who has a role")
    await admin.press("· administrator")
    await admin.press("Yes, take it away")
    assert "is the last administrator here" in admin.text
    assert await grant_of(app, 750, Role.ADMIN) is not None


async def test_an_admin_who_is_not_the_last_may_step_down(app: App) -> None:
    await person_with(app, "admin", 755)
    leaving = await person_with(app, "admin", 756)
    await leaving.send("/roles")
    await leaving.press("Who has a role")
    mine = await grant_of(app, 756, Role.ADMIN)
    assert mine is not None
    await leaving.event(Event.button(f"g:{version_of(leaving)}:pick:{mine.id}"))
    await leaving.press("Yes, take it away")
    assert await grant_of(app, 756, Role.ADMIN) is None
    assert "Roles and invite links" not in leaving.labels  # back at a menu without it


async def test_residents_and_coordinators_cannot_open_roles(app: App) -> None:
    for role, user_id in (("resident", 760), ("coordinator", 761)):
        chat = await person_with(app, role, user_id)
        assert "🔑 Roles and invite links" not in chat.labels
        await chat.send("/roles")
        assert "Sorry" in chat.text


async def test_forged_buttons_from_an_admin_elsewhere_change_nothing(app: App) -> None:
    await person_with(app, "coordinator", 770)
    grant = await grant_of(app, 770, Role.COORDINATOR)
    assert grant is not None
    payload = await new_invite(app, Role.COORDINATOR)
    async with app.sessions() as session:
        invite = await session.scalar(select(Invite).where(Invite.used_at.is_(None)))
        assert invite is not None

    async with app.sessions.begin() as session:
        await neighbourhoods.load(session, neighbourhoods.parse(LANSINGERLAND), app.clock.now())
        elsewhere = await neighbourhoods.by_slug(session, "lansingerland")
        assert elsewhere is not None
        _, admin_payload = await invites.create(
            session,
            KEY,
            role=Role.ADMIN,
            neighbourhood_id=elsewhere.id,
            now=app.clock.now(),
            ttl=timedelta(hours=1),
        )
    outsider = Chat(app, 771, language_code="en")
    await outsider.send(f"/start {admin_payload}")
    await outsider.press("English")
    await outsider.press("Berkel")
    await outsider.press("✅")
    await outsider.send("/roles")
    await outsider.press("Who has a role")
    version = version_of(outsider)
    await outsider.event(Event.button(f"g:{version}:pick:{grant.id}"))
    assert "Sorry, you are not allowed to do that." in outsider.text
    await outsider.send("/roles")
    await outsider.press("Open invite links")
    assert "No open invite links." in outsider.text  # Overvecht's are not shown
    await outsider.event(Event.button(f"g:{version_of(outsider)}:withdraw:{invite.id}"))
    assert "Sorry, you are not allowed to do that." in outsider.text
    await outsider.send("/cancel")

    assert await grant_of(app, 770, Role.COORDINATOR) is not None
    async with app.sessions() as session:
        stored = await session.get(Invite, invite.id)
        assert stored is not None and stored.revoked_at is None
    assert (
        await count(app, AuditEntry, AuditEntry.action.in_(["role.revoked", "invite.revoked"])) == 0
    )
    newcomer = Chat(app, 772, language_code="en")
    await newcomer.send(f"/start {payload}")
    assert "You are now a coordinator in Overvecht." in newcomer.text


async def test_an_admin_withdraws_an_invite_and_its_link_stops_working(app: App) -> None:
    payload = await new_invite(app, Role.COORDINATOR)
    admin = await person_with(app, "admin", 780)
    await admin.send("/roles")
    await admin.press("Open invite links")
    assert "(coordinator), made by the server" in admin.text
    await admin.press("Withdraw")
    assert "is withdrawn" in admin.text and "No open invite links." in admin.text
    guest = Chat(app, 781, language_code="en")
    await guest.send(f"/start {payload}")
    assert "This invite link was withdrawn. Ask for a new one." in guest.text
    person = await person_of(app, 781)
    assert person is not None
    with pytest.raises(InviteRefused) as refused:
        await redeem(app, payload, person.id)
    assert refused.value.problem is InviteProblem.REVOKED


# -- the command line ------------------------------------------------------------------------


def cli(monkeypatch: pytest.MonkeyPatch, database_url: str, *args: str) -> int:
    monkeypatch.setenv("DATABASE_URL", database_url)
    monkeypatch.setenv("BOT_TOKEN", "123456:TEST-TOKEN")
    return main(["--env-file", "/nonexistent", *args])


@pytest.mark.parametrize("command", ["roles", "revoke", "invites"])
def test_every_new_admin_command_has_help(command: str) -> None:
    with pytest.raises(SystemExit) as done:
        main(["admin", command, "--help"])
    assert done.value.code == 0


async def test_admin_roles_revoke_and_invites_on_the_command_line(
    app: App, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import asyncio

    url = app.settings.database_url
    app.clock.set(datetime.now(UTC))  # the command line reads the system clock
    await person_with(app, "coordinator", 790)
    coordinator = await person_of(app, 790)
    assert coordinator is not None
    await new_invite(app, Role.COORDINATOR)
    capsys.readouterr()

    def run(*args: str) -> tuple[int, str, str]:
        code = cli(monkeypatch, url, *args)
        out, err = capsys.readouterr()
        # (the migration's log lines aside, which a terminal shows too)
        problems = "\n".join(line for line in err.splitlines() if "alembic" not in line)
        return code, out, problems

    async def in_thread(*args: str) -> tuple[int, str, str]:
        return await asyncio.to_thread(run, *args)  # the CLI runs its own event loop

    code, out, _ = await in_thread("admin", "roles", "--neighbourhood", "overvecht")
    assert code == 0
    header, *rows = out.strip().splitlines()
    assert header.split() == [
        "person",
        "name",
        "role",
        "neighbourhood",
        "organisation",
        "granted",
        "by",
    ]
    assert any(
        row.split()[:4] == [str(coordinator.id), "Ann", "coordinator", "overvecht"] for row in rows
    )

    code, out, _ = await in_thread("admin", "invites")
    assert code == 0 and "coordinator" in out and "the server" in out
    open_id = out.strip().splitlines()[-1].split()[0]

    code, _, err = await in_thread("admin", "roles", "--neighbourhood", "nowhere")
    assert (code, err.strip()) == (2, "wijkbot: no neighbourhood 'nowhere': load it first")

    code, out, _ = await in_thread(
        "admin", "revoke", "--person", str(coordinator.id), "--role", "coordinator",
        "--neighbourhood", "overvecht",
    )  # fmt: skip
    assert code == 0 and "is no longer coordinator in overvecht" in out
    assert await grant_of(app, 790, Role.COORDINATOR) is None
    code, _, err = await in_thread(
        "admin", "revoke", "--person", str(coordinator.id), "--role", "coordinator",
        "--neighbourhood", "overvecht",
    )  # fmt: skip
    assert code == 2 and len(err.strip().splitlines()) == 1 and "is not coordinator" in err

    code, out, _ = await in_thread("admin", "invites", "--revoke", open_id)
    assert code == 0 and "withdrawn" in out
    code, _, err = await in_thread("admin", "invites", "--revoke", open_id)
    assert code == 2 and "is not open" in err and len(err.strip().splitlines()) == 1
    code, out, _ = await in_thread("admin", "invites")
    assert out.strip() == "(none)"
    assert await count(app, AuditEntry, AuditEntry.action == "role.revoked") == 1
    assert await count(app, AuditEntry, AuditEntry.action == "invite.revoked") == 1
