"""Who pays a worker's JKK and JKM, and whether the PP 50/2025 relief applies when they do.

PP 50/2025 halves JKK and JKM for BPU participants except when the contribution is paid from the
state or a regional budget (APBN or APBD: Pasal 3-4, as reported by CNBC Indonesia on
2026-02-04). Regencies' programmes are paid from the APBD, by zakat bodies (BAZNAS, LAZ), by
companies' CSR and by village budgets (Dana Desa), so a sponsor is recorded with one of the types
below. Whether a village budget (APBDes) counts as "APBD" is not settled by any source found: it
is computed with the relief and marked to confirm here, next to the rule.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.enums import Payer
from bot.i18n import N_
from bot.messages import Msg

PP50_PAYERS = (
    "PP 50/2025 Pasal 3-4: the relief is not given when the contribution is paid from the APBN "
    "or the APBD (CNBC Indonesia, 2026-02-04)"
)
APBDES_TO_CONFIRM = (
    "a village budget (APBDes, Dana Desa) is neither APBN nor APBD by name; no source says "
    "whether Pasal 3-4 covers it: computed with the relief, to confirm"
)


@dataclass(frozen=True)
class PayerType:
    """A kind of payer: how officers and workers read it, and whether the relief applies."""

    payer: Payer
    key: str  # the sponsor dialog's button and /sponsor_jenis argument (sponsors.level)
    label: str  # msgid: the type's name, "APBD kabupaten/kota"
    paid_by: str  # msgid: who pays, as the worker's summary says it
    relief: bool  # the PP 50/2025 relief applies to what this payer pays
    to_confirm: bool
    source: str


PAYER_TYPES: tuple[PayerType, ...] = (
    PayerType(
        Payer.SELF, "mandiri", N_("Bayar sendiri"), N_("bayar sendiri"), True, False, PP50_PAYERS
    ),
    PayerType(
        Payer.APBN,
        "pusat",
        N_("APBN"),
        N_("dibayar pemerintah pusat (APBN)"),
        False,
        False,
        PP50_PAYERS,
    ),
    PayerType(
        Payer.APBD_PROVINCE,
        "provinsi",
        N_("APBD provinsi"),
        N_("dibayar pemerintah provinsi (APBD)"),
        False,
        False,
        PP50_PAYERS,
    ),
    PayerType(
        Payer.APBD_REGENCY,
        "kabupaten",
        N_("APBD kabupaten/kota"),
        N_("dibayar pemerintah kabupaten/kota (APBD)"),
        False,
        False,
        PP50_PAYERS,
    ),
    PayerType(
        Payer.APBDES,
        "desa",
        N_("APBDes (Dana Desa)"),
        N_("dibayar pemerintah desa (APBDes)"),
        True,
        True,
        APBDES_TO_CONFIRM,
    ),
    PayerType(
        Payer.ZAKAT,
        "zakat",
        N_("Zakat (BAZNAS/LAZ)"),
        N_("dibayar dari zakat (BAZNAS/LAZ)"),
        True,
        False,
        PP50_PAYERS,
    ),
    PayerType(
        Payer.CSR,
        "csr",
        N_("Perusahaan (CSR)"),
        N_("dibayar perusahaan (CSR)"),
        True,
        False,
        PP50_PAYERS,
    ),
    PayerType(
        Payer.OTHER, "lainnya", N_("Lainnya"), N_("dibayar sponsor"), True, False, PP50_PAYERS
    ),
)
BY_PAYER = {t.payer: t for t in PAYER_TYPES}
BY_KEY = {t.key: t for t in PAYER_TYPES}
# The types a sponsor can be recorded with (everyone but the worker themselves).
SPONSOR_TYPES = tuple(t for t in PAYER_TYPES if t.payer is not Payer.SELF)
# Whose payments the PP 50/2025 relief applies to.
RELIEF_PAYERS = frozenset(t.payer for t in PAYER_TYPES if t.relief)


def payer_type(payer: Payer) -> PayerType:
    """The type of a payer."""
    return BY_PAYER[payer]


def payer_words(payer: Payer) -> Msg:
    """A payer type as officers read it; a type whose relief rule is to confirm says so."""
    kind = payer_type(payer)
    if kind.to_confirm:
        return Msg(
            N_("{payer}; keringanan PP 50/2025 dihitung, perlu dikonfirmasi"),
            {"payer": Msg(kind.label)},
        )
    return Msg(kind.label)
