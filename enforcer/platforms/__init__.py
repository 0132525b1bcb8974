"""Pick the platform adapter for a target: a file, standard input, or a merge request URL.

Adapters are gathered here by name and imported only when used, so a local check never
loads python-gitlab or PyGithub.
"""

from __future__ import annotations

import importlib
import re

from enforcer.platforms.base import Environ, Platform, TargetError

# name -> module; each module has ``from_ci(env)`` and ``from_url(url, env, publish)``
ADAPTERS = {
    "gitlab": "enforcer.platforms.gitlab",
    "github": "enforcer.platforms.github",
}

# URL paths, compiled by re on first use: a local check never needs them
GITLAB_PATH = r"^/(?P<project>.+?)/-/(?P<kind>merge_requests|issues)/(?P<iid>\d+)/?$"
GITHUB_PATH = r"^/(?P<owner>[^/]+)/(?P<repo>[^/]+)/(?P<kind>pull|issues)/(?P<number>\d+)/?$"


def _adapter(name: str):
    return importlib.import_module(ADAPTERS[name])


def in_ci(env: Environ) -> str | None:
    """The platform whose CI we run in, if any."""
    if env.get("GITLAB_CI") == "true":
        return "gitlab"
    if env.get("GITHUB_ACTIONS") == "true":
        return "github"
    return None


def is_url(target: str) -> bool:
    return target.startswith(("https://", "http://"))


def platform_of_url(url: str) -> str:
    """`gitlab` or `github` for a merge request / pull request / issue URL, else TargetError."""
    from urllib.parse import urlparse

    path = urlparse(url).path
    if re.match(GITLAB_PATH, path):
        return "gitlab"
    if re.match(GITHUB_PATH, path):
        return "github"
    raise TargetError(
        f"{url}: not a merge request or issue URL. Expected "
        "https://HOST/GROUP/PROJECT/-/merge_requests/N (or /-/issues/N) for GitLab, "
        "https://HOST/OWNER/REPO/pull/N (or /issues/N) for GitHub"
    )


def resolve(target: str | None, env: Environ, *, publish: bool) -> Platform:
    """The platform for ``target``; None means the current merge request in CI."""
    from enforcer.platforms.local import Local

    if target is None:
        name = in_ci(env)
        if name is None:
            raise TargetError(
                "no target: name a Markdown file, '-' for standard input, or a merge request "
                "or pull request URL (inside CI the current one is found by itself)"
            )
        return _adapter(name).from_ci(env, publish=publish)
    if is_url(target):
        return _adapter(platform_of_url(target)).from_url(target, env, publish=publish)
    return Local(target)
