"""Action item statuses and what is shown of an item."""

from __future__ import annotations

from dataclasses import dataclass

from models import ActionItem, Incident

NOT_STARTED, IN_PROGRESS, DONE, WONT_DO = "not started", "in progress", "done", "won't do"
OPEN = (NOT_STARTED, IN_PROGRESS)
PRIORITIES = ("P1", "P2", "P3")


@dataclass(frozen=True)
class ItemView:
    """An item with its incident, for rendering."""

    item: ActionItem
    incident: Incident
