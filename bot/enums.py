"""The domain's closed sets of values, stored as text (never renumbered)."""

from __future__ import annotations

from enum import StrEnum


class Sex(StrEnum):
    """Sex as printed on the KTP; the NIK encodes it in the birth day (+40 for women)."""

    MALE = "L"
    FEMALE = "P"


class Status(StrEnum):
    """Life of a submission (docs/workers.md, docs/officers.md)."""

    DRAFT = "draf"
    SUBMITTED = "diajukan"
    NEEDS_FIX = "perlu_perbaikan"
    APPROVED = "disetujui"
    REJECTED = "ditolak"


# A NIK with a submission in one of these cannot register again.
BLOCKING_STATUSES = (Status.SUBMITTED, Status.NEEDS_FIX, Status.APPROVED)


class Payer(StrEnum):
    """Who pays a contribution: the worker, or a sponsor's budget (bot/payers.py says which of
    them the PP 50/2025 relief applies to)."""

    SELF = "mandiri"
    APBN = "apbn"
    APBD_PROVINCE = "apbd_provinsi"
    APBD_REGENCY = "apbd_kabupaten"
    APBDES = "apbdes"  # a village budget (Dana Desa)
    ZAKAT = "zakat"  # BAZNAS or a LAZ
    CSR = "csr"  # a company's CSR
    OTHER = "lainnya"

    @classmethod
    def _missing_(cls, value: object) -> Payer | None:
        # Stored before the types were split (migration 0014): the sponsors were regencies.
        return cls.APBD_REGENCY if value == "apbd" else None


class Flag(StrEnum):
    """Things an officer should look at twice; never a reason to refuse a worker."""

    NIK_BIRTH_DATE_DIFFERS = "nik_tanggal_beda"
    NIK_SEX_DIFFERS = "nik_jk_beda"
    HOME_DIFFERS_FROM_NIK = "domisili_beda"
    NIK_REGION_UNKNOWN = "wilayah_nik_tidak_dikenal"
    POSSIBLE_DUPLICATE = "kemungkinan_ganda"
    AGE_65_OR_OLDER = "usia_65_lebih"


class Role(StrEnum):
    """What an officer may do: petugas (one branch), supervisor (several or all), admin."""

    PETUGAS = "petugas"
    SUPERVISOR = "supervisor"
    ADMIN = "admin"
