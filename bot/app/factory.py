"""The app factory: the one place where settings, clock, database and Slack are wired."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

import httpx
from slack_bolt.adapter.starlette.async_handler import AsyncSlackRequestHandler
from slack_bolt.async_app import AsyncAck, AsyncApp, AsyncBoltContext
from slack_bolt.response import BoltResponse
from slack_sdk.signature import SignatureVerifier
from sqlalchemy.ext.asyncio import AsyncEngine
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

import handlers
from bot.app.inbox import EventInbox
from bot.app.policy_file import load_policy
from bot.app.telemetry import RequestTelemetry, scrape
from bot.clock import Clock, SystemClock
from bot.integrations.pagerduty import PagerDuty
from bot.metrics import Metrics
from bot.services.deps import Deps
from bot.services.drills import drill_banner
from bot.settings import Settings
from bot.slack.gateway import SlackGateway, make_client
from models import inbox as inbox_rows
from models import ledger
from models.database import is_reachable, make_engine, make_sessions

logger = logging.getLogger(__name__)


class StickyAck(AsyncAck):
    """An ack that, once given, stays given.

    When a listener raises after acking, Bolt's runner (slack_bolt/listener/asyncio_runner.py)
    sets `ack.response` back to None; if its 10 ms poll had not seen the ack yet, Slack gets a
    404 instead of the 200 it was owed, and the error handler's answer is lost.
    """

    _response: BoltResponse | None = None

    def __init__(self) -> None:
        super().__init__()  # type: ignore[no-untyped-call]

    @property
    def response(self) -> BoltResponse | None:
        """The response given by the first ack()."""
        return self._response

    @response.setter
    def response(self, value: BoltResponse | None) -> None:
        if self._response is None:
            self._response = value


@dataclass
class Runtime:
    """Everything a running bot holds: the engine to dispose of, the deps, the Bolt app."""

    engine: AsyncEngine
    deps: Deps
    app: AsyncApp
    http: httpx.AsyncClient
    inbox: EventInbox

    async def close(self) -> None:
        """Finish the events in hand, then release the database and the outbound HTTP client."""
        await self.inbox.drain()
        await self.inbox.batch.close()
        await self.http.aclose()
        await self.engine.dispose()


def build_runtime(
    settings: Settings, *, clock: Clock | None = None, verify_requests: bool = True
) -> Runtime:
    """Wire a bot; nothing is connected until the first request or job."""
    policy = load_policy(settings.config_path, settings.catalog_path)
    engine = make_engine(settings.database_url)
    metrics = Metrics()  # this runtime's series, counted by each part below, at GET /metrics
    client = make_client(
        token=settings.slack_bot_token, base_url=settings.slack_api_url, metrics=metrics
    )
    http = httpx.AsyncClient(timeout=10)
    sessions = make_sessions(engine)
    slack = SlackGateway(client, metrics)
    slack.banner = drill_banner(sessions)  # every message in a drill's channel says DRILL
    deps = Deps(
        settings=settings,
        policy=policy,
        clock=clock or SystemClock(),
        sessions=sessions,
        slack=slack,
        pagerduty=PagerDuty(http, events_url=policy.pagerduty_events_url, metrics=metrics),
        metrics=metrics,
    )
    app = AsyncApp(
        client=client,
        signing_secret=settings.slack_signing_secret,
        request_verification_enabled=verify_requests,
    )
    # Events are verified and stored by the inbox, then processed here from the store: this app
    # runs each listener to its end before it answers, so the answer says whether it failed.
    events = AsyncApp(
        client=client,
        request_verification_enabled=False,
        process_before_response=True,
    )

    async def provide_deps(context: AsyncBoltContext, next: Callable[[], Awaitable[None]]) -> None:
        context["deps"] = deps
        context["ack"] = StickyAck()
        await next()

    for bolt in (app, events):
        bolt.middleware(provide_deps)
        handlers.register(bolt)
    # Without a signing secret nothing can be verified: Bolt refuses every request itself.
    secret = settings.slack_signing_secret
    verifier = SignatureVerifier(secret) if verify_requests and secret else None
    inbox = EventInbox(
        sessions=deps.sessions,
        clock=deps.clock,
        bolt=events,
        verifier=verifier,
        takes_events=verifier is not None or not verify_requests,
        metrics=metrics,
    )
    return Runtime(engine=engine, deps=deps, app=app, http=http, inbox=inbox)


def asgi_app(runtime: Runtime) -> Starlette:
    """The HTTP app: Slack requests at POST /slack/events, GET /healthz, GET /readyz and
    GET /metrics; every request counted, timed and logged by RequestTelemetry."""
    slack = AsyncSlackRequestHandler(runtime.app)

    async def slack_events(request: Request) -> Response:
        stored = await runtime.inbox.receive(request)  # Events API deliveries: store, then ack
        return stored if stored is not None else await slack.handle(request)

    async def healthz(_request: Request) -> Response:
        if await is_reachable(runtime.engine):
            return JSONResponse({"ok": True, "database": "reachable"})
        return JSONResponse({"ok": False, "database": "unreachable"}, status_code=503)

    async def readyz(_request: Request) -> Response:
        try:
            report = await readiness(runtime)
        except Exception as error:  # the database went away between the two looks, say
            logger.warning("readiness: %s: %s", type(error).__name__, error)
            report = None
        if report is None:
            return JSONResponse({"ok": False, "database": "unreachable"}, status_code=503)
        return JSONResponse({"ok": True, "database": "reachable", **report})

    async def metrics(_request: Request) -> Response:
        return await scrape(runtime.deps)  # answers even when the database does not

    return Starlette(
        routes=[
            Route("/slack/events", slack_events, methods=["POST"]),
            Route("/healthz", healthz, methods=["GET"]),
            Route("/readyz", readyz, methods=["GET"]),
            Route("/metrics", metrics, methods=["GET"]),
        ],
        middleware=[Middleware(RequestTelemetry, metrics=runtime.deps.metrics)],
    )


async def readiness(runtime: Runtime) -> dict[str, Any] | None:
    """What /readyz reports: the events not processed yet and how long the oldest has waited,
    and when each scheduled job last ran; None when the database does not answer."""
    if not await is_reachable(runtime.engine):
        return None
    async with runtime.deps.sessions() as session:
        pending, oldest = await inbox_rows.backlog(session=session)
        runs = await ledger.last_runs(session=session)
    now = runtime.deps.clock.now()
    waited = (now - oldest).total_seconds() if oldest is not None else None
    return {
        "inbox": {"pending": pending, "oldest_pending_seconds": waited},
        "jobs_last_run": {job: at.isoformat() for job, at in runs.items()},
    }
