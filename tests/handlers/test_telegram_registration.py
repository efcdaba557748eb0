"""A worker registers end to end through the real Application and a real database."""

from __future__ import annotations

import json
import re

from bot.settings import Settings
from handlers.telegram.app import build_application
from storage import open_repository
from tests.conftest import (
    NIK,
    OFFICER,
    WORKER,
    Telegram,
    create_event,
    query,
    register,
    to_phone,
    to_summary,
)
from tests.fakes import RecordingRequest, to_update


async def test_full_registration_stores_one_submission(
    telegram: Telegram, settings: Settings
) -> None:
    answer = await register(telegram, WORKER)

    stored = query(
        settings,
        "SELECT reference, nik, name, phone, home_code, income, status, answers, consent_version"
        " FROM submissions",
    )
    assert len(stored) == 1
    reference, nik, name, phone, home, income, status, answers, consent_version = stored[0]
    assert re.fullmatch(r"BPU-20\d\d-\d{6}", reference)
    assert f"<b>{reference}</b>" in answer
    assert (nik, name, phone, home, income, status) == (
        NIK,
        "Sri Wahyuni",
        "+6281234567890",
        "34.01",
        1_500_000,
        "diajukan",
    )
    assert json.loads(answers)["occupation"] == "nelayan"
    assert consent_version == "1"


async def test_each_answer_costs_one_call_and_a_tap_becomes_its_answer(
    telegram: Telegram,
) -> None:
    await register(telegram, WORKER)
    shown = telegram.request.sent(WORKER)
    # Greeting + 11 questions + the summary's answer = 13 answers for a clean registration,
    # one chat-bound call each: the five taps (consent, NIK confirmed, occupation, JHT, Kirim)
    # edit the tapped message into "✓ choice" and the next question; typed answers get a message.
    assert len(shown) == 13
    edits = [c for c in telegram.request.calls if c.method.startswith("edit")]
    assert [c.method for c in edits] == ["editMessageText"] * 5
    assert len(telegram.request.sends(WORKER)) == 8
    after_occupation = next(c for c in shown if "Berapa kira-kira penghasilan" in c.params["text"])
    assert after_occupation.method == "editMessageText"
    assert str(after_occupation.params["text"]).startswith("✓ Nelayan")
    assert "inline_keyboard" in str(after_occupation.params["reply_markup"])


async def test_a_tap_whose_message_cannot_be_edited_is_answered_with_a_message(
    telegram: Telegram,
) -> None:
    await telegram.text(WORKER, "/start")
    telegram.request.fail = lambda call: (
        (400, "Bad Request: message to edit not found")
        if call.method == "editMessageText"
        else None
    )
    question = await telegram.press(WORKER, "consent:yes")
    assert question.startswith("✓ Setuju") and "Langkah 1 dari 11" in question
    assert telegram.request.sent(WORKER)[-1].method == "sendMessage"


async def test_questions_show_progress_and_an_example(telegram: Telegram) -> None:
    await telegram.text(WORKER, "/start")
    question = await telegram.press(WORKER, "consent:yes")
    assert "Langkah 1 dari 11" in question
    assert "Contoh: 3401021203680003" in question


async def test_wrong_nik_says_why_and_asks_again(telegram: Telegram) -> None:
    await telegram.text(WORKER, "/start")
    await telegram.press(WORKER, "consent:yes")
    answer = await telegram.text(WORKER, "3401 0252 0379")
    assert "16 angka" in answer
    assert "Ketik NIK Anda" in answer
    answer = await telegram.text(WORKER, "9701025203790001")
    assert "97" in answer and "Ketik NIK Anda" in answer


async def test_help_is_offered_after_three_wrong_answers(telegram: Telegram) -> None:
    await telegram.text(WORKER, "/start")
    await telegram.press(WORKER, "consent:yes")
    for _ in range(2):
        assert "/bantuan" not in await telegram.text(WORKER, "abc")
    assert "/bantuan" in await telegram.text(WORKER, "abc")


async def test_user_text_is_escaped_in_html(telegram: Telegram) -> None:
    await to_phone(telegram, WORKER)
    await telegram.text(WORKER, "0812 3456 7890")
    await telegram.text(WORKER, "ya")
    await telegram.text(WORKER, "Jl. <b>Mawar</b> & Melati RT 01")
    await telegram.press(WORKER, "occ:petani")
    await telegram.press(WORKER, "inc:1000000")
    summary = await telegram.press(WORKER, "jht:yes")
    assert "Jl. &lt;b&gt;Mawar&lt;/b&gt; &amp; Melati RT 01" in summary
    assert "<b>Mawar</b>" not in summary


async def test_double_kirim_and_replayed_update_make_one_submission(
    telegram: Telegram, settings: Settings
) -> None:
    await register(telegram, WORKER)
    messages = len(telegram.request.sent(WORKER))
    await telegram.press(WORKER, "sum:send")  # the second tap of a double tap
    assert len(telegram.request.sent(WORKER)) == messages  # answered on the button only
    replay = telegram.updates.press(WORKER, "sum:send")
    await telegram.feed(replay)
    await telegram.feed(replay)
    assert query(settings, "SELECT count(*) FROM submissions") == [(1,)]


async def test_a_killed_process_resumes_at_the_same_question(settings: Settings) -> None:
    first_repo = await open_repository(settings.database_url)
    request = RecordingRequest()
    app = build_application(settings, first_repo, request=request, rate_limiter=False)
    await app.initialize()
    from tests.fakes import Updates

    updates = Updates()
    for data in (
        updates.text(WORKER, "/start"),
        updates.press(WORKER, "consent:yes"),
        updates.text(WORKER, NIK),
        updates.press(WORKER, "nikok:yes"),
        updates.text(WORKER, "Sarjono"),
    ):
        await app.process_update(to_update(data, app.bot))
    assert "tempat lahir" in request.last_text(WORKER)
    # No shutdown, no flush: the process is simply gone.
    await first_repo.close()

    second_repo = await open_repository(settings.database_url)
    request2 = RecordingRequest()
    app2 = build_application(settings, second_repo, request=request2, rate_limiter=False)
    await app2.initialize()
    await app2.process_update(to_update(updates.text(WORKER, "Bantul"), app2.bot))
    assert "Nomor HP" in request2.last_text(WORKER) or "nomor HP" in request2.last_text(WORKER)
    state = json.loads(query(settings, "SELECT state FROM conversations")[0][0])
    assert state["answers"]["name"] == "Sarjono"
    assert state["answers"]["birth_place"] == "Bantul"
    await app2.shutdown()
    await app.shutdown()
    await second_repo.close()


async def test_commands_mid_flow_answer_then_reask(telegram: Telegram) -> None:
    await telegram.text(WORKER, "/start")
    await telegram.press(WORKER, "consent:yes")
    await telegram.text(WORKER, NIK)
    await telegram.press(WORKER, "nikok:yes")
    status = await telegram.text(WORKER, "/status")
    texts = [c.params["text"] for c in telegram.request.sent(WORKER)[-2:]]
    assert "belum punya pendaftaran" in texts[0]
    assert "nama lengkap" in status
    helped = await telegram.text(WORKER, "/bantuan")
    assert "/status" in helped and "nama lengkap" in helped
    # The answer after the commands still goes to the pending question.
    assert "tempat lahir" in await telegram.text(WORKER, "Sarjono")


async def test_batal_asks_first_and_then_deletes_answers(
    telegram: Telegram, settings: Settings
) -> None:
    await telegram.text(WORKER, "/start")
    await telegram.press(WORKER, "consent:yes")
    await telegram.text(WORKER, NIK)
    confirm = await telegram.text(WORKER, "/batal")
    assert "Batalkan pendaftaran?" in confirm
    assert "Dari NIK" in await telegram.press(WORKER, "cancel:no")
    await telegram.text(WORKER, "/batal")
    done = await telegram.press(WORKER, "cancel:yes")
    assert "dihapus" in done
    state = json.loads(query(settings, "SELECT state FROM conversations")[0][0])
    assert state["answers"] == {}
    assert NIK not in query(settings, "SELECT state FROM conversations")[0][0]


async def test_nothing_but_allowed_fields_is_stored_before_consent(
    telegram: Telegram, settings: Settings
) -> None:
    code = await create_event(telegram, OFFICER)
    greeting = await telegram.text(WORKER, f"/start {code}")
    assert "Setuju" in json.dumps(telegram.request.sent(WORKER)[-1].params.get("reply_markup"))
    assert "Rp8.400" in greeting  # the lowest cost under the rules in force (PP 50/2025 relief)
    (state,) = query(settings, "SELECT state FROM conversations")[0]
    stored = {k: v for k, v in json.loads(state).items() if v not in (None, [], {}, 0, False)}
    # Telegram's update ids are kept to recognise replays; they say nothing about the person.
    assert set(stored) <= {"step", "event_code", "updated_at", "recent_updates"}
    assert stored["event_code"] == code
    await telegram.press(WORKER, "consent:no")
    (state,) = query(settings, "SELECT state FROM conversations")[0]
    assert json.loads(state)["answers"] == {}
    assert query(settings, "SELECT count(*) FROM submissions") == [(0,)]


async def test_consent_time_and_version_are_recorded(
    telegram: Telegram, settings: Settings
) -> None:
    await telegram.text(WORKER, "/start")
    await telegram.press(WORKER, "consent:yes")
    state = json.loads(query(settings, "SELECT state FROM conversations")[0][0])
    assert state["consent_version"] == "1"
    assert state["consent_at"].startswith("20")


async def test_event_code_from_the_link_stays_on_the_submission(
    telegram: Telegram, settings: Settings
) -> None:
    code = await create_event(telegram, OFFICER)
    await to_phone(telegram, WORKER, start=f"/start {code}", name="Sri")
    await telegram.contact(WORKER, "6281234567890")
    await telegram.text(WORKER, "ya")
    await telegram.text(WORKER, "Dusun Krebet RT 02")
    await telegram.press(WORKER, "occ:becak")
    await telegram.press(WORKER, "inc:2000000")
    await telegram.press(WORKER, "jht:no")
    await telegram.press(WORKER, "sum:send")
    assert query(settings, "SELECT event_code FROM submissions") == [(code,)]


async def test_an_active_nik_cannot_register_again(telegram: Telegram) -> None:
    await register(telegram, WORKER)
    other = WORKER + 1
    await telegram.text(other, "/start")
    await telegram.press(other, "consent:yes")
    answer = await telegram.text(other, NIK)
    assert "sudah terdaftar" in answer and "/status" in answer


async def test_stickers_and_edited_messages_get_a_clear_reply(telegram: Telegram) -> None:
    await telegram.text(WORKER, "/start")
    await telegram.press(WORKER, "consent:yes")
    await telegram.feed(telegram.updates.sticker(WORKER))
    assert "hanya bisa membaca teks" in telegram.request.last_text(WORKER)
    assert "Ketik NIK Anda" in telegram.request.last_text(WORKER)
    await telegram.feed(telegram.updates.edited(WORKER, NIK))
    assert "pesan baru" in telegram.request.last_text(WORKER)
    assert "Ketik NIK Anda" in telegram.request.last_text(WORKER)


async def test_someone_elses_contact_is_refused_and_the_question_asked_again(
    telegram: Telegram, settings: Settings
) -> None:
    await to_phone(telegram, WORKER, name="Sri")
    answer = await telegram.contact(WORKER, "081234567890", owner=WORKER + 99)
    assert "Bagikan nomor HP Anda sendiri, atau ketik nomor Anda" in answer
    assert "Bagikan nomor HP" in answer and "Langkah 5 dari 11" in answer
    state = json.loads(query(settings, "SELECT state FROM conversations")[0][0])
    assert "phone" not in state["answers"]
    # The worker's own contact is taken.
    assert "Langkah 6 dari 11" in await telegram.contact(WORKER, "6281234567890")


async def test_a_changed_birth_date_is_kept_and_flagged(
    telegram: Telegram, settings: Settings
) -> None:
    await telegram.text(WORKER, "/start")
    await telegram.press(WORKER, "consent:yes")
    await telegram.text(WORKER, NIK)
    await telegram.press(WORKER, "nikok:no")
    await telegram.text(WORKER, "17 agu 79")
    await telegram.press(WORKER, "sex:P")
    await telegram.text(WORKER, "Sri")
    await telegram.text(WORKER, "Bantul")
    await telegram.contact(WORKER, "6281234567890")
    await telegram.text(WORKER, "tidak, pindah")
    await telegram.text(WORKER, "kota pekalongan")
    await telegram.text(WORKER, "Jl. Hayam Wuruk 5")
    await telegram.press(WORKER, "occ:pedagang")
    await telegram.text(WORKER, "800 ribu")
    summary = await telegram.press(WORKER, "jht:no")
    assert "Dihitung dari tingkat penghasilan Rp1.000.000" in summary
    await telegram.press(WORKER, "sum:send")
    birth, home, flags, income = query(
        settings, "SELECT birth_date, home_code, flags, income FROM submissions"
    )[0]
    assert birth == "1979-08-17"
    assert home == "33.75"
    assert income == 800_000
    assert set(json.loads(flags)) == {"nik_tanggal_beda", "domisili_beda"}


async def test_bahasa_switches_to_english_and_reasks(telegram: Telegram) -> None:
    await telegram.text(WORKER, "/start")
    await telegram.press(WORKER, "consent:yes")
    await telegram.text(WORKER, "/bahasa")
    assert set(telegram.request.last_buttons(WORKER)) == {"lang:id", "lang:en"}
    answer = await telegram.press(WORKER, "lang:en")
    assert "Language: English." in answer
    assert "Type your NIK" in answer
    assert "16 digits" in await telegram.text(WORKER, "123")


async def test_telegram_english_users_are_greeted_in_english(telegram: Telegram) -> None:
    greeting = await telegram.text(WORKER, "/start", language_code="en-GB")
    assert "Welcome" in greeting and "Rp8.400" in greeting


async def test_a_double_tap_is_answered_once_and_without_an_apology(
    telegram: Telegram,
) -> None:
    await telegram.text(WORKER, "/start")
    tap = telegram.updates.press(WORKER, "consent:yes", text="Setuju?", message_id=41)
    again = telegram.updates.press(WORKER, "consent:yes", text="Setuju?", message_id=41)
    await telegram.feed(tap)
    await telegram.feed(again)  # a slow phone sent the tap twice
    sent = telegram.request.sent(WORKER)
    assert len(sent) == 2 and "Ketik NIK Anda" in sent[-1].params["text"]
    assert not [c for c in sent if "gangguan" in c.params["text"]]
    assert sent[-1].method == "editMessageText" and sent[-1].params["message_id"] == 41
    calls = [
        c for c in telegram.request.calls if c.method not in ("sendMessage", "editMessageText")
    ]
    # Both taps stop their spinner; the second with a short notice instead of a message.
    assert [c.method for c in calls] == ["answerCallbackQuery", "answerCallbackQuery"]
    answered = [c.params["callback_query_id"] for c in calls]
    assert answered == [tap["callback_query"]["id"], again["callback_query"]["id"]]
    assert "text" not in calls[0].params and "Sudah dijawab" in calls[1].params["text"]


async def test_the_welcome_is_sent_once_and_repeats_are_short(telegram: Telegram) -> None:
    welcome = await telegram.text(WORKER, "/start")
    assert "Untuk pekerja mandiri" in welcome  # the long welcome, once
    wrong = await telegram.text(WORKER, "hmm")
    assert "Untuk pekerja mandiri" not in wrong
    assert "Pilih salah satu tombol" in wrong and "Anda setuju" in wrong
    assert set(telegram.request.last_buttons(WORKER)) == {"consent:yes", "consent:no"}
    assert len(wrong) < len(welcome) / 3
    helped = await telegram.text(WORKER, "/bantuan")
    assert "Bantuan" in helped and "Untuk pekerja mandiri" not in helped
    status = await telegram.text(WORKER, "/status")
    assert "Untuk pekerja mandiri" not in status


async def test_a_tap_before_a_typed_question_is_one_edit_without_a_keyboard(
    telegram: Telegram,
) -> None:
    await telegram.text(WORKER, "/start")
    before = len(telegram.request.sent(WORKER))
    question = await telegram.press(WORKER, "consent:yes")
    shown = telegram.request.sent(WORKER)[before:]
    # Edits take only an inline keyboard: the NIK question (typed) replaces the tapped message
    # with no reply_markup at all, which also takes the tapped buttons away.
    assert [c.method for c in shown] == ["editMessageText"]
    assert "reply_markup" not in shown[0].params
    assert question.startswith("✓ Setuju") and "Ketik NIK Anda" in question
    assert telegram.request.refused == []


async def test_a_tap_before_the_contact_button_is_one_new_message(telegram: Telegram) -> None:
    await to_summary(telegram, WORKER)
    await telegram.press(WORKER, "sum:edit")
    before = len(telegram.request.sent(WORKER))
    question = await telegram.press(WORKER, "edit:phone")
    shown = telegram.request.sent(WORKER)[before:]
    # The phone's keyboard cannot be put on an edited message: one new message carries it,
    # the choice echoed at its top.
    assert [c.method for c in shown] == ["sendMessage"]
    markup = json.loads(str(shown[0].params["reply_markup"]))
    assert markup["keyboard"][0][0]["request_contact"] is True
    assert question.startswith("✓ Nomor HP") and "Bagikan nomor HP" in question
    # The tapped message keeps its buttons; tapping one again sends nothing new.
    await telegram.press(WORKER, "edit:name")
    assert len(telegram.request.sent(WORKER)) == before + 1
    toast = telegram.request.calls[-1]
    assert toast.method == "answerCallbackQuery" and "Sudah dijawab" in toast.params["text"]
