"""A reading offered back for one tap: "Maksud Anda …?" [Ya] [Bukan], or the few readings left
to choose from, each a button. Stored in the conversation (``Conversation.offer``) until tapped
or answered otherwise; while it is there, it is the pending question."""

from __future__ import annotations

from dataclasses import dataclass

from bot.flow.state import Conversation
from bot.i18n import N_
from bot.messages import Button, Msg, Reply

# What an offered item does when chosen.
PRESS = "press"  # taps the question's button ``payload`` (its label's msgid is ``shown``)
TEXT = "text"  # answers the question ``step`` with the typed text ``payload``, as it is
FIELD = "field"  # goes to the question of the field ``payload`` (its label's msgid: ``shown``)

PICK = "pick"  # the offer's buttons: "pick:0", "pick:1", …, and "pick:no"


@dataclass(frozen=True)
class Item:
    """One reading offered: what it does, what it shows (``label``: a field's name before a
    value, as a msgid), and the step it answers."""

    kind: str
    payload: str
    shown: str
    step: str
    label: str = ""

    def to_data(self) -> list[str]:
        return [self.kind, self.payload, self.shown, self.step, self.label]

    @classmethod
    def from_data(cls, data: list[str]) -> Item:
        kind, payload, shown, step, label = data
        return cls(kind, payload, shown, step, label)


def items(conv: Conversation) -> list[Item]:
    """The readings offered to ``conv`` (none: nothing is offered)."""
    return [Item.from_data(data) for data in conv.offer]


def offer(conv: Conversation, *offered: Item) -> None:
    """Offer ``offered`` to the worker (one: confirmed with a tap)."""
    conv.offer = [item.to_data() for item in offered]


def shown(item: Item) -> Msg:
    """How an item reads on its button or in "Maksud Anda …?"."""
    if item.kind in (PRESS, FIELD):
        return Msg(item.shown)
    if item.label:
        return Msg(N_("{field}: {value}"), {"field": Msg(item.label), "value": item.shown})
    return Msg("{value}", {"value": item.shown})


def offer_reply(conv: Conversation) -> Reply:
    """The offer as a question: one reading to confirm, or several to choose from."""
    offered = items(conv)
    if len(offered) == 1:
        return Reply(
            parts=(Msg(N_("Maksud Anda {choice}?"), {"choice": shown(offered[0])}),),
            buttons=(
                (
                    Button(Msg(N_("Ya")), f"{PICK}:0", means=True),
                    Button(Msg(N_("Bukan")), f"{PICK}:no", means=False),
                ),
            ),
        )
    return Reply(
        parts=(Msg(N_("Maksud Anda yang mana? Pilih salah satu.")),),
        buttons=tuple((Button(shown(item), f"{PICK}:{i}"),) for i, item in enumerate(offered)),
    )
