"""An officer's unit of work sees only the data of its scope's branches (bot.domain.BranchScope:
None, every branch; a tuple, those branches only, so an empty one sees none)."""

from __future__ import annotations

from typing import Any

from bot.domain import BranchScope
from storage.sql.tx import Tx


def branch_condition(scope: BranchScope, column: str = "branch") -> tuple[str, list[Any]]:
    """The SQL condition (and its arguments) that keeps other branches' data out."""
    if scope is None:
        return "1 = 1", []
    if not scope:
        return "1 = 0", []
    return f"{column} IN ({', '.join('?' for _ in scope)})", list(scope)


class Scoped:
    """The connection and the scope every officer query runs under. Each concern of the officer
    side (storage/sql/officers.py) is a class of its own on this one, none built on another."""

    def __init__(self, tx: Tx) -> None:
        self.tx = tx
        self._scope: BranchScope = ()
        self._restricted = False

    def restrict(self, branches: BranchScope) -> None:
        """Limit this unit of work to these branches. Required before any query."""
        self._scope = branches
        self._restricted = True

    @property
    def scope(self) -> BranchScope:
        """The branches given to ``restrict``."""
        if not self._restricted:
            raise RuntimeError("officer session used before restrict()")
        return self._scope

    def in_scope(self, column: str = "branch") -> tuple[str, list[Any]]:
        """The condition of ``scope`` on ``column``."""
        return branch_condition(self.scope, column)
