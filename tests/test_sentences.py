"""Parts of the plan written as sentences inside another section must not be found less often,
nor passing mentions taken for them more often, than recorded in
benchmarks/sentences-baseline.json (benchmarks/sentences.py explains the scoring)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_sentences_hold() -> None:
    done = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "sentences.py"), "--check", "--quiet"],
        capture_output=True, text=True, cwd=ROOT,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "recall" in done.stdout


def test_sentences_check_fails_when_worse() -> None:
    """--check really compares: a recorded figure better than today's fails the run."""
    sys.path.insert(0, str(ROOT / "benchmarks"))
    try:
        import sentences
    finally:
        sys.path.pop(0)
    recorded = {"tuning": {"risks": {"recall": 0.9, "false_fire": 0.0}}}
    now = {"tuning": {"risks": {"recall": 0.5, "false_fire": 0.2}}}
    worse = sentences.compare(now, recorded)
    assert len(worse) == 2 and "tuning risks recall fell from 90.0% to 50.0%" in worse[0]
    assert sentences.compare(recorded, recorded) == []
