"""Every step is declared once and completely (bot/flow/questions/, collected in order in
bot/flow/registry.py): a question the flow can be at has an answer reader, a way on, a progress
number and a statistics label; a field has one question that asks it."""

from __future__ import annotations

import pytest

from bot.fields import Answers, Field, Kind
from bot.flow.context import Context
from bot.flow.questions import REGISTRY
from bot.flow.registry import Question, Registry
from bot.flow.state import Conversation, Step
from bot.messages import Reply

# An invitation's steps come before the numbered questions and lead on by themselves.
INVITATION = {Step.INVITE_CONSENT, Step.INVITE_NIK, Step.INVITE_CONFIRM, Step.INVITE_FIX}
# The steps left by a button or a command, never by an answer that goes on to the next one.
ENDS = {Step.SUMMARY, Step.EDIT_PICK, Step.CONFIRM_CANCEL, *INVITATION}
# The steps the engine answers itself: nothing in progress, or the registration sent.
ENGINE = {Step.IDLE, Step.DONE}
# Outside the numbered questions: before them, or asides from the summary.
UNNUMBERED = {Step.CONSENT, Step.EDIT_PICK, Step.CONFIRM_CANCEL, *INVITATION}
# The NIK's kabupaten is known: after the phone, home is confirmed with a tap.
ANSWERED = Answers(nik="3401025203790001")


def ask_nothing(conv: Conversation, ctx: Context) -> Reply:
    return Reply(parts=())


def test_every_named_step_is_declared_once_in_the_order_of_the_steps() -> None:
    assert [q.step for q in REGISTRY if q.step in set(Step)] == list(Step)


@pytest.mark.parametrize("step", [q.step for q in REGISTRY], ids=str)
def test_every_step_is_complete(step: str) -> None:
    declared = REGISTRY.by_step[step]
    if step in ENGINE:
        assert declared.answer is None and declared.number is None
        return
    assert declared.answer is not None
    assert (declared.number is None) == (step in UNNUMBERED)
    assert declared.number is None or 1 <= declared.number <= REGISTRY.total_steps
    if step in REGISTRY.in_progress:
        assert declared.stats, "where drafts stop, in /statistik"
    if step not in ENDS and step is not Step.CONSENT:
        # An answer leads somewhere: its own next step, or the next one on the path.
        assert (
            REGISTRY.next_step(Conversation(step=step, answers=ANSWERED.copy()))
            in REGISTRY.by_step
        )


def test_every_field_is_asked_once_and_named_apart() -> None:
    asking = [q for q in REGISTRY if q.field is not None]
    assert len({q.field.name for q in asking if q.field}) == len(asking)
    assert all(q.number is not None and q.answer is not None for q in asking)
    exports = [f.export for f in REGISTRY.fields]
    assert len(set(exports)) == len(exports)
    words = [w for f in REGISTRY.fields for w in f.words]
    assert len(set(words)) == len(words)
    assert len(set(REGISTRY.columns)) == len(REGISTRY.columns)


def test_the_progress_counts_up_along_the_path() -> None:
    numbers = [q.number for q in REGISTRY if q.in_turn]
    assert numbers == sorted(n for n in numbers if n is not None)
    assert REGISTRY.total_steps == 11


def test_a_step_cannot_be_declared_twice() -> None:
    registry = Registry()
    question = Question("x", ask_nothing)
    registry.add(question)
    with pytest.raises(ValueError, match="declared twice"):
        registry.add(Question("x", ask_nothing))


def test_questions_are_added_after_a_step_and_the_path_follows() -> None:
    registry = Registry()
    registry.add(
        Question("a", ask_nothing, in_turn=True), Question("c", ask_nothing, in_turn=True)
    )
    field = Field("b", "B", Kind.TEXT, "B")
    registry.add(Question("b", ask_nothing, in_turn=True, number=2, field=field), after="a")
    assert [q.step for q in registry] == ["a", "b", "c"]
    assert registry.in_turn_after == {"a": "b", "b": "c"}
    assert registry.fields == (field,) and registry.field_step == {"b": "b"}
    assert registry.total_steps == 2
    registry.remove("b")
    assert registry.in_turn_after == {"a": "c"} and not registry.fields
