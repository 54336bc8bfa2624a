"""Import of results made outside the app, against the real sandbox over HTTP: real
downloads, real SQLite, real media decoded."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
import pytest_asyncio
from PIL import Image

from minimax_studio.api.client import MiniMaxClient
from minimax_studio.core.importer import ImportProgress, import_remote
from minimax_studio.core.library import Library, LibraryQuery
from minimax_studio.sandbox import Sandbox

pytestmark = pytest.mark.asyncio


@dataclass
class Env:
    sb: Sandbox
    client: MiniMaxClient
    library: Library
    thumbs: Path
    root: Path

    def files(self) -> list[Path]:
        return sorted(p for p in self.root.rglob("*") if p.is_file())


@pytest_asyncio.fixture
async def env(tmp_path: Path) -> AsyncIterator[Env]:
    # demo_history: two videos and two images "made on the website" three days ago.
    sb = Sandbox(speed=200.0, seed=99, demo_history=True).start()
    client = MiniMaxClient(sb.token, sb.base_url)
    library = await Library.open(tmp_path / "library.sqlite3", tmp_path / "library")
    try:
        yield Env(sb, client, library, tmp_path / "thumbs", tmp_path / "library")
    finally:
        await library.close()
        await client.aclose()
        sb.stop()


def _field(obj: Any, name: str) -> Any:
    value = getattr(obj, name, None)
    if value is None:
        value = (getattr(obj, "model_extra", None) or {}).get(name)
    return value


async def _wait_final(client: MiniMaxClient, account: str, timeout: float = 15.0) -> None:
    """Until every video and image of the account is final (speed=200: about a second)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        items = [*await client.videos.list(account=account), *await client.images.list(account=account)]
        if all(_field(i, "statusFinal") for i in items):
            return
        await asyncio.sleep(0.05)
    raise AssertionError("sandbox jobs did not finish")


async def test_imports_website_history_with_files_thumbnails_and_metadata(env: Env) -> None:
    seen: list[ImportProgress] = []
    report = await import_remote(env.client, env.library, env.thumbs, progress=seen.append)

    assert report.ok, report.problems
    assert len(report.imported) == 4
    assert sorted(i.kind for i in report.imported) == ["image", "image", "video", "video"]
    assert report.summary.startswith("Imported 4 items (2 videos, 2 images)")
    assert seen and seen[-1].account == env.sb.demo_account_id

    for item in report.imported:
        assert item.source == "import" and item.account == env.sb.demo_account_id
        assert item.remote_id and item.prompt and item.model
        assert item.path.is_relative_to(env.root.resolve()) and item.path.stat().st_size > 0
        if item.kind == "image":
            with Image.open(item.path) as img:
                img.load()
                assert img.size == (item.width, item.height)
        else:
            assert item.path.read_bytes()[4:8] == b"ftyp"  # a real MP4
        assert item.thumb_path is not None
        with Image.open(item.thumb_path) as thumb:
            assert max(thumb.size) == 256
        # the file name comes from date, model and prompt, not from the server's URL
        assert item.path.name.startswith(item.created_at.astimezone().strftime("%Y-%m-%d_"))

    boat = (await env.library.page(LibraryQuery(text="paper boat"))).items
    assert len(boat) == 1 and boat[0].model == "T2V-01" and boat[0].kind == "video"
    assert (await env.library.page()).total == 4


async def test_second_import_downloads_nothing_again(env: Env) -> None:
    await import_remote(env.client, env.library, env.thumbs)
    files = env.files()
    downloads = len(env.sb.core.cdn_received)
    report = await import_remote(env.client, env.library, env.thumbs)
    assert report.imported == [] and report.already_in_library == 4
    assert len(env.sb.core.cdn_received) == downloads
    assert env.files() == files
    assert report.summary == "Imported 0 items; 4 already in the library."


async def test_pages_through_long_lists_with_the_last_id_cursor(env: Env) -> None:
    acc = env.sb.demo_account_id
    assert acc
    for i in range(3):
        await env.client.images.create({"prompt": f"website image batch {i}", "model": "image-01",
                                        "account": acc})
    await _wait_final(env.client, acc)
    listed = len(await env.client.images.list(account=acc))
    assert listed >= 5

    before = len(env.sb.received)
    report = await import_remote(env.client, env.library, env.thumbs, kinds=("image",),
                                 page_size=2)
    assert report.ok, report.problems
    ids = [i.remote_id for i in report.imported]
    assert len(ids) == listed and len(set(ids)) == listed  # every image exactly once
    cursors = [r.query.get("lastImageId") for r in env.sb.received[before:]
               if r.path.rstrip("/").endswith("/images") and r.method == "GET"]
    assert cursors[0] is None and all(cursors[1:])  # later pages sent the cursor
    assert len(cursors) >= (listed + 1) // 2


async def test_several_accounts_and_skipping_unfinished_and_failed(env: Env) -> None:
    other = env.sb.add_account(max_jobs=3)
    await env.client.videos.create({"prompt": "second account lake at dawn", "model": "T2V-01",
                                    "account": other})
    await env.client.images.create({"prompt": "sandbox:fail broken poster", "model": "image-01",
                                    "account": other})
    await _wait_final(env.client, other)
    # made just now and slowed ×10: still generating while we import
    await env.client.videos.create({"prompt": "sandbox:slow still rendering", "model": "T2V-01",
                                    "account": other})

    report = await import_remote(env.client, env.library, env.thumbs)
    assert report.ok, report.problems
    assert set(report.accounts) == {env.sb.demo_account_id, other}
    assert report.unfinished == 1 and report.not_successful >= 1
    lake = [i for i in report.imported if "lake" in i.prompt]
    assert len(lake) == 1 and lake[0].account == other
    assert not any("still rendering" in i.prompt for i in report.imported)

    only = await import_remote(env.client, env.library, env.thumbs, account=other)
    assert only.accounts == [other] and only.imported == []


async def test_a_download_cut_midway_is_reported_and_leaves_no_partial_file(env: Env) -> None:
    env.sb.faults.add("cdn", drop_after=100, times=50)
    report = await import_remote(env.client, env.library, env.thumbs, kinds=("video",))
    assert len(report.problems) == 2 and not report.imported
    assert all(p.remote_id and p.message for p in report.problems)
    assert "could not be imported" in report.summary
    assert env.files() == []  # no .part, no half file
    assert (await env.library.page()).total == 0

    env.sb.faults.clear()
    again = await import_remote(env.client, env.library, env.thumbs, kinds=("video",))
    assert again.ok and len(again.imported) == 2


async def test_listing_error_is_a_sentence_not_a_crash(env: Env) -> None:
    env.sb.faults.add("videos", 401)
    report = await import_remote(env.client, env.library, env.thumbs)
    assert any("Could not list the videos" in p.message for p in report.problems)
    assert len(report.imported) == 2  # images still came in


async def test_journal_owned_ids_are_left_to_the_engine(env: Env) -> None:
    listed = await env.client.videos.list(account=env.sb.demo_account_id)
    owned = str(_field(listed[0], "videoId"))
    report = await import_remote(env.client, env.library, env.thumbs, kinds=("video",),
                                 exclude={owned})
    assert [i.remote_id for i in report.imported] != [] and owned not in {
        i.remote_id for i in report.imported}


async def test_hostile_prompt_from_the_site_stays_inside_the_library(env: Env) -> None:
    acc = env.sb.demo_account_id
    assert acc
    evil = "../../../../tmp/evil \u202egpj.exe CON\x00 " + "猫" * 1500
    await env.client.images.create({"prompt": evil, "model": "image-01", "account": acc})
    await _wait_final(env.client, acc)
    report = await import_remote(env.client, env.library, env.thumbs, kinds=("image",))
    assert report.ok, report.problems
    for item in report.imported:
        assert item.path.resolve().is_relative_to(env.root.resolve())
        assert len(item.path.name.encode()) <= 160
    assert any(i.prompt.startswith("../../") for i in report.imported)


# --- odd items never stop an import (issue 9, case 8) ----------------------------------------

YEAR_9999 = 253_402_297_200.0  # 9999-12-31 23:00 UTC: past the last date on a clock east of UTC
YEAR_1 = -62_135_596_800.0  # 0001-01-01 00:00 UTC: before the first date on a clock west of it


@pytest.mark.parametrize(("zone", "created"), [("Asia/Tokyo", YEAR_9999),
                                               ("America/New_York", YEAR_1)])
async def test_an_impossible_create_time_is_dated_as_unknown_and_the_import_goes_on(
        env: Env, monkeypatch: pytest.MonkeyPatch, zone: str, created: float) -> None:
    monkeypatch.setenv("TZ", zone)
    time.tzset()
    try:
        odd = next(j for j in env.sb.state.jobs.values() if j.kind == "video")
        # Moved to the odd date, with its queue stretched so it is still long finished.
        odd.queue_s -= created - odd.created
        odd.created = created
        report = await import_remote(env.client, env.library, env.thumbs)
    finally:
        monkeypatch.delenv("TZ")
        time.tzset()
    assert report.ok, report.problems
    assert len(report.imported) == 4 and report.undated == 1
    assert "1 with an impossible date, filed under the import day" in report.summary
    item = next(i for i in report.imported if i.remote_id == odd.composite_id)
    assert abs((item.created_at - datetime.now(UTC)).total_seconds()) < 600
    assert item.path.is_file() and item.path.read_bytes()[4:8] == b"ftyp"


async def test_a_download_that_is_not_the_media_it_claims_is_skipped_with_a_reason(env: Env) -> None:
    # The CDN answers the first download 200 with a login page (as a captive portal or
    # an expired link can); everything else downloads normally.
    env.sb.faults.add("cdn", 200, times=1,
                      message="<!DOCTYPE html><html><body>Please sign in</body></html>")
    report = await import_remote(env.client, env.library, env.thumbs, kinds=("image",))
    assert len(report.imported) == 1
    [problem] = report.problems
    assert problem.remote_id and problem.message == "The download is an HTML page, not an image."
    assert "1 could not be imported" in report.summary
    assert (await env.library.page()).total == 1
    assert not any(b"<html" in p.read_bytes()[:64].lower() for p in env.files())  # not kept
    assert not [p for p in env.files() if p.name.endswith(".part")]
