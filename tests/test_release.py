"""The release: what the pipelines build and publish, checked here as far as this machine can.

The wheel and sdist are built and checked with twine as the release jobs do; the wheel is
installed the way the Dockerfile installs it and run as an unprivileged user; the image is
built only where a Docker engine answers; the pins the component and the Action install are
held to pyproject.toml. What only a real GitLab, GitHub or PyPI can show is in docs/release.md.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tarfile
import tempfile
import zipfile
from pathlib import Path

import pytest
import yaml
from packaging.requirements import Requirement
from packaging.version import Version

ROOT = Path(__file__).resolve().parents[1]
PYPROJECT = (ROOT / "pyproject.toml").read_text()
VERSION = re.search(r'^version = "(.*)"$', PYPROJECT, re.M)[1]  # type: ignore[index]
NOBODY = 65534


def run(*args: str, **options) -> subprocess.CompletedProcess[str]:  # type: ignore[no-untyped-def]
    return subprocess.run(args, capture_output=True, text=True, check=False, timeout=600, **options)


@pytest.fixture(scope="module")
def dist(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The wheel and sdist, built as `python -m build` does in the release jobs (without an
    isolated environment: hatchling is among the test extras, and no download is needed)."""
    out = tmp_path_factory.mktemp("dist")
    done = run(sys.executable, "-m", "build", "--no-isolation", "--outdir", str(out), str(ROOT))
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    return out


def wheel_of(dist: Path) -> Path:
    [wheel] = dist.glob("rollout_enforcer-*.whl")
    return wheel


def test_the_build_gives_one_wheel_and_one_sdist_of_this_version(dist: Path) -> None:
    assert sorted(p.name for p in dist.iterdir()) == [
        f"rollout_enforcer-{VERSION}-py3-none-any.whl",
        f"rollout_enforcer-{VERSION}.tar.gz",
    ]


def test_twine_check_passes(dist: Path) -> None:
    done = run(sys.executable, "-m", "twine", "check", "--strict", *map(str, dist.iterdir()))
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout.count("PASSED") == 2


def test_twine_check_is_real(dist: Path, tmp_path: Path) -> None:
    """A wheel whose description cannot be rendered fails the same check."""
    broken = tmp_path / wheel_of(dist).name
    with zipfile.ZipFile(wheel_of(dist)) as source, zipfile.ZipFile(broken, "w") as target:
        for item in source.infolist():
            data = source.read(item)
            if item.filename.endswith(".dist-info/METADATA"):
                head, _, _ = data.decode().partition("\n\n")
                head = re.sub(r"Description-Content-Type: .*", "Description-Content-Type: text/x-rst", head)
                data = (head + "\n\nTitle\n===\n\n.. broken:: `unclosed\n   :x:\n\n  bad indent\n ``x\n").encode()
            target.writestr(item, data)
    assert run(sys.executable, "-m", "twine", "check", "--strict", str(broken)).returncode != 0


def test_the_wheel_holds_the_package_and_the_rulesets_and_no_tests(dist: Path) -> None:
    names = zipfile.ZipFile(wheel_of(dist)).namelist()
    assert "enforcer/cli.py" in names
    assert {f"enforcer/rules/{n}.yml" for n in ("handbook", "handbook-strict", "product-launch")} <= set(names)
    assert not [n for n in names if n.startswith("tests/")]
    entry_points = next(n for n in names if n.endswith(".dist-info/entry_points.txt"))
    assert "enforce = enforcer.__main__:main" in zipfile.ZipFile(wheel_of(dist)).read(entry_points).decode()


def test_the_sdist_holds_what_the_action_and_the_image_need(dist: Path) -> None:
    [sdist] = dist.glob("*.tar.gz")
    names = {n.split("/", 1)[1] for n in tarfile.open(sdist).getnames() if "/" in n}
    for needed in ("pyproject.toml", "action.yml", "requirements/github-action.txt", "Dockerfile",
                   "templates/rollout-plan.yml", "rules/handbook.yml", "enforcer/cli.py"):
        assert needed in names, needed


@pytest.mark.e2e
def test_the_wheel_installed_as_the_image_does_runs_as_an_unprivileged_user(dist: Path) -> None:
    """The Dockerfile's install step (pip install the wheel, dependencies from the index) in a
    fresh virtual environment, then a real check run as a user without privileges."""
    folder = Path(tempfile.mkdtemp(prefix="enforce-image-"))
    try:
        folder.chmod(0o755)
        venv = folder / "venv"
        assert run(sys.executable, "-m", "venv", str(venv)).returncode == 0
        installed = run(str(venv / "bin" / "python"), "-m", "pip", "install", "--quiet",
                        "--disable-pip-version-check", str(wheel_of(dist)))
        assert installed.returncode == 0, installed.stderr[-2000:]
        plan = folder / "plan.md"
        shutil.copy(ROOT / "docs" / "examples" / "incomplete-plan.md", plan)
        plan.chmod(0o644)
        user: list[str] = []
        if os.geteuid() == 0 and shutil.which("setpriv"):
            user = ["setpriv", f"--reuid={NOBODY}", f"--regid={NOBODY}", "--clear-groups"]
        env = {"PATH": "/usr/bin:/bin", "HOME": str(folder)}
        version = run(*user, str(venv / "bin" / "enforce"), "--version", cwd=folder, env=env)
        assert version.stdout.strip() == f"enforce, version {VERSION}", version.stderr
        checked = run(*user, str(venv / "bin" / "enforce"), "check", "plan.md", cwd=folder, env=env)
        assert checked.returncode == 1, checked.stderr  # the example is incomplete on purpose
        assert "Rollout plan: plan.md" in checked.stdout
    finally:
        shutil.rmtree(folder, ignore_errors=True)


# --- the container image ---------------------------------------------------------------------


def dockerfile() -> list[tuple[str, str]]:
    """(instruction, arguments) of the Dockerfile, continuation lines joined."""
    text = re.sub(r"\\\n", " ", (ROOT / "Dockerfile").read_text())
    lines = [line.strip() for line in text.splitlines() if line.strip() and not line.lstrip().startswith("#")]
    return [(line.split(None, 1)[0].upper(), line.split(None, 1)[1]) for line in lines]


def test_the_image_is_small_non_root_and_runs_enforce() -> None:
    steps = dockerfile()
    [base] = [args for kind, args in steps if kind == "FROM"]
    assert re.fullmatch(r"python:\$\{PYTHON_VERSION\}-slim", base)
    assert ("ARG", "PYTHON_VERSION=3.12") in steps
    assert ("ARG", 'EXTRAS=""') in steps
    [user] = [args for kind, args in steps if kind == "USER"]
    assert user.split(":")[0] not in ("0", "root")
    assert [kind for kind, _ in steps].index("USER") > max(i for i, (k, _) in enumerate(steps) if k == "RUN")
    assert ("ENTRYPOINT", '["enforce"]') in steps
    [run_step] = [args for kind, args in steps if kind == "RUN"]
    assert 'python -m pip install "$wheel"' in run_step and "rm -rf /tmp/dist" in run_step
    assert ("COPY", "dist/ /tmp/dist/") in steps
    ignore = [line for line in (ROOT / ".dockerignore").read_text().splitlines() if line and not line.startswith("#")]
    assert ignore == ["*", "!dist/", "!dist/*.whl"]  # nothing of the checkout but the wheel


def _docker_engine() -> str | None:
    if shutil.which("docker") is None:
        return "docker is not installed"
    done = run("docker", "info", "--format", "{{.ServerVersion}}")
    if done.returncode != 0:
        return "no Docker engine answers here (`docker info` fails: only the client is installed)"
    return None


@pytest.mark.e2e
def test_the_image_builds_and_runs_as_a_user_without_privileges(dist: Path, tmp_path: Path) -> None:
    why = _docker_engine()
    if why:
        pytest.skip(f"the image build needs a Docker engine: {why}; docs/release.md")
    context = tmp_path / "context"
    shutil.copytree(ROOT, context, ignore=shutil.ignore_patterns(".venv", "node_modules", ".git", "dist"))
    (context / "dist").mkdir()
    shutil.copy(wheel_of(dist), context / "dist")
    tag = f"rollout-enforcer-test:{VERSION}"
    built = run("docker", "build", "--tag", tag, str(context))
    assert built.returncode == 0, built.stderr[-3000:]
    try:
        assert run("docker", "run", "--rm", tag, "--version").stdout.strip() == f"enforce, version {VERSION}"
        assert run("docker", "run", "--rm", "--entrypoint", "id", tag, "-u").stdout.strip() == "10001"
    finally:
        run("docker", "image", "rm", "--force", tag)


# --- the pipelines ---------------------------------------------------------------------------


def test_the_gitlab_release_runs_on_version_tags_and_publishes_everywhere() -> None:
    pipeline = yaml.safe_load((ROOT / ".gitlab-ci.yml").read_text())
    jobs = {name: job for name, job in pipeline.items() if name.startswith("release-")}
    assert set(jobs) == {"release-dist", "release-image", "release-gitlab-package", "release-pypi", "release-catalog"}
    assert pipeline[".release"]["rules"] == [{"if": r"$CI_COMMIT_TAG =~ /^[0-9]+\.[0-9]+\.[0-9]+$/"}]
    assert all(job["extends"] == ".release" for job in jobs.values())
    dist_script = "\n".join(jobs["release-dist"]["script"])
    assert "python -m build" in dist_script and "twine check --strict" in dist_script
    assert "$CI_COMMIT_TAG" in dist_script  # the tag must be the package's version
    assert "packages/pypi" in "\n".join(jobs["release-gitlab-package"]["script"])
    pypi = jobs["release-pypi"]
    assert pypi["id_tokens"] == {"PYPI_ID_TOKEN": {"aud": "pypi"}}
    assert "TWINE_PASSWORD" not in pypi.get("variables", {})  # trusted publishing: no token kept
    image_script = "\n".join(jobs["release-image"]["script"])
    assert 'docker push "$CI_REGISTRY_IMAGE:$CI_COMMIT_TAG"' in image_script
    assert jobs["release-catalog"]["release"]["tag_name"] == "$CI_COMMIT_TAG"
    assert re.search(r":v\d+\.\d+\.\d+$", jobs["release-catalog"]["image"])


def test_the_github_release_uses_trusted_publishing() -> None:
    workflow = yaml.safe_load((ROOT / ".github" / "workflows" / "release.yml").read_text())
    triggers = workflow[True] if True in workflow else workflow["on"]
    assert triggers == {"push": {"tags": ["[0-9]+.[0-9]+.[0-9]+"]}}
    assert workflow["permissions"] == {"contents": "read"}
    jobs = workflow["jobs"]
    assert jobs["pypi"]["permissions"] == {"id-token": "write"}
    assert [s.get("uses") for s in jobs["pypi"]["steps"]][-1] == "pypa/gh-action-pypi-publish@release/v1"
    assert not any("id-token" in (job.get("permissions") or {}) for name, job in jobs.items() if name != "pypi")
    build = "\n".join(s.get("run", "") for s in jobs["dist"]["steps"])
    assert "python -m build" in build and "twine check --strict" in build


def test_a_broken_workflow_fails_the_schema_check(tmp_path: Path) -> None:
    """The schema tests of the workflows and action.yml are not vacuous."""
    bad = tmp_path / "bad.yml"
    bad.write_text("on: push\njobs:\n  x:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: 5\n        bogus: true\n")
    done = run(sys.executable, "-m", "check_jsonschema", "--builtin-schema", "vendor.github-workflows", str(bad))
    assert done.returncode != 0


# --- pins ------------------------------------------------------------------------------------


def test_the_component_installs_this_version_pinned() -> None:
    header = yaml.safe_load((ROOT / "templates" / "rollout-plan.yml").read_text().split("\n---\n")[0])
    assert header["spec"]["inputs"]["package"]["default"] == f"rollout-enforcer=={VERSION}"
    assert f"@{VERSION}" in (ROOT / "templates" / "rollout-plan.yml").read_text()
    assert f"rollout-plan@{VERSION}" in (ROOT / "docs" / "gitlab.md").read_text()


def _runtime_dependencies() -> dict[str, Requirement]:
    block = re.search(r"^dependencies = \[(.*?)^\]", PYPROJECT, re.M | re.S)[1]  # type: ignore[index]
    requirements = [Requirement(item) for item in re.findall(r'"([^"]+)"', block)]
    return {r.name.lower(): r for r in requirements}


def _action_pins() -> dict[str, Version]:
    pins = {}
    for line in (ROOT / "requirements" / "github-action.txt").read_text().splitlines():
        if line and not line.startswith("#"):
            name, _, version = line.partition("==")
            pins[name.lower().replace("_", "-")] = Version(version)
    return pins


def test_the_action_pins_every_runtime_dependency_but_python_gitlab() -> None:
    pins = _action_pins()
    for name, requirement in _runtime_dependencies().items():
        if name == "python-gitlab":
            assert name not in pins
            continue
        assert name.lower() in {p.lower() for p in pins}, f"{name} is not pinned for the Action"
        pinned = next(v for p, v in pins.items() if p.lower() == name.lower())
        assert requirement.specifier.contains(pinned), (name, str(requirement.specifier), pinned)
    assert all(str(v) == str(v).strip() for v in pins.values())
