"""Who is who: an officer is one on the channel they were made one on (bot/identity.py)."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from bot.flow.events import Command
from bot.inbound import Inbound
from bot.render import PLAIN, render_text
from bot.settings import Settings
from handlers.runtime import build_core
from storage.backends import AnyRepository
from tests.conftest import OFFICER, TEST_START, Telegram, query, register
from tests.handlers.conftest import WA_ID, WhatsApp

NOW = TEST_START
AT = "'2026-01-01T00:00:00+00:00'"  # a time both backends read from a literal


async def answer(repo: AnyRepository, settings: Settings, inbound: Inbound) -> str:
    """What the core answers this update, as plain text."""
    core = build_core(settings, repo, lambda: NOW)
    done = await core.dispatcher.dispatch(inbound, NOW)
    return "\n".join(render_text(r, done.lang, PLAIN) for r in done.replies)


async def test_a_whatsapp_number_equal_to_an_officers_telegram_id_gets_nothing_of_the_desk(
    telegram: Telegram, settings: Settings
) -> None:
    reference = (await register(telegram, 5001)).split("BPU-")[1].split()[0]
    reference = f"BPU-{reference}".rstrip(".")
    repo = telegram.repo
    as_officer = await answer(repo, settings, Inbound("tg", str(OFFICER), Command("antrean")))
    assert "3401" in as_officer  # the queue, masked NIK
    for command, args in (("antrean", ""), ("lihat", reference), ("setujui", f"{reference} 1")):
        stranger = Inbound("wa", str(OFFICER), Command(command, args))
        said = await answer(repo, settings, stranger)
        assert "hanya untuk petugas" in said, said
    assert query(settings, "SELECT status FROM submissions") == [("diajukan",)]
    assert query(settings, "SELECT count(*) FROM audit") == [(0,)]


async def test_officers_are_telegram_officers_only(telegram: Telegram, settings: Settings) -> None:
    said = await telegram.text(OFFICER, "/petugas_tambah wa:4512345678 admin")
    assert "hanya bisa memakai Telegram" in said
    said = await telegram.text(OFFICER, "/petugas_tambah tg:4512345678 petugas Yogyakarta")
    assert "Disimpan" in said
    assert ("tg:4512345678",) in query(settings, "SELECT user_id FROM officers")
    with pytest.raises(ValueError, match="Telegram"):
        Settings(_env_file=None, officer_ids="123, wa:628123456789")  # type: ignore[call-arg, arg-type]
    assert Settings(_env_file=None, officer_ids="tg:7, 8").officer_ids == (7, 8)  # type: ignore[call-arg, arg-type]


async def test_migration_0013_names_old_officer_rows_on_telegram(
    repo: AnyRepository, settings: Settings
) -> None:
    """The statements of 0013 turn rows written before it (bare Telegram ids) into keys."""
    from pathlib import Path

    import storage.sqlite
    from tests.databases import execute_url

    url = settings.database_url
    execute_url(url, "DELETE FROM officers")
    execute_url(
        url,
        "INSERT INTO officers (user_id, role, branches, created_by, created_at, updated_at)"
        f" VALUES ('77', 'admin', '[]', '76', {AT}, {AT})",
    )
    execute_url(
        url,
        f"INSERT INTO audit (at, actor, action, reference, detail)"
        f" VALUES ({AT}, '77', 'lihat', NULL, '')",
    )
    script = (
        Path(storage.sqlite.__file__).parent / "migrations" / "0013_identity.sql"
    ).read_text()
    body = "\n".join(line for line in script.splitlines() if not line.startswith("--"))
    for statement in body.split(";"):
        if statement.strip():
            execute_url(url, statement)
    assert query(settings, "SELECT user_id, created_by FROM officers") == [("tg:77", "tg:76")]
    assert query(settings, "SELECT actor FROM audit") == [("tg:77",)]


SUPERVISOR = 9103


async def officer_says(tg: Telegram, *steps: str) -> None:
    """The supervisor types each step in turn, or taps it when it is an 'off:' button."""
    for step in steps:
        await (tg.press if step.startswith("off:") else tg.text)(SUPERVISOR, step)


async def test_an_officer_whose_role_or_branches_changed_cannot_finish_an_open_dialog(
    telegram: Telegram, settings: Settings
) -> None:
    tg = telegram
    reference = "BPU-" + (await register(tg, 5001)).split("BPU-")[1][:11]
    promote = f"/petugas_tambah {SUPERVISOR} supervisor Yogyakarta"
    assert "Disimpan" in await tg.text(OFFICER, promote)
    # /sponsor_baru up to its last tap, then demoted to petugas: no sponsor.
    sponsor = ("/sponsor_baru", "Pemkab Kulon Progo 2026", "off:s_dana:kabupaten")
    await officer_says(tg, *sponsor, "1-1-2026 sampai 31-12-2027", "100", "Kulon Progo")
    await officer_says(tg, "off:s_lanjut:")
    await tg.text(OFFICER, f"/petugas_tambah {SUPERVISOR} petugas Yogyakarta")
    said = await tg.press(SUPERVISOR, "off:s_cakupan:1")
    assert "sudah berubah" in said
    assert query(settings, "SELECT count(*) FROM sponsors") == [(0,)]
    # /acara_baru in Kulon Progo, then moved to another branch: no event.
    event = ("/acara_baru", "Sosialisasi Pasar Wates", "12-12-2026", "Kulon Progo")
    await officer_says(tg, *event, "off:e_penyelenggara:0")
    await tg.text(OFFICER, f"/petugas_tambah {SUPERVISOR} petugas Pekalongan")
    assert "sudah berubah" in await tg.press(SUPERVISOR, "off:e_sponsor:0")
    assert query(settings, "SELECT count(*) FROM events") == [(0,)]
    # A rejection opened from the card, then the submission left the officer's branches.
    await tg.text(OFFICER, f"/petugas_tambah {SUPERVISOR} petugas Yogyakarta")
    await tg.press(SUPERVISOR, f"off:d_tolak:{reference}")
    await tg.text(OFFICER, f"/petugas_tambah {SUPERVISOR} petugas Pekalongan")
    assert "sudah berubah" in await tg.text(SUPERVISOR, "Data tidak sesuai KTP")
    assert query(settings, "SELECT status FROM submissions") == [("diajukan",)]
    assert query(settings, "SELECT count(*) FROM officer_dialogs") == [(0,)]
    # Removed altogether while a decision waits for its last tap: nothing is decided.
    await tg.text(OFFICER, f"/petugas_tambah {SUPERVISOR} petugas Yogyakarta")
    await tg.press(SUPERVISOR, f"off:d_tolak:{reference}")
    await tg.text(SUPERVISOR, "Data tidak sesuai KTP")
    await tg.text(OFFICER, f"/petugas_hapus {SUPERVISOR}")
    await tg.press(SUPERVISOR, "off:d_kirim:")
    assert query(settings, "SELECT status FROM submissions") == [("diajukan",)]
    assert query(settings, "SELECT count(*) FROM outbox") == [(0,)]


GROUP_ID = -1001234567890
GROUP: dict[str, Any] = {"id": GROUP_ID, "type": "supergroup", "title": "Relawan BPU"}
ANONYMOUS_ADMIN = 1087968824  # Telegram's GroupAnonymousBot


def in_group(update: dict[str, Any], **message: Any) -> dict[str, Any]:
    """The same update, sent in a supergroup (and with any other message fields)."""
    kind = next(k for k in ("message", "edited_message", "callback_query") if k in update)
    inner = update[kind]["message"] if kind == "callback_query" else update[kind]
    inner["chat"] = dict(GROUP)
    inner.update(message)
    return update


async def test_nothing_personal_in_groups_and_nobody_speaks_for_a_chat(
    telegram: Telegram, settings: Settings
) -> None:
    tg, updates = telegram, telegram.updates
    reference = "BPU-" + (await register(tg, 5001)).split("BPU-")[1][:11]
    shown_before = len(tg.request.sent())
    # An officer's /lihat and /ekspor in a group: one line pointing to the private chat each.
    await tg.feed(in_group(updates.text(OFFICER, f"/lihat {reference}")))
    await tg.feed(in_group(updates.text(OFFICER, "/ekspor")))
    group_said = [c.params["text"] for c in tg.request.sent(GROUP_ID)]
    assert len(group_said) == 2 and all("chat pribadi" in t for t in group_said)
    assert all("3401" not in t and "Sri" not in t for t in group_said)
    # Ordinary chatter, an edit, a worker's answer typed in the group: nothing at all.
    await tg.feed(in_group(updates.text(5002, "halo semua")))
    await tg.feed(in_group(updates.edited(5002, "/start")))
    # An anonymous admin (sender_chat) and a channel posting into the group: never a person.
    anonymous = updates.text(ANONYMOUS_ADMIN, "/start")
    await tg.feed(in_group(anonymous, sender_chat=dict(GROUP)))
    channel_post = updates.text(5003, "/status")
    await tg.feed(
        in_group(channel_post, sender_chat={"id": -1009, "type": "channel", "title": "Kanal"})
    )
    assert len(tg.request.sent()) == shown_before + 2
    # A tap on a button of a message in the group: a notice on the button, no message.
    await tg.feed(in_group(updates.press(5001, "consent:yes")))
    answered = [c for c in tg.request.calls if c.method == "answerCallbackQuery"][-1]
    assert "chat pribadi" in answered.params["text"]
    assert len(tg.request.sent()) == shown_before + 2
    people = query(settings, "SELECT channel, user_id FROM conversations ORDER BY user_id")
    assert people == [("tg", "5001")]
    assert query(settings, "SELECT count(*) FROM audit") == [(0,)]


async def test_a_whatsapp_group_gets_nothing(
    telegram: Telegram, whatsapp: WhatsApp, settings: Settings
) -> None:
    """Meta's group messages carry ``group_id``: nothing of the person is handled there."""
    for typed in ("halo", "/status", "DAFTAR"):
        notification = whatsapp.cloud.message(WA_ID, "text", {"body": typed}, typed)
        value = notification["entry"][0]["changes"][0]["value"]
        value["messages"][0]["group_id"] = "Y2FwaV9ncm91cDpFWEFNUExFX0dST1VQX0lE"
        await asyncio.gather(*await whatsapp.channel.store(notification))
    assert whatsapp.cloud.sent(WA_ID) == []
    assert query(settings, "SELECT count(*) FROM conversations") == [(0,)]
