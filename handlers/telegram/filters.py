"""Who is an officer, declared once."""

from __future__ import annotations

from collections.abc import Iterable

from telegram import Update
from telegram.ext.filters import UpdateFilter


class OfficerFilter(UpdateFilter):
    """Passes updates (messages and button taps) from the configured officers only."""

    def __init__(self, officer_ids: Iterable[int]) -> None:
        super().__init__(name="OfficerFilter")
        self.officer_ids = frozenset(officer_ids)

    def filter(self, update: Update) -> bool:
        """True when the sender is an officer."""
        user = update.effective_user
        return user is not None and user.id in self.officer_ids
