"""The same flow in a terminal: buttons become numbered choices; scriptable from stdin.
Pictures and documents (QR codes, posters, charts, exports) are written to ./chat-output/.

Type the number of a choice or its label; /commands work as on Telegram. With ``--officer`` the
terminal user is the first officer, so officer commands work too. Notifications to this user
(an officer's decision) are printed as they are delivered.
"""

from __future__ import annotations

import asyncio
import sys
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import TextIO

from bot.dispatch import Inbound
from bot.flow.events import Command, Document, Incoming, Press, Text
from bot.i18n import N_
from bot.messages import Keyboard, Msg, Reply
from bot.ports import OutboxItem, Repository
from bot.render import render_msg, render_text
from bot.settings import Settings
from handlers.outbox import deliver_due
from handlers.runtime import build_core
from storage.files import private_dir, write_private

CHANNEL = "terminal"


class TerminalChat:
    """One person chatting in the terminal, as a worker (and an officer with --officer)."""

    def __init__(
        self,
        repo: Repository,
        settings: Settings,
        *,
        user_id: str,
        out: TextIO = sys.stdout,
        files: Path = Path("chat-output"),
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self.repo = repo
        self.settings = settings
        self.user_id = user_id
        self.out = out
        self.clock = clock
        core = build_core(settings, repo, clock)
        self.config = core.config
        self.desk = core.desk
        self.dispatcher = core.dispatcher
        self.files = files
        self.choices: list[str] = []  # callback data of the numbered choices on screen
        self.lang = "id"

    def show(self, reply: Reply) -> None:
        """Print a reply, its buttons numbered (the contact button is typed here instead)."""
        print(render_text(reply, self.lang, as_html=False), file=self.out)
        for attachment in reply.files:
            path = private_dir(self.files) / attachment.filename
            write_private(path, attachment.data)
            print(f"  📎 {path}", file=self.out)
        buttons = [] if reply.keyboard is Keyboard.CONTACT else list(reply.all_buttons)
        if buttons:
            self.choices = [b.data for b in buttons]
            for number, button in enumerate(buttons, 1):
                print(
                    f"  [{number}] {render_msg(button.text, self.lang, as_html=False)}",
                    file=self.out,
                )
        print(file=self.out)

    def parse(self, line: str) -> Incoming:
        """A typed line → an event: a command, a numbered choice, or text."""
        text = line.strip()
        if text.startswith("/"):
            head, _, args = text.partition(" ")
            return Command(head[1:].lower(), args.strip())
        if text.isdigit() and 1 <= int(text) <= len(self.choices):
            return Press(self.choices[int(text) - 1])
        return Text(text)

    async def send(self, line: str) -> None:
        """Handle one line typed by the user through the core's dispatch, then deliver any
        notification for this user (an officer's decision)."""
        event = self.parse(line)
        if isinstance(event, Command) and event.name == "impor" and event.args:
            # The terminal's way of sending a document: "/impor path/to/file.xlsx".
            path = Path(event.args)
            if not await asyncio.to_thread(path.is_file):
                self.show(Reply(parts=(Msg(N_("Berkas {path} tidak ada."), {"path": str(path)}),)))
                return
            event = Document(path.name, "/impor", str(path))
        inbound = Inbound(CHANNEL, self.user_id, event, language_code=self.lang)
        result = await self.dispatcher.dispatch(inbound, self.clock(), fetch=read_file)
        self.lang = result.lang
        if result.toast is not None:
            print(f"({render_msg(result.toast, self.lang, as_html=False)})", file=self.out)
        for reply in result.replies:
            self.show(reply)
        await deliver_due(self.repo, self.deliver, self.clock(), channels=(CHANNEL,))

    async def deliver(self, item: OutboxItem) -> None:
        """Print a notification addressed to a terminal user."""
        print(f"🔔 [{item.channel}:{item.user_id}]", file=self.out)
        self.lang = item.lang
        self.show(item.reply)


async def read_file(path: str) -> bytes:
    """A file named on the command line, read off the event loop."""
    return await asyncio.to_thread(Path(path).read_bytes)


async def run_chat(
    repo: Repository, settings: Settings, *, officer: bool, stdin: TextIO = sys.stdin
) -> None:
    """Read lines until end of input; start with /start like a new Telegram chat."""
    user_id = str(settings.officer_ids[0]) if officer and settings.officer_ids else "1"
    if officer and not settings.officer_ids:
        # A local trial without OFFICER_IDS: the terminal user becomes an admin of every branch.
        await repo.bootstrap_admins((int(user_id),), datetime.now(UTC))
    chat = TerminalChat(repo, settings, user_id=user_id)
    print(
        "BPU Bot — mode chat. Ketik jawaban, nomor pilihan, atau /bantuan. Ctrl-D untuk keluar.\n"
    )
    await chat.send("/start")
    while True:
        line = await asyncio.to_thread(stdin.readline)
        if not line:
            break
        if line.strip():
            await chat.send(line)
