"""The same flow in a terminal: buttons become numbered choices; scriptable from stdin.
Pictures and documents (QR codes, posters, charts, exports) are written to ./chat-output/.

Type the number of a choice or its label; /commands work as on Telegram. With ``--officer`` the
terminal user is the first officer, so officer commands work too. Notifications to this user
(an officer's decision) are printed as they are delivered.

``--as whatsapp`` shows the worker's side as a WhatsApp user sees it (handlers.whatsapp.preview):
reply buttons as ``[ Ya ]``, list messages with their rows, numbered lists, *bold* markup, and
the phone question as a one-tap confirmation of the chat's own number, since WhatsApp tells the
bot who writes. The pretend sender is ``--phone`` (default ``EXAMPLE_WA_ID``). A button or a list
row is tapped by typing its title or its position (1 = the first); a numbered list is answered by
its number, as on WhatsApp. The chat starts with "DAFTAR", the text a wa.me link fills in.
"""

from __future__ import annotations

import asyncio
import sys
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import TextIO

from bot.flow.events import Command, Document, Incoming, Press, Text
from bot.i18n import N_
from bot.inbound import Inbound
from bot.links import START_WORD
from bot.messages import Keyboard, Msg, Reply
from bot.phone import contact_phone_to_e164
from bot.ports import OutboxItem, Repository
from bot.render import PLAIN, render_msg, render_text
from bot.settings import Settings
from handlers.outbox import deliver_due
from handlers.runtime import build_core
from handlers.whatsapp.inbound import Sender, text_event
from handlers.whatsapp.preview import preview_all
from handlers.whatsapp.render import Choices, Payload, render_reply
from storage.files import private_dir, write_private

CHANNEL = "terminal"
LOCAL_OFFICER = "9999"  # chat --officer without OFFICER_IDS: an admin, not the worker "1"
EXAMPLE_WA_ID = "6281234567890"  # --as whatsapp: the pretend sender, shown as 0812 3456 7890


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
        print(render_text(reply, self.lang, PLAIN), file=self.out)
        for attachment in reply.files:
            path = private_dir(self.files) / attachment.filename
            write_private(path, attachment.data)
            print(f"  📎 {path}", file=self.out)
        buttons = [] if reply.keyboard is Keyboard.CONTACT else list(reply.all_buttons)
        if buttons:
            self.choices = [b.data for b in buttons]
            for number, button in enumerate(buttons, 1):
                print(
                    f"  [{number}] {render_msg(button.text, self.lang, PLAIN)}",
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

    def inbound(self, event: Incoming) -> Inbound:
        """The update as this channel gives it to the core."""
        return Inbound(CHANNEL, self.user_id, event, language_code=self.lang)

    async def send(self, line: str) -> None:
        """Handle one line typed by the user through the core's dispatch, then deliver any
        notification for this user (an officer's decision)."""
        event = self.parse(line)
        # The terminal's way of sending a document: "/impor path/to/file.xlsx" (with its
        # caption), or the path alone (the file /roster_impor or /impor asked for).
        path: Path | None
        if isinstance(event, Command) and event.name == "impor" and event.args:
            path, caption = Path(event.args), "/impor"
        else:
            path, caption = typed_file(line), ""
        if path is not None:
            if not await asyncio.to_thread(path.is_file):
                self.show(Reply(parts=(Msg(N_("Berkas {path} tidak ada."), {"path": str(path)}),)))
                return
            event = Document(path.name, caption, str(path))
        result = await self.dispatcher.dispatch(self.inbound(event), self.clock(), fetch=read_file)
        self.lang = result.lang
        if result.toast is not None:
            print(f"({render_msg(result.toast, self.lang, PLAIN)})", file=self.out)
        for reply in result.replies:
            self.show(reply)
        await deliver_due(self.repo, self.deliver, self.clock(), channels=(CHANNEL,))

    async def deliver(self, item: OutboxItem) -> None:
        """Print a notification addressed to a terminal user."""
        print(f"🔔 [{item.channel}:{item.user_id}]", file=self.out)
        self.lang = item.lang
        self.show(item.reply)


class WhatsAppTerminalChat(TerminalChat):
    """The terminal chat as WhatsApp shows it (``chat --as whatsapp``): the same core, told what
    the WhatsApp adapter tells it (the sender's number, no contact button), and its replies
    rendered by the WhatsApp adapter's own renderer, then previewed as plain text."""

    def __init__(
        self,
        repo: Repository,
        settings: Settings,
        *,
        user_id: str | None = None,
        wa_id: str = EXAMPLE_WA_ID,
        out: TextIO = sys.stdout,
        files: Path = Path("chat-output"),
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        super().__init__(
            repo, settings, user_id=user_id or wa_id, out=out, files=files, clock=clock
        )
        self.phone = sender_phone(wa_id)
        self.typed = Choices()  # what may be typed back instead of tapping: titles, numbers
        self.taps: list[str] = []  # the buttons or list rows on screen, in order

    def show(self, reply: Reply) -> None:
        """Print a reply's WhatsApp messages as the user sees them, then its files."""
        rendered = render_reply(reply, self.lang)
        print(preview_all(rendered.messages), file=self.out)
        for attachment in rendered.files:
            path = private_dir(self.files) / attachment.filename
            write_private(path, attachment.data)
            kind = "gambar" if attachment.photo else "dokumen"
            print(f"📎 {kind} {path}", file=self.out)
        self.typed = rendered.choices
        self.taps = [data for message in rendered.messages for data in tap_ids(message)]
        print(file=self.out)

    def parse(self, line: str) -> Incoming:
        """A typed line → what the WhatsApp adapter would make of it: a tap on a button or row
        (by title or position), a numbered list's answer, or a typed text (a /command, DAFTAR)."""
        text = line.strip()
        data = self.typed.resolve(text)
        if data is None and text.isdigit() and 1 <= int(text) <= len(self.taps):
            data = self.taps[int(text) - 1]
        return Press(data) if data is not None else text_event(text)

    def inbound(self, event: Incoming) -> Inbound:
        """As handlers.whatsapp.channel builds it: the sender's number, no contact button."""
        return Inbound(
            CHANNEL,
            self.user_id,
            event,
            language_code=self.lang,
            phone=self.phone,
            contact_button=False,
        )


def sender_phone(wa_id: str) -> str | None:
    """The number the WhatsApp adapter passes on for this wa_id (None: not an Indonesian
    mobile, so the core asks for one to be typed)."""
    shared = Sender(user_id=None, wa_id=wa_id).phone
    phone = contact_phone_to_e164(shared) if shared is not None else None
    return phone if isinstance(phone, str) else None


def tap_ids(message: Payload) -> list[str]:
    """The ids of an interactive message's reply buttons or list rows, in the order shown."""
    interactive = message.get("interactive") or {}
    action = interactive.get("action") or {}
    if interactive.get("type") == "button":
        return [str(b["reply"]["id"]) for b in action.get("buttons") or []]
    return [
        str(row["id"])
        for section in action.get("sections") or []
        for row in section.get("rows") or []
    ]


async def read_file(path: str) -> bytes:
    """A file named on the command line, read off the event loop."""
    return await asyncio.to_thread(Path(path).read_bytes)


SENDABLE = (".xlsx", ".csv")  # what an officer's file questions take


def typed_file(line: str) -> Path | None:
    """A line that is the path of a spreadsheet (quotes around it allowed, as a terminal's
    drag-and-drop pastes it), else None: the line is an answer like any other."""
    path = Path(line.strip().strip("'\""))
    return path if path.suffix.lower() in SENDABLE else None


async def run_chat(
    repo: Repository,
    settings: Settings,
    *,
    officer: bool,
    stdin: TextIO = sys.stdin,
    whatsapp: bool = False,
    wa_id: str = EXAMPLE_WA_ID,
    out: TextIO = sys.stdout,
) -> None:
    """Read lines until end of input; start with /start like a new Telegram chat (with DAFTAR,
    the text of a wa.me link, as WhatsApp)."""
    # An officer is an officer only: their own id (never the worker's "1"), their help first.
    user_id = (
        (str(settings.officer_ids[0]) if settings.officer_ids else LOCAL_OFFICER)
        if officer
        else "1"
    )
    if officer:
        # A local trial at the database's own console: the terminal user becomes an admin of
        # every branch on the terminal channel (an officer is one on the channel made one on).
        await repo.bootstrap_admins((int(user_id),), datetime.now(UTC), channel=CHANNEL)
    chat: TerminalChat
    if whatsapp:
        chat = WhatsAppTerminalChat(
            repo, settings, user_id=user_id if officer else None, wa_id=wa_id, out=out
        )
        print(
            f"BPU Bot — mode chat, tampilan WhatsApp (nomor Anda: +{wa_id}). Ketik jawaban,"
            " judul tombol atau nomor pilihan, atau /bantuan. Ctrl-D untuk keluar.\n",
            file=out,
        )
        print(f"> {START_WORD}\n", file=out)
        await chat.send(START_WORD)
    elif officer:
        chat = TerminalChat(repo, settings, user_id=user_id, out=out)
        print(
            f"BPU Bot — mode petugas (id {user_id}). Ketik perintah petugas; berkas XLSX/CSV"
            " dikirim dengan mengetik jalurnya (misalnya daftar.xlsx). Ctrl-D untuk keluar.\n",
            file=out,
        )
        await chat.send("/bantuan")
    else:
        chat = TerminalChat(repo, settings, user_id=user_id, out=out)
        print(
            "BPU Bot — mode chat. Ketik jawaban, nomor pilihan, atau /bantuan."
            " Ctrl-D untuk keluar.\n",
            file=out,
        )
        await chat.send("/start")
    while True:
        line = await asyncio.to_thread(stdin.readline)
        if not line:
            break
        if line.strip():
            await chat.send(line)
