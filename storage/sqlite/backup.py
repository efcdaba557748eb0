"""A consistent copy of a SQLite database that may be in use (``python -m bot backup <file>``).

SQLite's online backup API copies the database as one snapshot: in WAL mode its read does not
hold up the bot's writes, and what the bot commits meanwhile is simply not in the copy. The copy
is written beside the destination and renamed into place, so a half-written backup never has
the destination's name.
"""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

from storage.files import create_private, private_dir
from storage.sqlite.connection import BUSY_TIMEOUT_SECONDS, database_path


def backup(url: str, destination: Path) -> int:
    """Copy the database of ``url`` to ``destination``; returns the pages copied."""
    source_path = database_path(url)
    if not Path(source_path).is_file():
        raise FileNotFoundError(f"no SQLite database at {source_path}")
    destination = destination.resolve()
    private_dir(destination.parent)
    partial = destination.with_name(f".{destination.name}.partial")
    partial.unlink(missing_ok=True)
    create_private(partial)  # personal data: 0600 before SQLite writes into it
    source = sqlite3.connect(f"file:{source_path}?mode=ro", uri=True, timeout=BUSY_TIMEOUT_SECONDS)
    try:
        copy = sqlite3.connect(partial)
        try:
            source.backup(copy)  # all pages in one step: one snapshot
            (pages,) = copy.execute("PRAGMA page_count").fetchone()
            (check,) = copy.execute("PRAGMA quick_check").fetchone()
            if check != "ok":
                raise sqlite3.DatabaseError(f"the copy fails its check: {check}")
            # A single file that opens anywhere, without a WAL beside it.
            copy.execute("PRAGMA journal_mode = DELETE")
        finally:
            copy.close()
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    finally:
        source.close()
    os.replace(partial, destination)
    return int(pages)
