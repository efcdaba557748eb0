"""Indonesian mobile numbers (nomor HP), normalised to E.164 with libphonenumber's metadata."""

from __future__ import annotations

import re

import phonenumbers
from phonenumbers import NumberParseException, PhoneNumberType

from bot.i18n import N_
from bot.validation import Invalid

_INDONESIA = "ID"
_COUNTRY_CODE = 62
# Indonesian mobile national numbers (without the trunk 0) are 8xx... of 9..12 digits.
_MOBILE_MIN_DIGITS = 9
_MOBILE_MAX_DIGITS = 12

# Only what people put between digit groups; letters would let libphonenumber read "vanity"
# numbers (0812-FLOWERS) or extensions, which nobody means when typing a nomor HP.
_ALLOWED = re.compile(r"\(?\+?[0-9()\s.\-/]*")
_NOT_DIGIT = re.compile(r"[^0-9]")


def _ascii_digits(raw: str) -> str:
    """``raw`` with any non-ASCII decimal digits (Arabic, full-width) written as ASCII."""
    return "".join(str(int(ch)) if ch.isdecimal() and not ch.isascii() else ch for ch in raw)


def _is_international(text: str) -> bool:
    """Whether ``text`` starts with +, as in "+62 812..." or "(+62) 812..."."""
    return text.lstrip("( ").startswith("+")


def _to_e164(text: str) -> str | Invalid:
    """Classify an already character-checked ``text`` (leading + means international)."""
    digits = _NOT_DIGIT.sub("", text)
    if not digits:
        return Invalid(N_("Nomor HP harus berisi angka."))
    international = _is_international(text)
    if not international:
        if digits.startswith("0062"):
            # 00 is how some people dial out; 0062 can only mean Indonesia.
            text, international = "+" + digits[2:], True
        elif digits.startswith("8"):
            # Many people drop the leading 0 of 08xx; libphonenumber would guess, we don't.
            text = "0" + digits
    try:
        number = phonenumbers.parse(text, _INDONESIA)
    except NumberParseException:
        return Invalid(N_("Nomor HP itu tidak dikenali, periksa lagi angkanya."))

    if number.country_code != _COUNTRY_CODE:
        return Invalid(
            N_("Itu nomor luar negeri (+{country_code}), kami perlu nomor HP Indonesia."),
            # parse() always sets country_code; the type stubs just declare it optional.
            {"country_code": number.country_code or 0},
        )
    national = str(number.national_number)
    if phonenumbers.is_valid_number(number):
        kind = phonenumbers.number_type(number)
        if kind == PhoneNumberType.MOBILE or (
            kind == PhoneNumberType.FIXED_LINE_OR_MOBILE and national.startswith("8")
        ):
            return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
        if kind == PhoneNumberType.FIXED_LINE:
            return Invalid(N_("Itu nomor telepon rumah/kantor, kami perlu nomor HP."))
        # Toll-free 0800, premium 0809, UAN 1500-xxx and the like.
        return Invalid(N_("Itu bukan nomor HP, kami perlu nomor HP Anda."))
    if national.startswith("8") and len(national) < _MOBILE_MIN_DIGITS:
        return Invalid(N_("Nomor HP terlalu pendek, ada angka yang kurang."))
    if national.startswith("8") and len(national) > _MOBILE_MAX_DIGITS:
        return Invalid(N_("Nomor HP terlalu panjang, ada angka yang lebih."))
    return Invalid(N_("Nomor HP itu tidak dikenali, periksa lagi angkanya."))


def _checked(raw: str) -> str | Invalid:
    """``raw`` trimmed with ASCII digits, if it only has what phone numbers are written with."""
    text = _ascii_digits(raw).strip()
    if not text:
        return Invalid(N_("Nomor HP belum diisi."))
    if _ALLOWED.fullmatch(text) is None:
        return Invalid(N_("Nomor HP hanya berisi angka, boleh diawali +."))
    return text


def normalize_mobile(raw: str) -> str | Invalid:
    """A typed Indonesian mobile number (08xx, +62, 62 or bare 8xx) as E.164 ``+628...``."""
    text = _checked(raw)
    if isinstance(text, Invalid):
        return text
    return _to_e164(text)


def contact_phone_to_e164(raw: str) -> str | Invalid:
    """A Telegram shared contact's number as E.164; digits without + are international."""
    text = _checked(raw)
    if isinstance(text, Invalid):
        return text
    # Telegram sends the account's own number as "6281234567890"; a contact picked from the
    # address book may still be in the local 08xx form, which normalize_mobile understands.
    if _is_international(text) or text.startswith("0"):
        return _to_e164(text)
    return _to_e164("+" + text)


def national_phone(e164: str) -> str:
    """``+6281234567890`` → ``0812-3456-7890``, the way Indonesians write their number."""
    number = phonenumbers.parse(e164)
    return str(phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.NATIONAL))
