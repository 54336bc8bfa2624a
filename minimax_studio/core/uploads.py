"""Reference files → fileIDs on the account that runs the job.

A fileID belongs to one Hailuo account (files.md), so every upload is cached per
(account, sha256 of the file) in the journal database: the same image used by 50 jobs is
uploaded once per account, and a file moved or renamed on disk is still recognised.

The Content-Type is the client's business: it sniffs it from the first bytes
(``api.transfer``), so a PNG saved as ``shot.jpeg`` or a WAV without an extension goes up
as what it is. The cache key needs no type: the type is a function of the bytes, and so
is the sha256.
"""

from __future__ import annotations

import asyncio
import hashlib
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from minimax_studio.api.errors import UploadRejectedError
from minimax_studio.api.upload_body import check_upload_file
from minimax_studio.core.jobs import file_id_account, file_slots
from minimax_studio.core.journal import Journal

if TYPE_CHECKING:
    from minimax_studio.api.client import MiniMaxClient

ProgressFn = Callable[[int], None]


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


class Uploads:
    def __init__(self, client: MiniMaxClient, journal: Journal) -> None:
        self._client = client
        self._journal = journal
        # (path, size, mtime) → sha256: hashing a 200 MB reference once per batch, not per job.
        self._hashes: dict[tuple[str, int, int], str] = {}
        # One upload per (account, sha) at a time: 20 jobs sharing an image wait for the first.
        self._locks: dict[tuple[str, str], asyncio.Lock] = {}

    async def sha256(self, path: Path) -> str:
        try:
            st = path.stat()
        except OSError as exc:
            raise UploadRejectedError(f"{path.name}: the file cannot be read ({exc.strerror}).") from exc
        key = (str(path.resolve()), st.st_size, st.st_mtime_ns)
        cached = self._hashes.get(key)
        if cached is None:
            cached = await asyncio.to_thread(_sha256, path)
            self._hashes[key] = cached
        return cached

    async def hashes(self, request: dict[str, Any]) -> list[str]:
        """sha256 of every local file in ``request`` (for routing's "files already there")."""
        out = []
        for value in file_slots(request).values():
            if file_id_account(value) is None and Path(value).is_file():
                out.append(await self.sha256(Path(value)))
        return out

    async def ensure(self, account: str, path: Path, progress: ProgressFn | None = None) -> str:
        """The fileID of ``path`` on ``account``, uploading it only if it is not there yet."""
        # Refuse a file POST files would not take (by its bytes) before hashing it: a
        # readable reason now instead of after minutes of hashing a wrong 4 GB file.
        _, size = await asyncio.to_thread(check_upload_file, path)
        sha = await self.sha256(path)
        lock = self._locks.setdefault((account, sha), asyncio.Lock())
        async with lock:
            cached = await self._journal.get_file_id(account, sha)
            if cached:
                if progress:
                    progress(100)
                return cached

            def on_progress(sent: int, total: int | None = None) -> None:
                if progress and total:
                    progress(int(sent * 100 / total))

            uploaded = await self._client.files.upload(path, account=account, progress=on_progress)
            file_id = uploaded.fileID
            if not file_id:
                raise UploadRejectedError(f"{path.name}: the server did not return a file id.")
            await self._journal.put_file_id(account, sha, str(file_id), size)
            return str(file_id)

    async def resolve(self, account: str, request: dict[str, Any],
                      progress: ProgressFn | None = None) -> dict[str, str]:
        """slot → fileID for every file slot of ``request`` on ``account``."""
        slots = file_slots(request)
        local = [(k, v) for k, v in slots.items() if file_id_account(v) is None]
        out: dict[str, str] = {}
        for k, v in slots.items():
            owner = file_id_account(v)
            if owner is not None:
                if owner != account:
                    raise UploadRejectedError(
                        f"{k}: this file id belongs to account {owner}, not {account}; "
                        "use the local file so it can be uploaded again.")
                out[k] = v
        for i, (slot, value) in enumerate(local):
            def part(p: int, i: int = i) -> None:
                if progress:
                    progress(int((i * 100 + p) / len(local)))

            out[slot] = await self.ensure(account, Path(value), part)
        return out
