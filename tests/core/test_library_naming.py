"""File names: date + model + prompt slug; hostile strings never escape the library."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
import pytest_asyncio
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from minimax_studio.core import naming
from minimax_studio.core.library import Library

WHEN = datetime(2026, 11, 29, 14, 32, tzinfo=UTC)
LOCAL = WHEN.astimezone()

HOSTILE = [
    "../../../../etc/passwd",
    "..",
    "../",
    "/absolute/path",
    "C:\\Windows\\System32\\evil.dll",
    "\\\\server\\share",
    "a\x00b\x00../c",
    "\u202egpj.exe",               # right-to-left override
    "\u200f\u200e\u2066rtl marks\u2069",
    "CON", "nul.txt", "com1", "LPT9", "ＣＯＮ",  # Windows reserved (also full-width)
    "trailing dots...", "trailing space ",
    "\x1b[31mred\x1b[0m\r\nnewline",
    "x" * 10_000,
    "猫" * 5_000,
    "🐈‍⬛" * 300,
    "e\u0301\u0301\u0301" * 400,  # combining marks pile-up
    "",
    "   ",
    "..\u2215..\u2215etc",          # division slash looks like '/'
    "a/b\\c:d*e?f\"g<h>i|j",
]


@pytest_asyncio.fixture
async def lib(tmp_path: Path) -> AsyncIterator[Library]:
    library = await Library.open(tmp_path / "library.sqlite3", tmp_path / "media")
    try:
        yield library
    finally:
        await library.close()


def test_name_follows_date_model_slug_layout() -> None:
    name = naming.item_file_name("veo-3.1", "A cat walks across the street", "mp4", WHEN)
    assert name == f"{LOCAL:%Y-%m-%d_%H%M}_veo-3-1_a-cat-walks-across-the-street.mp4"


def test_long_prompt_slug_is_short_and_cut_at_a_word() -> None:
    prompt = "A cat walks across a neon street at night in the rain, cinematic"
    slug = naming.slugify(prompt)
    assert len(slug.encode()) <= naming.PROMPT_SLUG_BYTES
    assert slug.startswith("a-cat-walks-across")
    whole_words = set(prompt.lower().replace(",", "").split())
    assert all(w in whole_words for w in slug.split("-"))  # no half word at the end


def test_extension_is_sanitized() -> None:
    assert naming.safe_extension(".MP4") == "mp4"
    assert naming.safe_extension("../sh") == "bin"
    assert naming.safe_extension("") == "bin"
    assert naming.safe_extension("jpeg") == "jpeg"


@pytest.mark.parametrize("reserved", ["CON", "con.txt", "Nul", "COM1.mp4", "lpt3", "ＣＯＮ"])
def test_windows_reserved_names_are_avoided(reserved: str) -> None:
    out = naming.safe_component(reserved)
    assert out.split(".")[0].lower() not in {"con", "nul", "com1", "lpt3"}


def _assert_safe_name(name: str) -> None:
    assert name and name not in (".", "..")
    assert "/" not in name and "\\" not in name and "\x00" not in name
    assert not name.endswith((".", " "))
    assert len(name.encode("utf-8")) <= naming.NAME_BYTES
    assert all(ord(c) >= 32 for c in name)
    assert not any(c in name for c in "\u202e\u200f\u200e\u2066\u2069\u2215:*?\"<>|")


@pytest.mark.parametrize("text", HOSTILE)
def test_hostile_strings_make_safe_names(text: str) -> None:
    _assert_safe_name(naming.item_file_name(text, text, text, WHEN))
    _assert_safe_name(naming.safe_component(text))
    assert naming.slugify(text)


@pytest.mark.asyncio
@pytest.mark.parametrize("text", HOSTILE)
async def test_hostile_strings_never_leave_the_library(lib: Library, tmp_path: Path,
                                                        text: str) -> None:
    path = lib.target_path("video", text, text, text, WHEN)
    assert path.resolve().is_relative_to(lib.root.resolve())
    assert path.parent.parent.resolve() == lib.root.resolve()  # root/<day>/<file>
    path.write_bytes(b"data")
    item = await lib.add(kind="video", model=text, prompt=text, path=path, remote_id=text or None,
                         tags=[text], created_at=WHEN)
    got = await lib.get(item.id)
    assert got is not None and got.prompt == text and got.model == text  # stored verbatim
    written = {p for p in tmp_path.rglob("*") if p.is_file()}
    assert all(p.resolve().is_relative_to(tmp_path / "media") or p.name.startswith("library.sqlite3")
               for p in written)


@pytest.mark.asyncio
async def test_same_name_gets_a_counter_and_part_files_count_as_taken(lib: Library) -> None:
    first = lib.target_path("video", "veo-3.1", "a cat", "mp4", WHEN)
    second = lib.target_path("video", "veo-3.1", "a cat", "mp4", WHEN)  # reserved, not on disk
    assert second.name == first.name.replace(".mp4", "-2.mp4")
    first.write_bytes(b"1")
    (second.parent / (second.name + ".part")).write_bytes(b"half")
    lib2 = await Library.open(lib.db.path.with_name("other.sqlite3"), lib.root)
    try:
        third = lib2.target_path("video", "veo-3.1", "a cat", "mp4", WHEN)  # fresh process view
        assert third.name == first.name.replace(".mp4", "-3.mp4")
    finally:
        await lib2.close()


@pytest.mark.asyncio
async def test_symlinked_day_folder_pointing_outside_is_refused(lib: Library,
                                                               tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    day = lib.root / naming.day_folder(WHEN)
    os.symlink(outside, day)
    with pytest.raises(naming.UnsafePathError):
        lib.target_path("video", "m", "p", "mp4", WHEN)
    assert list(outside.iterdir()) == []


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(model=st.text(), prompt=st.text(), ext=st.text(max_size=20))
def test_any_text_makes_a_safe_file_name(model: str, prompt: str, ext: str) -> None:
    name = naming.item_file_name(model, prompt, ext, WHEN)
    _assert_safe_name(name)
    assert (Path("/lib") / name).parent == Path("/lib")
