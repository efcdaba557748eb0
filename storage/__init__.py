"""Storage behind a Protocol (repository.py); SQLite is the embedded default (sqlite.py)."""
