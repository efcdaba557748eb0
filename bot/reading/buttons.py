"""Which button a typed answer names: its label (in any language), an alias, a word of its label
that no other button has, or its number, alone or inside longer words.

- An exact name (with particles around it: "kirim ya kak") taps the button.
- A name inside longer words ("kirim sekarang") taps it too, unless the button acts for good
  (``final``: Kirim, Batal, an erasure, an officer's decision): then it is confirmed once.
- Two buttons named: asked (``Ambiguous``), never guessed.
- A negation before a button's word undoes it ("jangan kirim"); with "dulu" it is "later"
  ("jangan kirim dulu"), as are "ntar aja", "besok ya".
- On a yes/no question, a yes or no in words (bot.yes_no, after the regional forms and hedges
  are made plain: "enggih", "sumuhun", "iya kurang lebih") taps the yes or the no button; a
  negated word of the yes button ("jangan hapus") is the no.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from functools import lru_cache

from rapidfuzz import fuzz, process

from bot.i18n import LANGUAGES, translate
from bot.messages import Button
from bot.reading.intents import is_later, negated
from bot.reading.leadins import OPENERS, PARTICLES
from bot.reading.normalise import Said, phrases, said
from bot.reading.results import LATER, Ambiguous, Confirm, Later, Value, Why
from bot.yes_no import NEUTRAL, NO_WORDS, YES_WORDS, read_yes_no

Choice = Value[str] | Confirm[str] | Ambiguous[str] | Later

# Hedges and fillers that say nothing about a yes or a no: "iya kurang lebih", "betul kira2".
HEDGES = phrases(
    """
    kurang lebih, kira kira, sekitar, kayaknya, sepertinya, kisaran, lebih kurang, rata rata
    insyaallah, insya allah, hampir, lumayan
    """
)
# Words of a label that do not tell its button apart from another ("Ya, hapus *data saya*").
_PLAIN = frozenset({"saya", "data", "ini", "itu", "dan", "atau", "yang", "di", "ke", "untuk"})
# A question about the question is not an answer ("jht itu apa?").
QUESTION_WORDS = frozenset(
    {"apa", "apakah", "gimana", "bagaimana", "berapa", "kenapa", "knp", "mengapa", "maksudnya"}
)
# "segitu": "that much", agreeing with an amount read back.
_AGREEING = ("segitu", "segituan", "segitulah", "begitu", "gitu")
# A word this close (rapidfuzz ratio, 0..100) to a word only one button has, of this length or
# more, names that button, to be confirmed ("setuju" on an officer's card: "Setujui?").
NEAR_WORD, NEAR_WORD_LENGTH = 85, 5
# "nomor 2", "pilih 2", "yang ke 2": a number said as a choice.
_NUMBER_WORDS = phrases("nomor, no, pilih, yang, ke, pilihan, yang ke, angka, tombol")


# Words that answer or carry nothing: never a button's own word.
_VOCABULARY = YES_WORDS | NO_WORDS | NEUTRAL | {"iya", "tidak", "bukan"} | _PLAIN


@dataclass(frozen=True)
class _Names:
    """A button's names as keys: whole names, and the words only it has."""

    whole: tuple[tuple[str, ...], ...]
    own: tuple[str, ...]


def _keys(text: str) -> tuple[str, ...]:
    return said(text).keys


def _names(buttons: tuple[Button, ...]) -> tuple[_Names, ...]:
    """Each button's names; a label with values (an amount) is not a name."""
    return _names_of(
        tuple((b.text.msgid if not b.text.params else None, b.aliases) for b in buttons)
    )


@lru_cache(maxsize=512)  # our labels and aliases only, never what someone typed
def _names_of(buttons: tuple[tuple[str | None, tuple[str, ...]], ...]) -> tuple[_Names, ...]:
    whole: list[tuple[tuple[str, ...], ...]] = []
    for msgid, aliases in buttons:
        labels = [translate(msgid, lang) for lang in LANGUAGES] if msgid is not None else []
        found = {_keys(name) for name in (*labels, *aliases)}
        whole.append(tuple(sorted((n for n in found if n), key=lambda n: (-len(n), n))))
    vocabulary = _VOCABULARY
    counts: dict[str, int] = {}
    for named in whole:
        for word in {w for name in named for w in name}:
            counts[word] = counts.get(word, 0) + 1
    return tuple(
        _Names(
            names,
            tuple(
                sorted(
                    {
                        w
                        for name in names
                        if len(name) > 1
                        for w in name
                        if counts[w] == 1 and w not in vocabulary and not w.isdigit()
                    }
                )
            ),
        )
        for names in whole
    )


_OPENERS = tuple(p for p in OPENERS if p != ("iya",))  # the openers _core cuts: all but "iya"


def _core(heard: Said) -> tuple[str, ...]:
    """The keys without greetings before and particles after ("kirim ya kak" → kirim)."""
    keys = heard.keys
    first, end = 0, len(keys)
    # Only a phrase whose first word is in the text can be cut (the tables, in their order).
    there = set(keys)
    openers = [p for p in _OPENERS if p[0] in there]
    particles = [p for p in PARTICLES if p[0] in there]
    moved = True
    while moved:
        moved = False
        for phrase in openers:
            if end - first > len(phrase) and keys[first : first + len(phrase)] == phrase:
                first += len(phrase)
                moved = True
        for phrase in particles:
            if end - first > len(phrase) and keys[end - len(phrase) : end] == phrase:
                if phrase == ("iya",) and not _tag(heard, end - 1):
                    continue  # "tidak iya" says both; "tidak ya" is a no with its tag
                end -= len(phrase)
                moved = True
    return keys[first:end]


def _tag(heard: Said, at: int) -> bool:
    """Whether the word at ``at`` was typed as the tag particle "ya" (not "iya", "ok", 👍)."""
    word = heard.words[at]
    return heard.text[word.start : word.end].casefold().rstrip("ahk") in ("y", "")


def _number(heard: Said, core: tuple[str, ...], count: int, numbered: bool) -> int | None:
    """The button number typed alone (on a numbered list) or as "nomor 2", "pilih 2"."""
    digits = [at for at, k in enumerate(heard.keys) if k.isascii() and k.isdigit()]
    if len(digits) != 1:
        return None
    at = digits[0]
    value = int(heard.keys[at][:3])
    said_as_choice = any(heard.keys[max(0, at - len(p)) : at] == p for p in _NUMBER_WORDS)
    if not (said_as_choice or (numbered and core == (heard.keys[at],))):
        return None
    return value - 1 if 1 <= value <= count else None


def choose(
    text: str,
    buttons: Sequence[Button],
    final: Collection[str] = (),
    *,
    numbered: bool = False,
) -> Choice | None:
    """The button ``text`` names (its ``data``), confirmed once when it acts for good (``final``
    data) and was not named exactly; None when it names none."""
    heard = said(text)
    if not heard.words:
        return None
    row = tuple(buttons)
    names = _names(row)
    core = _core(heard)
    exact = [b.data for b, n in zip(row, names, strict=True) if core in n.whole]
    if len(exact) == 1:
        return Value(exact[0])
    number = _number(heard, core, len(row), numbered)
    if number is not None:
        return Value(row[number].data)
    if is_later(heard):
        return LATER
    if any(k in QUESTION_WORDS for k in heard.keys):
        return None
    hits, undone = _contained(heard, row, names)
    data = list(dict.fromkeys(hits))
    if len(data) > 1:
        return Ambiguous(tuple(data))
    if len(data) == 1:
        return Confirm(data[0], Why.INEXACT) if data[0] in final else Value(data[0])
    answer = _yes_or_no(heard, row, names, undone)
    if answer is not None:
        return Confirm(answer, Why.INEXACT) if answer in final else Value(answer)
    near = _near(heard, row, names) if not undone else None
    return Confirm(near, Why.INEXACT) if near is not None else None


def _near(heard: Said, row: tuple[Button, ...], names: tuple[_Names, ...]) -> str | None:
    """The one button a word nearly names (a letter more or less: "setuju" for "Setujui")."""
    own = {
        word: button.data
        for button, n in zip(row, names, strict=True)
        for word in (*n.own, *(name[0] for name in n.whole if len(name) == 1))
        if len(word) >= NEAR_WORD_LENGTH and word not in _VOCABULARY
    }
    found: set[str] = set()
    for k in heard.keys:
        if len(k) < NEAR_WORD_LENGTH or k in own:
            continue
        near = process.extract(k, list(own), scorer=fuzz.ratio, score_cutoff=NEAR_WORD)
        found.update(own[word] for word, score, _ in near if score == near[0][1])
    return found.pop() if len(found) == 1 else None


def _contained(
    heard: Said, row: tuple[Button, ...], names: tuple[_Names, ...]
) -> tuple[list[str], list[str]]:
    """The buttons named inside the text, the longest names first (a name inside a longer one
    that matched does not count), and those whose word a negation undid."""
    spans: list[tuple[int, int, str]] = []
    undone: list[str] = []
    turned: list[tuple[int, int]] = []  # negated names: the names inside them are undone too
    table = sorted(
        (
            (phrase, button.data)
            for button, n in zip(row, names, strict=True)
            for phrase in (*n.whole, *((w,) for w in n.own))
        ),
        key=lambda item: -len(item[0]),
    )
    for phrase, data in table:
        if _only_answer_words(phrase):
            continue  # a yes or a no: bot.yes_no reads it, negations included
        at = heard.find(phrase)
        while at is not None:
            end = at + len(phrase)
            inside = any(s <= at and end <= e for s, e, _ in spans)
            if not inside and (negated(heard, at) or any(s <= at and end <= e for s, e in turned)):
                turned.append((at, end))
                if data not in undone:
                    undone.append(data)
            elif not inside:
                spans.append((at, end, data))
            at = heard.find(phrase, at + 1)
    return [data for _, _, data in sorted(spans)], undone


def _only_answer_words(phrase: tuple[str, ...]) -> bool:
    """A name made of yes/no words only ("ya", "tidak"): read as a yes or a no, not contained."""
    return all(w in YES_WORDS or w in NO_WORDS or w in {"iya", "tidak"} for w in phrase)


def _side(button: Button, names: _Names) -> bool | None:
    """The answer a button gives: as marked, else as its label starts ("Ya, hapus data saya",
    "Tidak usah")."""
    if button.means is not None:
        return button.means
    first = {name[0] for name in names.whole}
    if first and first <= (YES_WORDS | {"iya"}):
        return True
    if first and first <= (NO_WORDS | {"tidak"}):
        return False
    return None


def _yes_or_no(
    heard: Said, row: tuple[Button, ...], names: tuple[_Names, ...], undone: list[str]
) -> str | None:
    """The yes or the no button of a yes/no question, as the words answer it."""
    sides = [_side(b, n) for b, n in zip(row, names, strict=True)]
    yes = [b for b, side in zip(row, sides, strict=True) if side is True]
    no = [b for b, side in zip(row, sides, strict=True) if side is False]
    if len(yes) != 1 or len(no) != 1:
        return None
    if len(row) == 2 and undone == [yes[0].data]:
        return no[0].data  # "jangan hapus", "gak jadi batal"
    if len(row) == 2 and undone == [no[0].data]:
        return yes[0].data  # "belum pindah"
    # "nggak ya": typed as the tag particle, "ya" stays "ya" for bot.yes_no's tag rule.
    keys = ["ya" if k == "iya" and _tag(heard, at) else k for at, k in enumerate(heard.keys)]
    for hedge in HEDGES:
        at = heard.find(hedge)
        if at is not None:
            keys[at : at + len(hedge)] = [""] * len(hedge)
    own = {b.data: n.own for b, n in zip(row, names, strict=True)}
    left_out = {*own[yes[0].data], *own[no[0].data], *_PLAIN}
    plain = " ".join(k for k in keys if k and k not in left_out)
    yes_words = (
        *(w for name in names[row.index(yes[0])].whole for w in name if len(name) == 1),
        *_AGREEING,
    )
    no_words = tuple(w for name in names[row.index(no[0])].whole for w in name if len(name) == 1)
    reading = read_yes_no(plain, yes=yes_words, no=no_words)
    if reading.answer is None:
        return None
    return yes[0].data if reading.answer else no[0].data
