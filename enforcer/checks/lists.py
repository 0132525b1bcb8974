"""``require_list``: the section gives its steps as a list (numbered, bulleted or boxes)."""

from __future__ import annotations

from collections.abc import Sequence

from enforcer.model import Block, ContentRules

RULE = "require-list"


def check(content: Sequence[tuple[Block, list[str]]], rules: ContentRules) -> str | None:
    if not rules.require_list:
        return None
    if sum(1 for block, lines in content if lines and block.kind in ("item", "task")) == 0:
        return "gives no list of steps"
    return None
