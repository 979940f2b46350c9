"""Incident statuses and the moves between them."""

from __future__ import annotations

from enum import StrEnum


class Status(StrEnum):
    """Where the response stands."""

    INVESTIGATING = "investigating"
    IDENTIFIED = "identified"
    MITIGATED = "mitigated"
    RESOLVED = "resolved"
    POSTMORTEM = "postmortem"
    CLOSED = "closed"

    @property
    def label(self) -> str:
        """Capitalised name for display."""
        return self.value.capitalize()


# Forward steps offered as buttons; any active status may also go back to an earlier one.
NEXT_STEPS: dict[Status, tuple[Status, ...]] = {
    Status.INVESTIGATING: (Status.IDENTIFIED, Status.MITIGATED, Status.RESOLVED),
    Status.IDENTIFIED: (Status.MITIGATED, Status.RESOLVED),
    Status.MITIGATED: (Status.RESOLVED,),
}
ACTIVE = (Status.INVESTIGATING, Status.IDENTIFIED, Status.MITIGATED)
# The response is over: resolved, with its postmortem under way or published.
ENDED = (Status.RESOLVED, Status.POSTMORTEM, Status.CLOSED)
