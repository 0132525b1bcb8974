"""`enforce serve` on the command line: refusals before listening, and nothing of it loaded
by a local check."""

from __future__ import annotations

import socket
import subprocess
import sys

import pytest
from serve_support import ROOT, SECRET


def enforce(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "enforcer", *args],
        env={"PATH": "/usr/bin:/bin", "PYTHONPATH": str(ROOT), **env},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
        cwd=ROOT,
    )


def test_server_libraries_are_not_imported_for_a_local_check() -> None:
    code = (
        "import sys\n"
        "from enforcer.cli import cli\n"
        "try:\n"
        "    cli(['check', 'docs/examples/complete-plan.md', '--format', 'json'], prog_name='enforce')\n"
        "except SystemExit as done:\n"
        "    code = done.code\n"
        "heavy = sorted(m for m in sys.modules if m.split('.')[0] in "
        "('starlette', 'uvicorn', 'prometheus_client', 'anyio', 'h11') or m.startswith('enforcer.serve'))\n"
        "print(repr((code, heavy)), file=sys.stderr)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
        cwd=ROOT,
    )
    assert done.stderr.strip().splitlines()[-1] == "(0, [])"


def test_help_names_the_options() -> None:
    done = enforce("serve", "--help")
    assert done.returncode == 0
    assert "--host" in done.stdout and "--port" in done.stdout


BASE = {
    "ROLLOUT_ENFORCER_WEBHOOK_SECRET": SECRET,
    "GITLAB_URL": "http://127.0.0.1:9",
    "GITLAB_TOKEN": "glpat-x",
}

REFUSALS = [
    ({**BASE, "ROLLOUT_ENFORCER_WEBHOOK_SECRET": ""}, "ROLLOUT_ENFORCER_WEBHOOK_SECRET is not set"),
    (
        {**BASE, "ROLLOUT_ENFORCER_WEBHOOK_SECRET": "   "},
        "ROLLOUT_ENFORCER_WEBHOOK_SECRET is not set",
    ),
    ({"ROLLOUT_ENFORCER_WEBHOOK_SECRET": SECRET}, "no platform to write to"),
    ({"ROLLOUT_ENFORCER_WEBHOOK_SECRET": SECRET, "GITLAB_TOKEN": "glpat-x"}, "GITLAB_URL is not"),
    ({**BASE, "GITLAB_URL": "gitlab.example.com"}, "GITLAB_URL: expected an http(s) URL"),
    (
        {**BASE, "ROLLOUT_ENFORCER_WORKERS": "0"},
        "ROLLOUT_ENFORCER_WORKERS: expected a whole number",
    ),
    ({**BASE, "ROLLOUT_ENFORCER_QUEUE_SIZE": "many"}, "ROLLOUT_ENFORCER_QUEUE_SIZE"),
    ({**BASE, "ROLLOUT_ENFORCER_DRAIN_SECONDS": "-1"}, "ROLLOUT_ENFORCER_DRAIN_SECONDS"),
]


@pytest.mark.parametrize(("env", "message"), REFUSALS)
def test_refusals_exit_2_with_a_message(env: dict[str, str], message: str) -> None:
    done = enforce("serve", "--port", "0", **env)
    assert done.returncode == 2, done.stderr
    assert message in done.stderr
    assert "Traceback" not in done.stderr
    assert "glpat-x" not in done.stderr


def test_a_port_in_use_exits_2() -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen(1)
        port = taken.getsockname()[1]
        done = enforce("serve", "--port", str(port), **BASE)
    assert done.returncode == 2
    assert f"cannot listen on 127.0.0.1:{port}" in done.stderr
    assert "Traceback" not in done.stderr
