"""``forbid``: phrases that must not appear in the section, matched as whole words without
regard to case or punctuation ("Your text here" left behind in a filled cell, "same as
above")."""

from __future__ import annotations

import re
from collections.abc import Sequence

from enforcer.model import Block, ContentRules
from enforcer.text import normalize

RULE = "forbid"


def check(content: Sequence[tuple[Block, list[str]]], rules: ContentRules) -> str | None:
    for phrase in rules.forbid:
        wanted = normalize(phrase)
        pattern = re.compile(r"(?<!\w)" + re.escape(wanted) + r"(?!\w)")
        for _, lines in content:
            if any(pattern.search(normalize(line)) for line in lines):
                return f'still holds "{phrase}"'
    return None
