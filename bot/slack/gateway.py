"""The Slack gateway: the only place that calls the Web API. Errors become SlackRefusal."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

import aiohttp
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient
from slack_sdk.webhook.async_client import AsyncWebhookClient

from bot.errors import SlackRefusal
from bot.metrics import Metrics
from bot.slack.directory import Directory
from bot.slack.retries import counted_retries


@dataclass(frozen=True)
class SharedDocument:
    """A canvas or a file the bot put in Slack: its ID, and where people open it."""

    id: str
    link: str


def make_client(
    *, token: str | None, base_url: str, metrics: Metrics | None = None
) -> AsyncWebClient:
    """A Web API client that waits out 429s (Retry-After) and retries 5xx and dropped links,
    counting in `metrics` each call by method and result, and each retry."""

    def method_of(url: str) -> str:
        # Besides the Web API, the client only posts a file's bytes to its upload URL.
        return url.removeprefix(base_url) if url.startswith(base_url) else "files.upload"

    return AsyncWebClient(
        token=token,
        base_url=base_url,
        retry_handlers=counted_retries(metrics or Metrics(), method_of),
    )


# The banner every message posted in a channel carries (a drill's "🧪 DRILL"), or None.
Banner = Callable[[str], Awaitable[str | None]]
BANNER_BLOCK = "channel_banner"
MAX_BLOCKS = 50


class SlackGateway(Directory):
    """Typed wrappers over the Web API calls the bot makes."""

    def __init__(self, client: AsyncWebClient, metrics: Metrics | None = None) -> None:
        super().__init__()
        self.client = client
        self.metrics = metrics or Metrics()
        self.banner: Banner | None = None

    async def _bannered(
        self, channel: str, text: str, blocks: list[dict[str, Any]] | None
    ) -> tuple[str, list[dict[str, Any]] | None]:
        """The message as posted in `channel`: its banner before the text and atop the blocks."""
        banner = await self.banner(channel) if self.banner else None
        if banner is None:
            return text, blocks
        if not text.startswith(banner):
            text = f"{banner} · {text}"
        if blocks and blocks[0].get("block_id") != BANNER_BLOCK and len(blocks) < MAX_BLOCKS:
            mark = {"type": "mrkdwn", "text": f"*{banner}* — practice, not a real incident"}
            blocks = [{"type": "context", "block_id": BANNER_BLOCK, "elements": [mark]}, *blocks]
        return text, blocks

    async def call(self, method: str, **args: Any) -> dict[str, Any]:
        """Call a Web API method; raise SlackRefusal when Slack answers with an error."""
        # slack_sdk's named methods pick the encoding each method accepts (JSON or form).
        send = getattr(self.client, method.replace(".", "_"))
        try:
            response = await send(**_drop_none(args))
        except SlackApiError as error:
            data = error.response.data if isinstance(error.response.data, dict) else {}
            raise SlackRefusal(
                method, str(data.get("error", "unknown_error")), data.get("needed")
            ) from None
        except (aiohttp.ClientError, TimeoutError):
            raise SlackRefusal(method, "unreachable") from None
        assert isinstance(response.data, dict)
        return response.data

    async def create_channel(self, name: str, *, is_private: bool) -> dict[str, Any]:
        """Create a channel; returns the conversation object."""
        data = await self.call("conversations.create", name=name, is_private=is_private)
        channel: dict[str, Any] = data["channel"]
        return channel

    async def invite(self, channel: str, users: list[str]) -> None:
        """Invite people; those already in the channel are not an error."""
        try:
            # force: invite the others even when some are already in or can't be invited
            await self.call(
                "conversations.invite", channel=channel, users=",".join(users), force=True
            )
        except SlackRefusal as refusal:
            if refusal.error != "already_in_channel":
                raise

    async def set_topic(self, channel: str, topic: str) -> None:
        """Set the channel topic."""
        await self.call("conversations.setTopic", channel=channel, topic=topic)

    async def post(
        self,
        channel: str,
        *,
        text: str,
        blocks: list[dict[str, Any]] | None = None,
        thread_ts: str | None = None,
    ) -> str:
        """Post a message (in a thread if `thread_ts`); returns its ts."""
        text, blocks = await self._bannered(channel, text, blocks)
        data = await self.call(
            "chat.postMessage", channel=channel, text=text, blocks=blocks, thread_ts=thread_ts
        )
        return str(data["ts"])

    async def post_ephemeral(
        self, channel: str, user: str, *, text: str, blocks: list[dict[str, Any]] | None = None
    ) -> None:
        """Show a message to one person in a channel."""
        text, blocks = await self._bannered(channel, text, blocks)
        await self.call("chat.postEphemeral", channel=channel, user=user, text=text, blocks=blocks)

    async def post_joining(
        self, channel: str, *, text: str, blocks: list[dict[str, Any]] | None = None
    ) -> tuple[str, str]:
        """Post in a public channel, joining it first if the bot is not in it yet."""
        channel_id = await self.resolve_channel(channel)
        try:
            return channel_id, await self.post(channel_id, text=text, blocks=blocks)
        except SlackRefusal as refusal:
            if refusal.error != "not_in_channel":
                raise
        await self.join(channel_id)
        return channel_id, await self.post(channel_id, text=text, blocks=blocks)

    async def join(self, channel_id: str) -> None:
        """Join a public channel (already in it is fine)."""
        await self.call("conversations.join", channel=channel_id)

    async def update(
        self, channel: str, ts: str, *, text: str, blocks: list[dict[str, Any]] | None = None
    ) -> None:
        """Edit a message in place."""
        text, blocks = await self._bannered(channel, text, blocks)
        await self.call("chat.update", channel=channel, ts=ts, text=text, blocks=blocks)

    async def pin(self, channel: str, ts: str) -> None:
        """Pin a message; already pinned is fine."""
        try:
            await self.call("pins.add", channel=channel, timestamp=ts)
        except SlackRefusal as refusal:
            if refusal.error != "already_pinned":
                raise

    async def respond(
        self, response_url: str, text: str, blocks: list[dict[str, Any]] | None = None
    ) -> None:
        """Answer the person privately through a response_url."""
        retries = counted_retries(self.metrics, lambda _url: "response_url")
        webhook = AsyncWebhookClient(response_url, retry_handlers=retries)
        response = await webhook.send(text=text, blocks=blocks, response_type="ephemeral")
        if response.status_code != 200:
            raise SlackRefusal("response_url", f"http_{response.status_code}")

    async def tell(self, user: str, text: str, response_url: str | None = None) -> None:
        """Answer a person privately: through the response_url if any, else by DM."""
        if response_url:
            try:
                await self.respond(response_url, text)
                return
            except SlackRefusal:
                pass  # expired or used up: a DM still reaches them
        await self.post(user, text=text)

    async def open_view(self, trigger_id: str, view: dict[str, Any]) -> None:
        """Open a modal."""
        await self.call("views.open", trigger_id=trigger_id, view=view)

    async def message_with_reactions(self, channel: str, ts: str) -> dict[str, Any]:
        """One message, thread replies included, with its reactions (one read)."""
        data = await self.call("reactions.get", channel=channel, timestamp=ts, full=True)
        message: dict[str, Any] = data["message"]
        return message

    async def react(self, channel: str, ts: str, name: str) -> None:
        """Add the bot's reaction; already there is fine."""
        try:
            await self.call("reactions.add", channel=channel, timestamp=ts, name=name)
        except SlackRefusal as refusal:
            if refusal.error != "already_reacted":
                raise

    async def unreact(self, channel: str, ts: str, name: str) -> None:
        """Take the bot's reaction off; already gone is fine."""
        try:
            await self.call("reactions.remove", channel=channel, timestamp=ts, name=name)
        except SlackRefusal as refusal:
            if refusal.error not in ("no_reaction", "message_not_found"):
                raise

    async def history(
        self, channel: str, *, thread_ts: str | None = None, oldest: str | None = None
    ) -> list[dict[str, Any]]:
        """Every message of a channel (or of one thread, or since `oldest`), page by page."""
        method = "conversations.replies" if thread_ts else "conversations.history"
        found: list[dict[str, Any]] = []
        pages = self.pages(
            method, "messages", channel=channel, ts=thread_ts, oldest=oldest, limit=200
        )
        async for page in pages:
            found.extend(page)
        return found

    async def pinned(self, channel: str) -> list[tuple[dict[str, Any], str]]:
        """The messages pinned in a channel, each with who pinned it."""
        data = await self.call("pins.list", channel=channel)
        items = [i for i in data.get("items", []) if i.get("message")]
        return [(i["message"], str(i.get("created_by", ""))) for i in items]

    async def upload(
        self, channel: str, *, filename: str, content: str, title: str
    ) -> SharedDocument:
        """Share a text file in a channel; returns its ID and link."""
        try:
            response = await self.client.files_upload_v2(
                channel=channel, filename=filename, content=content, title=title
            )
        except SlackApiError as error:
            data = error.response.data if isinstance(error.response.data, dict) else {}
            raise SlackRefusal("files.upload", str(data.get("error", "unknown_error"))) from None
        files = response.get("files") or [response.get("file") or {}]
        file_id = str(files[0].get("id", ""))
        link = f"{await self.workspace_url()}files/{await self.bot_user()}/{file_id}/{filename}"
        return SharedDocument(id=file_id, link=link)

    async def create_canvas(self, title: str, markdown: str, *, readers: str) -> SharedDocument:
        """Create a canvas from Markdown that the channel `readers` can open."""
        data = await self.call(
            "canvases.create",
            title=title,
            document_content={"type": "markdown", "markdown": markdown},
        )
        canvas_id = str(data["canvas_id"])
        await self.call(
            "canvases.access.set", canvas_id=canvas_id, access_level="read", channel_ids=[readers]
        )
        return SharedDocument(id=canvas_id, link=await self.canvas_link(canvas_id))

    async def replace_canvas(self, canvas_id: str, markdown: str) -> None:
        """Rewrite a canvas with new Markdown."""
        await self.call(
            "canvases.edit",
            canvas_id=canvas_id,
            changes=[
                {
                    "operation": "replace",
                    "document_content": {"type": "markdown", "markdown": markdown},
                }
            ],
        )

    async def publish_home(self, user: str, view: dict[str, Any]) -> None:
        """Show a person their App Home tab."""
        await self.call("views.publish", user_id=user, view=view)


def _drop_none(args: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in args.items() if value is not None}
