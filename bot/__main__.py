"""``python -m bot chat|run|migrate``: wiring only; adapters are imported inside each command."""

from __future__ import annotations

import argparse
import asyncio
import sys

from bot.settings import Settings


async def _open_repo(settings: Settings):  # type: ignore[no-untyped-def]
    from datetime import UTC, datetime

    from storage.sqlite import SqliteRepository

    repo = await SqliteRepository.open(settings.database_url)
    await repo.bootstrap_admins(settings.officer_ids, datetime.now(UTC))
    return repo


async def chat(settings: Settings, officer: bool) -> None:
    """The flow in this terminal, on the configured database."""
    from handlers.terminal import run_chat

    repo = await _open_repo(settings)
    try:
        await run_chat(repo, settings, officer=officer)
    finally:
        await repo.close()


async def migrate(settings: Settings) -> None:
    """Create or upgrade the database schema."""
    repo = await _open_repo(settings)
    await repo.close()
    print(f"Database ready: {settings.database_url}")


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

        from handlers.runtime import Channel, Runtime, build_core

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
            await Runtime(core, channels).serve()
        finally:
            await repo.close()

    asyncio.run(serve())


def main(argv: list[str] | None = None) -> None:
    """Parse the command line and run the chosen command."""
    parser = argparse.ArgumentParser(prog="python -m bot", description="BPU Bot")
    commands = parser.add_subparsers(dest="command", required=True)
    chat_cmd = commands.add_parser(
        "chat", help="chat with the bot in this terminal (no token needed)"
    )
    chat_cmd.add_argument(
        "--officer", action="store_true", help="act as the first officer in OFFICER_IDS"
    )
    commands.add_parser("run", help="serve Telegram (polling, or webhook if WEBHOOK_URL is set)")
    commands.add_parser("migrate", help="create or upgrade the database")
    args = parser.parse_args(argv)

    from handlers.logs import setup_logging

    settings = Settings()
    setup_logging(settings.log_level)
    if args.command == "chat":
        asyncio.run(chat(settings, args.officer))
    elif args.command == "migrate":
        asyncio.run(migrate(settings))
    else:
        run(settings)


if __name__ == "__main__":
    main()
