"""Adding dropped files to the library (copied in, hashed, deduplicated, cancellable without
leaving an unindexed copy), exporting with a JSON sidecar, pointing an item at a moved file
— real files, real SQLite, no Qt."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
import pytest_asyncio
from PIL import Image

from minimax_studio.core.library import Library
from minimax_studio.core.library_files import (
    add_files,
    export_items,
    is_local_key,
    item_fields,
    set_item_path,
)

pytestmark = pytest.mark.asyncio


@pytest_asyncio.fixture
async def lib(tmp_path: Path) -> AsyncIterator[Library]:
    library = await Library.open(tmp_path / "library.sqlite3", tmp_path / "library")
    try:
        yield library
    finally:
        await library.close()


def picture(path: Path, color: tuple[int, int, int], size: tuple[int, int] = (80, 60)) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    Image.new("RGB", size, color).save(path)
    return path


async def test_files_are_copied_in_and_duplicates_skipped(lib: Library, tmp_path: Path) -> None:
    src = tmp_path / "drop"
    a = picture(src / "a.png", (200, 0, 0), (120, 90))
    picture(src / "deep" / "b.jpg", (0, 200, 0))
    (src / "deep" / "a-again.png").write_bytes(a.read_bytes())
    (src / "readme.txt").write_text("hi")
    (src / ".hidden.png").write_bytes(a.read_bytes())
    seen: list[tuple[int, int]] = []
    report = await add_files(lib, [src, a], tmp_path / "thumbs",
                             progress=lambda d, t, _n: seen.append((d, t)))
    assert report.added == 2 and report.duplicates == 2 and report.not_media == 1
    assert seen[-1] == (4, 4)
    assert report.summary == ("2 files added to the library, 2 already here, "
                              "1 not images, videos or audio.")
    added = (await lib.page()).items
    first = next(i for i in added if i.options["originalName"] == "a.png")
    assert (first.width, first.height) == (120, 90) and first.source == "import"
    assert first.path.is_relative_to(lib.root) and first.path.read_bytes() == a.read_bytes()
    assert is_local_key(first.remote_id) and first.thumb_path is not None
    again = await add_files(lib, [src], tmp_path / "thumbs")
    assert again.added == 0 and again.duplicates == 3
    # a library file dropped back onto the library is "already here"
    back = await add_files(lib, [first.path], tmp_path / "thumbs")
    assert back.duplicates == 1 and await lib.count() == 2


async def test_cancelling_leaves_no_copy_the_index_does_not_know(lib: Library, tmp_path: Path) -> None:
    src = tmp_path / "many"
    for i in range(60):
        picture(src / f"{i:02}.png", (i * 4, 10, 10))
    def cancel_at(done: int, _total: int, _name: str) -> None:
        # Cancelled at a known point, not after a race with the copying: after the first
        # batch of 50 was indexed and 5 more were copied but not yet indexed.
        if done == 55:
            task.cancel()

    task = asyncio.ensure_future(add_files(lib, [src], tmp_path / "thumbs", progress=cancel_at))
    with pytest.raises(asyncio.CancelledError):
        await task
    copies = sorted(p for p in lib.root.rglob("*.png"))
    assert 55 <= len(copies) < 60  # the copy under way when cancelled is finished, then it stops
    assert await lib.count() == len(copies)


async def test_cancelling_while_a_batch_waits_for_the_database_still_indexes_it(
        lib: Library, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The database thread is busy (a Gallery query, say) when the first batch of 50 is
    written, and the cancel comes while that write waits its turn — so it never runs. The
    batch is written by the final flush instead of being lost with 50 unindexed copies."""
    import threading

    src = tmp_path / "many"
    for i in range(52):
        picture(src / f"{i:02}.png", (i * 4, 20, 10))
    release = threading.Event()
    busy: list[asyncio.Future[bool]] = []

    def hold_the_database(done: int, _total: int, _name: str) -> None:
        # Once the files are being copied (add_files has read the index), a query holds
        # the library's one database thread until released.
        if not busy:
            busy.append(asyncio.ensure_future(lib.db.run(lambda _conn: release.wait(20))))

    writing = asyncio.Event()
    real_add_many = lib.add_many

    async def add_many(items: Any) -> int:  # the real write; the test only learns it began
        writing.set()
        return await real_add_many(items)

    monkeypatch.setattr(lib, "add_many", add_many)
    task = asyncio.ensure_future(add_files(lib, [src], tmp_path / "thumbs", progress=hold_the_database))
    await writing.wait()  # the batch's write is queued behind the busy query now
    task.cancel()
    # One loop pass hands the cancel on to the queued database work (a done-callback);
    # only then may the busy query end, or the write could still start.
    await asyncio.sleep(0)
    release.set()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert await busy[0]  # released, not timed out
    copies = sorted(p for p in lib.root.rglob("*.png"))
    assert len(copies) == 50
    assert await lib.count() == 50


async def test_export_writes_the_file_and_its_exact_request(lib: Library, tmp_path: Path) -> None:
    request = {"model": "image-01", "prompt": "kite", "aspectRatio": "1:1"}
    item = await lib.add(kind="image", prompt="kite", model="image-01", request=request,
                         path=picture(lib.root / "kite.png", (1, 2, 3)))
    gone = await lib.add(kind="image", prompt="gone", path=lib.root / "gone.png")
    done, problems = await asyncio.to_thread(export_items, [item, item, gone], tmp_path / "out")
    assert [p.name for p in done] == ["kite.png", "kite-2.png"]
    assert problems == ["gone.png: the file is no longer on disk."]
    meta = json.loads((tmp_path / "out" / "kite.png.json").read_text(encoding="utf-8"))
    assert meta["request"] == request and meta["kind"] == "image"


async def test_an_item_follows_its_moved_file_and_comes_back_after_removal(
        lib: Library, tmp_path: Path) -> None:
    item = await lib.add(kind="image", prompt="p", model="m", tags=["x"], favorite=True,
                         path=picture(lib.root / "p.png", (9, 9, 9)))
    moved = tmp_path / "moved.png"
    item.path.rename(moved)
    updated = await set_item_path(lib, item.id, moved)
    assert updated is not None and updated.path == moved and updated.exists
    await lib.remove(item.id)
    back = await lib.add_item(item_fields(updated))
    assert back.id == item.id and back.tags == ["x"] and back.favorite
