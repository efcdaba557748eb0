"""The NIK (Nomor Induk Kependudukan): cleaning, structural checks and the data it encodes."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date

from bot.dates import resolve_two_digit_year
from bot.domain import Sex
from bot.i18n import N_
from bot.regions import PROVINCES
from bot.validation import Invalid

NIK_LENGTH = 16
# Women's NIKs carry the birth day plus 40 (41..71).
_FEMALE_DAY_OFFSET = 40

# People copy NIKs from photos, PDFs and chats, so groups come separated by all kinds of
# spaces (NBSP, tabs, zero-width) and dashes; these never change the meaning.
_SEPARATORS = re.compile(r"[\s.\-\u2010-\u2015\u200b\u2060\ufeff]+")
_ASCII_DIGITS = re.compile(r"[0-9]*")


@dataclass(frozen=True)
class NikInfo:
    """A structurally valid NIK and what it says about its holder."""

    nik: str
    province_code: str
    regency_code: str
    district_code: str
    birth_date: date
    sex: Sex
    serial: str


def clean_digits(raw: str) -> str:
    """``raw`` without spaces, dots and dashes, other-script digits turned into ASCII."""
    stripped = _SEPARATORS.sub("", raw)
    # Phone keyboards set to Arabic or full-width input send digits that are not ASCII.
    return "".join(
        str(unicodedata.decimal(ch)) if ch.isdecimal() and not ch.isascii() else ch
        for ch in stripped
    )


def parse_nik(raw: str, today: date) -> NikInfo | Invalid:
    """Check a typed NIK's structure and decode its region, birth date, sex and serial."""
    nik = clean_digits(raw)
    if _ASCII_DIGITS.fullmatch(nik) is None:
        return Invalid(N_("NIK hanya berisi angka, tanpa huruf atau tanda lain."))
    if len(nik) != NIK_LENGTH:
        return Invalid(
            N_("NIK harus 16 angka, yang Anda kirim {count} angka."), {"count": len(nik)}
        )
    province = nik[0:2]
    if province not in PROVINCES:
        return Invalid(N_("Kode provinsi {code} di awal NIK tidak dikenal."), {"code": province})
    if nik[2:4] == "00":
        return Invalid(N_("Kode kabupaten/kota di NIK (angka ke-3 dan ke-4) tidak boleh 00."))
    if nik[4:6] == "00":
        return Invalid(N_("Kode kecamatan di NIK (angka ke-5 dan ke-6) tidak boleh 00."))

    birth_digits = nik[6:12]
    coded_day, month, yy = int(nik[6:8]), int(nik[8:10]), int(nik[10:12])
    sex = Sex.FEMALE if coded_day > _FEMALE_DAY_OFFSET else Sex.MALE
    day = coded_day - _FEMALE_DAY_OFFSET if sex is Sex.FEMALE else coded_day
    bad_date = Invalid(
        N_("Tanggal lahir di NIK ({digits}) bukan tanggal yang benar."), {"digits": birth_digits}
    )
    # Days 32..40 fit neither a man's (1..31) nor a woman's (41..71) coding.
    if not 1 <= day <= 31 or not 1 <= month <= 12:
        return bad_date
    try:
        birth_date = date(resolve_two_digit_year(yy, month, day, today), month, day)
    except ValueError:
        return bad_date

    serial = nik[12:16]
    if serial == "0000":
        return Invalid(N_("Empat angka terakhir NIK tidak boleh 0000."))
    return NikInfo(
        nik=nik,
        province_code=province,
        regency_code=nik[0:4],
        district_code=nik[0:6],
        birth_date=birth_date,
        sex=sex,
        serial=serial,
    )
