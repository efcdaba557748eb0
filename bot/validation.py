"""The value a validator returns when the user's input cannot be accepted."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Invalid:
    """Why an answer was refused: an Indonesian msgid (see bot.i18n.N_) and its named parameters."""

    msgid: str
    params: Mapping[str, str | int] = field(default_factory=dict)
