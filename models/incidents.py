"""The incident and who holds its roles, and reading and writing them.

Functions never commit: the caller owns the transaction.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any, cast

from sqlalchemy import (
    JSON,
    Boolean,
    CursorResult,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    false,
    func,
    or_,
    select,
    text,
    update,
)
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.base import Base, UTCDateTime
from models.impacted import ImpactedService

if TYPE_CHECKING:
    from models.tags import IncidentTag
    from models.timeline import TimelineEntry


class Incident(Base):
    """One declared incident; `id` is the incident number people see (#12)."""

    __tablename__ = "incidents"
    __table_args__ = (
        # What reconciling looks at every few seconds: set-ups not finished, cards behind.
        Index(
            "ix_incidents_unsettled",
            "id",
            postgresql_where=text("setup_done_at IS NULL OR drawn_revision < revision"),
            sqlite_where=text("setup_done_at IS NULL OR drawn_revision < revision"),
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    title: Mapped[str] = mapped_column(String(150))
    description: Mapped[str | None] = mapped_column(Text)
    severity: Mapped[str] = mapped_column(String(8))
    status: Mapped[str] = mapped_column(String(20))
    is_private: Mapped[bool] = mapped_column(Boolean, default=False)
    # A game day: run as an incident is, never announced as real nor counted in a figure.
    is_drill: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    # The library scenario the drill plays (its injects are posted on time), if any.
    scenario: Mapped[str | None] = mapped_column(String(80))
    declared_by: Mapped[str] = mapped_column(String(32))
    declared_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    # The raw material of time to detect and time to resolve.
    started_at: Mapped[datetime] = mapped_column(UTCDateTime)
    detected_at: Mapped[datetime] = mapped_column(UTCDateTime)
    identified_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    mitigated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    # The earlier incident this one recurs (linked by someone, or the question at declaration).
    recurrence_of: Mapped[int | None] = mapped_column(
        ForeignKey("incidents.id", ondelete="SET NULL")
    )
    last_update_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    channel_id: Mapped[str | None] = mapped_column(String(32), unique=True)
    channel_name: Mapped[str | None] = mapped_column(String(80))
    topic_set: Mapped[bool] = mapped_column(Boolean, default=False)
    card_ts: Mapped[str | None] = mapped_column(String(32))
    card_pinned: Mapped[bool] = mapped_column(Boolean, default=False)
    announcement_channel_id: Mapped[str | None] = mapped_column(String(32))
    announcement_ts: Mapped[str | None] = mapped_column(String(32))
    # What Slack refused while setting the incident up: [{"step", "error", "explanation"}].
    setup_problems: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    # The declaration as a resumable sequence: each step is marked as it completes (the channel
    # by channel_id, the topic, card, pin and announcement by the columns above), and the whole
    # set-up is finished at setup_done_at. Whoever is doing it holds a claim, renewed at each
    # step; a claim gone stale belongs to a process that died, and reconciling takes it over.
    declarer_invited: Mapped[bool] = mapped_column(Boolean, default=False)
    paged: Mapped[bool] = mapped_column(Boolean, default=False)
    setup_done_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    setup_claimed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    setup_claimed_by: Mapped[str | None] = mapped_column(String(64))
    # Each committed change bumps `revision`; the card, topic and announcement show
    # `drawn_revision`. Behind means a crash came between the commit and the redraw.
    revision: Mapped[int] = mapped_column(Integer, default=0)
    drawn_revision: Mapped[int] = mapped_column(Integer, default=0)
    # What a committed change promised to do after it (resolve the pages, announce the
    # resolution, bring a new role holder in), each {"id", "step", "args", "since", "by", "at"}
    # until done: a crash in between leaves it here for reconciling to keep.
    follow_ups: Mapped[list[dict[str, Any]]] = mapped_column(
        JSON, default=list, server_default=text("'[]'")
    )

    timeline: Mapped[list[TimelineEntry]] = relationship(
        back_populates="incident", order_by="TimelineEntry.occurred_at", lazy="raise"
    )
    roles: Mapped[list[RoleAssignment]] = relationship(
        back_populates="incident", order_by="RoleAssignment.assigned_at", lazy="selectin"
    )

    services: Mapped[list[ImpactedService]] = relationship(
        back_populates="incident",
        order_by="ImpactedService.added_at, ImpactedService.id",
        lazy="selectin",
        cascade="all, delete-orphan",
    )

    tags: Mapped[list[IncidentTag]] = relationship(
        back_populates="incident",
        order_by="IncidentTag.tag",
        lazy="selectin",
        cascade="all, delete-orphan",
    )

    @property
    def tag_names(self) -> tuple[str, ...]:
        """Its tags, in alphabetical order."""
        return tuple(sorted(t.tag for t in self.tags))

    @property
    def service_slugs(self) -> tuple[str, ...]:
        """The catalog slugs of the services it impacts, in the order they were added."""
        return tuple(s.service for s in self.services)

    @property
    def current_roles(self) -> dict[str, str]:
        """Role name -> user id of whoever holds it now."""
        return {r.role: r.user_id for r in self.roles if r.ended_at is None}


class RoleAssignment(Base):
    """A person holding an incident role from `assigned_at` until `ended_at` (a handover)."""

    __tablename__ = "role_assignments"
    __table_args__ = (
        Index(
            "uq_role_assignments_current",
            "incident_id",
            "role",
            unique=True,
            postgresql_where=text("ended_at IS NULL"),
            sqlite_where=text("ended_at IS NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    incident_id: Mapped[int] = mapped_column(ForeignKey("incidents.id", ondelete="CASCADE"))
    role: Mapped[str] = mapped_column(String(16))
    user_id: Mapped[str] = mapped_column(String(32))
    assigned_by: Mapped[str] = mapped_column(String(32))
    assigned_at: Mapped[datetime] = mapped_column(UTCDateTime)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    incident: Mapped[Incident] = relationship(back_populates="roles")


async def add(
    *,
    session: AsyncSession,
    title: str,
    severity: str,
    status: str,
    is_private: bool,
    description: str | None,
    is_drill: bool = False,
    scenario: str | None = None,
    declared_by: str,
    declared_at: datetime,
    commander_role: str,
    claimed_by: str,
) -> Incident:
    """Insert a new incident with its declarer as commander, its set-up claimed by
    `claimed_by`; the number is assigned on flush."""
    incident = Incident(
        title=title,
        severity=severity,
        status=status,
        is_private=is_private,
        is_drill=is_drill,
        scenario=scenario,
        description=description,
        declared_by=declared_by,
        declared_at=declared_at,
        started_at=declared_at,
        detected_at=declared_at,
        setup_problems=[],
        setup_claimed_at=declared_at,
        setup_claimed_by=claimed_by,
        revision=0,
        drawn_revision=0,
        roles=[],
        services=[],
        tags=[],
    )
    incident.roles.append(
        RoleAssignment(
            role=commander_role,
            user_id=declared_by,
            assigned_by=declared_by,
            assigned_at=declared_at,
        )
    )
    session.add(incident)
    await session.flush()
    return incident


async def get(*, session: AsyncSession, number: int) -> Incident | None:
    """Return the incident with this number."""
    return await session.get(Incident, number)


async def get_by_channel(*, session: AsyncSession, channel_id: str) -> Incident | None:
    """Return the incident whose dedicated channel this is."""
    result = await session.execute(select(Incident).where(Incident.channel_id == channel_id))
    return result.scalar_one_or_none()


def record_problem(incident: Incident, *, step: str, error: str, explanation: str) -> None:
    """Note on the incident that a set-up step failed, so nothing is silently lost."""
    problem: dict[str, Any] = {"step": step, "error": error, "explanation": explanation}
    incident.setup_problems = [*incident.setup_problems, problem]


_NUMBER = re.compile(r"^#?(\d+)$")
MAX_NUMBER = 2**31 - 1
_CHANNEL_ID = re.compile(r"^[CG][A-Z0-9]{2,}$")
_CHANNEL_MENTION = re.compile(r"^<#([CG][A-Z0-9]{2,})(?:\|[^>]*)?>$")


async def by_reference(*, session: AsyncSession, reference: str) -> Incident | None:
    """Find an incident by number (`12`, `#12`), channel ID or mention, or channel name
    (with or without #)."""
    reference = reference.strip()
    if number := _NUMBER.match(reference):
        wanted = int(number.group(1))
        # Larger than any integer column holds: no such incident (the database would refuse).
        return await get(session=session, number=wanted) if wanted <= MAX_NUMBER else None
    if mention := _CHANNEL_MENTION.match(reference):
        reference = mention.group(1)
    if _CHANNEL_ID.match(reference):
        return await get_by_channel(session=session, channel_id=reference)
    return await get_by_channel_name(session=session, name=reference.removeprefix("#"))


async def latest_with_services(
    *, session: AsyncSession, services: tuple[str, ...], incident_id: int, since: datetime
) -> tuple[int, str, datetime] | None:
    """The latest other incident declared since `since` impacting one of `services`:
    (number, service, declared at)."""
    result = await session.execute(
        select(Incident.id, ImpactedService.service, Incident.declared_at)
        .join(ImpactedService, ImpactedService.incident_id == Incident.id)
        .where(
            ImpactedService.service.in_(services),
            Incident.id < incident_id,
            Incident.is_drill.is_(False),
            Incident.declared_at >= since,
        )
        .order_by(Incident.declared_at.desc(), Incident.id.desc())
        .limit(1)
    )
    row = result.tuples().first()
    return None if row is None else (row[0], row[1], row[2])


async def get_by_channel_name(*, session: AsyncSession, name: str) -> Incident | None:
    """Return the incident whose channel has this name (without #)."""
    result = await session.execute(select(Incident).where(Incident.channel_name == name))
    return result.scalars().first()


async def lock_by_channel(*, session: AsyncSession, channel_id: str) -> Incident | None:
    """Load the channel's incident, locking its row until the transaction ends (PostgreSQL)."""
    result = await session.execute(
        select(Incident).where(Incident.channel_id == channel_id).with_for_update()
    )
    return result.scalar_one_or_none()


async def declared_in(
    *, session: AsyncSession, since: datetime, until: datetime, limit: int
) -> list[Incident]:
    """Incidents (not drills) declared in [since, until), newest first."""
    result = await session.execute(
        select(Incident)
        .where(
            Incident.declared_at >= since,
            Incident.declared_at < until,
            Incident.is_drill.is_(False),
        )
        .order_by(Incident.declared_at.desc())
        .limit(limit)
    )
    return list(result.scalars())


async def running_drills(*, session: AsyncSession) -> list[Incident]:
    """Drills playing a scenario whose response is not over, with a channel to post in."""
    result = await session.execute(
        select(Incident).where(
            Incident.is_drill.is_(True),
            Incident.scenario.is_not(None),
            Incident.channel_id.is_not(None),
            Incident.status.in_(("investigating", "identified", "mitigated")),
        )
    )
    return list(result.scalars())


async def open_incidents(*, session: AsyncSession, statuses: tuple[str, ...]) -> list[Incident]:
    """Incidents with a channel whose status is one of `statuses`, newest first."""
    result = await session.execute(
        select(Incident)
        .where(Incident.status.in_(statuses), Incident.channel_id.is_not(None))
        .order_by(Incident.declared_at.desc())
    )
    return list(result.scalars())


def assign(incident: Incident, *, role: str, user: str, by: str, at: datetime) -> str | None:
    """Hand a role to `user`, ending the current holder's assignment; returns who held it."""
    previous = None
    for assignment in incident.roles:
        if assignment.role == role and assignment.ended_at is None:
            previous = assignment.user_id
            assignment.ended_at = at
    incident.roles.append(RoleAssignment(role=role, user_id=user, assigned_by=by, assigned_at=at))
    return previous


async def claim_setup(
    *,
    session: AsyncSession,
    number: int,
    by: str,
    now: datetime,
    stale_after: timedelta,
    from_gone: str | None = None,
) -> bool:
    """Take over an unfinished set-up whose claim went stale (or is held by `from_gone`, a
    process known to be dead); True for the one caller that did."""
    result = cast(
        CursorResult[Any],
        await session.execute(
            update(Incident)
            .where(
                Incident.id == number,
                Incident.setup_done_at.is_(None),
                or_(
                    Incident.setup_claimed_at.is_(None),
                    Incident.setup_claimed_at < now - stale_after,
                    *([Incident.setup_claimed_by == from_gone] if from_gone else []),
                ),
            )
            .values(setup_claimed_at=now, setup_claimed_by=by)
        ),
    )
    return result.rowcount == 1


async def mark_setup(
    *, session: AsyncSession, number: int, by: str, now: datetime, **done: Any
) -> None:
    """Record set-up steps as done, renewing the claim of whoever is doing them."""
    await session.execute(
        update(Incident)
        .where(Incident.id == number)
        .values(**done, setup_claimed_at=now, setup_claimed_by=by)
    )


async def unfinished_setups(
    *, session: AsyncSession
) -> list[tuple[int, str | None, datetime | None]]:
    """Incidents whose set-up is not finished: (number, claimed by, claimed at), oldest first."""
    result = await session.execute(
        select(Incident.id, Incident.setup_claimed_by, Incident.setup_claimed_at)
        .where(Incident.setup_done_at.is_(None))
        .order_by(Incident.id)
    )
    return list(result.tuples())


async def drawn_behind(*, session: AsyncSession) -> list[int]:
    """Set-up incidents changed since their card, topic and announcement were last drawn."""
    result = await session.execute(
        select(Incident.id)
        .where(Incident.setup_done_at.is_not(None), Incident.drawn_revision < Incident.revision)
        .order_by(Incident.id)
    )
    return list(result.scalars())


async def lock(*, session: AsyncSession, number: int) -> Incident | None:
    """Load an incident, locking its row until the transaction ends (PostgreSQL)."""
    result = await session.execute(select(Incident).where(Incident.id == number).with_for_update())
    return result.scalar_one_or_none()


async def mark_drawn(*, session: AsyncSession, number: int, revision: int) -> None:
    """Record that Slack shows the incident as of `revision` (a later mark is kept)."""
    await session.execute(
        update(Incident)
        .where(Incident.id == number, Incident.drawn_revision < revision)
        .values(drawn_revision=revision)
    )


def promise(incident: Incident, *, step: str, args: dict[str, Any], by: str, at: datetime) -> str:
    """Record, in the change's transaction, a follow-up to do once it is committed; its ID."""
    promise_id = f"{incident.revision + 1}.{len(incident.follow_ups) + 1}"
    entry = {
        "id": promise_id,
        "step": step,
        "args": args,
        "since": at.isoformat(),  # when it was promised: what was done after may be this
        "by": by,  # who is doing it, since when
        "at": at.isoformat(),
    }
    incident.follow_ups = [*incident.follow_ups, entry]  # a new list: JSON is saved when set
    return promise_id


async def keep_promise(*, session: AsyncSession, number: int, promise_id: str) -> None:
    """Forget a follow-up: it has been done."""
    incident = await lock(session=session, number=number)
    if incident is not None:
        incident.follow_ups = [p for p in incident.follow_ups if p["id"] != promise_id]


async def take_over_promise(
    *, session: AsyncSession, number: int, promise_id: str, by: str, at: datetime
) -> dict[str, Any] | None:
    """Claim a follow-up for `by` (reconciling), unless it is done; the follow-up."""
    incident = await lock(session=session, number=number)
    if incident is None:
        return None
    for entry in incident.follow_ups:
        if entry["id"] == promise_id:
            taken = {**entry, "by": by, "at": at.isoformat()}
            incident.follow_ups = [taken if p is entry else p for p in incident.follow_ups]
            return taken
    return None


async def with_promises(*, session: AsyncSession) -> list[tuple[int, list[dict[str, Any]]]]:
    """Incidents with follow-ups not done yet, and those follow-ups."""
    result = await session.execute(
        select(Incident.id, Incident.follow_ups)
        .where(func.json_array_length(Incident.follow_ups) > 0)
        .order_by(Incident.id)
    )
    return [(number, list(follow_ups)) for number, follow_ups in result.all()]
