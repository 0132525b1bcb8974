"""The local server answers as GitHub does: checked against GitHub's own REST description.

The description comes from npm @octokit/openapi (OpenAPI 3.0, so ``nullable: true`` is turned
into JSON Schema's ``null`` type before validating).
"""

from __future__ import annotations

import functools
import json
from typing import Any

import pytest
import requests
from github_support import OPENAPI, REPO, TOKEN

jsonschema = pytest.importorskip("jsonschema")


def _nullable(node: Any) -> Any:
    if isinstance(node, list):
        return [_nullable(item) for item in node]
    if not isinstance(node, dict):
        return node
    node = {key: _nullable(value) for key, value in node.items()}
    if node.get("nullable") is True:
        del node["nullable"]
        return {"anyOf": [node, {"type": "null"}]}
    return node


@functools.cache
def _description() -> dict[str, Any]:
    if not OPENAPI.is_file():
        pytest.skip(
            "node_modules/@octokit/openapi is missing: run `npm ci` (scripts/test does) to "
            "validate the server against GitHub's REST description"
        )
    document = json.loads(OPENAPI.read_text())
    return {
        "paths": document["paths"],
        "components": {
            "schemas": _nullable(document["components"]["schemas"]),
            "responses": document["components"]["responses"],
        },
    }


def response_schema(path: str, method: str, status: str) -> dict[str, Any]:
    description = _description()
    response = description["paths"][path][method]["responses"][status]
    schema = response["content"]["application/json"]["schema"]
    return {"components": description["components"], **_nullable(schema)}


def check(answer: requests.Response, path: str, method: str) -> None:
    schema = response_schema(path, method, str(answer.status_code))
    validator = jsonschema.Draft202012Validator(schema)
    errors = sorted(validator.iter_errors(answer.json()), key=lambda e: list(e.path))
    assert not errors, "\n".join(f"{list(e.path)}: {e.message[:200]}" for e in errors[:10])


@pytest.fixture
def api(fake):
    fake.add_pull(REPO, 1, None, labels=("bug", "rollout-plan::missing"), files=("a.py", "b.py"))
    fake.add_issue(REPO, 2, "an issue")
    fake.set_file(REPO, "main", ".rollout-plan.yml", "extends: handbook\n")
    fake.add_comment(REPO, 1, "hello")
    session = requests.Session()
    session.headers["Authorization"] = f"token {TOKEN}"

    def call(method: str, path: str, **kwargs: Any) -> requests.Response:
        answer = session.request(method, fake.api(path), timeout=5, **kwargs)
        assert answer.status_code < 300, answer.text
        return answer

    return call


R = "/repos/{owner}/{repo}"


def test_pull_request(api):
    check(api("GET", f"/repos/{REPO}/pulls/1"), R + "/pulls/{pull_number}", "get")


def test_pull_request_files(api):
    check(api("GET", f"/repos/{REPO}/pulls/1/files"), R + "/pulls/{pull_number}/files", "get")


@pytest.mark.parametrize("number", [1, 2])
def test_issue(api, number):
    check(api("GET", f"/repos/{REPO}/issues/{number}"), R + "/issues/{issue_number}", "get")


def test_issue_comments(api, fake):
    def fake_url(comment):
        return fake.api(f"/repos/{REPO}/issues/comments/{comment['id']}")

    path = R + "/issues/{issue_number}/comments"
    check(api("GET", f"/repos/{REPO}/issues/1/comments"), path, "get")
    created = api("POST", f"/repos/{REPO}/issues/1/comments", json={"body": "x"})
    check(created, path, "post")
    comment = created.json()
    assert comment["url"] == fake_url(comment)
    edited = api("PATCH", f"/repos/{REPO}/issues/comments/{comment['id']}", json={"body": "y"})
    check(edited, R + "/issues/comments/{comment_id}", "patch")


def test_labels(api):
    path = R + "/issues/{issue_number}/labels"
    check(api("POST", f"/repos/{REPO}/issues/1/labels", json={"labels": ["x::y"]}), path, "post")
    check(api("GET", f"/repos/{REPO}/issues/1/labels"), path, "get")
    removed = api("DELETE", f"/repos/{REPO}/issues/1/labels/x%3A%3Ay")
    check(removed, R + "/issues/{issue_number}/labels/{name}", "delete")


def test_contents(api):
    answer = api("GET", f"/repos/{REPO}/contents/.rollout-plan.yml", params={"ref": "main"})
    check(answer, R + "/contents/{path}", "get")
    assert answer.json()["type"] == "file"


def test_self_referential_urls_point_back_here(api, fake):
    pull = api("GET", f"/repos/{REPO}/pulls/1").json()
    for url in (pull["url"], pull["issue_url"], pull["comments_url"], pull["base"]["repo"]["url"]):
        assert url.startswith(fake.api_url)
        assert requests.get(url, headers={"Authorization": f"token {TOKEN}"}, timeout=5).ok


def test_commit_status(api, fake):
    sha = "h" * 40
    answer = api(
        "POST", f"/repos/{REPO}/statuses/{sha}",
        json={"state": "failure", "context": "rollout-plan", "description": "Rollout plan incomplete"},
    )
    check(answer, R + "/statuses/{sha}", "post")
    assert fake.repos[REPO].statuses[-1]["state"] == "failure"
    listed = api("GET", f"/repos/{REPO}/commits/{sha}/statuses")
    check(listed, R + "/commits/{ref}/statuses", "get")
    assert [s["state"] for s in listed.json()] == ["failure"]
    assert api("GET", f"/repos/{REPO}/statuses/{sha}").json() == listed.json()  # PyGithub's path


def test_the_token_user(api, fake):
    fake.token_user = "release-bot"
    check(api("GET", "/user"), "/user", "get")
    fake.token_user = None  # a workflow's GITHUB_TOKEN cannot read it
    refused = requests.get(fake.api("/user"), headers={"Authorization": f"token {TOKEN}"}, timeout=5)
    assert refused.status_code == 403
    assert refused.json()["message"] == "Resource not accessible by integration"
