"""``min_words``: the section says enough to act on.

Counts the words of the real content (code included), and each link as one more: a link to
the runbook says more than its label. Default 1: any real content passes.

```yaml
requirements:
  rollback:
    checks: {min_words: 5}
```
"""

from __future__ import annotations

from collections.abc import Sequence

from enforcer.model import Block, ContentRules
from enforcer.text import words

RULE = "min-words"


def check(content: Sequence[tuple[Block, list[str]]], rules: ContentRules) -> str | None:
    count = sum(len(words(line)) for _, lines in content for line in lines)
    count += sum(len(block.links) for block, _ in content)
    if count < rules.min_words:
        return f"says too little: {count} word{'s' if count != 1 else ''}, at least {rules.min_words} expected"
    return None
