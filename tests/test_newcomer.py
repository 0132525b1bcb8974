"""A newcomer's path: the README's two commands, what they say while they run, and how to run
`enforce` afterwards."""

from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")


def test_the_readme_says_how_to_run_enforce_after_scripts_try() -> None:
    first_screen = "\n".join(README.splitlines()[:40])
    assert ".venv/bin/enforce" in first_screen
    assert "source .venv/bin/activate" in first_screen
    try_script = (ROOT / "scripts" / "try").read_text()
    assert ".venv/bin/enforce" in try_script and "source .venv/bin/activate" in try_script


def test_ci_runs_the_readme_test_command() -> None:
    command = re.search(r"^(bash scripts/test)\b", README, re.M)
    assert command, "the README's first screen names bash scripts/test"
    ci = (ROOT / ".ci" / "run").read_text()
    assert re.search(r"^exec bash scripts/test\b", ci, re.M), ci


def test_scripts_test_says_each_step_on_standard_error() -> None:
    """Run after scripts/test installed everything (as .ci/run does): each step is said, and
    skipped as already done; pytest itself is only asked its version."""
    if not (ROOT / ".venv" / ".rollout-enforcer-installed").exists():
        pytest.skip("run through scripts/test: it marks .venv as installed")
    env = {k: v for k, v in os.environ.items() if k != "PYTEST_ADDOPTS"}
    done = subprocess.run(
        ["bash", str(ROOT / "scripts" / "test"), "--version"], capture_output=True, text=True,
        timeout=300, check=False, env=env,
    )
    assert done.returncode == 0, done.stderr
    lines = [line for line in done.stderr.splitlines() if line.startswith("scripts/test: ")]
    steps = [line for line in lines if re.match(r"scripts/test: \[\d/4\] ", line)]
    assert [s.split()[1] for s in steps] == ["[1/4]", "[2/4]", "[3/4]", "[4/4]"], lines
    assert "Python packages: already installed for this pyproject.toml" in done.stderr
    assert lines[-1] == "scripts/test: running the tests: .venv/bin/python -m pytest --version"
    assert all(len(line) < 120 for line in lines)
