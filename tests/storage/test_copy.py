"""Moving a SQLite deployment to PostgreSQL: ``python -m bot migrate --from ... --to ...``.

The SQLite database is made the real way (through the Telegram application) and holds every
kind of row: drafts and finished conversations, submissions in every status (one anonymised
after /hapusdata, one sponsored, one through an event), events and their counts, a sponsor,
officers and an unfinished officer dialog, audit rows, notifications sent, pending and
undeliverable, inbox rows and the reference counter. Into a target another deployment has used,
the copy is all or nothing: a key held with other content, or a count that does not match, leaves
every table (and identity counter) as it was.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from bot.__main__ import copy
from bot.settings import Settings
from handlers.telegram.app import services_of
from storage import open_repository
from tests.conftest import OFFICER, WORKER, Telegram, create_event, register, to_phone
from tests.databases import (
    columns_url,
    drop_schema,
    execute_url,
    new_schema,
    query_url,
    schema_url,
)
from tests.handlers.test_events_sponsors import create_sponsor
from tests.handlers.test_officer_workspace import staff

TABLES = (
    "audit",
    "conversations",
    "erasure_requests",
    "event_counts",
    "events",
    "officer_dialogs",
    "officers",
    "outbox",
    "sequences",
    "sponsors",
    "status_counts",
    "submissions",
)


@pytest.fixture(params=["sqlite"])
def backend(request: pytest.FixtureRequest) -> str:
    """The source is SQLite; the target a PostgreSQL schema of its own (``target``)."""
    return str(request.param)


@pytest.fixture
def target(postgres_server: str) -> Iterator[str]:
    schema = new_schema(postgres_server, "copy")
    try:
        yield schema_url(postgres_server, schema)
    finally:
        drop_schema(postgres_server, schema)


def reference_in(text: str) -> str:
    return text.split("<b>")[1].split("</b>")[0]


async def every_kind_of_row(tg: Telegram) -> None:
    """Fill the test's SQLite database through the bot itself."""
    await staff(tg)
    code = await create_event(tg, OFFICER)
    await create_sponsor(tg, quota=5)
    approved = reference_in(await register(tg, WORKER))
    rejected = reference_in(
        await register(tg, WORKER + 1, "3401025203790002", name="Budi Santoso")
    )
    fixing = reference_in(await register(tg, WORKER + 2, "3401025203790003", name="Siti Aminah"))
    later = reference_in(await register(tg, WORKER + 3, "3401025203790004", name="Agus Salim"))
    await register(tg, WORKER + 6, "3401025203790006", name="Dewi Lestari")  # stays diajukan
    await tg.text(WORKER + 4, f"/start {code}")  # an event link: counted, then a draft
    await to_phone(tg, WORKER + 5, "3401025203790005", start=f"/start {code}")
    await tg.text(OFFICER, f"/setujui {approved} 12345678901")
    await tg.text(OFFICER, f"/tolak {rejected} Foto KTP tidak jelas")
    await tg.text(OFFICER, f"/perbaikan {fixing} nama Nama tidak sesuai KTP")
    await tg.text(OFFICER, "kirim")  # the preview's "Kirim keputusan"
    await tg.text(OFFICER, f"/lihat {approved}")  # audited view
    await tg.text(WORKER + 1, "/hapusdata")
    await tg.press(WORKER + 1, erase_button_of(tg, WORKER + 1))
    tg.request.fail = lambda call: (
        (403, "Forbidden: bot was blocked by the user")
        if call.params.get("chat_id") == WORKER + 2  # (WORKER + 1's notice went with erasure)
        else None
    )
    await tg.deliver()  # sent, and one undeliverable
    tg.request.fail = None
    await tg.text(OFFICER, f"/setujui {later} 12345678902")  # its notification stays pending
    await tg.text(OFFICER, "/acara_baru")  # an unfinished officer dialog
    await tg.text(OFFICER, "Sosialisasi Pasar Sentolo")
    await services_of(tg.app).pump.flush()  # every update answered: the inbox is drained


def erase_button_of(tg: Telegram, user: int) -> str:
    return next(b for b in tg.request.last_buttons(user) if b.startswith("erase:yes"))


def comparable(value: Any) -> Any:
    """JSON compared as data (PostgreSQL's jsonb orders keys its own way), the rest as is."""
    if isinstance(value, str) and value[:1] in ("{", "["):
        try:
            return json.dumps(json.loads(value), sort_keys=True)
        except ValueError:
            return value
    return value


def table_rows(url: str, table: str, columns: list[str]) -> list[tuple[Any, ...]]:
    found = query_url(url, f"SELECT {', '.join(columns)} FROM {table}")
    return sorted((tuple(comparable(v) for v in row) for row in found), key=repr)


def run_copy(source: str, target: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "bot", "migrate", "--from", source, "--to", target],
        capture_output=True,
        text=True,
        timeout=120,
        env={"PATH": "", "PYTHONPATH": str(Path.cwd())},
        check=False,
    )


async def test_a_sqlite_deployment_is_copied_whole_and_a_second_run_changes_nothing(
    telegram: Telegram, settings: Settings, target: str
) -> None:
    await every_kind_of_row(telegram)
    source = settings.database_url
    for table in TABLES:  # every kind of row is there to copy
        assert query_url(source, f"SELECT count(*) FROM {table}")[0][0] > 0, table
    assert {s for (s,) in query_url(source, "SELECT DISTINCT status FROM outbox")} == {
        "sent",
        "undeliverable",
        "pending",
    }
    assert {s for (s,) in query_url(source, "SELECT DISTINCT status FROM submissions")} == {
        "diajukan",
        "disetujui",
        "ditolak",
        "perlu_perbaikan",
    }

    first = run_copy(source, target)
    assert first.returncode == 0, first.stdout + first.stderr
    assert "every count matches" in first.stdout
    for table in TABLES:
        columns = columns_url(source, table)
        assert table_rows(target, table, columns) == table_rows(source, table, columns), table

    before = {t: table_rows(target, t, columns_url(target, t)) for t in TABLES}
    second = run_copy(source, target)
    assert second.returncode == 0, second.stdout + second.stderr
    assert all("(0 added now)" in line for line in second.stdout.splitlines()[: len(TABLES) - 1])
    assert {t: table_rows(target, t, columns_url(target, t)) for t in TABLES} == before

    # The copy carries on: new ids and the next reference number, on PostgreSQL.
    repo = await open_repository(target)
    try:
        async with repo.officer() as desk:
            desk.restrict(None)
            assert len(await desk.queue(10, 0)) == 1  # the one still diajukan
    finally:
        await repo.close()
    (last,) = query_url(source, "SELECT max(reference) FROM submissions")[0]
    after = await moved_on(settings.model_copy(update={"database_url": target}), telegram)
    assert after > last
    assert query_url(target, "SELECT count(*) FROM submissions")[0][0] == 6  # 5 copied + 1


def everything(url: str) -> dict[str, Any]:
    """Every row of every table of the PostgreSQL ``url``, and its identity counters."""
    found: dict[str, Any] = {t: table_rows(url, t, columns_url(url, t)) for t in TABLES}
    found["identity counters"] = query_url(
        url,
        "SELECT sequencename, last_value FROM pg_sequences WHERE schemaname = current_schema()"
        " ORDER BY sequencename",
    )
    return found


@dataclass
class Copied:
    code: int
    stdout: str
    stderr: str


async def copy_here(source: str, target: str, capsys: pytest.CaptureFixture[str]) -> Copied:
    """``migrate --from source --to target`` in this process (the command's own function; its
    exit code, output and errors)."""
    capsys.readouterr()
    code = 0
    try:
        await copy(source, target)
    except SystemExit as stopped:
        code = stopped.code if isinstance(stopped.code, int) else 1
        if isinstance(stopped.code, str):
            print(stopped.code, file=sys.stderr)
    out, err = capsys.readouterr()
    return Copied(code, out, err)


def add_officer(url: str, user: str) -> None:
    execute_url(
        url,
        "INSERT INTO officers (user_id, role, created_by, created_at, updated_at) VALUES"
        f" ('{user}', 'admin', 'bootstrap', '2026-12-01T00:00:00+00:00',"
        " '2026-12-01T00:00:00+00:00')",
    )


async def used_target(
    telegram: Telegram, settings: Settings, target: str, capsys: pytest.CaptureFixture[str]
) -> str:
    """Copy the SQLite deployment into ``target``, then let both go on apart: the source
    gets an officer (a row a copy would add), the target two of its own (another deployment's
    rows). Returns the reference of the approved submission."""
    await every_kind_of_row(telegram)
    assert (await copy_here(settings.database_url, target, capsys)).code == 0
    add_officer(settings.database_url, "4343")
    add_officer(target, "4242")
    add_officer(target, "4244")
    (approved,) = query_url(
        settings.database_url, "SELECT reference FROM submissions WHERE status = 'disetujui'"
    )[0]
    return str(approved)


async def test_a_reference_the_target_holds_for_another_person_refuses_the_whole_copy(
    telegram: Telegram, settings: Settings, target: str, capsys: pytest.CaptureFixture[str]
) -> None:
    approved = await used_target(telegram, settings, target, capsys)
    # Another deployment gave the same reference to someone else (another row, another NIK).
    execute_url(
        target,
        "UPDATE submissions SET id = id + 1000, nik = '3401025203790099', name = 'Orang Lain',"
        f" name_search = 'orang lain' WHERE reference = '{approved}'",
    )
    before = everything(target)
    refused = await copy_here(settings.database_url, target, capsys)
    assert refused.code == 1, refused.stdout + refused.stderr
    assert refused.stderr.strip() == (
        f"Cannot copy: table submissions, reference={approved}: the target already holds this"
        " key with other content (a database used by another deployment?). Nothing was copied."
    )
    assert everything(target) == before  # no row, no identity counter changed


async def test_a_row_under_the_same_key_with_other_content_refuses_the_copy(
    telegram: Telegram, settings: Settings, target: str, capsys: pytest.CaptureFixture[str]
) -> None:
    await used_target(telegram, settings, target, capsys)
    execute_url(target, "UPDATE conversations SET step = 'address' WHERE step = 'phone'")
    ((channel, user),) = query_url(
        target, "SELECT channel, user_id FROM conversations WHERE step = 'address'"
    )
    before = everything(target)
    refused = await copy_here(settings.database_url, target, capsys)
    assert refused.code == 1
    assert f"table conversations, channel={channel}, user_id={user}:" in refused.stderr
    assert everything(target) == before


async def test_counts_that_do_not_match_roll_the_copy_back(
    telegram: Telegram, settings: Settings, target: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """No row conflicts, but the target holds rows the source has not: the source's new
    officer is not copied either."""
    await used_target(telegram, settings, target, capsys)
    before = everything(target)
    refused = await copy_here(settings.database_url, target, capsys)
    assert refused.code == 1
    (line,) = [line for line in refused.stdout.splitlines() if "MISMATCH" in line]
    counts = re.fullmatch(
        r"officers +(\d+) in SQLite +(\d+) in PostgreSQL \(1 added now\)  MISMATCH", line
    )
    assert counts is not None, line
    # The target's own two, and the source's new one: added, then rolled back.
    assert int(counts[2]) - int(counts[1]) == 2
    assert refused.stderr.strip() == (
        "Cannot copy: the counts do not match: officers (see MISMATCH above). Nothing was copied."
    )
    assert everything(target) == before


async def moved_on(settings: Settings, before: Telegram) -> str:
    """Submit one more registration straight to the PostgreSQL copy; its reference (update ids
    go on from ``before``'s: the copied inbox knows the earlier ones as applied)."""
    from handlers.telegram.app import build_application
    from tests.fakes import RecordingRequest

    repo = await open_repository(settings.database_url)
    request = RecordingRequest()
    app = build_application(settings, repo, request=request, rate_limiter=False)
    await app.initialize()
    try:
        tg = Telegram(app, request, repo, settings)
        tg.updates = before.updates
        return reference_in(
            await register(tg, WORKER + 9, "3401025203790009", name="Dewi Lestari")
        )
    finally:
        await app.shutdown()
        await repo.close()


def test_copying_needs_a_sqlite_source_and_a_postgresql_target(tmp_path: Path) -> None:
    wrong = run_copy("postgresql://postgres@127.0.0.1:1/x", f"sqlite:///{tmp_path / 'x.db'}")
    assert wrong.returncode == 2
    assert wrong.stderr.strip().count("\n") == 0 and "--from" in wrong.stderr


async def test_an_inbox_not_yet_drained_refuses_the_copy(
    telegram: Telegram, settings: Settings, target: str
) -> None:
    """Updates waiting in the SQLite inbox would be lost (the inbox is not copied): refused,
    nothing copied, until the bot has answered them."""
    await telegram.text(WORKER, "/start")  # stored, answered, not yet marked so
    refused = run_copy(settings.database_url, target)
    assert refused.returncode == 1
    assert "inbox still holds 1 update(s) not yet answered" in refused.stderr
    assert query_url(target, "SELECT count(*) FROM submissions") == [(0,)]
    await services_of(telegram.app).pump.flush()
    copied = run_copy(settings.database_url, target)
    assert copied.returncode == 0, copied.stdout + copied.stderr
    assert query_url(target, "SELECT count(*) FROM inbox") == [(0,)]
