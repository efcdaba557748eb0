"""The value a validator returns when the user's input cannot be accepted."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from bot.messages import Param


@dataclass(frozen=True)
class Invalid:
    """Why an answer was refused: an Indonesian msgid (see bot.i18n.N_) and its named parameters
    (user text as str, our own words as Msg, translated in turn)."""

    msgid: str
    params: Mapping[str, Param] = field(default_factory=dict)
