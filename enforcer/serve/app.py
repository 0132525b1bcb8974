"""The ASGI application: four endpoints, each answer decided before any API call.

    POST /webhooks/gitlab   X-Gitlab-Token must equal the secret
    POST /webhooks/github   X-Hub-Signature-256 must be the HMAC-SHA256 of the body
    GET  /healthz           200 while the receiver takes work, 503 once it drains
    GET  /metrics           Prometheus text format

Answers to a webhook: 401 a bad or missing secret (checked first, in constant time; for
GitHub the body is read, within the bound, to check its signature), 413 a body past the
bound (refused from ``Content-Length`` or as soon as the stream passes it, never read whole),
400 a body that is not the event it claims to be, 200 an event that needs no check, 202 a
check scheduled (it runs after the answer), 503 with ``Retry-After`` when the queue is full
or the receiver is draining. Every delivery is logged as one JSON line with its delivery id.
"""

from __future__ import annotations

import asyncio
import json
import time
import uuid
from contextlib import asynccontextmanager
from typing import Any
from urllib.parse import parse_qs

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from enforcer.serve import events, verify
from enforcer.serve.jobs import CLOSED, FULL, MERGED, CoalescingQueue
from enforcer.serve.logs import JsonLines
from enforcer.serve.metrics import Metrics
from enforcer.serve.settings import Settings
from enforcer.serve.worker import Checked, Job, Pool, check_and_publish


class TooLarge(Exception):
    pass


class Receiver:
    """The queue, the workers and the metrics behind one application."""

    def __init__(self, settings: Settings, log: JsonLines, check=check_and_publish) -> None:  # type: ignore[no-untyped-def]
        self.settings = settings
        self.log = log
        self.queue = CoalescingQueue(settings.queue_size)
        self.metrics = Metrics(lambda: self.queue.depth, lambda: self.queue.busy)
        self.pool = Pool(self.queue, settings, self.metrics, log, check)
        self.ready = False

    def start(self) -> None:
        self.pool.start()
        self.ready = True

    def drain(self) -> int:
        self.ready = False
        return self.pool.drain(self.settings.drain_seconds)


async def _body(request: Request, limit: int) -> bytes:
    """The body, read chunk by chunk; ``TooLarge`` as soon as it passes ``limit``."""
    declared = request.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > limit:
        raise TooLarge
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise TooLarge
        chunks.append(chunk)
    return b"".join(chunks)


def _payload(body: bytes, content_type: str) -> Any:
    """JSON, or GitHub's form encoding (``payload=<json>``); ValueError when neither, or when
    nested past what any webhook nests (json's recursion limit)."""
    try:
        if content_type.startswith("application/x-www-form-urlencoded"):
            form = parse_qs(body.decode("utf-8"), strict_parsing=False)
            if "payload" not in form:
                raise ValueError("a form body without its payload field")
            return json.loads(form["payload"][-1])
        return json.loads(body)
    except RecursionError:
        raise ValueError("JSON nested too deeply") from None


class Delivery:
    """One webhook delivery's answer: counted, timed and logged as one JSON line, once."""

    def __init__(self, receiver: Receiver, platform: str, delivery: str | None, kind: str) -> None:
        self.receiver = receiver
        self.platform = platform
        # ids are echoed into the log only: bounded, since they arrive before the secret check
        self.id = (delivery or f"local-{uuid.uuid4()}")[:100]
        self.fields: dict[str, Any] = {"kind": kind[:60]}
        self.started = time.perf_counter()

    def answer(
        self, code: int, outcome: str, *, headers: dict[str, str] | None = None, **fields: Any
    ) -> Response:
        elapsed = time.perf_counter() - self.started
        metrics = self.receiver.metrics
        metrics.deliveries.labels(self.platform, str(code)).inc()
        metrics.stage.labels("ack").observe(elapsed)
        fields = {**self.fields, **fields}
        self.receiver.log(
            "delivery",
            delivery=self.id,
            platform=self.platform,
            code=code,
            outcome=outcome,
            ms=round(elapsed * 1000, 2),
            **fields,
        )
        shown = {key: fields[key] for key in ("reason", "target", "error") if key in fields}
        return JSONResponse({"status": outcome, **shown}, status_code=code, headers=headers)

    def too_large(self) -> Response:
        limit = self.receiver.settings.max_body
        return self.answer(413, "too-large", error=f"the body is over {limit} bytes")

    def schedule(self, decision: events.Decision) -> Response:
        """200 for an event needing no check; else the check queued (202) or refused (503)."""
        if isinstance(decision, events.Skip):
            return self.answer(200, "ignored", reason=decision.reason)
        job: Job = decision
        target: dict[str, Any] = {"target": job.name, "reason": job.reason}
        settings = self.receiver.settings
        if job.platform not in settings.platforms:
            needs = "GITLAB_URL and GITLAB_TOKEN" if job.platform == "gitlab" else "GITHUB_TOKEN"
            return self.answer(
                200, "ignored", **{**target, "reason": f"this receiver has no {needs} set"}
            )
        how = self.receiver.queue.offer(job, self.id)
        if how in (FULL, CLOSED):
            why = "the queue is full" if how == FULL else "the receiver is shutting down"
            retry = {"Retry-After": str(settings.busy_retry_after)}
            return self.answer(503, "busy", headers=retry, **target, error=why)
        if how == MERGED:
            self.receiver.metrics.coalesced.inc()
        return self.answer(202, "accepted", **target, queue=how)


def create_app(receiver: Receiver) -> Starlette:
    settings = receiver.settings
    metrics = receiver.metrics

    async def gitlab(request: Request) -> Response:
        headers = request.headers
        delivery = Delivery(
            receiver,
            "gitlab",
            headers.get("x-gitlab-event-uuid"),
            headers.get("x-gitlab-event", ""),
        )
        if not verify.gitlab_token_ok(headers.get("x-gitlab-token"), settings.secret):
            return delivery.answer(401, "unauthorized", error="X-Gitlab-Token is missing or wrong")
        try:
            body = await _body(request, settings.max_body)
        except TooLarge:
            return delivery.too_large()
        try:
            decision = events.gitlab(_payload(body, headers.get("content-type", "")))
        except (ValueError, events.BadPayload) as error:
            return delivery.answer(400, "malformed", error=_said(error))
        return delivery.schedule(decision)

    async def github(request: Request) -> Response:
        headers = request.headers
        event = headers.get("x-github-event")
        delivery = Delivery(receiver, "github", headers.get("x-github-delivery"), event or "")
        signature = headers.get("x-hub-signature-256")
        if not verify.github_signature_shape_ok(signature):
            return delivery.answer(
                401, "unauthorized", error="X-Hub-Signature-256 is missing or malformed"
            )
        try:
            body = await _body(request, settings.max_body)
        except TooLarge:
            return delivery.too_large()
        if not verify.github_signature_ok(signature, body, settings.secret):
            return delivery.answer(
                401, "unauthorized", error="X-Hub-Signature-256 does not match the body"
            )
        try:
            decision = events.github(event, _payload(body, headers.get("content-type", "")))
        except (ValueError, events.BadPayload) as error:
            return delivery.answer(400, "malformed", error=_said(error))
        if event == "ping":
            decision = events.Skip("ping: the webhook reaches the receiver")
        return delivery.schedule(decision)

    async def healthz(request: Request) -> Response:
        if receiver.ready:
            return JSONResponse({"status": "ok", "queue": receiver.queue.depth})
        return JSONResponse({"status": "draining"}, status_code=503)

    async def metrics_endpoint(request: Request) -> Response:
        return Response(metrics.exposition(), media_type=metrics.content_type)

    @asynccontextmanager
    async def lifespan(app: Starlette):  # type: ignore[no-untyped-def]
        receiver.start()
        receiver.log(
            "ready",
            platforms=list(settings.platforms),
            workers=settings.workers,
            queue_size=settings.queue_size,
        )
        yield
        pending = receiver.queue.pending()
        receiver.log("draining", pending=pending, timeout_seconds=settings.drain_seconds)
        left = await asyncio.get_running_loop().run_in_executor(None, receiver.drain)
        if left:
            for _ in range(left):
                metrics.given_up.labels("any").inc()
        receiver.log("drained", left_undone=left)

    routes = [
        Route("/webhooks/gitlab", gitlab, methods=["POST"]),
        Route("/webhooks/github", github, methods=["POST"]),
        Route("/healthz", healthz, methods=["GET"]),
        Route("/metrics", metrics_endpoint, methods=["GET"]),
    ]
    return Starlette(routes=routes, lifespan=lifespan)


def _said(error: Exception) -> str:
    if isinstance(error, UnicodeDecodeError):
        return "the body is not UTF-8"
    if isinstance(error, json.JSONDecodeError):
        return f"the body is not JSON ({error.msg} at line {error.lineno} column {error.colno})"
    return str(error)


__all__ = ["Checked", "Receiver", "create_app"]
