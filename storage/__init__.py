"""Storage behind the ports of bot/ports.py: SQLite (storage/sqlite, the embedded default) and
PostgreSQL (storage/postgres), sharing their queries (storage/sql); ``open_repository`` picks one
from DATABASE_URL."""

from storage.backends import DatabaseUnavailable, backend_of, open_repository

__all__ = ["DatabaseUnavailable", "backend_of", "open_repository"]
