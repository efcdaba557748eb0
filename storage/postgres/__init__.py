"""The PostgreSQL backend: an asyncpg pool, row locks, SKIP LOCKED claims, LISTEN/NOTIFY."""

from storage.postgres.connection import is_postgres_url, migrations
from storage.postgres.repository import PostgresRepository

__all__ = ["PostgresRepository", "is_postgres_url", "migrations"]
