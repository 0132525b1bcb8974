"""In a pull request workflow, the configuration and every file it extends come from the base
commit through the contents API: the pull request's own checkout is never read."""

from __future__ import annotations

import json

from github_support import REPO, enforce, env_for, webhook, write_event


def job(fake, tmp_path):
    payload = webhook("pull_request", "opened")
    number, base = payload["pull_request"]["number"], payload["pull_request"]["base"]["sha"]
    fake.add_pull(REPO, number, "## Rollback plan\nDisable the flag and redeploy.\n", base_sha=base)
    return env_for(fake, "pull_request", write_event(tmp_path, payload)), base


def contents_asked(fake) -> list[str]:
    return [r.path for r in fake.log if "/contents/" in r.path]


def test_extends_is_read_at_the_base_commit(fake, tmp_path):
    env, base = job(fake, tmp_path)
    fake.set_file(REPO, base, ".rollout-plan.yml", "extends: rules/ours.yml\n")
    fake.set_file(REPO, base, "rules/ours.yml", "extends: handbook-strict\nname: ours\n")
    fake.set_file(REPO, "head", "rules/ours.yml", "requirements: {}\n")
    done = enforce("check", "--no-publish", "--format", "json", env=env)
    assert done.returncode == 1, done.stderr
    report = json.loads(done.stdout)
    assert report["ruleset"] == "ours"
    assert {r["severity"] for r in report["requirements"]} == {"error"}
    assert len(contents_asked(fake)) == 2
    assert all(r.query.get("ref") == base for r in fake.log if "/contents/" in r.path)


def test_a_file_missing_at_the_base_commit_is_a_configuration_error(fake, tmp_path):
    env, base = job(fake, tmp_path)
    fake.set_file(REPO, base, ".rollout-plan.yml", "extends: rules/ours.yml\n")
    done = enforce("check", "--no-publish", env=env)
    assert done.returncode == 2
    assert done.stderr.strip().endswith("; rules/ours.yml is not on the target branch"), done.stderr


def test_the_ruleset_input_does_not_override_the_base_commit(fake, tmp_path):
    env, base = job(fake, tmp_path)
    fake.set_file(REPO, base, ".rollout-plan.yml", "extends: handbook-strict\n")
    done = enforce("check", "--no-publish", "--format", "json", "--default-ruleset", "handbook", env=env)
    assert json.loads(done.stdout)["ruleset"] == "handbook-strict"
