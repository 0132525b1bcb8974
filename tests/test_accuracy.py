"""The verdict on real descriptions must not get worse than the figures recorded in
benchmarks/accuracy-baseline.json (benchmarks/accuracy.py explains the scoring)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared" / "corpus"


@pytest.mark.parametrize("mode", [[], ["--templates"]], ids=["alone", "with-templates"])
def test_accuracy_on_real_descriptions_holds(mode: list[str]) -> None:
    """Alone, and with each description's template from the corpus pairs (--template)."""
    if not SHARED.is_dir():
        if os.environ.get("CI") == "true":
            pytest.fail(f"the shared corpus is missing in CI: {SHARED}")
        pytest.skip(f"no shared corpus beside this checkout ({SHARED})")
    done = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "accuracy.py"), "--check", "--quiet", *mode],
        capture_output=True, text=True, cwd=ROOT,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "minimum (E V R B)" in done.stdout


def test_accuracy_check_fails_when_worse(tmp_path: Path) -> None:
    """--check really compares: a recorded figure better than today's fails the run."""
    sys.path.insert(0, str(ROOT / "benchmarks"))
    try:
        import accuracy
    finally:
        sys.path.pop(0)
    recorded = {"minimum": {"agreement": 0.95, "false_ok": 0.01, "missed": 0.02}}
    now = {"minimum": {"agreement": 0.80, "false_ok": 0.08, "missed": 0.50}}
    worse = accuracy.compare(now, recorded)
    assert len(worse) == 3 and "agreement fell from 95.0% to 80.0%" in worse[0]
    assert accuracy.compare(recorded, recorded) == []


def test_untouched_scores_parts_with_the_code_of_a_commit(tmp_path: Path) -> None:
    """benchmarks/untouched.py, run on the code of HEAD, gives for a part what accuracy.py gives
    for the same part: the README's untouched figures are reproduced the same way on older
    commits."""
    if subprocess.run(["git", "-C", str(ROOT), "rev-parse", "HEAD"], capture_output=True).returncode != 0:
        pytest.skip("not a git checkout")
    sys.path.insert(0, str(ROOT / "benchmarks"))
    try:
        import untouched
    finally:
        sys.path.pop(0)
    done = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "untouched.py"), "--code", "HEAD", "BG"],
        capture_output=True, text=True, cwd=ROOT,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "parts BG on the code of HEAD" in done.stdout
    # the same part scored by this checkout's accuracy.py
    corpus = tmp_path / "corpus"
    untouched.corpus_of(["BG"], corpus)
    subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "accuracy.py"), "--corpus", str(corpus), "--json", str(tmp_path / "v.json"), "--quiet"],
        capture_output=True, text=True, cwd=ROOT, check=True,
    )
    verdicts = json.loads((tmp_path / "v.json").read_text(encoding="utf-8"))["verdicts"]
    assert untouched.figures(verdicts) in done.stdout
