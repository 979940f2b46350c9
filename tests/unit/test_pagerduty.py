"""PagerDuty client: the Events API v2 bodies it sends, and what it does when PagerDuty says no."""

from __future__ import annotations

import contextlib
import json
from collections.abc import AsyncIterator

import httpx
import pytest

from bot.integrations.pagerduty import PagerDuty, PagerDutyError
from bot.metrics import Metrics

URL = "https://events.example/v2/enqueue"
KEY = "0123456789abcdef0123456789abcdef"
ACCEPTED = {"status": "success", "message": "Event processed", "dedup_key": "incident-42"}
INVALID = {
    "status": "invalid event",
    "message": "Event object is invalid",
    "errors": ["'payload.severity' must be one of critical, error, warning, info"],
}


class Recorder:
    """Answer requests from a script of responses and keep what was sent."""

    def __init__(self, *answers: httpx.Response | Exception) -> None:
        self.answers = list(answers)
        self.bodies: list[dict[str, object]] = []
        self.waits: list[float] = []

    def handle(self, request: httpx.Request) -> httpx.Response:
        assert (request.method, str(request.url)) == ("POST", URL)
        self.bodies.append(json.loads(request.content))
        answer = self.answers.pop(0)
        if isinstance(answer, Exception):
            raise answer
        return answer

    async def sleep(self, seconds: float) -> None:
        self.waits.append(seconds)


@contextlib.asynccontextmanager
async def pagerduty(recorder: Recorder) -> AsyncIterator[PagerDuty]:
    async with httpx.AsyncClient(transport=httpx.MockTransport(recorder.handle)) as http:
        yield PagerDuty(http, events_url=URL, sleep=recorder.sleep)


def accepted() -> httpx.Response:
    return httpx.Response(202, json=ACCEPTED)


async def trigger(pagerduty: PagerDuty, **overrides: object) -> None:
    arguments: dict[str, object] = {
        "routing_key": KEY,
        "dedup_key": "incident-42",
        "summary": "SEV1: Checkout is down",
        "source": "incident-bot",
        "severity": "critical",
    }
    arguments.update(overrides)
    await pagerduty.trigger(**arguments)  # type: ignore[arg-type]


async def test_trigger_sends_an_events_v2_trigger() -> None:
    recorder = Recorder(accepted())
    async with pagerduty(recorder) as client:
        await trigger(
            client,
            links=[("https://slack.example/archives/C1", "Incident channel")],
            custom_details={"commander": "Ada", "severity": "SEV1"},
        )
    assert recorder.bodies == [
        {
            "routing_key": KEY,
            "event_action": "trigger",
            "dedup_key": "incident-42",
            "payload": {
                "summary": "SEV1: Checkout is down",
                "source": "incident-bot",
                "severity": "critical",
                "custom_details": {"commander": "Ada", "severity": "SEV1"},
            },
            "links": [{"href": "https://slack.example/archives/C1", "text": "Incident channel"}],
        }
    ]
    assert recorder.waits == []


async def test_trigger_leaves_out_links_and_details_it_was_not_given() -> None:
    recorder = Recorder(accepted())
    async with pagerduty(recorder) as client:
        await trigger(client)
    assert recorder.bodies[0]["payload"] == {
        "summary": "SEV1: Checkout is down",
        "source": "incident-bot",
        "severity": "critical",
    }
    assert "links" not in recorder.bodies[0]


async def test_a_long_summary_is_cut_to_pagerdutys_limit() -> None:
    recorder = Recorder(accepted())
    async with pagerduty(recorder) as client:
        await trigger(client, summary="x" * 5000)
    summary = recorder.bodies[0]["payload"]["summary"]  # type: ignore[index]
    assert len(summary) == 1024
    assert summary.endswith("…")


async def test_resolve_sends_an_events_v2_resolve() -> None:
    recorder = Recorder(accepted())
    async with pagerduty(recorder) as client:
        await client.resolve(routing_key=KEY, dedup_key="incident-42")
    assert recorder.bodies == [
        {"routing_key": KEY, "event_action": "resolve", "dedup_key": "incident-42"}
    ]


async def test_throttling_is_retried_after_a_wait() -> None:
    recorder = Recorder(httpx.Response(429, json={"status": "throttle event"}), accepted())
    async with pagerduty(recorder) as client:
        await trigger(client)
    assert len(recorder.bodies) == 2
    assert recorder.bodies[0] == recorder.bodies[1]
    assert recorder.waits == [0.5]


async def test_a_dropped_connection_is_retried_with_growing_waits() -> None:
    recorder = Recorder(
        httpx.ConnectError("connection refused"),
        httpx.Response(503, text="Service Unavailable"),
        accepted(),
    )
    async with pagerduty(recorder) as client:
        await client.resolve(routing_key=KEY, dedup_key="incident-42")
    assert len(recorder.bodies) == 3
    assert recorder.waits == [0.5, 1.0]


async def test_an_invalid_event_raises_pagerdutys_message_without_retrying() -> None:
    recorder = Recorder(httpx.Response(400, json=INVALID))
    with pytest.raises(PagerDutyError) as caught:
        async with pagerduty(recorder) as client:
            await trigger(client, severity="high")
    error = caught.value
    assert (error.status, error.message) == (400, "Event object is invalid")
    assert error.errors == tuple(INVALID["errors"])
    assert str(error) == (
        "PagerDuty rejected the trigger event: Event object is invalid; "
        "'payload.severity' must be one of critical, error, warning, info."
    )
    assert len(recorder.bodies) == 1
    assert recorder.waits == []


async def test_server_errors_raise_once_the_attempts_run_out() -> None:
    recorder = Recorder(
        httpx.Response(500, json={"status": "error", "message": "Internal error"}),
        httpx.Response(502, text="<html>Bad Gateway</html>"),
        httpx.Response(503, text="Service Unavailable"),
    )
    with pytest.raises(PagerDutyError) as caught:
        async with pagerduty(recorder) as client:
            await client.resolve(routing_key=KEY, dedup_key="incident-42")
    assert caught.value.status == 503
    assert str(caught.value) == (
        "PagerDuty did not accept the resolve event after 3 attempts "
        "(HTTP 503: Service Unavailable)."
    )
    assert len(recorder.bodies) == 3
    assert recorder.waits == [0.5, 1.0]


async def test_an_unreachable_pagerduty_raises_once_the_attempts_run_out() -> None:
    recorder = Recorder(*[httpx.ConnectError("connection refused")] * 3)
    with pytest.raises(PagerDutyError) as caught:
        async with pagerduty(recorder) as client:
            await trigger(client)
    assert caught.value.status is None
    assert str(caught.value) == (
        "Could not reach PagerDuty to trigger the alert after 3 attempts (connection refused)."
    )
    assert recorder.waits == [0.5, 1.0]


async def test_a_wrong_key_is_not_retried() -> None:
    recorder = Recorder(httpx.Response(404, text="Not Found"))
    with pytest.raises(PagerDutyError, match=r"refused the trigger event \(HTTP 404: Not Found\)"):
        async with pagerduty(recorder) as client:
            await trigger(client)
    assert recorder.waits == []


async def test_each_call_is_counted_once_by_action_and_result_and_each_retry_apart() -> None:
    metrics = Metrics()
    recorder = Recorder(
        httpx.Response(503),
        accepted(),
        httpx.Response(400, json=INVALID),
        httpx.ConnectError("refused"),
        httpx.ConnectError("refused"),
        httpx.ConnectError("refused"),
    )
    async with httpx.AsyncClient(transport=httpx.MockTransport(recorder.handle)) as http:
        client = PagerDuty(http, events_url=URL, sleep=recorder.sleep, metrics=metrics)
        await trigger(client)
        with pytest.raises(PagerDutyError):
            await trigger(client, severity="loud")
        with pytest.raises(PagerDutyError):
            await client.resolve(routing_key=KEY, dedup_key="incident-42")

    def count(name: str, **labels: str) -> float | None:
        return metrics.registry.get_sample_value(f"incident_bot_pagerduty_{name}_total", labels)

    assert count("calls", action="trigger", result="ok") == 1
    assert count("calls", action="trigger", result="400") == 1
    assert count("calls", action="resolve", result="unreachable") == 1
    assert count("retries", action="trigger") == 1
    assert count("retries", action="resolve") == 2
