"""The one runner shape both cores go through: state in, a pure step stepped until it stops
asking, each Need answered in the caller's unit of work, the outcome's Effects applied and its
state saved there; the outcome (replies, state) out.

    run(step, state, event, ctx, session, save)
        step(state, event, ctx) -> Need  ──> facts[need.key] = await need.answer(session, ctx)
                                         <── step again (deterministic: repeating it is safe)
        step(state, event, ctx) -> outcome
        for effect in outcome.effects: await effect.apply(session, ctx)
        await save(outcome)

The worker flow (bot/service.py) and the officer desk (bot/officers/desk.py, and the web desk's
forms) are its two instances: each opens its unit of work, loads its state and decides what a
save is; stepping, and the one dispatch of needs and effects (each names its own session call:
bot/flow/needs.py), are here. The runner does no I/O of its own but the session's calls.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Hashable, Mapping, Sequence
from dataclasses import replace
from typing import Any, Protocol, TypeVar

from bot.flow.needs import Effect, Need


class Context(Protocol):
    """A step's context: a frozen dataclass whose ``facts`` the runner fills."""

    @property
    def facts(self) -> Mapping[Hashable, Any]: ...


class Settled(Protocol):
    """A step's outcome, as far as the runner reads it."""

    @property
    def effects(self) -> Sequence[Effect]: ...


State = TypeVar("State")
Event = TypeVar("Event")
Ctx = TypeVar("Ctx", bound=Context)
Out = TypeVar("Out", bound=Settled)
Step = Callable[[State, Event, Ctx], "Out | Need[Any]"]


async def settle(
    step: Step[State, Event, Ctx, Out],
    state: State,
    event: Event,
    ctx: Ctx,
    session: object,
    *,
    limit: int,
) -> Out:
    """Step until the outcome is known, answering each Need from ``session``; a step asks at
    most ``limit`` times (more is a bug, not a loop)."""
    facts: dict[Hashable, Any] = {}
    ctx = replace(ctx, facts=facts)  # type: ignore[type-var]  # every context is a dataclass
    for _ in range(limit):
        result = step(state, event, ctx)
        if not isinstance(result, Need):
            return result
        facts[result.key] = await result.answer(session, ctx)
    raise RuntimeError(f"the step kept asking, last for {result!r}")


async def run(
    step: Step[State, Event, Ctx, Out],
    state: State,
    event: Event,
    ctx: Ctx,
    session: object,
    save: Callable[[Out], Awaitable[None]] | None = None,
    *,
    limit: int,
) -> Out:
    """One update's work inside its unit of work: settle, apply the effects in order, save."""
    outcome = await settle(step, state, event, ctx, session, limit=limit)
    for effect in outcome.effects:
        await effect.apply(session, ctx)
    if save is not None:
        await save(outcome)
    return outcome
