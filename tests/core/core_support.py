"""Helpers shared by the core tests: parse a snippet, check it against a ruleset."""

from __future__ import annotations

from functools import cache

from enforcer import config, engine, markdown
from enforcer.model import Config, Document, Report


@cache
def ruleset(name: str = "handbook") -> Config:
    return config.load(ruleset=name)


def parse(text: str) -> Document:
    return markdown.parse(text)


def check(
    text: str,
    name: str | Config = "handbook",
    *,
    template_lines: frozenset[str] = frozenset(),
    learned: bool = True,
) -> Report:
    """``learned=False``: the headings and wordings alone, without the learned model's
    sentences (enforcer/learned.py), for the tests that pin what the wordings read."""
    cfg = ruleset(name) if isinstance(name, str) else name
    if not learned:
        cfg = cfg._replace(learned=False)
    return engine.check(markdown.parse(text), cfg, target="t.md", template_lines=template_lines)


def statuses(report: Report) -> dict[str, str]:
    return {result.id: result.status for result in report.requirements}


def result(report: Report, requirement: str):  # type: ignore[no-untyped-def]
    return next(r for r in report.requirements if r.id == requirement)


def headings(document: Document) -> list[tuple[str, int, int]]:
    """(title, level, line) of every section but the root."""
    return [(s.title, s.level, s.line) for s in document.sections[1:]]


def section(document: Document, title: str) -> int:
    return next(i for i, s in enumerate(document.sections) if s.title == title)


def texts(document: Document, title: str) -> list[str]:
    """The text of every block in a section and below it."""
    return [block.text for block in document.content(section(document, title))]
