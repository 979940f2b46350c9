"""`/incident` without a severity opens the declare form; submitting it declares."""

from __future__ import annotations

from bot.slack.ids import BlockId, CallbackId
from emulator import SlackEmulator, View
from tests.conftest import RunningBot
from tests.helpers import ephemeral_for, incident_channel, slash, stored_incidents


def form_values(
    *, title: str, severity: str | None, description: str = "", private: bool = False
) -> dict[str, dict[str, dict[str, object]]]:
    """What Slack sends as view.state.values for the declare form."""
    return {
        BlockId.DECLARE_TITLE: {"value": {"type": "plain_text_input", "value": title}},
        BlockId.DECLARE_SEVERITY: {
            "value": {
                "type": "static_select",
                "selected_option": {"value": severity} if severity else None,
            }
        },
        BlockId.DECLARE_DESCRIPTION: {
            "value": {"type": "plain_text_input", "value": description or None}
        },
        BlockId.DECLARE_PRIVATE: {
            "value": {
                "type": "checkboxes",
                "selected_options": [{"value": "private"}] if private else [],
            }
        },
    }


NEEDS_TITLE = "The incident needs a title, e.g. `/incident sev1 payments down`."


async def opened_form(emu: SlackEmulator) -> View:
    """Wait for the declare modal and return it."""
    await emu.wait_for(lambda: len(emu.views) == 1)
    [view] = emu.views.values()
    assert view.view["callback_id"] == CallbackId.DECLARE
    return view


def element(view: View, block_id: str) -> dict[str, object]:
    """The input element of a block in the form."""
    for candidate in view.view["blocks"]:
        if candidate["block_id"] == block_id:
            return dict(candidate["element"])
    raise AssertionError(block_id)


async def test_a_title_without_severity_opens_the_form_prefilled(
    emu: SlackEmulator, bot: RunningBot
) -> None:
    await slash(emu, "payments down")
    view = await opened_form(emu)
    assert view.user == "U0ALICE"
    assert element(view, BlockId.DECLARE_TITLE)["initial_value"] == "payments down"
    assert "initial_option" not in element(view, BlockId.DECLARE_SEVERITY)
    assert emu.calls_to("conversations.create") == []


async def test_no_text_opens_an_empty_form(emu: SlackEmulator, bot: RunningBot) -> None:
    await slash(emu, "")
    view = await opened_form(emu)
    assert "initial_value" not in element(view, BlockId.DECLARE_TITLE)


async def test_submitting_the_form_declares_and_tells_the_declarer_where_to_go(
    emu: SlackEmulator, bot: RunningBot
) -> None:
    await slash(emu, "payments down")
    view = await opened_form(emu)
    response = await emu.submit_view(
        view.id,
        values=form_values(
            title="payments down", severity="sev2", description="Checkout returns 502 <!here>"
        ),
        user="U0ALICE",
    )
    assert response.status_code == 200
    channel = await incident_channel(emu)
    answer = await ephemeral_for(emu)
    assert f"<#{channel.id}>" in answer.text
    [incident] = await stored_incidents(bot.runtime)
    assert (incident.severity, incident.description) == ("sev2", "Checkout returns 502 <!here>")
    assert "Checkout returns 502 &lt;!here&gt;" in str(channel.messages[0].blocks)
    assert emu.pings == []


async def test_an_empty_title_in_the_form_is_refused_in_the_form(
    emu: SlackEmulator, bot: RunningBot
) -> None:
    await slash(emu, "")
    view = await opened_form(emu)
    response = await emu.submit_view(
        view.id, values=form_values(title="   ", severity="sev1"), user="U0ALICE"
    )
    assert response.status_code == 200
    assert response.json() == {
        "response_action": "errors",
        "errors": {BlockId.DECLARE_TITLE: NEEDS_TITLE},
    }
    assert emu.calls_to("conversations.create") == []
    assert await stored_incidents(bot.runtime) == []


async def test_a_private_incident_gets_a_private_channel_and_no_announcement(
    emu: SlackEmulator, bot: RunningBot
) -> None:
    await slash(emu, "")
    view = await opened_form(emu)
    await emu.submit_view(
        view.id,
        values=form_values(title="customer data leak", severity="sev1", private=True),
        user="U0ALICE",
    )
    channel = await incident_channel(emu, "incident-2025-01-15-customer-data-leak")
    await ephemeral_for(emu)
    assert channel.is_private
    assert "🔒 private" in str(channel.messages[0].blocks)
    announcements = emu.channel_by_name("incidents")
    assert announcements is not None
    assert announcements.messages == []
    [incident] = await stored_incidents(bot.runtime)
    assert incident.is_private
    assert incident.announcement_ts is None
