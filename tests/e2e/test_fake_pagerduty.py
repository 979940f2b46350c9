"""The PagerDuty client against the local fake Events API, over real HTTP."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest

from bot.integrations.pagerduty import PagerDuty, PagerDutyError
from emulator.pagerduty import FakePagerDuty

KEY = "0123456789abcdef0123456789abcdef"


class Waits:
    """Stand in for asyncio.sleep and remember the waits asked for."""

    def __init__(self) -> None:
        self.seconds: list[float] = []

    async def __call__(self, seconds: float) -> None:
        self.seconds.append(seconds)


@pytest.fixture
async def fake() -> AsyncIterator[FakePagerDuty]:
    async with FakePagerDuty() as pagerduty:
        yield pagerduty


@pytest.fixture
async def http() -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(timeout=5) as client:
        yield client


async def test_a_triggered_alert_shows_resolved_after_resolve(
    fake: FakePagerDuty, http: httpx.AsyncClient
) -> None:
    pagerduty = PagerDuty(http, events_url=fake.url)
    await pagerduty.trigger(
        routing_key=KEY,
        dedup_key="incident-7",
        summary="SEV1: Checkout is down",
        source="incident-bot",
        severity="critical",
        links=[("https://slack.example/archives/C7", "#incident-7-checkout")],
        custom_details={"commander": "Ada"},
    )
    assert fake.incidents() == {"incident-7": "triggered"}
    await pagerduty.resolve(routing_key=KEY, dedup_key="incident-7")
    assert fake.incidents() == {"incident-7": "resolved"}
    assert [event["event_action"] for event in fake.events] == ["trigger", "resolve"]
    assert fake.events[0]["payload"]["custom_details"] == {"commander": "Ada"}


async def test_an_unavailable_pagerduty_is_retried_until_it_takes_the_event(
    fake: FakePagerDuty, http: httpx.AsyncClient
) -> None:
    waits = Waits()
    fake.fail_next(503)
    pagerduty = PagerDuty(http, events_url=fake.url, sleep=waits)
    await pagerduty.trigger(
        routing_key=KEY, dedup_key="incident-8", summary="s", source="bot", severity="error"
    )
    assert waits.seconds == [0.5]
    assert fake.incidents() == {"incident-8": "triggered"}
    assert len(fake.events) == 1


async def test_throttling_that_outlasts_the_retries_is_an_error(
    fake: FakePagerDuty, http: httpx.AsyncClient
) -> None:
    waits = Waits()
    fake.fail_next(429, times=3)
    pagerduty = PagerDuty(http, events_url=fake.url, sleep=waits)
    with pytest.raises(PagerDutyError) as caught:
        await pagerduty.resolve(routing_key=KEY, dedup_key="incident-8")
    assert caught.value.status == 429
    assert waits.seconds == [0.5, 1.0]
    assert fake.events == []


async def test_an_event_pagerduty_would_refuse_is_refused(
    fake: FakePagerDuty, http: httpx.AsyncClient
) -> None:
    pagerduty = PagerDuty(http, events_url=fake.url, sleep=Waits())
    with pytest.raises(PagerDutyError) as caught:
        await pagerduty.trigger(
            routing_key="short", dedup_key="x", summary="s", source="bot", severity="high"
        )
    assert caught.value.status == 400
    assert caught.value.message == "Event object is invalid"
    assert caught.value.errors == (
        "'routing_key' must be a string of 32 characters",
        "'payload.severity' must be one of critical, error, warning, info",
    )
    assert fake.events == []
    assert fake.incidents() == {}


async def test_the_fake_checks_what_pagerduty_checks(fake: FakePagerDuty) -> None:
    async with httpx.AsyncClient() as client:
        missing = await client.post(fake.url, json={"routing_key": KEY, "event_action": "trigger"})
        unknown = await client.post(fake.url, json={"routing_key": KEY, "event_action": "snooze"})
        unkeyed = await client.post(fake.url, json={"routing_key": KEY, "event_action": "resolve"})
        garbled = await client.post(fake.url, content=b"{not json")
        keyless = await client.post(
            fake.url,
            json={
                "routing_key": KEY,
                "event_action": "trigger",
                "payload": {"summary": "s", "source": "bot", "severity": "info"},
            },
        )
    assert [r.status_code for r in (missing, unknown, unkeyed, garbled)] == [400] * 4
    assert missing.json()["errors"] == ["'payload' is required to trigger"]
    assert unknown.json()["status"] == "invalid event"
    assert keyless.status_code == 202
    generated = keyless.json()["dedup_key"]
    assert fake.incidents() == {generated: "triggered"}
