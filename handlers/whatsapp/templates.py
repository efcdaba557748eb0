"""Approved templates: how the outbox reaches a worker outside WhatsApp's 24-hour window.

Free-form messages may only be sent within 24 hours of the worker's last message; after that,
only templates approved by Meta (WhatsApp Business Platform, "Templates" and "Customer service
windows"). A decision on a registration usually comes days later, so each outbox notice has a
template of its own (category UTILITY, Indonesian ``id`` and English ``en_US``), submitted with
the texts below (docs/whatsapp.md repeats them, and a test keeps the two equal).

One template per notice rather than one generic "{{1}}" template: Meta reviews a template's
fixed text to decide its category and refuses templates that are mostly a variable, and a
parameter cannot carry line breaks, so a generic one could not hold our notices anyway.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from bot.messages import Block, Msg, Reply
from bot.render import WHATSAPP, neutralise, render_msg
from bot.rosters import INVITATION_REMINDER_TEXT, INVITATION_TEXT
from bot.settings import Settings
from handlers.whatsapp.inbound import COMMAND_PAYLOAD

Payload = dict[str, Any]
MAX_PARAM = 200  # an officer's note is cut here: a filled template body must stay ≤ 1,024


class Notice(StrEnum):
    """The outbox's notices to a worker, each with its own template."""

    APPROVED = "approved"
    NEEDS_FIX = "needs_fix"
    REJECTED = "rejected"
    FINISH_REMINDER = "finish_reminder"
    PAYMENT_REMINDER = "payment_reminder"
    INVITATION = "invitation"  # a roster's invitation (MARKETING, docs/whatsapp.md)
    INVITATION_REMINDER = "invitation_reminder"


@dataclass(frozen=True)
class Template:
    """A template's texts as submitted to Meta, in our two languages."""

    params: tuple[str, ...]  # what {{1}}, {{2}}, ... hold
    example: tuple[str, ...]  # sample values Meta asks for with the submission
    text: Mapping[str, str]  # "id" / "en" → body
    button: Mapping[str, str] | None = None  # a quick-reply button's label, if any
    second_button: Mapping[str, str] | None = None  # a second quick reply (same payload)


# A roster's invitation and its reminder take the same parameters and buttons.
INVITATION_PARAMS = ("sponsor", "kode undangan")
INVITATION_EXAMPLE = ("Pemda Kulon Progo", "UND-7KQ4M-XP2RA")
INVITATION_YES = {"id": "Daftar", "en": "Daftar"}
INVITATION_NO = {"id": "Tidak, terima kasih", "en": "No, thank you"}

TEMPLATES: dict[Notice, Template] = {
    Notice.APPROVED: Template(
        params=("nomor pendaftaran", "nomor KPJ", "iuran"),
        example=(
            "BPU-2026-000123",
            "12345678901",
            "Rp8.400 per bulan sampai Desember 2026, lalu Rp16.800",
        ),
        text={
            "id": "Selamat! Pendaftaran BPJS Ketenagakerjaan Anda nomor {{1}} disetujui. Nomor "
            "kartu peserta (KPJ) Anda: {{2}}. Iuran yang Anda bayar: {{3}}. Bayar setiap bulan "
            "lewat aplikasi JMO atau mitra pembayaran dengan NIK atau nomor KPJ. Jika 3 bulan "
            "tidak membayar, kepesertaan menjadi tidak aktif.",
            "en": "Congratulations! Your BPJS Ketenagakerjaan registration {{1}} has been "
            "approved. Your participant card (KPJ) number: {{2}}. Your contribution: {{3}}. Pay "
            "every month in the JMO app or at a payment partner with your NIK or KPJ number. "
            "If you do not pay for 3 months, your membership becomes inactive.",
        },
    ),
    Notice.NEEDS_FIX: Template(
        params=("nomor pendaftaran", "catatan petugas", "bagian yang diperbaiki"),
        example=("BPU-2026-000123", "Foto KTP kurang jelas", "NIK, Nama"),
        text={
            "id": "Pendaftaran BPJS Ketenagakerjaan Anda nomor {{1}} perlu perbaikan. Catatan "
            "petugas: {{2}}. Bagian yang perlu diperbaiki: {{3}}. Tekan tombol di bawah untuk "
            "memperbaikinya; jawaban lain tetap tersimpan.",
            "en": "Your BPJS Ketenagakerjaan registration {{1}} needs a correction. Officer's "
            "note: {{2}}. To correct: {{3}}. Tap the button below to correct it; your other "
            "answers are kept.",
        },
        button={"id": "Perbaiki sekarang", "en": "Fix now"},
    ),
    Notice.REJECTED: Template(
        params=("nomor pendaftaran", "alasan", "langkah berikutnya"),
        example=(
            "BPU-2026-000123",
            "Sudah terdaftar sebagai peserta aktif",
            "Anda sudah terlindungi; cek kartu Anda di aplikasi JMO.",
        ),
        text={
            "id": "Maaf, pendaftaran BPJS Ketenagakerjaan Anda nomor {{1}} ditolak. Alasan: "
            "{{2}}. Langkah berikutnya: {{3}} Terima kasih.",
            "en": "Sorry, your BPJS Ketenagakerjaan registration {{1}} was rejected. Reason: "
            "{{2}}. Next step: {{3}} Thank you.",
        },
    ),
    Notice.FINISH_REMINDER: Template(
        params=(),
        example=(),
        text={
            "id": "Pendaftaran BPJS Ketenagakerjaan Anda belum selesai. Jawaban Anda tersimpan; "
            "tekan Lanjutkan atau balas DAFTAR untuk meneruskan.",
            "en": "Your BPJS Ketenagakerjaan registration is not finished yet. Your answers are "
            "saved; tap Continue or reply DAFTAR to carry on.",
        },
        button={"id": "Lanjutkan", "en": "Continue"},
    ),
    Notice.PAYMENT_REMINDER: Template(
        params=("bulan", "nomor KPJ", "iuran"),
        example=("Desember 2026", "12345678901", "Rp8.400 per bulan sampai Desember 2026"),
        text={
            "id": "Pengingat iuran BPJS Ketenagakerjaan bulan {{1}} untuk kartu peserta (KPJ) "
            "{{2}}: {{3}}. Bayar lewat aplikasi JMO atau mitra pembayaran dengan NIK atau nomor "
            "KPJ. Jika 3 bulan tidak membayar, kepesertaan menjadi tidak aktif.",
            "en": "BPJS Ketenagakerjaan contribution reminder for {{1}}, participant card (KPJ) "
            "{{2}}: {{3}}. Pay in the JMO app or at a payment partner with your NIK or KPJ "
            "number. If you do not pay for 3 months, your membership becomes inactive.",
        },
    ),
    Notice.INVITATION: Template(
        params=INVITATION_PARAMS,
        example=INVITATION_EXAMPLE,
        text={
            "id": "Halo, {{1}} mengundang Anda mendaftar BPJS Ketenagakerjaan (jaminan "
            "kecelakaan kerja dan kematian); iurannya mereka yang bayar. Tekan Daftar, atau "
            "balas DAFTAR {{2}}. Jika tidak berminat, tekan Tidak: nomor Anda tidak akan "
            "dihubungi lagi.",
            "en": "Hello, {{1}} invites you to register with BPJS Ketenagakerjaan (work accident "
            "and death cover); they pay the contributions. Tap Daftar, or reply DAFTAR {{2}}. "
            "If you are not interested, tap No: your number will not be contacted again.",
        },
        button=INVITATION_YES,
        second_button=INVITATION_NO,
    ),
    Notice.INVITATION_REMINDER: Template(
        params=INVITATION_PARAMS,
        example=INVITATION_EXAMPLE,
        text={
            "id": "Pengingat: undangan {{1}} untuk mendaftar BPJS Ketenagakerjaan masih "
            "berlaku. Tekan Daftar, atau balas DAFTAR {{2}}. Ini pengingat terakhir.",
            "en": "Reminder: the invitation from {{1}} to register with BPJS Ketenagakerjaan "
            "is still open. Tap Daftar, or reply DAFTAR {{2}}. This is the last reminder.",
        },
        button=INVITATION_YES,
        second_button=INVITATION_NO,
    ),
}


# The outbox's replies, recognised by their first text (bot/officers/views.py worker_notice and
# bot/flow/reminders.py; tests/handlers/test_whatsapp_templates.py builds each one and
# fails if a rewording breaks the match).
_APPROVED = (
    "Selamat! Pendaftaran {reference} disetujui. Nomor kartu peserta (KPJ) Anda: <b>{kpj}</b>."
)
_REJECTED = "Maaf, pendaftaran {reference} ditolak. Alasan: {reason}"
_YOU_PAY = "Iuran yang Anda bayar: {cost}"
_NOTHING_TO_PAY = "Anda tidak perlu membayar iuran."
_PAYMENT = (
    "Pengingat: iuran BPJS Ketenagakerjaan bulan {month} untuk kartu peserta (KPJ) {kpj}: {cost}."
)
_NEEDS_FIX = "Pendaftaran {reference} perlu perbaikan. Catatan petugas: {note}"
_REMINDER = (
    "Pendaftaran BPJS Ketenagakerjaan Anda belum selesai. Jawaban Anda tersimpan; "
    "ketik /start untuk melanjutkan."
)
RESUME_PAYLOAD = f"{COMMAND_PAYLOAD}start"
# A roster's invitation and its reminder (bot/rosters.py): both buttons open the invitation,
# whose first question asks for consent (a "no" there declines it for good).
INVITATIONS = {
    INVITATION_TEXT: Notice.INVITATION,
    INVITATION_REMINDER_TEXT: Notice.INVITATION_REMINDER,
}


def template_name(notice: Notice, settings: Settings) -> str:
    """The template's name at Meta, from the settings."""
    return str(getattr(settings, f"whatsapp_template_{notice.value}"))


def notices_by_name(settings: Settings) -> dict[str, Notice]:
    """Template name at Meta → our notice (to read a template message back)."""
    return {template_name(notice, settings): notice for notice in Notice}


def template_language(lang: str, settings: Settings) -> str:
    """Meta's language code for our language: ``id`` and ``en_US`` by default."""
    return (
        settings.whatsapp_template_lang_en if lang == "en" else settings.whatsapp_template_lang_id
    )


def template_message(
    notice: Notice,
    lang: str,
    params: Sequence[str],
    settings: Settings,
    button_payload: str | None = None,
) -> Payload:
    """A template message (Cloud API ``type: template``) for one notice."""
    template = TEMPLATES[notice]
    if len(params) != len(template.params):
        raise ValueError(f"{notice} takes {len(template.params)} parameters, got {len(params)}")
    components: list[Payload] = []
    if params:
        components.append(
            {"type": "body", "parameters": [{"type": "text", "text": _param(p)} for p in params]}
        )
    if template.button is not None:
        components.append(
            {
                "type": "button",
                "sub_type": "quick_reply",
                "index": "0",
                "parameters": [{"type": "payload", "payload": button_payload or ""}],
            }
        )
    if template.second_button is not None:
        components.append(
            {
                "type": "button",
                "sub_type": "quick_reply",
                "index": "1",
                "parameters": [{"type": "payload", "payload": button_payload or ""}],
            }
        )
    return {
        "type": "template",
        "template": {
            "name": template_name(notice, settings),
            "language": {"policy": "deterministic", "code": template_language(lang, settings)},
            "components": components,
        },
    }


def notice_template(reply: Reply, lang: str, settings: Settings) -> Payload | None:
    """The template for an outbox reply (a decision notice or the reminder), or None."""
    first = reply.parts[0] if reply.parts else None
    if not isinstance(first, Msg):
        return None
    values = {name: _value(value, lang) for name, value in first.params.items()}
    if first.msgid == _APPROVED:
        cost = next(
            (
                _value(line.params["cost"], lang)
                for line in _lines(reply)
                if line.msgid == _YOU_PAY
            ),
            None,
        )
        if cost is None:  # a sponsor pays everything
            cost = _value(Msg(_NOTHING_TO_PAY), lang)
        params = [values["reference"], values["kpj"], cost]
        return template_message(Notice.APPROVED, lang, params, settings)
    if first.msgid == _REJECTED:
        step = (
            _value(reply.parts[1], lang)
            if len(reply.parts) > 1 and isinstance(reply.parts[1], Msg)
            else "-"
        )
        params = [values["reference"], values["reason"], step]
        return template_message(Notice.REJECTED, lang, params, settings)
    if first.msgid == _PAYMENT:
        params = [values["month"], values["kpj"], values["cost"]]
        return template_message(Notice.PAYMENT_REMINDER, lang, params, settings)
    if first.msgid == _NEEDS_FIX:
        fields = ", ".join(
            _value(line.params["field"], lang)
            for part in reply.parts
            if isinstance(part, Block)
            for line in part.lines
            if "field" in line.params
        )
        payload = reply.all_buttons[0].data if reply.all_buttons else None
        params = [values["reference"], values["note"], fields or "-"]
        return template_message(Notice.NEEDS_FIX, lang, params, settings, payload)
    if first.msgid == _REMINDER:
        return template_message(Notice.FINISH_REMINDER, lang, [], settings, RESUME_PAYLOAD)
    invited = INVITATIONS.get(first.msgid)
    if invited is not None:
        params = [values["sponsor"], values["code"]]
        payload = f"{COMMAND_PAYLOAD}start {values['code']}"
        return template_message(invited, lang, params, settings, payload)
    return None


def is_invitation(reply: Reply) -> bool:
    """A roster's invitation or its reminder (paced by WhatsApp's messaging limit)."""
    first = reply.parts[0] if reply.parts else None
    return isinstance(first, Msg) and first.msgid in INVITATIONS


def _lines(reply: Reply) -> list[Msg]:
    """Every text of a reply, paragraphs and the lines of blocks alike."""
    found: list[Msg] = []
    for part in reply.parts:
        found.extend(part.lines if isinstance(part, Block) else (part,))
    return found


def filled(notice: Notice, lang: str, params: Sequence[str]) -> str:
    """A template's text with its parameters in place: what the worker reads."""
    text = TEMPLATES[notice].text["en" if lang == "en" else "id"]
    return re.sub(r"\{\{(\d+)\}\}", lambda m: params[int(m.group(1)) - 1], text)


def _value(value: Any, lang: str) -> str:
    """A notice parameter as text (user data as it is: _param neutralises it)."""
    if isinstance(value, Msg):
        return re.sub(r"[*_`~]", "", render_msg(value, lang, WHATSAPP))
    return str(value)


def _param(text: str) -> str:
    """A parameter Meta accepts: one line (no newlines or tabs, few spaces), not too long."""
    one_line = " ".join(neutralise(text).split()) or "-"
    return one_line if len(one_line) <= MAX_PARAM else one_line[: MAX_PARAM - 1] + "…"
