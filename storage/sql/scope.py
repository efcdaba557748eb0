"""An officer's unit of work sees only the submissions of the officer's branches."""

from __future__ import annotations

from typing import Any

from storage.sql.tx import Tx


class Scoped:
    """Holds the connection and the branches; every officer query asks ``in_scope`` first."""

    def __init__(self, tx: Tx) -> None:
        self.tx = tx
        self._scope: tuple[str, ...] | None = ()
        self._restricted = False

    def restrict(self, branches: tuple[str, ...] | None) -> None:
        """Limit this session to these branches (None: all). Required before any query."""
        self._scope = branches
        self._restricted = True

    def in_scope(self, column: str = "branch") -> tuple[str, list[Any]]:
        """The SQL condition (and its arguments) that keeps other branches' data out."""
        if not self._restricted:
            raise RuntimeError("officer session used before restrict()")
        if self._scope is None:
            return "1 = 1", []
        if not self._scope:
            return "1 = 0", []
        return f"{column} IN ({', '.join('?' for _ in self._scope)})", list(self._scope)
