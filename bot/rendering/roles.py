"""Role notices, the duties DM, the roles list and the assign-roles modal."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from slack_sdk.models.blocks import InputBlock, UserSelectElement
from slack_sdk.models.views import View

from bot.domain.mrkdwn import escape_mrkdwn
from bot.domain.roles import ROLE_DUTIES, ROLE_NAMES, Role, RoleChange
from bot.slack.ids import BlockId, CallbackId
from models import Incident


def role_notice(changes: Sequence[RoleChange], by: str) -> str:
    """One short notice in the channel for all the changes made at once."""
    lines = []
    for change in changes:
        name = ROLE_NAMES[change.role]
        if change.previous:
            lines.append(f"🔁 <@{change.user}> takes over as {name} from <@{change.previous}>.")
        else:
            lines.append(f"👤 <@{change.user}> is now {name}.")
    return "\n".join(lines) + f" (set by <@{by}>)"


def duties_message(incident: Incident, role: Role) -> str:
    """The DM a new role holder gets."""
    return (
        f"You are now *{ROLE_NAMES[role]}* for incident #{incident.id} "
        f"{escape_mrkdwn(incident.title)} in <#{incident.channel_id}>.\n"
        f"The {ROLE_NAMES[role]} {ROLE_DUTIES[role]}."
    )


def roles_list(incident: Incident) -> str:
    """Who holds what."""
    holders = incident.current_roles
    lines = [
        f"• *{ROLE_NAMES[role]}*: "
        + (f"<@{holders[role.value]}>" if role.value in holders else "_unassigned_")
        for role in Role
    ]
    return f"Roles for incident #{incident.id}:\n" + "\n".join(lines)


def roles_modal(incident: Incident) -> dict[str, Any]:
    """A user picker per role, prefilled with the current holders."""
    holders = incident.current_roles
    view = View(
        type="modal",
        callback_id=CallbackId.ASSIGN_ROLES,
        title="Assign roles",
        submit="Assign",
        close="Cancel",
        private_metadata=str(incident.channel_id),
        blocks=[
            InputBlock(
                block_id=f"{BlockId.ROLE_PREFIX}{role.value}",
                label=ROLE_NAMES[role],
                optional=role is not Role.COMMANDER,
                element=UserSelectElement(action_id="value", initial_user=holders.get(role.value)),
            )
            for role in Role
        ],
    )
    result: dict[str, Any] = view.to_dict()
    return result
