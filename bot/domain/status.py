"""Incident statuses and the moves between them."""

from __future__ import annotations

from enum import StrEnum

from bot.errors import UserFacingError


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


def check_move(number: int, previous: Status, status: Status) -> None:
    """Refuse a move the lifecycle does not allow, saying why and what to do instead."""
    incident = f"Incident #{number}"
    if previous is status:
        raise UserFacingError(f"{incident} is already {status.value}.")
    if previous in ACTIVE:
        return
    where = {
        Status.RESOLVED: "resolved",
        Status.POSTMORTEM: "resolved and its postmortem is under way",
        Status.CLOSED: "closed: its postmortem is published",
    }[previous]
    if status is Status.RESOLVED:
        raise UserFacingError(f"{incident} is already {where}.")
    again = "" if previous is Status.CLOSED else " If it is back, `/incident reopen` it first."
    raise UserFacingError(f"{incident} is {where}; it can't become {status.value}.{again}")
