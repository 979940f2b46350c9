"""The four incident roles."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Role(StrEnum):
    """Who does what during the response."""

    COMMANDER = "ic"
    TECH_LEAD = "tech"
    COMMUNICATIONS = "comms"
    SCRIBE = "scribe"


ROLE_NAMES = {
    Role.COMMANDER: "Incident Commander",
    Role.TECH_LEAD: "Tech Lead",
    Role.COMMUNICATIONS: "Communications",
    Role.SCRIBE: "Scribe",
}

ROLE_DUTIES = {
    Role.COMMANDER: "coordinates the response, makes decisions, assigns tasks, communicates "
    "with stakeholders, calls for additional help",
    Role.TECH_LEAD: "leads the investigation, directs debugging, proposes mitigations, "
    "implements fixes",
    Role.COMMUNICATIONS: "posts status updates, updates the status page, communicates with "
    "customers, keeps stakeholders informed",
    Role.SCRIBE: "documents the timeline, records decisions, captures what was tried, "
    "prepares for the postmortem",
}

_ALIASES = {
    "ic": Role.COMMANDER,
    "commander": Role.COMMANDER,
    "incident-commander": Role.COMMANDER,
    "tech": Role.TECH_LEAD,
    "tech-lead": Role.TECH_LEAD,
    "techlead": Role.TECH_LEAD,
    "tl": Role.TECH_LEAD,
    "comms": Role.COMMUNICATIONS,
    "communications": Role.COMMUNICATIONS,
    "scribe": Role.SCRIBE,
}


def parse_role(word: str) -> Role | None:
    """Read a role name or alias (`ic`, `commander`, `tech-lead`, …)."""
    return _ALIASES.get(word.lower())


@dataclass(frozen=True)
class RoleChange:
    """Who took which role from whom."""

    role: Role
    user: str
    previous: str | None

    def as_data(self) -> dict[str, str | None]:
        """As JSON can keep it."""
        return {"role": self.role.value, "user": self.user, "previous": self.previous}

    @classmethod
    def from_data(cls, data: dict[str, str | None]) -> RoleChange:
        """Back from `as_data`."""
        return cls(role=Role(str(data["role"])), user=str(data["user"]), previous=data["previous"])
