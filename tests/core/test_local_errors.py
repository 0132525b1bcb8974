"""Every local failure is one line on standard error and exit 2; never a traceback.

Each case runs the real command in a shell, with the redirection or the file that fails.
Unreadable files are tried without the privilege to read them: as root, ``chmod 000`` stops
no read, so the command runs with root's file-reading capabilities dropped (setpriv
``--bounding-set=-dac_override,-dac_read_search``), which makes mode 000 refuse it like any
user, while the checkout and its Python, wherever they are, stay readable to their owner.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PLAN = "## Rollback\n\nTurn the flag off and redeploy.\n"


def enforce_sh(cwd: Path, command: str, *, env: dict[str, str] | None = None,
               unprivileged: list[str] | None = None, timeout: float = 60) -> subprocess.CompletedProcess[bytes]:
    """``command`` in sh, with ``enforce`` meaning this checkout's ``python -m enforcer``;
    ``unprivileged``: a prefix that runs it without the right to read mode-000 files."""
    python = f"'{sys.executable}' -m enforcer"
    script = command.replace("enforce ", python + " ", 1)
    full_env = {k: v for k, v in os.environ.items() if not k.startswith(("CI_", "GITLAB_", "GITHUB_"))}
    full_env["PYTHONPATH"] = str(ROOT)
    full_env.update(env or {})
    return subprocess.run(
        [*(unprivileged or []), "sh", "-c", script], cwd=cwd, env=full_env, capture_output=True,
        timeout=timeout, check=False,
    )


def assert_one_line_exit_2(done: subprocess.CompletedProcess[bytes], says: str) -> None:
    stderr = done.stderr.decode("utf-8", "replace")
    assert done.returncode == 2, (done.returncode, stderr)
    assert "Traceback" not in stderr, stderr
    assert stderr.count("\n") == 1 and stderr.startswith("enforce: "), stderr
    assert says in stderr, stderr
    assert len(stderr) < 1100


@pytest.fixture
def work() -> Iterator[Path]:
    """A folder anyone can enter (pytest's own tmp folders are the owner's only)."""
    folder = Path(tempfile.mkdtemp(prefix="enforce-local-"))
    folder.chmod(0o755)
    (folder / "plan.md").write_text(PLAN)
    (folder / "plan.md").chmod(0o644)
    try:
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)


# --- streams -------------------------------------------------------------------------------

STREAMS = [
    ("closed standard input", "enforce check - <&-", "standard input is closed"),
    ("closed standard output", "enforce check plan.md >&-", "standard output is closed"),
    ("full standard output", "enforce check plan.md >/dev/full", "cannot write to standard output: No space left on device"),
    ("rules to a full output", "enforce rules >/dev/full", "cannot write to standard output: No space left on device"),
    ("template to a closed output", "enforce template >&-", "standard output is closed"),
    ("endless zeros", "enforce check - </dev/zero", "larger than 10 MiB"),
    ("endless yes", "yes | enforce check -", "larger than 10 MiB"),
    ("a device as the file", "enforce check /dev/zero", "/dev/zero: larger than 10 MiB"),
    ("input past a smaller bound", "ROLLOUT_ENFORCER_MAX_INPUT_BYTES=10 enforce check plan.md",
     "plan.md: larger than 10 bytes"),
    ("a bound that is no number", "ROLLOUT_ENFORCER_MAX_INPUT_BYTES=lots enforce check plan.md",
     'ROLLOUT_ENFORCER_MAX_INPUT_BYTES: expected a whole number of bytes above 0, got "lots"'),
    ("a folder as the file", "enforce check .", "is a directory"),
]


@pytest.mark.parametrize(("kind", "command", "says"), STREAMS, ids=[s[0] for s in STREAMS])
def test_streams(work: Path, kind: str, command: str, says: str) -> None:
    done = enforce_sh(work, command, timeout=120)
    assert_one_line_exit_2(done, says)
    if "check" in command and ">" not in command:
        assert done.stdout == b""


def test_endless_input_is_refused_without_reading_it_all(work: Path) -> None:
    """10 MiB and a little are read, then the command stops: it neither hangs nor fills the
    memory (the limit here is 200 MiB of address space over the interpreter's needs)."""
    done = enforce_sh(work, "ulimit -v 1000000; enforce check - </dev/zero", timeout=60)
    assert_one_line_exit_2(done, "larger than 10 MiB")


def test_a_report_that_cannot_be_written(work: Path) -> None:
    done = enforce_sh(work, "enforce check plan.md --report json:/dev/full >/dev/null")
    assert_one_line_exit_2(done, "--report: cannot write /dev/full")


# --- the configuration and the templates -----------------------------------------------------


def test_a_templates_glob_matching_a_folder(work: Path) -> None:
    (work / "tpl" / "old").mkdir(parents=True)
    (work / ".rollout-plan.yml").write_text("templates: ['tpl/*']\n")
    assert_one_line_exit_2(enforce_sh(work, "enforce check plan.md"), "matches the folder tpl/old")


def test_a_template_option_naming_a_folder(work: Path) -> None:
    assert_one_line_exit_2(enforce_sh(work, "enforce check plan.md --template ."), "--template .: is a directory")


def test_a_config_file_that_is_a_folder(work: Path) -> None:
    (work / ".rollout-plan.yml").mkdir()
    assert_one_line_exit_2(enforce_sh(work, "enforce check plan.md"), ".rollout-plan.yml: is a directory")


def test_a_ten_megabyte_value_is_not_repeated(work: Path) -> None:
    (work / ".rollout-plan.yml").write_text("requirements:\n  rollback: {severity: " + "a" * 10_000_000 + "}\n")
    done = enforce_sh(work, "enforce check plan.md")
    assert_one_line_exit_2(done, 'requirements.rollback.severity: expected "error" or "warning", got "aaaa')
    assert len(done.stderr) < 300


def test_a_ten_megabyte_argument_is_not_repeated(work: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "enforcer", "check", "plan.md", "--ruleset", "x" * 100_000],
        cwd=work, env={**os.environ, "PYTHONPATH": str(ROOT)}, capture_output=True, timeout=60,
        check=False,
    )
    assert_one_line_exit_2(done, "--ruleset: xxxx")
    assert len(done.stderr) < 400


# --- the CI environment ------------------------------------------------------------------------

CI_CASES = [
    ("merge request number not a number",
     {"GITLAB_CI": "true", "CI_MERGE_REQUEST_IID": "abc", "CI_API_V4_URL": "http://127.0.0.1:9/api/v4",
      "CI_PROJECT_ID": "1"},
     """CI_MERGE_REQUEST_IID: expected the merge request's number, got "abc\""""),
    ("merge request number not set", {"GITLAB_CI": "true"}, "CI_MERGE_REQUEST_IID is not set"),
    ("merge request number of ten megabytes",
     {"GITLAB_CI": "true", "CI_MERGE_REQUEST_IID": "9" * 100 + "x" * 100_000},
     "CI_MERGE_REQUEST_IID: expected the merge request's number, got \"999"),
]


@pytest.mark.parametrize(("kind", "env", "says"), CI_CASES, ids=[c[0] for c in CI_CASES])
def test_gitlab_environment(work: Path, kind: str, env: dict[str, str], says: str) -> None:
    assert_one_line_exit_2(enforce_sh(work, "enforce check", env=env), says)


@pytest.mark.parametrize(
    ("payload", "says"),
    [
        ({"pull_request": 5}, "pull_request: expected an object, got a number"),
        ({"pull_request": "x" * 100_000}, "pull_request: expected an object, got a text"),
        ({"pull_request": {"number": "7"}}, "pull_request.number: expected a pull request or issue number"),
        ([1, 2], "expected a JSON object"),
    ],
    ids=["number", "long text", "number as text", "a list"],
)
def test_github_event_file(work: Path, payload: object, says: str) -> None:
    (work / "event.json").write_text(json.dumps(payload))
    env = {"GITHUB_ACTIONS": "true", "GITHUB_EVENT_NAME": "pull_request",
           "GITHUB_EVENT_PATH": "event.json", "GITHUB_REPOSITORY": "acme/app"}
    done = enforce_sh(work, "enforce check", env=env)
    assert_one_line_exit_2(done, says)
    assert b"xxxxxxxxxx" not in done.stderr


def test_github_event_file_not_json(work: Path) -> None:
    (work / "event.json").write_text("{not json")
    env = {"GITHUB_ACTIONS": "true", "GITHUB_EVENT_NAME": "pull_request",
           "GITHUB_EVENT_PATH": "event.json", "GITHUB_REPOSITORY": "acme/app"}
    assert_one_line_exit_2(enforce_sh(work, "enforce check", env=env), "event.json: not JSON")


# --- unreadable files, as an unprivileged user ---------------------------------------------


def _unprivileged(work: Path) -> list[str]:
    """A command prefix under which mode 000 stops a read; skip when there is none."""
    if os.geteuid() != 0:
        return []
    if shutil.which("setpriv") is None:
        pytest.skip("running as root without setpriv: nothing stops root reading a mode-000 file")
    prefix = ["setpriv", "--bounding-set=-dac_override,-dac_read_search"]
    (work / "probe").write_text("x")
    (work / "probe").chmod(0)
    probe = subprocess.run([*prefix, "cat", str(work / "probe")], capture_output=True, check=False)
    (work / "probe").unlink()
    if probe.returncode == 0:
        pytest.skip("root reads a mode-000 file even without CAP_DAC_OVERRIDE here")
    return prefix


UNREADABLE = [
    (".rollout-plan.yml", "extends: handbook\n", "enforce check plan.md",
     "configuration error: .rollout-plan.yml: cannot read: Permission denied"),
    ("other.yml", "extends: handbook\n", "enforce check plan.md --config other.yml",
     "configuration error: --config other.yml: cannot read: Permission denied"),
    ("team.yml", "extends: handbook\n", "enforce check plan.md",
     "configuration error: .rollout-plan.yml: extends: team.yml: cannot read: Permission denied"),
    ("tpl.md", "## Rollback\n", "enforce check plan.md --template tpl.md",
     "--template tpl.md: cannot read: Permission denied"),
    ("tpl.md", "## Rollback\n", "enforce check plan.md",
     "templates: tpl.md: cannot read: Permission denied"),
    ("plan.md", PLAN, "enforce check plan.md", "plan.md: cannot read: Permission denied"),
    ("ruleset.yml", "extends: handbook\n", "enforce rules --ruleset ruleset.yml",
     "configuration error: --ruleset: ruleset.yml: cannot read: Permission denied"),
]


@pytest.mark.parametrize(("name", "text", "command", "says"), UNREADABLE,
                         ids=[f"{u[0]} ({u[2].split(' ', 2)[-1]})" for u in UNREADABLE])
def test_unreadable_files(work: Path, name: str, text: str, command: str, says: str) -> None:
    unprivileged = _unprivileged(work)
    if name == "team.yml":
        (work / ".rollout-plan.yml").write_text("extends: team.yml\n")
    if name == "tpl.md" and "--template" not in command:
        (work / ".rollout-plan.yml").write_text("templates: [tpl.md]\n")
    for path in work.iterdir():
        path.chmod(0o644)
    (work / name).write_text(text)
    (work / name).chmod(0)
    done = enforce_sh(work, command, unprivileged=unprivileged)
    assert_one_line_exit_2(done, says)


def _popen(work: Path, *args: str, **options) -> subprocess.Popen[bytes]:  # type: ignore[no-untyped-def]
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.Popen([sys.executable, "-m", "enforcer", *args], cwd=work, env=env,
                            stderr=subprocess.PIPE, **options)


def test_a_reader_that_went_away_is_exit_2(work: Path) -> None:
    """`enforce check plan.md | head -c 0`: the pipe is closed before the report is written."""
    (work / "big.md").write_text("## Rollback\n\nTurn it off.\n" * 20_000)
    child = _popen(work, "check", "big.md", "--format", "json", stdout=subprocess.PIPE)
    assert child.stdout is not None
    child.stdout.close()
    _, stderr = child.communicate(timeout=60)
    done = subprocess.CompletedProcess(child.args, child.returncode, b"", stderr)
    assert_one_line_exit_2(done, "cannot write to standard output: Broken pipe")


def test_ctrl_c_is_130_not_1(work: Path) -> None:
    import signal
    import time

    child = _popen(work, "check", "-", stdin=subprocess.PIPE, stdout=subprocess.PIPE)
    time.sleep(1.5)  # started, and waiting on standard input
    child.send_signal(signal.SIGINT)
    _, stderr = child.communicate(timeout=60)
    assert child.returncode == 130, stderr
    assert b"Traceback" not in stderr and b"interrupted" in stderr


@pytest.mark.parametrize("command", ["enforce --version >&-", "enforce check --help >/dev/full",
                                     "enforce check plan.md --report 'x" + "y" * 5000 + "'"])
def test_click_s_own_output_and_errors(work: Path, command: str) -> None:
    done = enforce_sh(work, command)
    assert done.returncode == 2, done.stderr
    assert b"Traceback" not in done.stderr and len(done.stderr) < 600
