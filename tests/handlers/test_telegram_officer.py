"""Officers review submissions through Telegram; workers are told through the outbox."""

from __future__ import annotations

import re

from bot.settings import Settings
from tests.conftest import NIK, OFFICER, WORKER, Telegram, query, register


async def submitted(tg: Telegram, user: int = WORKER, nik: str = NIK) -> str:
    """Register and return the reference."""
    answer = await register(tg, user, nik)
    found = re.search(r"BPU-\d{4}-\d{6}", answer)
    assert found is not None
    return found.group(0)


async def test_non_officers_are_refused_and_see_no_data(telegram: Telegram) -> None:
    reference = await submitted(telegram)
    stranger = WORKER + 7
    for command in (
        "/antrean",
        f"/lihat {reference}",
        f"/setujui {reference} 12345678901",
        "/cari Sri",
    ):
        answer = await telegram.text(stranger, command)
        assert "hanya untuk petugas" in answer
        assert reference not in answer and "Sri" not in answer and "3401" not in answer


async def test_queue_is_masked_and_oldest_first(telegram: Telegram) -> None:
    first = await submitted(telegram, WORKER, NIK)
    second = await submitted(telegram, WORKER + 1, "3402014107850002")
    queue = await telegram.text(OFFICER, "/antrean")
    assert queue.index(first) < queue.index(second)
    assert "3401********0001" in queue
    assert NIK not in queue
    assert "Sri Wahyuni" not in queue  # names are masked in lists too
    assert f"off:lihat:{first}" in telegram.request.last_buttons(OFFICER)


async def test_viewing_a_card_shows_everything_and_is_audited(
    telegram: Telegram, settings: Settings
) -> None:
    reference = await submitted(telegram)
    card = await telegram.text(OFFICER, f"/lihat {reference.lower()}")
    assert NIK in card and "Sri Wahyuni" in card and "+6281234567890" in card
    assert query(settings, "SELECT actor, action, reference FROM audit") == [
        (f"tg:{OFFICER}", "lihat", reference)
    ]


async def test_approval_checks_the_kpj_and_notifies_the_worker(
    telegram: Telegram, settings: Settings
) -> None:
    reference = await submitted(telegram)
    bad = await telegram.text(OFFICER, f"/setujui {reference} 12AB")
    assert "11 angka" in bad
    assert query(settings, "SELECT status FROM submissions") == [("diajukan",)]

    ok = await telegram.text(OFFICER, f"/setujui {reference} 12345678901")
    assert "disetujui" in ok
    assert query(settings, "SELECT status, kpj FROM submissions") == [("disetujui", "12345678901")]
    assert query(settings, "SELECT status FROM outbox") == [("pending",)]

    assert await telegram.deliver() == 1
    assert "12345678901" in telegram.request.last_text(WORKER)
    assert query(settings, "SELECT status FROM outbox") == [("sent",)]
    assert await telegram.deliver() == 0  # nothing is sent twice
    assert ("disetujui",) in query(settings, "SELECT action FROM audit")
    status = await telegram.text(WORKER, "/status")
    assert "disetujui" in status and "12345678901" in status


async def test_rejection_notifies_with_the_reason_and_allows_a_new_registration(
    telegram: Telegram, settings: Settings
) -> None:
    reference = await submitted(telegram)
    await telegram.text(OFFICER, f"/tolak {reference} Foto KTP tidak jelas")
    await telegram.deliver()
    assert "Foto KTP tidak jelas" in telegram.request.last_text(WORKER)
    again = await submitted(telegram)
    assert again != reference
    assert query(settings, "SELECT status FROM submissions ORDER BY id") == [
        ("ditolak",),
        ("diajukan",),
    ]


async def test_correction_asks_only_that_field_and_keeps_the_reference(
    telegram: Telegram, settings: Settings
) -> None:
    reference = await submitted(telegram)
    await telegram.text(OFFICER, f"/perbaikan {reference} nama Nama harus sesuai KTP")
    await telegram.deliver()
    notice = telegram.request.last_text(WORKER)
    assert "Nama harus sesuai KTP" in notice
    assert f"fix:{reference}" in telegram.request.last_buttons(WORKER)

    question = await telegram.press(WORKER, f"fix:{reference}")
    assert "nama lengkap" in question
    summary = await telegram.text(WORKER, "Sri Wahyuningsih")
    assert "Sri Wahyuningsih" in summary and "Kirim" in summary
    done = await telegram.press(WORKER, "sum:send")
    assert reference in done
    assert query(settings, "SELECT reference, name, status FROM submissions") == [
        (reference, "Sri Wahyuningsih", "diajukan")
    ]
    # A second tap on the old button does not reopen the correction.
    assert "tidak sedang menunggu perbaikan" in await telegram.press(WORKER, f"fix:{reference}")


async def test_second_decision_is_refused_and_the_worker_hears_once(
    telegram: Telegram, settings: Settings
) -> None:
    reference = await submitted(telegram)
    await telegram.text(OFFICER, f"/setujui {reference} 12345678901")
    late = await telegram.text(OFFICER, f"/tolak {reference} salah")
    # The officer who decided is named by their Telegram first name (the test updates' "Pekerja").
    assert "sudah diputuskan (disetujui) oleh Pekerja." in late
    assert query(settings, "SELECT count(*) FROM outbox") == [(1,)]
    assert query(settings, "SELECT status FROM submissions") == [("disetujui",)]


async def test_search_by_nik_phone_and_name_is_masked(
    telegram: Telegram, settings: Settings
) -> None:
    reference = await submitted(telegram)
    for query_text in (NIK, "3401 0252 0379 0001", "0812-3456-7890", "wahyu"):
        answer = await telegram.text(OFFICER, f"/cari {query_text}")
        assert reference in answer, query_text
        assert NIK not in answer and "+6281234567890" not in answer
    assert "Tidak ada" in await telegram.text(OFFICER, "/cari Budi")


async def test_unknown_reference_is_not_found(telegram: Telegram) -> None:
    assert "tidak ditemukan" in await telegram.text(OFFICER, "/lihat BPU-2026-999999")
    assert "tidak ditemukan" in await telegram.text(
        OFFICER, "/setujui BPU-2026-999999 12345678901"
    )


async def test_blocked_worker_marks_the_notification_undeliverable(
    telegram: Telegram, settings: Settings
) -> None:
    reference = await submitted(telegram)
    await telegram.text(OFFICER, f"/setujui {reference} 12345678901")
    telegram.request.fail = lambda call: (403, "Forbidden: bot was blocked by the user")
    assert await telegram.deliver() == 0
    assert query(settings, "SELECT status FROM outbox") == [("undeliverable",)]


async def test_rate_limited_delivery_waits_and_is_retried(
    telegram: Telegram, settings: Settings
) -> None:
    reference = await submitted(telegram)
    await telegram.text(OFFICER, f"/setujui {reference} 12345678901")
    telegram.request.fail = lambda call: (429, "Too Many Requests: retry after 3")
    assert await telegram.deliver() == 0
    status, attempts, due, created = query(
        settings, "SELECT status, attempts, next_attempt_at, created_at FROM outbox"
    )[0]
    assert (status, attempts) == ("pending", 1)
    assert due > created
