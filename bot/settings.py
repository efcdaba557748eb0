"""Settings from the environment or a ``.env`` file (docs/running.md, no prefix)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Annotated

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from bot.identity import split_key, telegram_officer


class Settings(BaseSettings):
    """Everything a deployment can change without touching code."""

    model_config = SettingsConfigDict(env_file=".env", extra="ignore")

    telegram_bot_token: SecretStr | None = None
    telegram_api_base_url: str = "https://api.telegram.org/bot"
    bot_username: str = "bpu_bot"
    database_url: str = "sqlite:///bpu.db"
    # PostgreSQL only: connections each process keeps open (min) and may open (max).
    database_pool_min: int = Field(default=2, ge=0)
    database_pool_max: int = Field(default=10, ge=1)
    officer_ids: Annotated[tuple[int, ...], NoDecode] = ()
    default_branch: str = "Kantor Pusat"
    branches_file: Path | None = None  # a deployment's own branch table (bot/data/README.md)
    payment_channels_file: Path | None = None  # a deployment's own list of places to pay
    kpj_length: int = Field(default=11, ge=6, le=20)
    webhook_url: str = ""
    webhook_secret: SecretStr | None = None
    webhook_listen: str = "0.0.0.0"
    webhook_port: int = 8080
    # The web desk (docs/web-desk.md): its own address and port, never the webhook's.
    web_desk_enabled: bool = False
    web_desk_listen: str = "127.0.0.1"
    web_desk_port: int = Field(default=8090, ge=1, le=65535)
    web_desk_public_url: str = ""  # how officers reach it, for /masuk links (default: listen)
    web_desk_secure_cookie: bool = True  # off only for tests over http://127.0.0.1
    web_desk_idle_minutes: int = Field(default=30, ge=1)
    web_desk_sign_ins_per_minute: int = Field(default=10, ge=1)  # per client address
    draft_retention_days: int = 30
    # Notifications delivered (or undeliverable) this long ago are deleted with what they said.
    outbox_retention_days: int = Field(default=30, ge=1)
    reminder_after_hours: int = 24
    payment_reminder_day: int = Field(default=5, ge=1, le=28)  # day of the month (WIB)
    consent_version: str = "1"
    outbox_lease_seconds: int = Field(default=30, ge=1)
    inbox_lease_seconds: int = Field(default=30, ge=1)
    inbox_takeover_seconds: float = Field(default=5.0, gt=0)
    log_level: str = "INFO"
    # Officers' /impor uploads (see bot.uploads): a branch's monthly file fits well within these.
    import_max_bytes: int = Field(default=10_000_000, ge=1)
    import_max_rows: int = Field(default=20_000, ge=1)
    import_max_columns: int = Field(default=30, ge=2, le=16_384)
    # Each part of an XLSX but its sheets and shared strings (styles, pictures, ...), and the
    # compression ratio of any part of 1 MB or more (docs/operations.md).
    import_max_part_bytes: int = Field(default=5_000_000, ge=1)
    import_max_ratio: int = Field(default=100, ge=1)

    # Rosters (docs/rosters.md): a sponsor's list of workers, invited with personal codes.
    roster_max_rows: int = Field(default=50_000, ge=1)
    roster_retention_days: int = Field(default=60, ge=1)  # unfinished rows' data then deleted
    roster_reminder_days: int = Field(
        default=3, ge=1
    )  # one reminder this long after the invitation
    roster_code_tries: int = Field(default=5, ge=1)  # wrong codes before a sender is paused
    roster_code_pause_minutes: int = Field(default=60, ge=1)
    # Meta's limits on business-initiated messages (docs/whatsapp.md): unique users reached per
    # rolling 24 hours for the portfolio (250, 2000, 10000, 100000; 0 = unlimited), messages per
    # second per number, and seconds between two messages to the same user (the pair rate).
    whatsapp_messaging_limit: int = Field(default=250, ge=0)
    whatsapp_messages_per_second: int = Field(default=80, ge=1)
    whatsapp_pair_seconds: float = Field(default=6.0, ge=0)
    whatsapp_template_invitation: str = "bpu_undangan_pendaftaran"
    whatsapp_template_invitation_reminder: str = "bpu_undangan_pengingat"

    # WhatsApp Cloud API (docs/whatsapp.md). Requests go to <base>/<phone number id>/messages; the
    # base pins the Graph API version (v26.0 is the newest one Meta's changelog lists, July 2026).
    whatsapp_phone_number_id: str = ""
    whatsapp_access_token: SecretStr | None = None
    whatsapp_app_secret: SecretStr | None = None  # signs the webhook's X-Hub-Signature-256
    whatsapp_verify_token: SecretStr | None = None  # echoed in the webhook's GET handshake
    whatsapp_api_base_url: str = "https://graph.facebook.com/v26.0"
    whatsapp_display_number: str = ""  # the business number in wa.me links: digits, with 62
    # One approved template per outbox notice (docs/whatsapp.md has their texts), in two languages.
    whatsapp_template_approved: str = "bpu_pendaftaran_disetujui"
    whatsapp_template_needs_fix: str = "bpu_pendaftaran_perlu_perbaikan"
    whatsapp_template_rejected: str = "bpu_pendaftaran_ditolak"
    whatsapp_template_finish_reminder: str = "bpu_pendaftaran_belum_selesai"
    whatsapp_template_payment_reminder: str = "bpu_pengingat_iuran"
    whatsapp_template_lang_id: str = "id"
    whatsapp_template_lang_en: str = "en_US"

    @field_validator("officer_ids", mode="before")
    @classmethod
    def _split_ids(cls, value: object) -> object:
        """'123, 456' (or 'tg:123') → (123, 456): Telegram user ids; an empty value means no
        officers. Officers work on Telegram only: a WhatsApp number ('wa:628...') is refused."""
        if isinstance(value, str):
            ids = []
            for part in (p.strip() for p in value.replace(";", ",").split(",")):
                if not part:
                    continue
                key = telegram_officer(part)
                if key is None:
                    raise ValueError(
                        f"OFFICER_IDS: {part!r} is not a Telegram user id (officers use Telegram"
                        " only; see docs/identity.md)"
                    )
                ids.append(int(split_key(key)[1]))
            return tuple(ids)
        if isinstance(value, int):
            return (value,)
        return value

    @field_validator(
        "whatsapp_template_approved",
        "whatsapp_template_needs_fix",
        "whatsapp_template_rejected",
        "whatsapp_template_finish_reminder",
        "whatsapp_template_payment_reminder",
        "whatsapp_template_invitation",
        "whatsapp_template_invitation_reminder",
    )
    @classmethod
    def _template_name(cls, value: str) -> str:
        """Meta's template names: lower-case letters, digits and underscores."""
        if not _TEMPLATE_NAME.fullmatch(value):
            raise ValueError("a template name is lower-case letters, digits and underscores")
        return value

    @field_validator("whatsapp_display_number")
    @classmethod
    def _display_number(cls, value: str) -> str:
        """'+62 812-3456-7890' → '6281234567890', the form wa.me links take."""
        digits = re.sub(r"[\s().+-]", "", value)
        if digits and not digits.isdigit():
            raise ValueError("WHATSAPP_DISPLAY_NUMBER is a phone number in international form")
        return digits

    @property
    def web_desk_url(self) -> str:
        """Where /masuk links point ("" when the web desk is off)."""
        if not self.web_desk_enabled:
            return ""
        fallback = f"http://{self.web_desk_listen}:{self.web_desk_port}"
        return (self.web_desk_public_url or fallback).rstrip("/")

    def whatsapp_missing(self) -> list[str]:
        """The WhatsApp settings a deployment must still set (empty: WhatsApp can run)."""
        required = {
            "WHATSAPP_PHONE_NUMBER_ID": self.whatsapp_phone_number_id,
            "WHATSAPP_ACCESS_TOKEN": _secret(self.whatsapp_access_token),
            "WHATSAPP_APP_SECRET": _secret(self.whatsapp_app_secret),
            "WHATSAPP_VERIFY_TOKEN": _secret(self.whatsapp_verify_token),
        }
        return [name for name, value in required.items() if not value]

    @property
    def whatsapp_configured(self) -> bool:
        """Whether the WhatsApp channel has what it needs to send and to receive."""
        return not self.whatsapp_missing()


_TEMPLATE_NAME = re.compile(r"[a-z0-9_]{1,512}")


def _secret(value: SecretStr | None) -> str:
    return value.get_secret_value() if value is not None else ""
