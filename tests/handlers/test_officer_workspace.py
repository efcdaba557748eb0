"""Officer workspace: roles, branch scoping, queue paging, card buttons, dialogs, races."""

from __future__ import annotations

import asyncio
import json
import re
from typing import Any

from bot.settings import Settings
from tests.conftest import NIK, OFFICER, WORKER, Telegram, query, register, to_phone

JOGJA_OFFICER = 9101
PEKALONGAN_OFFICER = 9102
SUPERVISOR = 9103


async def staff(tg: Telegram) -> None:
    """The admin (OFFICER_IDS) adds two branch officers and a supervisor."""
    assert "Disimpan" in await tg.text(
        OFFICER, f"/petugas_tambah {JOGJA_OFFICER} petugas Yogyakarta"
    )
    assert "Disimpan" in await tg.text(
        OFFICER, f"/petugas_tambah {PEKALONGAN_OFFICER} petugas Pekalongan"
    )
    assert "Disimpan" in await tg.text(
        OFFICER, f"/petugas_tambah {SUPERVISOR} supervisor Yogyakarta, Purwokerto"
    )


def named(update: dict[str, Any], first_name: str) -> dict[str, Any]:
    """An update whose sender has this first name on Telegram."""
    body = update.get("message") or update["callback_query"]
    body["from"] = {**body["from"], "first_name": first_name}
    return update


def worker_name(user: int) -> str:
    """A name without digits (names with digits are refused)."""
    return "Pekerja " + "".join(chr(ord("a") + int(d)) for d in str(user))


async def register_home(tg: Telegram, user: int, nik: str, home: str) -> str:
    """A registration whose worker lives in ``home``; returns the reference."""
    await tg.text(user, "/start")
    await tg.press(user, "consent:yes")
    await tg.text(user, nik)
    await tg.press(user, "nikok:yes")
    await tg.text(user, worker_name(user))
    await tg.text(user, "Bantul")
    await tg.text(user, f"0812 3456 {user % 10000:04d}")
    await tg.text(user, "tidak, pindah")
    answer = await tg.text(user, home)
    if "Maksud Anda" in answer:  # a Kab/Kota homonym: take the first button
        await tg.press(user, tg.request.last_buttons(user)[0])
    await tg.text(user, "Jl. Merdeka 1")
    await tg.press(user, "occ:pedagang")
    await tg.press(user, "inc:1400000")
    await tg.press(user, "jht:no")
    done = await tg.press(user, "sum:send")
    found = re.search(r"BPU-\d{4}-\d{6}", done)
    assert found, done
    return found.group(0)


async def test_submissions_get_the_branch_of_the_home_region(
    telegram: Telegram, settings: Settings
) -> None:
    answer = await register(telegram, WORKER)  # Kulon Progo
    assert "Kantor Cabang Yogyakarta" in answer
    await register_home(telegram, WORKER + 1, "3402014107850002", "kota pekalongan")
    await register_home(telegram, WORKER + 2, "3403014107850003", "Tanah Datar")  # unmapped
    assert query(settings, "SELECT branch FROM submissions ORDER BY id") == [
        ("Yogyakarta",),
        ("Pekalongan",),
        (settings.default_branch,),
    ]


async def test_an_officer_sees_and_acts_only_on_their_branch(telegram: Telegram) -> None:
    await staff(telegram)
    jogja = await register_home(telegram, WORKER, NIK, "Bantul")
    pekalongan = await register_home(telegram, WORKER + 1, "3402014107850002", "kota pekalongan")

    queue = await telegram.text(JOGJA_OFFICER, "/antrean")
    assert jogja in queue and pekalongan not in queue
    assert "1 menunggu" in queue
    for command in (
        f"/lihat {pekalongan}",
        f"/setujui {pekalongan} 12345678901",
        f"/tolak {pekalongan} salah",
        f"/perbaikan {pekalongan} nama salah",
        f"/audit {pekalongan}",
    ):
        answer = await telegram.text(JOGJA_OFFICER, command)
        assert "tidak ditemukan" in answer, command
        assert "Pekerja" not in answer
    assert "Tidak ada" in await telegram.text(JOGJA_OFFICER, "/cari 3402014107850002")
    assert "Tidak ada" in await telegram.text(JOGJA_OFFICER, f"/cari {worker_name(WORKER + 1)}")
    # The press route is scoped the same way.
    await telegram.press(JOGJA_OFFICER, f"off:d_setujui:{pekalongan}")
    assert "tidak ditemukan" in telegram.request.last_text(JOGJA_OFFICER)

    assert pekalongan in await telegram.text(PEKALONGAN_OFFICER, "/antrean")
    supervisor = await telegram.text(SUPERVISOR, "/antrean")
    assert jogja in supervisor and pekalongan not in supervisor
    admin = await telegram.text(OFFICER, "/antrean")
    assert jogja in admin and pekalongan in admin


async def test_only_admins_manage_officers(telegram: Telegram, settings: Settings) -> None:
    await staff(telegram)
    refused = await telegram.text(JOGJA_OFFICER, f"/petugas_tambah {WORKER} admin")
    assert "hanya untuk admin" in refused
    assert "Cabang tidak dikenal" in await telegram.text(
        OFFICER, "/petugas_tambah 1 petugas Atlantis"
    )
    assert "tepat satu cabang" in await telegram.text(OFFICER, "/petugas_tambah 1 petugas")
    listing = await telegram.text(OFFICER, "/petugas")
    assert str(JOGJA_OFFICER) in listing and "Yogyakarta" in listing
    assert "dihapus" in await telegram.text(OFFICER, f"/petugas_hapus {JOGJA_OFFICER}")
    # Once removed, the same command is answered like any worker's.
    assert "hanya untuk petugas" in await telegram.text(JOGJA_OFFICER, "/antrean")
    actions = {row[0] for row in query(settings, "SELECT action FROM audit")}
    assert {"petugas_tambah", "petugas_hapus"} <= actions


async def test_queue_pages_ten_at_a_time_with_buttons(telegram: Telegram) -> None:
    for i in range(12):
        await register(telegram, WORKER + i, f"34010252037900{i + 10:02d}", name=worker_name(i))
    first = await telegram.text(OFFICER, "/antrean")
    assert "12 menunggu" in first
    buttons = telegram.request.last_buttons(OFFICER)
    assert sum(b.startswith("off:lihat:") for b in buttons) == 10
    assert "off:antrean:2" in buttons
    second = await telegram.press(OFFICER, "off:antrean:2")
    assert "11. " in second and "12. " in second and "halaman 2" in second
    assert "off:antrean:1" in telegram.request.last_buttons(OFFICER)


async def test_approving_from_the_card_asks_the_kpj_and_previews(
    telegram: Telegram, settings: Settings
) -> None:
    reference = await register_home(telegram, WORKER, NIK, "Bantul")
    await telegram.text(OFFICER, f"/lihat {reference}")
    assert f"off:d_setujui:{reference}" in telegram.request.last_buttons(OFFICER)
    asked = await telegram.press(OFFICER, f"off:d_setujui:{reference}")
    assert "Ketik nomor KPJ (11 angka)" in asked
    wrong = await telegram.text(OFFICER, "123")
    assert "11 angka" in wrong
    preview = await telegram.text(OFFICER, "12345678901")
    assert "Pesan untuk pekerja" in preview and "12345678901" in preview
    assert query(settings, "SELECT status FROM submissions") == [("diajukan",)]  # not yet
    assert "Pekerja akan diberi tahu" in await telegram.press(OFFICER, "off:d_kirim:")
    assert query(settings, "SELECT status, kpj FROM submissions") == [("disetujui", "12345678901")]
    assert query(settings, "SELECT count(*) FROM outbox") == [(1,)]
    # The worker's own messages afterwards go to the flow again, not to a dialog.
    assert "hanya untuk petugas" not in await telegram.text(OFFICER, "halo")


async def test_rejecting_with_a_reason_button(telegram: Telegram, settings: Settings) -> None:
    reference = await register_home(telegram, WORKER, NIK, "Bantul")
    await telegram.press(OFFICER, f"off:d_tolak:{reference}")
    assert "off:d_alasan:0" in telegram.request.last_buttons(OFFICER)
    preview = await telegram.press(OFFICER, "off:d_alasan:0")
    assert "NIK tidak sesuai dengan KTP" in preview
    await telegram.press(OFFICER, "off:d_kirim:")
    assert query(settings, "SELECT status, note FROM submissions") == [
        ("ditolak", "NIK tidak sesuai dengan KTP")
    ]


async def test_a_correction_picks_fields_and_a_typed_note(
    telegram: Telegram, settings: Settings
) -> None:
    reference = await register_home(telegram, WORKER, NIK, "Bantul")
    await telegram.press(OFFICER, f"off:d_perbaikan:{reference}")
    await telegram.press(OFFICER, "off:d_bagian:address")
    await telegram.press(OFFICER, "off:d_bagian:name")
    await telegram.press(OFFICER, "off:d_bagian:name")  # a second tap unticks it
    await telegram.press(OFFICER, "off:d_lanjut:")
    preview = await telegram.text(OFFICER, "RT/RW belum ditulis")
    assert "RT/RW belum ditulis" in preview and "Alamat" in preview
    await telegram.press(OFFICER, "off:d_kirim:")
    assert query(settings, "SELECT status, fix_fields, note FROM submissions") == [
        ("perlu_perbaikan", '["address"]', "RT/RW belum ditulis")
    ]


async def test_cancelling_a_dialog_decides_nothing(telegram: Telegram, settings: Settings) -> None:
    reference = await register_home(telegram, WORKER, NIK, "Bantul")
    await telegram.press(OFFICER, f"off:d_setujui:{reference}")
    assert "Dibatalkan" in await telegram.press(OFFICER, "off:d_batal:")
    assert query(settings, "SELECT status FROM submissions") == [("diajukan",)]
    assert query(settings, "SELECT count(*) FROM officer_dialogs") == [(0,)]


async def test_two_officers_deciding_at_once_one_wins(
    telegram: Telegram, settings: Settings
) -> None:
    await staff(telegram)
    reference = await register_home(telegram, WORKER, NIK, "Bantul")
    for officer in (JOGJA_OFFICER, SUPERVISOR):
        await telegram.press(officer, f"off:d_setujui:{reference}")
        await telegram.text(officer, "12345678901")
    names = {str(JOGJA_OFFICER): "Budi", str(SUPERVISOR): "Siti"}
    await asyncio.gather(
        *(
            telegram.feed(named(telegram.updates.press(int(officer), "off:d_kirim:"), name))
            for officer, name in names.items()
        )
    )
    answers = [telegram.request.last_text(o) for o in (JOGJA_OFFICER, SUPERVISOR)]
    winners = [a for a in answers if "Pekerja akan diberi tahu" in a]
    losers = [a for a in answers if "sudah diputuskan" in a]
    assert len(winners) == 1 and len(losers) == 1
    # The loser is told who decided, by the name Telegram gives them (not their user id).
    (decided_by,) = query(settings, "SELECT decided_by FROM submissions")[0]
    assert f"oleh {names[decided_by.removeprefix('tg:')]}." in losers[0]
    assert query(settings, "SELECT count(*) FROM outbox") == [(1,)]


async def test_homonyms_are_offered_as_buttons(telegram: Telegram, settings: Settings) -> None:
    await to_phone(telegram, WORKER, name="Sri")
    await telegram.text(WORKER, "0812 3456 7890")
    await telegram.text(WORKER, "tidak, pindah")
    asked = await telegram.text(WORKER, "pekalongan")
    assert "Maksud Anda" in asked
    assert set(telegram.request.last_buttons(WORKER)) == {"home:33.26", "home:33.75"}
    assert "Ketik alamat" in await telegram.press(WORKER, "home:33.75")


async def test_possible_duplicates_and_unknown_nik_regions_are_flagged(
    telegram: Telegram, settings: Settings
) -> None:
    first = await register_home(telegram, WORKER, NIK, "Bantul")
    # Same name and birth date, another NIK (kabupaten 99 of DI Yogyakarta does not exist).
    await telegram.text(WORKER + 1, "/start")
    await telegram.press(WORKER + 1, "consent:yes")
    await telegram.text(WORKER + 1, "3499025203790002")
    await telegram.press(WORKER + 1, "nikok:yes")
    await telegram.text(WORKER + 1, worker_name(WORKER))
    await telegram.text(WORKER + 1, "Bantul")
    await telegram.text(WORKER + 1, "0813 9999 1111")
    await telegram.text(WORKER + 1, "Bantul")
    await telegram.text(WORKER + 1, "Jl. Merdeka 2")
    await telegram.press(WORKER + 1, "occ:petani")
    await telegram.press(WORKER + 1, "inc:1000000")
    await telegram.press(WORKER + 1, "jht:no")
    done = await telegram.press(WORKER + 1, "sum:send")
    second = re.search(r"BPU-\d{4}-\d{6}", done).group(0)  # type: ignore[union-attr]
    flags = dict(query(settings, "SELECT reference, flags FROM submissions"))
    assert json.loads(flags[first]) == ["domisili_beda"]  # NIK from Kulon Progo, home Bantul
    assert set(json.loads(flags[second])) == {
        "kemungkinan_ganda",
        "wilayah_nik_tidak_dikenal",
        "domisili_beda",
    }
    card = await telegram.text(OFFICER, f"/lihat {second}")
    assert "Kemungkinan terdaftar ganda" in card and "tidak ada di daftar wilayah" in card
    assert "⚠3" in await telegram.text(OFFICER, "/antrean")
