"""The receiver's settings, read once from the environment at start."""

from __future__ import annotations

from types import MappingProxyType
from typing import NamedTuple

from enforcer.platforms.base import Environ, TargetError, seconds_from_env

SECRET_VAR = "ROLLOUT_ENFORCER_WEBHOOK_SECRET"
MIB = 1024 * 1024


class SettingsError(Exception):
    """The environment cannot run a receiver (no secret, a bad number). Exit code 2."""


class Settings(NamedTuple):
    secret: bytes
    gitlab_url: str | None = None  # the instance's base URL; the token goes nowhere else
    gitlab_token: str | None = None
    github_api_url: str | None = None
    github_token: str | None = None
    max_body: int = 10 * MIB  # ROLLOUT_ENFORCER_MAX_BODY_BYTES
    queue_size: int = 1000  # ROLLOUT_ENFORCER_QUEUE_SIZE: checks waiting, past it 503
    workers: int = 4  # ROLLOUT_ENFORCER_WORKERS: checks run at once
    retry_seconds: float = 300.0  # ROLLOUT_ENFORCER_CHECK_RETRY_SECONDS: budget of one check
    retry_base_seconds: float = 2.0  # first wait between two attempts; doubles, at most 60 s
    drain_seconds: float = 25.0  # ROLLOUT_ENFORCER_DRAIN_SECONDS: SIGTERM waits this long
    busy_retry_after: int = 30  # the Retry-After of a 503 when the queue is full
    env: Environ = MappingProxyType({})  # for the adapters (timeouts, request retries)

    @property
    def platforms(self) -> tuple[str, ...]:
        """The platforms this receiver can write to (it has an API root and a token)."""
        names = []
        if self.gitlab_url and self.gitlab_token:
            names.append("gitlab")
        if self.github_api_url and self.github_token:
            names.append("github")
        return tuple(names)


def _whole(env: Environ, name: str, default: int, minimum: int = 1) -> int:
    raw = (env.get(name) or "").strip()
    if not raw:
        return default
    if not raw.isdigit() or int(raw) < minimum:
        raise SettingsError(f"{name}: expected a whole number of at least {minimum}, got {raw!r}")
    return int(raw)


def _seconds(env: Environ, name: str, default: float) -> float:
    try:
        return seconds_from_env(env, name, default)
    except TargetError as error:
        raise SettingsError(str(error)) from None


def _root(env: Environ, name: str, default: str | None = None) -> str | None:
    value = (env.get(name) or "").strip() or default
    if value is None:
        return None
    if not value.startswith(("https://", "http://")):
        raise SettingsError(f"{name}: expected an http(s) URL, got {value!r}")
    return value.rstrip("/")


def from_env(env: Environ) -> Settings:
    """Settings from the environment; ``SettingsError`` names the variable that is wrong."""
    secret = env.get(SECRET_VAR) or ""
    if not secret.strip():
        raise SettingsError(
            f"{SECRET_VAR} is not set: the receiver refuses to start without the shared "
            "secret it checks every webhook against (GitLab's secret token, GitHub's webhook "
            "secret)"
        )
    gitlab_token = env.get("GITLAB_TOKEN") or None
    github_token = env.get("GITHUB_TOKEN") or None
    gitlab_url = _root(env, "GITLAB_URL")
    if gitlab_token and gitlab_url is None:
        raise SettingsError(
            "GITLAB_TOKEN is set but GITLAB_URL is not: set GITLAB_URL to the instance's base "
            "URL (https://gitlab.example.com); the token is sent nowhere else"
        )
    github_api_url = _root(
        env, "GITHUB_API_URL", "https://api.github.com" if github_token else None
    )
    settings = Settings(
        secret=secret.encode(),
        gitlab_url=gitlab_url,
        gitlab_token=gitlab_token,
        github_api_url=github_api_url,
        github_token=github_token,
        max_body=_whole(env, "ROLLOUT_ENFORCER_MAX_BODY_BYTES", 10 * MIB),
        queue_size=_whole(env, "ROLLOUT_ENFORCER_QUEUE_SIZE", 1000),
        workers=_whole(env, "ROLLOUT_ENFORCER_WORKERS", 4),
        retry_seconds=_seconds(env, "ROLLOUT_ENFORCER_CHECK_RETRY_SECONDS", 300.0),
        retry_base_seconds=_seconds(env, "ROLLOUT_ENFORCER_CHECK_RETRY_BASE_SECONDS", 2.0),
        drain_seconds=_seconds(env, "ROLLOUT_ENFORCER_DRAIN_SECONDS", 25.0),
        env=dict(env),
    )
    if not settings.platforms:
        raise SettingsError(
            "no platform to write to: set GITLAB_URL and GITLAB_TOKEN, or GITHUB_TOKEN "
            "(and GITHUB_API_URL for GitHub Enterprise Server)"
        )
    return settings
