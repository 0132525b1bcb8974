"""What the receiver exports at ``/metrics``: one registry per receiver (so two receivers in
one process, as in the tests, keep their own counts)."""

from __future__ import annotations

from collections.abc import Callable

from prometheus_client import (
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    disable_created_metrics,
    generate_latest,
)
from prometheus_client.exposition import CONTENT_TYPE_LATEST

PREFIX = "rollout_enforcer"
# From a fraction of a millisecond (answering) to minutes (a check retried within its budget).
BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300)


class Metrics:
    content_type = CONTENT_TYPE_LATEST

    def __init__(self, depth: Callable[[], int], busy: Callable[[], int]) -> None:
        disable_created_metrics()  # the *_created series only double the text to scrape
        self.registry = CollectorRegistry(auto_describe=True)
        r = self.registry
        self.deliveries = Counter(
            f"{PREFIX}_deliveries",
            "Webhook deliveries, by platform and answer code.",
            ("platform", "code"),
            registry=r,
        )
        self.coalesced = Counter(
            f"{PREFIX}_coalesced", "Deliveries merged into a check already waiting.", registry=r
        )
        self.checks = Counter(
            f"{PREFIX}_checks",
            "Checks run to the end, by platform and verdict (passed, failed, exempt, skipped).",
            ("platform", "verdict"),
            registry=r,
        )
        self.failures = Counter(
            f"{PREFIX}_check_failures",
            "Check attempts that failed (a platform error); retried within the budget.",
            ("platform",),
            registry=r,
        )
        self.given_up = Counter(
            f"{PREFIX}_checks_given_up",
            "Checks that failed past their retry budget, or were "
            "dropped by a drain that ran out of time.",
            ("platform",),
            registry=r,
        )
        self.stage = Histogram(
            f"{PREFIX}_stage_seconds",
            "Latency of each stage: ack (receiving and answering a "
            "delivery), queue (waiting for a worker), check (reading and judging), publish "
            "(comment, labels and commit status), total (first delivery to published).",
            ("stage",),
            buckets=BUCKETS,
            registry=r,
        )
        depth_gauge = Gauge(f"{PREFIX}_queue_depth", "Checks waiting for a worker.", registry=r)
        depth_gauge.set_function(depth)
        busy_gauge = Gauge(f"{PREFIX}_checks_running", "Checks running now.", registry=r)
        busy_gauge.set_function(busy)

    def exposition(self) -> bytes:
        return generate_latest(self.registry)
