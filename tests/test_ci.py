"""CI runs the static checks and the suite once: ``scripts/check --static`` runs ruff (format and
lint), mypy and the import contracts and no test, and ``.ci/run`` calls it besides the README's
test command. scripts/check is run here with a stand-in interpreter that records its arguments,
so the steps are seen without running them."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CHECK = ROOT / "scripts" / "check"
STATIC_STEPS = ["-m ruff format --check .", "-m ruff check .", "-m mypy", "lint-imports"]


def stand_ins(folder: Path, failing: str = "") -> Path:
    """A ``python`` and a ``lint-imports`` in ``folder`` that log their arguments (and fail
    when they contain ``failing``); the log's path."""
    log = folder / "calls.log"
    for name, prefix in (("python", ""), ("lint-imports", "lint-imports ")):
        script = folder / name
        script.write_text(
            "#!/usr/bin/env bash\n"
            f'echo "{prefix}$*" >> "{log}"\n'
            f'[[ -z "{failing}" || "{prefix}$*" != *"{failing}"* ]]\n'
        )
        script.chmod(0o755)
    return log


def calls(log: Path) -> list[str]:
    return [line.strip() for line in log.read_text().splitlines()]


def check(folder: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHON": str(folder / "python")}
    return subprocess.run(
        [str(CHECK), *args], capture_output=True, text=True, env=env, timeout=30, check=False
    )


def test_the_static_mode_runs_every_static_check_and_no_test(tmp_path: Path) -> None:
    log = stand_ins(tmp_path)
    done = check(tmp_path, "--static")
    assert done.returncode == 0, done.stderr
    assert calls(log) == STATIC_STEPS
    assert "All checks passed." in done.stdout


def test_a_failing_static_check_fails_the_run_after_every_check_ran(tmp_path: Path) -> None:
    log = stand_ins(tmp_path, failing="mypy")
    done = check(tmp_path, "--static")
    assert done.returncode == 1
    assert calls(log) == STATIC_STEPS
    assert done.stderr.strip() == f"FAILED: {tmp_path / 'python'} -m mypy"


def test_without_static_the_tests_run_after_them_with_the_arguments_given(
    tmp_path: Path,
) -> None:
    log = stand_ins(tmp_path)
    assert check(tmp_path, "-x", "-k", "catalogs").returncode == 0
    assert calls(log) == [*STATIC_STEPS, "-m pytest -x -k catalogs"]
    assert check(tmp_path, "--static", "-x").returncode == 2


def test_ci_runs_the_static_checks_and_the_suite_once() -> None:
    commands = [
        line.strip()
        for line in (ROOT / ".ci" / "run").read_text().splitlines()
        if line.strip() and not line.lstrip().startswith(("#", "echo "))
    ]
    static = [line for line in commands if "scripts/check" in line]
    assert len(static) == 1 and static[0].endswith("--static"), static
    suite = [line for line in commands if "pytest" in line]
    assert suite == ["python -m pytest"]
    assert commands.index(static[0]) < commands.index("python -m pytest")
