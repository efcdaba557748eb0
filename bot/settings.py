"""Settings from the environment or a ``.env`` file (names from CONVENTIONS.md, no prefix)."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict


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
    kpj_length: int = Field(default=11, ge=6, le=20)
    webhook_url: str = ""
    webhook_secret: SecretStr | None = None
    webhook_listen: str = "0.0.0.0"
    webhook_port: int = 8080
    draft_retention_days: int = 30
    reminder_after_hours: int = 24
    consent_version: str = "1"
    outbox_lease_seconds: int = Field(default=30, ge=1)
    inbox_lease_seconds: int = Field(default=30, ge=1)
    log_level: str = "INFO"

    @field_validator("officer_ids", mode="before")
    @classmethod
    def _split_ids(cls, value: object) -> object:
        """'123, 456' → (123, 456); an empty value means no officers."""
        if isinstance(value, str):
            return tuple(int(part) for part in value.replace(";", ",").split(",") if part.strip())
        if isinstance(value, int):
            return (value,)
        return value
