"""Smoke test of an installed BPU Bot: a wheel in a fresh virtual environment, not the checkout.

    cd "$(mktemp -d)" && /path/to/venv/bin/python -I /path/to/checkout/scripts/smoke_installed.py

-I keeps the checkout (and PYTHONPATH) off sys.path, so everything below comes from the install.
It checks that every module and data file of the source tree was installed, that ``python -m bot
chat`` answers in English after /bahasa → English, that charts are drawn with the English labels, that
``bpu-bot migrate`` and ``bpu-bot run`` are wired, and that what they write is private (0600/0700).
Every failed check is printed; the exit status is 1 if any failed.
"""

from __future__ import annotations

import argparse
import os
import stat
import subprocess
import sys
import sysconfig
import tempfile
from collections.abc import Callable
from functools import cache
from importlib import resources
from pathlib import Path

SOURCE = Path(__file__).resolve().parent.parent
PACKAGES = ("bot", "handlers", "storage", "locales")
# Files of the source tree that are not meant to be installed: notes for developers, never read
# at run time.
NOT_SHIPPED = {"README.md", "MIRRORING.md"}
CONSENT_QUESTION = "Anda setuju data Anda dipakai untuk pendaftaran ini?"
LANGUAGE_SET = "Bahasa: Bahasa Indonesia."


class Failed(Exception):
    """A smoke check that did not hold."""


def check(condition: bool, message: str) -> None:
    if not condition:
        raise Failed(message)


@cache
def english(msgid: str) -> str:
    """The English text of ``msgid`` in the checkout's catalog (not the installed one)."""
    from babel.messages.pofile import read_po

    with (SOURCE / "locales" / "en" / "LC_MESSAGES" / "bpubot.po").open("rb") as handle:
        catalog = read_po(handle, locale="en")
    message = catalog.get(msgid)
    check(message is not None and bool(message.string), f"no English for {msgid!r} in the source")
    assert message is not None
    return str(message.string)


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def run(
    work: Path, *args: str, stdin: str = "", module: bool = False
) -> subprocess.CompletedProcess[str]:
    """``bpu-bot ARGS`` (or ``python -m bot ARGS``) in ``work``, configured with a database only."""
    script = Path(sys.executable).parent / "bpu-bot"
    check(script.is_file(), f"the console script {script} is not installed")
    command = [sys.executable, "-m", "bot"] if module else [str(script)]
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(work),
        "PYTHONIOENCODING": "utf-8",
        "DATABASE_URL": f"sqlite:///{work / 'db' / 'bpu.db'}",
    }
    return subprocess.run(
        [*command, *args],
        input=stdin,
        capture_output=True,
        text=True,
        encoding="utf-8",
        cwd=work,
        env=env,
        timeout=120,
        check=False,
    )


def installed_not_checkout() -> None:
    """The packages are imported from site-packages, not from the checkout."""
    site = Path(sysconfig.get_paths()["purelib"]).resolve()
    for name in PACKAGES:
        location = Path(str(resources.files(name))).resolve()
        check(location.is_relative_to(site), f"{name} is imported from {location}, not {site}")
        check(not location.is_relative_to(SOURCE), f"{name} comes from the checkout {location}")


def every_file_shipped() -> None:
    """Every module and data file under the source packages is installed."""
    missing: list[str] = []
    for name in PACKAGES:
        installed = Path(str(resources.files(name)))
        for path in sorted((SOURCE / name).rglob("*")):
            if not path.is_file() or "__pycache__" in path.parts or path.suffix in {".pyc", ".mo"}:
                continue
            if path.name in NOT_SHIPPED:
                continue
            relative = path.relative_to(SOURCE / name)
            if not (installed / relative).is_file():
                missing.append(f"{name}/{relative}")
    check(not missing, "not installed: " + ", ".join(missing))


def chat_answers_in_english(work: Path) -> None:
    """``python -m bot chat`` (the README's line): Indonesian first; after /bahasa and English
    (choice 2), English."""
    result = run(work, "chat", stdin="/bahasa\n2\n", module=True)
    check(
        result.returncode == 0, f"python -m bot chat exited {result.returncode}:\n{result.stderr}"
    )
    check("Traceback" not in result.stderr, f"python -m bot chat:\n{result.stderr}")
    before, _, after = result.stdout.partition(english(LANGUAGE_SET))
    check(bool(after), f"no English language confirmation in:\n{result.stdout}")
    check(CONSENT_QUESTION in before, "the chat did not start in Indonesian")
    check(english(CONSENT_QUESTION) in after, f"not asked again in English:\n{after}")
    check(CONSENT_QUESTION not in after, "Indonesian after choosing English")
    check(mode(work / "db" / "bpu.db") == 0o600, "the database is not private (0600)")
    check(mode(work / "db") == 0o700, "the database's new directory is not private (0700)")


def chart_in_english(work: Path) -> None:
    """Charts: the labels they draw in English are the catalog's, and the picture differs."""
    from bot.charts import FUNNEL_LABELS, FUNNEL_TITLE, NO_DATA, funnel_png
    from bot.i18n import translate

    for msgid in (FUNNEL_TITLE, NO_DATA, *FUNNEL_LABELS):
        check(translate(msgid, "en") == english(msgid), f"chart label {msgid!r} not in English")
    steps = [(label, 10 - i) for i, label in enumerate(FUNNEL_LABELS)]
    check(funnel_png(steps, "en") != funnel_png(steps, "id"), "the English chart is Indonesian")
    # The officer's /statistik in the terminal writes its chart to chat-output/.
    pictures = {}
    for lang, lines in (("id", "/statistik\n"), ("en", "/bahasa\n2\n/statistik\n")):
        folder = work / lang
        folder.mkdir()
        result = run(folder, "chat", "--officer", stdin=lines)
        check(result.returncode == 0, f"bpu-bot chat --officer:\n{result.stderr}")
        # Each chart gets its own name (statistik-<time>-<random>.png), never overwriting one.
        written = sorted((folder / "chat-output").glob("statistik-*.png"))
        check(len(written) == 1, f"no chart written by /statistik ({lang}):\n{result.stdout}")
        picture = written[0]
        check(mode(picture) == 0o600 and mode(picture.parent) == 0o700, "chat-output not private")
        pictures[lang] = picture.read_bytes()
    check(pictures["en"] != pictures["id"], "/statistik drew the same chart in both languages")


def commands_are_wired(work: Path) -> None:
    """``bpu-bot migrate`` makes the database; ``bpu-bot run`` asks for the token it lacks."""
    result = run(work, "migrate")
    check(result.returncode == 0, f"bpu-bot migrate:\n{result.stderr}")
    check("Database ready" in result.stdout, f"bpu-bot migrate said:\n{result.stdout}")
    result = run(work, "run")
    check(result.returncode != 0, "bpu-bot run started without a token")
    check("TELEGRAM_BOT_TOKEN" in result.stderr, f"bpu-bot run said:\n{result.stderr}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument(
        "--editable",
        action="store_true",
        help="the install is `pip install -e .`: skip the checks that it is not the checkout",
    )
    editable = parser.parse_args().editable
    # The usual umask, under which files not made private on purpose would be world-readable.
    os.umask(0o022)
    failures: list[str] = []
    with tempfile.TemporaryDirectory() as folder:
        work = Path(folder)
        for part in ("chat", "chart", "commands"):
            (work / part).mkdir()
        checks: list[tuple[str, Callable[[], None]]] = [
            ("chat in English", lambda: chat_answers_in_english(work / "chat")),
            ("chart in English", lambda: chart_in_english(work / "chart")),
            ("migrate and run", lambda: commands_are_wired(work / "commands")),
        ]
        if not editable:
            checks[:0] = [
                ("installed, not the checkout", installed_not_checkout),
                ("every file shipped", every_file_shipped),
            ]
        for name, step in checks:
            try:
                step()
            except Exception as error:  # every failure is reported, then the next check runs
                failures.append(f"{name}: {type(error).__name__}: {error}")
                print(f"FAIL  {name}", file=sys.stderr)
            else:
                print(f"ok    {name}")
    for failure in failures:
        print(f"smoke: {failure}", file=sys.stderr)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
