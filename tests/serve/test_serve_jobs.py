"""The coalescing queue on its own: what each delivery does to the checks waiting and running."""

from __future__ import annotations

import threading

from enforcer.serve.events import Job
from enforcer.serve.jobs import CLOSED, FOLLOW_UP, FULL, MERGED, QUEUED, CoalescingQueue


def job(number: int, head: str | None = None) -> Job:
    return Job("gitlab", "42", "merge_request", number, "description changed", head)


def test_deliveries_for_a_waiting_check_merge_into_it() -> None:
    queue = CoalescingQueue(10)
    assert queue.offer(job(1, "a"), "d1") == QUEUED
    assert queue.offer(job(1, "b"), "d2") == MERGED
    assert queue.offer(job(2), "d3") == QUEUED
    assert queue.depth == 2
    ticket = queue.take(0)
    assert ticket is not None
    assert ticket.deliveries == ("d1", "d2") and ticket.job.head == "b"  # the latest head


def test_a_running_check_gets_one_follow_up() -> None:
    queue = CoalescingQueue(10)
    queue.offer(job(1), "d1")
    first = queue.take(0)
    assert first is not None
    assert queue.offer(job(1), "d2") == FOLLOW_UP
    assert queue.offer(job(1), "d3") == MERGED
    assert queue.offer(job(1), "d4") == MERGED
    assert queue.take(0) is None  # no second check of the same MR while one runs
    assert queue.done(first.job) is True
    follow_up = queue.take(0)
    assert follow_up is not None and follow_up.deliveries == ("d2", "d3", "d4")
    assert queue.done(follow_up.job) is False
    assert queue.pending() == 0


def test_full_refuses_new_merge_requests_but_merges_known_ones() -> None:
    queue = CoalescingQueue(2)
    assert queue.offer(job(1), "a") == QUEUED
    assert queue.offer(job(2), "b") == QUEUED
    assert queue.offer(job(3), "c") == FULL
    assert queue.offer(job(2), "d") == MERGED


def test_closed_refuses_and_take_ends_once_empty() -> None:
    queue = CoalescingQueue(5)
    queue.offer(job(1), "a")
    queue.close()
    assert queue.offer(job(2), "b") == CLOSED
    ticket = queue.take(0)
    assert ticket is not None  # what waited still runs
    queue.done(ticket.job)
    assert queue.take(None) is None  # closed and empty: no wait forever
    assert queue.wait_idle(0.1)


def test_a_burst_from_many_threads_is_never_lost(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """Every offer is a check or merged into one; one check per MR at a time."""
    from enforcer.serve import jobs

    monkeypatch.setattr(jobs, "MAX_IDS", 10**6)  # every id kept, to account for each one
    queue = CoalescingQueue(1000)
    results: list[str] = []
    lock = threading.Lock()
    running: set[int] = set()
    overlaps: list[int] = []
    checks: list[tuple[str, ...]] = []

    def worker() -> None:
        while (ticket := queue.take(None)) is not None:  # None only once closed and empty
            with lock:
                if ticket.job.number in running:
                    overlaps.append(ticket.job.number)
                running.add(ticket.job.number)
                checks.append(ticket.deliveries)
            with lock:
                running.discard(ticket.job.number)
            queue.done(ticket.job)

    def sender(start: int) -> None:
        for index in range(200):
            how = queue.offer(job(index % 7), f"{start}-{index}")
            with lock:
                results.append(how)

    workers = [threading.Thread(target=worker) for _ in range(4)]
    senders = [threading.Thread(target=sender, args=(n,)) for n in range(4)]
    for thread in workers + senders:
        thread.start()
    for thread in senders:
        thread.join()
    queue.close()
    for thread in workers:
        thread.join()
    assert overlaps == []
    assert sorted(d for deliveries in checks for d in deliveries) == sorted(
        f"{s}-{i}" for s in range(4) for i in range(200)
    )
    assert len(checks) == results.count(QUEUED) + results.count(FOLLOW_UP)


def test_a_long_burst_keeps_a_bounded_list_of_ids() -> None:
    from enforcer.serve.jobs import MAX_IDS

    queue = CoalescingQueue(1)
    for number in range(10 * MAX_IDS):
        queue.offer(job(1), f"d{number}")
    ticket = queue.take(0)
    assert ticket is not None and len(ticket.deliveries) == MAX_IDS
