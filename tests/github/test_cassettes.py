"""Replayed HTTP conversations (vcrpy cassettes), and a guard that none holds a token.

By default the cassettes in ``cassettes/`` are replayed (record mode ``none``): PyGithub talks
to nobody, and every request it makes must be one that was recorded.

Re-recording (see docs/github.md):

- against the local server: ``ROLLOUT_ENFORCER_RECORD=local pytest tests/github/test_cassettes.py``
- against a real repository (a sandbox pull request whose description lacks a rollout plan;
  the run labels it and comments on it)::

      ROLLOUT_ENFORCER_RECORD=real GITHUB_TOKEN=... \\
      ROLLOUT_ENFORCER_RECORD_PULL=https://github.com/OWNER/REPO/pull/N \\
      pytest tests/github/test_cassettes.py

  which writes ``cassettes/real_first_run.yaml``. The Authorization header is filtered out before
  anything is written; the token scan below fails if a token slipped into a cassette anyway.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from urllib.parse import urlparse

import pytest
import yaml
from github_support import REPO, TOKEN

from enforcer import run
from enforcer.platforms import github as adapter
from enforcer.report import render

vcr = pytest.importorskip("vcr")

CASSETTES = Path(__file__).parent / "cassettes"
RECORD = os.environ.get("ROLLOUT_ENFORCER_RECORD", "")
TOKEN_LIKE = re.compile(r"(ghp_|gho_|ghs_|ghu_|ghr_|github_pat_)[A-Za-z0-9_]{10,}|\bauthorization\b", re.IGNORECASE)
FAILING = "## Rollback plan\nDisable the feature flag checkout_cache and redeploy.\n"


def recorder(mode: str) -> vcr.VCR:
    return vcr.VCR(
        cassette_library_dir=str(CASSETTES),
        record_mode=mode,
        # the host and port differ between recording and replay; the conversation does not
        match_on=["method", "path", "query"],
        filter_headers=["authorization", "cookie", "set-cookie"],
        decode_compressed_response=True,
    )


def first_run(platform: adapter.GitHub) -> run.Outcome:
    outcome = run.check(platform, run.Options(), lambda _: None)
    run.publish(platform, outcome, render("markdown", outcome.report), lambda _: None)
    return outcome


def cassette_target(name: str) -> tuple[str, str, int]:
    """(api root, OWNER/REPO, number) of the pull request a cassette talks about."""
    data = yaml.safe_load((CASSETTES / name).read_text())
    uri = data["interactions"][0]["request"]["uri"]
    match = re.search(r"^(.*?)/repos/([^/]+/[^/]+)/pulls/(\d+)$", uri.split("?")[0])
    assert match, uri
    return match[1], match[2], int(match[3])


@pytest.mark.skipif(RECORD != "local", reason="ROLLOUT_ENFORCER_RECORD=local re-records")
def test_record_against_the_local_server(fake):
    fake.add_pull(REPO, 2, FAILING, labels=("bug",))
    fake.add_comment(REPO, 2, "a human remark")
    platform = adapter.GitHub(
        adapter.Target(fake.api_url, REPO, 2, "pull_request"), TOKEN, publish=True, env={},
        tuning=adapter.Tuning(total_seconds=5, base_seconds=0.05, timeout_seconds=5),
    )
    with recorder("all").use_cassette("first_failing_run.yaml"):
        first_run(platform)
    assert len(fake.log) == 6


@pytest.mark.skipif(RECORD != "real", reason="ROLLOUT_ENFORCER_RECORD=real re-records on GitHub")
def test_record_against_a_real_repository():
    url = os.environ["ROLLOUT_ENFORCER_RECORD_PULL"]
    platform = adapter.from_url(url, os.environ, publish=True)
    with recorder("all").use_cassette("real_first_run.yaml"):
        first_run(platform)


CASSETTE_FILES = sorted(p.name for p in CASSETTES.glob("*.yaml"))


@pytest.mark.skipif(bool(RECORD), reason="recording, not replaying")
@pytest.mark.parametrize("name", CASSETTE_FILES)
def test_replay(name):
    api_root, repo, number = cassette_target(name)
    host = urlparse(api_root)
    # Nothing listens on port 9: every answer must come from the cassette.
    replay_root = f"{host.scheme}://{host.hostname}:9{host.path}"
    platform = adapter.GitHub(
        adapter.Target(replay_root, repo, number, "pull_request"), "replayed", publish=True,
        env={}, tuning=adapter.Tuning(total_seconds=0, base_seconds=0.05, timeout_seconds=1),
    )
    with recorder("none").use_cassette(name, allow_playback_repeats=False) as cassette:
        outcome = first_run(platform)
        assert cassette.all_played, f"{name}: recorded requests the adapter did not make"
    assert outcome.report.status == "failed"
    methods = [request.method for request in cassette.requests]
    assert len(methods) <= 6
    assert "PUT" not in methods


def test_there_are_cassettes():
    assert "first_failing_run.yaml" in CASSETTE_FILES


@pytest.mark.parametrize("name", CASSETTE_FILES)
def test_no_token_in_cassettes(name):
    text = (CASSETTES / name).read_text()
    found = TOKEN_LIKE.findall(text)
    assert not found, f"{name}: token-like strings {found}"
    assert TOKEN not in text
