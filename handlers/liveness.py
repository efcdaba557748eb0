"""Each running process's heartbeat, so that the updates of one that died are taken over within
seconds (handlers/inbox.py), not after their lease.

A process beats every ``takeover / 5`` seconds (a row in ``inbox_processes``). Another process
takes its updates once it has not been heard from for ``takeover`` seconds (INBOX_TAKEOVER_SECONDS),
or at once when it is known gone: a process on the same host whose pid no longer runs (or whose
pid is now ours: a restart in a container) is forgotten at the next beat. A process that stops
cleanly forgets itself. One heartbeat serves every channel of the process.
"""

from __future__ import annotations

import asyncio
import logging
import os
import socket
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from bot.clock import Clock
from bot.ports import Repository

log = logging.getLogger(__name__)

DEFAULT_TAKEOVER = timedelta(seconds=5)
BEATS_PER_TAKEOVER = 5


def pid_gone(pid: int) -> bool:
    """Whether no process ``pid`` runs on this host (or it is this very process)."""
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    except PermissionError:  # someone else's process
        return False
    return False


@dataclass
class Liveness:
    """This process's identity and heartbeat."""

    repo: Repository
    clock: Clock
    takeover: timedelta = DEFAULT_TAKEOVER
    host: str = field(default_factory=socket.gethostname)
    pid: int = field(default_factory=os.getpid)
    id: str = ""
    _users: int = 0
    _beating: asyncio.Task[None] | None = None

    def __post_init__(self) -> None:
        if not self.id:
            self.id = f"{self.host}:{self.pid}:{uuid.uuid4().hex[:8]}"

    def alive_since(self, now: datetime) -> datetime:
        """Processes not heard from since then are gone."""
        return now - self.takeover

    async def beat(self) -> None:
        """Record that this process lives; forget the processes of this host that do not."""
        now = self.clock()
        await self.repo.process_beat(self.id, self.host, self.pid, now)
        gone = [
            other
            for other, pid in await self.repo.processes_on(self.host)
            if other != self.id and pid_gone(pid)
        ]
        await self.repo.processes_gone(gone, now)
        if gone:
            log.info(
                "%d process(es) of this host are gone: their updates are taken over", len(gone)
            )

    async def start(self) -> None:
        """Beat now and then on (once for every channel that asks; the first starts it)."""
        self._users += 1
        if self._beating is not None:
            return
        try:
            await self.beat()
        except Exception:
            log.warning("could not record this process's heartbeat", exc_info=True)
        self._beating = asyncio.create_task(self._loop(), name="inbox:heartbeat")

    async def _loop(self) -> None:
        every = self.takeover.total_seconds() / BEATS_PER_TAKEOVER
        while True:
            await asyncio.sleep(every)
            try:
                await self.beat()
            except Exception:
                log.warning("could not record this process's heartbeat", exc_info=True)

    async def stop(self) -> None:
        """The last channel stopping ends the heartbeat and forgets this process, so its
        unanswered updates (if any) are taken over at once."""
        self._users = max(0, self._users - 1)
        if self._users or self._beating is None:
            return
        self._beating.cancel()
        await asyncio.gather(self._beating, return_exceptions=True)
        self._beating = None
        try:
            await self.repo.processes_gone([self.id], self.clock())
        except Exception:
            log.warning("could not forget this process's heartbeat", exc_info=True)
