"""Officers' words: a reason matched to the preset reasons, a KPJ number with words around it,
and a command typed nearly right ("/setuju" → "Maksud Anda /setujui?")."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

from rapidfuzz import fuzz, process

from bot.reading.leadins import Kind, value_text
from bot.reading.normalise import phrases, said
from bot.reading.results import Ambiguous, Confirm, Value, Why
from bot.validation import Invalid

# Preset reason (its msgid, bot.officers.decisions) → the words officers use for it. A test
# checks every preset has an entry.
REASON_WORDS: dict[str, tuple[tuple[str, ...], ...]] = {
    "NIK tidak sesuai dengan KTP": phrases(
        """
        nik salah, nik tidak sesuai, nik beda, nik tidak cocok, ktp beda, ktp tidak sesuai
        nik tidak valid, nik palsu, nik tidak terdaftar, dukcapil, nik keliru, beda dengan ktp
        nik tidak ditemukan, nik orang lain, nik
        """
    ),
    "Data tidak lengkap atau tidak jelas": phrases(
        """
        tidak lengkap, kurang lengkap, belum lengkap, data kurang, tidak jelas, kurang jelas
        data kosong, ada yang kosong, asal isi, ngawur, tidak terbaca, data aneh, meragukan
        kurang data, data belum lengkap
        """
    ),
    "Sudah terdaftar sebagai peserta aktif": phrases(
        """
        sudah terdaftar, terdaftar, sudah jadi peserta, sudah peserta, peserta aktif, punya kpj
        sudah punya kartu, sudah ikut, masih aktif, dobel, double, ganda, sudah ada kpj
        sudah daftar, kepesertaan aktif, aktif, pernah daftar, sudah pernah, sudah ada
        """
    ),
    "Pekerja penerima upah, bukan BPU": phrases(
        """
        penerima upah, karyawan, pegawai, pabrik, kantor, perusahaan, pns, asn, bukan bpu, pu
        pekerja formal, digaji, gaji tetap, tni, polri, honorer, ppu
        """
    ),
    "Usia di luar ketentuan kepesertaan": phrases(
        """
        usia, umur, terlalu tua, lansia, di bawah umur, belum cukup umur, lewat umur, pensiun
        masih anak, masih sekolah, kelewat tua, ketuaan, kemudaan, terlalu muda
        """
    ),
    "Tidak sesuai dengan KTP": phrases(
        """
        tidak sesuai ktp, beda dengan ktp, beda ktp, tidak sama dengan ktp, sesuaikan ktp
        sesuai ktp, cek ktp, lihat ktp, ikuti ktp, ktp
        """
    ),
    "Belum lengkap": phrases(
        """
        belum lengkap, kurang lengkap, tidak lengkap, lengkapi, dilengkapi, kurang rt, rt rw
        belum ada, kosong, kurang
        """
    ),
    "Salah ketik atau tidak terbaca": phrases(
        """
        salah ketik, typo, tidak terbaca, tidak jelas, salah tulis, keliru ketik, kebalik
        ejaan, huruf, salah eja
        """
    ),
}
# A command this close (0..100) to a known one is offered as what was meant.
NEAR_COMMAND = 75
_COMMAND = re.compile(r"/?([a-z_]+)")


def read_reason(
    text: str, presets: Sequence[str]
) -> Value[int] | Confirm[int] | Ambiguous[int] | None:
    """The preset (its index) an officer's reason is: typed as it is (``Value``), or the one
    whose words it uses most (``Confirm``, once); None when it names none (kept as typed)."""
    heard = said(text)
    typed = " ".join(heard.keys)
    for index, preset in enumerate(presets):
        if typed == " ".join(said(preset).keys):
            return Value(index)
    scores = [
        sum(len(p) for p in REASON_WORDS.get(preset, ()) if heard.find(p) is not None)
        for preset in presets
    ]
    best = max(scores, default=0)
    if best == 0:
        return None
    top = tuple(i for i, score in enumerate(scores) if score == best)
    return Confirm(top[0], Why.CLOSEST) if len(top) == 1 else Ambiguous(top)


def read_kpj(text: str, check: Callable[[str], str | Invalid]) -> Value[str] | Invalid:
    """A KPJ number with words around it ("kpj nya 2301 2345 678"), checked by ``check``
    (bot.officers.decisions.check_kpj with the configured length)."""
    kpj = check(value_text(said(text), Kind.KPJ))
    return kpj if isinstance(kpj, Invalid) else Value(kpj)


def near_command(
    typed: str, known: Sequence[str]
) -> Value[str] | Confirm[str] | Ambiguous[str] | None:
    """The known command a typed one is (``Value``) or nearly is ("/setuju" → "setujui",
    "/antrian" → "antrean": ``Confirm``, offered as "Maksud Anda /setujui?"); several as close
    are offered together; None when none is close."""
    match = _COMMAND.fullmatch(typed.strip().casefold())
    if match is None:
        return None
    name = match[1]
    if name in known:
        return Value(name)
    found = process.extract(name, list(known), scorer=fuzz.ratio, score_cutoff=NEAR_COMMAND)
    if not found:
        return None
    best = found[0][1]
    top = tuple(choice for choice, score, _ in found if score == best)
    return Confirm(top[0], Why.CLOSEST) if len(top) == 1 else Ambiguous(top)
