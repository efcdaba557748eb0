"""``python -m bot chat|run|migrate|backup`` (installed: ``bpu-bot ...``): wiring only;
adapters are imported inside each command."""

from __future__ import annotations

import argparse
import asyncio
import re
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from bot.settings import Settings

if TYPE_CHECKING:
    from storage.postgres.copy import TableCopy

# ``chat --as whatsapp`` pretends to write from this number (wa_id form: digits with 62); it is
# handlers.terminal.EXAMPLE_WA_ID, repeated here so that --help needs no adapter imported.
EXAMPLE_WA_ID = "6281234567890"


async def _open_repo(settings: Settings):  # type: ignore[no-untyped-def]
    from datetime import UTC, datetime

    from storage import DatabaseUnavailable, open_repository

    try:
        repo = await open_repository(
            settings.database_url,
            pool_min=settings.database_pool_min,
            pool_max=settings.database_pool_max,
        )
    except DatabaseUnavailable as error:
        print(error, file=sys.stderr)
        sys.exit(2)
    await repo.bootstrap_admins(settings.officer_ids, datetime.now(UTC))
    return repo


async def chat(settings: Settings, officer: bool, whatsapp: bool, wa_id: str) -> None:
    """The flow in this terminal, on the configured database (shown as Telegram or WhatsApp)."""
    from handlers.terminal import run_chat

    repo = await _open_repo(settings)
    try:
        await run_chat(repo, settings, officer=officer, whatsapp=whatsapp, wa_id=wa_id)
    finally:
        await repo.close()


async def migrate(settings: Settings) -> None:
    """Create or upgrade the database schema."""
    repo = await _open_repo(settings)
    await repo.close()
    print(f"Database ready: {settings.database_url}")


async def copy(source: str, target: str) -> None:
    """Copy a SQLite deployment into PostgreSQL (idempotent), then check every count; all or
    nothing (docs/operations.md)."""
    from storage import DatabaseUnavailable, backend_of
    from storage.backends import shown
    from storage.postgres.copy import (
        CopyConflict,
        CountMismatch,
        SchemaMismatch,
        copy_sqlite_to_postgres,
    )

    try:
        if (backend_of(source), backend_of(target)) != ("sqlite", "postgresql"):
            print(
                "migrate --from takes a sqlite:/// URL, --to a postgresql:// URL.", file=sys.stderr
            )
            sys.exit(2)
        copied = await copy_sqlite_to_postgres(source, target)
    except DatabaseUnavailable as error:
        print(error, file=sys.stderr)
        sys.exit(2)
    except SchemaMismatch as error:
        print(f"Cannot copy: {error}", file=sys.stderr)
        sys.exit(2)
    except CopyConflict as error:
        sys.exit(f"Cannot copy: {error}")
    except CountMismatch as mismatch:
        _print_counts(mismatch.tables)
        sys.exit(f"Cannot copy: {mismatch} (see MISMATCH above). Nothing was copied.")
    _print_counts(copied)
    print(f"Copied {shown(source)} into {shown(target)}; every count matches.")


def _print_counts(copied: list[TableCopy]) -> None:
    for table in copied:
        verdict = "ok" if table.matches else "MISMATCH"
        print(
            f"{table.table:20} {table.source:>10} in SQLite {table.target:>10} in PostgreSQL"
            f" ({table.inserted} added now)  {verdict}"
        )


def backup(settings: Settings, destination: str) -> None:
    """A consistent copy of the SQLite database, safe while the bot runs."""
    import sqlite3
    from pathlib import Path

    from storage import backend_of
    from storage.sqlite.backup import backup as copy_database

    if backend_of(settings.database_url) != "sqlite":
        print(
            "python -m bot backup copies a SQLite database; for PostgreSQL use pg_dump"
            " (see docs/running.md, Backups).",
            file=sys.stderr,
        )
        sys.exit(2)
    try:
        pages = copy_database(settings.database_url, Path(destination))
    except (OSError, sqlite3.Error) as error:
        print(f"Backup failed: {error}", file=sys.stderr)
        sys.exit(2)
    print(f"Backup written: {destination} ({pages} pages)")


def run(settings: Settings) -> None:
    """Serve the configured channels: Telegram (polling, or a webhook when WEBHOOK_URL is set)
    and/or WhatsApp (its webhook at /whatsapp), until SIGINT/SIGTERM."""
    telegram = settings.telegram_bot_token is not None
    if not telegram and not settings.whatsapp_configured:
        missing = ", ".join(settings.whatsapp_missing())
        sys.exit(
            "Nothing to serve: set TELEGRAM_BOT_TOKEN, or the WhatsApp settings "
            f"({missing}). python -m bot chat needs neither."
        )
    if telegram and settings.webhook_url:
        from handlers.telegram.webhook import secret_problem

        problem = secret_problem(settings)
        if problem is not None:
            print(f"Cannot serve the webhook {settings.webhook_url}: {problem}", file=sys.stderr)
            sys.exit(2)

    async def serve() -> None:
        from datetime import UTC, datetime

        from handlers.collector import settle_collector
        from handlers.runtime import CannotStart, Channel, Runtime, build_core

        repo = await _open_repo(settings)
        try:
            core = build_core(settings, repo, lambda: datetime.now(UTC))
            channels: list[Channel] = []
            if telegram:
                from handlers.telegram.app import build_application
                from handlers.telegram.channel import TelegramChannel
                from handlers.telegram.delivery import quiet_retry_after_warning

                quiet_retry_after_warning()
                channels.append(
                    TelegramChannel(build_application(settings, repo, core=core), settings)
                )
            if settings.whatsapp_configured:
                from handlers.whatsapp.channel import WhatsAppChannel

                channels.append(WhatsAppChannel(core))
            settle_collector()  # handlers/collector.py: what is loaded now stays
            try:
                await Runtime(core, channels).serve()
            except CannotStart as error:
                print(error, file=sys.stderr)
                sys.exit(2)
        finally:
            await repo.close()

    asyncio.run(serve())


def main(argv: list[str] | None = None) -> None:
    """Parse the command line and run the chosen command."""
    # The console script is installed as bpu-bot; run as a module, argv[0] is this file.
    command = Path(sys.argv[0]).name
    prog = "python -m bot" if command in ("__main__.py", "") else command
    parser = argparse.ArgumentParser(prog=prog, description="BPU Bot")
    commands = parser.add_subparsers(dest="command", required=True)
    chat_cmd = commands.add_parser(
        "chat", help="chat with the bot in this terminal (no token needed)"
    )
    chat_cmd.add_argument(
        "--officer", action="store_true", help="act as the first officer in OFFICER_IDS"
    )
    chat_cmd.add_argument(
        "--as",
        dest="channel",
        choices=("telegram", "whatsapp"),
        default="telegram",
        help="show the chat as that app shows it (default telegram). whatsapp: reply buttons"
        " as [ Ya ], list messages, numbered lists, *bold*; tap a button or row by typing its"
        " title or position; the phone question is a one-tap confirmation of your number"
        " (--phone); the chat starts with DAFTAR, as a wa.me link does",
    )
    chat_cmd.add_argument(
        "--phone",
        default=EXAMPLE_WA_ID,
        help="with --as whatsapp: the number you pretend to write from, in international form"
        f" (default {EXAMPLE_WA_ID}, an example)",
    )
    commands.add_parser(
        "run",
        help="serve the configured channels: Telegram (polling, or a webhook if WEBHOOK_URL is"
        " set) and/or WhatsApp (its webhook at /whatsapp)",
    )
    migrate_cmd = commands.add_parser(
        "migrate",
        help="create or upgrade the database; with --from and --to, copy SQLite into PostgreSQL",
    )
    migrate_cmd.add_argument("--from", dest="source", help="sqlite:///path/to/bpu.db")
    migrate_cmd.add_argument("--to", dest="target", help="postgresql://user@host:port/db")
    backup_cmd = commands.add_parser(
        "backup", help="write a consistent copy of the SQLite database (safe while it runs)"
    )
    backup_cmd.add_argument("file", help="where to write the copy")
    args = parser.parse_args(argv)
    if args.command == "migrate" and (args.source is None) != (args.target is None):
        parser.error("migrate: --from and --to go together")
    if args.command == "chat":
        args.phone = re.sub(r"[\s().+-]", "", args.phone)
        if not args.phone.isdigit():
            parser.error("chat: --phone is a number in international form, e.g. 6281234567890")
        if args.channel != "whatsapp" and args.phone != EXAMPLE_WA_ID:
            parser.error("chat: --phone goes with --as whatsapp")

    from handlers.logs import setup_logging

    settings = Settings()
    setup_logging(settings.log_level)
    if args.command == "chat":
        asyncio.run(chat(settings, args.officer, args.channel == "whatsapp", args.phone))
    elif args.command == "migrate" and args.source is not None:
        asyncio.run(copy(args.source, args.target))
    elif args.command == "migrate":
        asyncio.run(migrate(settings))
    elif args.command == "backup":
        backup(settings, args.file)
    else:
        run(settings)


if __name__ == "__main__":
    main()
