"""The same flow in the terminal chat: numbered choices, typed labels, scripted stdin; and
``--as whatsapp``, the worker's side as WhatsApp shows it."""

from __future__ import annotations

import io
import subprocess
import sys
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from bot.domain import Payer, Sponsor
from bot.flow.events import Press, Text
from bot.messages import Button, Msg, Reply
from bot.rosters import RosterDraft, RosterRow
from bot.settings import Settings
from handlers.terminal import EXAMPLE_WA_ID, TerminalChat, WhatsAppTerminalChat, run_chat
from storage.backends import AnyRepository
from tests.conftest import NIK, OFFICER, query
from tests.handlers.everyday_words import AFTER_PHONE, BEFORE_PHONE, refused

SCRIPT = [
    "1",  # Setuju
    NIK,
    "benar",
    "Sri Wahyuni",
    "Kulon Progo",
    "0812 3456 7890",
    "1",  # Ya, still living there
    "Dusun Krebet RT 02 RW 05",
    "2",  # Nelayan
    "1,5 juta",
    "Tidak",
    "1",  # Kirim
]


async def test_a_full_registration_in_the_terminal(
    repo: AnyRepository, settings: Settings
) -> None:
    out = io.StringIO()
    chat = TerminalChat(repo, settings, user_id="42", out=out)
    await chat.send("/start")
    for line in SCRIPT:
        await chat.send(line)
    text = out.getvalue()
    assert "[1] Setuju" in text
    assert "Langkah 11 dari 11" in text
    assert "<b>" not in text  # plain text in the terminal
    rows = query(settings, "SELECT channel, user_id, nik, occupation, status FROM submissions")
    assert rows == [("terminal", "42", NIK, "nelayan", "diajukan")]


async def test_officer_mode_decides_and_the_notification_is_printed(
    repo: AnyRepository, settings: Settings
) -> None:
    out = io.StringIO()
    # An officer on the terminal channel (python -m bot chat --officer makes one so).
    await repo.bootstrap_admins((OFFICER,), datetime.now(UTC), channel="terminal")
    chat = TerminalChat(repo, settings, user_id=str(OFFICER), out=out)
    await chat.send("/start")
    for line in SCRIPT:
        await chat.send(line)
    (reference,) = query(settings, "SELECT reference FROM submissions")[0]
    await chat.send("/antrean")
    assert "3401********0001" in out.getvalue()
    await chat.send("1")  # the first queue row's button opens the card
    assert "[1] Setujui" in out.getvalue()
    await chat.send(f"/setujui {reference} 12345678901")
    printed = out.getvalue()
    assert "🔔" in printed and "12345678901" in printed
    assert query(settings, "SELECT status FROM outbox") == [("sent",)]


async def test_run_chat_ends_cleanly_at_end_of_input(
    repo: AnyRepository, settings: Settings
) -> None:
    stdin = io.StringIO("1\n" + NIK + "\n")
    await run_chat(repo, settings, officer=False, stdin=stdin)
    state = query(settings, "SELECT step FROM conversations")
    assert state == [("nik_confirm",)]


def chat_process(
    database_url: str, lines: list[str], *options: str
) -> subprocess.CompletedProcess[str]:
    """``python -m bot chat [options]`` fed ``lines`` on standard input, as a user scripts it."""
    return subprocess.run(
        [sys.executable, "-m", "bot", "chat", *options],
        input="\n".join(lines) + "\n",
        capture_output=True,
        text=True,
        timeout=60,
        env={"DATABASE_URL": database_url, "PATH": "", "PYTHONPATH": str(Path.cwd())},
        check=False,
    )


def test_python_m_bot_chat_is_scriptable(database_url: str) -> None:
    result = chat_process(database_url, SCRIPT)
    assert result.returncode == 0, result.stderr
    assert "BPU-" in result.stdout
    assert "Traceback" not in result.stderr


async def test_import_limits_come_from_the_settings(
    repo: AnyRepository, settings: Settings, tmp_path: Path
) -> None:
    """IMPORT_MAX_ROWS reaches the officer desk: a file one row past it is refused whole."""
    small = settings.model_copy(update={"import_max_rows": 2})
    upload = tmp_path / "hasil.csv"
    upload.write_text("Nomor referensi,KPJ\nBPU-1,1\nBPU-2,2\nBPU-3,3\n", encoding="utf-8")
    out = io.StringIO()
    await repo.bootstrap_admins((OFFICER,), datetime.now(UTC), channel="terminal")
    chat = TerminalChat(repo, small, user_id=str(OFFICER), out=out, files=tmp_path / "out")
    await chat.send(f"/impor {upload}")
    assert "lebih dari 2 baris data" in out.getvalue()


# --- chat --as whatsapp ----------------------------------------------------------------------------

WA_SCRIPT = [
    "Setuju",  # the reply button's title, as tapped
    NIK,
    "1",  # Benar: the first button
    "Sri Wahyuni",
    "Kulon Progo",
    "Ya",  # the phone: this chat's own number, one tap
    "1",  # Ya, still living there
    "Dusun Krebet RT 02 RW 05",
    "Nelayan",  # a row of the occupation list
    "1,5 juta",
    "Tidak",
    "Kirim",
]


async def test_a_full_registration_as_whatsapp_shows_what_a_whatsapp_user_sees(
    repo: AnyRepository, settings: Settings, tmp_path: Path
) -> None:
    out = io.StringIO()
    chat = WhatsAppTerminalChat(repo, settings, out=out, files=tmp_path)
    await chat.send("DAFTAR")
    for line in WA_SCRIPT:
        await chat.send(line)
    text = out.getvalue()
    assert "[ Setuju ]  [ Tidak ]" in text  # reply buttons
    assert "[ ☰ Pilih ]" in text and "   • Nelayan" in text  # a list message and its rows
    assert "_Langkah 11 dari 11_" in text and "*Periksa data Anda:*" in text  # WhatsApp markup
    assert "<b>" not in text and "<i>" not in text  # no Telegram HTML
    assert "[1]" not in text  # no Telegram-style numbered buttons
    # The phone is one tap: WhatsApp tells the bot the sender's number; no contact button.
    assert "Nomor HP Anda 0812-3456-7890?\n[ Ya ]  [ Nomor lain ]" in text
    assert "Bagikan nomor HP" not in text
    rows = query(settings, "SELECT channel, user_id, nik, phone, occupation FROM submissions")
    assert rows == [("terminal", EXAMPLE_WA_ID, NIK, "+" + EXAMPLE_WA_ID, "nelayan")]


async def test_as_whatsapp_a_long_choice_list_is_numbered_and_answered_by_number(
    repo: AnyRepository, settings: Settings, tmp_path: Path
) -> None:
    """More than ten choices do not fit a list message: a numbered list, answered by number."""
    out = io.StringIO()
    chat = WhatsAppTerminalChat(repo, settings, out=out, files=tmp_path)
    reply = Reply(
        parts=(Msg("Pilih satu"),),
        buttons=tuple((Button(Msg(f"Pilihan {n}"), f"pick:{n}"),) for n in range(1, 13)),
    )
    chat.show(reply)
    assert "1. Pilihan 1\n2. Pilihan 2" in out.getvalue()
    assert "_Balas dengan angka pilihan Anda._" in out.getvalue()
    assert chat.parse("12") == Press("pick:12")
    assert chat.parse("Pilihan 3") == Press("pick:3")
    assert chat.parse("13") == Text("13")  # not a choice: typed text, as on WhatsApp


async def test_as_whatsapp_another_number_can_be_typed(
    repo: AnyRepository, settings: Settings, tmp_path: Path
) -> None:
    out = io.StringIO()
    chat = WhatsAppTerminalChat(repo, settings, wa_id="6285700001111", out=out, files=tmp_path)
    for line in ["DAFTAR", "Setuju", NIK, "Benar", "Sri Wahyuni", "Kulon Progo"]:
        await chat.send(line)
    assert "Nomor HP Anda 0857-0000-1111?" in out.getvalue()
    await chat.send("Nomor lain")
    assert out.getvalue().rstrip().endswith("Contoh: 0812 3456 7890")
    before = len(out.getvalue())
    await chat.send("0813 2222 3333")
    assert "Masih tinggal di sana?" in out.getvalue()[before:]
    assert query(settings, "SELECT step FROM conversations") == [("home_confirm",)]


def test_python_m_bot_chat_as_whatsapp_is_scriptable(database_url: str) -> None:
    result = chat_process(
        database_url, WA_SCRIPT, "--as", "whatsapp", "--phone", "+62 812 3456 7890"
    )
    assert result.returncode == 0, result.stderr
    assert "> DAFTAR" in result.stdout and "[ Setuju ]  [ Tidak ]" in result.stdout
    assert "*BPU-" in result.stdout  # the reference, in WhatsApp's bold
    assert "<b>" not in result.stdout


def test_the_help_names_both_apps() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "bot", "chat", "--help"],
        capture_output=True,
        text=True,
        timeout=60,
        env={"PATH": "", "PYTHONPATH": str(Path.cwd()), "COLUMNS": "200"},
        check=True,
    )
    assert "--as {telegram,whatsapp}" in result.stdout and "--phone" in result.stdout
    assert f"default {EXAMPLE_WA_ID}" in result.stdout  # the CLI's copy names the same number
    top = subprocess.run(
        [sys.executable, "-m", "bot", "--help"],
        capture_output=True,
        text=True,
        timeout=60,
        env={"PATH": "", "PYTHONPATH": str(Path.cwd()), "COLUMNS": "200"},
        check=True,
    )
    (run_line,) = [line for line in top.stdout.splitlines() if line.strip().startswith("run ")]
    assert "Telegram" in run_line and "WhatsApp" in run_line


async def test_officer_mode_is_an_officer_only_with_its_help_first(
    repo: AnyRepository, settings: Settings
) -> None:
    out = io.StringIO()
    await run_chat(repo, settings, officer=True, stdin=io.StringIO("/antrean\n"), out=out)
    printed = out.getvalue()
    assert "Bantuan petugas" in printed and "/antrean" in printed
    assert "Selamat datang" not in printed and "Anda setuju" not in printed
    assert query(settings, "SELECT count(*) FROM conversations WHERE user_id = '1'") == [(0,)]


async def test_everyday_words_register_in_the_terminal(
    repo: AnyRepository, settings: Settings
) -> None:
    out = io.StringIO()
    chat = TerminalChat(repo, settings, user_id="43", out=out)
    await chat.send("/start")
    script = [*BEFORE_PHONE, ("no hp 0812-3456-7890", "Masih tinggal"), *AFTER_PHONE]
    for typed, expected in script:
        start = len(out.getvalue())
        await chat.send(typed)
        answer = out.getvalue()[start:]
        assert expected in answer and not refused(answer), (typed, answer)
    rows = query(settings, "SELECT name, income, occupation, status FROM submissions")
    assert rows == [("Sri Wahyuni", 1_000_000, "nelayan", "diajukan")]


async def test_an_invitation_in_the_terminal_and_as_whatsapp(
    repo: AnyRepository, settings: Settings, tmp_path: Path
) -> None:
    """`chat` takes /start <code>; `chat --as whatsapp` the slip's "DAFTAR <code>"."""
    now = datetime(2026, 12, 7, 3, tzinfo=UTC)
    sponsor = Sponsor(
        0, "Pemda Kulon Progo", Payer.APBD_REGENCY, "apbd_kabupaten", date(2026, 1, 1),
        date(2027, 12, 31), 10, ("34.01",), (), True, "Yogyakarta",
    )  # fmt: skip
    rows = tuple(
        RosterRow(n, nik, name, phone, "34.01", "Desa Bendungan", "pedagang", "Kulon Progo", "")
        for n, nik, name, phone in (
            (2, "3401011203850001", "Sri Wahyuni", "+6281234567801"),
            (3, "3401025507900002", "Tukiman", "+" + EXAMPLE_WA_ID),
        )
    )
    async with repo.officer() as session:
        session.restrict(None)
        sponsor_id = await session.create_sponsor(sponsor, "tg:1", now)
        draft = RosterDraft(sponsor_id, "Yogyakarta", "PKS 1", True, "r.csv", now + timedelta(60))
        await session.create_roster(draft, rows, "tg:1", now)
    codes = dict(query(settings, "SELECT name, code FROM roster_rows"))
    out = io.StringIO()
    chat = TerminalChat(repo, settings, user_id="42", out=out)
    for line in (f"/start {codes['Sri Wahyuni']}", "1", "3401011203850001", "1", "1,5 juta"):
        await chat.send(line)
    for line in ("Tidak", "1"):
        await chat.send(line)
    assert "Data dari Pemda Kulon Progo:" in out.getvalue()
    assert "Alamat: Desa Bendungan" in out.getvalue()  # no address listed: the village
    wa_out = io.StringIO()
    wa = WhatsAppTerminalChat(repo, settings, out=wa_out, files=tmp_path)
    for line in (f"DAFTAR {codes['Tukiman']}", "Setuju", "3401025507900002", "Benar"):
        await wa.send(line)
    assert "*Pemda Kulon Progo* mengundang Anda" in wa_out.getvalue()
    assert "Tukiman" in wa_out.getvalue()
    assert query(settings, "SELECT channel, nik, sponsor_id FROM submissions") == [
        ("terminal", "3401011203850001", sponsor_id)
    ]


async def test_an_officer_sends_the_roster_file_by_typing_its_path(
    repo: AnyRepository, settings: Settings, tmp_path: Path
) -> None:
    """The terminal has no attach button: the path of an existing XLSX/CSV, typed (or pasted
    in quotes, as a drag-and-drop does), is the file the question asked for."""
    now = datetime.now(UTC)
    sponsor = Sponsor(
        0, "Pemda Kulon Progo", Payer.APBD_REGENCY, "apbd_kabupaten", date(2026, 1, 1),
        date(2030, 12, 31), 10, ("34.01",), (), True, "Yogyakarta",
    )  # fmt: skip
    await repo.bootstrap_admins((OFFICER,), now, channel="terminal")
    async with repo.officer() as session:
        session.restrict(None)
        sponsor_id = await session.create_sponsor(sponsor, "tg:1", now)
    sample = tmp_path / "pekerja desa.csv"
    sample.write_bytes((Path(__file__).parents[2] / "docs/samples/roster.csv").read_bytes())
    out = io.StringIO()
    chat = TerminalChat(repo, settings, user_id=str(OFFICER), out=out, files=tmp_path / "out")
    for line in (f"/roster_impor {sponsor_id}", "PKS 1/2026", "1", str(tmp_path / "tidak.csv")):
        await chat.send(line)
    assert "tidak.csv tidak ada" in out.getvalue()  # no such file: said, the dialog still open
    assert query(settings, "SELECT count(*) FROM roster_rows") == [(0,)]
    await chat.send(f"'{sample}'")
    assert "4 diimpor, 0 ditolak" in out.getvalue()
    assert query(settings, "SELECT count(*) FROM roster_rows") == [(4,)]
    assert [p.suffix for p in (tmp_path / "out").iterdir()] == [".xlsx"]  # the per-row report
