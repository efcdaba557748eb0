"""The pure flow: no storage, no channel; needs are answered by a small in-memory resolver."""

from __future__ import annotations

from collections.abc import Hashable
from datetime import UTC, date, datetime, timedelta
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.domain import Erasure, SubmitResult
from bot.fields import Answers
from bot.flow.context import Context, Outcome
from bot.flow.engine import step
from bot.flow.events import Command, Incoming, Press, SharedContact, Text, Unsupported
from bot.flow.needs import (
    Erase,
    EventOf,
    FixTargetOf,
    MySubmissions,
    Need,
    NikHolder,
    SponsorFor,
    Submit,
)
from bot.flow.questions import REGISTRY
from bot.flow.registry import question
from bot.flow.state import Conversation, Step
from bot.render import HTML, PLAIN, render_text

NOW = datetime(2026, 11, 23, 3, 0, tzinfo=UTC)
NIK = "3401025203790001"


def resolve(need: Need[Any]) -> Any:
    """What storage would answer for a worker with no earlier submissions."""
    answers: dict[type[Need[Any]], Any] = {
        NikHolder: None,
        Submit: SubmitResult("BPU-2026-000001"),
        MySubmissions: [],
        FixTargetOf: None,
        EventOf: None,
        SponsorFor: None,
        Erase: Erasure((), ()),
    }
    return answers[type(need)]


def run(conv: Conversation, event: Incoming, now: datetime = NOW) -> Outcome:
    facts: dict[Hashable, Any] = {}
    while True:
        result = step(conv, event, Context(now=now, facts=facts))
        if isinstance(result, Outcome):
            result.conv.touched(now)
            return result
        facts[result.key] = resolve(result)


def walk(events: list[Incoming]) -> Conversation:
    conv = Conversation()
    for event in events:
        conv = run(conv, event).conv
    return conv


HAPPY: list[Incoming] = [
    Command("start"),
    Press("consent:yes"),
    Text(NIK),
    Press("nikok:yes"),
    Text("Sarjono"),
    Text("Bantul"),
    SharedContact("6281234567890", True),
    Press("home:yes"),
    Text("Dusun Krebet"),
    Press("occ:becak"),
    Press("inc:1000000"),
    Press("jht:no"),
]


def test_the_happy_path_reaches_the_summary_and_submits() -> None:
    conv = walk(HAPPY)
    assert conv.step is Step.SUMMARY
    done = run(conv, Press("sum:send"))
    assert done.conv.step is Step.DONE
    assert done.conv.answers == Answers()  # the submission holds the data now
    assert "BPU-2026-000001" in render_text(done.replies[0], "id", PLAIN)


def test_editing_from_the_summary_returns_to_it() -> None:
    conv = walk([*HAPPY, Press("sum:edit"), Press("edit:address")])
    assert conv.step is Step.ADDRESS
    conv = run(conv, Text("Jl. Baru 1")).conv
    assert conv.step is Step.SUMMARY
    assert conv.answers.address == "Jl. Baru 1"
    assert conv.answers.name == "Sarjono"  # nothing else was lost


def test_a_new_nik_from_the_summary_is_confirmed_again() -> None:
    conv = walk([*HAPPY, Press("sum:edit"), Press("edit:nik"), Text("3402014107850002")])
    assert conv.step is Step.NIK_CONFIRM
    conv = run(conv, Press("nikok:yes")).conv
    assert conv.step is Step.SUMMARY
    assert conv.answers.birth_date == date(1985, 7, 1)


def test_a_worker_back_after_a_pause_is_welcomed_with_the_pending_question() -> None:
    conv = walk(HAPPY[:5])
    assert conv.step is Step.BIRTH_PLACE
    later = run(conv, Text("halo"), NOW + timedelta(days=2))
    text = render_text(later.replies[0], "id", PLAIN)
    assert "Selamat datang kembali" in text and "tempat lahir" in text
    assert later.conv.step is Step.BIRTH_PLACE
    assert any(b.data == "restart:yes" for b in later.replies[0].all_buttons)
    # The next answer goes to the question as usual.
    assert run(later.conv, Text("Bantul"), NOW + timedelta(days=2)).conv.step is Step.PHONE


def test_start_mid_flow_offers_to_continue() -> None:
    conv = walk(HAPPY[:4])
    again = run(conv, Command("start"))
    assert again.conv.step is Step.NAME
    assert "Selamat datang kembali" in render_text(again.replies[0], "id", PLAIN)


def test_papua_niks_are_not_used_to_suggest_a_home() -> None:
    # 94.01 was Merauke before 2022 and is Nabire now: ask instead of suggesting.
    conv = walk([*HAPPY[:2], Text("9401014107850002"), *HAPPY[3:7]])
    assert conv.step is Step.HOME


def test_typed_words_count_as_buttons() -> None:
    conv = walk([Command("start"), Text("setuju"), Text(NIK), Text("BENAR")])
    assert conv.step is Step.NAME


def test_a_second_tap_on_an_answered_button_gets_a_notice_not_a_message() -> None:
    conv = walk(HAPPY[:4])
    outcome = run(conv, Press("nikok:yes"))  # the double tap of "Benar"
    assert outcome.conv.step is Step.NAME and outcome.replies == []
    assert outcome.toast is not None


def test_an_old_button_tapped_much_later_is_refused_politely() -> None:
    conv = walk(HAPPY[:4])
    outcome = run(conv, Press("consent:yes"), NOW + timedelta(minutes=61))
    assert outcome.conv.step is Step.NAME
    assert "sudah tidak berlaku" in render_text(outcome.replies[0], "id", PLAIN)


EVENTS = st.one_of(
    st.builds(Text, st.text(max_size=40)),
    st.builds(Press, st.text(max_size=20)),
    st.builds(
        Press,
        st.sampled_from(
            [
                "consent:yes",
                "consent:no",
                "nikok:no",
                "sex:L",
                "home:no",
                "home:34.02",
                "occ:lainnya",
                "sector:yes",
                "inc:999",
                "jht:yes",
                "sum:edit",
                "sum:cancel",
                "edit:nik",
                "edit:back",
                "cancel:yes",
                "cancel:no",
                "lang:en",
                "restart:yes",
                "fix:BPU-1",
                "start:new",
                "off:lihat:x",
            ]
        ),
    ),
    st.builds(SharedContact, st.text(max_size=16), st.booleans()),
    st.builds(
        Command,
        st.sampled_from(["start", "status", "batal", "bantuan", "bahasa", "x"]),
        st.text(max_size=10),
    ),
    st.builds(Unsupported, st.sampled_from(["sticker", "photo", "edited"])),
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(prefix=st.integers(0, len(HAPPY)), events=st.lists(EVENTS, max_size=6))
def test_no_input_crashes_a_step_or_leaves_it_silent(prefix: int, events: list[Incoming]) -> None:
    conv = walk(HAPPY[:prefix])
    for event in events:
        outcome = run(conv, event)
        assert outcome.replies or outcome.toast, f"no reply to {event} at {conv.step}"
        for reply in outcome.replies:
            for lang in ("id", "en"):
                assert render_text(reply, lang, HTML).strip()
        conv = Conversation.from_json(outcome.conv.to_json())
        assert isinstance(conv.step, Step)


def test_a_list_too_long_for_buttons_is_answered_with_its_number() -> None:
    conv = walk([*HAPPY, Press("sum:edit")])
    assert conv.step is Step.EDIT_PICK  # 11 fields and "back": shown numbered on WhatsApp
    picked = run(conv, Text("4"))  # the fourth choice: the name
    assert picked.conv.step is Step.NAME
    assert run(conv, Text("40")).conv.step is Step.EDIT_PICK  # no such choice: asked again


def test_the_sponsor_is_looked_up_before_the_questions_that_show_it_only() -> None:
    """Who pays JKK + JKM changes the income question's amounts and the summary, nothing in
    between: one look-up before each (each a database query), not one per answered field."""
    asked: list[str] = []
    conv = Conversation()
    for event in HAPPY:
        facts: dict[Hashable, Any] = {}
        while True:
            result = step(conv, event, Context(now=NOW, facts=facts))
            if isinstance(result, Outcome):
                break
            if isinstance(result, SponsorFor):
                asked.append(conv.step)
            facts[result.key] = resolve(result)
        conv = result.conv.touched(NOW)
    assert conv.step is Step.SUMMARY
    assert asked == [Step.OCCUPATION, Step.JHT]  # answering them leads to income, summary


def test_constant_buttons_are_the_questions_own() -> None:
    """pending_buttons reads these without building the question: they must be what it shows."""
    conv = walk(HAPPY)
    constant = [q for q in REGISTRY if q.buttons is not None]
    assert constant
    for declared in constant:
        conv.step = declared.step
        assert question(conv, Context(now=NOW, facts={})).buttons == declared.buttons
