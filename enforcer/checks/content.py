"""What in a section is real content: the base of every requirement's status.

Never content: HTML comments; placeholder lines (see ``placeholders``); template prompts of
the ruleset; lines copied unchanged from a description template (``--template``,
``templates:``); a bare "N/A" with no reason (and any "N/A" where ``allow_na`` is off);
empty list items and unticked empty boxes. Code is content: a rollback command in a code
block counts.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import NamedTuple

from enforcer.checks import placeholders
from enforcer.checks.text import Phrases
from enforcer.model import Block


class Context(NamedTuple):
    """What the content rules need beyond the blocks: the phrases and template text."""

    phrases: Phrases = placeholders.DEFAULT_PHRASES
    prompts: Phrases | None = None
    template_lines: frozenset[str] = frozenset()
    allow_na: bool = True


def template_key(line: str) -> str:
    return " ".join(line.split())


def prompt_phrases(prompts: Iterable[str]) -> Phrases | None:
    found = Phrases(prompts)
    return found if found else None


def content_lines(block: Block, context: Context) -> list[str]:
    """The lines of ``block`` that are real content (empty when none is)."""
    if block.kind == "comment":
        return []
    if block.kind == "task" and not block.text.strip():
        return []
    if block.kind == "code":
        lines = [line for line in block.text.split("\n") if line.strip()]
        return [line for line in lines if template_key(line) not in context.template_lines]
    kept: list[str] = []
    for line in block.text.split("\n"):
        stripped = line.strip()
        if not stripped or template_key(stripped) in context.template_lines:
            continue
        if placeholders.is_placeholder(stripped, context.phrases, context.prompts):
            continue
        reason = placeholders.na_reason(stripped)
        if reason is not None and (not context.allow_na or placeholders.is_bare_na(stripped)):
            continue
        kept.append(stripped)
    return kept


def real_content(blocks: Sequence[Block], context: Context) -> list[tuple[Block, list[str]]]:
    """Each block that holds real content, with its content lines."""
    found = []
    for block in blocks:
        lines = content_lines(block, context)
        if lines:
            found.append((block, lines))
    return found
