"""/bantuan for officers lists every officer command, each once, in words an officer reads."""

from __future__ import annotations

from bot.domain import OFFICER_COMMANDS
from bot.officers.help import OFFICER_HELP, officer_help
from bot.render import PLAIN, render_text


def test_every_officer_command_has_one_help_line() -> None:
    named = [name for name, _ in OFFICER_HELP]
    assert sorted(named) == sorted(set(named))
    assert set(OFFICER_COMMANDS) <= set(named)


def test_the_officer_help_shows_each_command_by_its_name() -> None:
    for lang in ("id", "en"):
        text = render_text(officer_help(), lang, PLAIN)
        for name in OFFICER_COMMANDS:
            assert f"/{name}" in text, (lang, name)
