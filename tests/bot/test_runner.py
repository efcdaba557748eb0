"""The one runner (bot/runner.py): Needs answered by their own call, once per key; Effects applied
in order after the last step, before the save; a step that keeps asking is stopped."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import pytest

from bot.flow.needs import Effect, Facts, MissingFact, Need
from bot.runner import run, settle

NOW = datetime(2026, 12, 7, 3, 0, tzinfo=UTC)


@dataclass
class Session:
    """Records the calls the needs and effects make."""

    calls: list[str] = field(default_factory=list)

    async def double(self, n: int) -> int:
        self.calls.append(f"double {n}")
        return 2 * n

    async def write(self, what: str) -> None:
        self.calls.append(f"write {what}")


@dataclass(frozen=True)
class Double(Need[int]):
    n: int

    async def answer(self, session: Session, ctx: Any) -> int:
        return await session.double(self.n)


@dataclass(frozen=True)
class Write(Effect):
    what: str

    async def apply(self, session: Session, ctx: Any) -> None:
        await session.write(self.what)


@dataclass(frozen=True)
class Ctx(Facts):
    now: datetime
    facts: Any = field(default_factory=dict)


@dataclass
class Out:
    total: int
    effects: list[Effect]


def adding(state: int, event: int, ctx: Ctx) -> Out | Need[Any]:
    """Asks for its answers one at a time, one of them twice (as both cores' steps: a missing
    answer stops the step and is returned as the Need)."""
    try:
        return add(state, event, ctx)
    except MissingFact as missing:
        return missing.need


def add(state: int, event: int, ctx: Ctx) -> Out:
    first = ctx.fact(Double(state))
    again = ctx.fact(Double(state))  # already known: no second call
    second = ctx.fact(Double(event))
    return Out(first + again + second, [Write("a"), Write("b")])


async def test_needs_are_answered_by_their_call_once_and_effects_applied_in_order_then_saved() -> (
    None
):
    session = Session()
    saved: list[int] = []

    async def save(out: Out) -> None:
        session.calls.append("save")
        saved.append(out.total)

    out = await run(adding, 3, 5, Ctx(NOW), session, save, limit=4)
    assert out.total == 6 + 6 + 10
    assert session.calls == ["double 3", "double 5", "write a", "write b", "save"]
    assert saved == [22]


async def test_settle_steps_only_it_applies_no_effect() -> None:
    session = Session()
    out = await settle(adding, 1, 2, Ctx(NOW), session, limit=4)
    assert out.total == 2 + 2 + 4
    assert session.calls == ["double 1", "double 2"]


def asking_forever(state: int, event: int, ctx: Ctx) -> Out | Need[Any]:
    return Double(len(ctx.facts))  # a new question every time


async def test_a_step_that_keeps_asking_is_stopped() -> None:
    session = Session()
    with pytest.raises(RuntimeError, match="kept asking"):
        await settle(asking_forever, 0, 0, Ctx(NOW), session, limit=3)
    assert len(session.calls) == 3


def test_a_need_without_its_call_cannot_be_made() -> None:
    @dataclass(frozen=True)
    class Unanswered(Need[int]):
        n: int

    with pytest.raises(TypeError):
        Unanswered(1)  # type: ignore[abstract]
