"""How long what people type may be, so that it always fits where Slack shows it."""

from __future__ import annotations

# An incident's title: the card's header holds 150 characters.
MAX_INCIDENT_TITLE = 150
# An action item's title: one line of a list, with its ID, owner and dates beside it.
MAX_ITEM_TITLE = 300
# A message's text: Slack refuses more (msg_too_long).
MAX_MESSAGE_TEXT = 40_000
# Answers through one response_url: Slack takes 5 in 30 minutes.
RESPONSE_URL_USES = 5
# An update or a note: a section holds 3000 characters, with room for who posted it.
MAX_UPDATE = 2500
