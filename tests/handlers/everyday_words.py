"""A registration answered only in everyday words, for every channel's tests: lead-ins, a
Javanese yes, a hedged income confirmed with a tap, a button's word inside a sentence."""

from __future__ import annotations

from tests.conftest import NIK

# (what the worker types, what the bot's answer must show). The NIK reads as a woman born on
# 12 March 1979 in Kulon Progo; on WhatsApp the phone question is the channel's number, so its
# answer is given per channel.
BEFORE_PHONE = [
    ("iya setuju", "NIK"),
    (f"nik saya {NIK[:4]} {NIK[4:8]} {NIK[8:12]} {NIK[12:]}", "Benar?"),
    ("nggih leres", "nama lengkap"),
    ("nama saya Sri Wahyuni", "tempat lahir"),
    ("lahir di Kulon Progo", "Langkah 5"),
]
AFTER_PHONE = [
    ("sumuhun", "alamat"),
    ("alamat saya dusun krebet rt 2 rw 5, sendangsari", "pekerjaan"),
    ("melaut", "penghasilan"),
    ("ga tentu, kira2 sejuta", "Maksud Anda"),
    ("iya", "JHT"),
    ("teu", "Kirim"),
    ("kirim sekarang", "Maksud Anda Kirim?"),
    ("iya", "BPU-"),
]
# What a refusal says: none may appear.
REFUSALS = ("belum jelas", "tidak bisa membaca", "Pilih salah satu tombol", "tidak menemukan")


def refused(answer: str) -> bool:
    """Whether a bot's answer refuses what was typed."""
    return any(words in answer for words in REFUSALS)
