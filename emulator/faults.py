"""Fault injection: per-method queues of failures and added latency."""

from __future__ import annotations

import asyncio
from collections import defaultdict, deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from emulator import reference


@dataclass
class Fault:
    """One injected failure: an HTTP status, or a documented {"ok": false} error."""

    status: int = 200
    error: str | None = None
    retry_after: int | None = None

    def answer(self, method: str) -> tuple[int, dict[str, Any], dict[str, str]]:
        """Return (status, body, headers) for this failure."""
        headers: dict[str, str] = {}
        if self.status == 429:
            headers["Retry-After"] = str(self.retry_after if self.retry_after is not None else 1)
            return 429, {"ok": False, "error": "ratelimited"}, headers
        if self.status >= 500:
            error = "service_unavailable" if self.status == 503 else "internal_error"
            return self.status, {"ok": False, "error": error}, headers
        body: dict[str, Any] = {"ok": False, "error": self.error}
        if self.error == "missing_scope":
            body["needed"] = ",".join(reference.bot_scopes(method)[:1]) or "chat:write"
            body["provided"] = "commands,chat:write"
        return self.status, body, headers


@dataclass
class Hold:
    """A call held without an answer, as if the caller's connection were slow to come back:
    `reached` is set when the call arrives (after Slack did it, if `done`); the answer goes out
    only once `release()` is called. Tests kill the caller meanwhile, to crash it mid-call."""

    method: str
    done: bool
    matches: Callable[[dict[str, Any]], bool]
    reached: asyncio.Event = field(default_factory=asyncio.Event)
    released: asyncio.Event = field(default_factory=asyncio.Event)
    args: dict[str, Any] = field(default_factory=dict)

    def release(self) -> None:
        """Let the held call (and any later one) answer."""
        self.released.set()

    async def wait(self, args: dict[str, Any]) -> None:
        """Note the call has arrived, then wait for the release."""
        self.args = args
        self.reached.set()
        await self.released.wait()


class FaultBook:
    """Faults and latency to apply to Web API methods, consumed in order."""

    def __init__(self) -> None:
        self._queues: dict[str, deque[Fault]] = defaultdict(deque)
        self.latency: dict[str, float] = {}
        self._holds: list[Hold] = []

    def hold(
        self,
        method: str,
        *,
        done: bool = True,
        matches: Callable[[dict[str, Any]], bool] = lambda _: True,
    ) -> Hold:
        """Hold the next call of `method` whose arguments match: do it (`done`) or not yet,
        and answer only when released."""
        if reference.spec(method) is None:
            raise ValueError(f"{method} is not a Slack Web API method")
        held = Hold(method, done, matches)
        self._holds.append(held)
        return held

    def take_hold(self, method: str, args: dict[str, Any], *, done: bool) -> Hold | None:
        """Consume the hold waiting for this call at this point (before or after doing it)."""
        for held in self._holds:
            if held.method == method and held.done is done and held.matches(args):
                self._holds.remove(held)
                return held
        return None

    def inject(
        self,
        method: str,
        *,
        status: int | None = None,
        error: str | None = None,
        retry_after: int | None = None,
        times: int = 1,
    ) -> None:
        """Queue `times` failures of a method (an HTTP status or a documented error)."""
        if reference.spec(method) is None:
            raise ValueError(f"{method} is not a Slack Web API method")
        if error is not None and not reference.allows_error(method, error):
            raise ValueError(f"Slack does not document error {error!r} for {method}")
        if status is None and error is None:
            raise ValueError("inject needs a status or an error")
        if status is not None and error is None and status < 400:
            raise ValueError("a status-only fault must be an HTTP error status")
        fault = Fault(status or 200, error, retry_after)
        self._queues[method].extend(fault for _ in range(times))

    def take(self, method: str) -> Fault | None:
        """Consume and return the next fault queued for a method."""
        queue = self._queues.get(method)
        return queue.popleft() if queue else None

    def reset(self) -> None:
        """Drop every queued fault and latency."""
        self._queues.clear()
        self.latency.clear()
        for held in self._holds:
            held.release()
        self._holds.clear()
