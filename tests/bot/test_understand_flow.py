"""Every question of the pure flow takes everyday answers: yes and no in many forms on every
yes/no question, a day's income and a kecamatan confirmed with a tap, an occupation in words,
and the new confirmation steps live with the rest (progress, commands, resuming, the summary)."""

from __future__ import annotations

import json
from collections.abc import Hashable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from bot.branches import load_branches
from bot.domain import Erasure, SubmissionDraft, SubmitResult
from bot.flow.context import Context, FlowConfig, Outcome
from bot.flow.engine import step
from bot.flow.events import Command, Incoming, Press, Text
from bot.flow.needs import Need, Submit
from bot.flow.questions import REGISTRY
from bot.flow.state import Conversation, Step
from bot.render import PLAIN, render_msg, render_text
from bot.sectors import Sector

NOW = datetime(2026, 11, 23, 3, 0, tzinfo=UTC)
NIK = "3401021203790001"  # a man born 12 March 1979, NIK from Kab. Kulon Progo (34.01)
CONFIG = FlowConfig(branches=load_branches())


@dataclass
class Worker:
    """One worker on the pure flow, on a fixed day; ``said`` is the text of the last answer."""

    sender_phone: str | None = None
    now: datetime = NOW
    conv: Conversation = field(default_factory=Conversation)
    drafts: list[SubmissionDraft] = field(default_factory=list)
    said: str = ""
    outcome: Outcome | None = None

    def at(self) -> str:
        return self.conv.step

    def resolve(self, need: Need[Any]) -> Any:
        if isinstance(need, Submit):
            self.drafts.append(need.draft)
            return SubmitResult("BPU-2026-000001")
        return Erasure((), ()) if type(need).__name__ == "Erase" else None

    def send(self, event: Incoming | str) -> str:
        if isinstance(event, str):
            event = Text(event)
        facts: dict[Hashable, Any] = {}
        while True:
            ctx = Context(now=self.now, facts=facts, config=CONFIG, sender_phone=self.sender_phone)
            result = step(self.conv, event, ctx)
            if isinstance(result, Outcome):
                self.outcome = result
                self.conv = result.conv.touched(self.now)
                self.said = "\n\n".join(
                    "\n".join(
                        [
                            render_text(r, "id", PLAIN),
                            *(render_msg(b.text, "id", PLAIN) for b in r.all_buttons),
                        ]
                    )
                    for r in result.replies
                )
                return self.said
            facts[result.key] = self.resolve(result)

    def walk(self, *answers: Incoming | str) -> Worker:
        for answer in answers:
            self.send(answer)
        return self

    def to(self, target: Step) -> Worker:
        """Answer plainly (taps) until ``target`` is pending."""
        plain: list[Incoming | str] = [
            Command("start"),
            Press("consent:yes"),
            NIK,
            Press("nikok:yes"),
            "Sarjono",
            "Bantul",
            "0812 3456 7890",
            Press("home:yes"),
            "Dusun Krebet RT 02",
            Press("occ:becak"),
            Press("inc:1000000"),
            Press("jht:no"),
        ]
        if target is Step.HOME:
            return self.to(Step.HOME_CONFIRM).walk(Press("home:no"))
        for answer in plain:
            if self.at() is target:
                return self
            self.send(answer)
        assert self.at() is target, self.at()
        return self

    def ack(self) -> str:
        """The tapped (or understood) choice echoed at the top of the next message."""
        assert self.outcome is not None and self.outcome.ack is not None
        return render_msg(self.outcome.ack, "id", PLAIN)


def test_the_consent_takes_a_polite_yes_and_a_plain_no() -> None:
    assert Worker().walk(Command("start"), "iya pak, setuju").at() is Step.NIK
    refused = Worker().walk(Command("start"), "tidak mau")
    assert refused.at() is Step.IDLE and "tidak ada data Anda yang kami simpan" in refused.said


@pytest.mark.parametrize(
    ("target", "typed", "then"),
    [
        (Step.NIK_CONFIRM, "bener", Step.NAME),
        (Step.NIK_CONFIRM, "betul pak", Step.NAME),
        (Step.NIK_CONFIRM, "salah", Step.BIRTH_DATE),
        (Step.NIK_CONFIRM, "bukan", Step.BIRTH_DATE),
        (Step.HOME_CONFIRM, "iya", Step.ADDRESS),
        (Step.HOME_CONFIRM, "masih bu", Step.ADDRESS),
        (Step.HOME_CONFIRM, "gak", Step.HOME),
        (Step.HOME_CONFIRM, "sudah pindah", Step.HOME),
        (Step.JHT, "gak", Step.SUMMARY),
        (Step.JHT, "ikut", Step.SUMMARY),
        (Step.SUMMARY, "sip", Step.SUMMARY),  # Kirim acts for good: "Maksud Anda Kirim?"
        (Step.SUMMARY, "sudah benar semua", Step.SUMMARY),
        (Step.SUMMARY, "belum", Step.EDIT_PICK),
    ],
)
def test_every_yes_no_question_takes_everyday_words(target: Step, typed: str, then: Step) -> None:
    worker = Worker().to(target)
    worker.send(typed)
    assert worker.at() is then
    assert worker.conv.tries == 0


def test_a_yes_in_words_to_a_final_button_is_confirmed_once() -> None:
    worker = Worker().to(Step.SUMMARY).walk("sip")
    assert "Maksud Anda Kirim?" in worker.said and worker.conv.reference is None
    assert worker.walk("ya").at() is Step.DONE
    kept = Worker().to(Step.SUMMARY).walk("sudah benar semua", "bukan")
    assert kept.at() is Step.SUMMARY and "Maksud Anda" not in kept.said


def test_jht_answers_are_kept_as_read() -> None:
    assert Worker().to(Step.JHT).walk("ikut dong").conv.answers.jht is True
    assert Worker().to(Step.JHT).walk("nggak").conv.answers.jht is False
    assert Worker().to(Step.JHT).walk("tidak ikut").conv.answers.jht is False


def test_the_cancel_question_takes_yes_and_no_and_lanjut_never_cancels() -> None:
    kept = Worker().to(Step.ADDRESS).walk(Command("batal"), "gak jadi")
    assert kept.at() is Step.ADDRESS and kept.conv.answers.name == "Sarjono"
    going_on = Worker().to(Step.ADDRESS).walk(Command("batal"), "lanjut")
    assert going_on.at() is Step.ADDRESS
    cancelled = Worker().to(Step.ADDRESS).walk(Command("batal"), "iya")
    assert cancelled.at() is Step.CONFIRM_CANCEL and "Maksud Anda Ya, batalkan?" in cancelled.said
    cancelled.send("iya")
    assert cancelled.at() is Step.IDLE and cancelled.conv.answers.name is None


def test_the_phone_number_from_the_channel_takes_a_typed_yes_or_no() -> None:
    worker = Worker(sender_phone="+6281234567890").to(Step.PHONE)
    assert "Nomor HP Anda" in worker.said or worker.at() is Step.PHONE
    worker.send("iya betul")
    assert worker.at() is Step.HOME_CONFIRM and worker.conv.answers.phone == "+6281234567890"
    other = Worker(sender_phone="+6281234567890").to(Step.PHONE).walk("bukan")
    assert other.at() is Step.PHONE and other.conv.phone_typed


def test_the_sector_question_takes_a_typed_yes() -> None:
    worker = Worker().to(Step.OCCUPATION).walk(Press("occ:lainnya"), "serabutan")
    assert worker.at() is Step.SECTOR
    worker.send("iya pak")
    assert worker.at() is Step.INCOME and worker.conv.answers.sector is Sector.TRANSPORT


@pytest.mark.parametrize(
    ("target", "typed"),
    [(Step.NIK_CONFIRM, "ya tidak"), (Step.JHT, "iya gak"), (Step.SUMMARY, "ok tidak")],
)
def test_yes_and_no_at_once_is_asked_again_saying_so(target: Step, typed: str) -> None:
    worker = Worker().to(target)
    worker.send(typed)
    assert worker.at() is target
    assert f"“{typed}” berisi ya dan tidak sekaligus" in worker.said


def test_an_unclear_answer_is_shown_back() -> None:
    worker = Worker().to(Step.JHT).walk("tidak tahu")
    assert worker.at() is Step.JHT
    assert "“tidak tahu” belum jelas bagi kami: ya atau tidak?" in worker.said


# --- income per day or week -----------------------------------------------------------------


def test_a_days_income_is_confirmed_as_a_months() -> None:
    worker = Worker().to(Step.INCOME).walk("50rb sehari")
    assert worker.at() is Step.INCOME_CONFIRM
    assert "Langkah 9 dari 11" in worker.said
    assert "Rp50.000 sehari ≈ Rp1.300.000 sebulan (26 hari kerja). Benar?" in worker.said
    assert worker.conv.answers.income is None  # nothing kept before the tap
    worker.send("iya")
    assert worker.at() is Step.JHT and worker.conv.answers.income == 1_300_000
    assert worker.conv.pending_income is None and worker.conv.pending_period is None


def test_a_weeks_income_says_four_weeks() -> None:
    worker = Worker().to(Step.INCOME).walk("300 ribu seminggu")
    assert "Rp300.000 seminggu ≈ Rp1.200.000 sebulan (4 minggu). Benar?" in worker.said
    worker.send(Press("inccf:yes"))
    assert worker.conv.answers.income == 1_200_000


def test_bukan_asks_the_income_again_and_a_new_amount_is_an_answer() -> None:
    worker = Worker().to(Step.INCOME).walk("50rb sehari", "bukan")
    assert worker.at() is Step.INCOME and worker.conv.answers.income is None
    worker.walk("100rb/hari", "2 juta")  # a typed amount on the confirmation: a new answer
    assert worker.at() is Step.JHT and worker.conv.answers.income == 2_000_000


def test_an_income_in_words_is_said_back_in_the_next_message() -> None:
    worker = Worker().to(Step.INCOME).walk("satu setengah juta")
    assert worker.at() is Step.JHT and worker.conv.answers.income == 1_500_000
    assert "Kami baca: Rp1.500.000 sebulan." in worker.said


def test_a_bare_number_is_refused_saying_what_was_read() -> None:
    worker = Worker().to(Step.INCOME).walk("50")
    assert worker.at() is Step.INCOME
    assert "Kami membaca 50 saja, tanpa “ribu” atau “juta”." in worker.said
    assert "Rp1.000.000 · iuran" in worker.said  # the bracket buttons come with it


def test_editing_the_income_from_the_summary_returns_there_through_the_confirmation() -> None:
    worker = Worker().to(Step.SUMMARY).walk(Press("sum:edit"), Press("edit:income"))
    worker.walk("75 ribu per hari")
    assert worker.at() is Step.INCOME_CONFIRM
    worker.send("ya")
    assert worker.at() is Step.SUMMARY and worker.conv.answers.income == 1_950_000


def test_a_command_on_a_confirmation_asks_it_again() -> None:
    worker = Worker().to(Step.INCOME).walk("50rb sehari")
    worker.send(Command("bantuan"))
    assert worker.at() is Step.INCOME_CONFIRM and "Rp50.000 sehari" in worker.said
    worker.send(Command("batal"))
    worker.send("tidak")
    assert worker.at() is Step.INCOME_CONFIRM and "Rp50.000 sehari" in worker.said
    worker.send("iya")
    assert worker.conv.answers.income == 1_300_000


def test_a_confirmation_left_for_a_day_is_resumed() -> None:
    worker = Worker().to(Step.INCOME).walk("50rb sehari")
    worker.now = NOW + timedelta(days=1)
    worker.send("halo")
    assert "Selamat datang kembali" in worker.said and "Rp50.000 sehari" in worker.said
    worker.send(Press("inccf:yes"))
    assert worker.conv.answers.income == 1_300_000


# --- home from a kecamatan or a town --------------------------------------------------------


def test_a_kecamatan_in_several_kabupaten_comes_back_as_buttons_nik_province_first() -> None:
    worker = Worker().to(Step.HOME_CONFIRM).walk("wates")
    assert worker.at() is Step.HOME
    assert "Wates ada di beberapa kabupaten/kota" in worker.said
    buttons = [b.data for b in worker.outcome.replies[0].all_buttons]  # type: ignore[union-attr]
    assert buttons == ["home:34.01", "home:35.05", "home:35.06"]
    worker.send(Press("home:34.01"))
    assert worker.at() is Step.ADDRESS and worker.conv.answers.home_code == "34.01"
    assert worker.conv.home_candidates == [] and worker.conv.home_place is None


def test_a_town_is_confirmed_with_a_tap() -> None:
    worker = Worker().to(Step.HOME).walk("Wamena")
    assert "Wamena ada di Kab. Jayawijaya. Benar?" in worker.said
    assert "Langkah 6 dari 11" in worker.said  # the confirmation is not a step of its own
    assert worker.at() is Step.HOME and worker.conv.answers.home_code is None
    worker.send("iya")
    assert worker.at() is Step.ADDRESS and worker.conv.answers.home_code == "95.01"


def test_a_near_spelling_is_confirmed_and_bukan_asks_again() -> None:
    worker = Worker().to(Step.HOME).walk("Slemn")
    assert "Maksud Anda Kab. Sleman?" in worker.said
    worker.send("bukan")
    assert worker.at() is Step.HOME and worker.conv.home_candidates == []
    assert "Di kabupaten atau kota mana" in worker.said
    worker.send("kab kulon progo")  # an exact name: no question
    assert worker.at() is Step.ADDRESS and worker.conv.answers.home_code == "34.01"


def test_an_exact_name_is_taken_without_a_confirmation() -> None:
    for typed in ("Kulon Progo", "kab kulon progo", "kulonprogo", "Sleman", "jogja"):
        worker = Worker().to(Step.HOME_CONFIRM).walk(typed)
        assert worker.at() is Step.ADDRESS, typed


# --- occupation in words --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "key", "ack"),
    [
        ("narik becak", "becak", "Tukang becak"),
        ("melaut", "nelayan", "Nelayan"),
        ("ngojek pak", "ojek", "Pengemudi ojek"),
        ("jualan sayur", "pedagang", "Pedagang"),
        ("nyawah", "petani", "Petani"),
    ],
)
def test_an_occupation_in_words_takes_its_button(typed: str, key: str, ack: str) -> None:
    worker = Worker().to(Step.OCCUPATION).walk(typed)
    assert worker.at() is Step.INCOME and worker.conv.answers.occupation == key
    assert worker.ack() == ack


def test_a_known_trade_without_a_button_is_kept_as_lainnya() -> None:
    worker = Worker().to(Step.OCCUPATION).walk("mbatik")
    assert worker.conv.answers.occupation == "lainnya"
    assert worker.conv.answers.occupation_other == "Pembatik"
    assert worker.ack() == "Lainnya: Pembatik"


def test_other_work_is_confirmed_as_lainnya_with_a_tap() -> None:
    worker = Worker().to(Step.OCCUPATION).walk("juru kunci makam")
    assert worker.at() is Step.OCCUPATION_CONFIRM and "Langkah 8 dari 11" in worker.said
    assert "Lainnya: “juru kunci makam”. Benar?" in worker.said
    worker.send("iya")
    assert worker.conv.answers.occupation_other == "juru kunci makam"
    back = Worker().to(Step.OCCUPATION).walk("juru kunci makam", "bukan")
    assert back.at() is Step.OCCUPATION and back.conv.answers.occupation is None


def test_gibberish_is_not_an_occupation() -> None:
    worker = Worker().to(Step.OCCUPATION).walk("asdfgh")
    assert worker.at() is Step.OCCUPATION
    assert "“asdfgh” tidak terbaca sebagai pekerjaan" in worker.said


def test_two_trades_at_once_are_offered_as_those_buttons_only() -> None:
    worker = Worker().to(Step.OCCUPATION).walk("tani dan dagang")
    assert worker.at() is Step.OCCUPATION
    assert worker.said.splitlines() == [
        "Maksud Anda yang mana? Pilih salah satu.",
        "Petani",
        "Pedagang",
    ]
    assert worker.walk("pedagang").conv.answers.occupation == "pedagang"


# --- the state ------------------------------------------------------------------------------


def test_pending_confirmations_survive_storage() -> None:
    worker = Worker().to(Step.INCOME).walk("50rb sehari")
    stored = Conversation.from_json(worker.conv.to_json())
    assert stored == worker.conv
    worker.conv = stored
    worker.send(Press("inccf:yes"))
    assert worker.conv.answers.income == 1_300_000


def test_a_state_stored_before_the_confirmations_existed_still_loads() -> None:
    old = json.loads(Worker().to(Step.HOME).conv.to_json())
    for name in ("home_place", "pending_work", "pending_income", "pending_period"):
        del old[name]
    conv = Conversation.from_json(json.dumps(old))
    assert conv.step is Step.HOME and conv.pending_income is None and conv.home_place is None


def test_the_officers_statistics_name_the_question_of_every_step_in_progress() -> None:
    labels = {q.step: q.stats for q in REGISTRY if q.stats is not None}
    assert REGISTRY.in_progress <= set(labels)
    assert labels[Step.INCOME_CONFIRM] == labels[Step.INCOME]
    assert labels[Step.OCCUPATION_CONFIRM] == labels[Step.OCCUPATION]


# --- the reading pipeline wired into every question (bot.flow.reading) ---------------------


def test_later_keeps_the_draft_counts_no_try_and_withdraws_nothing() -> None:
    worker = Worker().to(Step.NAME).walk("ntar aja ya")
    assert worker.at() is Step.NAME and worker.conv.tries == 0
    assert worker.conv.consent_at is not None and worker.conv.answers.nik is not None
    assert "kirim pesan apa saja ke sini untuk melanjutkan" in worker.said
    assert "Ketik nama" not in worker.said  # no refusal, no question pressed again
    assert Worker().to(Step.CONSENT).walk("besok ya").at() is Step.CONSENT


def test_lead_ins_are_cut_from_typed_values() -> None:
    assert Worker().to(Step.NIK).walk("nik saya 3375030107850003").at() is Step.NIK_CONFIRM
    phone = Worker().to(Step.PHONE).walk("no hp 0821-3344-5566")
    assert phone.conv.answers.phone == "+6282133445566"
    assert Worker().to(Step.NAME).walk("nama saya Sri Wahyuni").conv.answers.name == "Sri Wahyuni"


def test_an_honorific_before_a_name_is_asked_never_taken_with_it() -> None:
    worker = Worker().to(Step.NAME).walk("pak slamet")
    assert worker.at() is Step.NAME and worker.conv.answers.name is None
    assert worker.said.splitlines() == [
        "Maksud Anda yang mana? Pilih salah satu.",
        "Slamet",
        "Pak Slamet",
    ]
    assert worker.walk("Slamet").conv.answers.name == "Slamet"
    assert worker.at() is Step.BIRTH_PLACE


def test_a_hedged_or_ranged_amount_is_confirmed_with_one_tap() -> None:
    hedged = Worker().to(Step.INCOME).walk("ga tentu, kira2 sejuta")
    assert "Maksud Anda Penghasilan sebulan: Rp1.000.000?" in hedged.said
    assert hedged.walk("iya").conv.answers.income == 1_000_000
    ranged = Worker().to(Step.INCOME).walk("antara 1 sampai 2 juta")
    assert "Kami ambil nilai tengahnya." in ranged.said
    assert ranged.walk("bukan").at() is Step.INCOME and ranged.conv.answers.income is None


def test_no_amount_found_suggests_an_average() -> None:
    worker = Worker().to(Step.INCOME).walk("gak ada")
    assert "Kalau tidak tentu, ketik rata-ratanya sebulan" in worker.said


def test_a_correction_with_its_value_at_the_read_back_is_confirmed_once() -> None:
    worker = Worker().to(Step.NIK_CONFIRM).walk("bukan, lahir saya 17 agustus 85")
    assert "Maksud Anda Tanggal lahir: 17-08-1985?" in worker.said
    worker.send("ya")
    assert worker.at() is Step.SEX and str(worker.conv.answers.birth_date) == "1985-08-17"


def test_a_field_named_on_the_summary_goes_there_and_back() -> None:
    worker = Worker().to(Step.SUMMARY).walk("salah, ganti nomor hp")
    assert worker.at() is Step.PHONE
    worker.send("0821 3344 5566")
    assert worker.at() is Step.SUMMARY and worker.conv.answers.phone == "+6282133445566"
    named = Worker().to(Step.SUMMARY).walk("nama saya salah ketik, harusnya Siti Aminah")
    assert "Maksud Anda Nama: Siti Aminah?" in named.said
    assert named.walk("ya").at() is Step.SUMMARY and named.conv.answers.name == "Siti Aminah"
    misread = Worker().to(Step.SUMMARY).walk("ganti alamat jadi Jl Mawar 5 rt 2", "bukan")
    assert misread.at() is Step.ADDRESS  # typed again there, then back to the summary


def test_two_fields_named_are_offered_as_those_only() -> None:
    worker = Worker().to(Step.SUMMARY).walk("lahir salah")
    assert worker.said.splitlines()[1:] == ["Tanggal lahir", "Tempat lahir"]
    assert worker.walk("tempat lahir").at() is Step.BIRTH_PLACE


def test_a_refusal_on_the_summary_names_its_own_buttons_and_repeats_only_the_question() -> None:
    worker = Worker().to(Step.SUMMARY).walk("hmm gimana ya")
    assert "Kirim, Ubah atau Batal?" in worker.said and "ya atau tidak" not in worker.said
    assert "Periksa data Anda" not in worker.said and "NIK:" not in worker.said
    assert worker.at() is Step.SUMMARY and worker.conv.tries == 1
