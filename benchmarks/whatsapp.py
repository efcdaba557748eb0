"""The registration run on WhatsApp: the same scripted workers (workers.py) through the real
WhatsApp channel (handlers.whatsapp.channel: inbox, parsing, dispatch, rendering, the Cloud API
client) against the strict fake Cloud API of tests/system/fake_whatsapp.py on a real port.

Each worker writes from its own wa_id (an Indonesian mobile number). Its acts become the
notifications Meta would post: a typed text as a text message, a tap as the interactive reply
with the button's or row's id, and "share my contact" as the one tap that confirms the chat's
own number (WhatsApp tells the bot who writes, so the phone question is a yes/no). Each
notification goes to ``WhatsAppChannel.store`` (what the webhook does once the signature is
checked: the inbox, then the pump), and the worker's next act waits for its answer.

Counted per completed registration: messages the fake accepted (sends to ``/messages``, the
flood budget on WhatsApp is per message like Telegram's), mark-as-read calls (one per answer,
separately: they are not messages), and refusals (the fake enforces Meta's limits; must be 0).
"""

from __future__ import annotations

import asyncio
import itertools
import statistics
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # the fake Cloud API lives in tests/system
    sys.path.insert(0, str(ROOT))

from databases import Target  # noqa: E402
from measure import percentile  # noqa: E402
from registration import Check, check_submissions  # noqa: E402
from workers import Act, Worker  # noqa: E402

from bot.settings import Settings  # noqa: E402
from handlers.runtime import build_core  # noqa: E402
from handlers.whatsapp.channel import WhatsAppChannel  # noqa: E402
from storage import open_repository  # noqa: E402
from tests.system.fake_whatsapp import (  # noqa: E402
    APP_SECRET,
    PHONE_NUMBER_ID,
    TOKEN,
    FakeWhatsApp,
)

MESSAGES_TARGET = 15  # messages sent to the Cloud API per completed registration (issue #16)
_IDS = itertools.count(1)


@dataclass(frozen=True)
class WhatsAppRun:
    """One measured run of every worker's registration on WhatsApp."""

    updates: int
    wall_s: float
    latencies: list[float]
    sends: int  # messages the fake accepted
    reads: int  # mark-as-read calls
    refused: int  # requests the fake refused (Meta's limits, the 24-hour window)
    sends_per_chat: list[int]
    check: Check

    @property
    def completed(self) -> int:
        return self.check.completed

    def per_registration(self, count: int) -> float:
        return count / max(self.completed, 1)


def wa_id_of(worker: Worker) -> str:
    """A unique Indonesian mobile number per worker, in wa_id form (digits with 62)."""
    return f"62812{worker.user_id:08d}"


def message_of(act: Act) -> dict[str, Any]:
    """What a WhatsApp user's act looks like in Meta's notification (``messages[]``)."""
    base = {"id": f"wamid.BENCH{next(_IDS)}", "timestamp": str(int(time.time()))}
    if act.kind == "text":
        return {**base, "type": "text", "text": {"body": act.value}}
    # A tap: a reply button's or a list row's id; sharing a contact is the one-tap "Ya" that
    # confirms the number WhatsApp gave (the worker writes from that number).
    data = "phone:yes" if act.kind == "contact" else act.value
    reply = {"type": "button_reply", "button_reply": {"id": data, "title": data[:20]}}
    return {**base, "type": "interactive", "interactive": reply}


def notification(wa_id: str, message: dict[str, Any], name: str) -> dict[str, Any]:
    """One message in Meta's webhook envelope."""
    value = {
        "messaging_product": "whatsapp",
        "metadata": {"display_phone_number": "6281100001111", "phone_number_id": PHONE_NUMBER_ID},
        "contacts": [{"profile": {"name": name}, "wa_id": wa_id}],
        "messages": [{**message, "from": wa_id}],
    }
    return {
        "object": "whatsapp_business_account",
        "entry": [{"id": "WABA", "changes": [{"field": "messages", "value": value}]}],
    }


def settings_for(url: str, fake: FakeWhatsApp) -> Settings:
    """A fresh database, no officers, WhatsApp pointed at the fake."""
    return Settings(
        _env_file=None,  # type: ignore[call-arg]
        database_url=url,
        officer_ids=(),
        whatsapp_phone_number_id=PHONE_NUMBER_ID,
        whatsapp_access_token=TOKEN,  # type: ignore[arg-type]
        whatsapp_app_secret=APP_SECRET,  # type: ignore[arg-type]
        whatsapp_verify_token="bench",  # type: ignore[arg-type]
        whatsapp_api_base_url=fake.base_url,
    )


async def worker_session(
    channel: WhatsAppChannel, fake: FakeWhatsApp, worker: Worker, latencies: list[float]
) -> int:
    """One worker's acts, each sent once the previous one is answered; how many."""
    wa_id = wa_id_of(worker)
    for act in worker.acts:
        fake.user_wrote(wa_id)  # opens the 24-hour window, as the user's message does at Meta
        started = time.perf_counter()
        tasks = await channel.store(notification(wa_id, message_of(act), "Pekerja"))
        await asyncio.gather(*tasks)
        latencies.append(time.perf_counter() - started)
    return len(worker.acts)


async def run_whatsapp(target: Target, workers: Sequence[Worker]) -> WhatsAppRun:
    """Every worker's registration through a fresh WhatsApp channel on a fresh database."""
    expected = {worker.nik for worker in workers}
    with FakeWhatsApp() as fake:
        settings = settings_for(await target.fresh("whatsapp"), fake)
        repo = await open_repository(
            settings.database_url,
            pool_min=settings.database_pool_min,
            pool_max=settings.database_pool_max,
        )
        channel = WhatsAppChannel(build_core(settings, repo, lambda: datetime.now(UTC)))
        latencies: list[float] = []
        try:
            started = time.perf_counter()
            counts = await asyncio.gather(
                *(worker_session(channel, fake, w, latencies) for w in workers)
            )
            wall = time.perf_counter() - started
        finally:
            await channel.stop()
            await repo.close()
        sent = [len(fake.sent(wa_id_of(w))) for w in workers]
        requests = len(fake.requests)
    check = await check_submissions(settings.database_url, expected)
    return WhatsAppRun(
        updates=sum(counts),
        wall_s=wall,
        latencies=latencies,
        sends=sum(sent),
        reads=len(fake.reads),
        refused=requests - len(fake.reads) - sum(sent),
        sends_per_chat=sorted(sent),
        check=check,
    )


def print_whatsapp(run: WhatsAppRun, workers: int) -> None:
    """The human-readable report of the WhatsApp run."""
    check = run.check
    per = run.per_registration(run.sends)
    print(
        f"\nWhatsApp: {workers} workers at once through handlers.whatsapp.channel against the"
        f" strict fake Cloud API, {run.updates} messages in ({run.updates / workers:.1f} per"
        f" worker), {run.updates / run.wall_s:.0f}/s wall:"
    )
    print(
        f"  wall latency per message: p50 {percentile(run.latencies, 0.5) * 1000:.1f} ms,"
        f" p99 {percentile(run.latencies, 0.99) * 1000:.1f} ms"
    )
    print(
        f"  registrations completed: {run.completed} of {check.expected} (lost {check.lost},"
        f" duplicated {check.duplicated}, conversations done {check.done})"
    )
    spread = run.sends_per_chat
    print(
        f"  per registration: {per:.1f} messages sent to the Cloud API (min/median/max per"
        f" worker {min(spread)} / {statistics.median(spread):g} / {max(spread)})"
        f"  ≤ {MESSAGES_TARGET}: {'PASS' if per <= MESSAGES_TARGET else 'FAIL'};"
        f" {run.per_registration(run.reads):.1f} mark-as-read calls (not messages);"
        f" refused by the fake: {run.refused}"
    )


def whatsapp_summary(run: WhatsAppRun) -> dict[str, Any]:
    """The WhatsApp run's numbers, for the JSON line."""
    return {
        "channel": "whatsapp",
        "workers": run.check.expected,
        "updates": run.updates,
        "completed": run.completed,
        "lost": run.check.lost,
        "duplicated": run.check.duplicated,
        "messages_per_registration": round(run.per_registration(run.sends), 2),
        "mark_read_per_registration": round(run.per_registration(run.reads), 2),
        "refused": run.refused,
        "p50_ms": round(percentile(run.latencies, 0.5) * 1000, 2),
        "p99_ms": round(percentile(run.latencies, 0.99) * 1000, 2),
        "updates_per_second": round(run.updates / run.wall_s, 1) if run.wall_s else None,
    }
