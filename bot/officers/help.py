"""What an officer sees for /bantuan (their own commands), and a command typed nearly right
("/setuju": "Maksud Anda /setujui?", with a button that runs it)."""

from __future__ import annotations

from bot.domain import OFFICER_COMMANDS
from bot.i18n import N_
from bot.messages import Block, Button, Msg, Reply
from bot.reading.officers import near_command
from bot.reading.results import Ambiguous, Confirm

# Each officer command with what it does, in the order an officer meets them.
OFFICER_HELP = (
    ("antrean", N_("/antrean [halaman]: pendaftaran yang menunggu keputusan")),
    ("lihat", N_("/lihat <nomor>: kartu pendaftaran dengan tombol keputusan")),
    ("cari", N_("/cari <NIK, nomor HP atau nama>: cari pendaftaran")),
    ("setujui", N_("/setujui <nomor> <KPJ>: setujui")),
    ("tolak", N_("/tolak <nomor> <alasan>: tolak")),
    ("perbaikan", N_("/perbaikan <nomor> <bagian> <catatan>: minta perbaikan")),
    ("audit", N_("/audit <nomor>: riwayat pendaftaran")),
    ("acara_baru", N_("/acara_baru: buat acara sosialisasi dengan tautan dan poster")),
    ("acara", N_("/acara: daftar acara")),
    ("sponsor_baru", N_("/sponsor_baru: catat penanggung iuran")),
    ("sponsor", N_("/sponsor: laporan penanggung iuran")),
    ("sponsor_jenis", N_("/sponsor_jenis: ubah jenis penanggung iuran")),
    (
        "akses_sponsor",
        N_("/akses_sponsor [<sponsor> <id Telegram> <nama> | cabut <akses>]: akses wakil sponsor"),
    ),
    (
        "sponsor_nik",
        N_("/sponsor_nik <sponsor> <perjanjian | ->: NIK lengkap untuk sponsor (admin)"),
    ),
    ("roster_impor", N_("/roster_impor [sponsor]: impor daftar pekerja dari sponsor")),
    ("roster", N_("/roster [nomor daftar]: daftar pekerja sponsor dan angkanya")),
    ("roster_slip", N_("/roster_slip <nomor daftar> [bagian]: cetak slip undangan")),
    ("roster_undang", N_("/roster_undang <nomor daftar>: undang lewat WhatsApp")),
    ("statistik", N_("/statistik: angka pendaftaran")),
    ("ekspor", N_("/ekspor: unduh data pendaftaran")),
    ("impor", N_("/impor: unggah keputusan dari lembar kerja")),
    ("petugas", N_("/petugas: daftar petugas (admin)")),
    ("petugas_tambah", N_("/petugas_tambah: tambah petugas (admin)")),
    ("petugas_hapus", N_("/petugas_hapus: hapus petugas (admin)")),
    ("cabang", N_("/cabang: tabel cabang (admin)")),
    ("masuk", N_("/masuk: tautan masuk ke meja kerja web")),
    ("keluar", N_("/keluar: keluar dari meja kerja web")),
)
# Telegram's limit on a button's data: a longer command is offered in words only.
BUTTON_DATA_LIMIT = 64


def officer_help() -> Reply:
    """/bantuan for an officer: the officer's commands first, then how to test as a worker."""
    return Reply(
        parts=(
            Block(
                (
                    Msg(N_("<b>Bantuan petugas</b>")),
                    *(Msg(line) for name, line in OFFICER_HELP if name in OFFICER_COMMANDS),
                )
            ),
            Msg(
                N_(
                    "Ketik Batal untuk menghentikan isian yang sedang berjalan. Perintah pekerja "
                    "(/start, /status) juga berlaku untuk mencoba pendaftaran."
                )
            ),
        )
    )


def near_officer_command(name: str, args: str) -> Reply | None:
    """ "Maksud Anda /setujui?" for a command an officer typed nearly right, with a button that
    runs it with the same arguments; None when no officer command is close."""
    found = near_command(f"/{name}", sorted(OFFICER_COMMANDS))
    if not isinstance(found, Confirm | Ambiguous):
        return None
    names = [found.value] if isinstance(found, Confirm) else list(found.choices)
    rows = tuple(
        (Button(Msg("/{command}", {"command": command}), f"off:{command}:{args.strip()}"),)
        for command in names
        if len(f"off:{command}:{args.strip()}".encode()) <= BUTTON_DATA_LIMIT
    )
    return Reply(
        parts=(
            Msg(
                N_("Perintah /{typed} tidak dikenal. Maksud Anda {commands}?"),
                {"typed": name, "commands": " / ".join(f"/{c}" for c in names)},
            ),
        ),
        buttons=rows,
    )
