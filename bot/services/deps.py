"""What every listener and job needs, built once in the app factory and passed in."""

from __future__ import annotations

import asyncio
import os
import socket
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.clock import Clock
from bot.domain.policy import Policy
from bot.integrations.pagerduty import PagerDuty
from bot.metrics import Metrics
from bot.settings import Settings
from bot.slack.gateway import SlackGateway

WORKERS = 8


def process_name() -> str:
    """Name this process (host:pid) in claims, so a stuck one can be traced."""
    return f"{socket.gethostname()}:{os.getpid()}"[:64]


def process_gone(claimant: str | None) -> bool:
    """Whether a claim's holder is a process of this host that no longer runs (killed, say):
    its claim can be taken over at once instead of when it goes stale."""
    host, _, pid = (claimant or "").rpartition(":")
    if host != socket.gethostname()[: len(host)] or not host or not pid.isdigit():
        return False
    if int(pid) == os.getpid():
        return False
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return True
    except PermissionError:  # it runs, as someone else
        return False
    return False


class KeyedLocks:
    """One asyncio lock per key (an incident's channel, a message), made when first needed."""

    def __init__(self) -> None:
        self._locks: dict[str, asyncio.Lock] = {}

    def __call__(self, key: str) -> asyncio.Lock:
        """The lock for this key."""
        return self._locks.setdefault(key, asyncio.Lock())


@dataclass(frozen=True)
class Deps:
    """Settings, policy, clock, database sessions, the Slack gateway and the pager."""

    settings: Settings
    policy: Policy
    clock: Clock
    sessions: async_sessionmaker[AsyncSession]
    slack: SlackGateway
    pagerduty: PagerDuty
    # Bounds the event work running at once, so a burst waits here rather than timing out in
    # the database pool (where a lost mark could not be retried: Slack already had its 200).
    workers: asyncio.Semaphore = field(default_factory=lambda: asyncio.Semaphore(WORKERS))
    # Changes to one incident take turns; captures of one message too.
    turns: KeyedLocks = field(default_factory=KeyedLocks)
    # Who holds the claims this process takes (ledger deliveries, declarations being set up).
    claimant: str = field(default_factory=process_name)
    # The series /metrics exposes; the app factory passes the runtime's, shared with the gateway.
    metrics: Metrics = field(default_factory=Metrics)

    @property
    def zone(self) -> ZoneInfo:
        """The configured time zone."""
        return self.settings.zone
