"""What every source of descriptions provides: the Platform protocol and its errors.

The core never imports an adapter by name: ``enforcer.platforms.resolve`` picks one from the
target and the environment. Only ``gitlab.py`` imports python-gitlab and only ``github.py``
imports PyGithub, both lazily, so a local check stays fast.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, NamedTuple, Protocol

if TYPE_CHECKING:  # a local check never publishes: publish.py stays unloaded
    from enforcer.model import Report
    from enforcer.publish import State, Writes


class PlatformError(Exception):
    """The platform could not be reached, refused us, or kept failing past the retries.

    Exit code 3. The message says what was tried (URL, never a token) and what would help.
    """


class TargetError(Exception):
    """The target names nothing we can read (bad URL, unreadable file). Exit code 2."""


class Subject(NamedTuple):
    """A merge request, pull request or issue, as read live from the platform."""

    kind: str  # "merge_request", "pull_request", "issue" or "file"
    ref: str  # how we name it to the user: a URL, a path, "-"
    description: str  # "" when the platform says null
    title: str = ""
    labels: frozenset[str] = frozenset()
    state: str = "opened"
    web_url: str | None = None


class Platform(Protocol):
    """A source of one description, and where the verdict goes back to."""

    name: str  # "local", "gitlab", "github"

    def subject(self) -> Subject:
        """The merge request, pull request, issue or file to check, read live."""
        ...

    def config_text(self) -> str | None:
        """`.rollout-plan.yml` as the target branch has it; None when there is none.

        For a merge request in CI, never the change's own copy: a merge request cannot
        loosen its own rules.
        """
        ...

    def file_text(self, path: str) -> str | None:
        """A file of the repository (a ruleset that the configuration ``extends:``), by its
        path inside it, from where ``config_text`` reads; None when there is none."""
        ...

    def changed_paths(self) -> Iterable[str]:
        """Paths the change touches (for ``applies_when.paths``); empty for issues/files."""
        ...

    def linked_issues(self) -> Iterable[Subject]:
        """Issues the change closes ("Closes #12"), where the plan may live instead."""
        ...

    def publish_blocker(self) -> str | None:
        """Why nothing can be published (read-only token ...), or None when we can write."""
        ...

    def rerun_url(self) -> str | None:
        """Where an author re-runs the check after editing the description."""
        ...

    def read_state(self) -> State:
        """Labels now on the merge request and our marker comments, oldest first."""
        ...

    def apply(self, writes: Writes) -> None:
        """Carry the writes out: labels one by one, the comment created or edited."""
        ...

    def finish(self, report: Report, markdown: str, json_path: str | None) -> None:
        """CI-side outputs that are not API writes (step summary, annotations, outputs)."""
        ...


Environ = Mapping[str, str]


def seconds_from_env(env: Environ, name: str, default: float) -> float:
    """A number of seconds from the environment (timeouts, retry bounds); TargetError when
    it is no number or negative."""
    raw = (env.get(name) or "").strip()
    if not raw:
        return default
    try:
        value = float(raw)
    except ValueError:
        value = -1.0
    if value < 0:
        raise TargetError(f"{name}: expected a number of seconds, got {raw!r}")
    return value
