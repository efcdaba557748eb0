"""The same flow in the terminal chat: numbered choices, typed labels, scripted stdin."""

from __future__ import annotations

import io
import subprocess
import sys
from pathlib import Path

from bot.settings import Settings
from handlers.terminal import TerminalChat, run_chat
from storage.backends import AnyRepository
from tests.conftest import NIK, OFFICER, query

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


def test_python_m_bot_chat_is_scriptable(database_url: str) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "bot", "chat"],
        input="\n".join(SCRIPT) + "\n",
        capture_output=True,
        text=True,
        timeout=60,
        env={"DATABASE_URL": database_url, "PATH": "", "PYTHONPATH": str(Path.cwd())},
        check=False,
    )
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
    chat = TerminalChat(repo, small, user_id=str(OFFICER), out=out, files=tmp_path / "out")
    await chat.send(f"/impor {upload}")
    assert "lebih dari 2 baris data" in out.getvalue()
