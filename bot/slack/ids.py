"""Action, callback and block IDs shared by the Block Kit builders and the listeners.

Names say what an ID is for (`ITEM_*`: an action item's controls); the values are on messages
already posted in people's workspaces, so they stay as they were first written."""

from __future__ import annotations

from enum import StrEnum


def document_ids(link: str) -> tuple[str | None, str | None]:
    """(canvas ID, file ID) read from a link the bot made: `…/docs/<team>/<canvas>` or
    `…/files/<user>/<file>/<name>` (migration 0006 keeps its own copy, as migrations must)."""
    parts = link.rstrip("/").split("/")
    for marker, position in (("docs", 0), ("files", 1)):
        if marker in parts and parts.index(marker) + 2 < len(parts):
            found = parts[parts.index(marker) + 2]
            return (found, None) if position == 0 else (None, found)
    return None, None


class CallbackId(StrEnum):
    """Modal callback IDs."""

    DECLARE = "declare_incident"
    ASSIGN_ROLES = "assign_roles"
    POST_UPDATE = "post_update"
    EDIT_POSTMORTEM = "edit_postmortem"
    ADD_ITEM = "add_action"
    NEAR_MISS = "near_miss"


class ActionId(StrEnum):
    """Interactive element action IDs; every one rendered has a listener."""

    JOIN_INCIDENT = "join_incident"
    ASSIGN_ROLES = "assign_roles"
    POST_UPDATE = "post_update"
    # Rendered as `set_status:<status>` (action IDs must be unique within a block).
    SET_STATUS = "set_status"
    REOPEN = "reopen"
    EDIT_POSTMORTEM = "edit_postmortem"
    PUBLISH_POSTMORTEM = "publish_postmortem"
    PUBLISH_ANYWAY = "publish_anyway"
    ADD_ITEM = "add_action"
    ITEM_START = "action_start"
    ITEM_DONE = "action_done"
    ITEM_REASSIGN = "action_reassign"
    ITEM_DUE = "action_due"
    RUNBOOK_DONE = "runbook_done"
    RUNBOOK_SKIP = "runbook_skip"
    RECURRENCE_YES = "recurrence_yes"
    RECURRENCE_NO = "recurrence_no"


class BlockId(StrEnum):
    """Block IDs that listeners and tests look up."""

    CARD_HEADER = "card_header"
    CARD_FIELDS = "card_fields"
    CARD_DESCRIPTION = "card_description"
    CARD_CONTEXT = "card_context"
    CARD_ACTIONS = "card_actions"
    ROLE_PREFIX = "role_"
    UPDATE_TEXT = "update_text"
    UPDATE_HEAD = "update_head"
    UPDATE_BODY = "update_body"
    UPDATE_BY = "update_by"
    RESOLUTION = "resolution"
    HOME_MINE = "home_mine"
    HOME_ALL = "home_all"
    HOME_FIGURES = "home_figures"
    SECTION_PREFIX = "section_"
    POSTMORTEM_TAGS = "postmortem_tags"
    FINDINGS = "findings"
    FINDINGS_ACTIONS = "findings_actions"
    ITEM_PREFIX = "action_"  # an item in a list: action_<n>, and its controls action_<n>_controls
    DM_ITEM_PREFIX = "item_"  # an item's line in the overdue DM: item_<n>
    ITEMS_HEAD = "actions_head"
    ITEMS_REST = "actions_rest"
    POSTMORTEM_ITEMS = "postmortem_items"
    NEW_ITEM_TITLE = "new_action_title"
    NEW_ITEM_OWNER = "new_action_owner"
    NEW_ITEM_DUE = "new_action_due"
    NEW_ITEM_PRIORITY = "new_action_priority"
    ANNOUNCEMENT = "announcement"
    ANNOUNCEMENT_ACTIONS = "announcement_actions"
    DECLARE_TITLE = "declare_title"
    DECLARE_SEVERITY = "declare_severity"
    DECLARE_DESCRIPTION = "declare_description"
    DECLARE_PRIVATE = "declare_private"
    DECLARE_SERVICES = "declare_services"
    DECLARE_KIND = "declare_kind"
    CARD_SERVICES = "card_services"
    RUNBOOK_HEAD = "runbook_head"
    RUNBOOK_STEP_PREFIX = (
        "runbook_step_"  # runbook_step_<n>; its buttons: runbook_step_<n>_controls
    )
    RUNBOOK_PROGRESS = "runbook_progress"
    RECURRENCE_QUESTION = "recurrence_question"
    RECURRENCE_ACTIONS = "recurrence_actions"
    NEAR_MISS_TITLE = "near_miss_title"
    NEAR_MISS_HAPPENED = "near_miss_happened"
    NEAR_MISS_PREVENTED = "near_miss_prevented"
    NEAR_MISS_SERVICES = "near_miss_services"
    NEAR_MISS = "near_miss"
