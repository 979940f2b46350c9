"""A local PagerDuty Events API v2 endpoint that validates events and remembers alerts."""

from __future__ import annotations

import json
import uuid
from types import TracebackType
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from emulator.serving import LocalServer

ACTIONS = ("trigger", "acknowledge", "resolve")
SEVERITIES = ("critical", "error", "warning", "info")
ROUTING_KEY_LENGTH = 32
SUMMARY_LIMIT = 1024
_FAILURE_BODIES: dict[int, dict[str, str]] = {
    429: {"status": "throttle event", "message": "Requests for this service are arriving too fast"},
}


class FakePagerDuty:
    """Serve POST /v2/enqueue on 127.0.0.1, answering the way PagerDuty does."""

    def __init__(self) -> None:
        self.events: list[dict[str, Any]] = []
        self._states: dict[str, str] = {}
        self._failures: list[int] = []
        self._server = LocalServer(
            Starlette(routes=[Route("/v2/enqueue", self._enqueue, methods=["POST"])])
        )
        self._started = False

    @property
    def url(self) -> str:
        """Return the events URL to give the client (valid once started)."""
        if not self._started:
            raise RuntimeError("FakePagerDuty is not started")
        return f"{self._server.url}/v2/enqueue"

    async def start(self) -> None:
        """Start serving on a free port."""
        await self._server.start()
        self._started = True

    async def stop(self) -> None:
        """Stop serving."""
        await self._server.stop()
        self._started = False

    async def __aenter__(self) -> FakePagerDuty:
        await self.start()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        await self.stop()

    def incidents(self) -> dict[str, str]:
        """Return each alert's state by dedup key: triggered, acknowledged or resolved."""
        return dict(self._states)

    def fail_next(self, status: int, times: int = 1) -> None:
        """Answer the next `times` requests with this status (429, 500, 503…) and drop them."""
        self._failures.extend([status] * times)

    async def _enqueue(self, request: Request) -> JSONResponse:
        if self._failures:
            status = self._failures.pop(0)
            body = _FAILURE_BODIES.get(status, {"status": "error", "message": "Internal error"})
            return JSONResponse(body, status_code=status)
        try:
            event = json.loads(await request.body())
        except ValueError:
            return _invalid(["Malformed JSON"])
        if not isinstance(event, dict):
            return _invalid(["Event must be a JSON object"])
        errors = _problems(event)
        if errors:
            return _invalid(errors)
        dedup_key = str(event.get("dedup_key") or uuid.uuid4().hex)
        self.events.append(event)
        self._apply(event["event_action"], dedup_key)
        return JSONResponse(
            {"status": "success", "message": "Event processed", "dedup_key": dedup_key},
            status_code=202,
        )

    def _apply(self, action: str, dedup_key: str) -> None:
        state = self._states.get(dedup_key)
        if action == "trigger" and state not in ("triggered", "acknowledged"):
            self._states[dedup_key] = "triggered"
        elif action == "acknowledge" and state == "triggered":
            self._states[dedup_key] = "acknowledged"
        elif action == "resolve" and state is not None:
            self._states[dedup_key] = "resolved"


def _problems(event: dict[str, Any]) -> list[str]:
    """List what PagerDuty would object to in an event."""
    errors: list[str] = []
    key = event.get("routing_key")
    if not isinstance(key, str) or len(key) != ROUTING_KEY_LENGTH:
        errors.append(f"'routing_key' must be a string of {ROUTING_KEY_LENGTH} characters")
    action = event.get("event_action")
    if action not in ACTIONS:
        errors.append(f"'event_action' must be one of {', '.join(ACTIONS)}")
    dedup_key = event.get("dedup_key")
    if dedup_key is not None and (not isinstance(dedup_key, str) or len(dedup_key) > 255):
        errors.append("'dedup_key' must be a string of at most 255 characters")
    if action in ("acknowledge", "resolve") and not dedup_key:
        errors.append(f"'dedup_key' is required to {action}")
    if action == "trigger":
        errors.extend(_payload_problems(event.get("payload")))
    links = event.get("links", [])
    if not isinstance(links, list) or not all(
        isinstance(link, dict) and isinstance(link.get("href"), str) for link in links
    ):
        errors.append("'links' must be a list of objects with an 'href'")
    return errors


def _payload_problems(payload: object) -> list[str]:
    if not isinstance(payload, dict):
        return ["'payload' is required to trigger"]
    errors = [
        f"'payload.{field}' is missing or blank"
        for field in ("summary", "source", "severity")
        if not isinstance(payload.get(field), str) or not payload[field].strip()
    ]
    summary = payload.get("summary")
    if isinstance(summary, str) and len(summary) > SUMMARY_LIMIT:
        errors.append(f"'payload.summary' must be at most {SUMMARY_LIMIT} characters")
    if "severity" in payload and payload["severity"] not in SEVERITIES:
        errors.append(f"'payload.severity' must be one of {', '.join(SEVERITIES)}")
    details = payload.get("custom_details")
    if details is not None and not isinstance(details, dict | str):
        errors.append("'payload.custom_details' must be an object")
    return errors


def _invalid(errors: list[str]) -> JSONResponse:
    return JSONResponse(
        {"status": "invalid event", "message": "Event object is invalid", "errors": errors},
        status_code=400,
    )
