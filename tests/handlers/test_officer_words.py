"""Officers in their own words on Telegram: help by role, a command typed nearly right."""

from __future__ import annotations

import re

from tests.conftest import NIK, OFFICER, WORKER, Telegram, register


async def test_bantuan_shows_an_officer_the_officer_commands(telegram: Telegram) -> None:
    answer = await telegram.text(OFFICER, "/bantuan")
    assert "/antrean" in answer and "/setujui" in answer and "/perbaikan" in answer
    worker = await telegram.text(WORKER, "/bantuan")
    assert "/antrean" not in worker and "/status" in worker


async def test_a_near_miss_command_is_offered_and_its_button_runs_it(telegram: Telegram) -> None:
    found = re.search(r"BPU-\d{4}-\d{6}", await register(telegram, WORKER, NIK))
    assert found is not None
    reference = found.group(0)
    answer = await telegram.text(OFFICER, f"/setuju {reference} 12345678901")
    assert "Maksud Anda /setujui?" in answer and "tidak dikenal" in answer
    assert "/bantuan" not in answer  # not the worker's help
    done = await telegram.press(OFFICER, f"off:setujui:{reference} 12345678901")
    assert f"{reference}: disetujui" in done


async def test_a_worker_is_offered_the_worker_command_meant(telegram: Telegram) -> None:
    answer = await telegram.text(WORKER, "/statu")
    assert "Maksud Anda /status?" in answer


async def test_a_cards_button_typed_acts_on_the_card_shown_last(telegram: Telegram) -> None:
    found = re.search(r"BPU-\d{4}-\d{6}", await register(telegram, WORKER, NIK))
    assert found is not None
    reference = found.group(0)
    card = await telegram.text(OFFICER, f"/lihat {reference}")
    assert reference in card
    asked = await telegram.text(OFFICER, "ok setujui")  # inexact: asked once, only that button
    assert "Maksud Anda Setujui?" in asked
    assert "dipakai untuk pendaftaran" not in asked  # not the worker's consent question
    kpj = await telegram.text(OFFICER, "Setujui")  # exact: the tap itself
    assert f"Ketik nomor KPJ (11 angka) untuk {reference}." in kpj
    done = await telegram.text(OFFICER, "12345678901")
    assert "Pesan untuk pekerja" in done  # the approval's preview, as after a tap


async def test_other_words_after_a_card_stay_with_the_worker_flow(telegram: Telegram) -> None:
    found = re.search(r"BPU-\d{4}-\d{6}", await register(telegram, WORKER, NIK))
    assert found is not None
    await telegram.text(OFFICER, f"/lihat {found.group(0)}")
    welcome = await telegram.text(OFFICER, "halo")
    assert "Maksud Anda" not in welcome and "KPJ" not in welcome


async def test_a_file_after_a_card_is_not_downloaded_without_impor(telegram: Telegram) -> None:
    found = re.search(r"BPU-\d{4}-\d{6}", await register(telegram, WORKER, NIK))
    assert found is not None
    await telegram.text(OFFICER, f"/lihat {found.group(0)}")  # remembered: no dialog waits
    telegram.request.files["f"] = b"Nomor pendaftaran;Nomor KPJ\n"
    await telegram.feed(telegram.updates.document(OFFICER, "f", "hasil.csv"))
    assert not any(c.method == "getFile" for c in telegram.request.calls)
