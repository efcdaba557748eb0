"""The command lists a chat app shows behind its "/" button: workers', and officers' on top."""

from __future__ import annotations

from bot.i18n import N_

# (command, what it does): every command a worker may type (bot/flow/commands.py answers them).
WORKER_MENU: tuple[tuple[str, str], ...] = (
    ("start", N_("Mulai atau lanjutkan pendaftaran")),
    ("status", N_("Lihat status pendaftaran Anda")),
    ("batal", N_("Batalkan pendaftaran yang sedang diisi")),
    ("bahasa", N_("Ganti bahasa (Indonesia/English)")),
    ("hapusdata", N_("Hapus data Anda")),
    ("berhenti", N_("Hentikan pengingat bayar iuran")),
    ("bantuan", N_("Bantuan")),
)

# Officers see theirs first, then the workers' (they can try the flow themselves).
OFFICER_MENU: tuple[tuple[str, str], ...] = (
    ("antrean", N_("Antrean pendaftaran yang menunggu")),
    ("lihat", N_("Kartu satu pendaftaran: /lihat <nomor>")),
    ("cari", N_("Cari NIK, nomor HP atau nama")),
    ("setujui", N_("Setujui: /setujui <nomor> <KPJ>")),
    ("tolak", N_("Tolak: /tolak <nomor> <alasan>")),
    ("perbaikan", N_("Minta perbaikan: /perbaikan <nomor> <bagian> <catatan>")),
    ("audit", N_("Riwayat satu pendaftaran")),
    ("acara_baru", N_("Buat acara sosialisasi (tautan, QR, poster)")),
    ("acara", N_("Daftar acara dan angkanya")),
    ("sponsor_baru", N_("Buat sponsor iuran (supervisor, admin)")),
    ("sponsor", N_("Sponsor: kuota dan tagihan")),
    ("sponsor_jenis", N_("Ubah jenis pembayar sponsor (supervisor, admin)")),
    (
        "akses_sponsor",
        N_("Akses wakil sponsor ke desk web: beri, lihat, cabut (supervisor, admin)"),
    ),
    ("sponsor_nik", N_("Perjanjian sponsor yang membolehkan NIK lengkap (admin)")),
    ("statistik", N_("Statistik pendaftaran")),
    ("ekspor", N_("Ekspor pendaftaran (XLSX/CSV)")),
    ("impor", N_("Impor keputusan dan nomor KPJ")),
    ("masuk", N_("Tautan masuk ke desk web (sekali pakai)")),
    ("keluar", N_("Akhiri semua sesi desk web")),
    ("roster_impor", N_("Impor daftar pekerja sponsor (supervisor, admin)")),
    ("roster", N_("Daftar pekerja sponsor dan angkanya")),
    ("roster_slip", N_("Cetak slip undangan: /roster_slip <nomor daftar>")),
    ("roster_undang", N_("Undang daftar pekerja lewat WhatsApp (supervisor, admin)")),
    ("petugas", N_("Daftar petugas (admin)")),
    ("petugas_tambah", N_("Tambah atau ubah petugas (admin)")),
    ("petugas_hapus", N_("Hapus petugas (admin)")),
    ("cabang", N_("Daftar cabang dan wilayahnya (admin)")),
    *WORKER_MENU,
)
