"""The web desk's own words, as msgids (the catalogs translate them like every other text)."""

from __future__ import annotations

from bot.i18n import N_, translate

TEXTS = {
    "title": N_("Desk petugas BPU"),
    "queue": N_("Antrean"),
    "sign_out": N_("Keluar"),
    "search": N_("Cari"),
    "search_hint": N_("NIK, nomor HP, atau nama"),
    "sign_in": N_("Masuk"),
    "sign_in_intro": N_(
        "Tekan tombol untuk masuk ke desk web. Tautan ini hanya bisa dipakai sekali."
    ),
    "status": N_("Status"),
    "event": N_("Acara"),
    "sponsor": N_("Sponsor (nomor)"),
    "region": N_("Wilayah (kode)"),
    "since": N_("Dari tanggal"),
    "until": N_("Sampai tanggal"),
    "flag": N_("Tanda"),
    "any": N_("Semua"),
    "sort": N_("Urutan"),
    "oldest": N_("Terlama dulu"),
    "newest": N_("Terbaru dulu"),
    "by_reference": N_("Nomor pendaftaran"),
    "filter": N_("Saring"),
    "reference": N_("Nomor"),
    "name": N_("Nama"),
    "nik": N_("NIK"),
    "submitted": N_("Diajukan"),
    "flags": N_("Tanda"),
    "total": N_("{total} pendaftaran, halaman {page} dari {pages}"),
    "empty": N_("Tidak ada pendaftaran yang cocok."),
    "previous": N_("« Sebelumnya"),
    "next_page": N_("Berikutnya »"),
    "next": N_("Berikutnya (n)"),
    "approve": N_("Setujui (a)"),
    "kpj": N_("Nomor KPJ"),
    "reject": N_("Tolak (r)"),
    "reason": N_("Alasan"),
    "own_reason": N_("atau alasan lain"),
    "fix": N_("Minta perbaikan"),
    "fix_fields": N_("Bagian yang harus diperbaiki"),
    "note": N_("Catatan"),
    "own_note": N_("atau catatan lain"),
    "history": N_("Riwayat"),
    "decided": N_("Sudah diputuskan: tidak ada tindakan lagi."),
    "not_found": N_("Tidak ditemukan."),
    "signed_out": N_("Anda sudah keluar. Untuk masuk lagi, kirim /masuk ke bot."),
    "expired": N_("Sesi Anda sudah berakhir. Untuk masuk lagi, kirim /masuk ke bot."),
    "link_invalid": N_(
        "Tautan masuk ini tidak berlaku (sudah dipakai atau lewat 5 menit). Kirim /masuk lagi."
    ),
    "role_changed": N_(
        "Peran atau cabang Anda sudah berubah, jadi sesi ini diakhiri. Kirim /masuk lagi."
    ),
    "too_many": N_("Terlalu banyak percobaan masuk. Coba lagi sebentar lagi."),
    "csrf": N_("Formulir ini tidak sah atau sudah kedaluwarsa. Muat ulang halamannya."),
    "shortcuts": N_("Pintasan: j/k pilih baris, Enter buka, n berikutnya, a setujui, r tolak."),
    "waiting": N_("{count} menunggu"),
    "paste": N_("Tempel KPJ"),
    "paste_intro": N_(
        "Satu pasangan per baris: nomor pendaftaran, lalu nomor KPJ (dipisah spasi, tab, koma "
        "atau titik koma). Pratinjau dulu; tidak ada yang disimpan sebelum Anda menerapkannya."
    ),
    "paste_preview": N_("Pratinjau"),
    "paste_apply": N_("Terapkan"),
    "paste_line": N_("Baris"),
    "paste_ready": N_("akan disetujui"),
    "paste_not_found": N_("tidak ditemukan di cabang Anda"),
    "paste_count": N_("{ready} dari {lines} baris akan disetujui."),
}


def words(lang: str) -> dict[str, str]:
    """Every text of the web desk in ``lang``."""
    return {key: translate(msgid, lang) for key, msgid in TEXTS.items()}
