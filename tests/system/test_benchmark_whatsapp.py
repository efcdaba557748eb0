"""``benchmarks/run.py --channel whatsapp`` runs: a few workers register through the WhatsApp
channel against the fake Cloud API, none refused, within the messages-per-registration target."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent


def test_the_whatsapp_registration_run_reports_its_numbers() -> None:
    result = subprocess.run(
        [sys.executable, "run.py", "--channel", "whatsapp", "--workers", "6"],
        cwd=ROOT / "benchmarks",
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    line = json.loads(result.stdout.strip().splitlines()[-1])
    assert line["channel"] == "whatsapp"
    assert line["completed"] == line["workers"] == 6
    assert line["refused"] == 0 and line["errors"] == 0
    assert 5 < line["messages_per_registration"] <= 15
    assert line["mark_read_per_registration"] == line["updates"] / 6  # one per message in
    assert "messages sent to the Cloud API" in result.stdout
