"""Errors that reach the person who asked, as a clear ephemeral message."""

from __future__ import annotations


class UserFacingError(Exception):
    """Something the person can fix; `message` says what was wrong and how to do it right."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class SlackRefusal(Exception):
    """Slack answered a Web API call with an error (after the retry handlers gave up)."""

    def __init__(self, method: str, error: str, needed: str | None = None) -> None:
        super().__init__(f"{method}: {error}")
        self.method = method
        self.error = error
        self.needed = needed

    @property
    def explanation(self) -> str:
        """Say in plain words what a workspace admin (or the person) must change."""
        return explain_slack_error(self.error, self.needed)


_EXPLANATIONS = {
    "restricted_action": (
        "the workspace's settings don't let this app do that. A workspace admin must allow "
        "apps to create and manage channels (Workspace settings → Permissions → "
        "Channel Management)"
    ),
    "not_in_channel": "the bot is not a member of that channel; invite it with `/invite @incident`",
    "channel_not_found": "the channel does not exist or the bot cannot see it",
    "is_archived": "that channel is archived",
    "invalid_auth": "the bot token is not valid; reinstall the app and update SLACK_BOT_TOKEN",
    "token_revoked": "the bot token was revoked; reinstall the app and update SLACK_BOT_TOKEN",
    "account_inactive": "the bot's account is inactive; reinstall the app",
    "ratelimited": "Slack is rate-limiting the bot; try again in a minute",
    "unreachable": "Slack could not be reached; try again in a minute",
    "no_such_subteam": "no user group has that handle; check the severity policy file",
    "user_is_restricted": "a guest account cannot be added to this channel",
    "cant_invite": "Slack would not let the bot invite that person",
}


def explain_slack_error(error: str, needed: str | None = None) -> str:
    """Plain-words explanation of a Slack error code."""
    if error == "missing_scope":
        scope = f"the `{needed}` permission" if needed else "a permission it needs"
        return (
            f"the app lacks {scope}. A workspace admin must reinstall it from the manifest "
            "(manifest.json) so the new permission is granted"
        )
    return _EXPLANATIONS.get(error, f"Slack answered `{error}`")
