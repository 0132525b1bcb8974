"""One HTTP policy for every platform: what is retried, for how long, and how a refusal reads.

- **One retry budget per run** (``ROLLOUT_ENFORCER_RETRY_SECONDS``, default 60 s): 429, 5xx,
  a 403 that asks to wait (``Retry-After``, GitHub's rate limits), timeouts and dropped
  connections are retried with a doubling backoff that honours ``Retry-After``, and every wait
  is paid from one budget shared by all requests of the run. A wait that would overdraw it ends
  the retries; the error then says how long was really spent.
- **One classification**: a POST that failed without a clear answer (5xx, timeout, dropped
  connection) may have been carried out, so it is not retried here; the caller sees
  ``Uncertain`` and looks before writing again (``enforcer.writeback``). A POST refused
  outright (429, a rate-limit 403) is retried: nothing happened.
- **One table of wordings** for 401, 403 and 404, filled in with each platform's names.

The retrying is a ``urllib3`` ``Retry``: python-gitlab and PyGithub both send through
``requests``, so the same object sits under both (python-gitlab: mounted on the session we
hand it; PyGithub: its ``retry=`` argument). The library's own retries stay off.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, NamedTuple

from enforcer.platforms.base import Environ, PlatformError, seconds_from_env

if TYPE_CHECKING:
    from urllib3.util.retry import Retry

RETRY_VAR = "ROLLOUT_ENFORCER_RETRY_SECONDS"
TIMEOUT_VAR = "ROLLOUT_ENFORCER_TIMEOUT_SECONDS"
BASE_VAR = "ROLLOUT_ENFORCER_RETRY_BASE_SECONDS"
RETRY_SECONDS = 60.0
RETRY_BASE_SECONDS = 1.0
TIMEOUT_SECONDS = 30.0
TRANSIENT = frozenset({500, 502, 503, 504})
IDEMPOTENT = frozenset({"GET", "HEAD", "PUT", "PATCH", "DELETE", "OPTIONS"})


class Policy(NamedTuple):
    """How long the run may spend retrying, how fast it backs off, and every request's timeout."""

    total_seconds: float = RETRY_SECONDS
    base_seconds: float = RETRY_BASE_SECONDS
    timeout_seconds: float = TIMEOUT_SECONDS

    @classmethod
    def from_env(cls, env: Environ) -> Policy:
        return cls(
            seconds_from_env(env, RETRY_VAR, RETRY_SECONDS),
            seconds_from_env(env, BASE_VAR, RETRY_BASE_SECONDS),
            seconds_from_env(env, TIMEOUT_VAR, TIMEOUT_SECONDS),
        )

    def backoff(self, attempt: int) -> float:
        return float(self.base_seconds * 2**attempt)


class Budget:
    """The run's retry budget: every wait and every failed attempt is paid from it.

    ``gave_up`` holds the last "gave up" sentence, for the error the library raises next.
    """

    def __init__(self, policy: Policy, sleep: Callable[[float], None] = time.sleep) -> None:
        self.policy = policy
        self.sleep_for = sleep
        self.spent = 0.0
        self._lock = threading.Lock()
        self._gave_up = threading.local()

    def left(self) -> float:
        return self.policy.total_seconds - self.spent

    def pay(self, seconds: float) -> None:
        with self._lock:
            self.spent += max(0.0, seconds)

    def wait(self, seconds: float) -> None:
        """Sleep ``seconds`` and pay for it."""
        self.pay(seconds)
        if seconds > 0:
            self.sleep_for(seconds)

    def affords(self, seconds: float) -> bool:
        return self.spent + seconds <= self.policy.total_seconds

    def give_up(self, problem: str, started: float, attempts: int, wait: float | None) -> str:
        """The sentence for a request we stop retrying; remembered for ``take_gave_up``."""
        really = time.monotonic() - started
        plural = "s" if attempts != 1 else ""
        next_wait = f"{wait:.0f}" if wait is not None and wait >= 1 else f"{wait or 0:.2g}"
        why = f"the next wait of {next_wait} s would pass the retry budget"
        sentence = (
            f"{problem}; gave up after {really:.1f} s and {attempts} attempt{plural} "
            f"({why} of {self.policy.total_seconds:g} s, {RETRY_VAR})"
        )
        self._gave_up.value = sentence
        return sentence

    def has_given_up(self) -> bool:
        return getattr(self._gave_up, "value", None) is not None

    def take_gave_up(self) -> str | None:
        sentence: str | None = getattr(self._gave_up, "value", None)
        self._gave_up.value = None
        return sentence


def asks_to_wait(status: int, headers: Any) -> bool:
    """A refusal that did nothing and says when to come back: retry, whatever the method."""
    if status == 429:
        return True
    if status == 403 and headers is not None:
        return headers.get("Retry-After") is not None or headers.get("X-RateLimit-Remaining") == "0"
    return False


def retry_for(budget: Budget) -> Retry:
    """A ``urllib3`` Retry paying every wait from ``budget`` (a class built on first use)."""
    retry_class: Any = _retry_class()  # a Retry that also takes the budget
    return retry_class(  # type: ignore[no-any-return]
        budget=budget,
        total=1000,  # the budget bounds the retries, not a count
        connect=1000,
        read=1000,
        status=1000,
        other=0,
        redirect=0,
        allowed_methods=IDEMPOTENT,  # a POST whose answer was lost is the caller's to settle
        status_forcelist=TRANSIENT,
        raise_on_status=False,  # the last answer becomes the library's error, with its status
        respect_retry_after_header=True,
    )


_RETRY_CLASS: type[Retry] | None = None


def _retry_class() -> type[Retry]:
    global _RETRY_CLASS
    if _RETRY_CLASS is not None:
        return _RETRY_CLASS
    from urllib3.exceptions import MaxRetryError, ReadTimeoutError, ResponseError
    from urllib3.util.retry import Retry

    class BudgetRetry(Retry):
        def __init__(
            self,
            *,
            budget: Budget,
            started: float | None = None,
            next_wait: float = 0.0,
            **kwargs: Any,
        ) -> None:
            self.budget = budget
            self.started = started
            self.next_wait = next_wait
            super().__init__(**kwargs)

        def new(self, **kwargs: Any) -> BudgetRetry:
            kwargs.setdefault("budget", self.budget)
            kwargs.setdefault("started", self.started)
            kwargs.setdefault("next_wait", self.next_wait)
            return super().new(**kwargs)  # type: ignore[return-value]

        def is_retry(self, method: str, status_code: int, has_retry_after: bool = False) -> bool:
            if status_code in (403, 429):
                return True  # increment() looks at the headers and decides
            if method.upper() not in IDEMPOTENT:
                return False
            return status_code in TRANSIENT

        def increment(  # type: ignore[override]
            self,
            method: str | None = None,
            url: str | None = None,
            response: Any = None,
            error: Exception | None = None,
            _pool: Any = None,
            _stacktrace: Any = None,
        ) -> BudgetRetry:
            now = time.monotonic()
            if response is not None and response.status == 403 and not asks_to_wait(
                403, response.headers
            ):
                raise MaxRetryError(_pool, url or "", ResponseError("403"))  # a plain refusal
            timeout = self.budget.policy.timeout_seconds
            started = self.started
            if started is None:  # this request's first failure: it began one attempt ago
                started = now - (timeout if isinstance(error, ReadTimeoutError) else 0.0)
            # raises the error itself for what is not retried (a POST's lost answer)
            retry: BudgetRetry = super().increment(  # type: ignore[assignment]
                method, url, response, error, _pool, _stacktrace
            )
            attempts = len(retry.history)
            wait = self.budget.policy.backoff(attempts - 1)
            if response is not None:
                asked = self.get_retry_after(response)
                if asked is not None:
                    wait = asked
                elif response.headers.get("X-RateLimit-Remaining") == "0":
                    reset = response.headers.get("X-RateLimit-Reset", "")
                    if reset.isdigit():
                        wait = max(0.0, int(reset) - time.time())
            if isinstance(error, ReadTimeoutError):
                self.budget.pay(timeout)
            if not self.budget.affords(wait):
                problem = (
                    f"answered {response.status} {response.reason or ''}".rstrip()
                    if response is not None
                    else _problem(error)
                )
                self.budget.give_up(problem, started, attempts, wait)
                raise MaxRetryError(_pool, url or "", error or ResponseError(problem))
            retry.started = started
            retry.next_wait = wait
            return retry

        def sleep(self, response: Any = None) -> None:
            self.budget.wait(self.next_wait)

    _RETRY_CLASS = BudgetRetry
    return BudgetRetry


def _bare(url: str | None) -> str:
    return (url or "").split("?", 1)[0]


def _problem(error: Exception | None) -> str:
    name = type(error).__name__ if error is not None else ""
    if "Timeout" in name:
        return "timed out"
    return "got no answer (connection dropped or refused)"


# --- wordings -------------------------------------------------------------------------


class Access(NamedTuple):
    """A platform's names for the words of the table below."""

    platform: str  # "GitLab"
    token: str  # "GITLAB_TOKEN"
    read: str  # what reading needs: "the read_api or api scope and the Reporter role"
    write: str  # what writing needs
    place: str = "the project"  # what a token must see: "the project", "the repository"


WORDINGS = {
    401: "{platform} refused the token (401 Unauthorized) to {doing} {where}: {token} is "
    "missing, wrong, expired or revoked",
    403: "{platform} refused to {doing} {where} (403 Forbidden): the token needs {need}",
    404: "{platform} found nothing at {where} (404 Not Found) when trying to {doing} it: check "
    "the URL, and that the token can see {place}",
}


def worded(status: int, access: Access, doing: str, where: str, *, write: bool) -> str | None:
    """The sentence for a 401, 403 or 404 (None for any other status)."""
    template = WORDINGS.get(status)
    if template is None:
        return None
    return template.format(
        platform=access.platform,
        token=access.token,
        doing=doing,
        where=_bare(where),
        need=access.write if write else access.read,
        place=access.place,
    )


def transport_failure(error: BaseException) -> bool:
    """A timeout or a dropped or refused connection, as ``requests`` raises it."""
    import requests

    return isinstance(error, (requests.ConnectionError, requests.Timeout))


def platform_error(budget: Budget, platform: str, doing: str, where: str, detail: str) -> PlatformError:
    """A failure past the retries: says what was tried and how long was really spent."""
    gave_up = budget.take_gave_up()
    if gave_up:
        return PlatformError(f"{platform} kept failing to {doing} {_bare(where)}: {gave_up}. Re-run later.")
    return PlatformError(f"{platform} could not {doing} {_bare(where)} ({detail})")
