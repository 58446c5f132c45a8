"""The Graph API routes and the rules across calls: auth, the 24-hour window, blocked and
unknown numbers, templates, throughput and pair rate limits, faults, media, statuses."""

from __future__ import annotations

import asyncio

import pytest

from bot.emulator.whatsapp import WINDOW_SECONDS, CloudAPIEmulator, Limits
from tests.emulator.whatsapp import Graph, HookServer, code, wamid

ANN = "31612345678"
BOB = "31687654321"


class Clock:
    def __init__(self, start: float = 1_800_000_000.0):
        self.value = start

    def __call__(self) -> float:
        return self.value


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def emu_options(clock: Clock) -> dict:
    return {"now": clock}


def template(name: str = "reopen", language: str = "nl", *params: str) -> dict:
    parameters = [{"type": "text", "text": p} for p in params]
    return {
        "name": name,
        "language": {"code": language},
        "components": [{"type": "body", "parameters": parameters}],
    }


async def test_token_and_phone_number_are_checked(emu: CloudAPIEmulator):
    emu.user(ANN, "Ann")
    wrong = Graph(emu, token="not-the-token")
    try:
        assert code(await wrong.text(ANN)) == (401, 190)
    finally:
        await wrong.close()
    graph = Graph(emu)
    try:
        body = {"messaging_product": "whatsapp", "to": ANN, "text": {"body": "x"}}
        assert code(await graph.post("/999/messages", body)) == (400, 100)
        assert [c.code for c in emu.calls] == [190, 100]
    finally:
        await graph.close()


async def test_accepted_text_reaches_the_person(emu: CloudAPIEmulator, graph: Graph):
    ann = emu.user(ANN, "Ann")
    await ann.send("hallo")
    status, body = await graph.text(ANN, "Welkom")
    assert status == 200
    assert body["contacts"] == [{"input": ANN, "wa_id": ANN}]
    assert body["messages"][0]["id"].startswith("wamid.")
    [reply] = await ann.replies()
    assert (reply.type, reply.text, reply.id) == ("text", "Welkom", body["messages"][0]["id"])
    assert emu.received(ANN) == [reply]
    assert emu.calls[-1].route == "messages" and emu.calls[-1].ok


async def test_invalid_message_is_refused_and_logged(emu: CloudAPIEmulator, graph: Graph):
    emu.user(ANN, "Ann")
    status, body = await graph.text(ANN, "x" * 4097)
    assert status == 400
    assert body["error"]["code"] == 100
    assert "4096" in body["error"]["error_data"]["details"]
    assert not emu.calls[-1].ok and emu.calls[-1].code == 100
    path = f"/{emu.phone_number_id}/messages"
    assert code(await graph.post(path, ["not", "an", "object"])) == (400, 100)  # type: ignore[arg-type]
    assert emu.messages == []


async def test_window_closes_24_hours_after_the_last_message(
    emu: CloudAPIEmulator, graph: Graph, hook: HookServer, clock: Clock
):
    ann = emu.user(ANN, "Ann")
    never = wamid(await graph.text(ANN, "first"))  # Ann never wrote: no window
    await ann.send("hallo")
    clock.value += WINDOW_SECONDS - 1
    inside = wamid(await graph.text(ANN, "inside"))
    clock.value += 1
    outside = wamid(await graph.text(ANN, "outside"))  # accepted, then fails
    reopen = wamid(await graph.send(ANN, "template", template("reopen", "nl", "Ann")))
    await emu.wait_webhooks()
    assert [m.text for m in await ann.replies()] == ["inside", ""]
    for failed in (never, outside):
        [status] = [s for s in hook.statuses if s["id"] == failed]
        assert status["status"] == "failed"
        assert status["errors"][0]["code"] == 131047
        assert status["errors"][0]["title"] == "Re-engagement message"
    assert hook.statuses_of(inside)[:2] == ["sent", "delivered"]
    assert hook.statuses_of(reopen)[:2] == ["sent", "delivered"]
    assert not emu.window_open(ANN)
    await ann.send("terug")  # writing opens it again
    assert emu.window_open(ANN)


async def test_blocked_and_unknown_numbers_fail_after_acceptance(
    emu: CloudAPIEmulator, graph: Graph, hook: HookServer
):
    ann = emu.user(ANN, "Ann")
    await ann.send("hallo")
    ann.block()
    blocked = wamid(await graph.text(ANN, "are you there?"))
    unknown = wamid(await graph.send(BOB, "template", template("reopen", "nl", "Bob")))
    await emu.wait_webhooks()
    for failed in (blocked, unknown):
        [status] = [s for s in hook.statuses if s["id"] == failed]
        assert (status["status"], status["errors"][0]["code"]) == ("failed", 131026)
    await ann.assert_no_reply(within=0.1)
    ann.unblock()
    wamid(await graph.text(ANN, "back"))
    assert [m.text for m in await ann.replies()] == ["back"]


async def test_templates_are_checked_against_the_registry(emu: CloudAPIEmulator, graph: Graph):
    emu.user(ANN, "Ann")
    assert code(await graph.send(ANN, "template", template("nope", "nl", "x"))) == (400, 132001)
    assert code(await graph.send(ANN, "template", template("reopen", "tr", "x"))) == (400, 132001)
    assert code(await graph.send(ANN, "template", template("reopen", "nl"))) == (400, 132000)
    bad = template("reopen", "nl", "two\nlines")
    assert code(await graph.send(ANN, "template", bad)) == (400, 132018)
    status, body = await graph.send(ANN, "template", template("reopen", "en", "Ann"))
    assert status == 200 and body["messages"][0]["message_status"] == "accepted"
    [sent] = emu.received(ANN)
    assert sent.template is not None
    assert (sent.template.name, sent.template.language, sent.template.parameters) == (
        "reopen",
        "en",
        ["Ann"],
    )


async def test_throughput_limit_per_phone_number(emu: CloudAPIEmulator, graph: Graph, clock):
    emu.limits = Limits(per_second=2, burst=3)
    ann = emu.user(ANN, "Ann")
    await ann.send("hallo")
    for _ in range(3):
        wamid(await graph.text(ANN))
    assert code(await graph.text(ANN)) == (400, 130429)
    clock.value += 0.5  # one token back at 2/s
    wamid(await graph.text(ANN))
    assert code(await graph.text(ANN)) == (400, 130429)


async def test_pair_rate_limit_per_recipient(emu: CloudAPIEmulator, graph: Graph, clock):
    emu.set_limits(pair_per_second=1 / 6, pair_burst=2)
    ann, bob = emu.user(ANN, "Ann"), emu.user(BOB, "Bob")
    await ann.send("hallo")
    await bob.send("hoi")
    wamid(await graph.text(ANN))
    wamid(await graph.text(ANN))
    assert code(await graph.text(ANN)) == (400, 131056)
    wamid(await graph.text(BOB))  # another person is not held back
    clock.value += 6
    wamid(await graph.text(ANN))


async def test_limits_can_be_switched_off(emu: CloudAPIEmulator, graph: Graph):
    emu.limits = Limits(enabled=False, per_second=1, burst=1, pair_per_second=0.01, pair_burst=1)
    ann = emu.user(ANN, "Ann")
    await ann.send("hallo")
    for _ in range(5):
        wamid(await graph.text(ANN))


async def test_default_throughput_is_80_per_second(emu: CloudAPIEmulator, graph: Graph):
    ann = emu.user(ANN, "Ann")
    await ann.send("hallo")
    for _ in range(80):
        wamid(await graph.text(ANN))
    assert code(await graph.text(ANN)) == (400, 130429)


async def test_injected_faults(emu: CloudAPIEmulator, graph: Graph):
    ann = emu.user(ANN, "Ann")
    await ann.send("hallo")
    emu.fail(131000, times=2)
    assert code(await graph.text(ANN)) == (500, 131000)
    assert code(await graph.text(ANN)) == (500, 131000)
    wamid(await graph.text(ANN))
    emu.fail(130429, times=None, probability=0.5, seed=7)
    outcomes = [(await graph.text(ANN))[0] for _ in range(20)]
    assert 200 in outcomes and 400 in outcomes
    emu.clear_faults()
    wamid(await graph.text(ANN))


async def test_same_seed_fails_the_same_calls(clock: Clock):
    runs = []
    for _ in range(2):
        async with CloudAPIEmulator(now=clock) as emu:
            emu.user(ANN, "Ann")
            emu.fail(131000, times=None, probability=0.3, seed=3)
            other = Graph(emu)
            runs.append([(await other.text(ANN))[0] for _ in range(15)])
            await other.close()
    assert runs[0] == runs[1] and 500 in runs[0]


async def test_mark_as_read(emu: CloudAPIEmulator, graph: Graph):
    ann = emu.user(ANN, "Ann")
    message = await ann.send("hallo")
    path = f"/{emu.phone_number_id}/messages"
    read = {"messaging_product": "whatsapp", "status": "read", "message_id": message["id"]}
    assert await graph.post(path, read) == (200, {"success": True})
    assert emu.read_receipts == [message["id"]]
    assert code(await graph.post(path, {**read, "message_id": "wamid.nope"})) == (400, 100)


async def test_media_upload_describe_download(emu: CloudAPIEmulator, graph: Graph):
    ann = emu.user(ANN, "Ann")
    await ann.send("hallo")
    status, uploaded = await graph.upload(b"\x89PNG fake", "a.png", "image/png")
    assert status == 200, uploaded
    media_id = uploaded["id"]
    assert media_id.isdigit()
    async with graph.session.get(f"{emu.api_url}/{media_id}", headers=graph.headers) as response:
        info = await response.json()
    assert (info["mime_type"], info["file_size"], info["id"]) == ("image/png", 9, media_id)
    assert await graph.get(info["url"]) == (200, b"\x89PNG fake")
    async with graph.session.get(info["url"]) as response:
        assert response.status == 401  # the bytes need the bearer token
    wamid(await graph.send(ANN, "image", {"id": media_id, "caption": "kijk"}))
    [photo] = await ann.replies()
    assert (photo.image, photo.caption, photo.text) == (b"\x89PNG fake", "kijk", "kijk")
    assert code(await graph.send(ANN, "image", {"id": "123"})) == (400, 131009)


async def test_upload_refuses_unsupported_types(emu: CloudAPIEmulator, graph: Graph):
    answer = await graph.upload(b"MZ", "x.exe", "application/x-msdownload")
    assert code(answer) == (400, 131053)


async def test_statuses_sent_delivered_then_read(
    emu: CloudAPIEmulator, graph: Graph, hook: HookServer
):
    ann = emu.user(ANN, "Ann")
    await ann.send("hallo")
    sent = wamid(await graph.text(ANN))
    await emu.wait_webhooks()
    assert hook.statuses_of(sent) == ["sent", "delivered"]
    await ann.replies()
    await emu.wait_webhooks()
    assert hook.statuses_of(sent) == ["sent", "delivered", "read"]
    [status] = [s for s in hook.statuses if s["status"] == "read"]
    assert status["recipient_id"] == ANN


async def test_statuses_can_be_switched_off(emu: CloudAPIEmulator, graph: Graph, hook):
    emu.statuses = False
    ann = emu.user(ANN, "Ann")
    await ann.send("hallo")
    wamid(await graph.text(ANN))
    await ann.replies()
    await emu.wait_webhooks()
    assert hook.statuses == [] and len(hook.messages) == 1


async def test_delay_holds_the_answer_but_the_message_goes(emu: CloudAPIEmulator, graph: Graph):
    ann = emu.user(ANN, "Ann")
    await ann.send("hallo")
    emu.delay(1.5, times=1)
    sending = asyncio.ensure_future(graph.text(ANN, "slow"))
    [reply] = await ann.replies()  # delivered before the answer comes back
    assert reply.text == "slow" and not sending.done()
    assert (await sending)[0] == 200


async def test_faults_on_media_routes(emu: CloudAPIEmulator, graph: Graph):
    ann = emu.user(ANN, "Ann")
    sent = await ann.send_image(b"\xff\xd8 photo")
    media_url = f"{emu.api_url}/{sent['image']['id']}"
    emu.fail(2, route="media_url")
    async with graph.session.get(media_url, headers=graph.headers) as response:
        assert (response.status, (await response.json())["error"]["code"]) == (503, 2)
    async with graph.session.get(media_url, headers=graph.headers) as response:
        url = (await response.json())["url"]
    emu.fail(131000, route="download")
    assert (await graph.get(url))[0] == 500
    assert await graph.get(url) == (200, b"\xff\xd8 photo")
    assert [c.ok for c in emu.calls_for("download")] == [False, True]
