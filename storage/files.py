"""Files only the bot's own user may read: the database and its lock, exports, and what the terminal
chat writes. Files are made mode 0600 and directories 0700 whatever the process umask.

The umask is never changed: it is process-wide, so setting it around one call would race with any
other thread creating a file meanwhile. Each file is created with the private mode and then set to
it exactly (a strict umask such as 0o277 would otherwise take the owner's own bits away).

SQLite's ``-wal``, ``-shm`` and ``-journal`` files need nothing here: SQLite creates them with the
mode of the database file itself, so a database file created private keeps them private too.
Only the storage and handler layers use this module (bot/ does no file-system work of this kind).
"""

from __future__ import annotations

import os
from pathlib import Path

PRIVATE_FILE = 0o600
PRIVATE_DIR = 0o700


def private_dir(path: Path) -> Path:
    """Create ``path`` and its missing parents with mode 0700; directories that exist are left as
    they are (they may be shared on purpose, like the one holding a deployment's data)."""
    missing: list[Path] = []
    current = path
    while not current.is_dir() and current != current.parent:
        missing.append(current)
        current = current.parent
    for folder in reversed(missing):
        try:
            folder.mkdir(mode=PRIVATE_DIR)
        except FileExistsError:  # another process made it meanwhile: it is theirs, not ours
            continue
        os.chmod(folder, PRIVATE_DIR)
    return path


def create_private(path: Path) -> bool:
    """Create ``path`` empty with mode 0600 unless it exists; True when it was created here.

    An existing file keeps its mode: it may hold data (a database) whose mode a deployment chose.
    """
    try:
        # O_EXCL: never follows a symlink planted at ``path``, and never truncates.
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC, PRIVATE_FILE)
    except FileExistsError:
        return False
    try:
        os.fchmod(fd, PRIVATE_FILE)
    finally:
        os.close(fd)
    return True


def write_private(path: Path, data: bytes = b"") -> None:
    """Write ``data`` as the whole content of ``path``, a file of mode 0600: an existing file is
    emptied and made private before anything is written to it."""
    flags = os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_CLOEXEC | os.O_NOFOLLOW
    fd = os.open(path, flags, PRIVATE_FILE)
    with os.fdopen(fd, "wb") as handle:
        os.fchmod(fd, PRIVATE_FILE)
        handle.write(data)
