"""In a merge request pipeline, the configuration and every file it extends come from the
target branch through the files API: the merge request's own checkout is never read."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from gitlab_support import PROJECT, ci_env

ROOT = Path(__file__).resolve().parents[2]


def enforce(server, cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("CI_", "GITLAB_", "GITHUB_"))}
    env.update(ci_env(server), PYTHONPATH=str(ROOT))
    return subprocess.run(
        [sys.executable, "-m", "enforcer", "check", "--no-publish", "--format", "json", *args],
        env=env, cwd=cwd, capture_output=True, text=True, timeout=60, check=False,
    )


def checkout(tmp_path: Path, ours: str) -> Path:
    """The merge request's own copy: its rules/ours.yml says whatever the author wants."""
    (tmp_path / "rules").mkdir()
    (tmp_path / "rules" / "ours.yml").write_text(ours)
    (tmp_path / ".rollout-plan.yml").write_text("extends: rules/ours.yml\n")
    return tmp_path


def files_asked(state) -> list[tuple[str, list[str]]]:
    return [
        (entry.path.split("/repository/files/")[1], entry.query.get("ref"))
        for entry in state.requests("GET") if "/repository/files/" in entry.path
    ]


def test_extends_is_read_from_the_target_branch(gitlab_server, state, tmp_path):
    state.add_file(PROJECT, "main", ".rollout-plan.yml", "extends: rules/ours.yml\n")
    state.add_file(PROJECT, "main", "rules/ours.yml", "extends: handbook-strict\nname: ours\n")
    cwd = checkout(tmp_path, "name: loosened\nrequirements:\n  rollback: {severity: warning}\n")
    done = enforce(gitlab_server, cwd)
    assert done.returncode == 1, done.stderr
    report = json.loads(done.stdout)
    assert report["ruleset"] == "ours"
    assert {r["severity"] for r in report["requirements"]} == {"error"}
    asked = files_asked(state)
    assert [path for path, _ in asked] == [".rollout-plan.yml/raw", "rules/ours.yml/raw"]
    assert all(ref == ["main"] for _, ref in asked)


def test_a_file_missing_on_the_target_branch_is_a_configuration_error(gitlab_server, state, tmp_path):
    state.add_file(PROJECT, "main", ".rollout-plan.yml", "extends: rules/ours.yml\n")
    cwd = checkout(tmp_path, "extends: handbook\n")  # there in the checkout: never read
    done = enforce(gitlab_server, cwd)
    assert done.returncode == 2
    assert done.stdout == ""
    assert done.stderr.endswith("; rules/ours.yml is not on the target branch\n"), done.stderr


def test_the_ruleset_input_does_not_override_the_target_branch(gitlab_server, state, tmp_path):
    state.add_file(PROJECT, "main", ".rollout-plan.yml", "extends: handbook-strict\n")
    done = enforce(gitlab_server, tmp_path, "--default-ruleset", "handbook")
    assert json.loads(done.stdout)["ruleset"] == "handbook-strict"
    state.files.pop((PROJECT, "main", ".rollout-plan.yml"))
    done = enforce(gitlab_server, tmp_path, "--default-ruleset", "product-launch")
    assert json.loads(done.stdout)["ruleset"] == "product-launch"


def test_an_extends_path_out_of_the_repository_is_refused_before_any_read(gitlab_server, state, tmp_path):
    state.add_file(PROJECT, "main", ".rollout-plan.yml", "extends: ../../etc/passwd\n")
    done = enforce(gitlab_server, tmp_path)
    assert done.returncode == 2
    assert "leads out of the repository" in done.stderr
    assert [path for path, _ in files_asked(state)] == [".rollout-plan.yml/raw"]
