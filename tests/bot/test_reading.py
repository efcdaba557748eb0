"""The reading pipeline's stages one by one (the corpus test reads whole answers)."""

from __future__ import annotations

from datetime import date

import pytest

from bot.income import IncomeReading, Period
from bot.messages import Button, Msg
from bot.number_words import spell_to_digits
from bot.officers.decisions import FIX_NOTES, REJECT_REASONS
from bot.reading.amounts import read_amount
from bot.reading.answers import read_birth_place, read_name, read_nik, read_summary
from bot.reading.buttons import choose
from bot.reading.intents import correction, is_later
from bot.reading.leadins import Kind, value_text
from bot.reading.normalise import said
from bot.reading.officers import REASON_WORDS, near_command, read_kpj, read_reason
from bot.reading.results import LATER, Ambiguous, Confirm, Correction, Value, Why
from bot.validation import Invalid

TODAY = date(2026, 12, 7)
ROW = (
    Button(Msg("Kirim"), "send", aliases=("kirim",), means=True),
    Button(Msg("Ubah"), "edit", means=False),
    Button(Msg("Batal"), "cancel"),
)


def test_words_have_keys_and_keep_their_place_in_the_text() -> None:
    heard = said("Iyaaa\u200b kak,  nik sy 3375.0301 👍 laki2 tdk")
    assert heard.keys == (
        "iya", "kak", "nik", "saya", "3375", "0301", "iya", "laki", "laki", "tidak"
    )  # fmt: skip
    assert heard.span(4, 6) == "3375.0301"


@pytest.mark.parametrize(
    ("typed", "keys"),
    [
        ("nggih", ("iya",)),
        ("sumuhun", ("iya",)),
        ("mboten", ("tidak",)),
        ("henteu", ("tidak",)),
        ("ntar", ("nanti",)),
        ("engke", ("nanti",)),
        ("kira2", ("kira", "kira")),
        ("emoh", ("tidak", "mau")),
        ("yg", ("yang",)),
        ("gk", ("tidak",)),
    ],
)
def test_regional_and_chat_forms_are_made_standard(typed: str, keys: tuple[str, ...]) -> None:
    assert said(typed).keys == keys


@pytest.mark.parametrize(
    ("kind", "typed", "value"),
    [
        (Kind.NIK, "ini nik sy 3375030107850003 kak", "3375030107850003"),
        (Kind.PHONE, "no hp 0821-3344-5566 ya", "0821-3344-5566"),
        (Kind.NAME, "Nama Saya Siti Aminah", "Siti Aminah"),
        (Kind.NAME, "halo kak, nama saya Lestari", "Lestari"),
        (Kind.NAME, "nama saya pak Slamet", "pak Slamet"),  # asked about, not cut
        (Kind.BIRTH_PLACE, "Di Klaten", "Klaten"),
        (Kind.HOME, "saya tinggal di sleman skrg", "sleman"),
        (Kind.BIRTH_DATE, "lahir tgl 17 agustus 85 pak", "17 agustus 85"),
        (Kind.NAME, "nama saya", ""),
    ],
)
def test_the_words_around_a_value_are_cut(kind: Kind, typed: str, value: str) -> None:
    assert value_text(said(typed), kind) == value


@pytest.mark.parametrize(
    ("typed", "later"),
    [
        ("ntar aja", True),
        ("besok ya", True),
        ("iya tapi nanti", True),
        ("jangan kirim dulu", True),
        ("nggak dulu", False),  # a no
        ("gak setuju dulu deh", False),  # a no for now
        ("gak usah dikirim dulu", True),
        ("iya", False),
        ("udah ga disitu, skrg di sleman", False),
    ],
)
def test_later_is_its_own_intent(typed: str, later: bool) -> None:
    assert is_later(said(typed)) is later


def test_a_button_that_acts_for_good_is_confirmed_unless_typed_exactly() -> None:
    assert choose("kirim ya kak", ROW, {"send"}) == Value("send")
    assert choose("kirim sekarang", ROW, {"send"}) == Confirm("send", Why.INEXACT)
    assert choose("kirim sekarang", ROW) == Value("send")


def test_two_buttons_named_are_asked_about_and_a_negation_undoes_one() -> None:
    assert choose("kirim atau batal", ROW) == Ambiguous(("send", "cancel"))
    assert choose("jangan kirim, batal aja", ROW) == Value("cancel")
    assert choose("jangan kirim dulu", ROW) == LATER


def test_a_number_is_a_choice_only_on_a_numbered_list_or_said_as_one() -> None:
    assert choose("2", ROW) is None
    assert choose("2", ROW, numbered=True) == Value("edit")
    assert choose("nomor 3", ROW) == Value("cancel")


def test_a_word_a_letter_off_a_buttons_own_word_is_confirmed() -> None:
    card = (Button(Msg("Setujui"), "ok"), Button(Msg("Tolak"), "no"))
    assert choose("setuju", card) == Confirm("ok", Why.INEXACT)
    assert choose("setujux", (*card, Button(Msg("Setujuy"), "other"))) is None  # as near


def test_a_question_about_the_question_is_not_an_answer() -> None:
    jht = (
        Button(Msg("Ya, ikut JHT"), "jht:yes", aliases=("ikut",), means=True),
        Button(Msg("Tidak"), "jht:no", means=False),
    )
    assert choose("jht itu apa", jht) is None
    assert choose("jht juga", jht) == Value("jht:yes")


def test_a_yes_with_a_hedge_is_a_yes() -> None:
    row = (Button(Msg("Ya"), "y", means=True), Button(Msg("Bukan"), "n", means=False))
    assert choose("iya kurang lebih", row) == Value("y")
    assert choose("nggak ya", row) == Value("n")  # "ya" typed as the tag particle
    assert choose("tidak iya", row) is None  # both
    assert choose("kurang lebih segitu", row) == Value("y")


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("antara 1 sampai 2 juta", Confirm(IncomeReading(1_500_000), Why.RANGE)),
        ("500rb - 1jt", Confirm(IncomeReading(750_000), Why.RANGE)),
        ("ga tentu, kira2 sejuta", Confirm(IncomeReading(1_000_000), Why.HEDGED)),
        ("biasanya sejutaan, pas panen 3jt", Confirm(IncomeReading(1_000_000), Why.USUAL)),
        ("rame 150 rb sehari, sepi 50", Confirm(IncomeReading(100_000, Period.DAY), Why.RANGE)),
        ("2,5 jt an", Value(IncomeReading(2_500_000))),
        ("kurang lebih 1jt", Value(IncomeReading(1_000_000))),
    ],
)
def test_amounts_as_people_say_them(
    typed: str, expected: Value[IncomeReading] | Confirm[IncomeReading]
) -> None:
    assert read_amount(typed) == expected


def test_no_amount_keeps_the_income_parsers_refusal() -> None:
    refused = read_amount("tidak tentu")
    assert isinstance(refused, Invalid) and "rata-ratanya" in refused.msgid


def test_about_one_of_a_scale_is_spelled_in_digits() -> None:
    assert spell_to_digits("biasanya sejutaan") == "biasanya 1 jutaan"
    assert spell_to_digits("seribuan") == "1 ribuan"


def test_corrections_name_the_field_and_the_new_value() -> None:
    fields = ("name", "phone", "address", "birth_date", "birth_place", "sex")
    assert correction(said("namanya salah"), fields) == Correction("name")
    assert correction(said("ganti nomor hp jadi 0812 3344 5566 ya"), fields) == Correction(
        "phone", "0812 3344 5566"
    )
    assert correction(said("kirim ke nomor hp saya ya"), fields) is None  # no change asked
    assert read_summary("alamat salah", ROW) == Correction("address")
    but = said("tanggalnya benar tapi saya perempuan")
    assert correction(but, fields, marked=True) == Correction("sex", "perempuan")
    assert correction(but, fields) is None  # at the summary: nothing said to be wrong
    # A negation ends with its clause: "bukan," is the no, then the right answer.
    assert correction(said("bukan, saya laki laki"), fields, marked=True) == Correction(
        "sex", "laki laki"
    )
    assert correction(said("nama kurang lengkap"), fields) == Correction("name")


def test_an_honorific_before_a_name_is_asked_about() -> None:
    assert read_name("pak slamet") == Ambiguous(("Slamet", "Pak Slamet"))
    assert read_name("Nama Saya Siti Aminah") == Value("Siti Aminah")


def test_the_date_after_a_birthplace_is_not_part_of_it() -> None:
    assert read_birth_place("lahir di klaten, 17-08-1985") == Value("Klaten")
    assert read_birth_place("saya lahir di Tegal tahun 1980") == Value("Tegal")


def test_two_valid_niks_are_asked_about() -> None:
    found = read_nik("3375030107850003 atau 3401024512790002", TODAY)
    assert isinstance(found, Ambiguous) and len(found.choices) == 2


def test_every_preset_reason_has_words() -> None:
    assert set(REASON_WORDS) == {*REJECT_REASONS, *FIX_NOTES}


def test_an_officers_reason_is_matched_to_the_closest_preset() -> None:
    assert read_reason("sudah terdaftar", REJECT_REASONS) == Confirm(2, Why.CLOSEST)
    assert read_reason(REJECT_REASONS[2], REJECT_REASONS) == Value(2)
    assert read_reason("pindah domisili", REJECT_REASONS) is None


def test_near_commands_are_offered() -> None:
    known = ("setujui", "tolak", "antrean")
    assert near_command("/setuju", known) == Confirm("setujui", Why.CLOSEST)
    assert near_command("/tolak", known) == Value("tolak")
    assert near_command("/xyz", known) is None
    assert near_command("/ab", ("abc", "abd")) == Ambiguous(("abc", "abd"))


def test_a_kpj_is_checked_after_its_lead_in_is_cut() -> None:
    seen: list[str] = []

    def check(typed: str) -> str:
        seen.append(typed)
        return typed.replace(" ", "")

    assert read_kpj("no kpj: 123 4567 8901", check) == Value("12345678901")
    assert seen == ["123 4567 8901"]
