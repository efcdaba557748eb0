"""Scripted workers for the registration run: valid unique NIKs and a realistic mix of answers.

Each worker answers every question of a full registration the way people do: some type a NIK
with a typo first, some write their income in words the bot cannot read, some correct the birth
date read from the NIK ("Ubah"), some type a button's label instead of tapping it, some share
their contact and others type the number, some live elsewhere than their NIK says. Every answer
is checked here with the bot's own validators, so a script never depends on luck.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

from offline import UpdateJson

from bot.contribution import sector_question_matters
from bot.fields import OCCUPATIONS, OTHER_OCCUPATION
from bot.flow.questions.work import INCOME_CHOICES
from bot.income import Period, parse_income, read_income
from bot.nik import NikInfo, parse_nik
from bot.occupations import read_occupation
from bot.phone import normalize_mobile
from bot.places import match_home
from bot.regions import PAPUA_PROVINCES, all_regions, region_by_code
from bot.sectors import sector_of
from bot.text import clean_address, clean_name, clean_place
from bot.validation import Invalid

TODAY = datetime.now(UTC).date()
FIRST = date(1960, 1, 1)
LAST = date(2005, 12, 31)  # everyone is at least 20
MONTHS = (
    "Januari Februari Maret April Mei Juni Juli Agustus September Oktober November Desember"
).split()
FIRST_NAMES = (
    "Sri Budi Siti Agus Dewi Joko Wahyu Endang Slamet Rina Bambang Yuni Eko Ratna Hadi Nur"
    " Sutrisno Wulan Suparman Lestari Bayu Tini Dedi Kartini Rudi Ayu Iwan Sumarni Teguh Indah"
).split()
LAST_NAMES = (
    "Wahyuni Santoso Rahayu Susanto Lestari Prasetyo Hidayat Wibowo Sulistyowati Kurniawan"
    " Setiawan Handayani Saputra Purnomo Nugroho Maryati Siregar Nasution Pangaribuan Daeng"
).split()
PLACES = (
    "Kulon Progo",
    "Bantul",
    "Gunungkidul",
    "Sleman",
    "Yogyakarta",
    "Klaten",
    "Semarang",
    "Surabaya",
    "Medan",
    "Denpasar",
    "Magelang",
    "Banyumas",
)
STREETS = ("Dusun Krebet", "Jl. Kaliurang Km 7", "Gang Mawar No. 3", "Dukuh Ngentak", "Jl. Wates")
VILLAGES = ("Sendangsari", "Caturtunggal", "Bangunjiwo", "Sidoarum", "Wijirejo", "Trimulyo")
# Kabupaten/kota as people type them; some resolve at once, some come back as buttons.
HOMES = (
    "Sleman",
    "kab bantul",
    "Kota Yogyakarta",
    "jogja",
    "Semarang kota",
    "Gunung Kidul",
    "solo",
    "Kabupaten Banyumas",
    "purwokerto",
    "Kota Bandung",
    "jaksel",
    "Kota Surabaya",
    "Sidoarjo",
    "Kab. Malang",
    "Magelang",
    "Klaten",
    "Slemn",
    "Kulonprogo",
)
MOBILE_PREFIXES = (
    "811",
    "812",
    "813",
    "821",
    "822",
    "852",
    "853",
    "857",
    "858",
    "877",
    "878",
    "896",
)
TYPED_INCOMES = ("1,5 juta", "Rp 2.000.000", "800 ribu", "2 jt", "Rp1.750.000", "3 juta")
UNREADABLE_INCOMES = ("banyak", "tidak tentu", "lumayan", "tergantung musim")
OTHER_WORK = ("kusir dokar", "penjahit", "tukang cukur", "pemulung", "penjual bakso keliling")
OCCUPATION_LABELS = ("nelayan", "Petani", "tukang becak", "Ojek", "pedagang", "Buruh harian")


@dataclass(frozen=True)
class Act:
    """One thing a worker does: type a text, tap a button, or share their contact."""

    kind: str  # "text" | "press" | "contact"
    value: str


@dataclass
class Worker:
    """One Telegram account registering itself, and the NIK it ends up submitting."""

    user_id: int
    lang: str
    nik: str = ""
    acts: list[Act] = field(default_factory=list)

    def updates(self, build: UpdateJson) -> list[dict[str, Any]]:
        """The worker's acts as Telegram updates."""
        makers = {"text": build.text, "press": build.press, "contact": build.contact}
        return [makers[act.kind](self.user_id, act.value, self.lang) for act in self.acts]


class Script:
    """Writes one worker's acts, drawing choices from a seeded random generator."""

    def __init__(self, worker: Worker, rng: random.Random) -> None:
        self.worker = worker
        self.rng = rng

    def chance(self, probability: float) -> bool:
        return self.rng.random() < probability

    def text(self, value: str) -> None:
        self.worker.acts.append(Act("text", value))

    def press(self, data: str) -> None:
        self.worker.acts.append(Act("press", data))

    def contact(self, phone: str) -> None:
        self.worker.acts.append(Act("contact", phone))

    def tap_or_type(self, data: str, label: str, typed: float = 0.2) -> None:
        """Tap a button, or (sometimes) type its label instead."""
        if self.chance(typed):
            self.text(label)
        else:
            self.press(data)


# --- data that passes (or, on purpose, fails) the bot's validators --------------------------------


def regency_codes() -> list[str]:
    """NIK prefixes of existing kabupaten/kota outside Papua (where the NIK suggests home)."""
    return [r.regency_code for r in all_regions() if r.province_code not in PAPUA_PROVINCES]


def new_nik(rng: random.Random, regencies: list[str], used: set[str]) -> NikInfo:
    """A structurally valid NIK never handed out before in this run."""
    while True:
        born = FIRST + timedelta(days=rng.randrange((LAST - FIRST).days + 1))
        day = born.day + (40 if rng.random() < 0.5 else 0)
        nik = (
            f"{rng.choice(regencies)}{rng.randint(1, 20):02d}"
            f"{day:02d}{born.month:02d}{born.year % 100:02d}{rng.randint(1, 9999):04d}"
        )
        info = parse_nik(nik, TODAY)
        if nik not in used and not isinstance(info, Invalid):
            used.add(nik)
            return info


def nik_typo(rng: random.Random, nik: str) -> str:
    """A NIK the bot must refuse: a digit missing or extra, a letter O for 0, day 35."""
    position = rng.randrange(16)
    typos = (
        nik[:position] + nik[position + 1 :],
        nik + str(rng.randint(0, 9)),
        nik[:position] + "O" + nik[position + 1 :],
        nik[:6] + "35" + nik[8:],
    )
    typo = rng.choice(typos)
    assert isinstance(parse_nik(typo, TODAY), Invalid), typo
    return typo


def nik_as_typed(rng: random.Random, nik: str) -> str:
    """The NIK plain, in groups of four, or with the dots of a photocopied KTP."""
    return rng.choice(
        (
            nik,
            nik,
            " ".join(nik[i : i + 4] for i in range(0, 16, 4)),
            f"{nik[:2]}.{nik[2:4]}.{nik[4:6]}.{nik[6:12]}.{nik[12:]}",
        )
    )


def birth_date_text(rng: random.Random, born: date) -> str:
    """A date as people type it."""
    if rng.random() < 0.5:
        return f"{born.day:02d}-{born.month:02d}-{born.year}"
    return f"{born.day} {MONTHS[born.month - 1]} {born.year}"


def full_name(rng: random.Random) -> str:
    name = f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}"
    assert not isinstance(clean_name(name), Invalid), name
    return name.lower() if rng.random() < 0.1 else name


def mobile(rng: random.Random) -> str:
    """A national mobile number without the leading 0: 8xx plus 7 or 8 digits."""
    tail = "".join(str(rng.randint(0, 9)) for _ in range(rng.choice((7, 8))))
    return rng.choice(MOBILE_PREFIXES) + tail


def typed_phone(rng: random.Random, national: str) -> str:
    """The number in one of the ways people write it."""
    groups = f"{national[:3]} {national[3:7]} {national[7:]}"
    dashed = f"0{national[:3]}-{national[3:7]}-{national[7:]}"
    typed = rng.choice(
        (f"0{national}", dashed, f"+62 {groups}", f"62{national}", groups, f"0{groups}")
    )
    assert not isinstance(normalize_mobile(typed), Invalid), typed
    return typed


def address(rng: random.Random) -> str:
    text = (
        f"{rng.choice(STREETS)} RT {rng.randint(1, 12):02d} RW {rng.randint(1, 9):02d},"
        f" {rng.choice(VILLAGES)}"
    )
    assert not isinstance(clean_address(text), Invalid), text
    return text


# --- one function per question ----------------------------------------------------------------


def answer_nik(s: Script, info: NikInfo) -> None:
    if s.chance(0.3):
        s.text(nik_typo(s.rng, info.nik))
    s.text(nik_as_typed(s.rng, info.nik))


def answer_nik_confirm(s: Script, info: NikInfo) -> None:
    """Mostly 'Benar'; some choose 'Ubah' and type their date (sometimes another) and sex."""
    if not s.chance(0.15):
        s.tap_or_type("nikok:yes", s.rng.choice(("Benar", "benar", "ya")), typed=0.12)
        return
    s.tap_or_type("nikok:no", "Ubah", typed=0.3)
    born = info.birth_date
    if s.chance(0.4):  # the NIK's date is wrong: kept and flagged for the officer
        born = born.replace(year=born.year - 1) if born.month != 2 else born
    s.text(birth_date_text(s.rng, born))
    sex = "P" if info.sex.value == "P" else "L"
    s.tap_or_type(f"sex:{sex}", "perempuan" if sex == "P" else "laki-laki", typed=0.3)


def answer_name(s: Script) -> None:
    if s.chance(0.05):
        s.text(f"{s.rng.choice(FIRST_NAMES)} 2")  # digits are refused
    s.text(full_name(s.rng))


def answer_birth_place(s: Script) -> None:
    place = s.rng.choice(PLACES)
    assert not isinstance(clean_place(place), Invalid), place
    s.text(place)


def answer_phone(s: Script) -> None:
    """The contact button, or typed (after a landline first, for some)."""
    national = mobile(s.rng)
    if s.chance(0.45):
        s.contact(("+62" if s.chance(0.5) else "62") + national)
        return
    if s.chance(0.15):
        s.text("0274 512345")  # a landline: refused, a mobile number is needed
    s.text(typed_phone(s.rng, national))


def answer_home_name(s: Script, typed: str, nik: str) -> None:
    """A typed kabupaten: an exact name is taken; a town or a near spelling is confirmed with
    "Ya" (its button carries the region), several come back as buttons and the first is tapped."""
    s.text(typed)
    region = region_by_code(nik[:4])
    found = match_home(typed, region.code if region else None)
    if found.regions and not found.sure:
        s.press(f"home:{found.regions[0].code}")
    elif not found.regions:
        s.text("Sleman")


def answer_home(s: Script, nik: str) -> None:
    """'Ya' on the reply keyboard, or moved: 'Tidak, pindah' and a name, or just the name."""
    roll = s.rng.random()
    if roll < 0.6:
        s.text("Ya")
        return
    if roll < 0.8:
        s.text("Tidak, pindah")
    answer_home_name(s, s.rng.choice(HOMES), nik)


def answer_address(s: Script) -> None:
    if s.chance(0.05):
        s.text("rt 2")  # too short
    s.text(address(s.rng))


def answer_occupation(s: Script) -> None:
    """A button, its label typed, 'Lainnya' and the work typed, or the work typed at once (read
    as a button or a known trade, or else confirmed as 'Lainnya' with a tap); then the sector
    question where the bot asks it."""
    roll = s.rng.random()
    if roll < 0.6:
        key = s.rng.choice(list(OCCUPATIONS))
        s.press(f"occ:{key}")
        answer_sector(s, key, None)
        return
    if roll < 0.75:
        label = s.rng.choice(OCCUPATION_LABELS)
        s.text(label)
        answer_sector(s, read_occupation(label).key, None)
        return
    if roll < 0.9:
        s.press("occ:lainnya")
    work = s.rng.choice(OTHER_WORK)
    s.text(work)
    reading = read_occupation(work)
    if reading.key is None and reading.trade is None and roll >= 0.9:
        s.press("occok:yes")  # work not in the list, kept as "Lainnya" with a tap
    answer_sector(s, reading.key or OTHER_OCCUPATION, reading.trade or work)


def answer_sector(s: Script, key: str | None, other: str | None) -> None:
    """'Bukan' to "do you carry people or goods?" when the bot asks it (the sector is unknown
    and still changes the amount)."""
    if sector_of(key, other) is None and sector_question_matters(TODAY):
        s.tap_or_type("sector:no", "bukan", typed=0.3)


def answer_income(s: Script) -> None:
    if s.chance(0.2):
        wrong = s.rng.choice(UNREADABLE_INCOMES)
        assert isinstance(parse_income(wrong), Invalid), wrong
        s.text(wrong)
    if s.chance(0.55):
        s.press(f"inc:{s.rng.choice(INCOME_CHOICES)}")
        return
    typed = s.rng.choice(TYPED_INCOMES)
    reading = read_income(typed)
    assert not isinstance(reading, Invalid), typed
    s.text(typed)
    if reading.period is not Period.MONTH:
        s.tap_or_type("inccf:yes", "iya", typed=0.5)  # a day's income confirmed as a month's


def answer_jht(s: Script) -> None:
    yes = s.chance(0.3)
    s.tap_or_type("jht:yes" if yes else "jht:no", "ya" if yes else "tidak", typed=0.35)


def answer_summary(s: Script) -> None:
    """Kirim; some first change an answer through 'Ubah' and come back to the summary."""
    if s.chance(0.1):
        s.press("sum:edit")
        field_name = s.rng.choice(("name", "address", "income"))
        s.press(f"edit:{field_name}")
        {"name": answer_name, "address": answer_address, "income": answer_income}[field_name](s)
    s.tap_or_type("sum:send", "kirim", typed=0.05)


def script(worker: Worker, info: NikInfo, rng: random.Random) -> None:
    """A full registration, /start to Kirim."""
    s = Script(worker, rng)
    s.text("/start")
    s.tap_or_type("consent:yes", "setuju", typed=0.1)
    answer_nik(s, info)
    answer_nik_confirm(s, info)
    if s.chance(0.05):
        s.text("/bantuan")  # help mid-way: answered, then the pending question again
    answer_name(s)
    answer_birth_place(s)
    answer_phone(s)
    answer_home(s, info.nik)
    answer_address(s)
    answer_occupation(s)
    answer_income(s)
    answer_jht(s)
    answer_summary(s)


def make_workers(count: int, seed: int = 2026, first_user_id: int = 100_000) -> list[Worker]:
    """``count`` workers with unique NIKs and their scripts, the same for a given seed."""
    rng = random.Random(seed)
    regencies = regency_codes()
    used: set[str] = set()
    workers = []
    for number in range(count):
        info = new_nik(rng, regencies, used)
        worker = Worker(first_user_id + number, "en" if rng.random() < 0.1 else "id", info.nik)
        script(worker, info, rng)
        workers.append(worker)
    return workers
