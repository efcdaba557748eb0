"""The core's replies on WhatsApp: within Meta's limits for every button the flow can produce,
in both languages; WhatsApp markup; long texts split; the phone question as one tap.

Every rendered message is checked with the fake Cloud API's rules (tests/system/
fake_whatsapp_rules.py), written from Meta's pages independently of handlers.whatsapp.limits.
"""

from __future__ import annotations

import ast
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from bot.domain import Status, Submission, SubmissionView
from bot.fields import OCCUPATIONS, SEX_LABELS, Answers
from bot.flow.context import Context, Outcome
from bot.flow.engine import step
from bot.flow.events import Command, Press, Text
from bot.flow.questions import REGISTRY
from bot.flow.questions.home import ask_home
from bot.flow.reminders import draft_reminder
from bot.flow.state import Conversation, Step
from bot.flow.status import status_reply
from bot.i18n import LANGUAGES, translate
from bot.messages import Attachment, Block, Button, Keyboard, Msg, Reply
from bot.officers.decisions import FIX_NOTES, REJECT_REASONS
from bot.officers.events import ORGANISERS
from bot.officers.views import worker_notice
from bot.payers import SPONSOR_TYPES
from bot.render import WHATSAPP, neutralise, render_msg
from handlers.whatsapp import labels
from handlers.whatsapp.limits import wa_len
from handlers.whatsapp.preview import preview_reply
from handlers.whatsapp.render import Choices, Rendered, media_message, render_reply, split_text
from tests.bot.test_flow import HAPPY, NOW, run, walk
from tests.system.fake_whatsapp_rules import validate

ROOT = Path(__file__).resolve().parents[2]
WA_ID = "6281234567890"
PHONE = "+6281234567890"
# Values for the placeholders of button labels, as long as they get in practice.
SAMPLES: dict[str, Any] = {
    "reference": "BPU-2026-000123",
    "income": "Rp5.000.000",
    "cost": "Rp103.400",
    "n": 10,
    "mark": "✓ ",
}
USER_DATA = {"name"}  # placeholders filled with user data: no short msgid can exist


def checked(rendered: Rendered) -> Rendered:
    """``rendered`` after every message passed Meta's checks (as the fake applies them)."""
    for message in rendered.messages:
        problem = validate({"messaging_product": "whatsapp", "to": WA_ID, **message})
        assert problem is None, f"{problem}: {message}"
    return rendered


def kinds(rendered: Rendered) -> list[str]:
    return [
        m["interactive"]["type"] if m["type"] == "interactive" else m["type"]
        for m in rendered.messages
    ]


# --- every button label of bot/ ------------------------------------------------------------------


def _calls(tree: ast.AST, names: set[str]) -> list[ast.Call]:
    return [
        node
        for node in ast.walk(tree)
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in names
    ]


def _literal_msgids(node: ast.AST) -> list[str]:
    return [
        call.args[0].value
        for call in _calls(node, {"N_"})
        if call.args
        and isinstance(call.args[0], ast.Constant)
        and isinstance(call.args[0].value, str)
    ]


SOURCES = [p for p in (ROOT / "bot").rglob("*.py") if p.name != "messages.py"]
TREES = {path: ast.parse(path.read_text(encoding="utf-8")) for path in SOURCES}
# Labels that are not an N_() literal inside the Button(...) call, by the source of its first
# argument: where their texts come from. A new kind of label fails test_every_button_site_is_known
# until it is listed here (and its texts are covered below).
DYNAMIC_SITES = {
    "Msg(yes)": "yes_no_buttons(...) arguments",
    "Msg(no)": "yes_no_buttons(...) arguments",
    "Msg(SEX_LABELS[Sex.MALE])": "SEX_LABELS",
    "Msg(SEX_LABELS[Sex.FEMALE])": "SEX_LABELS",
    "Msg(label)": "OCCUPATIONS, LEVELS",
    "Msg(t.label)": "SPONSOR_TYPES (bot/payers.py)",
    "Msg(f.label)": "the registration's field labels (bot/flow/questions/)",
    "label": "'{income} · iuran {cost}' and 'Tutup {name}' (below)",
    "Msg(o)": "ORGANISERS",
    "Msg(reason)": "REJECT_REASONS, FIX_NOTES",
    "Msg('{mark}{label}', {'mark': '✓ ' if key in ticked else '', 'label': Msg(label)})": "toggles",
    "Msg('{name}', {'name': r.label})": "user data: region names",
    "Msg('{name}', {'name': region.label})": "user data: region names",
    "Msg('{name}', {'name': s.name})": "user data: sponsor names",
    "Msg('{name} ({payer})', {'name': s.name, 'payer': Msg(payer_type(s.payer).label)})": (
        "user data: sponsor names, with SPONSOR_TYPES"
    ),
    "Msg('{n}', {'n': first + i})": "numbers",
}
EXTRA_LABELS = ["{income} · iuran {cost}", "Tutup {name}"]


def button_msgids() -> set[str]:
    """Every label msgid a button of bot/ can show."""
    found: set[str] = set(EXTRA_LABELS)
    for tree in TREES.values():
        for call in _calls(tree, {"Button", "yes_no_buttons"}):
            found.update(_literal_msgids(call))
    tables = [
        OCCUPATIONS.values(),
        [f.label for f in REGISTRY.fields],
        SEX_LABELS.values(),
        ORGANISERS,
    ]
    tables += [[t.label for t in SPONSOR_TYPES], REJECT_REASONS, FIX_NOTES]
    found.update(label for table in tables for label in table)
    found.discard("📱 Bagikan nomor HP")  # Telegram only (Context.contact_button)
    return found


def test_every_button_site_is_known() -> None:
    unknown = {
        ast.unparse(call.args[0])
        for tree in TREES.values()
        for call in _calls(tree, {"Button"})
        if call.args
        and not _literal_msgids(call.args[0])
        and ast.unparse(call.args[0]) not in DYNAMIC_SITES
    }
    assert not unknown, f"button labels the WhatsApp tests do not cover: {unknown}"


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_button_label_fits_a_button_or_a_row(lang: str) -> None:
    msgids = button_msgids()
    assert len(msgids) > 60  # the scan found the labels
    too_long = []
    for msgid in sorted(msgids):
        params = {
            name: SAMPLES.get(name, "Sosialisasi BPU Pasar Wates") for name in _fields(msgid)
        }
        msg = Msg(msgid, params)
        fits = labels.row(msg, lang) is not None
        if not USER_DATA & set(params):
            fits = fits and labels.title(msg, lang, 20) is not None
        if not fits:
            too_long.append((msgid, labels.plain(msg, lang)))
    assert not too_long, f"labels without a short form in handlers/whatsapp/labels.py: {too_long}"


def test_short_labels_are_short_and_keep_the_placeholders() -> None:
    for long, short in labels.SHORT_LABELS.items():
        assert set(_fields(short.title)) <= set(_fields(long))
        for lang in LANGUAGES:
            params = {name: SAMPLES[name] for name in _fields(long)}
            assert wa_len(labels.plain(Msg(short.title, params), lang)) <= 20, (long, lang)


def _fields(msgid: str) -> list[str]:
    import string

    return [name for _, name, _, _ in string.Formatter().parse(msgid) if name]


# --- every reply of the flow ---------------------------------------------------------------------


def flow_replies() -> list[Reply]:
    """The replies of a registration with detours: commands, edits, a pause, a cancel."""
    events = [
        Command("start"),
        *HAPPY,
        Press("sum:edit"),
        Press("edit:home_code"),
        Text("Pekalongan"),
        Command("bahasa"),
        Command("hapusdata"),
        Command("status"),
        Press("sum:cancel"),
    ]
    replies: list[Reply] = []
    conv = Conversation()
    for event in events:
        outcome = run(conv, event)
        replies += outcome.replies
        conv = outcome.conv
    # The read-back questions: a near spelling, a kecamatan in several kabupaten, other work, a
    # day's income.
    conv = Conversation()
    for event in [
        *HAPPY[:7],
        Press("home:no"),
        Text("Slemn"),
        Text("bukan"),
        Text("wates"),
        Press("home:34.01"),
        Text("Dusun Krebet"),
        Text("juru kunci makam"),
        Press("occok:yes"),
        Press("sector:no"),
        Text("50rb sehari"),
        Press("inccf:yes"),
    ]:
        outcome = run(conv, event)
        replies += outcome.replies
        conv = outcome.conv
    paused = walk(HAPPY[:5])
    replies += run(paused, Text("halo"), NOW + timedelta(days=2)).replies
    homes = Conversation(step=Step.HOME, home_candidates=["71.09", "16.12", "34.02"])
    replies.append(ask_home(homes, None))  # type: ignore[arg-type]  # ctx unused with candidates
    views = [
        SubmissionView("BPU-2026-000123", Status.NEEDS_FIX, "Foto buram", None, ("nik",), NOW)
    ]
    replies += [status_reply(views, NOW.date()), draft_reminder()]
    replies += [
        worker_notice(submission(status), NOW.date())
        for status in (Status.APPROVED, Status.REJECTED, Status.NEEDS_FIX)
    ]
    return replies


def submission(status: Status) -> Submission:
    return Submission(
        reference="BPU-2026-000123", channel="whatsapp", user_id=WA_ID,
        answers=Answers.from_data({"nik": "3401025203790001", "name": "Sri Wahyuni",
            "birth_date": "1979-03-12", "sex": "P", "phone": "+6281234567890",
            "home_code": "34.01", "occupation": "nelayan", "income": 1_000_000, "jht": False}),
        monthly_self_paid=8400, flags=(), event_code=None, status=status, note="Foto KTP *buram*",
        fix_fields=("nik", "name"), kpj="12345678901", decided_by="9001", decided_at=NOW,
        submitted_at=NOW,
    )  # fmt: skip


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_reply_of_the_flow_renders_within_the_limits(lang: str) -> None:
    replies = flow_replies()
    assert len(replies) > 20
    for reply in replies:
        rendered = checked(render_reply(reply, lang))
        buttons = len(reply.all_buttons)
        if 0 < buttons <= 10 and reply.keyboard is not Keyboard.CONTACT:
            # Tappable whenever WhatsApp allows: never the numbered fallback for ≤ 10 choices.
            assert kinds(rendered)[-1] in ("button", "list"), (reply, rendered)


def test_the_flows_choices_take_the_expected_forms() -> None:
    by_first_button = {
        r.all_buttons[0].data: render_reply(r, "id") for r in flow_replies() if r.all_buttons
    }
    assert kinds(by_first_button["consent:yes"])[-1] == "button"
    assert kinds(by_first_button["occ:becak"]) == ["list"]
    assert kinds(by_first_button["inc:1000000"]) == ["list"]
    assert kinds(by_first_button["edit:nik"]) == ["text"]  # 12 choices: numbered
    assert kinds(by_first_button["inccf:yes"])[-1] == "button"
    assert kinds(by_first_button["occok:yes"])[-1] == "button"
    assert kinds(by_first_button["home:34.04"])[-1] == "button"  # "Maksud Anda Kab. Sleman?"
    assert kinds(by_first_button["home:34.01"])[-1] == "button"  # Wates: three kabupaten
    income = by_first_button["inc:1000000"].messages[0]["interactive"]["action"]["sections"][0][
        "rows"
    ][1]
    assert income == {
        "id": "inc:1400000",
        "title": "Rp1.400.000",
        "description": "iuran Rp10.400 per bulan",
    }


def test_a_short_label_shows_on_the_button_and_can_be_typed_back() -> None:
    views = [
        SubmissionView("BPU-2026-000123", Status.NEEDS_FIX, "Foto buram", None, ("nik",), NOW)
    ]
    rendered = checked(render_reply(status_reply(views, NOW.date()), "id"))
    button = rendered.messages[-1]["interactive"]["action"]["buttons"][0]["reply"]
    assert button == {"id": "fix:BPU-2026-000123", "title": "Ubah BPU-2026-000123"}
    assert rendered.choices.resolve("ubah BPU-2026-000123") == "fix:BPU-2026-000123"
    assert rendered.choices.resolve("Perbaiki BPU-2026-000123") == "fix:BPU-2026-000123"


def test_long_user_data_labels_become_rows_with_the_whole_name_underneath() -> None:
    homes = Conversation(step=Step.HOME, home_candidates=["71.09", "16.12", "34.02"])
    rendered = checked(render_reply(ask_home(homes, None), "id"))  # type: ignore[arg-type]
    rows = rendered.messages[-1]["interactive"]["action"]["sections"][0]["rows"]
    long = [r for r in rows if "description" in r]
    assert long, rows
    for row in long:
        assert row["title"].endswith("…") and wa_len(row["title"]) <= 24
        assert row["title"][:-1].rstrip() in row["description"]


def test_more_than_ten_choices_are_numbered_and_answered_by_number_or_name() -> None:
    buttons = tuple((Button(Msg(f"Pilihan {i}"), f"pick:{i}"),) for i in range(1, 13))
    rendered = checked(render_reply(Reply(parts=(Msg("Pilih satu:"),), buttons=buttons), "id"))
    (message,) = rendered.messages
    body = message["text"]["body"]
    assert "1. Pilihan 1\n2. Pilihan 2" in body and "12. Pilihan 12" in body
    assert body.endswith("_Balas dengan angka pilihan Anda._")
    assert rendered.choices.resolve("12") == "pick:12"
    assert rendered.choices.resolve(" 3. ") == "pick:3"
    assert rendered.choices.resolve("pilihan 7") == "pick:7"
    assert rendered.choices.resolve("13") is None
    assert Choices.from_data(rendered.choices.to_data()) == rendered.choices


def test_duplicate_titles_fall_back_to_a_list_or_numbers() -> None:
    twice = Reply(
        parts=(Msg("?"),), buttons=((Button(Msg("Ya"), "a:1"), Button(Msg("Ya"), "a:2")),)
    )
    rendered = checked(render_reply(twice, "id"))
    assert kinds(rendered) == ["text"]
    assert rendered.choices.numbers == {"1": "a:1", "2": "a:2"}


# --- text ----------------------------------------------------------------------------------------


def test_emphasis_becomes_whatsapp_markup_never_html() -> None:
    msg = Msg(
        "Pendaftaran Anda sudah terkirim dengan nomor <b>{reference}</b>.",
        {"reference": "BPU-2026-000001"},
    )
    assert (
        render_msg(msg, "id", WHATSAPP)
        == "Pendaftaran Anda sudah terkirim dengan nomor *BPU-2026-000001*."
    )
    progress = Msg("<i>Langkah {number} dari {total}</i>", {"number": 3, "total": 11})
    assert render_msg(progress, "en", WHATSAPP) == "_Step 3 of 11_"
    assert "<" not in render_msg(
        Msg("Tekan tombol <b>Bagikan nomor HP</b> di bawah, atau ketik nomor HP Anda."),
        "id",
        WHATSAPP,
    )


def test_user_data_cannot_turn_into_formatting() -> None:
    msg = Msg(
        "NIK Anda dari <b>{region}</b>. Masih tinggal di sana?", {"region": "*Kab*_x_ ~y~ `z`"}
    )
    shown = render_msg(msg, "id", WHATSAPP)
    assert shown.startswith("NIK Anda dari *∗Kab∗ˍxˍ ˜y˜ ˋzˋ*.")
    assert neutralise("lihat https://wa.me/6281100001111?text=DAFTAR%20ev_KP2026 *ya*") == (
        "lihat https://wa.me/6281100001111?text=DAFTAR%20ev_KP2026 ∗ya∗"
    )


def test_user_data_in_button_titles_stays_as_typed() -> None:
    reply = Reply(parts=(Msg("?"),), buttons=((Button(Msg("{name}", {"name": "A*B_C"}), "x:1"),),))
    rendered = checked(render_reply(reply, "id"))
    assert rendered.messages[0]["interactive"]["action"]["buttons"][0]["reply"]["title"] == "A*B_C"


def test_a_long_text_is_split_at_line_ends() -> None:
    lines = [f"Baris {i:03d} " + "x" * 90 for i in range(100)]  # ~10,000 characters
    rendered = checked(
        render_reply(Reply(parts=(Block(tuple(Msg(line) for line in lines)),)), "id")
    )
    bodies = [m["text"]["body"] for m in rendered.messages]
    assert len(bodies) == 3 and all(wa_len(b) <= 4096 for b in bodies)
    assert "\n".join(bodies) == "\n".join(lines)  # nothing lost, nothing cut inside a line


def test_a_line_longer_than_a_message_is_cut_at_spaces() -> None:
    words = " ".join(f"kata{i}" for i in range(1500))
    pieces = split_text(words, 4096)
    assert all(wa_len(p) <= 4096 for p in pieces) and " ".join(pieces) == words


def test_an_interactive_body_is_the_last_part_of_a_long_text() -> None:
    summary = [Msg(f"Baris {i}: " + "y" * 60) for i in range(40)]  # ~2,800 characters
    reply = Reply(
        parts=(Block(tuple(summary)), Msg("Sudah benar semua?")),
        buttons=((Button(Msg("Kirim"), "sum:send"),),),
    )
    rendered = checked(render_reply(reply, "id"))
    assert kinds(rendered) == ["text", "button"]
    body = rendered.messages[-1]["interactive"]["body"]["text"]
    assert body.endswith("Sudah benar semua?") and wa_len(body) <= 1024
    assert rendered.messages[0]["text"]["body"].startswith("Baris 0:")


def test_remove_keyboard_means_plain_text_and_files_pass_through() -> None:
    picture = Attachment("qr.png", b"png")
    rendered = render_reply(
        Reply(parts=(Msg("Ketik NIK Anda."),), keyboard=Keyboard.REMOVE, files=(picture,)), "id"
    )
    assert kinds(rendered) == ["text"] and rendered.files == (picture,)
    assert media_message("m1", picture) == {"type": "image", "image": {"id": "m1"}}
    sheet = Attachment("antrean.xlsx", b"x", photo=False)
    assert media_message("m2", sheet) == {
        "type": "document",
        "document": {"id": "m2", "filename": "antrean.xlsx"},
    }


# --- the phone question (asked by the core, from what the channel tells it) -------------------


def phone_step_reply(phone: str | None = PHONE, contact_button: bool = False) -> Reply:
    """The phone question as the core asks it of a WhatsApp sender."""
    conv = walk(HAPPY[:6])
    assert conv.step is Step.PHONE
    ctx = Context(now=NOW, sender_phone=phone, contact_button=contact_button)
    outcome = step(conv, Command("bantuan"), ctx)
    assert isinstance(outcome, Outcome)
    return outcome.replies[-1]


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_phone_question_is_one_tap_when_the_number_is_known(lang: str) -> None:
    rendered = checked(render_reply(phone_step_reply(), lang))
    interactive = rendered.messages[-1]["interactive"]
    assert [b["reply"]["id"] for b in interactive["action"]["buttons"]] == [
        "phone:yes",
        "phone:other",
    ]
    asked = translate("Nomor HP Anda {phone}?", lang).format(phone="0812-3456-7890")
    assert interactive["body"]["text"].endswith(asked)
    for word in ("Bagikan", "Share", "tombol", "button"):
        assert word not in interactive["body"]["text"]


def test_without_a_usable_number_the_worker_types_it() -> None:
    rendered = checked(render_reply(phone_step_reply(phone=None), "id"))
    text = rendered.messages[-1]["text"]["body"]
    assert "Ketik nomor HP Anda." in text and "Contoh: 0812 3456 7890" in text
    assert "Bagikan" not in text


def test_the_one_tap_answer_completes_the_phone_step() -> None:
    conv = walk(HAPPY[:6])
    ctx = Context(now=NOW, sender_phone=PHONE, contact_button=False)
    after = step(conv, Press("phone:yes"), ctx)
    assert isinstance(after, Outcome)
    assert after.conv.answers.phone == PHONE and after.conv.step is not Step.PHONE
    typed = step(conv, Text("ya"), ctx)  # typed, the same
    assert isinstance(typed, Outcome) and typed.conv.answers.phone == PHONE
    other = step(conv, Press("phone:other"), ctx)
    assert isinstance(other, Outcome) and other.conv.step is Step.PHONE
    assert (
        "Ketik nomor HP Anda." in render_reply(other.replies[0], "id").messages[0]["text"]["body"]
    )


def test_the_terminal_preview_shows_what_a_whatsapp_user_sees() -> None:
    shown, choices = preview_reply(phone_step_reply(), "id")
    assert shown.endswith("Nomor HP Anda 0812-3456-7890?\n[ Ya ]  [ Nomor lain ]")
    assert choices.resolve("nomor lain") == "phone:other"
    income = next(
        r for r in flow_replies() if r.all_buttons and r.all_buttons[0].data == "inc:1000000"
    )
    shown, _ = preview_reply(income, "en")
    assert "[ ☰ Choose ]" in shown and "• Rp1,000,000" not in shown
    assert "   • Rp1.000.000 — contribution Rp8.400 a month" in shown
    files = Reply(parts=(Msg("Poster"),), files=(Attachment("poster.png", b"", photo=False),))
    assert preview_reply(files, "id")[0] == "Poster\n📎 dokumen poster.png"
