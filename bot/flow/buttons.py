"""Typed answers that mean a button: its label in any language, or an alias."""

from __future__ import annotations

import unicodedata
from functools import lru_cache

from bot.i18n import LANGUAGES, N_, translate
from bot.messages import Button, Msg
from bot.yes_no import without_courtesy, yes_no


def normalise(text: str) -> str:
    """Lower-case letters and digits only, for comparing a typed answer with button labels."""
    folded = unicodedata.normalize("NFKD", text.casefold())
    return " ".join("".join(c if c.isalnum() else " " for c in folded).split())


# More choices than a chat app can show as buttons (WhatsApp: 10) are shown as a numbered list,
# answered with the number: "3" then means the third choice.
NUMBERED_OVER = 10


def match_button(text: str, buttons: tuple[Button, ...]) -> Button | None:
    """The button a typed answer names: its label in any language or an alias (also with "pak",
    "kak", "dong" around it), its number in a list too long for buttons, or, on a yes/no
    question, the yes or no button for a typed yes or no ("iya pak", "gak", "tidak mau")."""
    typed = normalise(text)
    if not typed:
        return None
    if len(buttons) > NUMBERED_OVER and typed.isascii() and typed.isdigit():
        number = int(typed[:3])
        return buttons[number - 1] if 1 <= number <= len(buttons) else None
    plain = without_courtesy(text)
    for candidate in dict.fromkeys((typed, plain)):
        for button in buttons:
            label = None if button.text.params else button.text.msgid
            if candidate and candidate in _names(label, button.aliases):
                return button
    return _yes_or_no(text, buttons)


def _yes_or_no(text: str, buttons: tuple[Button, ...]) -> Button | None:
    """The yes or the no button of a yes/no question, as the typed text answers it."""
    sides = {
        True: [b for b in buttons if b.means],
        False: [b for b in buttons if b.means is False],
    }
    if len(sides[True]) != 1 or len(sides[False]) != 1:
        return None
    yes, no = sides[True][0], sides[False][0]
    answer = yes_no(text, yes=yes.aliases, no=no.aliases)
    return None if answer is None else sides[answer][0]


@lru_cache(maxsize=1024)  # labels and aliases only (never what a worker typed)
def _names(msgid: str | None, aliases: tuple[str, ...]) -> frozenset[str]:
    """What typing a button's label (in any language; None: a label with values) or alias is."""
    labels = [translate(msgid, lang) for lang in LANGUAGES] if msgid is not None else []
    return frozenset(normalise(name) for name in (*aliases, *labels))


@lru_cache(maxsize=256)  # our own labels and words only: the same buttons every time
def yes_no_buttons(
    prefix: str,
    yes: str,
    no: str,
    yes_words: tuple[str, ...] = (),
    no_words: tuple[str, ...] = (),
) -> tuple[tuple[Button, ...], ...]:
    """Two buttons on one row, answering yes or no to the question ``prefix``: a typed yes or
    no (bot.yes_no) taps them; ``yes_words``/``no_words`` answer this question only ("masih",
    "pindah")."""
    return (
        (
            Button(Msg(yes), f"{prefix}:yes", aliases=yes_words, means=True),
            Button(Msg(no), f"{prefix}:no", aliases=no_words, means=False),
        ),
    )


def confirm_buttons(
    prefix: str, yes: str = N_("Ya"), no: str = N_("Bukan")
) -> tuple[tuple[Button, ...], ...]:
    """[Ya] [Bukan] for a read-back answer: ``prefix:yes`` and ``prefix:no``."""
    return (
        (
            Button(Msg(yes), f"{prefix}:yes", means=True),
            Button(Msg(no), f"{prefix}:no", means=False),
        ),
    )


# The summary's Kirim / Ubah / Batal.
SUMMARY_BUTTONS = (
    (Button(Msg(N_("Kirim")), "sum:send", aliases=("kirim", "send"), means=True),),
    (
        Button(Msg(N_("Ubah")), "sum:edit", aliases=("ubah", "edit"), means=False),
        Button(Msg(N_("Batal")), "sum:cancel", aliases=("batal", "cancel")),
    ),
)
