"""Rebuild api.json here from the upstream description (see README.md in this directory).

    python tests/telegram_api/trim.py /path/to/upstream/api.json

Keeps every method and the types a method's parameters can hold (followed through fields and
union members), each field with its types and whether it is required, and its description where
it states a rule the fake reads (a length, the ``type`` a union member must have, "required
if"); drops return types, links and the other prose.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
SOURCE = "https://github.com/PaulSonOfLars/telegram-bot-api-spec (api.json)"
RULE = re.compile(
    r'\d+-\d+ (characters|bytes)|must be [a-z_]+|always "[a-z_]+"|[Rr]equired if'
    r"|Values between|At most \d+"
)


def names(types: list[str]) -> list[str]:
    """The type names inside ``Array of Array of X`` and friends."""
    return [t.removeprefix("Array of ").removeprefix("Array of ") for t in types]


def trim(upstream: dict[str, Any], commit: str) -> dict[str, Any]:
    def fields(item: dict[str, Any]) -> list[dict[str, Any]]:
        kept = []
        for f in item.get("fields", []):
            field = {k: f[k] for k in ("name", "types", "required")}
            if RULE.search(f["description"]):
                field["description"] = f["description"]
            kept.append(field)
        return kept

    wanted: set[str] = set()
    todo = [
        t
        for m in upstream["methods"].values()
        for f in m.get("fields", [])
        for t in names(f["types"])
    ]
    while todo:
        name = todo.pop()
        if name in wanted or name not in upstream["types"]:
            continue
        wanted.add(name)
        item = upstream["types"][name]
        todo.extend(item.get("subtypes", []))
        todo.extend(t for f in item.get("fields", []) for t in names(f["types"]))
    types = {}
    for name in sorted(wanted):
        item = upstream["types"][name]
        kept: dict[str, Any] = {"fields": fields(item)}
        if item.get("subtypes"):
            kept["subtypes"] = item["subtypes"]
        if name in ("InlineKeyboardButton", "KeyboardButton"):
            kept["description"] = item["description"]  # "exactly/at most one of the fields…"
        types[name] = kept
    return {
        "version": upstream["version"],
        "release_date": upstream["release_date"],
        "changelog": upstream["changelog"],
        "source": SOURCE,
        "commit": commit,
        "methods": {n: {"fields": fields(m)} for n, m in sorted(upstream["methods"].items())},
        "types": types,
    }


def dump(spec: dict[str, Any]) -> str:
    """JSON with one line per method and per type, so that a new Bot API version diffs well."""

    def one(value: Any) -> str:
        return json.dumps(value, ensure_ascii=False)

    lines = ["{"]
    for key in ("version", "release_date", "changelog", "source", "commit"):
        lines.append(f" {one(key)}: {one(spec[key])},")
    for section in ("methods", "types"):
        lines.append(f" {one(section)}: {{")
        items = list(spec[section].items())
        for number, (name, item) in enumerate(items, start=1):
            comma = "," if number < len(items) else ""
            lines.append(f"  {one(name)}: {one(item)}{comma}")
        lines.append(" }," if section == "methods" else " }")
    lines.append("}")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    upstream = json.loads(Path(sys.argv[1]).read_text())
    commit = sys.argv[2] if len(sys.argv) > 2 else "?"
    out = trim(upstream, commit)
    (HERE / "api.json").write_text(dump(out))
