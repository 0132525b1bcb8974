"""Load benchmark of `enforce serve` (not a test): on loopback, against the local GitLab.

    python benchmarks/load.py                     # 50 MRs, 2,000 deliveries at 200/s
    python benchmarks/load.py --deliveries 500 --rate 100 --workers 4

The local GitLab (tests/gitlab/gitlab_server.py) runs in a process of its own, the receiver
(`python -m enforcer serve`) in another, and this process sends the webhooks: before each
delivery it changes the merge request through the local GitLab (its description, a push, a
label), as an author would, then posts the "Merge Request Hook" GitLab would send. Deliveries
come in bursts per merge request (1 to 13 in a row), paced at --rate per second by a pool of
keep-alive connections.

Printed: acknowledgement latency p50/p99 as the sender sees it (target p99 <= 100 ms), checks
run per delivery (coalescing), API requests per merge request (the receiver's own, by its
token), the receiver's peak memory (VmHWM). Then it verifies, for every merge request, that
the comment, the label and the commit status on its head match its last description (the
expected comment is rendered by a read-only `enforce check` of the same merge request), that
no merge request has two comments, and that no delivery was lost (every one answered 200 or
202, and checks + coalesced = accepted). Exit 1 when any of that fails.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import queue
import random
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parents[1]
# this folder holds benchmarks/requests.py, which must not stand in for the requests library
sys.path = [p for p in sys.path if Path(p or ".").resolve() != ROOT / "benchmarks"]
sys.path[:0] = [str(ROOT), str(ROOT / "tests" / "gitlab"), str(ROOT / "tests" / "serve")]

PROJECT = 42
AUTHOR_TOKEN = "glpat-benchauthor000000000000"  # the sender's edits, told apart from the receiver's
WEB_LABEL = "team-search"
COMPLETE = (ROOT / "docs" / "examples" / "complete-plan.md").read_text()
INCOMPLETE = (ROOT / "docs" / "examples" / "incomplete-plan.md").read_text()


# --- the local GitLab, in a process of its own -------------------------------------------


def fake_gitlab(count: int) -> None:
    """Child mode: serve the local GitLab with ``count`` merge requests until stdin closes.

    ``/api/v4/_bench/dump`` answers what the verification needs in one request."""
    import gitlab_server
    import gitlab_support as gl

    class State(gitlab_server.GitLabState):
        def handle(self, method, segments, query, body, headers):  # type: ignore[no-untyped-def]
            if segments[:1] == ["_bench"]:
                return 200, self.dump(), {}
            return super().handle(method, segments, query, body, headers)

        def update(self, item, arg, token):  # type: ignore[no-untyped-def]
            if "_bench_sha" in arg:  # a push: the merge request gets a new head commit
                item["sha"] = arg.pop("_bench_sha")
            return super().update(item, arg, token)

        def dump(self) -> dict[str, Any]:
            requests = {"GET": 0, "write": 0}
            for entry in self.log:
                if entry.headers.get("private-token") == gl.DEV_TOKEN:
                    requests["GET" if entry.method == "GET" else "write"] += 1
            return {
                "merge_requests": {str(iid): mr for (_, iid), mr in self.merge_requests.items()},
                "notes": {
                    str(iid): notes
                    for (_, kind, iid), notes in self.notes.items()
                    if kind == "merge_requests"
                },
                "statuses": self.statuses,
                "requests": requests,
            }

    # The real GitLab runs on other machines: here it yields the CPU to the receiver and the
    # sender, on a machine of two cores shared with other work.
    os.nice(10)
    state = State()
    with gitlab_server.GitLabServer(state) as server:
        gl.seed(state)
        author = state.add_user("author", 3)
        state.add_token(AUTHOR_TOKEN, author, role=gitlab_server.MAINTAINER)
        for iid in range(101, 101 + count):
            state.add_merge_request(PROJECT, iid, description=INCOMPLETE, labels=("backend",))
        print(server.url, flush=True)
        sys.stdin.read()


# --- sending ------------------------------------------------------------------------------


class GitLabClient:
    """The sender's side of the local GitLab: edits as the author would, over HTTP."""

    def __init__(self, url: str) -> None:
        parts = urlsplit(url)
        self.host, self.port = parts.hostname or "127.0.0.1", parts.port or 80
        self.local = threading.local()

    def call(self, method: str, path: str, body: dict | None = None) -> Any:
        conn = getattr(self.local, "conn", None)
        if conn is None:
            conn = self.local.conn = http.client.HTTPConnection(self.host, self.port, timeout=60)
        data = json.dumps(body).encode() if body is not None else None
        headers = {"PRIVATE-TOKEN": AUTHOR_TOKEN, "Content-Type": "application/json"}
        conn.request(method, "/api/v4" + path, body=data, headers=headers)
        answer = conn.getresponse()
        raw = answer.read()
        if answer.status >= 400:
            raise RuntimeError(f"{method} {path}: {answer.status} {raw[:200]!r}")
        return json.loads(raw) if raw else None


def plan(deliveries: int, mrs: list[int], seed: int) -> list[tuple[int, str]]:
    """(iid, kind of change) for every delivery, in bursts per merge request."""
    rng = random.Random(seed)
    events: list[tuple[int, str]] = []
    while len(events) < deliveries:
        iid = rng.choice(mrs)
        for _ in range(rng.choice((1, 1, 2, 3, 5, 8, 13))):
            kind = rng.choices(("description", "push", "label", "nothing"), (70, 15, 10, 5))[0]
            events.append((iid, kind))
    return events[:deliveries]


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--mrs", type=int, default=50)
    parser.add_argument("--deliveries", type=int, default=2000)
    parser.add_argument("--rate", type=float, default=200.0, help="deliveries per second")
    parser.add_argument(
        "--workers", type=int, default=4, help="the receiver's ROLLOUT_ENFORCER_WORKERS"
    )
    parser.add_argument("--senders", type=int, default=32, help="concurrent connections sending")
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--fake-gitlab", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.fake_gitlab:
        fake_gitlab(args.fake_gitlab)
        return 0

    import gitlab_support as gl
    from serve_support import SECRET, Receiver, gitlab_mr_hook, poll

    child = subprocess.Popen(
        [sys.executable, __file__, "--fake-gitlab", str(args.mrs)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        cwd=ROOT,
    )
    assert child.stdout is not None
    gitlab_url = child.stdout.readline().strip()
    client = GitLabClient(gitlab_url)
    env = {
        "GITLAB_URL": gitlab_url,
        "GITLAB_TOKEN": gl.DEV_TOKEN,
        "ROLLOUT_ENFORCER_WEBHOOK_SECRET": SECRET,
        "ROLLOUT_ENFORCER_WORKERS": str(args.workers),
        "ROLLOUT_ENFORCER_RETRY_BASE_SECONDS": "0.05",
    }
    mrs = list(range(101, 101 + args.mrs))
    project = client.call("GET", f"/projects/{PROJECT}")
    events = plan(args.deliveries, mrs, args.seed)
    rng = random.Random(args.seed + 1)
    locks = {iid: threading.Lock() for iid in mrs}
    known = {iid: client.call("GET", f"/projects/{PROJECT}/merge_requests/{iid}") for iid in mrs}
    latencies: list[float] = []
    codes: dict[int, int] = {}
    record = threading.Lock()

    try:
        import tempfile

        log_path = Path(tempfile.mkdtemp(prefix="enforce-load-")) / "receiver.log"
        with Receiver(env, log_path=log_path) as receiver:
            parts = urlsplit(receiver.url)
            work: queue.Queue[tuple[float, int, str] | None] = queue.Queue()

            def sender() -> None:
                conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=60)
                while (item := work.get()) is not None:
                    due, iid, kind = item
                    with locks[iid]:  # an author's edits to one MR happen one at a time
                        mr = known[iid]  # as the last edit left it (every PUT answers the MR)
                        changes: dict[str, Any] = {}
                        oldrev = None
                        if kind == "description":
                            text = rng.choice(
                                (
                                    COMPLETE,
                                    INCOMPLETE,
                                    "",
                                    INCOMPLETE + f"\n\nedit {rng.random()}\n",
                                )
                            )
                            before = mr["description"]
                            mr = client.call(
                                "PUT",
                                f"/projects/{PROJECT}/merge_requests/{iid}",
                                {"description": text},
                            )
                            changes = {"description": {"previous": before, "current": text}}
                        elif kind == "push":
                            oldrev = mr["sha"]
                            mr = client.call(
                                "PUT",
                                f"/projects/{PROJECT}/merge_requests/{iid}",
                                {"_bench_sha": f"{rng.getrandbits(160):040x}"},
                            )
                        elif kind == "label":
                            had = WEB_LABEL in mr["labels"]
                            field = "remove_labels" if had else "add_labels"
                            after = client.call(
                                "PUT",
                                f"/projects/{PROJECT}/merge_requests/{iid}",
                                {field: WEB_LABEL},
                            )
                            changes = {
                                "labels": {
                                    "previous": [{"title": t} for t in mr["labels"]],
                                    "current": [{"title": t} for t in after["labels"]],
                                }
                            }
                            mr = after
                        else:
                            changes = {"assignees": {"previous": [], "current": []}}
                        known[iid] = mr
                        body = json.dumps(
                            gitlab_mr_hook(project, mr, "update", changes=changes, oldrev=oldrev)
                        ).encode()
                        wait = due - time.perf_counter()
                        if wait > 0:
                            time.sleep(wait)
                        sent = time.perf_counter()
                        conn.request(
                            "POST",
                            "/webhooks/gitlab",
                            body=body,
                            headers={
                                "X-Gitlab-Token": SECRET,
                                "Content-Type": "application/json",
                                "X-Gitlab-Event": "Merge Request Hook",
                            },
                        )
                        answer = conn.getresponse()
                        answer.read()
                        took = time.perf_counter() - sent
                    with record:
                        latencies.append(took)
                        codes[answer.status] = codes.get(answer.status, 0) + 1

            threads = [threading.Thread(target=sender, daemon=True) for _ in range(args.senders)]
            for thread in threads:
                thread.start()
            started = time.perf_counter() + 0.5
            for number, (iid, kind) in enumerate(events):
                work.put((started + number / args.rate, iid, kind))
            for _ in threads:
                work.put(None)
            for thread in threads:
                thread.join()
            sending = time.perf_counter() - started
            poll(
                lambda: (
                    receiver.metric("rollout_enforcer_queue_depth") == 0
                    and receiver.metric("rollout_enforcer_checks_running") == 0
                ),
                timeout=600,
                what="the receiver to finish its checks",
            )
            checks = receiver.metric("rollout_enforcer_checks_total")
            coalesced = receiver.metric("rollout_enforcer_coalesced_total")
            failures = receiver.metric("rollout_enforcer_check_failures_total")
            given_up = receiver.metric("rollout_enforcer_checks_given_up_total")
            assert receiver.process is not None
            status_file = Path(f"/proc/{receiver.process.pid}/status")
            peak = (
                next(
                    (
                        line.split()[1]
                        for line in status_file.read_text().splitlines()
                        if line.startswith("VmHWM")
                    ),
                    "?",
                )
                if status_file.exists()
                else "?"
            )
            server_ack = receiver.metric("rollout_enforcer_stage_seconds_sum", stage="ack") / max(
                1, receiver.metric("rollout_enforcer_stage_seconds_count", stage="ack")
            )
            exit_code = receiver.stop()
            receiver.read_log()
            delivery_lines = len(receiver.logged("delivery"))
        dump = client.call("GET", "/_bench/dump")
        problems = verify(dump, gitlab_url, mrs)
    finally:
        if child.stdin:
            child.stdin.close()
        child.wait(30)

    accepted = codes.get(202, 0)
    lost = args.deliveries - accepted - codes.get(200, 0)
    if checks + coalesced != accepted:
        problems.append(f"checks {checks:g} + coalesced {coalesced:g} != accepted {accepted}")
    if lost:
        problems.append(f"{lost} deliveries answered neither 200 nor 202: {codes}")
    if delivery_lines != args.deliveries:
        problems.append(f"{delivery_lines} delivery log lines for {args.deliveries} deliveries")
    if exit_code != 0:
        problems.append(f"the receiver exited {exit_code} on SIGTERM")
    requests = dump["requests"]
    per_mr = sum(requests.values()) / len(mrs)
    ms = [value * 1000 for value in latencies]
    print(
        f"deliveries          {args.deliveries} to {args.mrs} MRs in {sending:.1f} s "
        f"({args.deliveries / sending:.0f}/s), answers {dict(sorted(codes.items()))}"
    )
    print(
        f"ack latency         p50 {percentile(ms, 0.5):.1f} ms, p99 {percentile(ms, 0.99):.1f} ms, "
        f"max {max(ms):.1f} ms (sender's view; receiver's own mean {server_ack * 1000:.2f} ms)"
    )
    print(
        f"checks              {checks:g} run for {accepted} accepted deliveries = "
        f"{checks / max(1, accepted):.2f} per delivery ({coalesced:g} coalesced); "
        f"{failures:g} failed attempts, {given_up:g} given up"
    )
    print(
        f"API requests        {per_mr:.1f} per MR by the receiver ({requests['GET']} reads and "
        f"{requests['write']} writes in all, {sum(requests.values()) / max(1, checks):.1f} per check)"
    )
    print(
        f"peak memory         {int(peak) / 1024:.1f} MiB (receiver VmHWM)"
        if peak != "?"
        else "peak memory ?"
    )
    print(
        f"verified            {len(mrs)} MRs: comment, label and status match the last "
        f"description; {'OK' if not problems else f'{len(problems)} PROBLEMS'}"
    )
    for problem in problems[:20]:
        print("  -", problem)
    target_missed = percentile(ms, 0.99) > 100
    if target_missed:
        print("ack p99 is over the 100 ms target")
    return 1 if problems else 0


def verify(dump: dict[str, Any], gitlab_url: str, mrs: list[int]) -> list[str]:
    """Every MR as a read-only `enforce check` of it now says it should be."""
    import gitlab_support as gl

    from enforcer import run
    from enforcer.platforms import gitlab
    from enforcer.publish import MARKER, wanted_label
    from enforcer.report import render

    problems = []
    for iid in mrs:
        mr = dump["merge_requests"][str(iid)]
        target = gitlab.Target(gitlab._api_url(gitlab_url), str(PROJECT), "merge_request", iid)
        platform = gitlab.GitLab(target, token=gl.DEV_TOKEN, publish=False)
        outcome = run.check(platform, run.Options(), lambda _: None)
        report = outcome.report
        want = wanted_label(report, outcome.config)
        family = set(outcome.config.labels.family())
        have = set(mr["labels"]) & family
        if have != ({want} if want else set()):
            problems.append(f"!{iid}: labels {sorted(have)}, expected {want} ({report.status})")
        if "backend" not in mr["labels"]:
            problems.append(f"!{iid}: the label backend was removed")
        ours = [note for note in dump["notes"][str(iid)] if (note["body"] or "").startswith(MARKER)]
        if len(ours) > 1:
            problems.append(f"!{iid}: {len(ours)} comments")
        expected = f"{MARKER}\n{render('markdown', report)}"
        if ours and ours[0]["body"] != expected:
            problems.append(f"!{iid}: the comment does not match the last description")
        if not ours and report.status == "failed":
            problems.append(f"!{iid}: no comment on a failing plan")
        mine = [
            s for s in dump["statuses"] if s["sha"] == mr["sha"] and s["name"] == "rollout-plan"
        ]
        wanted = "failed" if report.status == "failed" else "success"
        if not mine or mine[-1]["status"] != wanted:
            problems.append(
                f"!{iid}: status on the head {mine[-1]['status'] if mine else None}, expected {wanted}"
            )
    return problems


if __name__ == "__main__":
    sys.exit(main())
