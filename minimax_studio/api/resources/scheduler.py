"""scheduler.md: ``GET scheduler``, ``GET scheduler/available``, ``DELETE scheduler/{id}``."""

from __future__ import annotations

from ..models import Availability, SchedulerEntry
from ._base import Resource, segment


class Scheduler(Resource):
    async def list(self) -> list[SchedulerEntry]:
        """Video and image jobs useapi.net is tracking (API-started only)."""
        data = await self._client.request("GET", "scheduler/", endpoint="GET scheduler")
        if data is None:
            return []
        return self._parse_list(SchedulerEntry, data, what="GET scheduler answer")

    async def available(self) -> Availability:
        data = await self._client.request("GET", "scheduler/available",
                                          endpoint="GET scheduler/available")
        return self._parse(Availability, data or {}, what="GET scheduler/available answer")

    async def delete(self, job_id: str) -> None:
        """Stop tracking a job (no webhook, slot released). Does not cancel it on Hailuo."""
        await self._client.request("DELETE", f"scheduler/{segment(job_id)}",
                                   endpoint="DELETE scheduler/{id}")
