"""A configuration cannot be turned against its owner: `extends:` stays inside the repository,
a message never repeats a file, a ruleset that asks for nothing is refused, and the CI inputs
(`--default-ruleset`) never override what the configuration names."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from enforcer import config
from enforcer.config import ConfigError, Files

ROOT = Path(__file__).resolve().parents[2]
SECRET = "root:x:0:0:secret-token-glpat-123:/root:/bin/bash"


def load_in(repo: Path, text: str, **options: object) -> config.Config:
    return config.load(config_text=text, base=str(repo), **options)  # type: ignore[arg-type]


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    (tmp_path / "outside").mkdir()
    (tmp_path / "outside" / "passwd").write_text(SECRET + "\n")
    (tmp_path / "repo" / "rules").mkdir(parents=True)
    (tmp_path / "repo" / "rules" / "team.yml").write_text("extends: handbook-strict\nname: team\n")
    return tmp_path / "repo"


ESCAPES = [
    ("absolute", "/etc/passwd", "is an absolute path"),
    ("absolute to a secret", "{outside}/passwd", "is an absolute path"),
    ("up and out", "../outside/passwd", "leads out of the repository"),
    ("deep up and out", "../../../../../../etc/passwd", "leads out of the repository"),
    ("down then out", "rules/../../outside/passwd", "leads out of the repository"),
    ("home", "~/x.yml", "is an absolute path"),
    ("windows drive", "C:/x.yml", "is an absolute path"),
    ("backslashes out", "..\\outside\\passwd", "leads out of the repository"),
]


@pytest.mark.parametrize(("kind", "ref", "says"), ESCAPES, ids=[e[0] for e in ESCAPES])
def test_extends_stays_inside_the_repository(repo: Path, kind: str, ref: str, says: str) -> None:
    ref = ref.format(outside=repo.parent / "outside")
    with pytest.raises(ConfigError) as raised:
        load_in(repo, f"extends: '{ref}'\n")
    assert says in str(raised.value)
    assert SECRET not in str(raised.value)


def test_a_path_inside_is_followed_down_and_back_up(repo: Path) -> None:
    (repo / "rules" / "base.yml").write_text("extends: ../rules/team.yml\n")
    assert load_in(repo, "extends: rules/base.yml\n").ruleset == "team"


def test_a_nested_file_cannot_leave_either(repo: Path) -> None:
    (repo / "rules" / "sneaky.yml").write_text("extends: ../../outside/passwd\n")
    with pytest.raises(ConfigError) as raised:
        load_in(repo, "extends: rules/sneaky.yml\n")
    assert str(raised.value).startswith('rules/sneaky.yml: extends: "../../outside/passwd" leads out')


def test_a_symbolic_link_out_of_the_repository_is_refused(repo: Path) -> None:
    (repo / "rules" / "link.yml").symlink_to(repo.parent / "outside" / "passwd")
    with pytest.raises(ConfigError) as raised:
        load_in(repo, "extends: rules/link.yml\n")
    assert str(raised.value) == (
        ".rollout-plan.yml: extends: rules/link.yml: a symbolic link that leads out of the repository"
    )


def test_a_folder_linked_out_of_the_repository_is_refused(repo: Path) -> None:
    (repo / "shared").symlink_to(repo.parent / "outside")
    with pytest.raises(ConfigError) as raised:
        load_in(repo, "extends: shared/passwd\n")
    assert "a symbolic link that leads out of the repository" in str(raised.value)


def test_a_symbolic_link_inside_the_repository_is_followed(repo: Path) -> None:
    (repo / "current.yml").symlink_to(repo / "rules" / "team.yml")
    assert load_in(repo, "extends: current.yml\n").ruleset == "team"


NOT_REPEATED = [
    ("a password file", SECRET + "\nbin:x:1:1::/bin:/usr/sbin/nologin\n"),
    ("a one-line token URL", "https://oauth2:glpat-secret-token@gitlab.example.com/x.git\n"),
    ("a list", "- " + SECRET + "\n"),
    ("broken YAML", "a: [" + SECRET + "\n"),
    ("a tab", "a:\n\t" + SECRET + "\n"),
    # a key is named, as the contract asks, but cut to 60 characters: not a whole line
    ("a key given twice", f"'{'k' * 61}{SECRET}': 1\n'{'k' * 61}{SECRET}': 2\n"),
    ("an unknown key", f"'{'k' * 61}{SECRET}': 1\n"),
    # a short line that YAML reads as a key: /etc/shadow, a token URL before '= 1'
    ("a shadow line as a key", "root:*:20228:secret:99999:7:::\n"),
    ("a token URL as a key", "url=https://oauth2:glpat-secret@gitlab.com/x.git: 1\n"),
    ("a binary file", "\x00\x01" + SECRET),
]


@pytest.mark.parametrize(("kind", "text"), NOT_REPEATED, ids=[n[0] for n in NOT_REPEATED])
def test_no_message_repeats_a_file(repo: Path, kind: str, text: str) -> None:
    (repo / "rules" / "other.yml").write_text(text)
    with pytest.raises(ConfigError) as raised:
        load_in(repo, "extends: rules/other.yml\n")
    message = str(raised.value)
    assert "secret" not in message and "root:x" not in message, message
    assert "\n" not in message and len(message) < 300, message


def test_a_long_value_is_cut_to_a_line(repo: Path) -> None:
    with pytest.raises(ConfigError) as raised:
        load_in(repo, "requirements:\n  rollback:\n    severity: '" + "z" * 5000 + "'\n")
    assert str(raised.value) == (
        '.rollout-plan.yml: requirements.rollback.severity: expected "error" or "warning", got "'
        + "z" * 60 + '..."'
    )


@pytest.mark.parametrize(
    "text",
    [
        "requirements: {}\nextends: rules/empty.yml\n",
        "extends: handbook\nrequirements:\n"
        + "".join(f"  {r}: {{disable: true}}\n" for r in (
            "expectations", "validation", "risks", "rollback", "metrics", "testing",
            "communication", "staging-production-checks", "rollout-steps", "retro")),
    ],
    ids=["nothing given", "every one disabled"],
)
def test_a_ruleset_with_no_requirement_is_an_error(repo: Path, text: str) -> None:
    (repo / "rules" / "empty.yml").write_text("name: empty\n")
    with pytest.raises(ConfigError) as raised:
        load_in(repo, text)
    assert "has no requirement" in str(raised.value)


def test_an_empty_ruleset_exits_2_and_never_says_complete(repo: Path) -> None:
    (repo / "rules" / "empty.yml").write_text("name: empty\n")
    (repo / ".rollout-plan.yml").write_text("extends: rules/empty.yml\n")
    (repo / "plan.md").write_text("nothing\n")
    done = subprocess.run(
        [sys.executable, "-m", "enforcer", "check", "plan.md"], cwd=repo, capture_output=True,
        text=True, env={**os.environ, "PYTHONPATH": str(ROOT)}, timeout=60, check=False,
    )
    assert done.returncode == 2
    assert done.stdout == ""
    assert "complete" not in done.stderr.lower()


# --- where the files come from -------------------------------------------------------------


class Branch:
    """Files of a target branch, as an API would give them, and the paths asked for."""

    def __init__(self, files: dict[str, str]) -> None:
        self.files, self.asked = files, []  # type: list[str]

    def read(self, path: str) -> str | None:
        self.asked.append(path)
        return self.files.get(path)


def test_in_ci_extends_is_read_from_the_target_branch_not_the_checkout(repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(repo)
    (repo / "rules" / "ours.yml").write_text("requirements: {}\n")  # the merge request emptied it
    branch = Branch({"rules/ours.yml": "extends: handbook-strict\nname: ours\n"})
    cfg = config.load(config_text="extends: rules/ours.yml\n", files=Files(branch.read, "the target branch"))
    assert cfg.ruleset == "ours"
    assert all(r.severity == "error" for r in cfg.requirements)
    assert branch.asked == ["rules/ours.yml"]


def test_in_ci_a_file_missing_on_the_target_branch_is_an_error(repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(repo)  # the checkout has it: it is never read
    branch = Branch({})
    with pytest.raises(ConfigError) as raised:
        config.load(config_text="extends: rules/team.yml\n", files=Files(branch.read, "the target branch"))
    assert str(raised.value).endswith("; rules/team.yml is not on the target branch")


def test_in_ci_a_path_on_the_command_line_is_read_from_the_target_branch_too() -> None:
    branch = Branch({"ci/strict.yml": "extends: handbook-strict\nname: strict\n"})
    files = Files(branch.read, "the target branch")
    assert config.load(default_ruleset="ci/strict.yml", files=files).ruleset == "strict"
    with pytest.raises(ConfigError, match="is an absolute path"):
        config.load(ruleset="/etc/passwd", files=files)


# --- the CI inputs are a fallback ----------------------------------------------------------


@pytest.mark.parametrize(
    ("config_text", "default", "expected"),
    [
        ("extends: handbook-strict\n", "handbook", "handbook-strict"),  # the target branch wins
        ("requirements:\n  rollback: {severity: warning}\n", "handbook-strict", "handbook-strict"),
        (None, "product-launch", "product-launch"),
        (None, None, "handbook"),
        ("extends: product-launch\n", None, "product-launch"),
    ],
)
def test_the_default_ruleset_applies_only_when_the_configuration_names_none(
    config_text: str | None, default: str | None, expected: str
) -> None:
    assert config.load(config_text=config_text, default_ruleset=default).ruleset == expected


def test_the_default_ruleset_from_the_environment(tmp_path: Path) -> None:
    (tmp_path / ".rollout-plan.yml").write_text("extends: handbook-strict\n")
    (tmp_path / "plan.md").write_text("## Rollback\nTurn the flag off.\n")

    def ruleset(*args: str, **env: str) -> str:
        done = subprocess.run(
            [sys.executable, "-m", "enforcer", "check", "plan.md", "--format", "json", *args],
            cwd=tmp_path, capture_output=True, text=True, timeout=60, check=False,
            env={**os.environ, "PYTHONPATH": str(ROOT), **env},
        )
        import json

        return json.loads(done.stdout)["ruleset"]

    assert ruleset("--default-ruleset", "handbook") == "handbook-strict"
    assert ruleset(ROLLOUT_ENFORCER_DEFAULT_RULESET="product-launch") == "handbook-strict"
    (tmp_path / ".rollout-plan.yml").unlink()
    assert ruleset("--default-ruleset", "product-launch") == "product-launch"
    assert ruleset(ROLLOUT_ENFORCER_DEFAULT_RULESET="product-launch") == "product-launch"
    assert ruleset("--ruleset", "handbook-strict", "--default-ruleset", "product-launch") == "handbook-strict"


def test_a_local_ruleset_option_may_name_any_file(tmp_path: Path) -> None:
    """A path typed on a local command line is the user's choice, wherever it is."""
    (tmp_path / "elsewhere").mkdir()
    (tmp_path / "elsewhere" / "team.yml").write_text("extends: base.yml\nname: team\n")
    (tmp_path / "elsewhere" / "base.yml").write_text("extends: handbook-strict\n")
    assert config.load(ruleset=str(tmp_path / "elsewhere" / "team.yml")).ruleset == "team"
