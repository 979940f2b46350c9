"""The four incident roles."""

from __future__ import annotations

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
