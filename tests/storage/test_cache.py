"""The process's memory of the states it saved: used only for updates it has just stored."""

from __future__ import annotations

from bot.flow.state import Conversation, Step
from storage.sql.cache import MAX_AGE_SECONDS, StateCache


def test_a_state_is_used_once_for_an_update_just_stored() -> None:
    now = [0.0]
    memory = StateCache(clock=lambda: now[0])
    conv = Conversation(step=Step.NAME)
    memory.saved("tg", "7", 3, conv)
    assert memory.take("tg", "7", "100") is None  # not stored by this process: read it
    memory.stored("tg", ["100"])
    found = memory.take("tg", "7", "100")
    assert found is not None and found.rev == 3 and found.conv is conv
    assert memory.take("tg", "7", "100") is None  # a second look (a retry) reads the database


def test_an_old_or_forgotten_state_is_read_again() -> None:
    now = [0.0]
    memory = StateCache(clock=lambda: now[0])
    memory.saved("tg", "7", 1, Conversation())
    now[0] = MAX_AGE_SECONDS + 1
    memory.stored("tg", ["1"])
    assert memory.take("tg", "7", "1") is None
    memory.saved("tg", "7", 2, Conversation())
    memory.forget("tg", "7")
    memory.stored("tg", ["2"])
    assert memory.take("tg", "7", "2") is None
