"""Renderers: each a pure function ``Report -> str``, one module per format.

``render(fmt, report)`` picks the module; nothing here does I/O, reads the clock or imports a
platform library, so an unchanged verdict renders to the byte-identical text (the platforms
skip the write when the comment body did not change).
"""

from __future__ import annotations

from importlib import import_module

from enforcer.model import Report

FORMATS: tuple[str, ...] = ("text", "json", "markdown", "junit", "codequality")

# format -> module under enforcer.report, imported on first use to keep start-up quick
_MODULES = {
    "text": "text",
    "json": "json_report",
    "markdown": "markdown",
    "junit": "junit",
    "codequality": "codequality",
}


def render(fmt: str, report: Report, *, color: bool = False, explain: bool = False) -> str:
    """``report`` rendered as ``fmt`` (one of ``FORMATS``). ``color`` and ``explain`` (the
    lines read as answers and prompts, per requirement) only affect ``text``; JSON always
    holds them as ``evidence``.

    Raises ValueError for an unknown format.
    """
    try:
        name = _MODULES[fmt]
    except KeyError:
        raise ValueError(
            f"unknown report format {fmt!r}: expected one of {', '.join(FORMATS)}"
        ) from None
    module = import_module(f"enforcer.report.{name}")
    if explain and fmt == "text":
        return module.render(report, color=color, explain=True)
    return module.render(report, color=color)
