"""Action, callback and block IDs shared by the Block Kit builders and the listeners."""

from __future__ import annotations

from enum import StrEnum


class CallbackId(StrEnum):
    """Modal callback IDs."""

    DECLARE = "declare_incident"


class ActionId(StrEnum):
    """Interactive element action IDs; every one rendered has a listener."""

    JOIN_INCIDENT = "join_incident"


class BlockId(StrEnum):
    """Block IDs that listeners and tests look up."""

    CARD_HEADER = "card_header"
    CARD_FIELDS = "card_fields"
    CARD_DESCRIPTION = "card_description"
    CARD_CONTEXT = "card_context"
    ANNOUNCEMENT = "announcement"
    ANNOUNCEMENT_ACTIONS = "announcement_actions"
    DECLARE_TITLE = "declare_title"
    DECLARE_SEVERITY = "declare_severity"
    DECLARE_DESCRIPTION = "declare_description"
    DECLARE_PRIVATE = "declare_private"
