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
    "roster": N_("Roster (nomor)"),
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
    "access_revoked": N_(
        "Akses Anda ke halaman sponsor ini sudah dicabut, jadi sesi ini diakhiri."
    ),
    "programme": N_("Program sponsor"),
    "period": N_("Masa berlaku"),
    "quota": N_("Kuota"),
    "quota_used": N_("Terpakai"),
    "quota_left": N_("Sisa"),
    "approved": N_("Disetujui"),
    "bill": N_("Tagihan per bulan"),
    "bill_note": N_(
        "JKK dan JKM tiap peserta yang disetujui menurut tingkat penghasilannya, dihitung seperti "
        "/sponsor di chat."
    ),
    "by_region": N_("Menurut kabupaten/kota"),
    "by_occupation": N_("Menurut pekerjaan"),
    "by_status": N_("Menurut status"),
    "by_source": N_("Menurut jalur pendaftaran"),
    "source_event": N_("lewat acara"),
    "source_self": N_("mendaftar sendiri"),
    "count": N_("Jumlah"),
    "source_roster": N_("undangan roster"),
    "rosters": N_("Kemajuan roster"),
    "roster_rows": N_("Jumlah baris"),
    "roster_states": N_("Menurut keadaan"),
    "no_rosters": N_("Belum ada roster."),
    "download": N_("Unduh pekerja (XLSX)"),
    "download_masked": N_("Unduh dengan NIK tersamar"),
    "download_full": N_("Unduh dengan NIK lengkap"),
    "full_nik_allowed": N_(
        "Perjanjian {reference} membolehkan NIK lengkap; setiap unduhan NIK lengkap dicatat."
    ),
    "full_nik_not_allowed": N_(
        "NIK ditampilkan tersamar; NIK lengkap hanya bila perjanjian sponsor membolehkannya."
    ),
    "statistics": N_("Statistik"),
    "exports": N_("Ekspor"),
    "events": N_("Acara"),
    "sponsors": N_("Sponsor"),
    "audit_log": N_("Log audit"),
    "event_code": N_("Kode acara (kosong: semua)"),
    "show": N_("Tampilkan"),
    "chart": N_("Grafik corong pendaftaran"),
    "poster": N_("Poster"),
    "export_intro": N_(
        "Berkas berisi data lengkap pendaftaran cabang Anda; setiap ekspor dicatat di log audit."
    ),
    "export_which": N_(
        "Pilihan (seperti /ekspor: kode acara, sponsor, atau 2026-01-01..2026-01-31)"
    ),
    "export_format": N_("Format"),
    "officer_id": N_("Petugas (id)"),
    "action": N_("Tindakan"),
    "at": N_("Waktu"),
    "actor": N_("Oleh"),
    "detail": N_("Rincian"),
    "access_title": N_("Akses wakil sponsor"),
    "telegram_id": N_("Id Telegram"),
    "revoke": N_("Cabut"),
    "grant": N_("Beri akses"),
    "access_hint": N_(
        "Orang yang diberi akses masuk dengan mengirim /masuk ke bot dan hanya melihat sponsornya "
        "sendiri. Mencabut akses mengakhiri sesinya saat itu juga."
    ),
    "audit_total": N_("{total} catatan, halaman {page} dari {pages}"),
    "roster_title": N_("Daftar pekerja (roster)"),
    "roster_until": N_("Berlaku sampai"),
    "roster_agreement": N_("Perjanjian"),
    "roster_import": N_("Impor daftar pekerja"),
    "roster_import_intro": N_(
        "Berkas XLSX atau CSV dengan kolom NIK, Nama, Nomor HP dan Desa/Kecamatan (boleh juga "
        "Pekerjaan, Tempat lahir, Alamat), paling besar {mb} MB. Setiap baris diperiksa; belum "
        "ada yang dikirim ke pekerja saat impor."
    ),
    "roster_sponsor": N_("Sponsor"),
    "roster_agreement_hint": N_("Nomor perjanjian kerja sama (contoh: PKS 12/2026)"),
    "roster_whatsapp": N_(
        "Semua orang di daftar ini sudah setuju dihubungi lewat WhatsApp (Meta mewajibkannya "
        "sebelum kita mengirim pesan lebih dulu). Tanpa centang: undangan hanya lewat slip cetak."
    ),
    "roster_file": N_("Berkas"),
    "roster_slips": N_("Slip (PDF)"),
    "roster_part": N_("Bagian"),
    "roster_states_file": N_("Keadaan per baris (XLSX)"),
    "roster_invite": N_("Undang lewat WhatsApp"),
    "roster_invite_yes": N_("Ya, undang"),
    "roster_report": N_("Unduh laporan per baris (XLSX)"),
    "roster_back": N_("Kembali ke daftar pekerja"),
    "roster_too_big": N_("Berkas terlalu besar: paling besar {mb} MB."),
    "roster_no_file": N_("Pilih berkas XLSX atau CSV dulu."),
}


def words(lang: str) -> dict[str, str]:
    """Every text of the web desk in ``lang``."""
    return {key: translate(msgid, lang) for key, msgid in TEXTS.items()}
