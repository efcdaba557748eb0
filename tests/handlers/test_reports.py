"""Reports for partners: statistics, exports and imports, scoped to the officer's branches."""

from __future__ import annotations

import asyncio
import csv
import io

import openpyxl
from PIL import Image

from bot.settings import Settings
from tests.conftest import NIK, OFFICER, WORKER, Telegram, create_event, query
from tests.databases import columns_url, execute_url
from tests.handlers.test_officer_workspace import JOGJA_OFFICER, register_home, staff


def documents(tg: Telegram, method: str) -> list[bytes]:
    """Files the bot sent with ``method`` (sendDocument / sendPhoto), as bytes."""
    key = "document" if method == "sendDocument" else "photo"
    return [call.params[key] for call in tg.request.calls if call.method == method]


async def two_branches(tg: Telegram) -> tuple[str, str]:
    """One submission in Yogyakarta (through an event), one in Pekalongan."""
    await staff(tg)
    code = await create_event(tg, OFFICER, "Sosialisasi Wates")
    jogja = await register_home(tg, WORKER, NIK, "Bantul")
    await tg.text(WORKER + 5, f"/start {code}")  # opened, never consented
    pekalongan = await register_home(tg, WORKER + 1, "3402014107850002", "kota pekalongan")
    return jogja, pekalongan


async def test_statistik_counts_the_funnel_and_sends_a_chart(telegram: Telegram) -> None:
    await staff(telegram)
    code = await create_event(telegram, OFFICER, "Sosialisasi Wates")
    reference = await register_home(telegram, WORKER, NIK, "Bantul")
    await telegram.text(WORKER + 1, f"/start {code}")
    await telegram.press(WORKER + 1, "consent:yes")
    await telegram.text(WORKER + 1, "3402014107850002")  # stops at the NIK confirmation
    await telegram.text(OFFICER, f"/setujui {reference} 12345678901")
    stats = await telegram.text(OFFICER, "/statistik")
    assert "Tautan dibuka: 1" in stats and "Memberi persetujuan: 1" in stats
    assert "Diajukan: 1" in stats and "Disetujui: 1" in stats and "Ditolak: 0" in stats
    assert "cek tanggal lahir dan jenis kelamin: 1" in stats
    assert "Pedagang: 1" in stats and "Kab. Bantul: 1" in stats and "Perempuan: 1" in stats
    chart = Image.open(io.BytesIO(documents(telegram, "sendPhoto")[-1]))
    assert chart.format == "PNG" and chart.size[0] == 1000
    event_stats = await telegram.text(OFFICER, f"/statistik {code}")
    assert "Diajukan: 0" in event_stats and "Tautan dibuka: 1" in event_stats


async def test_statistik_is_scoped_to_the_branch(telegram: Telegram) -> None:
    await two_branches(telegram)
    mine = await telegram.text(JOGJA_OFFICER, "/statistik")
    assert "Diajukan: 1" in mine and "Kota Pekalongan" not in mine
    assert "Diajukan: 2" in await telegram.text(OFFICER, "/statistik")


async def test_export_xlsx_has_full_data_for_the_branch_only(
    telegram: Telegram, settings: Settings
) -> None:
    jogja, pekalongan = await two_branches(telegram)
    answer = await telegram.text(JOGJA_OFFICER, "/ekspor")
    assert "Ekspor 1 pendaftaran" in answer
    (data,) = documents(telegram, "sendDocument")[-1:]
    sheet = openpyxl.load_workbook(io.BytesIO(data), read_only=True).active
    rows = list(sheet.iter_rows(values_only=True))
    header, body = rows[0], rows[1:]
    assert len(body) == 1
    record = dict(zip(header, body[0], strict=True))
    assert record["Nomor pendaftaran"] == jogja
    assert record["NIK"] == NIK and isinstance(record["NIK"], str)
    assert record["Kabupaten/kota"] == "Kab. Bantul"
    assert pekalongan not in str(rows)
    assert ("ekspor",) in query(settings, "SELECT action FROM audit")


async def test_export_by_event_as_csv(telegram: Telegram) -> None:
    await staff(telegram)
    code = await create_event(telegram, OFFICER, "Sosialisasi Wates")
    await register_home(telegram, WORKER, NIK, "Bantul")
    answer = await telegram.text(OFFICER, f"/ekspor {code} csv")
    assert "Tidak ada pendaftaran" in answer  # the submission did not come through the event
    assert "Ekspor 1" in await telegram.text(OFFICER, "/ekspor 2020-01-01..2099-12-31 csv")
    text = documents(telegram, "sendDocument")[-1].decode("utf-8-sig")
    assert next(iter(csv.DictReader(io.StringIO(text))))["NIK"] == NIK


async def test_a_big_export_does_not_hold_up_workers(
    telegram: Telegram, settings: Settings
) -> None:
    await register_home(telegram, WORKER, NIK, "Bantul")
    # 15,000 more rejected copies of it, in SQL both backends read alike.
    columns = [c for c in columns_url(settings.database_url, "submissions") if c != "id"]
    copy = ", ".join(
        "'BPU-2000-' || (100000 + n)"
        if c == "reference"
        else "'3301' || (100000000000 + n)"
        if c == "nik"
        else "'ditolak'"
        if c == "status"
        else c
        for c in columns
    )
    execute_url(
        settings.database_url,
        "WITH RECURSIVE seq(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM seq WHERE n < 15000)"
        f" INSERT INTO submissions ({', '.join(columns)}) SELECT {copy} FROM seq, submissions",
    )
    export = asyncio.create_task(telegram.text(OFFICER, "/ekspor"))
    await asyncio.sleep(0.3)  # the export is under way in its worker process
    answer = await telegram.text(WORKER + 9, "/start")
    assert "Anda setuju" in answer
    assert not export.done(), "the worker's answer waited for the export"
    assert "Ekspor 15001" in await export


def workbook(rows: list[list[object]]) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["Nomor pendaftaran", "Nomor KPJ", "Status", "Alasan"])
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


async def test_import_applies_good_rows_and_reports_the_rest(
    telegram: Telegram, settings: Settings
) -> None:
    first = await register_home(telegram, WORKER, NIK, "Bantul")
    second = await register_home(telegram, WORKER + 1, "3402014107850002", "Bantul")
    telegram.request.files["f1"] = workbook(
        [
            [first, "12345678901", "disetujui", None],
            [second, None, "ditolak", "NIK tidak sesuai KTP"],
            ["BPU-2026-999999", "12345678902", None, None],
            ["bukan-nomor", "123", None, None],
        ]
    )
    await telegram.feed(telegram.updates.document(OFFICER, "f1", "hasil.xlsx", caption="/impor"))
    summary = telegram.request.last_text(OFFICER)
    assert "2 diterapkan, 2 dilewati" in summary
    assert "BPU-2026-999999 tidak ditemukan" in summary
    assert query(settings, "SELECT reference, status, kpj FROM submissions ORDER BY id") == [
        (first, "disetujui", "12345678901"),
        (second, "ditolak", None),
    ]
    assert query(settings, "SELECT count(*) FROM outbox") == [(2,)]


async def test_import_after_the_command_and_a_file_with_no_valid_row(
    telegram: Telegram, settings: Settings
) -> None:
    reference = await register_home(telegram, WORKER, NIK, "Bantul")
    assert "Kirim berkas" in await telegram.text(OFFICER, "/impor")
    telegram.request.files["bad"] = b"Nomor pendaftaran;Nomor KPJ\nBPU-2026-1;abc\n"
    await telegram.feed(telegram.updates.document(OFFICER, "bad", "hasil.csv"))
    assert "0 diterapkan" in telegram.request.last_text(OFFICER)
    assert query(settings, "SELECT status FROM submissions WHERE reference = ?", reference) == [
        ("diajukan",)
    ]
    assert query(settings, "SELECT count(*) FROM outbox") == [(0,)]


async def test_a_workers_document_is_not_read(telegram: Telegram) -> None:
    await telegram.text(WORKER, "/start")
    telegram.request.files["x"] = b"secret"
    await telegram.feed(telegram.updates.document(WORKER, "x", "ktp.pdf", caption="/impor"))
    assert "hanya bisa membaca teks" in telegram.request.last_text(WORKER)
    assert not any(c.method == "getFile" for c in telegram.request.calls)
