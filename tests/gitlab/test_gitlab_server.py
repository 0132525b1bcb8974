"""The local GitLab answers like GitLab does: pagination headers, auth, labels, quick actions."""

from __future__ import annotations

import requests
from gitlab_support import DEV_TOKEN, JOB_TOKEN, MR, PROJECT, READ_TOKEN


def get(server, path, token=DEV_TOKEN, **params):
    return requests.get(
        f"{server.api_url}{path}", headers={"PRIVATE-TOKEN": token}, params=params, timeout=5
    )


def test_pagination_headers(gitlab_server, state):
    for number in range(5):
        state.add_note(PROJECT, MR, f"note {number}")
    answer = get(
        gitlab_server, f"/projects/{PROJECT}/merge_requests/{MR}/notes", per_page=2, page=2
    )
    assert answer.status_code == 200
    assert [note["body"] for note in answer.json()] == ["note 2", "note 1"]  # newest first
    headers = answer.headers
    assert (headers["x-page"], headers["x-per-page"], headers["x-total"]) == ("2", "2", "5")
    assert (headers["x-total-pages"], headers["x-next-page"], headers["x-prev-page"]) == (
        "3",
        "3",
        "1",
    )
    assert set(answer.links) == {"next", "prev", "first", "last"}
    assert "page=3" in answer.links["next"]["url"]


def test_project_by_path_and_current_user(gitlab_server):
    assert get(gitlab_server, "/projects/group%2Fsub%2Fapp").json()["id"] == PROJECT
    assert get(gitlab_server, "/user").json()["username"] == "enforcer-bot"


def test_auth(gitlab_server):
    path = f"/projects/{PROJECT}/merge_requests/{MR}"
    assert get(gitlab_server, path, token="nope").status_code == 401
    assert requests.get(gitlab_server.api_url + path, timeout=5).status_code == 401
    job = requests.get(gitlab_server.api_url + path, headers={"JOB-TOKEN": JOB_TOKEN}, timeout=5)
    assert job.status_code == 200
    put = requests.put(
        gitlab_server.api_url + path,
        headers={"PRIVATE-TOKEN": READ_TOKEN},
        json={"add_labels": "x"},
        timeout=5,
    )
    assert put.status_code == 403 and put.json()["error"] == "insufficient_scope"


def test_labels_add_remove_and_wholesale_are_logged(gitlab_server, state):
    path = f"{gitlab_server.api_url}/projects/{PROJECT}/merge_requests/{MR}"
    headers = {"PRIVATE-TOKEN": DEV_TOKEN}
    requests.put(
        path, headers=headers, json={"add_labels": "a,b", "remove_labels": "backend"}, timeout=5
    )
    assert state.merge_requests[(PROJECT, MR)]["labels"] == ["a", "b"]
    requests.put(path, headers=headers, json={"labels": "z"}, timeout=5)
    assert state.merge_requests[(PROJECT, MR)]["labels"] == ["z"]
    assert [entry.body for entry in state.writes()] == [
        {"add_labels": "a,b", "remove_labels": "backend"},
        {"labels": "z"},
    ]


def test_notes_run_quick_actions_like_gitlab(gitlab_server, state):
    path = f"{gitlab_server.api_url}/projects/{PROJECT}/merge_requests/{MR}/notes"
    body = "text\n```\n/merge\n```\n/close\n> /merge\n"
    answer = requests.post(
        path, headers={"PRIVATE-TOKEN": DEV_TOKEN}, json={"body": body}, timeout=5
    )
    assert answer.status_code == 201
    assert state.quick_actions == ["/close"]
    assert state.merge_requests[(PROJECT, MR)]["state"] == "closed"


def test_files_api(gitlab_server):
    path = f"/projects/{PROJECT}/repository/files/.rollout-plan.yml"
    assert get(gitlab_server, path, ref="main").json()["encoding"] == "base64"
    assert get(gitlab_server, path + "/raw", ref="main").text == "extends: handbook\n"
    assert get(gitlab_server, path + "/raw", ref="nowhere").status_code == 404
