"""Import results generated outside the app (on hailuoai.video, by another tool, or before
the app was installed) into the library.

For every account: page through ``GET videos`` (``lastVideoId``) and ``GET images``
(``lastImageId``), skip what the library already holds (by remote id) and what is not
finished, download each completed original (``downloadURL``, else ``videoURL``) into the
library under a name built from its date, model and prompt, make a thumbnail, and index it
with ``source="import"``. One item failing never stops the others: every problem ends as a
sentence in the report.

Tolerance, because the spec leaves gaps: the list cursor is documented as "the id of the
last item" without saying whether the plain ``id`` or the composite ``videoId``
(*inferred: plain id*) — ``cursor_field`` switches it; a page that does not move the cursor
ends paging instead of looping.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal
from urllib.parse import urlsplit

from minimax_studio.api.errors import MiniMaxError
from minimax_studio.api.models import Image, Video, parse_time
from minimax_studio.core.library import Library, LibraryItem
from minimax_studio.core.library_new_item import NewLibraryItem
from minimax_studio.core.media_sniff import accepted_words, describe_bytes, media_kind, read_head
from minimax_studio.core.naming import safe_extension
from minimax_studio.core.poll_limits import is_final_item
from minimax_studio.core.remote_items import COMPLETED
from minimax_studio.core.thumbnails import make_thumbnail, thumbnail_from_cover

if TYPE_CHECKING:
    from minimax_studio.api.client import MiniMaxClient

log = logging.getLogger(__name__)

PAGE_SIZE = 30
#: A guard against a server that keeps answering full pages forever.
MAX_PAGES = 2000
_COMPLETED = COMPLETED
_DEFAULT_EXT = {"video": "mp4", "image": "png"}
_KNOWN_EXT = {"video": {"mp4", "mov", "webm", "mkv", "m4v"},
              "image": {"png", "jpg", "jpeg", "webp", "gif"}}


@dataclass(frozen=True)
class ImportProblem:
    account: str | None
    remote_id: str | None
    message: str


@dataclass(frozen=True)
class ImportProgress:
    account: str
    kind: str
    #: Items seen in the remote lists so far (this account and kind).
    listed: int
    imported: int
    message: str


@dataclass
class ImportReport:
    accounts: list[str] = field(default_factory=list)
    imported: list[LibraryItem] = field(default_factory=list)
    already_in_library: int = 0
    unfinished: int = 0
    #: Failed or moderated remotely: nothing to download.
    not_successful: int = 0
    #: Imported, but with an impossible or missing createTime: filed under the import day.
    undated: int = 0
    problems: list[ImportProblem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def summary(self) -> str:
        videos = sum(1 for i in self.imported if i.kind == "video")
        images = len(self.imported) - videos
        parts = [f"Imported {len(self.imported)} item{'s' * (len(self.imported) != 1)}"
                 + (f" ({videos} video{'s' * (videos != 1)}, {images} image{'s' * (images != 1)})"
                    if self.imported else "")]
        if self.already_in_library:
            parts.append(f"{self.already_in_library} already in the library")
        if self.unfinished:
            parts.append(f"{self.unfinished} still generating")
        if self.not_successful:
            parts.append(f"{self.not_successful} failed or moderated on the site")
        if self.undated:
            parts.append(f"{self.undated} with an impossible date, filed under the import day")
        if self.problems:
            parts.append(f"{len(self.problems)} could not be imported")
        return "; ".join(parts) + "."


ProgressFn = Callable[[ImportProgress], None]


def _int(value: Any) -> int | None:
    try:
        n = int(value)
    except (TypeError, ValueError):
        return None
    return n if n > 0 else None


#: Hailuo opened in 2024; a createTime before this, or days in the future, is not a date
#: the item can have been made on (year 9999 and year 1 were seen).
_EARLIEST = datetime(2020, 1, 1, tzinfo=UTC)
_FUTURE_SLACK = timedelta(days=2)


def _created(item: Video | Image) -> tuple[datetime, bool]:
    """(when the item was made, whether the server's createTime said so). An impossible
    or missing date is "unknown": the item is filed under the import time instead."""
    now = datetime.now(UTC)
    when = parse_time(item.createTime)  # epoch ms in the docs
    if when is None:
        return now, False
    try:
        when.astimezone()  # the user's clock must be able to show it (naming does)
    except (ValueError, OverflowError, OSError):
        return now, False
    if not _EARLIEST <= when <= now + _FUTURE_SLACK:
        return now, False
    return when, True


def _extension(kind: str, url: str) -> str:
    ext = safe_extension(os.path.splitext(urlsplit(url).path)[1], fallback="")
    return ext if ext in _KNOWN_EXT[kind] else _DEFAULT_EXT[kind]


async def _account_ids(client: MiniMaxClient) -> list[str]:
    return [acc.account for acc in await client.accounts.list() if acc.account]


async def _list_page(client: MiniMaxClient, kind: str, account: str, limit: int,
                     last: str | None) -> Sequence[Video | Image]:
    # The client unwraps the {"videos": [...]} / {"images": [...]} answers itself.
    if kind == "video":
        return await client.videos.list(account=account, limit=limit, last_video_id=last)
    return await client.images.list(account=account, limit=limit, last_image_id=last)


def _remove_quietly(*paths: Path) -> None:
    for p in paths:
        with contextlib.suppress(OSError):
            p.unlink()


async def _thumbnail(client: MiniMaxClient, kind: str, path: Path, item: Video | Image,
                     thumbs_dir: Path) -> Path | None:
    """A nicety: any failure leaves the item without a thumbnail."""
    try:
        if kind == "image":
            return await make_thumbnail(path, thumbs_dir)
        cover_url = item.coverURL
        if not cover_url:
            return await make_thumbnail(path, thumbs_dir)
        return await thumbnail_from_cover(client.download, str(cover_url), thumbs_dir)
    except Exception as exc:  # see docstring: a thumbnail never fails an import
        log.info("no thumbnail for %s: %s", path.name, exc)
        return None


class NotMediaDownload(MiniMaxError):
    """The link answered, but not with the media the item claims to be."""


def _check_media(path: Path, kind: str) -> None:
    """A link can answer 200 with a login or error page: what is stored must be, by its
    bytes, the kind of media the item is (an HTML page saved as .png was seen). Any
    image/video container passes - a GIF result is still the result."""
    wanted = "a video" if kind == "video" else "an image"
    head = read_head(path)
    if head is None:
        raise NotMediaDownload("The download cannot be read back from the disk.")
    found = media_kind(head)
    if found == kind:
        return
    what = accepted_words({found}) if found else describe_bytes(head)
    raise NotMediaDownload(f"The download is {what}, not {wanted}.")


async def _import_one(client: MiniMaxClient, library: Library, thumbs_dir: Path, kind: str,
                      account: str, item: Video | Image, remote_id: str) -> LibraryItem:
    url = item.best_url
    if not url:
        raise MiniMaxError("The site lists it as completed but gives no download link.")
    prompt = item.desc or ""
    model = item.modelID or ""
    created, _ = _created(item)
    path = library.target_path(kind, model, prompt, _extension(kind, url), created)
    part = path.with_name(path.name + ".part")
    indexed = False
    try:
        await client.download(url, path)
        if not path.is_file() or path.stat().st_size == 0:
            raise MiniMaxError("The downloaded file is empty.")
        await asyncio.to_thread(_check_media, path, kind)
        thumb = await _thumbnail(client, kind, path, item, thumbs_dir)
        request: dict[str, Any] = {"model": model, "prompt": prompt}
        if item.aspectRatio:
            request["aspectRatio"] = item.aspectRatio
        origin = [f.model_dump(exclude_none=True) for f in item.originFiles]
        # A video's duration is not in the documented record; read it when the server sends it.
        duration = _int((item.model_extra or {}).get("duration"))
        added = await library.add_item(NewLibraryItem(
            kind=kind, prompt=prompt, model=model, request=request,
            options={"originFiles": origin} if origin else {},
            account=account, remote_id=remote_id,
            file_id=item.fileID if isinstance(item, Image) else None,
            width=_int(item.width), height=_int(item.height), duration=duration,
            path=path, thumb_path=thumb, created_at=created, finished_at=created,
            source="import",
        ))
        indexed = True
        return added
    finally:
        if not indexed:
            # Nothing half-imported stays behind; the next import starts the item afresh.
            _remove_quietly(path, part)


async def import_remote(client: MiniMaxClient, library: Library, thumbs_dir: Path, *,
                        account: str | None = None,
                        kinds: Sequence[Literal["video", "image"]] = ("video", "image"),
                        progress: ProgressFn | None = None,
                        exclude: Iterable[str] = (),
                        page_size: int = PAGE_SIZE,
                        cursor_field: Literal["id", "composite"] = "id") -> ImportReport:
    """Pull every finished video and image of ``account`` (default: every account) into
    the library. ``exclude``: remote ids not to import (e.g. the journal's own jobs still
    being downloaded by the engine). ``progress`` is called on the caller's loop."""
    report = ImportReport()
    skip = set(exclude) | await library.remote_ids()
    try:
        accounts = [account] if account else await _account_ids(client)
    except MiniMaxError as exc:
        report.problems.append(ImportProblem(None, None, f"Could not list the accounts: {exc}"))
        return report
    report.accounts = accounts

    for acc in accounts:
        for kind in kinds:
            listed = 0
            done_before = len(report.imported)
            last: str | None = None
            seen_cursors: set[str] = set()
            for _ in range(MAX_PAGES):
                try:
                    page = await _list_page(client, kind, acc, page_size, last)
                except MiniMaxError as exc:
                    report.problems.append(ImportProblem(
                        acc, None, f"Could not list the {kind}s of account {acc}: {exc}"))
                    break
                if not page:
                    break
                for item in page:
                    listed += 1
                    composite = item.videoId if isinstance(item, Video) else item.imageId
                    remote_id = str(composite or item.id or "")
                    if not remote_id:
                        continue
                    if remote_id in skip:
                        report.already_in_library += 1
                        continue
                    if not is_final_item(item):
                        report.unfinished += 1
                        continue
                    if item.status != _COMPLETED:
                        report.not_successful += 1
                        continue
                    if progress:
                        progress(ImportProgress(acc, kind, listed, len(report.imported) - done_before,
                                                f"Downloading {kind} {listed} of account {acc}"))
                    try:
                        added = await _import_one(client, library, thumbs_dir, kind, acc,
                                                  item, remote_id)
                    except Exception as exc:  # one odd item never stops the others
                        if not isinstance(exc, (MiniMaxError, OSError, ValueError)):
                            log.warning("import of %s failed", remote_id, exc_info=True)
                        text = getattr(exc, "message", None) or str(exc) or type(exc).__name__
                        report.problems.append(ImportProblem(acc, remote_id, text))
                        continue
                    skip.add(remote_id)
                    report.imported.append(added)
                    if not _created(item)[1]:
                        report.undated += 1
                tail = page[-1]
                cursor = tail.id if cursor_field == "id" else None
                cursor = cursor or (tail.videoId if isinstance(tail, Video) else tail.imageId)
                if not cursor or str(cursor) in seen_cursors:
                    break
                seen_cursors.add(str(cursor))
                last = str(cursor)
                await asyncio.sleep(0)
            if progress:
                progress(ImportProgress(acc, kind, listed, len(report.imported) - done_before,
                                        f"Account {acc}: {listed} {kind}s checked"))
    return report
