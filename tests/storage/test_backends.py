"""What both backends promise, checked on each: the schema's guarantees and the behaviour of
several processes on one database (a second repository on the same URL is another process)."""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import asyncpg
import pytest

from bot.domain import Decision, Housekeeping, StaleConversation, Status
from bot.flow.state import Conversation
from bot.messages import Msg, Reply
from bot.ports import InboxItem, OutboxItem
from bot.settings import Settings
from handlers.outbox import deliver_due
from storage import open_repository
from storage.backends import AnyRepository
from tests.conftest import NIK, query
from tests.databases import columns_url, execute_url
from tests.storage.drafts import NOW, draft, nik


@pytest.fixture
async def other(settings: Settings) -> AsyncIterator[AnyRepository]:
    """A second repository on the same database: another process."""
    second = await open_repository(settings.database_url, pool_min=1, pool_max=4)
    yield second
    await second.close()


async def submit(repo: AnyRepository, user: str, **answers: object) -> str | None:
    async with repo.worker("tg", user) as session:
        return (await session.submit(draft(**answers), NOW)).reference


async def test_references_count_up_per_year_in_wib(repo: AnyRepository) -> None:
    # 23:30 UTC on 31 Dec 2026 is already 1 Jan 2027 in WIB.
    late = datetime(2026, 12, 31, 23, 30, tzinfo=UTC)
    async with repo.worker("tg", "1") as session:
        first = await session.submit(draft(), datetime(2026, 6, 1, tzinfo=UTC))
    async with repo.worker("tg", "2") as session:
        second = await session.submit(draft(nik=nik(2)), late)
    async with repo.worker("tg", "3") as session:
        third = await session.submit(draft(nik=nik(3)), late)
    assert [first.reference, second.reference, third.reference] == [
        "BPU-2026-000001",
        "BPU-2027-000001",
        "BPU-2027-000002",
    ]


async def test_the_schema_refuses_a_second_active_submission_for_a_nik(
    repo: AnyRepository, settings: Settings
) -> None:
    assert await submit(repo, "1")
    columns = [c for c in columns_url(settings.database_url, "submissions") if c != "id"]
    copied = ", ".join(
        "'BPU-2026-999999'" if c == "reference" else "'2'" if c == "user_id" else c
        for c in columns
    )
    with pytest.raises((sqlite3.IntegrityError, asyncpg.UniqueViolationError)):
        execute_url(
            settings.database_url,
            f"INSERT INTO submissions ({', '.join(columns)}) SELECT {copied} FROM submissions",
        )


async def test_a_failed_update_rolls_back_everything(
    repo: AnyRepository, settings: Settings
) -> None:
    with pytest.raises(RuntimeError):
        async with repo.worker("tg", "1") as session:
            await session.submit(draft(), NOW)
            raise RuntimeError("crash after the insert")
    assert query(settings, "SELECT count(*) FROM submissions") == [(0,)]
    assert query(settings, "SELECT count(*) FROM sequences") == [(0,)]
    assert await submit(repo, "1") == "BPU-2026-000001"  # the number was given back


async def test_status_counts_follow_every_change(repo: AnyRepository, settings: Settings) -> None:
    for i in range(4):
        await submit(repo, str(i), nik=nik(i + 10))
    async with repo.officer() as desk:
        desk.restrict(None)
        await desk.decide("BPU-2026-000001", Decision(Status.APPROVED, kpj="1" * 11), "9", NOW)
        await desk.decide("BPU-2026-000002", Decision(Status.REJECTED, note="x"), "9", NOW)
        counts = await desk.count_by_status()
    scanned = dict(query(settings, "SELECT status, count(*) FROM submissions GROUP BY status"))
    execute_url(
        settings.database_url,
        "UPDATE submissions SET branch = 'Pekalongan' WHERE reference = 'BPU-2026-000003'",
    )
    execute_url(
        settings.database_url, "DELETE FROM submissions WHERE reference = ?", "BPU-2026-000004"
    )
    by_branch = {
        (b, s): n
        for b, s, n in query(settings, "SELECT branch, status, n FROM status_counts WHERE n > 0")
    }
    assert (
        {str(k): v for k, v in counts.items()}
        == scanned
        == {"diajukan": 2, "disetujui": 1, "ditolak": 1}
    )
    assert by_branch == {
        ("Pekalongan", "diajukan"): 1,
        ("Yogyakarta", "disetujui"): 1,
        ("Yogyakarta", "ditolak"): 1,
    }


def state_of(settings: Settings, user_id: str) -> Conversation:
    ((state,),) = query(settings, "SELECT state FROM conversations WHERE user_id = ?", user_id)
    return Conversation.from_json(state)


async def save_meanwhile(other: AnyRepository) -> None:
    """Another process handles worker 1 while this one is in the middle of an update."""
    async with other.worker("tg", "1") as theirs:
        await theirs.load()
        await theirs.save(Conversation(event_code="theirs"), NOW)


@pytest.mark.parametrize("existing", [False, True], ids=["new", "existing"])
async def test_a_state_saved_by_another_process_meanwhile_is_not_overwritten(
    repo: AnyRepository, other: AnyRepository, settings: Settings, existing: bool
) -> None:
    if existing:
        async with repo.worker("tg", "1") as session:
            await session.load()
            await session.save(Conversation(event_code="first"), NOW)
    with pytest.raises(StaleConversation):
        async with repo.worker("tg", "1") as mine:
            await mine.load()
            await save_meanwhile(other)
            await mine.save(Conversation(event_code="mine"), NOW)
    assert state_of(settings, "1").event_code == "theirs"


@pytest.mark.parametrize("existing", [False, True], ids=["new", "existing"])
async def test_a_transaction_after_a_concurrent_save_keeps_nothing(
    repo: AnyRepository, other: AnyRepository, settings: Settings, existing: bool
) -> None:
    if existing:
        async with repo.worker("tg", "1") as session:
            await session.load()
            await session.save(Conversation(event_code="first"), NOW)
    with pytest.raises(StaleConversation):
        async with repo.worker("tg", "1") as mine:
            await mine.load()
            await save_meanwhile(other)
            await mine.submit(draft(), NOW)  # begins the transaction: the revision moved
            await mine.save(Conversation(event_code="mine"), NOW)
    assert query(settings, "SELECT count(*) FROM submissions") == [(0,)]
    assert state_of(settings, "1").event_code == "theirs"


async def queue_notifications(repo: AnyRepository, count: int) -> None:
    async with repo.officer() as desk:
        desk.restrict(None)
        for n in range(count):
            await desk.notify("tg", str(n), Reply(parts=(Msg("Halo"),)), f"BPU-2026-{n:06d}", NOW)


async def test_two_processes_claim_each_notification_once(
    repo: AnyRepository, other: AnyRepository
) -> None:
    await queue_notifications(repo, 30)
    lease = timedelta(seconds=30)
    claims = await asyncio.gather(
        *(r.due_notifications(NOW, 7, lease) for r in (repo, other, repo, other, repo, other))
    )
    ids = [item.id for claim in claims for item in claim]
    assert len(ids) == len(set(ids))  # nobody got a row somebody else got
    rest = [i.id for r in (repo, other) for i in await r.due_notifications(NOW, 100, lease)]
    assert sorted(ids + rest) == sorted(set(ids + rest)) and len(ids + rest) == 30
    # Leased: not offered again before the lease runs out, offered again after it.
    assert await repo.due_notifications(NOW + timedelta(seconds=29), 100, lease) == []
    again = await other.due_notifications(NOW + timedelta(seconds=31), 100, lease)
    assert len(again) == 30 and [i.id for i in again] == sorted(i.id for i in again)


async def test_a_claim_is_renewed_while_its_sends_wait_so_nobody_else_sends_them(
    repo: AnyRepository, other: AnyRepository
) -> None:
    """At a busy event replies go first and a notification may wait in the rate limiter for
    longer than its lease: while the batch is still being delivered its claim is renewed, so
    another process finds nothing to send; only a process that died lets it run out."""
    await queue_notifications(repo, 2)
    lease = timedelta(seconds=0.3)
    sent: list[str] = []
    budget_free = asyncio.Event()

    async def waiting(item: OutboxItem) -> str | None:  # the flood budget is full for a while
        await budget_free.wait()
        sent.append(item.user_id)
        return None

    async def at_once(item: OutboxItem) -> str | None:
        sent.append(item.user_id)
        return None

    delivering = asyncio.create_task(deliver_due(repo, waiting, NOW, lease))
    await asyncio.sleep(1.0)  # three leases
    assert await deliver_due(other, at_once, NOW + timedelta(seconds=1), lease) == 0
    budget_free.set()
    assert await asyncio.wait_for(delivering, 5) == 2
    assert await deliver_due(other, at_once, NOW + timedelta(hours=1), lease) == 0
    assert sorted(sent) == ["0", "1"]

    await queue_notifications(repo, 1)  # now a process that dies while its send waits
    dying = asyncio.create_task(deliver_due(repo, waiting_forever, NOW, lease))
    await asyncio.sleep(0.1)
    dying.cancel()
    assert await deliver_due(other, at_once, NOW + timedelta(seconds=0.2), lease) == 0
    assert await deliver_due(other, at_once, NOW + timedelta(seconds=1), lease) == 1


async def test_a_rosters_invitations_are_claimed_after_every_other_notice(
    repo: AnyRepository,
) -> None:
    """docs/rosters.md: invitations go behind everything else, whichever backend claims."""
    async with repo.officer() as desk:
        desk.restrict(None)
        for n, reference in enumerate(["roster:1", "BPU-2026-000001", "roster:2", "BPU-2026-2"]):
            await desk.notify("tg", str(n), Reply(parts=(Msg("Halo"),)), reference, NOW)
    first = await repo.due_notifications(NOW, 3, timedelta(seconds=30), ["tg"])
    rest = await repo.due_notifications(NOW, 3, timedelta(seconds=30), ["tg"])
    assert [i.user_id for i in first] == ["1", "3", "0"]
    assert [i.user_id for i in rest] == ["2"]


async def waiting_forever(item: OutboxItem) -> str | None:
    await asyncio.Event().wait()
    return None


async def test_a_failure_reported_later_marks_the_notification_sent_as_that_message(
    repo: AnyRepository, settings: Settings
) -> None:
    """WhatsApp's failed statuses name the wamid a notification went out as."""
    await queue_notifications(repo, 3)
    first, second, third = await repo.due_notifications(NOW, 10, timedelta(seconds=30), ["tg"])
    await repo.mark_sent(first.id, NOW, "wamid.A")
    await repo.mark_sent(second.id, NOW, "wamid.B")
    await repo.mark_sent(third.id, NOW)  # a channel without message ids (Telegram)
    assert await repo.mark_failed_later("tg", "wamid.B", "WhatsApp error 131026: x") is True
    assert await repo.mark_failed_later("tg", "wamid.B", "again") is False  # once
    assert await repo.mark_failed_later("wa", "wamid.A", "other channel") is False
    assert await repo.mark_failed_later("tg", "wamid.reply", "not a notification") is False
    rows = query(settings, "SELECT sent_as, status, last_error FROM outbox ORDER BY id")
    assert rows == [
        ("wamid.A", "sent", None),
        ("wamid.B", "undeliverable", "WhatsApp error 131026: x"),
        (None, "sent", None),
    ]
    async with repo.officer() as desk:
        assert (await desk.card_notes("BPU-2026-000001")).undeliverable == 1


async def test_unapplied_updates_are_claimed_once_after_their_lease(
    repo: AnyRepository, other: AnyRepository
) -> None:
    items = [
        InboxItem("tg", str(n), chat=str(n), payload="{}", received_at=NOW) for n in range(12)
    ]
    lease = timedelta(seconds=30)
    await repo.process_beat("A", "host", 1, NOW)
    assert await repo.inbox_receive(items, lease, "A") == [True] * 12
    assert await other.inbox_receive(items[:2], lease, "B") == [False, False]  # a redelivery
    alive_since = NOW - timedelta(seconds=5)
    assert await other.inbox_claim("tg", NOW, 100, lease, "B", alive_since) == ([], [])
    later = NOW + timedelta(seconds=31)
    for process in ("A", "B"):  # both alive; A's lease ran out
        await repo.process_beat(process, "host", 1, later)
    claims = await asyncio.gather(
        *(
            r.inbox_claim("tg", later, 5, lease, owner, alive_since)
            for r, owner in ((repo, "A"), (other, "B"))
        )
    )
    keys = [i.update_key for claim, _ in claims for i in claim]
    assert len(keys) == len(set(keys)) == 10
    for claim, _ in claims:  # oldest first, the attempt counted
        assert [int(i.update_key) for i in claim] == sorted(int(i.update_key) for i in claim)
        assert {i.attempts for i in claim} == {0}
    await repo.inbox_answered("tg", ["11"], later)
    rest, _ = await other.inbox_claim("tg", later, 100, lease, "B", alive_since)
    assert [i.update_key for i in rest] == ["10"]
    assert await repo.inbox_pending() == 11


async def test_a_batch_is_stored_at_once_and_an_update_twice_in_it_is_new_once(
    repo: AnyRepository, settings: Settings
) -> None:
    """Updates received together go in one INSERT per 500 (more than 500: several, in one
    transaction); a copy of an update in the same batch, or one stored before, is not new."""
    lease = timedelta(seconds=30)
    await repo.inbox_receive([InboxItem("tg", "0", "1", "{}", NOW)], lease, "A")
    keys = ["0", *(str(n) for n in range(1, 1201)), "7"]
    items = [InboxItem("tg", k, "1", "{}", NOW) for k in keys]
    fresh = await repo.inbox_receive(items, lease, "A")
    assert fresh == [False] + [True] * 1200 + [False]
    assert query(settings, "SELECT count(*) FROM inbox") == [(1201,)]
    # Another channel's update with the same key is a different update.
    assert await repo.inbox_receive([InboxItem("wa", "7", "1", "{}", NOW)], lease, "A") == [True]


async def test_when_a_chat_last_wrote_is_its_latest_update_on_its_channel(
    repo: AnyRepository,
) -> None:
    """WhatsApp's 24-hour window is judged from it (handlers.whatsapp.channel.deliver)."""
    assert await repo.last_received("wa", "6281234567890") is None
    times = [NOW, NOW + timedelta(hours=3, microseconds=1), NOW + timedelta(hours=1)]
    items = [
        InboxItem("wa", f"wamid.{n}", "6281234567890", "{}", received_at=at)
        for n, at in enumerate(times)
    ]
    others = [
        InboxItem("tg", "1", "6281234567890", "{}", received_at=NOW + timedelta(hours=9)),
        InboxItem("wa", "wamid.x", "6289999999999", "{}", received_at=NOW + timedelta(hours=9)),
    ]
    await repo.inbox_receive([*items, *others], timedelta(seconds=30), "A")
    await repo.inbox_answered("wa", ["wamid.1"], NOW)  # answered updates count too
    assert await repo.last_received("wa", "6281234567890") == times[1]


async def test_two_processes_housekeeping_at_once_remind_once(
    repo: AnyRepository, other: AnyRepository, settings: Settings
) -> None:
    async with repo.worker("tg", "1") as session:
        await session.load()
        await session.save(Conversation(event_code="x").touched(NOW), NOW)
    execute_url(settings.database_url, "UPDATE conversations SET step = 'name'")
    policy = Housekeeping(
        in_progress_steps=frozenset({"name"}),
        remind_after=timedelta(hours=1),
        purge_after=timedelta(days=30),
    )
    later = NOW + timedelta(hours=2)
    reminder = Reply(parts=(Msg("Lanjutkan?"),))
    done = await asyncio.gather(
        repo.housekeeping(later, policy, reminder), other.housekeeping(later, policy, reminder)
    )
    assert sorted(done) == [(0, 0), (1, 0)]
    assert query(settings, "SELECT count(*) FROM outbox") == [(1,)]


async def test_a_look_up_alone_begins_no_transaction_and_a_stale_save_still_fails(
    repo: AnyRepository, other: AnyRepository, settings: Settings
) -> None:
    """A look-up reads committed data without a transaction (no BEGIN, revision check, COMMIT);
    the save's compare-and-set still refuses an update whose worker was saved meanwhile."""
    with pytest.raises(StaleConversation):
        async with repo.worker("tg", "1") as mine:
            await mine.load()
            assert await mine.event("none") is None
            assert await mine.nik_holder(NIK) is None
            assert await mine.my_submissions() == []
            assert not mine.tx.in_transaction
            await save_meanwhile(other)
            await mine.save(Conversation(event_code="mine"), NOW)
    ((state,),) = query(settings, "SELECT state FROM conversations")
    assert Conversation.from_json(state).event_code == "theirs"


async def test_a_remembered_state_is_refused_when_another_process_saved_meanwhile(
    repo: AnyRepository, other: AnyRepository, settings: Settings
) -> None:
    """This process's memory is only a starting point: another process's save moves the
    revision, the compare-and-set refuses, and the retry reads the database."""
    async with repo.worker("tg", "1") as session:
        await session.load()
        await session.save(Conversation(event_code="mine"), NOW)
    await save_meanwhile(other)  # "theirs", one revision up
    item = InboxItem("tg", "77", "1", "{}", NOW)
    assert await repo.inbox_receive([item], timedelta(seconds=30), "A") == [True]
    with pytest.raises(StaleConversation):
        async with repo.worker("tg", "1", "77") as session:
            remembered = await session.load()
            assert remembered is not None and remembered.event_code == "mine"
            await session.save(Conversation(event_code="stale"), NOW)
    async with repo.worker("tg", "1", "77") as session:  # the retry: read from the database
        fresh = await session.load()
        assert fresh is not None and fresh.event_code == "theirs"
    ((state,),) = query(settings, "SELECT state FROM conversations")
    assert Conversation.from_json(state).event_code == "theirs"
