"""Golden files: every format for a passing, a failing and an exempt report.

To regenerate after an intended change, run
    UPDATE_GOLDEN=1 python -m pytest tests/report/test_report_golden.py
and review the diff of tests/report/golden/ before committing it.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from report_samples import HOSTILE, SAMPLES

from enforcer.report import FORMATS, render

GOLDEN = Path(__file__).parent / "golden"
EXTENSIONS = {
    "text": "txt",
    "json": "json",
    "markdown": "md",
    "junit": "xml",
    "codequality": "codequality.json",
}
CASES = [(name, fmt, False) for name in SAMPLES for fmt in FORMATS]
CASES += [("failing", "text", True), ("hostile", "markdown", False)]
REPORTS = {**SAMPLES, "hostile": HOSTILE}


@pytest.mark.parametrize(("name", "fmt", "color"), CASES)
def test_golden(name: str, fmt: str, color: bool) -> None:
    suffix = "color.txt" if color else EXTENSIONS[fmt]
    path = GOLDEN / f"{name}.{suffix}"
    rendered = render(fmt, REPORTS[name], color=color)
    if os.environ.get("UPDATE_GOLDEN") == "1":
        path.write_bytes(rendered.encode("utf-8"))
    assert path.exists(), f"{path} missing: run with UPDATE_GOLDEN=1 to create it"
    assert rendered == path.read_bytes().decode("utf-8")
