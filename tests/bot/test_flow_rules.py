"""The worker is told the truth: the amount for their sector and date, one age rule on every
path, the office that will really handle the registration (issue #11, in the pure flow)."""

from __future__ import annotations

from collections.abc import Hashable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from bot.branches import load_branches
from bot.domain import Erasure, Flag, SubmissionDraft, SubmitResult
from bot.flow.context import Context, FlowConfig, Outcome
from bot.flow.engine import step
from bot.flow.events import Command, Incoming, Press, Text
from bot.flow.needs import Need, Submit
from bot.flow.state import Conversation, Step
from bot.render import PLAIN, render_msg, render_text
from bot.sectors import Sector

NOV_2026 = datetime(2026, 11, 23, 3, 0, tzinfo=UTC)
JUN_2027 = datetime(2027, 6, 1, 3, 0, tzinfo=UTC)
CONFIG = FlowConfig(branches=load_branches())
ADULT_NIK = "3401025203790001"  # a woman born 12 March 1979, Kulon Progo
CHILD_NIK = "3401025203150001"  # born 12 March 2015: 11 years old in 2026
ELDER_NIK = "3401020203590001"  # a man born 2 March 1959: 67 years old in 2026


@dataclass
class Worker:
    """Steps the pure flow on a fixed day, keeping what it would have stored."""

    now: datetime = NOV_2026
    conv: Conversation = field(default_factory=Conversation)
    drafts: list[SubmissionDraft] = field(default_factory=list)

    def at(self) -> str:
        """The pending step (a call: each is a fresh look for the type checker)."""
        return self.conv.step

    def resolve(self, need: Need[Any]) -> Any:
        if isinstance(need, Submit):
            self.drafts.append(need.draft)
            return SubmitResult("BPU-2026-000001")
        return Erasure((), ()) if type(need).__name__ == "Erase" else None

    def send(self, event: Incoming) -> str:
        facts: dict[Hashable, Any] = {}
        while True:
            result = step(self.conv, event, Context(now=self.now, facts=facts, config=CONFIG))
            if isinstance(result, Outcome):
                self.conv = result.conv.touched(self.now)
                return "\n\n".join(
                    "\n".join(
                        [
                            render_text(r, "id", PLAIN),
                            *(render_msg(b.text, "id", PLAIN) for b in r.all_buttons),
                        ]
                    )
                    for r in result.replies
                )
            facts[result.key] = self.resolve(result)

    def to_occupation(self, nik: str = ADULT_NIK, home: str = "ya") -> str:
        for event in (Command("start"), Press("consent:yes"), Text(nik), Press("nikok:yes")):
            self.send(event)
        self.send(Text("Sri Wahyuni"))
        self.send(Text("Kulon Progo"))
        self.send(Text("0812 3456 7890"))
        self.send(Text(home))
        return self.send(Text("Dusun Krebet RT 02"))


def test_a_typed_occupation_that_may_be_transport_is_asked_while_it_changes_the_amount() -> None:
    worker = Worker()
    worker.to_occupation()
    worker.send(Press("occ:lainnya"))
    question = worker.send(Text("serabutan"))
    assert worker.at() is Step.SECTOR
    assert "mengangkut orang atau barang" in question
    worker.send(Press("sector:yes"))
    assert worker.conv.answers.sector is Sector.TRANSPORT
    worker.send(Press("inc:1000000"))
    summary = worker.send(Press("jht:no"))
    # A transport worker's relief runs until March 2027 (PP 50/2025).
    assert "Rp8.400 per bulan sampai Maret 2027, lalu Rp16.800" in summary


def test_an_occupation_with_a_known_sector_is_not_asked() -> None:
    for button, sector in (("occ:nelayan", Sector.OTHER), ("occ:ojek", Sector.TRANSPORT)):
        worker = Worker()
        worker.to_occupation()
        answer = worker.send(Press(button))
        assert worker.at() is Step.INCOME and "penghasilan" in answer
        assert worker.conv.answers.sector is sector
    worker = Worker()
    worker.to_occupation()
    worker.send(Press("occ:nelayan"))
    worker.send(Press("inc:1000000"))
    summary = worker.send(Press("jht:no"))
    assert "Rp8.400 per bulan sampai Desember 2026, lalu Rp16.800" in summary


def test_the_sector_is_not_asked_once_it_no_longer_changes_anything() -> None:
    worker = Worker(now=JUN_2027)
    worker.to_occupation()
    worker.send(Press("occ:lainnya"))
    worker.send(Text("serabutan"))
    assert worker.at() is Step.INCOME and worker.conv.answers.sector is None


def test_the_welcome_says_the_discount_is_temporary_and_until_when() -> None:
    welcome = Worker().send(Command("start"))
    assert "Rp8.400" in welcome and "Desember 2026" in welcome and "Maret 2027" in welcome
    assert "Rp16.800" in welcome
    later = Worker(now=JUN_2027).send(Command("start"))
    assert "Rp16.800" in later and "Rp8.400" not in later


def test_income_buttons_are_levels_with_the_amount_for_the_workers_sector() -> None:
    worker = Worker()
    worker.to_occupation()
    buttons = worker.send(Press("occ:ojek"))
    assert "Rp1.000.000 · iuran Rp8.400" in buttons
    assert "Rp1.400.000 · iuran Rp10.400" in buttons  # JKK 1% of 1,400,000 halved + JKM 3,400


def test_a_childs_nik_is_refused_at_its_confirmation_and_the_real_date_can_be_typed() -> None:
    worker = Worker()
    for event in (Command("start"), Press("consent:yes"), Text(CHILD_NIK)):
        worker.send(event)
    refused = worker.send(Press("nikok:yes"))
    assert "belum 15 tahun" in refused and worker.at() is Step.NIK_CONFIRM
    worker.send(Press("nikok:no"))
    assert "belum 15 tahun" in worker.send(Text("12-03-2015"))  # the same rule when typed
    worker.send(Text("12-03-1965"))
    assert worker.at() is Step.SEX  # a corrected date asks the sex too
    assert worker.conv.answers.birth_date is not None


def test_sixty_five_and_older_is_accepted_and_flagged_for_the_officer() -> None:
    worker = Worker()
    worker.to_occupation(nik=ELDER_NIK)
    worker.send(Press("occ:petani"))
    worker.send(Press("inc:1000000"))
    worker.send(Press("jht:no"))
    worker.send(Press("sum:send"))
    assert Flag.AGE_65_OR_OLDER in worker.drafts[0].flags


def test_the_office_is_the_real_branch_or_the_nearest_office_never_a_made_up_one() -> None:
    worker = Worker()
    worker.to_occupation()
    worker.send(Press("occ:nelayan"))
    worker.send(Press("inc:1000000"))
    worker.send(Press("jht:no"))
    done = worker.send(Press("sum:send"))
    assert "Kantor Cabang Yogyakarta" in done and worker.drafts[0].branch == "Yogyakarta"

    elsewhere = Worker()
    elsewhere.to_occupation(home="tidak")
    elsewhere.send(Text("Kota Bandung"))  # no row in the branch table
    elsewhere.send(Text("Jl. Braga 1"))
    elsewhere.send(Press("occ:nelayan"))
    elsewhere.send(Press("inc:1000000"))
    elsewhere.send(Press("jht:no"))
    done = elsewhere.send(Press("sum:send"))
    assert "kantor BPJS Ketenagakerjaan terdekat" in done and "Kantor Cabang" not in done
    assert elsewhere.drafts[0].branch == CONFIG.default_branch  # the admins' queue
