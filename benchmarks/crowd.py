"""The people of ``event.py``: workers who answer only once they have seen the next question, and
officers approving submissions, all talking to the bot through the fake Bot API.

The scripts are benchmarks/workers.py's (NIKs with typos, typed labels, corrections...). How many
messages each answer gets is learnt first from a dry run of the same scripts through the bot
offline, so a worker knows when "the next question" has arrived, as a person reading the chat does.
"""

from __future__ import annotations

import asyncio
import json
import random
import re
import tempfile
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from offline import UpdateJson
from telegram import Update
from telegram.request import RequestData
from workers import Act, Worker

from bot.settings import Settings
from handlers.telegram.app import build_application
from handlers.telegram.offline import OfflineBotApi
from storage.sqlite import SqliteRepository
from tests.system.fake_telegram import Call, FakeTelegram
from tests.telegram_api.rules import problem

ANSWER_TIMEOUT_S = 60.0  # a worker gives up (lost) when the next question takes longer
REFERENCE = re.compile(r"BPU-\d{4}-\d{6}")


# --- the dry run --------------------------------------------------------------------------------


SHOWN = frozenset({"sendMessage", "editMessageText"})  # what a worker sees as the bot's answer


class _MessagesPerChat(OfflineBotApi):
    """The offline Bot API, counting per chat the answers shown (messages sent, and tapped
    messages edited into the answer to the tap)."""

    def __init__(self) -> None:
        super().__init__()
        self.sent: Counter[int] = Counter()

    def answer(self, url: str, name: str, request_data: RequestData | None) -> tuple[int, bytes]:
        # Refused as Telegram refuses it (the event's fake does the same): not shown.
        wire = request_data.json_parameters if request_data is not None else {}
        refusal = problem(name, wire, (request_data.multipart_data or {}) if request_data else ())
        if refusal is not None:
            return refusal.status, json.dumps(refusal.body()).encode()
        if name in SHOWN and request_data is not None:
            self.sent[int(request_data.json_parameters["chat_id"])] += 1
        return super().answer(url, name, request_data)


async def messages_per_act(workers: Sequence[Worker]) -> dict[int, list[int]]:
    """For each worker, how many messages the bot sends back to each of its acts (offline)."""
    api = _MessagesPerChat()
    build = UpdateJson()
    with tempfile.TemporaryDirectory(prefix="bpu-dry-") as tmp:
        settings = Settings(
            _env_file=None,
            database_url=f"sqlite:///{Path(tmp) / 'dry.db'}",
            telegram_bot_token="123:DRY",
            officer_ids=(),
        )
        repo = await SqliteRepository.open(settings.database_url)
        app = build_application(settings, repo, request=api, rate_limiter=False)
        counts: dict[int, list[int]] = {}

        async def one(worker: Worker) -> None:
            counts[worker.user_id] = []
            for data in worker.updates(build):
                before = api.sent[worker.user_id]
                await app.process_update(Update.de_json(data, app.bot))
                counts[worker.user_id].append(api.sent[worker.user_id] - before)

        try:
            async with app:
                await asyncio.gather(*(one(worker) for worker in workers))
        finally:
            await repo.close()
    return counts


# --- what the fake shows each chat ----------------------------------------------------------------


class Screen:
    """The messages each chat has received, as the fake answered them (fed from its threads)."""

    def __init__(self, loop: asyncio.AbstractEventLoop) -> None:
        self.loop = loop
        self.messages: dict[int, list[Call]] = defaultdict(list)
        self.changed: dict[int, asyncio.Event] = defaultdict(asyncio.Event)

    def observe(self, call: Call) -> None:
        """The fake's observer: runs in a server thread, hands the call to the loop."""
        if call.method in SHOWN and call.chat_id is not None:
            self.loop.call_soon_threadsafe(self._arrived, call)

    def _arrived(self, call: Call) -> None:
        assert call.chat_id is not None
        self.messages[call.chat_id].append(call)
        self.changed[call.chat_id].set()

    async def wait(
        self, chat: int, found: Callable[[list[Call]], Call | None], within: float
    ) -> Call | None:
        """The first message ``found`` picks in the chat, waiting up to ``within`` seconds."""
        deadline = time.monotonic() + within
        while (hit := found(self.messages[chat])) is None:
            event = self.changed[chat]
            event.clear()
            left = deadline - time.monotonic()
            if left <= 0:
                return None
            try:
                await asyncio.wait_for(event.wait(), left)
            except TimeoutError:
                return None
        return hit


def nth(count: int) -> Callable[[list[Call]], Call | None]:
    """The chat's ``count``-th message, once there."""
    return lambda messages: messages[count - 1] if len(messages) >= count else None


def containing(text: str, after: int = 0) -> Callable[[list[Call]], Call | None]:
    """The first message after the first ``after`` whose text contains ``text``."""
    return lambda messages: next((m for m in messages[after:] if text in m.text), None)


# --- workers -------------------------------------------------------------------------------


@dataclass
class Outcome:
    """What happened to one worker."""

    worker: Worker
    latencies: list[float] = field(default_factory=list)  # answer → next question seen
    reference: str | None = None
    finished_at: float | None = None
    stuck_at: int | None = None  # the act after which the next question never came
    query_ids: set[str] = field(default_factory=set)  # its taps' callback query ids
    messages: list[int] = field(default_factory=list)  # messages each answer got (waited for)


@dataclass(frozen=True)
class Pace:
    """When workers arrive and how long they think between answers."""

    window_s: float
    think_s: tuple[float, float]
    seed: int

    def arrivals(self, count: int) -> list[float]:
        """Seconds after the start at which each worker scans the poster."""
        rng = random.Random(self.seed)
        return [rng.uniform(0, self.window_s) for _ in range(count)]

    def thinker(self, user_id: int) -> random.Random:
        return random.Random(self.seed * 1_000_003 + user_id)


class Crowd:
    """Drives workers and officers against the fake; every wait is bounded."""

    def __init__(self, fake: FakeTelegram, screen: Screen) -> None:
        self.fake = fake
        self.screen = screen
        self.build = UpdateJson()  # update ids grow in push order, as getUpdates needs
        self.completed: list[Outcome] = []
        self.finished = asyncio.Event()  # set whenever a worker completes

    def push(self, user_id: int, act: Act, lang: str, last: Call | None) -> dict[str, Any]:
        """The act as an update, pushed to getUpdates; a tap is on the last question seen."""
        if act.kind == "press":
            update = self.build.press(user_id, act.value, lang)
            if last is not None:
                message = update["callback_query"]["message"]
                message["message_id"] = last.message_id
                message["text"] = last.text
        elif act.kind == "contact":
            update = self.build.contact(user_id, act.value, lang)
        else:
            update = self.build.text(user_id, act.value, lang)
        self.fake.push(update)
        return update

    async def register(
        self, worker: Worker, expected: list[int], start: float, arrival: float, pace: Pace
    ) -> Outcome:
        """One worker: arrive, then answer each question once it is visible, thinking between."""
        outcome = Outcome(worker, messages=list(expected))
        rng = pace.thinker(worker.user_id)
        await asyncio.sleep(max(0.0, start + arrival - time.monotonic()))
        chat, last = worker.user_id, None
        for index, (act, count) in enumerate(zip(worker.acts, expected, strict=True)):
            if index:
                await asyncio.sleep(rng.uniform(*pace.think_s))
            seen = len(self.screen.messages[chat])
            pushed = time.monotonic()
            update = self.push(chat, act, worker.lang, last)
            if "callback_query" in update:
                outcome.query_ids.add(update["callback_query"]["id"])
            if not count:
                continue
            question = await self.screen.wait(chat, nth(seen + count), ANSWER_TIMEOUT_S)
            if question is None:
                outcome.stuck_at = index
                return outcome
            outcome.latencies.append(question.at - pushed)
            last = question
        found = REFERENCE.search(last.text) if last is not None else None
        if found is None:
            outcome.stuck_at = len(worker.acts)
            return outcome
        outcome.reference, outcome.finished_at = found.group(), time.monotonic()
        self.completed.append(outcome)
        self.finished.set()
        return outcome

    # --- officers ------------------------------------------------------------------------------

    async def approve(self, officer: int, work: list[tuple[Outcome, str]]) -> list[Decision]:
        """One officer: ``/setujui <ref> <KPJ>`` for each, the next once the answer is seen."""
        decisions = []
        for outcome, kpj in work:
            assert outcome.reference is not None
            seen = len(self.screen.messages[officer])
            sent = time.monotonic()
            self.fake.push(self.build.text(officer, f"/setujui {outcome.reference} {kpj}"))
            answer = await self.screen.wait(
                officer, containing(outcome.reference, seen), ANSWER_TIMEOUT_S
            )
            decisions.append(Decision(outcome, kpj, sent, answer.at if answer else None))
        return decisions

    async def notified(self, decision: Decision, within: float) -> None:
        """Wait for the worker's notification (the message carrying its KPJ number)."""
        chat = decision.outcome.worker.user_id
        found = await self.screen.wait(chat, containing(decision.kpj), within)
        decision.delivered = found.at if found else None


@dataclass
class Decision:
    """One approval: when the officer sent it, saw it confirmed, and the worker was told."""

    outcome: Outcome
    kpj: str
    sent: float
    confirmed: float | None
    delivered: float | None = None
