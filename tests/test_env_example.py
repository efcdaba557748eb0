""".env.example lists every setting of bot/settings.py, each with a comment and its default."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from pydantic import SecretStr

from bot.settings import Settings

EXAMPLE = Path(__file__).resolve().parent.parent / ".env.example"
SETTING = re.compile(r"^# ([A-Z][A-Z0-9_]*)=(.*)$")


def example() -> dict[str, tuple[str, str]]:
    """NAME → (its default as written, the comment line above it)."""
    lines = EXAMPLE.read_text(encoding="utf-8").splitlines()
    found: dict[str, tuple[str, str]] = {}
    for index, line in enumerate(lines):
        if match := SETTING.match(line):
            assert match[1] not in found, f"{match[1]} is listed twice"
            found[match[1]] = (match[2], lines[index - 1])
    return found


def written(default: object) -> str:
    """A default as .env.example writes it."""
    if default is None or isinstance(default, SecretStr):
        return ""
    if isinstance(default, tuple):
        return ",".join(str(part) for part in default)
    return str(default)


def test_every_setting_is_listed_with_its_default() -> None:
    listed = example()
    fields = {name.upper(): field.default for name, field in Settings.model_fields.items()}
    assert sorted(listed) == sorted(fields), "add or remove the setting in .env.example"
    wrong = {name: value for name, (value, _) in listed.items() if value != written(fields[name])}
    assert not wrong, f"defaults in .env.example differ from bot/settings.py: {wrong}"


def test_every_setting_has_a_comment_above_it() -> None:
    bare = [name for name, (_, above) in example().items() if SETTING.match(above) or above == ""]
    assert not bare, f"say in one comment line what these are: {bare}"


def test_the_example_uncommented_gives_the_defaults(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    env = tmp_path / ".env"
    values = {name: value for name, (value, _) in example().items() if value}
    env.write_text("".join(f"{name}={value}\n" for name, value in values.items()))
    for name in example():
        monkeypatch.delenv(name, raising=False)
    loaded = Settings(_env_file=env)  # type: ignore[call-arg]
    defaults = Settings(_env_file=None)  # type: ignore[call-arg]
    assert loaded == defaults


def test_the_running_docs_explain_every_setting() -> None:
    """docs/running.md's settings table names each setting (by its environment name)."""
    text = (Path(__file__).parent.parent / "docs" / "running.md").read_text(encoding="utf-8")
    missing = [name.upper() for name in Settings.model_fields if f"`{name.upper()}`" not in text]
    assert missing == []
