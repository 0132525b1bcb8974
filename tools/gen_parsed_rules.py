"""Write rules/parsed.json: every built-in rules file (the rulesets and the vocabulary) as
parsed, with the size and CRC-32 of its text. A check reads it in a tenth of the time the YAML takes;
enforcer/vocabulary.py uses an entry only while it matches its file's text.

    python tools/gen_parsed_rules.py          # rewrite rules/parsed.json
    python tools/gen_parsed_rules.py --check  # exit 1 when it is stale (tests run this)
"""

from __future__ import annotations

import json
import sys
from functools import partial
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from generated import write_or_check  # noqa: E402

from enforcer.config import VOCABULARY_FILE, builtin_names, parse_builtin  # noqa: E402
from enforcer.vocabulary import fingerprint, parse_source  # noqa: E402

RULES = ROOT / "rules"
TARGET = RULES / "parsed.json"


def render() -> str:
    parsers = {f"{name}.yml": partial(parse_builtin, name=name) for name in builtin_names()}
    parsers[VOCABULARY_FILE] = parse_source
    entries = {}
    for file_name, parse in sorted(parsers.items()):
        source = (RULES / file_name).read_bytes()
        entries[file_name] = {"fingerprint": fingerprint(source), "data": parse(source)}
    return json.dumps(entries, ensure_ascii=False, separators=(",", ":")) + "\n"


def main(argv: list[str]) -> int:
    return write_or_check(TARGET, render(), argv, "tools/gen_parsed_rules.py")


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
