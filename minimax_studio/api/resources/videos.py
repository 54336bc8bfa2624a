"""videos.md: create, list, get, delete, cancel, characters, agent templates and
agent-create (a ``text/event-stream`` answer)."""

from __future__ import annotations

import builtins
from collections.abc import AsyncIterator, Callable, Mapping
from typing import TYPE_CHECKING, Any

from ..errors import MalformedResponseError, error_from_response
from ..models import (
    AgentTemplate,
    AgentTemplates,
    Character,
    Video,
    VideoCreated,
)
from ._base import Resource, segment

if TYPE_CHECKING:
    from ..client import SSEEvent


class Videos(Resource):
    async def create(self, body: Mapping[str, Any]) -> VideoCreated:
        """Start a video job (JSON body with the API's field names). Never retried:
        after a timeout or 502/504 the job may exist anyway - reconcile instead."""
        data = await self._client.request("POST", "videos/create", endpoint="POST videos/create",
                                          json_body=dict(body))
        return self._parse(VideoCreated, data, what="POST videos/create answer")

    async def list(self, account: str | None = None, limit: int | None = None,
                   last_video_id: str | None = None) -> list[Video]:
        data = await self._client.request(
            "GET", "videos/", endpoint="GET videos",
            params={"account": account, "limit": limit, "lastVideoId": last_video_id})
        if data is None:
            return []
        return self._parse_list(Video, data, what="GET videos answer", key="videos")

    async def get(self, video_id: str) -> Video:
        """One video. A 404 for a video that existed usually means post-moderation."""
        data = await self._client.request("GET", f"videos/{segment(video_id)}",
                                          endpoint="GET videos/{videoId}")
        return self._parse(Video, data, what="GET videos/{videoId} answer")

    async def delete(self, video_id: str) -> None:
        await self._client.request("DELETE", f"videos/{segment(video_id)}",
                                   endpoint="DELETE videos/{videoId}")

    async def cancel(self, video_id: str) -> Any:
        """Ask Hailuo to stop a running video. The 200 body is not documented: whatever
        JSON comes back is returned as is (None when empty)."""
        return await self._client.request("POST", "videos/cancel", endpoint="POST videos/cancel",
                                          json_body={"videoId": video_id})

    async def characters(self, account: str | None = None, page: int | None = None,
                         page_size: int | None = None) -> builtins.list[Character]:
        data = await self._client.request(
            "GET", "videos/characters/", endpoint="GET videos/characters",
            params={"account": account, "page": page, "pageSize": page_size})
        if data is None:
            return []
        return self._parse_list(Character, data, what="GET videos/characters answer")

    async def agent_templates(self, account: str | None = None, template_id: str | None = None,
                              limit: int | None = None,
                              last_id: str | None = None) -> AgentTemplates:
        """The template list. With ``template_id`` the one template comes back as the
        only entry of ``videoList`` (that answer's shape is not captured; see
        ``agent_template``)."""
        data = await self._client.request(
            "GET", "videos/agent-templates/", endpoint="GET videos/agent-templates",
            params={"account": account, "templateId": template_id, "limit": limit,
                    "lastId": last_id})
        what = "GET videos/agent-templates answer"
        if isinstance(data, dict) and "videoList" not in data and template_id:
            return AgentTemplates(videoList=[self._parse(AgentTemplate, data, what=what)])
        return self._parse(AgentTemplates, data, what=what)

    async def agent_template(self, template_id: str, account: str | None = None) -> AgentTemplate:
        listing = await self.agent_templates(account=account, template_id=template_id)
        if not listing.videoList:
            raise MalformedResponseError(f"Template {template_id} came back empty.",
                                         endpoint="GET videos/agent-templates")
        return listing.videoList[0]

    async def agent_create_events(self, body: Mapping[str, Any]) -> AsyncIterator[SSEEvent]:
        """The raw progress events of ``POST videos/agent-create``. Never retried."""
        async for event in self._client.stream_events(
                "POST", "videos/agent-create", endpoint="POST videos/agent-create",
                json_body=dict(body)):
            yield event

    async def agent_create(self, body: Mapping[str, Any], *,
                           on_event: Callable[[Any], Any] | None = None) -> Video:
        """Generate a video from a template and follow its progress stream.

        The answer is ``text/event-stream`` whose event format is not captured
        (videos.md). We read it tolerantly: each ``data:`` payload is parsed as JSON when
        possible and passed to ``on_event``; an object with ``error`` and an HTTP-like
        ``code`` >= 400 becomes the matching typed error; the last object that looks like
        a video (has ``videoId``/``status``) is returned - poll ``videos.get`` with its
        ``videoId`` if it is not final yet (the stream may end early)."""
        last: Video | None = None
        async for event in self.agent_create_events(body):
            data = event.data
            if on_event:
                on_event(data)
            if not isinstance(data, dict):
                continue
            code = data.get("code")
            if data.get("error") and isinstance(code, int) and code >= 400:
                raise error_from_response(code, data, endpoint="POST videos/agent-create")
            nested = data.get("video")
            video = nested if isinstance(nested, dict) else data
            if any(k in video for k in ("videoId", "status", "id")):
                last = self._parse(Video, video, what="POST videos/agent-create event")
        if last is None:
            err = MalformedResponseError(
                "POST videos/agent-create: the progress stream ended without any video "
                "information. The video may still have been started; check the video list.",
                endpoint="POST videos/agent-create")
            err.maybe_accepted = True
            raise err
        return last
