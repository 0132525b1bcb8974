"""What the generators in tools/ share: write a generated file, or with ``--check`` say
whether the one in the tree is stale (the tests run each with ``--check``)."""

from __future__ import annotations

import sys
from pathlib import Path


def write_or_check(target: Path, text: str, argv: list[str], command: str) -> int:
    """0 once ``target`` holds ``text``; with ``--check`` in ``argv``, 1 (and how to rewrite it)
    when it does not, writing nothing."""
    if "--check" in argv:
        if not target.exists() or target.read_text(encoding="utf-8") != text:
            print(f"{target.relative_to(target.parents[1])} is stale: run python {command}", file=sys.stderr)
            return 1
        return 0
    target.write_text(text, encoding="utf-8")
    return 0
