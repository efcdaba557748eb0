"""``python -m bot chat|run|migrate``: wiring only; adapters are imported inside each command."""

from __future__ import annotations

import argparse
import asyncio
import sys

from bot.settings import Settings


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
    """Serve Telegram: polling, or a webhook when WEBHOOK_URL is set."""
    from handlers.telegram.app import build_application

    if settings.telegram_bot_token is None:
        sys.exit("TELEGRAM_BOT_TOKEN is not set (python -m bot chat needs no token).")
    if settings.webhook_url:
        from handlers.telegram.webhook import run_webhook, secret_problem

        problem = secret_problem(settings)
        if problem is not None:
            print(f"Cannot serve the webhook {settings.webhook_url}: {problem}", file=sys.stderr)
            sys.exit(2)

    async def serve() -> None:
        from handlers.telegram.app import run_polling
        from handlers.telegram.delivery import quiet_retry_after_warning

        quiet_retry_after_warning()
        repo = await _open_repo(settings)
        try:
            application = build_application(settings, repo)
            if settings.webhook_url:
                await run_webhook(application, settings)
            else:
                await run_polling(application)
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
