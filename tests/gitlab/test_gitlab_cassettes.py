"""Replayed conversations of the adapter with GitLab (vcrpy), and a scan for leaked tokens.

The cassettes under ``cassettes/`` were recorded against the local server (``gitlab_server.py``);
the default run replays them with ``record_mode="none"``, so any change in what the adapter
asks (path, query, body, order, count) fails here. Re-recording: ``cassettes/README.md``.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import vcr
import yaml
from gitlab_support import (
    CONFIG,
    DESCRIPTION,
    DEV_TOKEN,
    FAST,
    MR,
    PROJECT,
    GitLabServer,
    failing_report,
    run_once,
    seed,
)

from enforcer.platforms.gitlab import GitLab, Target, from_url
from enforcer.publish import MARKER

HERE = Path(__file__).parent
CASSETTES = HERE / "cassettes"
TESTS = HERE.parent
# Same switch as the GitHub cassettes: "local" (or "1") re-records against gitlab_server.py,
# "real" against the GitLab project named by GITLAB_CASSETTE_MR_URL.
RECORD = os.environ.get("ROLLOUT_ENFORCER_RECORD") in ("1", "local")
RECORD_REAL = os.environ.get("ROLLOUT_ENFORCER_RECORD") == "real"
FILTERED = ["PRIVATE-TOKEN", "JOB-TOKEN", "Authorization"]


def _drop_cookies(response: dict) -> dict:
    headers = response.get("headers", {})
    for name in list(headers):
        if name.lower() in ("set-cookie", "cf-ray", "x-request-id", "x-runtime"):
            del headers[name]
    return response


def recorder(record_mode: str) -> vcr.VCR:
    return vcr.VCR(
        record_mode=record_mode,
        match_on=["method", "path", "query", "body"],
        filter_headers=FILTERED,
        before_record_response=_drop_cookies,
        decode_compressed_response=True,
    )


def read_everything(adapter: GitLab) -> dict:
    subject = adapter.subject()
    return {
        "subject": subject,
        "config": adapter.config_text(),
        "paths": list(adapter.changed_paths()),
        "issues": list(adapter.linked_issues()),
        "comments": adapter.comments(),
        "rerun": adapter.rerun_url(),
    }


def publish_first_run(adapter: GitLab) -> dict:
    return {"result": run_once(adapter, failing_report(), "plan incomplete")}


def publish_nothing_changed(adapter: GitLab) -> dict:
    return {"result": run_once(adapter, failing_report(), "plan incomplete")}


def _seed_published(server: GitLabServer) -> None:
    server.state.add_note(PROJECT, MR, f"{MARKER}\nplan incomplete", author=server.state.users[1])
    server.state.merge_requests[(PROJECT, MR)]["labels"].append("rollout-plan::missing")


SCENARIOS: dict[str, tuple[Callable[[GitLab], dict], Callable[[GitLabServer], None]]] = {
    "read_merge_request": (read_everything, lambda server: None),
    "publish_first_run": (publish_first_run, lambda server: None),
    "publish_nothing_changed": (publish_nothing_changed, _seed_published),
}


def _adapter(api_url: str) -> GitLab:
    target = Target(api_url, str(PROJECT), "merge_request", MR, "main")
    return GitLab(target, token=DEV_TOKEN, publish=True, policy=FAST)


def _recorded_base(path: Path) -> str:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    uri = urlsplit(data["interactions"][0]["request"]["uri"])
    return f"{uri.scheme}://{uri.netloc}"


@pytest.mark.parametrize("name", sorted(SCENARIOS))
def test_replay(name):
    scenario, prepare = SCENARIOS[name]
    path = CASSETTES / f"{name}.yaml"
    if RECORD:
        path.unlink(missing_ok=True)
        with GitLabServer() as server:
            seed(server.state)
            prepare(server)
            with recorder("once").use_cassette(str(path)):
                scenario(_adapter(server.api_url))
    with recorder("none").use_cassette(str(path), allow_playback_repeats=False) as cassette:
        result = scenario(_adapter(_recorded_base(path) + "/api/v4"))
        assert cassette.all_played, "every recorded request was asked again, no more, no less"
    requests = [(r.method, urlsplit(r.uri).path) for r in cassette.requests]
    if name == "read_merge_request":
        assert result["subject"].description == DESCRIPTION
        assert result["config"] == CONFIG
        assert result["paths"] == ["billing/worker.py", "old/name.txt", "new/name.txt"]
        assert [issue.title for issue in result["issues"]] == ["Billing queue", "Tracker item"]
        assert result["comments"] == []
        assert result["rerun"].endswith(f"/merge_requests/{MR}/pipelines")
    elif name == "publish_first_run":
        assert len(requests) == 7
        assert requests[-3:] == [
            ("PUT", f"/api/v4/projects/{PROJECT}/merge_requests/{MR}"),
            ("POST", f"/api/v4/projects/{PROJECT}/merge_requests/{MR}/notes"),
            ("GET", f"/api/v4/projects/{PROJECT}/merge_requests/{MR}/notes"),
        ]
        assert result["result"].done == ("label rollout-plan::missing added", "comment posted")
    else:
        assert len(requests) == 4
        assert all(method == "GET" for method, _ in requests)
        assert result["result"].done == () and result["result"].blocked is None


REAL = CASSETTES / "real"


def test_replay_real_gitlab():
    """Shapes only: a real merge request's content is whatever it is."""
    path = REAL / "read_merge_request.yaml"
    url = os.environ.get("GITLAB_CASSETTE_MR_URL")
    if not path.exists() and not (RECORD_REAL and url):
        pytest.skip(
            "no cassette recorded against a real GitLab yet (see tests/gitlab/cassettes/README.md)"
        )
    if RECORD_REAL and url:
        REAL.mkdir(exist_ok=True)
        path.unlink(missing_ok=True)
        with recorder("once").use_cassette(str(path)):
            read_everything(from_url(url, os.environ, publish=False))
    meta = yaml.safe_load(path.read_text(encoding="utf-8"))["interactions"][0]["request"]["uri"]
    match = re.search(r"/projects/([^/]+)/merge_requests/(\d+)", meta)
    assert match is not None
    base = _recorded_base(path)
    target = Target(
        base + "/api/v4", match.group(1).replace("%2F", "/"), "merge_request", int(match.group(2))
    )
    with recorder("none").use_cassette(str(path)) as cassette:
        result = read_everything(GitLab(target, publish=False, policy=FAST))
        assert cassette.all_played
    assert isinstance(result["subject"].description, str)
    assert result["subject"].web_url
    assert all(isinstance(path, str) for path in result["paths"])


TOKEN_SHAPES = [
    re.compile(r"glpat-[0-9A-Za-z_\-]{8,}"),
    re.compile(r"gl(?:cbt|dt|ptt|rt|oas|soat|ft|imt|agent|wt)-[0-9A-Za-z_\-]{8,}"),
    re.compile(r"ghp_[0-9A-Za-z]{20,}"),
    re.compile(r"gh[osur]_[0-9A-Za-z]{20,}"),
    re.compile(r"github_pat_[0-9A-Za-z_]{20,}"),
    re.compile(r"(?i)private-token"),
    re.compile(r"(?i)job-token"),
    re.compile(r"(?i)authorization:\s*\S+"),
    re.compile(r"(?i)['\"]?authorization['\"]?\s*:\s*\[?\s*['\"]?(?:bearer|token|basic)\s"),
]


def cassette_files() -> list[Path]:
    return sorted(
        path
        for path in TESTS.rglob("*")
        if path.is_file()
        and "cassettes" in path.parts
        and path.suffix in (".yaml", ".yml", ".json")
    )


def test_cassettes_exist():
    assert {path.name for path in cassette_files() if path.parent == CASSETTES} >= {
        f"{name}.yaml" for name in SCENARIOS
    }


@pytest.mark.parametrize("path", cassette_files(), ids=lambda path: str(path.relative_to(TESTS)))
def test_no_token_in_any_cassette(path):
    text = path.read_text(encoding="utf-8", errors="replace")
    for shape in TOKEN_SHAPES:
        found = shape.search(text)
        assert found is None, f"{path}: looks like a token: {found.group(0)[:12]}..."


def test_the_scan_would_catch_a_leak(tmp_path):
    leaked = f"headers:\n  PRIVATE-TOKEN: [{DEV_TOKEN}]\n"
    assert any(shape.search(leaked) for shape in TOKEN_SHAPES)
