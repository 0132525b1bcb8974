"""The generated rules reference and the README stay in step with the code."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_rules_reference_is_current() -> None:
    result = subprocess.run(
        [sys.executable, str(ROOT / "tools" / "gen_rules_doc.py"), "--check"],
        capture_output=True, text=True, check=False,
    )
    assert result.returncode == 0, result.stderr


def test_parsed_rules_are_current() -> None:
    # rules/parsed.json is the built-in YAML read faster at start-up; a stale entry is passed over,
    # so a stale one only costs time, but it should not be committed stale
    result = subprocess.run(
        [sys.executable, str(ROOT / "tools" / "gen_parsed_rules.py"), "--check"],
        capture_output=True, text=True, check=False,
    )
    assert result.returncode == 0, result.stderr


def test_ci_runs_the_readme_test_command() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    first_screen = "\n".join(readme.splitlines()[:40])
    assert "bash scripts/try" in first_screen
    assert "bash scripts/test" in first_screen
    assert "scripts/test" in (ROOT / ".ci" / "run").read_text(encoding="utf-8")


def test_every_documented_config_key_exists() -> None:
    from enforcer import config

    doc = (ROOT / "docs" / "configuration.md").read_text(encoding="utf-8")
    top_keys = set(re.findall(r"^### `([a-z_]+):?`", doc, re.M))
    assert top_keys, "docs/configuration.md documents no keys"
    assert top_keys <= config.RULESET_KEYS, top_keys - config.RULESET_KEYS
    # and every key a user may write is documented
    assert config.RULESET_KEYS - {"name", "description"} <= top_keys


def test_configuration_example_loads() -> None:
    from enforcer import config

    doc = (ROOT / "docs" / "configuration.md").read_text(encoding="utf-8")
    example = re.search(r"```yaml\n(.*?)```", doc, re.S)
    assert example is not None
    loaded = config.load(config_text=example.group(1))
    ids = [r.id for r in loaded.requirements]
    assert "feature-flag" in ids and "retro" not in ids
    assert loaded.labels.complete == "rollout::ok"


def test_readme_sample_output_is_the_real_output() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    sample = re.search(r"```\n(Rollout plan: docs/examples/incomplete-plan\.md.*?)```", readme, re.S)
    assert sample is not None, "the README shows no sample output"
    done = subprocess.run(
        [sys.executable, "-m", "enforcer", "check", "docs/examples/incomplete-plan.md"],
        cwd=ROOT, capture_output=True, text=True, check=False,
    )
    assert done.returncode == 1
    real = done.stdout.splitlines()
    shown = [line for line in sample.group(1).splitlines() if line.strip() != "..."]
    positions = [real.index(line) for line in shown]  # each line shown is one the check prints
    assert positions == sorted(positions)  # in its order
