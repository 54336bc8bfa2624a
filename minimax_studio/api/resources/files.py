"""files.md: ``POST files`` (raw body), ``GET files``, ``DELETE files/{fileID}``."""

from __future__ import annotations

import logging
from pathlib import Path

from ..models import FileInfo, UploadedFile
from ..timeouts import UPLOAD_TIMEOUT
from ..upload_body import ProgressFn, prepare_upload
from ._base import Resource, segment

log = logging.getLogger("minimax_studio.api")


class Files(Resource):
    async def upload(self, source: Path | str | bytes, account: str | None = None,
                     content_type: str | None = None,
                     progress: ProgressFn | None = None) -> UploadedFile:
        """Upload a file (streamed from disk) or bytes. The Content-Type is sniffed from
        the bytes; ``content_type`` is accepted for callers that derived one from the file
        name and is only used in a log line when the bytes disagree (the bytes win).
        Raises ``UploadRejectedError`` before sending for types the API refuses or files
        over 5 GB. Never retried: the generator body can be read only once, and the caller
        decides whether to upload again."""
        body = prepare_upload(source, progress=progress)
        if content_type and content_type.split(";")[0].strip().lower() != body.content_type:
            log.debug("upload: sending %s as %s (from its bytes, not %s)",
                      getattr(source, "name", "data"), body.content_type, content_type)
        data = await self._client.request(
            "POST", "files/", endpoint="POST files", params={"account": account},
            content=body.chunks, timeout=UPLOAD_TIMEOUT,
            headers={"Content-Type": body.content_type, "Content-Length": str(body.size)})
        return self._parse(UploadedFile, data, what="POST files answer")

    async def list(self, account: str | None = None, limit: int | None = None) -> list[FileInfo]:
        """Uploaded files used in a generation; empty in practice since March 2025."""
        data = await self._client.request("GET", "files/", endpoint="GET files",
                                          params={"account": account, "limit": limit})
        if data is None:
            return []
        return self._parse_list(FileInfo, data, what="GET files answer", key="files")

    async def delete(self, file_id: str) -> None:
        await self._client.request("DELETE", f"files/{segment(file_id)}",
                                   endpoint="DELETE files/{fileID}")
