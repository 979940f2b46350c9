"""What the HTTP edge tells an operator: each request counted by kind and outcome and timed, the
Slack request's type and IDs put in the log context of all it leads to, and `GET /metrics`.
"""

from __future__ import annotations

import asyncio
import logging
import math
import time
from collections import deque

from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from bot import logs
from bot.app.deliveries import read_delivery
from bot.metrics import Metrics
from bot.services.deps import Deps
from models import inbox as inbox_rows
from models.database import HEALTH_TIMEOUT_SECONDS

logger = logging.getLogger(__name__)

SLACK_PATH = "/slack/events"
KINDS_BY_PATH = {"/healthz": "health", "/readyz": "ready", "/metrics": "metrics"}


class RequestTelemetry:
    """ASGI middleware: count and time every request by kind and outcome; around a Slack
    request, log context naming it (inherited by the listener tasks Bolt starts), and one line
    saying how it was answered."""

    def __init__(self, app: ASGIApp, metrics: Metrics) -> None:
        self.app = app
        self.metrics = metrics

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Serve one request through the app, observed."""
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        path = str(scope["path"])
        kind, known = KINDS_BY_PATH.get(path, "other"), dict[str, str]()
        if path == SLACK_PATH:
            received, receive = await _buffered(receive)
            content_type = Request(scope).headers.get("content-type", "")
            delivery = read_delivery(content_type, received)
            scope.setdefault("state", {})["delivery"] = delivery  # read once: the inbox too
            kind, known = delivery.kind, delivery.fields
        status = 500  # unless the app answers: Starlette's error middleware says 500

        async def sending(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = int(message["status"])
            await send(message)

        with logs.context(**known):
            try:
                await self.app(scope, receive, sending)
            finally:
                self._observe(kind, known, status, time.perf_counter() - started)

    def _observe(self, kind: str, known: dict[str, str], status: int, seconds: float) -> None:
        self.metrics.requests.labels(kind=kind, outcome=f"{status // 100}xx").inc()
        self.metrics.request_seconds.labels(kind=kind).observe(seconds)
        what = " ".join(
            known.get(key, "") for key in ("command", "interaction", "event_type") if known.get(key)
        )
        logger.log(
            logging.INFO if known else logging.DEBUG,
            "%s%s answered %d in %.1f ms",
            kind,
            f" {what}" if what else "",
            status,
            seconds * 1000,
            extra={
                "outcome": "ok" if status < 400 else "error",
                "status": status,
                "duration_ms": round(seconds * 1000, 1),
            },
        )


async def _buffered(receive: Receive) -> tuple[bytes, Receive]:
    """Read a request's body, and a `receive` that hands the app the same messages again."""
    messages: deque[Message] = deque()
    while True:
        message = await receive()
        messages.append(message)
        if message["type"] != "http.request" or not message.get("more_body", False):
            break
    body = b"".join(m.get("body", b"") for m in messages if m["type"] == "http.request")

    async def replay() -> Message:
        return messages.popleft() if messages else await receive()

    return body, replay


async def scrape(deps: Deps) -> Response:
    """The Prometheus text exposition of the runtime's series, the inbox read just now."""
    await observe_inbox(deps)
    payload = generate_latest(deps.metrics.registry)
    return Response(payload, headers={"Content-Type": CONTENT_TYPE_LATEST})


async def observe_inbox(deps: Deps, *, within: float = HEALTH_TIMEOUT_SECONDS) -> None:
    """Set the inbox gauges from the database (the truth); NaN, and database_up 0, when it does
    not answer in time, so a scrape during an outage still answers."""
    metrics = deps.metrics
    try:
        async with asyncio.timeout(within), deps.sessions() as session:
            pending, oldest = await inbox_rows.backlog(session=session)
    except Exception as error:
        logger.warning(
            "metrics: the database does not answer (%s: %s)", type(error).__name__, error
        )
        metrics.database_up.set(0)
        metrics.inbox_pending.set(math.nan)
        metrics.inbox_oldest_seconds.set(math.nan)
        return
    waited = (deps.clock.now() - oldest).total_seconds() if oldest is not None else 0.0
    metrics.database_up.set(1)
    metrics.inbox_pending.set(pending)
    metrics.inbox_oldest_seconds.set(max(waited, 0.0))
