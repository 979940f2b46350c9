"""What every listener and job needs, built once in the app factory and passed in."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.clock import Clock
from bot.domain.policy import Policy
from bot.integrations.pagerduty import PagerDuty
from bot.settings import Settings
from bot.slack.gateway import SlackGateway

WORKERS = 8


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

    @property
    def zone(self) -> ZoneInfo:
        """The configured time zone."""
        return self.settings.zone
