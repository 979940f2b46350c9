"""Incident statuses."""

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
