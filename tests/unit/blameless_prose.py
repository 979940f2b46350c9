"""Blameless technical prose for the check's precision guard: timelines, root-cause analyses,
systemic action items, prevention wording and triage notes, built from templates.

`sentences()` is deterministic (a fixed seed picks from the combinations) and yields several
thousand sentences in which people act neutrally, software fails in people's verbs ("the
operator failed to reconcile"), and action items change the system rather than the people.
"""

from __future__ import annotations

import itertools
import random
from collections.abc import Iterator

PEOPLE = [
    "Alice",
    "Bob",
    "Priya",
    "Tomás",
    "Nina",
    "Kenji",
    "Fatima",
    "Oleksandr",
    "<@U0ALICE>",
    "<@U02ABCDEF|dana>",
    "@li.wei",
    "the on-call engineer",
    "the IC",
    "the incident commander",
    "the DBA",
    "an SRE",
    "the SRE on call",
    "Support",
    "QA",
    "the vendor's engineer",
    "a contractor",
    "the network team",
    "we",
    "the secondary on-call",
]

NEUTRAL_ACTS = [
    "restarted the primary",
    "paged the database team",
    "rolled back the deploy to v1.4.2",
    "acknowledged the page",
    "declared a SEV2",
    "opened a bridge call",
    "posted an update to the status page",
    "drained node ip-10-0-3-17",
    "promoted the replica in us-east-1b",
    "failed over to us-west-2",
    "confirmed error rates were back to baseline",
    "scaled the consumer group to 12 replicas",
    "turned off the new-checkout feature flag",
    "ran the documented failover",
    "started a rollback",
    "joined the incident channel",
    "handed over to the EU on-call",
    "escalated to the storage vendor",
    "asked the DBA to look at replication lag",
    "noticed the latency spike on the dashboard",
    "read the audit log for the cluster",
    "applied the hotfix to the ingest workers",
    "reverted the config change",
    "shared a graph of queue depth",
    "took the incident commander role",
    "captured a heap dump from the worker",
    "cordoned the node and moved traffic away",
    "raised the connection limit to 400",
    "re-ran the failed backfill",
    "filed a support case with the cloud provider",
]

TIMES = ["09:02", "11:47", "14:02", "14:10", "16:38", "21:15", "02:44", "03:14"]

SYSTEMS = [
    "the checkout service",
    "the Kafka cluster",
    "the Postgres operator",
    "the operator",
    "the primary database",
    "the ingress controller",
    "the autoscaler",
    "the deploy pipeline",
    "the nightly cron job",
    "the session cache",
    "Redis",
    "the payment gateway",
    "the scheduler",
    "the load balancer",
    "the canary analysis",
    "monitoring",
    "the config service",
    "the DNS resolver",
    "the cert-manager controller",
    "the replication slot",
]

SYSTEM_EVENTS = [
    "failed to reconcile the new CRD version",
    "missed two consecutive heartbeats",
    "ignored the updated TTL after the reload",
    "skipped the migration step because the lock was held",
    "started returning 503s for a third of requests",
    "ran out of file descriptors",
    "failed to acquire the leader lease",
    "dropped 3% of requests during the reload",
    "evicted 40% of its keys",
    "retried without backoff",
    "stopped emitting metrics",
    "crash-looped after the upgrade",
    "returned stale data for about six minutes",
    "did not detect the partial outage",
    "never fired because the metric had been renamed",
    "broke the batch into smaller chunks and slowed down",
    "sent traffic to the wrong pool after the reload",
    "accidentally deleted the active partitions when the retention rule matched them",
    "misread the CPU metric and scaled to zero",
    "failed to renew its certificate",
]

ROOT_CAUSES = [
    "A race in the lease renewal",
    "The retry policy without jitter",
    "An exclusive lock taken by the migration",
    "A default timeout of 30 seconds",
    "The cache key format change",
    "A connection pool sized for the old traffic",
    "The missing index on orders.created_at",
    "An expired intermediate certificate",
    "A DNS TTL of 24 hours",
    "The health check that only tested the process",
    "A config value that two services read differently",
    "The unbounded queue in the ingest worker",
    "A feature flag that defaulted to on",
    "A deploy script that accepted any cluster name",
    "Two clusters with near-identical names",
]

EFFECTS = [
    "let two leaders write to the same partition",
    "made clients retry in lockstep",
    "blocked writes to the orders table for 11 minutes",
    "held requests open until the load balancer gave up",
    "caused every cache lookup to miss",
    "exhausted connections at peak traffic",
    "turned a 20 ms query into a full table scan",
    "broke TLS for clients that did not send SNI",
    "kept old addresses in resolvers for a day",
    "kept sending traffic to a wedged process",
    "made the two services disagree about the limit",
    "grew memory until the worker was killed",
    "exposed the unfinished checkout flow to all users",
    "made a production target look like a staging one",
    "made the wrong cluster easy to select in the prompt",
]

CONTEXTS = [
    "",
    " during the 14:00 traffic peak",
    " once the deploy reached the second region",
    " after the weekend's certificate rotation",
    " for roughly forty minutes",
]

ACTION_VERBS = [
    "Add",
    "Automate",
    "Require",
    "Document",
    "Build",
    "Introduce",
    "Ship",
    "Set up",
]

ACTION_THINGS = [
    "an alert on replication lag",
    "a confirmation prompt for production targets",
    "a canary stage for config changes",
    "a lint rule for migrations without a down step",
    "a dashboard panel for queue depth",
    "jitter in the client retry policy",
    "a pre-deploy check of the target cluster name",
    "a runbook section for regional failover",
    "expiry monitoring for every certificate",
    "a limit on the ingest queue",
    "a contract test between the two services",
    "a dry-run mode for the cleanup script",
    "two-person approval for firewall changes",
    "a game day for the failover path",
]

PURPOSES = [
    "so the delay is visible within a minute",
    "to reduce the chance of human error",
    "so nobody has to remember the order of the steps",
    "so that a mistyped hostname is rejected before anything runs",
    "so the tool, not a person, catches the wrong target",
    "so operators can't accidentally apply staging config to production",
    "to make operator mistakes harder to make and easier to undo",
    "so a slow rollout pages before customers notice",
    "because the current process relies on memory",
    "so the wrong branch can no longer be deployed",
    "so that the system tolerates human error",
    "to guard against fat-finger mistakes",
]

OWNERS = [
    "",
    " (owner: <@U0ALICE>, due Friday)",
    " (owner: platform team)",
    " (P1)",
    " — tracked as INC-231",
]

HYPOTHESES = [
    "a bad deploy",
    "that someone had deleted the DNS record",
    "that the on-call engineer had missed a page",
    "an engineer's config push",
    "operator error",
    "a noisy neighbour on the host",
    "that the DBA had run a manual vacuum",
    "a regression in the new client library",
]

EVIDENCE = [
    "the audit log ruled it out",
    "the deploy history showed no change in that window",
    "PagerDuty showed the page was never sent",
    "the shell history showed only read-only commands",
    "the metrics showed the spike started before any change",
]

OBSERVATIONS = [
    "The dashboard did not show replication lag, so the delay was not visible.",
    "The runbook did not say which cluster the command targets.",
    "Nothing in CI exercised the rollback path.",
    "The alert routed to a channel that nobody watched at night.",
    "The certificate renewal was a manual step with no expiry alert.",
    "The review process allowed a schema change through without a migration check.",
    "The deploy tool accepted a production target without a confirmation step.",
    "An alert on queue depth would have caught this within minutes.",
    "We would have caught this earlier with a canary on the write path.",
    "If the alert had fired, the on-call engineer would have known within a minute.",
    "The integration tests should have caught the regression, so we are adding a contract test.",
    "In hindsight, the runbook was missing the failover step.",
    "Human error is a symptom of the system, not a root cause.",
    "Nobody is at fault; the renewal depended on a calendar reminder.",
    "The pager didn't fire, so the on-call engineer wasn't notified.",
    "User error rates spiked after the release.",
    "git blame shows the limit dates from 2019.",
]


def _timeline() -> Iterator[str]:
    """ "14:02 — Alice restarted the primary." and the software's own events."""
    for time, person, act in itertools.product(TIMES, PEOPLE, NEUTRAL_ACTS):
        subject = person[0].upper() + person[1:] if person[0].islower() else person
        yield f"{time} — {subject} {act}."
    for time, system, event in itertools.product(TIMES, SYSTEMS, SYSTEM_EVENTS):
        yield f"At {time} {system} {event}."


def _analysis() -> Iterator[str]:
    """ "A race in the lease renewal let two leaders write to the same partition."""
    for cause, effect, context in itertools.product(ROOT_CAUSES, EFFECTS, CONTEXTS):
        yield f"{cause} {effect}{context}."


def _action_items() -> Iterator[str]:
    """ "Add an alert on replication lag so the delay is visible within a minute."""
    for verb, thing, purpose, owner in itertools.product(
        ACTION_VERBS, ACTION_THINGS, PURPOSES, OWNERS
    ):
        yield f"{verb} {thing} {purpose}{owner}."


def _triage() -> Iterator[str]:
    """ "At 14:10 we suspected a bad deploy; the audit log ruled it out."""
    for time, hypothesis, evidence in itertools.product(TIMES, HYPOTHESES, EVIDENCE):
        yield f"At {time} we suspected {hypothesis}; {evidence}."


def sentences(count_per_family: int = 700, seed: int = 20250602) -> list[str]:
    """Up to `count_per_family` sentences from each family, chosen with a fixed seed."""
    rng = random.Random(seed)
    chosen: list[str] = list(OBSERVATIONS)
    for family in (_timeline, _analysis, _action_items, _triage):
        pool = list(family())
        chosen.extend(rng.sample(pool, min(count_per_family, len(pool))))
    return chosen
