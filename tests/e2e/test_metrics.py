"""GET /metrics, read as Prometheus reads it, after what a day brings: a slash command, a page to
a busy PagerDuty, a mention Slack delivers twice, one whose answer Slack fails to take, a job
whose message Slack refuses once; and a scrape while the database is down."""

from __future__ import annotations

import math
from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path

import httpx
import pytest
from prometheus_client.parser import text_string_to_metric_families

from bot.app.factory import asgi_app, build_runtime
from emulator import SlackEmulator
from emulator.pagerduty import FakePagerDuty
from scheduler.delivery import IncompleteRun
from scheduler.jobs import run_job
from tests.conftest import DECLARED_AT, RunningBot, bot_settings
from tests.helpers import declare, mentioned

UNREACHABLE = "postgresql+asyncpg://postgres@127.0.0.1:9/nowhere"
POLICY = """
[pagerduty]
events_url = "{url}"

[sev1]
pagerduty_routing_key = "0123456789abcdef0123456789abcdef"
pagerduty_severity = "critical"
"""

Samples = dict[tuple[str, frozenset[tuple[str, str]]], float]


@pytest.fixture
async def pagerduty() -> AsyncIterator[FakePagerDuty]:
    """PagerDuty's Events API, served locally."""
    async with FakePagerDuty() as fake:
        yield fake


@pytest.fixture
def bot_overrides(pagerduty: FakePagerDuty, tmp_path: Path) -> dict[str, object]:
    """SEV1 pages PagerDuty (the fake)."""
    path = tmp_path / "policy.toml"
    path.write_text(POLICY.replace("{url}", pagerduty.url), encoding="utf-8")
    return {"INCIDENT_CONFIG": str(path)}


def parsed(text: str) -> Samples:
    """Every sample of an exposition, by name and labels."""
    return {
        (sample.name, frozenset(sample.labels.items())): sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
    }


def value(samples: Samples, name: str, **labels: str) -> float:
    """One sample's value; 0 when the series has no such child yet (as PromQL sees it)."""
    return samples.get((name, frozenset(labels.items())), 0.0)


def total(samples: Samples, name: str, **labels: str) -> float:
    """The sum of a series over the labels not given."""
    wanted = set(labels.items())
    return sum(v for (n, found), v in samples.items() if n == name and wanted <= found)


async def scrape(bot: RunningBot) -> Samples:
    """GET /metrics as Prometheus does; it must answer 200 in the text format."""
    async with httpx.AsyncClient() as client:
        response = await client.get(f"{bot.url}/metrics")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain; version=")
    return parsed(response.text)


async def test_metrics_show_requests_events_slack_and_pagerduty_calls_and_jobs(
    emu: SlackEmulator, bot: RunningBot, pagerduty: FakePagerDuty
) -> None:
    pagerduty.fail_next(503)  # busy once: retried, then taken
    channel = await declare(emu, "sev1 payments down")
    await emu.wait_for(lambda: any("PagerDuty alerted" in m.text for m in channel.messages))

    message, event = await mentioned(emu)
    for retry in (None, 1):  # Slack delivers it again: stored and answered once
        assert (await emu.send_event(event, event_id="EvMETRIC01", retry_num=retry)).is_success
    await emu.wait_for(lambda: len(message.replies) == 1)
    emu.inject("chat.postMessage", status=500, times=3)  # Slack fails beyond the retries
    assert (await emu.send_event(event, event_id="EvMETRIC02")).is_success
    await bot.runtime.inbox.drain()

    deps = bot.runtime.deps
    when = DECLARED_AT + timedelta(minutes=13)  # the IC is told the roles are still open
    bot.clock.set(when)
    emu.inject("chat.postMessage", error="not_in_channel")
    with pytest.raises(IncompleteRun):
        await run_job(deps, "update-nudges", now=when)
    bot.clock.set(when + timedelta(minutes=1))
    assert await run_job(deps, "update-nudges", now=bot.clock.now()) == 1
    async with httpx.AsyncClient() as client:
        assert (await client.get(f"{bot.url}/healthz")).status_code == 200

    seen = await scrape(bot)

    # Requests by kind and outcome, and their latency.
    assert value(seen, "incident_bot_requests_total", kind="command", outcome="2xx") == 1
    assert value(seen, "incident_bot_request_duration_seconds_count", kind="command") == 1
    assert value(seen, "incident_bot_requests_total", kind="health", outcome="2xx") == 1
    events = value(seen, "incident_bot_requests_total", kind="event", outcome="2xx")
    assert events == total(seen, "incident_bot_events_received_total") >= 3
    assert value(seen, "incident_bot_request_duration_seconds_count", kind="event") == events

    # The inbox: one mention stored twice, one failed and waiting since 14:02.
    mention = {"event_type": "app_mention"}
    assert value(seen, "incident_bot_events_received_total", **mention, result="stored") == 2
    assert value(seen, "incident_bot_events_received_total", **mention, result="duplicate") == 1
    assert value(seen, "incident_bot_events_processed_total", **mention) == 1
    assert value(seen, "incident_bot_events_failed_total", **mention) == 1
    assert value(seen, "incident_bot_inbox_pending_events") == 1
    assert value(seen, "incident_bot_inbox_oldest_pending_age_seconds") == 14 * 60
    assert value(seen, "incident_bot_database_up") == 1

    # Slack: each call once with how it ended, each retry apart; together every request sent.
    calls, retries = "incident_bot_slack_api_calls_total", "incident_bot_slack_api_retries_total"
    post = {"method": "chat.postMessage"}
    assert value(seen, calls, method="conversations.create", result="ok") == 1
    assert value(seen, calls, **post, result="5xx") == 1
    assert value(seen, retries, **post, reason="5xx") == 2
    # The announcement's first try (the bot joins #incidents, then posts), and the job's.
    assert value(seen, calls, **post, result="not_in_channel") == 2
    assert value(seen, calls, **post, result="ok") == len(
        [c for c in emu.calls_to("chat.postMessage") if c.response.get("ok")]
    )
    assert total(seen, calls) + total(seen, retries) == len(emu.calls)

    # PagerDuty: the trigger taken after one retry.
    assert value(seen, "incident_bot_pagerduty_calls_total", action="trigger", result="ok") == 1
    assert value(seen, "incident_bot_pagerduty_retries_total", action="trigger") == 1

    # The job: refused once (its claim released), then sent.
    nudges = {"job": "update-nudges"}
    assert value(seen, "incident_bot_job_runs_total", **nudges, result="failed") == 1
    assert value(seen, "incident_bot_job_runs_total", **nudges, result="ok") == 1
    assert value(seen, "incident_bot_job_messages_claimed_total", **nudges) == 2
    assert value(seen, "incident_bot_job_messages_failed_total", **nudges) == 1
    assert value(seen, "incident_bot_job_messages_sent_total", **nudges) == 1

    assert await bot.runtime.inbox.process_pending() == 1
    later = await scrape(bot)

    assert len(message.replies) == 2
    assert value(later, "incident_bot_events_retried_total", **mention) == 1
    assert value(later, "incident_bot_events_processed_total", **mention) == 2
    assert value(later, "incident_bot_inbox_pending_events") == 0
    assert value(later, "incident_bot_inbox_oldest_pending_age_seconds") == 0
    assert value(later, "incident_bot_requests_total", kind="metrics", outcome="2xx") == 1


async def test_a_scrape_answers_while_the_database_does_not(emu: SlackEmulator) -> None:
    runtime = build_runtime(bot_settings(emu, UNREACHABLE))
    transport = httpx.ASGITransport(app=asgi_app(runtime))
    async with httpx.AsyncClient(transport=transport, base_url="http://bot") as client:
        response = await client.get("/metrics")
    await runtime.close()

    assert response.status_code == 200
    seen = parsed(response.text)
    assert value(seen, "incident_bot_database_up") == 0
    assert math.isnan(value(seen, "incident_bot_inbox_pending_events"))
    assert math.isnan(value(seen, "incident_bot_inbox_oldest_pending_age_seconds"))


async def test_every_runtime_counts_in_a_registry_of_its_own(emu: SlackEmulator) -> None:
    first = build_runtime(bot_settings(emu, UNREACHABLE))
    second = build_runtime(bot_settings(emu, UNREACHABLE))
    first.deps.metrics.job_runs.labels(job="weekly-review", result="ok").inc()
    await first.close()
    await second.close()

    assert first.deps.metrics.registry is not second.deps.metrics.registry
    assert first.deps.slack.metrics is first.deps.metrics
    assert (
        second.deps.metrics.registry.get_sample_value(
            "incident_bot_job_runs_total", {"job": "weekly-review", "result": "ok"}
        )
        is None
    )
