"""Partial masking of personal data for confirmations, officer lists and logs."""

from __future__ import annotations

import re

_MASK = "*"
_NIK_KEEP = 4
_PHONE_TAIL = 4
_OPERATOR_DIGITS = 3
_WORD_BREAKS = frozenset("-.,")
_PHONE_MIN_HIDDEN = 3

# 16 digits, optionally one space/dot/dash between any two, not part of a longer digit run.
_NIK_PATTERN = r"(?<![0-9])[0-9](?:[ .\-]?[0-9]){15}(?![0-9])"
# +62 / 62 / 0, then a national mobile number 8xx of 8..12 digits; separators and (0812) allowed.
_PHONE_PATTERN = r"(?<![0-9+])\(?(?:\+62|62|0)\)?[ .\-]?\(?8(?:[ .\-()]{0,2}[0-9]){7,11}(?![0-9])"
_SENSITIVE = re.compile(f"(?P<nik>{_NIK_PATTERN})|(?P<phone>{_PHONE_PATTERN})")
_NOT_DIGIT = re.compile(r"[^0-9]")


def mask_nik(nik: str) -> str:
    """``3401021203680003`` → ``3401********0003``; 8 characters or fewer: all stars."""
    if len(nik) <= 2 * _NIK_KEEP:
        return _MASK * len(nik)
    hidden = len(nik) - 2 * _NIK_KEEP
    return nik[:_NIK_KEEP] + _MASK * hidden + nik[-_NIK_KEEP:]


def mask_phone(e164: str) -> str:
    """``+6281234567890`` → ``+62812****7890``: prefix and operator code kept, then the last 4."""
    prefix = next((p for p in ("+62", "62", "0", "+") if e164.startswith(p)), "")
    head = len(prefix) + _OPERATOR_DIGITS
    tail = _PHONE_TAIL
    # Short or odd numbers: give up the operator code, then the tail, so that at least
    # _PHONE_MIN_HIDDEN characters stay hidden.
    if len(e164) - head - tail < _PHONE_MIN_HIDDEN:
        head = len(prefix)
    if len(e164) - head - tail < _PHONE_MIN_HIDDEN:
        tail = max(0, len(e164) - head - _PHONE_MIN_HIDDEN)
    if len(e164) - head - tail < _PHONE_MIN_HIDDEN:
        head = tail = 0
    hidden = len(e164) - head - tail
    return e164[:head] + _MASK * hidden + e164[len(e164) - tail :]


def mask_name(name: str) -> str:
    """``Sri Wahyuni`` → ``S** W******``: the first letter of each word, punctuation kept."""
    masked: list[str] = []
    at_word_start = True
    for ch in name:
        if ch.isalpha():
            masked.append(ch if at_word_start else _MASK)
            at_word_start = False
        else:
            masked.append(ch)
            # "Al-Amin" shows both initials; "Ma'ruf" is one word, so its "r" stays hidden.
            if ch.isspace() or ch in _WORD_BREAKS:
                at_word_start = True
    return "".join(masked)


def _mask_match(match: re.Match[str]) -> str:
    """The masked form of one NIK or phone number found by ``redact``."""
    digits = _NOT_DIGIT.sub("", match[0])
    if match["nik"] is not None:
        return mask_nik(digits)
    return mask_phone("+" + digits if match[0].lstrip("(").startswith("+") else digits)


def redact(text: str) -> str:
    """``text`` with every NIK-like 16-digit run and Indonesian mobile number masked."""
    return _SENSITIVE.sub(_mask_match, text)
