"""Benchmark: one broadcast to 2,000 WhatsApp residents at WhatsApp's limit (80 msg/s).

The sender runs as deployed with CHANNELS=whatsapp (`python -m bot send`, pywa over
HTTP) against the Cloud API emulator, which enforces the same throughput (x SCALE) and
answers 130429 to anything faster. Half the residents wrote an hour ago (inside the
24-hour window: the broadcast as free-form text), half never did (the broadcast's
template, which the emulator checks against the registry). Judged from the emulator's
side: a message counts when the Cloud API accepted it and it did not fail (a
free-form message outside the window would fail with 131047).

    rate/limit  accepted messages a second, first to last, over DELIVERY_WHATSAPP_RATE
    dupes       residents who got more than one message; lost: residents who got none
"""

from __future__ import annotations

import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bot.emulator.whatsapp import CloudAPIEmulator, Limits
from bot.handlers.whatsapp.templates import registry_for_emulator

from . import population
from .broadcast import RATE_GOAL, START_WITHIN
from .databases import Database
from .emulated import Tally
from .report import Outcome
from .sender_process import SenderConfig, Senders
from .watching import lost_detail, patience, statuses, until_count, until_sent

WHATSAPP_RATE = 80.0  # Meta's default throughput per business phone number
WROTE = timedelta(hours=1)  # when the residents inside the window last wrote


@dataclass(frozen=True, slots=True)
class Run:
    database: Database
    workdir: Path
    env_file: Path
    recipients: int = 2_000
    scale: float = 1.0  # WhatsApp's limit x this
    concurrency: int = 1  # DELIVERY_CONCURRENCY
    label: str = ""

    @property
    def rate(self) -> float:
        return WHATSAPP_RATE * self.scale


def inside_window(person_id: int) -> bool:
    return person_id % 2 == 0


@dataclass(slots=True)
class WhatsAppTally(Tally):
    """Calls to /messages as the Cloud API emulator answered them (by wa_id)."""

    types: Counter[str] = field(default_factory=Counter)  # accepted, by message type

    @property
    def cloud(self) -> CloudAPIEmulator:
        assert isinstance(self.emulator, CloudAPIEmulator)
        return self.emulator

    def update(self) -> None:
        calls = self.cloud.calls
        for call in calls[self._seen :]:
            if call.route != "messages":
                continue
            if call.ok:
                self.accepted[int(call.body["to"])] += 1
                self.types[str(call.body.get("type"))] += 1
                self.times.append(call.at)
            else:
                self.refused[call.code or 0] += 1
        self._seen = len(calls)

    def failed(self) -> int:
        """Messages accepted and then failed (131047: free-form outside the window)."""
        return sum(1 for message in self.cloud.messages if message.status == "failed")


async def cloud_api(spec: Run, people: range) -> CloudAPIEmulator:
    """The emulator at WhatsApp's limit x scale, every resident on WhatsApp, the even ones
    having written an hour ago."""
    rate = spec.rate
    emulator = CloudAPIEmulator(
        templates=registry_for_emulator(),
        limits=Limits(per_second=rate, burst=max(1, round(rate))),
        statuses=False,  # nobody listens: statuses are the channel's part, not measured here
    )
    wrote = time.time() - WROTE.total_seconds()
    for i in people:
        user = emulator.user(population.wa_id_of(i), "Buur")
        if inside_window(i):
            user.person.last_inbound = wrote
    await emulator.start()
    return emulator


def settings_for(emulator: CloudAPIEmulator, rate: float) -> dict[str, str]:
    return {
        "CHANNELS": "whatsapp",
        "WHATSAPP_API_URL": emulator.url,
        "WHATSAPP_API_VERSION": emulator.api_version,
        "WHATSAPP_PHONE_NUMBER_ID": emulator.phone_number_id,
        "WHATSAPP_TOKEN": emulator.token,
        "WHATSAPP_APP_SECRET": emulator.app_secret,
        "WHATSAPP_VERIFY_TOKEN": "bench-verify-token",
        "INVITE_SECRET": "bench-invite-secret",
        "DELIVERY_WHATSAPP_RATE": f"{rate:g}",
    }


async def run(spec: Run) -> Outcome:
    outcome = Outcome("whatsapp", spec.label or spec.database.kind)
    engine = spec.database.engine()
    try:
        now = datetime.now(UTC)
        neighbourhood_id = await population.neighbourhood(engine, now)
        people = await population.residents(
            engine,
            neighbourhood_id,
            1,
            spec.recipients,
            now,
            whatsapp=lambda i: now - WROTE if inside_window(i) else None,
        )
        _, enqueued = await population.broadcast(engine, neighbourhood_id, now)
        emulator = await cloud_api(spec, people)
        tally = WhatsAppTally(emulator)
        config = SenderConfig(
            spec.database,
            emulator.url,
            1.0,
            spec.env_file,
            spec.workdir / f"sender-whatsapp-{outcome.label.replace(' ', '-')}.log",
            spec.concurrency,
            more=settings_for(emulator, spec.rate),
        )
        sender = Senders(config)
        try:
            launched = time.monotonic()
            await sender.start()
            await until_count(tally, sender, 1, within=START_WITHIN)
            cpu_at_first = sender.cpu_seconds()
            finished = await until_sent(
                engine, tally, sender, within=patience(spec.recipients, spec.rate)
            )
            cpu_at_end = sender.cpu_seconds()
        finally:
            await sender.stop()
            tally.update()
            await emulator.stop()
        rows = await statuses(engine)
    finally:
        await engine.dispose()

    rate = tally.rate
    wa_ids = [int(population.wa_id_of(i)) for i in people]
    failed = tally.failed()
    lost = tally.lost(wa_ids) + failed
    duplicates = tally.duplicates()
    duration = (tally.last_at or 0.0) - (tally.first_at or 0.0)
    cpu = None
    if cpu_at_first is not None and cpu_at_end is not None and tally.sent > 1:
        cpu = round(1000 * (cpu_at_end - cpu_at_first) / (tally.sent - 1), 2)
    outcome.figures.update(
        {
            "recipients": spec.recipients,
            "concurrency": spec.concurrency,
            "limit/s": spec.rate,
            "sent/s": round(rate, 1),
            "rate/limit": round(rate / spec.rate, 3),
            "130429s": tally.refused[130429],
            "free-form": tally.types["text"],
            "templates": tally.types["template"],
            "failed": failed,
            "dupes": duplicates,
            "lost": lost,
            "send s": round(duration, 1),
            "stalls": f"{tally.stalled(1 / spec.rate) / duration:.0%}" if duration else None,
            "cpu ms/msg": cpu,
            "start s": round((tally.first_at or launched) - launched, 1),
        }
    )
    outcome.goal(
        "rate >= 0.95 of the limit",
        rate / spec.rate >= RATE_GOAL,
        f"{rate:.1f}/s of {spec.rate:g}/s = {rate / spec.rate:.3f}",
        correctness=False,
    )
    outcome.goal("nothing lost", lost == 0 and finished, lost_detail(lost, finished))
    outcome.goal("no duplicates", duplicates == 0, f"{duplicates} recipients got two or more")
    half = sum(1 for i in people if inside_window(i))
    outcome.goal(
        "free-form inside the window, the template outside",
        (tally.types["text"], tally.types["template"]) == (half, spec.recipients - half),
        f"{tally.types['text']} free-form (of {half}), {tally.types['template']} templates",
    )
    outcome.goal(
        "outbox all sent",
        rows == {"sent": enqueued} and enqueued == spec.recipients,
        f"enqueued {enqueued}, rows {dict(rows)}",
    )
    return outcome
