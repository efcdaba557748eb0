"""Templates for the 24-hour rule: every outbox notice has one, filled from the notice itself,
accepted by the fake Cloud API outside the window, and documented word for word."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from datetime import date
from pathlib import Path

import httpx
import pytest
from pydantic import ValidationError

from bot.domain import Status
from bot.flow.reminders import draft_reminder as reminder
from bot.flow.reminders import payment_reminder_for
from bot.messages import Msg, Reply
from bot.officers.views import worker_notice
from bot.settings import Settings
from handlers.whatsapp.preview import preview
from handlers.whatsapp.templates import (
    MAX_PARAM,
    RESUME_PAYLOAD,
    TEMPLATES,
    Notice,
    filled,
    notice_template,
    notices_by_name,
    template_message,
)
from tests.bot.test_flow import NOW
from tests.handlers.test_whatsapp_render import submission
from tests.system.fake_whatsapp import PHONE_NUMBER_ID, TOKEN, FakeWhatsApp
from tests.system.fake_whatsapp_rules import validate

DOCS = Path(__file__).resolve().parents[2] / "docs" / "whatsapp.md"
USER = "6281234567890"


@pytest.fixture
def settings() -> Settings:
    return Settings(_env_file=None)  # type: ignore[call-arg]


@pytest.fixture
def fake(settings: Settings) -> Iterator[FakeWhatsApp]:
    with FakeWhatsApp(templates=notices_by_name(settings)) as whatsapp:
        yield whatsapp


def body_params(template: dict[str, object]) -> list[str]:
    components = template["template"]["components"]  # type: ignore[index]
    return [p["text"] for c in components if c["type"] == "body" for p in c["parameters"]]


def button_payload(template: dict[str, object]) -> str | None:
    components = template["template"]["components"]  # type: ignore[index]
    buttons = [c for c in components if c["type"] == "button"]
    return buttons[0]["parameters"][0]["payload"] if buttons else None


def test_an_approval_is_sent_as_its_template(settings: Settings) -> None:
    template = notice_template(
        worker_notice(submission(Status.APPROVED), NOW.date()), "id", settings
    )
    assert template is not None
    assert template["template"]["name"] == "bpu_pendaftaran_disetujui"
    assert template["template"]["language"] == {"policy": "deterministic", "code": "id"}
    assert body_params(template) == [
        "BPU-2026-000123",
        "12345678901",
        "Rp8.400 per bulan sampai Desember 2026, lalu Rp16.800",
    ]


def test_a_rejection_carries_the_reason_as_plain_text(settings: Settings) -> None:
    template = notice_template(
        worker_notice(submission(Status.REJECTED), NOW.date()), "en", settings
    )
    assert template is not None
    assert template["template"]["language"]["code"] == "en_US"
    assert body_params(template)[:2] == ["BPU-2026-000123", "Foto KTP ∗buram∗"]


def test_a_correction_request_lists_the_fields_and_keeps_its_button(settings: Settings) -> None:
    notice = worker_notice(submission(Status.NEEDS_FIX), NOW.date())
    template = notice_template(notice, "en", settings)
    assert template is not None
    assert body_params(template) == ["BPU-2026-000123", "Foto KTP ∗buram∗", "NIK, Name"]
    assert (
        button_payload(template) == "fix:BPU-2026-000123"
    )  # the same Press as the Telegram button


def test_the_reminder_resumes_with_a_tap(settings: Settings) -> None:
    template = notice_template(reminder(), "id", settings)
    assert template is not None
    assert body_params(template) == []
    assert button_payload(template) == RESUME_PAYLOAD == "cmd:start"


def test_other_replies_have_no_template(settings: Settings) -> None:
    assert (
        notice_template(Reply(parts=(Msg("Ketik NIK Anda, 16 angka di KTP."),)), "id", settings)
        is None
    )
    assert notice_template(Reply(parts=()), "id", settings) is None


def test_the_payment_reminder_outside_the_window_is_its_template(settings: Settings) -> None:
    sub = replace(submission(Status.APPROVED), kpj="12345678901")
    reply = payment_reminder_for(sub, date(2026, 12, 5), ())
    assert reply is not None
    indonesian = notice_template(reply, "id", settings)
    assert indonesian is not None
    assert body_params(indonesian) == [
        "Desember 2026",
        "12345678901",
        "Rp8.400 per bulan sampai Desember 2026, lalu Rp16.800",
    ]
    english = notice_template(reply, "en", settings)
    assert english is not None and body_params(english)[0] == "December 2026"


def test_the_approval_and_rejection_templates_carry_the_guidance(settings: Settings) -> None:
    approved = notice_template(
        worker_notice(submission(Status.APPROVED), NOW.date()), "id", settings
    )
    assert approved is not None
    assert body_params(approved)[2] == "Rp8.400 per bulan sampai Desember 2026, lalu Rp16.800"
    rejected = replace(submission(Status.REJECTED), note="Sudah terdaftar sebagai peserta aktif")
    template = notice_template(worker_notice(rejected, NOW.date()), "id", settings)
    assert template is not None
    assert body_params(template)[2] == "Anda sudah terlindungi; cek kartu Anda di aplikasi JMO."


def test_parameters_are_one_line_and_not_too_long(settings: Settings) -> None:
    template = template_message(
        Notice.REJECTED, "id", ["BPU-1", "baris\nbaru\t" + "x" * 400, "-"], settings
    )
    reason = body_params(template)[1]
    assert "\n" not in reason and "\t" not in reason and len(reason) <= MAX_PARAM
    with pytest.raises(ValueError, match="3 parameters"):
        template_message(Notice.REJECTED, "id", ["BPU-1"], settings)


@pytest.mark.parametrize("status", [Status.APPROVED, Status.REJECTED, Status.NEEDS_FIX])
def test_the_fake_cloud_api_takes_each_notice_outside_the_window(
    fake: FakeWhatsApp, settings: Settings, status: Status
) -> None:
    template = notice_template(worker_notice(submission(status), NOW.date()), "id", settings)
    assert template is not None
    body = {"messaging_product": "whatsapp", "to": USER, **template}
    assert validate(body) is None
    with httpx.Client(timeout=5, trust_env=False) as client:
        answer = client.post(
            f"{fake.base_url}/{PHONE_NUMBER_ID}/messages",
            json=body,
            headers={"Authorization": f"Bearer {TOKEN}"},
        )
    assert answer.status_code == 200, answer.json()  # no user_wrote: outside the window


def test_a_template_reads_as_its_text(settings: Settings) -> None:
    template = notice_template(
        worker_notice(submission(Status.NEEDS_FIX), NOW.date()), "id", settings
    )
    assert template is not None
    shown = preview(template, notices_by_name(settings))
    assert shown.startswith(
        "Pendaftaran BPJS Ketenagakerjaan Anda nomor BPU-2026-000123 perlu perbaikan."
    )
    assert shown.endswith("[ Perbaiki sekarang ]")


def test_every_template_text_is_in_the_docs_word_for_word() -> None:
    docs = " ".join(DOCS.read_text(encoding="utf-8").split())
    for notice, template in TEMPLATES.items():
        for lang, text in template.text.items():
            assert text in docs, f"{notice} ({lang}) differs in docs/whatsapp.md"
        for label in (template.button or {}).values():
            assert label in docs
    settings = Settings(_env_file=None)  # type: ignore[call-arg]
    for name in notices_by_name(settings):
        assert f"`{name}`" in docs


def test_template_texts_stay_within_metas_limits() -> None:
    for notice, template in TEMPLATES.items():
        assert len(template.example) == len(template.params)
        for lang, text in template.text.items():
            longest = filled(notice, lang, ["x" * MAX_PARAM] * len(template.params))
            assert len(longest) <= 1024  # Meta's limit for a template body
            assert not text.startswith("{{") and not text.rstrip(".").endswith("}}")


def test_the_whatsapp_settings() -> None:
    empty = Settings(_env_file=None)  # type: ignore[call-arg]
    assert not empty.whatsapp_configured
    assert empty.whatsapp_api_base_url == "https://graph.facebook.com/v26.0"
    ready = Settings(
        _env_file=None,  # type: ignore[call-arg]
        whatsapp_phone_number_id="106540352242922",
        whatsapp_access_token="EAAtoken",  # type: ignore[arg-type]
        whatsapp_app_secret="secret",  # type: ignore[arg-type]
        whatsapp_verify_token="verify",  # type: ignore[arg-type]
        whatsapp_display_number="+62 811-0000-1111",
    )
    assert ready.whatsapp_configured and ready.whatsapp_missing() == []
    assert ready.whatsapp_display_number == "6281100001111"
    assert "EAAtoken" not in repr(ready)
    with pytest.raises(ValidationError):
        Settings(_env_file=None, whatsapp_template_approved="Disetujui!")  # type: ignore[call-arg]
    with pytest.raises(ValidationError):
        Settings(_env_file=None, whatsapp_display_number="wa.me/62811")  # type: ignore[call-arg]
