"""Picks the storage backend from DATABASE_URL's scheme and opens it (migrating at start-up)."""

from __future__ import annotations

import sqlite3
from typing import TYPE_CHECKING, TypeAlias
from urllib.parse import urlsplit, urlunsplit

if TYPE_CHECKING:
    from storage.postgres import PostgresRepository
    from storage.sqlite import SqliteRepository

AnyRepository: TypeAlias = "SqliteRepository | PostgresRepository"

EXAMPLES = "sqlite:///path/to/bpu.db or postgresql://user@host:5432/database"


class DatabaseUnavailable(Exception):
    """The configured database cannot be used: an unknown URL, a server that does not answer,
    a file that cannot be opened. The message is one line, fit for an operator."""


def backend_of(url: str) -> str:
    """'sqlite' or 'postgresql', from the URL's scheme; DatabaseUnavailable for anything else."""
    scheme = url.split(":", 1)[0].lower() if ":" in url else ""
    if scheme == "sqlite" and url.startswith("sqlite:///"):
        return "sqlite"
    if scheme in ("postgresql", "postgres"):
        return "postgresql"
    raise DatabaseUnavailable(f"DATABASE_URL {shown(url)!r} is not a database URL ({EXAMPLES})")


def shown(url: str) -> str:
    """The URL without its password, for messages and logs."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    netloc = parts.netloc.replace(f":{parts.password}@", ":***@", 1)
    return urlunsplit(parts._replace(netloc=netloc))


async def open_repository(url: str, *, pool_min: int = 2, pool_max: int = 10) -> AnyRepository:
    """The repository for ``url``, migrated; ``pool_*``: PostgreSQL's connections per process.

    Raises DatabaseUnavailable (one line saying why) instead of a driver's exception.
    """
    backend = backend_of(url)
    if backend == "sqlite":
        from storage.sqlite import SqliteRepository

        try:
            return await SqliteRepository.open(url)
        except (OSError, sqlite3.Error) as error:
            raise DatabaseUnavailable(f"cannot open {shown(url)}: {error}") from error
    import asyncpg

    from storage.postgres import PostgresRepository
    from storage.postgres.connection import SchemaMissing

    try:
        return await PostgresRepository.open(url, pool_min=pool_min, pool_max=pool_max)
    except (OSError, asyncpg.PostgresError, asyncpg.InterfaceError) as error:  # timeouts too
        reason = str(error).splitlines()[0] if str(error) else type(error).__name__
        raise DatabaseUnavailable(f"cannot open {shown(url)}: {reason}") from error
    except SchemaMissing as error:
        raise DatabaseUnavailable(f"cannot open {shown(url)}: {error}") from error
