"""Files a reply carries (``Attachment``: a community's calendar when copbot has no web
address to link to), delivered the one way Slack allows for them.

A Slack reply to a command is ephemeral and holds no file, and a file shared into a
channel is seen by everyone there. So the file goes to the member's direct messages with
the app, uploaded in Slack's three steps (``files.getUploadURLExternal``, the bytes to
the URL it gives, ``files.completeUploadExternal`` into that conversation); the reply
itself names the file. The app needs the ``files:write`` scope (``copbot check`` says
when it is missing).
"""

from __future__ import annotations

import logging

import aiohttp

from adapters.slack.api import SlackApi, SlackCallError, SlackUnavailable
from bot.kernel.messages import Attachment, Message

log = logging.getLogger(__name__)


def attachments_of(message: Message) -> list[Attachment]:
    return [part for part in message.parts if isinstance(part, Attachment)]


async def send_files(
    api: SlackApi, session: aiohttp.ClientSession, workspace_id: str, user_id: str, message: Message
) -> None:
    """Upload each of ``message``'s attachments into the member's direct messages. A
    refusal is logged, never raised: the reply has gone out and names the file."""
    files = attachments_of(message)
    if not files:
        return
    try:
        opened = await api.call("conversations.open", workspace_id, users=user_id)
        channel = str(opened["channel"]["id"])
        for attachment in files:
            await _upload(api, session, workspace_id, channel, attachment)
    except (SlackCallError, SlackUnavailable, aiohttp.ClientError, TimeoutError, KeyError) as error:
        log.warning("could not send %d file(s) to %s: %s", len(files), user_id, error)


async def _upload(
    api: SlackApi,
    session: aiohttp.ClientSession,
    workspace_id: str,
    channel: str,
    attachment: Attachment,
) -> None:
    step = await api.call(
        "files.getUploadURLExternal",
        workspace_id,
        filename=attachment.filename,
        length=len(attachment.content),
    )
    async with session.post(str(step["upload_url"]), data=attachment.content) as answer:
        if answer.status != 200:
            raise SlackUnavailable(f"file upload answered HTTP {answer.status}")
    await api.call(
        "files.completeUploadExternal",
        workspace_id,
        files=[{"id": str(step["file_id"]), "title": attachment.label}],
        channel_id=channel,
    )
