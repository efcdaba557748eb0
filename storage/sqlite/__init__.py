"""The embedded SQLite backend: one connection, WAL, explicit transactions (BEGIN IMMEDIATE)."""

from storage.sqlite.connection import database_path, migrations
from storage.sqlite.repository import SqliteRepository

__all__ = ["SqliteRepository", "database_path", "migrations"]
