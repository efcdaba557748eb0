"""Button labels that fit WhatsApp: a reply button title is ≤ 20 characters, a list row ≤ 24.

Telegram's labels may be longer. Each label that is too long in Indonesian or English gets a
short version here (a msgid of its own, translated in the catalogs), and optionally a row
description: a list row shows the short title with the long part underneath (≤ 72).
tests/handlers/test_whatsapp_render.py walks every button label of bot/ and fails when one fits
neither as it is nor through this table.

Labels made of user data (a kabupaten's name, an event's name) cannot have a short msgid; in a
list they show a shortened title with the whole label as the row's description.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.i18n import N_
from bot.messages import Msg
from bot.render import PLAIN, render_msg
from handlers.whatsapp.limits import ROW_DESCRIPTION, ROW_TITLE, wa_len


@dataclass(frozen=True)
class Short:
    """The short form of a label: its title msgid, and a row description (default: the label)."""

    title: str
    detail: str | None = None


# Long label msgid → its short form; both use the long label's parameters.
SHORT_LABELS: dict[str, Short] = {
    # flow and worker notices
    N_("Perbaiki {reference}"): Short(N_("Ubah {reference}")),
    # /roster_impor's WhatsApp question
    N_("Belum: slip cetak saja"): Short(N_("Belum: slip saja")),
    # A row title "Rp1.500.000" (no text to translate), the contribution underneath.
    N_("{income} · iuran {cost}"): Short("{income}", N_("iuran {cost} per bulan")),
    N_("{income} · iuran {cost} s.d. {until}"): Short(
        "{income}", N_("iuran {cost} per bulan s.d. {until}")
    ),
    N_("Daftarkan orang lain"): Short(N_("Daftar orang lain")),
    # officer dialogs
    N_("Lanjut (tanpa pilihan = semua pekerjaan)"): Short(N_("Lanjut")),
    N_("Hanya pendaftar lewat acara"): Short(N_("Hanya lewat acara")),
    N_("Semua warga wilayah itu"): Short(N_("Semua warga")),
    N_("APBD kabupaten/kota"): Short(N_("APBD kab/kota")),
    N_("APBD provinsi"): Short(N_("APBD prov.")),
    N_("Kantor Cabang BPJS Ketenagakerjaan"): Short(N_("Kantor Cabang BPJS")),
    N_("Dinas Tenaga Kerja kabupaten/kota"): Short(N_("Disnaker kab/kota")),
    # reasons for a rejection or a correction
    N_("Sudah terdaftar sebagai peserta aktif"): Short(N_("Sudah terdaftar")),
    N_("Data tidak lengkap atau tidak jelas"): Short(N_("Data kurang lengkap")),
    N_("Usia di luar ketentuan kepesertaan"): Short(N_("Usia tidak memenuhi")),
    N_("Pekerja penerima upah, bukan BPU"): Short(N_("Penerima upah")),
    N_("Salah ketik atau tidak terbaca"): Short(N_("Salah ketik")),
    N_("NIK tidak sesuai dengan KTP"): Short(N_("NIK tidak sesuai KTP")),
    N_("Tidak sesuai dengan KTP"): Short(N_("Tidak sesuai KTP")),
}

ELLIPSIS = "…"


def plain(msg: Msg, lang: str) -> str:
    """A label as text: WhatsApp shows no markup on buttons or rows."""
    return render_msg(msg, lang, PLAIN)


def title(msg: Msg, lang: str, limit: int) -> str | None:
    """The label as it fits in ``limit`` characters: in full, or its short form; else None."""
    full = plain(msg, lang)
    if wa_len(full) <= limit:
        return full
    short = SHORT_LABELS.get(msg.msgid)
    if short is not None:
        brief = plain(Msg(short.title, msg.params), lang)
        if wa_len(brief) <= limit:
            return brief
    return None


def row(msg: Msg, lang: str) -> tuple[str, str | None] | None:
    """A list row's title and description for a label; None when it cannot be shown in a row."""
    full = plain(msg, lang)
    if wa_len(full) <= ROW_TITLE:
        return full, None
    short = SHORT_LABELS.get(msg.msgid)
    if short is not None:
        brief = plain(Msg(short.title, msg.params), lang)
        detail = plain(Msg(short.detail, msg.params), lang) if short.detail else full
        if wa_len(brief) <= ROW_TITLE and wa_len(detail) <= ROW_DESCRIPTION:
            return brief, detail
    if wa_len(full) <= ROW_DESCRIPTION:  # user data: a cut title, the whole label underneath
        return shorten(full, ROW_TITLE), full
    return None


def shorten(text: str, limit: int) -> str:
    """``text`` cut at a word boundary to ``limit`` characters, ending in an ellipsis."""
    if wa_len(text) <= limit:
        return text
    cut = text
    while wa_len(cut) + len(ELLIPSIS) > limit:
        cut = cut[:-1]
    words = cut.rsplit(" ", 1)[0] if " " in cut else cut
    if wa_len(words) >= limit // 2:  # do not throw away most of the title for a whole word
        cut = words
    return cut.rstrip(" ,.;:-") + ELLIPSIS
