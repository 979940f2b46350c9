"""What people ask of the bot, as typed requests (parsed by bot.commands)."""

from __future__ import annotations

from dataclasses import dataclass

from bot.domain.roles import Role
from bot.domain.severity import Severity
from bot.domain.status import Status


@dataclass(frozen=True)
class Declare:
    """Declare straight away."""

    severity: Severity
    title: str


@dataclass(frozen=True)
class OpenDeclareForm:
    """Open the declare modal, prefilled with what was typed."""

    title: str
    severity: Severity | None = None


@dataclass(frozen=True)
class ShowHelp:
    """List the subcommands."""


@dataclass(frozen=True)
class ListIncidents:
    """Open incidents the person may see."""


@dataclass(frozen=True)
class AssignRole:
    """Give a role to someone."""

    role: Role
    user: str


@dataclass(frozen=True)
class ShowRoles:
    """Who holds what."""


@dataclass(frozen=True)
class ChangeSeverity:
    """Raise or lower the severity."""

    severity: Severity


@dataclass(frozen=True)
class ChangeStatus:
    """Move the incident along its lifecycle."""

    status: Status
    note: str = ""


@dataclass(frozen=True)
class Reopen:
    """Bring a resolved incident back to investigating."""


@dataclass(frozen=True)
class SetTime:
    """Record when impact started or was detected; `when` as typed."""

    field: str
    when: str


@dataclass(frozen=True)
class AddNote:
    """A note on the timeline, now or at `at` (as typed, HH:MM)."""

    text: str
    at: str | None = None


@dataclass(frozen=True)
class ShowTimeline:
    """The whole timeline, privately."""

    export: bool = False


@dataclass(frozen=True)
class PostmortemRequest:
    """`subcommand` is show, owner (with `user`), edit, review, publish or meeting (`when`)."""

    subcommand: str
    user: str | None = None
    when: str | None = None


@dataclass(frozen=True)
class CreateActionItem:
    """A new action item for the channel's incident."""

    title: str
    owner: str | None = None
    due: str | None = None
    priority: str = "P2"


@dataclass(frozen=True)
class ChangeActionItem:
    """`verb` is start, done, wontdo (arg: reason), owner (arg: user), due (arg) or priority."""

    number: int
    verb: str
    arg: str | None = None


@dataclass(frozen=True)
class ListActionItems:
    """`scope`: incident (this channel's), mine, overdue or open."""

    scope: str


@dataclass(frozen=True)
class ShowServices:
    """The service catalog."""


@dataclass(frozen=True)
class ChangeService:
    """`verb` is add or remove; `name` the service's slug, name or alias, as typed."""

    verb: str
    name: str


@dataclass(frozen=True)
class ChangeTags:
    """`verb` is add or remove; `tags` as typed (commas or spaces between them)."""

    verb: str
    tags: tuple[str, ...]


@dataclass(frozen=True)
class OpenNearMissForm:
    """The short near-miss form, prefilled with the title typed."""

    title: str = ""


@dataclass(frozen=True)
class ListNearMisses:
    """The latest near-misses."""


@dataclass(frozen=True)
class ShowStats:
    """The figures over a window (`window` as typed: 30d, quarter, 2025-01…)."""

    window: str = ""


@dataclass(frozen=True)
class LinkRecurrence:
    """Mark the channel's incident a recurrence of an earlier one (`reference` as typed)."""

    reference: str


@dataclass(frozen=True)
class DeclareDrill:
    """Start a game day: `name` a library scenario or a title; `severity` None takes the
    scenario's."""

    severity: Severity | None
    name: str


@dataclass(frozen=True)
class SearchArchive:
    """Find incidents by words and `key:value` filters (`text` as typed)."""

    text: str


@dataclass(frozen=True)
class ShowPatterns:
    """What comes back across the incidents of a window (`window` as typed: 90d, 2025-01…)."""

    window: str = ""


@dataclass(frozen=True)
class ListDrills:
    """The scenario library drills can play."""


@dataclass(frozen=True)
class ShowRunbooks:
    """The incident's runbook checklists and where each stands."""


@dataclass(frozen=True)
class PostUpdate:
    """A status update for the channel and the announcement thread."""

    text: str


Command = (
    Declare
    | OpenDeclareForm
    | ShowHelp
    | ListIncidents
    | AssignRole
    | ShowRoles
    | ChangeSeverity
    | ChangeStatus
    | Reopen
    | SetTime
    | PostUpdate
    | AddNote
    | ShowTimeline
    | PostmortemRequest
    | CreateActionItem
    | ChangeActionItem
    | ListActionItems
    | ShowServices
    | ChangeService
    | ShowRunbooks
    | ShowStats
    | LinkRecurrence
    | OpenNearMissForm
    | ListNearMisses
    | DeclareDrill
    | ListDrills
    | SearchArchive
    | ChangeTags
    | ShowPatterns
)
# Commands that act on the incident whose channel they are typed in.
InChannelCommand = (
    AssignRole
    | ShowRoles
    | ChangeSeverity
    | ChangeStatus
    | Reopen
    | SetTime
    | PostUpdate
    | AddNote
    | ShowTimeline
    | PostmortemRequest
    | CreateActionItem
    | ChangeActionItem
    | ChangeService
    | ShowRunbooks
    | LinkRecurrence
    | ChangeTags
)
