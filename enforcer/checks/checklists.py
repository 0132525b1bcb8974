"""``all_boxes_ticked``: every check box with text in the section is ticked (``- [x]``).

For checklists that must be done before merging, such as the staging and production checks.
"""

from __future__ import annotations

from collections.abc import Sequence

from enforcer.model import Block, ContentRules

RULE = "all-boxes-ticked"


def check(content: Sequence[tuple[Block, list[str]]], rules: ContentRules) -> str | None:
    if not rules.all_boxes_ticked:
        return None
    open_boxes = [block for block, _ in content if block.kind == "task" and not block.checked]
    if open_boxes:
        lines = ", ".join(str(block.line) for block in open_boxes[:5])
        return f"has {len(open_boxes)} unticked box{'es' if len(open_boxes) != 1 else ''} (line {lines})"
    return None
