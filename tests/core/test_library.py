"""The library index: add/get/page/search/filter/favorite/tags/remove on a real SQLite file."""

from __future__ import annotations

import sqlite3
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import pytest_asyncio

from minimax_studio.core.db import SchemaTooNewError
from minimax_studio.core.library import (
    InvalidCursorError,
    Library,
    LibraryError,
    LibraryQuery,
    fts_query,
)
from minimax_studio.core.library_new_item import NewLibraryItem
from minimax_studio.core.library_schema import SCHEMA_VERSION

pytestmark = pytest.mark.asyncio

T0 = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)


@pytest_asyncio.fixture
async def lib(tmp_path: Path) -> AsyncIterator[Library]:
    library = await Library.open(tmp_path / "index" / "library.sqlite3", tmp_path / "media")
    try:
        yield library
    finally:
        await library.close()


async def _add(lib: Library, prompt: str, *, minutes: int = 0, kind: str = "video",
               model: str = "hailuo-2.3", **extra: object):
    when = T0 + timedelta(minutes=minutes)
    path = lib.target_path(kind, model, prompt, "mp4" if kind == "video" else "png", when)
    path.write_bytes(b"media")
    return await lib.add(kind=kind, model=model, prompt=prompt, path=path, created_at=when,
                         **extra)


async def test_add_then_get_round_trips_every_field(lib: Library) -> None:
    path = lib.target_path("video", "veo-3.1", "A cat walks", "mp4", T0)
    path.write_bytes(b"x")
    request = {"model": "veo-3.1", "prompt": "A cat walks", "fileID": "/home/u/cat.png"}
    item = await lib.add(
        kind="video", prompt="A cat walks", model="veo-3.1", request=request,
        options={"duration": 8}, account="123456", job_id=7, remote_id="user:1-minimax:123456-video:9",
        file_id="user:1-minimax:123456-file:3", width=1280, height=720, duration=8.0, path=path,
        thumb_path=Path("/cache/t.jpg"), created_at=T0, finished_at=T0 + timedelta(minutes=2),
        favorite=True, tags=["cats", "Cats", " night  walk "], source="batch",
    )
    got = await lib.get(item.id)
    assert got == item
    assert got is not None
    assert got.request == request and got.options == {"duration": 8}
    assert got.path == path and got.path.read_bytes() == b"x"
    assert got.created_at == T0 and got.finished_at == T0 + timedelta(minutes=2)
    assert got.tags == ["cats", "night walk"]  # trimmed, de-duplicated ignoring case
    assert got.favorite and got.source == "batch" and got.job_id == 7
    assert (await lib.by_remote_id("user:1-minimax:123456-video:9")) == item
    assert (await lib.by_job_id(7)) == [item]
    assert await lib.get(item.id + 12345) is None


async def test_add_is_idempotent_by_remote_id(lib: Library) -> None:
    first = await _add(lib, "a fox", remote_id="r-1")
    again = await _add(lib, "a fox, second download", remote_id="r-1", minutes=5)
    assert again.id == first.id and again.prompt == "a fox"
    assert (await lib.page()).total == 1


async def test_add_rejects_unknown_kind_and_missing_path(lib: Library) -> None:
    with pytest.raises(LibraryError):
        await lib.add(kind="pdf", path=lib.root / "x.pdf")
    with pytest.raises(TypeError):  # NewLibraryItem requires its path: a caller's bug
        await lib.add(kind="image")


async def test_items_created_in_the_same_instant_all_get_distinct_ids(lib: Library) -> None:
    items = [await _add(lib, f"same moment {i}") for i in range(5)]
    assert len({i.id for i in items}) == 5
    page = await lib.page()
    assert {i.id for i in page.items} == {i.id for i in items}


async def test_newest_and_oldest_first(lib: Library) -> None:
    for m in (5, 1, 9, 3):
        await _add(lib, f"minute {m}", minutes=m)
    newest = await lib.page(LibraryQuery(sort="newest"))
    assert [i.prompt for i in newest.items] == ["minute 9", "minute 5", "minute 3", "minute 1"]
    oldest = await lib.page(LibraryQuery(sort="oldest"))
    assert [i.prompt for i in oldest.items] == ["minute 1", "minute 3", "minute 5", "minute 9"]


@pytest.mark.parametrize("sort", ["newest", "oldest"])
async def test_cursor_paging_returns_every_item_exactly_once(lib: Library, sort: str) -> None:
    rows = [NewLibraryItem(kind="image", prompt=f"item {i}", model="image-01",
                           path=lib.root / f"f{i}.png", created_at=T0 + timedelta(seconds=i % 37))
            for i in range(250)]  # many share a timestamp: ties must not repeat or vanish
    assert await lib.add_many(rows) == 250
    seen: list[int] = []
    cursor: str | None = None
    pages = 0
    while True:
        page = await lib.page(LibraryQuery(sort=sort), cursor, limit=40)  # type: ignore[arg-type]
        assert page.total == 250 and page.total_exact
        seen.extend(i.id for i in page.items)
        pages += 1
        cursor = page.next_cursor
        if cursor is None:
            break
    assert pages == 7
    assert len(seen) == 250 and len(set(seen)) == 250
    assert seen == sorted(seen, reverse=(sort == "newest"))


async def test_items_added_while_paging_do_not_shift_later_pages(lib: Library) -> None:
    for m in range(10):
        await _add(lib, f"old {m}", minutes=m)
    first = await lib.page(limit=5)
    await _add(lib, "brand new", minutes=100)
    second = await lib.page(None, first.next_cursor, limit=5)
    assert [i.prompt for i in first.items + second.items] == [f"old {m}" for m in range(9, -1, -1)]


async def test_cursor_is_opaque_and_checked(lib: Library) -> None:
    for m in range(3):
        await _add(lib, f"p{m}", minutes=m)
    page = await lib.page(limit=1)
    assert page.next_cursor
    with pytest.raises(InvalidCursorError):
        await lib.page(None, "not-a-cursor!!")
    with pytest.raises(InvalidCursorError):
        await lib.page(LibraryQuery(sort="oldest"), page.next_cursor)


async def test_text_search_finds_words_in_prompts_and_tags(lib: Library) -> None:
    cat = await _add(lib, "A cat walks across a neon street", minutes=1)
    dog = await _add(lib, "Dogs running on the beach at sunset", minutes=2)
    await _add(lib, "Mountains in the fog", minutes=3, tags=["landscape"])
    zh = await _add(lib, "一只猫在雨夜的街道上行走", minutes=4)
    cafe = await _add(lib, "Café scene, Paris", minutes=5)

    async def found(text: str) -> list[int]:
        return [i.id for i in (await lib.page(LibraryQuery(text=text))).items]

    assert await found("cat") == [cat.id]
    assert await found("NEON street") == [cat.id]            # every word, any case
    assert await found("dog") == [dog.id]                    # stemmed: dog finds Dogs
    assert await found("landscape") != []                    # tags are searchable
    assert await found("猫") == [zh.id]                       # CJK inside a run
    assert await found("街道") == [zh.id]
    assert await found("cafe") == [cafe.id]                  # diacritics folded
    assert await found("cat beach") == []
    assert await found("walks") == [cat.id]
    # whatever the user types never reaches MATCH raw
    for hostile in ['"', "cat\" OR \"dog", "NEAR(cat dog)", "prompt:cat", "*", "-cat", "((("]:
        await lib.page(LibraryQuery(text=hostile))
    # nothing but punctuation matches nothing (issue 9: it used to list everything)
    assert (await lib.page(LibraryQuery(text=" ?! "))).total == 0
    assert (await lib.page(LibraryQuery(text="   "))).total == 5  # blank: no text filter


async def test_search_reflects_tag_changes(lib: Library) -> None:
    item = await _add(lib, "portrait of a fisherman")
    assert (await lib.page(LibraryQuery(text="keeper"))).items == []
    assert await lib.set_tags(item.id, ["keeper", "", "Keeper", "x" * 500]) == ["keeper", "x" * 64]
    assert [i.id for i in (await lib.page(LibraryQuery(text="keeper"))).items] == [item.id]
    await lib.set_tags(item.id, [])
    assert (await lib.page(LibraryQuery(text="keeper"))).items == []
    assert (await lib.get(item.id)).tags == []  # type: ignore[union-attr]


async def test_filters_by_kind_model_favorite_and_date(lib: Library) -> None:
    v1 = await _add(lib, "v1", minutes=0, kind="video", model="veo-3.1")
    v2 = await _add(lib, "v2", minutes=60 * 24, kind="video", model="hailuo-2.3")
    i1 = await _add(lib, "i1", minutes=60 * 48, kind="image", model="image-01")
    await lib.set_favorite(v2.id, True)
    await lib.set_favorite(i1.id, True)

    async def ids(**q: object) -> tuple[list[int], int]:
        page = await lib.page(LibraryQuery(**q))  # type: ignore[arg-type]
        return [i.id for i in page.items], page.total

    assert await ids(kind="video") == ([v2.id, v1.id], 2)
    assert await ids(kind="image") == ([i1.id], 1)
    assert await ids(model="veo-3.1") == ([v1.id], 1)
    assert await ids(favorite=True) == ([i1.id, v2.id], 2)
    assert await ids(favorite=False) == ([v1.id], 1)
    assert await ids(kind="video", favorite=True) == ([v2.id], 1)
    assert await ids(model="image-01", favorite=True) == ([i1.id], 1)
    assert await ids(kind="video", model="veo-3.1") == ([v1.id], 1)
    day2 = T0 + timedelta(days=1)
    assert await ids(date_from=day2) == ([i1.id, v2.id], 2)
    assert await ids(date_to=day2) == ([v1.id], 1)
    assert await ids(date_from=day2, date_to=day2 + timedelta(hours=1)) == ([v2.id], 1)
    assert await ids(text="v2", kind="video", favorite=True) == ([v2.id], 1)
    assert await ids(kind="audio") == ([], 0)

    await lib.set_favorite(v2.id, False)
    assert await ids(favorite=True) == ([i1.id], 1)
    assert await ids(kind="video", favorite=True) == ([], 0)
    assert await lib.models() == [("hailuo-2.3", 1), ("image-01", 1), ("veo-3.1", 1)]


async def test_totals_stay_exact_through_adds_favorites_and_removes(lib: Library) -> None:
    items = [await _add(lib, f"n{i}", minutes=i, kind="image" if i % 3 else "video")
             for i in range(12)]
    for it in items[:5]:
        await lib.set_favorite(it.id, True)
        await lib.set_favorite(it.id, True)  # twice: counted once
    await lib.remove(items[0].id)
    await lib.remove(items[7].id)
    for q in [LibraryQuery(), LibraryQuery(kind="video"), LibraryQuery(kind="image"),
              LibraryQuery(favorite=True), LibraryQuery(kind="video", favorite=True),
              LibraryQuery(model="hailuo-2.3", favorite=True)]:
        page = await lib.page(q)
        assert page.total == len(page.items), q
        assert await lib.count(q) == page.total


async def test_large_text_search_total_is_capped_not_slow(lib: Library) -> None:
    from minimax_studio.core import library as library_mod

    rows = [NewLibraryItem(kind="image", prompt=f"cinematic shot {i}", path=lib.root / f"{i}.png",
                           created_at=T0 + timedelta(seconds=i)) for i in range(30)]
    await lib.add_many(rows)
    old = library_mod.COUNT_CAP
    library_mod.COUNT_CAP = 10
    try:
        page = await lib.page(LibraryQuery(text="cinematic"), limit=5)
    finally:
        library_mod.COUNT_CAP = old
    assert page.total == 10 and not page.total_exact
    assert await lib.count(LibraryQuery(text="cinematic")) == 30


async def test_remove_keeps_file_unless_asked_and_never_deletes_outside(lib: Library,
                                                                        tmp_path: Path) -> None:
    keep = await _add(lib, "keep my file")
    gone = await _add(lib, "delete my file", minutes=1)
    outside = tmp_path / "elsewhere.png"
    outside.write_bytes(b"precious")
    foreign = await lib.add(kind="image", prompt="outside", path=outside, created_at=T0)

    assert await lib.remove(keep.id)
    assert keep.path.exists() and await lib.get(keep.id) is None
    assert await lib.remove(gone.id, delete_file=True)
    assert not gone.path.exists()
    assert await lib.remove(foreign.id, delete_file=True)
    assert outside.read_bytes() == b"precious"
    assert not await lib.remove(gone.id)
    assert (await lib.page()).total == 0
    assert (await lib.page(LibraryQuery(text="file"))).items == []


async def test_reopen_keeps_items_favorites_and_schema_version(tmp_path: Path) -> None:
    db_path = tmp_path / "library.sqlite3"
    lib = await Library.open(db_path, tmp_path / "media")
    item = await _add(lib, "survives restart", tags=["t1"])
    await lib.set_favorite(item.id, True)
    await lib.close()

    lib = await Library.open(db_path, tmp_path / "media")
    try:
        assert lib.db.schema_version == SCHEMA_VERSION
        got = await lib.get(item.id)
        assert got is not None and got.favorite and got.tags == ["t1"] and got.path.exists()
        assert [i.id for i in (await lib.page(LibraryQuery(text="restart"))).items] == [item.id]
    finally:
        await lib.close()
    with sqlite3.connect(db_path) as raw:
        assert raw.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
        assert raw.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


async def test_moved_library_folder_keeps_working(tmp_path: Path) -> None:
    db_path = tmp_path / "library.sqlite3"
    lib = await Library.open(db_path, tmp_path / "old")
    item = await _add(lib, "moving day")
    await lib.close()
    (tmp_path / "old").rename(tmp_path / "new")
    lib = await Library.open(db_path, tmp_path / "new")
    try:
        got = await lib.get(item.id)
        assert got is not None and got.path.is_relative_to(tmp_path / "new")
        assert got.path.read_bytes() == b"media"
    finally:
        await lib.close()


async def test_index_from_a_newer_app_is_refused(tmp_path: Path) -> None:
    db_path = tmp_path / "library.sqlite3"
    lib = await Library.open(db_path, tmp_path / "media")
    await lib.close()
    with sqlite3.connect(db_path) as raw:
        raw.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    with pytest.raises(SchemaTooNewError):
        await Library.open(db_path, tmp_path / "media")


async def test_fts_query_quotes_every_word() -> None:
    assert fts_query('cat" OR "dog') == '"cat" AND "OR" AND "dog"'
    assert fts_query("一只猫") == '"一 只 猫"'
    assert fts_query("  ") is None


# --- edges (issue 9, case 9) -----------------------------------------------------------------

@pytest.mark.parametrize("text", ['"', "*", "🐱", '" * 🐱 -- ()', "NEAR(", "\u200b"])
async def test_a_search_without_letters_or_digits_never_lists_everything(
        lib: Library, text: str) -> None:
    await _add(lib, 'A cat says "meow" * twice 🐱', minutes=1)
    await _add(lib, "Dogs on the beach", minutes=2)
    page = await lib.page(LibraryQuery(text=text))
    # Such text cannot be a word in the index: nothing matches, and the count agrees.
    assert page.items == [] and page.total == 0


async def test_a_deeply_nested_cursor_is_an_invalid_cursor(lib: Library) -> None:
    import base64

    await _add(lib, "p", minutes=1)
    for raw in (b"[" * 100_000 + b"]" * 100_000, b'{"a":' * 50_000 + b"1" + b"}" * 50_000):
        cursor = base64.urlsafe_b64encode(raw).decode().rstrip("=")
        with pytest.raises(InvalidCursorError):
            await lib.page(None, cursor)
