"""The content checks a requirement runs on its section, in this order.

Each is a pure function ``check(content, rules) -> message | None`` in its own module,
whose docstring is its documentation (docs/rules.md is generated from them).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from enforcer.checks import checklists, forbid, links, lists, words
from enforcer.model import Block, ContentRules

Check = Callable[[Sequence[tuple[Block, list[str]]], ContentRules], "str | None"]

# rule id -> (option name in YAML, module)
CHECKS = {
    words.RULE: ("min_words", words),
    links.RULE: ("require_link", links),
    lists.RULE: ("require_list", lists),
    checklists.RULE: ("all_boxes_ticked", checklists),
    forbid.RULE: ("forbid", forbid),
}

# The statuses that are not a check's failure, as rule ids of their findings.
STATUS_RULES = ("missing", "empty", "placeholder")
