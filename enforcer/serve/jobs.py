"""The bounded queue between the request path and the workers, coalescing bursts.

Keyed by merge request (platform, project, kind, number):

- no check of it waiting or running: the job joins the tail (``queued``), or, when
  ``capacity`` checks are already waiting, is refused (``full``: the receiver answers 503);
- a check of it waiting and not started: the delivery merges into it (``merged``);
- a check of it running: one follow-up check is scheduled (``follow-up``), and later
  deliveries merge into that follow-up. When the running check ends, the follow-up joins
  the tail.

A check reads the live description, so the last check of a burst always ends on the latest
state, however many deliveries it stands for. At most one check per merge request runs at a
time, and at most one more waits: a burst of N deliveries costs at most two checks (plus one
per delivery that lands after a check started reading).
"""

from __future__ import annotations

import threading
import time
from collections import deque
from typing import NamedTuple

from enforcer.serve.events import Job

QUEUED, MERGED, FOLLOW_UP, FULL, CLOSED = "queued", "merged", "follow-up", "full", "closed"
MAX_IDS = 100  # delivery ids kept per check, for its log line: a long burst costs no memory


class Ticket(NamedTuple):
    """A check handed to a worker: the job and every delivery it stands for."""

    job: Job
    deliveries: tuple[str, ...]
    waited: float  # seconds from the first delivery it stands for to its start


class _Entry:
    __slots__ = ("deliveries", "follow_up", "follow_up_since", "job", "running", "since")

    def __init__(self, job: Job, delivery: str, now: float) -> None:
        self.job = job
        self.deliveries = [delivery]
        self.since = now
        self.running = False
        self.follow_up: list[str] | None = None  # deliveries that arrived while running
        self.follow_up_since = 0.0


class CoalescingQueue:
    """Thread-safe; ``offer`` never blocks for long, so it may be called from the event loop."""

    def __init__(self, capacity: int, clock=time.monotonic) -> None:  # type: ignore[no-untyped-def]
        self.capacity = capacity
        self._clock = clock
        self._entries: dict[tuple[str, str, str, int], _Entry] = {}
        self._order: deque[tuple[str, str, str, int]] = deque()  # keys waiting, oldest first
        self._running = 0
        self._closed = False
        self._changed = threading.Condition()

    def offer(self, job: Job, delivery: str) -> str:
        """Schedule a check of ``job``; says how (``queued``, ``merged``, ``follow-up``,
        ``full`` or ``closed``)."""
        with self._changed:
            if self._closed:
                return CLOSED
            entry = self._entries.get(job.key)
            now = self._clock()
            if entry is None:
                if len(self._order) >= self.capacity:
                    return FULL
                self._entries[job.key] = _Entry(job, delivery, now)
                self._order.append(job.key)
                self._changed.notify()
                return QUEUED
            if not entry.running:
                _keep(entry.deliveries, delivery)
                entry.job = job  # the latest delivery names the latest head
                return MERGED
            if entry.follow_up is None:
                entry.follow_up = [delivery]
                entry.follow_up_since = now
                entry.job = job
                return FOLLOW_UP
            _keep(entry.follow_up, delivery)
            entry.job = job
            return MERGED

    def take(self, timeout: float | None = None) -> Ticket | None:
        """The oldest waiting check, marked running; None after ``timeout`` or when closed
        and empty."""
        with self._changed:
            deadline = None if timeout is None else self._clock() + timeout
            while not self._order:
                if self._closed:
                    return None
                left = None if deadline is None else deadline - self._clock()
                if left is not None and left <= 0:
                    return None
                self._changed.wait(left)
            key = self._order.popleft()
            entry = self._entries[key]
            entry.running = True
            self._running += 1
            return Ticket(entry.job, tuple(entry.deliveries), self._clock() - entry.since)

    def done(self, job: Job) -> bool:
        """The check of ``job``'s merge request ended; True when a follow-up was queued."""
        with self._changed:
            entry = self._entries[job.key]
            self._running -= 1
            entry.running = False
            if entry.follow_up is None:
                del self._entries[job.key]
                self._changed.notify_all()
                return False
            entry.deliveries, entry.since = entry.follow_up, entry.follow_up_since
            entry.follow_up = None
            self._order.append(job.key)  # may pass the bound by at most one per worker
            self._changed.notify_all()
            return True

    @property
    def depth(self) -> int:
        """Checks waiting to start (follow-ups included)."""
        with self._changed:
            return len(self._order) + sum(
                1 for entry in self._entries.values() if entry.follow_up is not None
            )

    @property
    def busy(self) -> int:
        with self._changed:
            return self._running

    def close(self) -> None:
        """Refuse new offers; waiting checks still run."""
        with self._changed:
            self._closed = True
            self._changed.notify_all()

    def wait_idle(self, timeout: float) -> bool:
        """Wait until nothing waits or runs; False when ``timeout`` passed first."""
        deadline = self._clock() + timeout
        with self._changed:
            while self._entries:
                left = deadline - self._clock()
                if left <= 0:
                    return False
                self._changed.wait(min(left, 0.5))
            return True

    def pending(self) -> int:
        """Checks not yet done: waiting, running and follow-ups."""
        with self._changed:
            return len(self._entries) + sum(
                1 for entry in self._entries.values() if entry.follow_up is not None
            )


def _keep(ids: list[str], delivery: str) -> None:
    if len(ids) < MAX_IDS:
        ids.append(delivery)
