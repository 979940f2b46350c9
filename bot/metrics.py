"""The bot's Prometheus series, in a registry of its own that the app factory builds once per
running bot and hands to each part that counts (the edge, the inbox, the gateway, the pager,
the jobs). `GET /metrics` exposes it; README's "Metrics" lists every series.

A counter's name here has no `_total`: prometheus_client adds it in the exposition.
"""

from __future__ import annotations

from prometheus_client import (
    CollectorRegistry,
    Counter,
    Gauge,
    GCCollector,
    Histogram,
    PlatformCollector,
    ProcessCollector,
)

# Seconds; 3 is Slack's deadline for an acknowledgement.
LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 3.0, 5.0, 10.0)


class Metrics:
    """Every series the bot exposes, registered in `registry`."""

    def __init__(self) -> None:
        self.registry = registry = CollectorRegistry()
        ProcessCollector(registry=registry)  # CPU, memory, open files (Linux)
        PlatformCollector(registry=registry)
        GCCollector(registry=registry)  # collections and what they freed (CPython)

        # HTTP requests, by what they were and how they were answered.
        self.requests = Counter(
            "incident_bot_requests",
            "HTTP requests answered, by kind (event, command, interaction, health, ready, "
            "metrics, other) and outcome (the status class: 2xx, 4xx, 5xx)",
            ["kind", "outcome"],
            registry=registry,
        )
        self.request_seconds = Histogram(
            "incident_bot_request_duration_seconds",
            "Time from a request's arrival to the end of its answer, by kind",
            ["kind"],
            buckets=LATENCY_BUCKETS,
            registry=registry,
        )

        # The event inbox: deliveries taken, then processing from the store.
        self.events_received = Counter(
            "incident_bot_events_received",
            "Events API deliveries, by event type and what the inbox did: stored, duplicate "
            "(a retry or replay of a stored event_id), refused (503: the database could not "
            "take it)",
            ["event_type", "result"],
            registry=registry,
        )
        self.events_processed = Counter(
            "incident_bot_events_processed",
            "Events processed to the end and marked done, by event type",
            ["event_type"],
            registry=registry,
        )
        self.events_failed = Counter(
            "incident_bot_events_failed",
            "Processing attempts that failed (the event stays pending), by event type",
            ["event_type"],
            registry=registry,
        )
        self.events_retried = Counter(
            "incident_bot_events_retried",
            "Processing attempts after an event's first, by event type",
            ["event_type"],
            registry=registry,
        )
        self.inbox_pending = Gauge(
            "incident_bot_inbox_pending_events",
            "Events stored and not done yet, read from the database at scrape time "
            "(NaN when it does not answer)",
            registry=registry,
        )
        self.inbox_oldest_seconds = Gauge(
            "incident_bot_inbox_oldest_pending_age_seconds",
            "How long the oldest event not done yet has waited (0 when none; NaN when the "
            "database does not answer)",
            registry=registry,
        )
        self.database_up = Gauge(
            "incident_bot_database_up",
            "1 when the database answered at scrape time, 0 when it did not",
            registry=registry,
        )

        # Outbound calls: every call counted once with its final result, retries apart.
        self.slack_calls = Counter(
            "incident_bot_slack_api_calls",
            "Slack Web API calls by method and final result: ok, Slack's error code, 429, 5xx "
            "(once the retries gave up), unreachable",
            ["method", "result"],
            registry=registry,
        )
        self.slack_retries = Counter(
            "incident_bot_slack_api_retries",
            "Slack Web API requests sent again by method and why: 429, 5xx, connection",
            ["method", "reason"],
            registry=registry,
        )
        self.pagerduty_calls = Counter(
            "incident_bot_pagerduty_calls",
            "PagerDuty Events API calls by action (trigger, resolve) and final result: ok, the "
            "status of a 4xx refusal (400, 429…), 5xx (once the retries gave up), unreachable",
            ["action", "result"],
            registry=registry,
        )
        self.pagerduty_retries = Counter(
            "incident_bot_pagerduty_retries",
            "PagerDuty Events API requests sent again (429, 5xx, unreachable), by action",
            ["action"],
            registry=registry,
        )

        # Scheduled jobs, and the messages they send once through the ledger.
        self.job_runs = Counter(
            "incident_bot_job_runs",
            "Job runs by job and result: ok, failed (an error, or Slack refused some messages)",
            ["job", "result"],
            registry=registry,
        )
        self.job_messages_claimed = Counter(
            "incident_bot_job_messages_claimed",
            "Job messages claimed in the delivery ledger (about to be sent), by job",
            ["job"],
            registry=registry,
        )
        self.job_messages_sent = Counter(
            "incident_bot_job_messages_sent",
            "Job messages sent and marked sent in the ledger, by job",
            ["job"],
            registry=registry,
        )
        self.job_messages_failed = Counter(
            "incident_bot_job_messages_failed",
            "Job messages whose send failed and whose claim was released for the next run",
            ["job"],
            registry=registry,
        )
