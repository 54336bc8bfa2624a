"""GalleryModel on a real library index: Qt's model checks, paging that never reads the
whole library, filters (kind, model, favorites, source, account, text with any script),
live arrivals from another connection to the same index, and the bounded item memory."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from minimax_studio.core.library import Library, LibraryQuery
from minimax_studio.core.library_new_item import NewLibraryItem
from minimax_studio.viewmodels.gallery_model import GalleryModel, GalleryRoles
from minimax_studio.viewmodels.notifier import Notifier
from minimax_studio.viewmodels.tasks import TaskRunner
from tests.ui.gallery_support import T0, add_images, open_library, run


def _bulk(root: Path, n: int, **over: Any) -> list[NewLibraryItem]:
    models = ("hailuo-02", "image-01", "veo-3.1")
    out = []
    for i in range(n):
        model = models[i % 3]
        kind = "image" if model == "image-01" else "video"
        out.append(NewLibraryItem(**dict(kind=kind, model=model, prompt=f"shot {i} of a quiet harbour",
                        path=root / f"f{i}.{'png' if kind == 'image' else 'mp4'}",
                        created_at=T0 + timedelta(seconds=i), account=f"acc{i % 2}",
                        source=("app", "batch", "agent", "import")[i % 4],
                        favorite=i % 10 == 0) | over))
    return out


@pytest.fixture
def lib(qtbot: Any, qloop: Any, tmp_path: Path) -> Any:
    library = run(qtbot, open_library(tmp_path))
    yield library
    run(qtbot, library.close())


def _model(lib: Library, **kw: Any) -> GalleryModel:
    m = GalleryModel(lib, TaskRunner(Notifier()), watch_interval_s=3600, **kw)
    return m


def _load(qtbot: Any, m: GalleryModel) -> None:
    task = m.reload()
    assert task is not None
    qtbot.waitUntil(task.done, timeout=10_000)
    assert not m.loading and m.error == ""


def _fetch_all(qtbot: Any, m: GalleryModel) -> None:
    while m.canFetchMore():
        m.fetchMore()
        qtbot.waitUntil(lambda: not m.fetching, timeout=10_000)


def test_model_passes_qt_checks_while_paging_and_changing(qtbot: Any, lib: Library,
                                                          qtmodeltester: Any) -> None:
    run(qtbot, lib.add_many(_bulk(lib.root, 450)))
    m = _model(lib, page_size=100)
    qtmodeltester.check(m, force_py=True)  # stays attached: checks every change below
    _load(qtbot, m)
    # (the tester itself may call fetchMore: only lower bounds on the row count here)
    assert m.rowCount() >= 100 and m.total == 450
    m.fetchMore()
    qtbot.waitUntil(lambda: m.rowCount() >= 200 and not m.fetching)
    rows = m.rowCount()
    first = m.item_at(0)
    assert first is not None and m.index(0).data(GalleryRoles.Item) is first
    assert m.index(0).data(GalleryRoles.ItemId) == first.id
    first.favorite = True
    m.update_item(first)
    m.remove_ids([m.item_at(3).id, m.item_at(4).id, m.item_at(150).id])  # type: ignore[union-attr]
    assert m.rowCount() == rows - 3 and m.total == 447


def test_paging_reads_one_page_at_a_time_and_never_the_whole_library(qtbot: Any,
                                                                    lib: Library) -> None:
    run(qtbot, lib.add_many(_bulk(lib.root, 5000)))
    m = _model(lib, page_size=200, item_cache=600)
    _load(qtbot, m)
    assert m.rowCount() == 200 and m.pages_read == 1
    assert m.total == 5000 and m.library_total == 5000
    for expected in (400, 600):
        m.fetchMore()
        qtbot.waitUntil(lambda e=expected: m.rowCount() == e)  # type: ignore[misc]
    assert m.pages_read == 3
    _fetch_all(qtbot, m)
    assert m.rowCount() == 5000 and not m.has_more
    # Newest first, no duplicates, none skipped.
    ids = m.item_ids()
    assert ids == sorted(ids, reverse=True) and len(set(ids)) == 5000
    # Memory stays bounded: only the most recent items are kept in full.
    assert m.cached_items <= 600
    # A row whose item was dropped from memory is read again, as its block, when shown.
    assert m.item_at(10) is None
    qtbot.waitUntil(lambda: m.item_at(10) is not None)
    item = m.item_at(10)
    assert item is not None and item.id == ids[10]
    assert m.item_at(199) is not None and m.item_at(199).id == ids[199]  # type: ignore[union-attr]


def test_filters_source_account_kind_model_favorites(qtbot: Any, lib: Library) -> None:
    run(qtbot, lib.add_many(_bulk(lib.root, 240)))
    m = _model(lib)
    cases = [
        (LibraryQuery(source="batch"), lambda it: it.source == "batch"),
        (LibraryQuery(account="acc1"), lambda it: it.account == "acc1"),
        (LibraryQuery(kind="image", source="agent"),
         lambda it: it.kind == "image" and it.source == "agent"),
        (LibraryQuery(model="veo-3.1", favorite=True),
         lambda it: it.model == "veo-3.1" and it.favorite),
    ]
    for query, pred in cases:
        m.set_query(query)
        qtbot.waitUntil(lambda: not m.loading, timeout=10_000)
        _fetch_all(qtbot, m)
        items = [m.item_at(r) for r in range(m.rowCount())]
        expected = [it for it in _bulk(lib.root, 240) if pred(it)]
        assert m.rowCount() == len(expected) > 0, query
        assert all(it is not None and pred(it) for it in items), query
        assert m.total == len(expected), query


def test_sort_oldest_and_by_model(qtbot: Any, lib: Library) -> None:
    run(qtbot, lib.add_many(_bulk(lib.root, 90)))
    m = _model(lib, page_size=20)
    m.set_query(LibraryQuery(sort="oldest"))
    qtbot.waitUntil(lambda: not m.loading)
    _fetch_all(qtbot, m)
    ids = m.item_ids()
    assert ids == sorted(ids) and len(ids) == 90
    m.set_query(LibraryQuery(), by_model=True)
    qtbot.waitUntil(lambda: not m.loading)
    _fetch_all(qtbot, m)
    assert m.rowCount() == 90 and m.total == 90
    models = [m.item_at(r).model for r in range(90)]  # type: ignore[union-attr]
    assert models == sorted(models, key=str.casefold)
    # Within one model, newest first.
    veo = [m.item_at(r).id for r in range(90) if models[r] == "veo-3.1"]  # type: ignore[union-attr]
    assert veo == sorted(veo, reverse=True)


def test_search_any_script(qtbot: Any, lib: Library) -> None:
    run(qtbot, lib.add(kind="image", model="image-01", prompt="一只猫在雨中散步",
                       path=lib.root / "cat.png", created_at=T0))
    run(qtbot, lib.add(kind="image", model="image-01", prompt="Ein Café am Straßenrand",
                       path=lib.root / "cafe.png", created_at=T0 + timedelta(seconds=1),
                       tags=["Ünïcödé tag", "🐱"]))
    run(qtbot, lib.add(kind="video", model="hailuo-02", prompt="a dog runs",
                       path=lib.root / "dog.mp4", created_at=T0 + timedelta(seconds=2)))
    m = _model(lib)
    for text, prompt in (("猫", "一只猫在雨中散步"), ("cafe", "Ein Café am Straßenrand"),
                         ("ünïcödé", "Ein Café am Straßenrand"), ("dogs", "a dog runs")):
        m.set_query(LibraryQuery(text=text))
        qtbot.waitUntil(lambda: not m.loading)
        assert [m.item_at(r).prompt for r in range(m.rowCount())] == [prompt], text  # type: ignore[union-attr]


def test_new_results_from_another_connection_appear_on_top_when_they_match(
        qtbot: Any, lib: Library, tmp_path: Path) -> None:
    run(qtbot, add_images(lib, 5))
    m = _model(lib)
    m.set_query(LibraryQuery(kind="image"))
    qtbot.waitUntil(lambda: not m.loading and m.rowCount() == 5)
    arrived: list[int] = []
    m.newItemsArrived.connect(arrived.append)
    # Another process (a batch) writes to the same index through its own connection.
    other = run(qtbot, Library.open(tmp_path / "library.sqlite3", tmp_path / "library"))
    try:
        new = run(qtbot, add_images(other, 2, start=T0 + timedelta(days=1), prefix="batch"))
        run(qtbot, other.add(kind="video", model="hailuo-02", prompt="not an image",
                             path=other.root / "v.mp4", created_at=T0 + timedelta(days=2)))
    finally:
        run(qtbot, other.close())
    task = m.check_now()
    assert task is not None
    qtbot.waitUntil(task.done)
    assert arrived == [2]
    assert [m.item_at(r).id for r in range(2)] == [new[1].id, new[0].id]  # type: ignore[union-attr]
    assert m.rowCount() == 7 and m.total == 7 and m.library_total == 8
    # A delete elsewhere (not by this model) reloads: the row goes.
    run(qtbot, lib.remove(new[0].id))
    task = m.check_now()
    assert task is not None
    qtbot.waitUntil(lambda: m.rowCount() == 6 and not m.loading)
    assert m.row_of(new[0].id) == -1


def test_unreadable_library_reads_as_a_sentence(qtbot: Any, lib: Library) -> None:
    m = _model(lib)
    run(qtbot, lib.close())
    task = m.reload()
    assert task is not None
    qtbot.waitUntil(task.done)
    assert m.error.startswith("Could not read the library")
    assert "Traceback" not in m.error
