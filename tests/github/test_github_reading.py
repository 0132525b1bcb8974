"""Reading a pull request or issue through PyGithub over HTTP, from events and from URLs."""

from __future__ import annotations

import sys

import pytest
from github_support import FAST, REPO, TOKEN, edited, env_for, webhook, write_event

from enforcer.platforms import github as adapter
from enforcer.platforms import resolve
from enforcer.platforms.base import PlatformError, TargetError

PLAN = "## Rollback\nRevert the deploy.\n"


def pull_event(tmp_path, fake, action="opened", *, body=True, **changes):
    payload = webhook("pull_request", action, with_body=body)
    payload["pull_request"].update(changes)
    return write_event(tmp_path, payload), payload


def test_pull_request_opened_reads_the_body_live(fake, tmp_path):
    path, payload = pull_event(tmp_path, fake)
    number = payload["pull_request"]["number"]
    base = payload["pull_request"]["base"]["sha"]
    fake.add_pull(REPO, number, PLAN, labels=("bug",), base_sha=base)

    platform = resolve(None, env_for(fake, "pull_request", path), publish=True)
    subject = platform.subject()

    assert platform.name == "github"
    assert subject.kind == "pull_request"
    assert subject.description == PLAN  # live, not the event's old body
    assert subject.description != payload["pull_request"]["body"]
    assert subject.labels == frozenset({"bug"})
    assert subject.ref == fake.web(f"/{REPO}/pull/{number}")
    assert platform.rerun_url() == fake.web(f"/{REPO}/pull/{number}/checks")
    assert [r.path for r in fake.log] == [f"/repos/{REPO}/pulls/{number}"]
    assert fake.log[0].headers["Authorization"] == f"token {TOKEN}"


def test_an_edited_event_replayed_still_reads_the_current_body(fake, tmp_path):
    payload = edited(webhook("pull_request", "opened"), old_body="## Rollback\nold")
    payload["pull_request"]["body"] = "the body at the time of the event"
    path = write_event(tmp_path, payload)
    fake.add_pull(REPO, payload["pull_request"]["number"], "the body now")

    subject = resolve(None, env_for(fake, "pull_request", path), publish=False).subject()

    assert subject.description == "the body now"


def test_synchronize_and_pull_request_target(fake, tmp_path):
    path, payload = pull_event(tmp_path, fake, "synchronize")
    fake.add_pull(REPO, payload["pull_request"]["number"], PLAN)
    for event in ("pull_request", "pull_request_target"):
        platform = resolve(None, env_for(fake, event, path), publish=True)
        assert platform.subject().description == PLAN
        assert platform.blocker() is None


@pytest.mark.parametrize("body", [None, ""])
def test_a_null_or_empty_body_is_empty_text(fake, tmp_path, body):
    path, payload = pull_event(tmp_path, fake, body=False)
    fake.add_pull(REPO, payload["pull_request"]["number"], body)
    platform = resolve(None, env_for(fake, "pull_request", path), publish=False)
    assert platform.subject().description == ""
    assert list(platform.linked_issues()) == []


def test_a_body_of_65536_characters_arrives_whole(fake, tmp_path):
    body = ("## Rollback\n" + "x" * 70 + "\n") * 900
    body = body[:65536]
    path, payload = pull_event(tmp_path, fake)
    fake.add_pull(REPO, payload["pull_request"]["number"], body)
    subject = resolve(None, env_for(fake, "pull_request", path), publish=False).subject()
    assert len(subject.description) == 65536
    assert subject.description == body


def test_issues_opened(fake, tmp_path):
    payload = webhook("issues", "opened")
    path = write_event(tmp_path, payload)
    number = payload["issue"]["number"]
    fake.add_issue(REPO, number, PLAN, labels=("rollout-plan::not-needed",))
    fake.set_file(REPO, "main", ".rollout-plan.yml", "extends: handbook\n")

    platform = resolve(None, env_for(fake, "issues", path), publish=False)
    subject = platform.subject()

    assert subject.kind == "issue"
    assert subject.description == PLAN
    assert "rollout-plan::not-needed" in subject.labels
    # an issue has no base commit: the default branch's file
    assert platform.config_text() == "extends: handbook\n"
    assert fake.log[-1].query == {}
    assert list(platform.changed_paths()) == []
    assert list(platform.linked_issues()) == []
    assert platform.rerun_url() is None


def test_config_is_read_at_the_base_commit_of_the_event(fake, tmp_path):
    path, payload = pull_event(tmp_path, fake)
    base = payload["pull_request"]["base"]["sha"]
    fake.add_pull(REPO, payload["pull_request"]["number"], PLAN, base_sha=base)
    fake.set_file(REPO, base, ".rollout-plan.yml", "extends: handbook-strict\n")
    fake.set_file(REPO, "feature", ".rollout-plan.yml", "loosened by the change\n")

    platform = resolve(None, env_for(fake, "pull_request", path), publish=False)

    assert platform.config_text() == "extends: handbook-strict\n"
    assert fake.log[-1].path == f"/repos/{REPO}/contents/.rollout-plan.yml"
    assert fake.log[-1].query == {"ref": base}
    assert len(fake.log) == 1  # the base commit came from the event: no pull request read


def test_no_config_file_is_none(fake, tmp_path):
    path, payload = pull_event(tmp_path, fake)
    fake.add_pull(REPO, payload["pull_request"]["number"], PLAN)
    platform = resolve(None, env_for(fake, "pull_request", path), publish=False)
    assert platform.config_text() is None


def test_changed_paths_page_lazily(fake, tmp_path):
    path, payload = pull_event(tmp_path, fake)
    number = payload["pull_request"]["number"]
    files = tuple(f"src/module_{i}.py" for i in range(250))
    fake.add_pull(REPO, number, PLAN, files=files)
    platform = resolve(None, env_for(fake, "pull_request", path), publish=False)
    platform.subject()
    fake.reset_log()

    paths = iter(platform.changed_paths())
    assert next(paths) == "src/module_0.py"
    assert len(fake.log) == 1  # one page so far
    assert [next(paths) for _ in range(249)][-1] == "src/module_249.py"
    assert next(paths, None) is None
    assert [r.query.get("page", "1") for r in fake.log] == ["1", "2", "3"]
    assert all(r.query["per_page"] == "100" for r in fake.log)


def test_renamed_files_count_under_both_names(fake, tmp_path):
    path, payload = pull_event(tmp_path, fake)
    item = fake.add_pull(REPO, payload["pull_request"]["number"], PLAN, files=())
    item.files = [{"filename": "db/new.sql", "status": "renamed", "previous_filename": "db/old.sql"}]
    platform = resolve(None, env_for(fake, "pull_request", path), publish=False)
    assert list(platform.changed_paths()) == ["db/new.sql", "db/old.sql"]


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ("Fixes #12", [("o/r", 12)]),
        ("closes: #12 and Resolves #13", [("o/r", 12), ("o/r", 13)]),
        ("Closes other/repo#7", [("other/repo", 7)]),
        ("resolves https://github.com/a/b/issues/3", [("a/b", 3)]),
        ("FIXED #4, fixes #4", [("o/r", 4)]),
        ("see #12, prefixes #3, fix#9", []),
        ("", []),
    ],
)
def test_closing_references(body, expected):
    assert adapter.closing_references(body, "o/r") == expected


def test_linked_issues_are_read_live_one_by_one(fake, tmp_path):
    path, payload = pull_event(tmp_path, fake)
    fake.add_pull(
        REPO, payload["pull_request"]["number"],
        "Fixes #12\nCloses other/plans#3\nResolves #404",
    )
    fake.add_issue(REPO, 12, "the plan, in the issue")
    fake.add_issue("other/plans", 3, None)
    platform = resolve(None, env_for(fake, "pull_request", path), publish=False)
    platform.subject()
    fake.reset_log()

    linked = iter(platform.linked_issues())
    first = next(linked)
    assert (first.kind, first.description) == ("issue", "the plan, in the issue")
    assert first.ref == fake.web(f"/{REPO}/issues/12")
    assert len(fake.log) == 1  # lazily: the next issue is not read yet
    second = next(linked)
    assert second.description == ""
    assert next(linked, None) is None  # #404 does not exist: skipped
    assert [r.path for r in fake.log] == [
        f"/repos/{REPO}/issues/12", "/repos/other/plans/issues/3", f"/repos/{REPO}/issues/404",
    ]


def test_url_target_on_github_com_uses_api_github_com():
    platform = adapter.from_url("https://github.com/o/r/pull/7", {}, publish=False)
    assert platform.target == adapter.Target("https://api.github.com", "o/r", 7, "pull_request")
    assert platform.blocker() == "GITHUB_TOKEN is not set: nothing is posted"


def test_url_target_on_enterprise_server_uses_api_v3(ghes):
    ghes.add_pull("team/service", 3, PLAN, base_sha="c" * 40)
    ghes.set_file("team/service", "c" * 40, ".rollout-plan.yml", "extends: handbook\n")
    url = ghes.web("/team/service/pull/3")  # no GITHUB_API_URL: derived from the host

    platform = resolve(url, {"GITHUB_TOKEN": TOKEN}, publish=False)

    assert platform.target.api_url == ghes.root + "/api/v3"
    assert platform.subject().description == PLAN
    assert platform.config_text() == "extends: handbook\n"  # at the live pull's base
    assert [r.path for r in ghes.log] == [
        "/repos/team/service/pulls/3", "/repos/team/service/contents/.rollout-plan.yml",
    ]


def test_github_api_url_overrides_the_derived_root(fake):
    fake.add_issue("o/r", 9, PLAN)
    env = {"GITHUB_API_URL": fake.api_url, "GITHUB_TOKEN": TOKEN}
    platform = resolve("https://github.example.com/o/r/issues/9", env, publish=False)
    assert platform.subject().description == PLAN


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"GITHUB_EVENT_NAME": "push"}, "nothing to check"),
        ({"GITHUB_EVENT_NAME": "pull_request"}, "GITHUB_EVENT_PATH is not set"),
        ({"GITHUB_EVENT_NAME": "pull_request", "GITHUB_EVENT_PATH": "/nonexistent"}, "cannot read"),
    ],
)
def test_events_we_cannot_use_are_usage_errors(env, message):
    with pytest.raises(TargetError, match=message):
        adapter.from_ci({"GITHUB_ACTIONS": "true", "GITHUB_REPOSITORY": "o/r", **env}, publish=False)


def test_a_payload_without_a_number_is_a_usage_error(tmp_path):
    path = write_event(tmp_path, {"pull_request": {"title": "no number"}})
    env = {"GITHUB_EVENT_NAME": "pull_request", "GITHUB_EVENT_PATH": str(path), "GITHUB_REPOSITORY": "o/r"}
    with pytest.raises(TargetError, match="pull_request.number"):
        adapter.from_ci(env, publish=False)


def test_bad_tuning_is_a_usage_error():
    with pytest.raises(TargetError, match="ROLLOUT_ENFORCER_RETRY_SECONDS"):
        adapter.tuning_from({"ROLLOUT_ENFORCER_RETRY_SECONDS": "soon"})


def test_unknown_pull_request_is_a_platform_error(fake):
    platform = adapter.GitHub(
        adapter.Target(fake.api_url, "o/missing", 1, "pull_request"), TOKEN, publish=False, tuning=FAST
    )
    with pytest.raises(PlatformError, match="404"):
        platform.subject()


def test_a_bad_token_is_a_platform_error_that_does_not_show_it(fake):
    fake.add_pull("o/r", 1, PLAN)
    platform = adapter.GitHub(
        adapter.Target(fake.api_url, "o/r", 1, "pull_request"), "ghp_wrongwrongwrong", publish=False,
        tuning=FAST,
    )
    with pytest.raises(PlatformError, match="401") as error:
        platform.subject()
    assert "ghp_" not in str(error.value)


def test_pygithub_is_imported_only_for_github_targets():
    import subprocess

    code = (
        "import sys; from enforcer.platforms import resolve; resolve('x.md', {}, publish=False);"
        "print('github' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
