"""images.md: ``POST images/create``, ``GET images``, ``GET/DELETE images/{imageId}``."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ..models import Image, ImagesCreated
from ._base import Resource, segment


class Images(Resource):
    async def create(self, body: Mapping[str, Any]) -> ImagesCreated:
        """Start an image job (JSON body, API field names). Never retried: a repeat
        would pay twice."""
        data = await self._client.request("POST", "images/create", endpoint="POST images/create",
                                          json_body=dict(body))
        return self._parse(ImagesCreated, data, what="POST images/create answer")

    async def list(self, account: str | None = None, limit: int | None = None,
                   last_image_id: str | None = None) -> list[Image]:
        data = await self._client.request(
            "GET", "images/", endpoint="GET images",
            params={"account": account, "limit": limit, "lastImageId": last_image_id})
        if data is None:
            return []
        return self._parse_list(Image, data, what="GET images answer", key="images")

    async def get(self, image_id: str) -> Image:
        data = await self._client.request("GET", f"images/{segment(image_id)}",
                                          endpoint="GET images/{imageId}")
        return self._parse(Image, data, what="GET images/{imageId} answer")

    async def delete(self, image_id: str) -> None:
        """Soft delete: gone from the list, still readable by id (images.md)."""
        await self._client.request("DELETE", f"images/{segment(image_id)}",
                                   endpoint="DELETE images/{imageId}")
