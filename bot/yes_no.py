"""Yes or no, the way people type it in a chat: "iya pak", "bener", "sip", "gak", "tidak mau".

The reading is strict on purpose: every word must be a yes word, a no word, or a word that
carries no answer (a politeness particle such as "dong", a way of addressing the reader such as
"pak" or "kak", "saya", "terima kasih"). One unknown word ("tidak *tahu*") and the text is not
understood, because guessing a consent or a cancellation is worse than asking again.

- A negation joins the word after it: "tidak mau", "gak setuju", "belum benar", "tidak usah"
  are one no; "tidak salah" is one yes. A question's own words are not turned around: on the
  home question "Tidak, pindah" is the no button's label.
- Yes and no in one answer ("ya tidak", "iya gak") is not understood.
- "ya" after the first answer word is the tag particle ("nggak ya" is no), as in speech.
- Letters held down are one letter: "iyaaa", "okee", "gakkk", "sippp".
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache


def squeeze(word: str) -> str:
    """``word`` with every run of one letter written once ("iyaaa" → "iya", "nggak" → "ngak")."""
    return re.sub(r"(.)\1+", r"\1", word)


def _squeezed(words: str) -> frozenset[str]:
    return frozenset(squeeze(word) for word in words.split())


# Words that answer yes on their own.
YES_WORDS = _squeezed(
    "ya iya iye iyo yoi yup yep yes yeah y ok oke okey okay okeh oce sip siap setuju mau "
    "boleh benar bener betul btl bnr tentu baik baiklah mantap mantab sure agree right correct"
)
# Words that answer no on their own.
NO_WORDS = _squeezed(
    "tidak tdk tak ga gak gk nggak ngga enggak engga ndak nda endak kagak kaga ogah emoh no nope "
    "n bukan bkn jangan jgn belum blm salah keliru not dont wrong incorrect disagree"
)
# No words that turn the next answer word around ("tidak mau", "bukan salah").
NEGATORS = _squeezed(
    "tidak tdk tak ga gak gk nggak ngga enggak engga ndak nda endak kagak kaga bukan bkn jangan "
    "jgn belum blm not dont"
)
# Answer words a negation may turn around; others after a negation make the answer unclear
# ("tidak pasti" is "not sure", not "no").
NEGATABLE = _squeezed(
    "mau setuju benar bener betul boleh ikut jadi usah perlu sesuai cocok salah keliru agree "
    "want right correct wrong"
)
# "Sudah" alone answers "Sudah benar semua?"; next to another answer word it is only emphasis.
WEAK_YES = _squeezed("sudah udah udh sdh dah")
# Words that carry no answer: politeness particles, ways of addressing someone, thanks, fillers.
NEUTRAL = _squeezed(
    # particles
    "dong deh nih sih kok lah kah loh lho tuh aja saja kan yah yak toh mah atuh euy ah eh oh "
    "wah dulu kak "
    # how the reader is addressed
    "pak bapak bp bu ibu mas mbak mba kakak dik adik dek bang abang om tante bos boss gan "
    "juragan min admin sis bro sob nak cak ning uda uni ko koh ci cik teh aa akang kang neng "
    "mang bli "
    # fillers
    "saya aku sy gue gw kami ini itu memang emang sangat sekali banget bgt semua semuanya "
    "terima kasih makasih trims thanks thank you tq please pls insyaallah insya allah "
    "alhamdulillah i it is thats that of course sir madam"
)
# The tag particle: an answer word only when it comes first.
TAG = "ya"

_EMOJI = {
    "👍": " ya ",
    "👌": " ya ",
    "✅": " ya ",
    "✔": " ya ",
    "👎": " tidak ",
    "❌": " tidak ",
    "✖": " tidak ",
    "🚫": " tidak ",
}
_APOSTROPHES = re.compile(r"['’`]")


def plain_words(text: str) -> list[str]:
    """Lower-case words of ``text`` without accents or punctuation; thumbs and ticks become "ya"
    or "tidak"."""
    for emoji, word in _EMOJI.items():
        text = text.replace(emoji, word)
    folded = unicodedata.normalize("NFKD", _APOSTROPHES.sub("", text.casefold()))
    return "".join(
        c if c.isalnum() else " " for c in folded if not unicodedata.combining(c)
    ).split()


def words(text: str) -> list[str]:
    """``plain_words`` with held-down letters squeezed ("iyaaa" → "iya")."""
    return [squeeze(word) for word in plain_words(text)]


@dataclass(frozen=True)
class Reading:
    """What a typed answer says: yes (True), no (False) or not understood (None); ``mixed`` when
    it says both."""

    answer: bool | None
    mixed: bool = False


@cache
def _extras(yes: tuple[str, ...], no: tuple[str, ...]) -> tuple[frozenset[str], frozenset[str]]:
    """One-word extras of a question's buttons ("masih", "pindah"), squeezed."""
    return (
        frozenset(squeeze(w) for w in yes if " " not in w),
        frozenset(squeeze(w) for w in no if " " not in w),
    )


def read_yes_no(text: str, yes: Iterable[str] = (), no: Iterable[str] = ()) -> Reading:
    """Yes, no or neither. ``yes``/``no``: words that answer this question only (the home
    question's "masih" and "pindah")."""
    extra_yes, extra_no = _extras(tuple(yes), tuple(no))
    claims: list[bool] = []
    weak = False
    tokens = [w for w in words(text) if w not in NEUTRAL]
    i = 0
    while i < len(tokens):
        word = tokens[i]
        i += 1
        if word in WEAK_YES:
            weak = True
            continue
        if word == TAG and claims:
            continue  # "gak ya", "benar ya": the tag particle
        if word in NEGATORS and i < len(tokens) and tokens[i] in NEGATABLE:
            # "tidak mau" is no, "tidak salah" yes; "tidak usah" (no answer alone) is no.
            claims.append(_polarity(tokens[i], extra_yes, extra_no) is False)
            i += 1
            continue
        polarity = _polarity(word, extra_yes, extra_no)
        if polarity is None:
            return Reading(None)
        claims.append(polarity)
    if not claims:
        return Reading(True if weak else None)
    if all(claims):
        return Reading(True)
    if not any(claims):
        return Reading(False)
    return Reading(None, mixed=True)


def _polarity(word: str, extra_yes: frozenset[str], extra_no: frozenset[str]) -> bool | None:
    if word in extra_yes:
        return True
    if word in extra_no:
        return False
    if word in NO_WORDS:
        return False
    if word in YES_WORDS:
        return True
    return None


def yes_no(text: str, yes: Iterable[str] = (), no: Iterable[str] = ()) -> bool | None:
    """True for yes, False for no, None when the text is not clearly one of them."""
    return read_yes_no(text, yes, no).answer


# Particles and ways of addressing someone: "nelayan pak" names the button "Nelayan".
_COURTESY = _squeezed(
    "dong deh nih sih kok lah loh lho tuh aja yah yak toh mah atuh euy kak pak bapak bp bu ibu "
    "mas mbak mba kakak dik adik dek bang abang om tante bos boss gan min admin sis bro"
)


def without_courtesy(text: str) -> str:
    """``text`` as compared with button labels, without particles and forms of address (a last
    "ya" too, when something else was said): "lainnya kak" → "lainnya", "kirim ya" → "kirim"."""
    kept = [w for w in plain_words(text) if squeeze(w) not in _COURTESY]
    while len(kept) > 1 and squeeze(kept[-1]) == TAG:
        kept.pop()
    return " ".join(kept)
