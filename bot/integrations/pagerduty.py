"""PagerDuty Events API v2: trigger and resolve an alert, retrying when PagerDuty is busy."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Mapping, Sequence

import httpx

from bot.metrics import Metrics

ATTEMPTS = 3
FIRST_WAIT_SECONDS = 0.5
SUMMARY_LIMIT = 1024
# 429 is PagerDuty's "slow down"; 5xx means it could not take the event this time.
_RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})


class PagerDutyError(Exception):
    """PagerDuty did not take an event; str() is a sentence fit to show in Slack."""

    def __init__(
        self, sentence: str, *, status: int | None, message: str, errors: Sequence[str] = ()
    ) -> None:
        super().__init__(sentence)
        self.status = status
        self.message = message
        self.errors = tuple(errors)


class PagerDuty:
    """A client for the Events API v2 endpoint (events.pagerduty.com/v2/enqueue); each call is
    counted once in `metrics`, by action and final result, and each retry apart."""

    def __init__(
        self,
        client: httpx.AsyncClient,
        *,
        events_url: str,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
        metrics: Metrics | None = None,
    ) -> None:
        self._client = client
        self._events_url = events_url
        self._sleep = sleep
        self._metrics = metrics or Metrics()

    async def trigger(
        self,
        *,
        routing_key: str,
        dedup_key: str,
        summary: str,
        source: str,
        severity: str,
        links: Sequence[tuple[str, str]] = (),
        custom_details: Mapping[str, object] | None = None,
    ) -> None:
        """Open (or update) the alert with this dedup key; links are (href, text) pairs."""
        if len(summary) > SUMMARY_LIMIT:
            summary = summary[: SUMMARY_LIMIT - 1] + "…"
        payload: dict[str, object] = {"summary": summary, "source": source, "severity": severity}
        if custom_details is not None:
            payload["custom_details"] = dict(custom_details)
        event: dict[str, object] = {
            "routing_key": routing_key,
            "event_action": "trigger",
            "dedup_key": dedup_key,
            "payload": payload,
        }
        if links:
            event["links"] = [{"href": href, "text": text} for href, text in links]
        await self._send(event)

    async def resolve(self, *, routing_key: str, dedup_key: str) -> None:
        """Resolve the alert with this dedup key."""
        await self._send(
            {"routing_key": routing_key, "event_action": "resolve", "dedup_key": dedup_key}
        )

    async def _send(self, event: dict[str, object]) -> None:
        action = str(event["event_action"])
        calls = self._metrics.pagerduty_calls
        try:
            await self._attempts(event, action)
        except PagerDutyError as error:
            result = "unreachable" if error.status is None else _status_class(error.status)
            calls.labels(action=action, result=result).inc()
            raise
        except Exception:
            calls.labels(action=action, result="error").inc()
            raise
        calls.labels(action=action, result="ok").inc()

    async def _attempts(self, event: dict[str, object], action: str) -> None:
        wait = FIRST_WAIT_SECONDS
        for attempt in range(1, ATTEMPTS + 1):
            final = attempt == ATTEMPTS
            try:
                response = await self._client.post(self._events_url, json=event)
            except httpx.TransportError as error:
                if final:
                    detail = str(error) or type(error).__name__
                    raise PagerDutyError(
                        f"Could not reach PagerDuty to {action} the alert "
                        f"after {ATTEMPTS} attempts ({detail}).",
                        status=None,
                        message=detail,
                    ) from error
            else:
                if response.is_success:
                    return
                if response.status_code not in _RETRY_STATUSES or final:
                    raise _rejection(action, response, attempt)
            self._metrics.pagerduty_retries.labels(action=action).inc()
            await self._sleep(wait)
            wait *= 2


def _status_class(status: int) -> str:
    return "5xx" if status >= 500 else str(status)


def _rejection(action: str, response: httpx.Response, attempts: int) -> PagerDutyError:
    """Describe a refusal using what PagerDuty said, when it said anything."""
    status = response.status_code
    try:
        body = response.json()
    except ValueError:
        body = None
    message = ""
    errors: list[str] = []
    if isinstance(body, dict):
        message = str(body.get("message") or "")
        errors = [str(item) for item in body.get("errors") or [] if item]
    message = message or response.reason_phrase or f"HTTP {status}"
    said = "; ".join([message, *errors]).rstrip(".")
    if status == 400:
        sentence = f"PagerDuty rejected the {action} event: {said}."
    elif status in _RETRY_STATUSES:
        sentence = (
            f"PagerDuty did not accept the {action} event after {attempts} attempts "
            f"(HTTP {status}: {said})."
        )
    else:
        sentence = f"PagerDuty refused the {action} event (HTTP {status}: {said})."
    return PagerDutyError(sentence, status=status, message=message, errors=errors)
