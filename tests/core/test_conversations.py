"""The conversation store (a real SQLite file), the reading of agent answers with odd
fields, and the export folder — Qt-free."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
import pytest_asyncio

from minimax_studio.core.conversation_answers import answer_from_job
from minimax_studio.core.conversation_export import ExportTry, ExportTurn, export_conversation
from minimax_studio.core.conversations import ConversationStore, conversations_db_path


@pytest_asyncio.fixture
async def store(tmp_path: Path) -> AsyncIterator[ConversationStore]:
    s = await ConversationStore.open(conversations_db_path(tmp_path / "journal.sqlite3"))
    yield s
    await s.close()


@pytest.mark.asyncio
async def test_turns_tries_and_answers_survive_reopening(tmp_path: Path) -> None:
    path = tmp_path / "conversations.sqlite3"
    s = await ConversationStore.open(path)
    conv = await s.create(models=["hailuo-2.3"])
    turn = await s.add_turn(conv.id, "generate a 16:9 video of waves", ["/tmp/a.png"], ["hailuo-2.3"], "acc1")
    first = await s.add_try(turn.id, 11)
    await s.set_answer(first.id, {"text": "Here it is", "attachments": {}})
    await s.add_try(turn.id, 12)  # Retry: the first answer stays
    await s.set_shown_try(turn.id, 0)
    await s.update(conv.id, models=["hailuo-2.3", "nano-banana-2"], account="acc1")
    await s.close()

    s = await ConversationStore.open(path)
    try:
        (again,) = await s.list_conversations()
        assert again.title == "generate a 16:9 video of waves" and again.turn_count == 1
        assert again.models == ["hailuo-2.3", "nano-banana-2"] and again.account == "acc1"
        (t,) = await s.turns(conv.id)
        assert [x.job_id for x in t.tries] == [11, 12] and t.shown_index == 0
        assert t.shown is not None and t.shown.answer == {"text": "Here it is", "attachments": {}}
        assert t.files == ["/tmp/a.png"] and t.account == "acc1"
        assert await s.conversation_for_job(12) == conv.id
        assert await s.conversation_for_job(99) is None
    finally:
        await s.close()


@pytest.mark.asyncio
async def test_pin_search_delete_undo_and_purge(store: ConversationStore, tmp_path: Path) -> None:
    a = await store.create()
    await store.add_turn(a.id, "a poster of a whale", [], ["nano-banana-2"], None)
    b = await store.create(title="Songs")
    turn = await store.add_turn(b.id, "a song about rain", [], ["music-2.0"], None)
    tr = await store.add_try(turn.id, 5)
    await store.set_answer(tr.id, {"text": "Made a 100% rainy track"})
    await store.update(a.id, pinned=True)
    assert [c.id for c in await store.list_conversations()] == [a.id, b.id]  # pinned first
    assert [c.id for c in await store.list_conversations("WHALE")] == [a.id]  # prompt, any case
    assert [c.id for c in await store.list_conversations("100%")] == [b.id]  # answer text, % literal
    assert await store.list_conversations("nothing like this") == []
    await store.delete(b.id)
    assert [c.id for c in await store.list_conversations()] == [a.id]
    assert await store.conversation_for_job(5) is None
    await store.undelete(b.id)
    assert len(await store.list_conversations()) == 2
    await store.delete(b.id)
    assert await store.purge_deleted() == 1  # what the next start does
    await store.undelete(b.id)
    assert [c.id for c in await store.list_conversations()] == [a.id]
    assert await store.turns(b.id) == []


@pytest.mark.asyncio
async def test_pages_of_turns(store: ConversationStore) -> None:
    conv = await store.create()
    ids = [(await store.add_turn(conv.id, f"turn {i}", [], ["m"], None)).id for i in range(25)]
    for tid in ids:
        await store.add_try(tid, tid + 1000)
    last = await store.turns(conv.id, last=10)
    assert [t.prompt for t in last] == [f"turn {i}" for i in range(15, 25)]
    assert all(len(t.tries) == 1 for t in last)
    earlier = await store.turns(conv.id, last=10, before=last[0].id)
    assert [t.prompt for t in earlier] == [f"turn {i}" for i in range(5, 15)]
    assert len(await store.turns(conv.id)) == 25


def test_answers_with_missing_and_odd_fields_are_read_without_errors() -> None:
    full = answer_from_job({"status": "completed", "response": {
        "msg_content": "Done", "elapsedTime": "02:15", "attachments": [
            {"attachmentID": "a1", "type": 2, "file": {"fileName": "x.png", "fileUrl": "https://c/x.png",
                                                       "type": "image/png",
                                                       "extra": {"model_name": "banana_2",
                                                                 "model_aspect_ratio": "16:9",
                                                                 "model_resolution": "1K"}}},
            {"attachmentID": "a2", "type": 9, "file": {"fileName": "n.pdf", "fileUrl": "https://c/n.pdf",
                                                       "type": "application/pdf"}},
            {"attachmentID": "a3", "type": 1, "file": {"fileName": "v.mp4"}},  # no link at all
        ]}})
    assert full["text"] == "Done" and full["elapsed"] == "02:15"
    assert full["attachments"]["a1"]["model_name"] == "banana_2"
    assert any("application/pdf" in n for n in full["notes"])
    assert any("without a download link" in n for n in full["notes"])
    empty = answer_from_job({"status": "completed"})
    assert empty == {"text": "", "elapsed": "", "attachments": {}, "notes": []}
    odd = answer_from_job({"response": {"msg_content": None, "attachments": "not a list"}})
    assert odd["text"] == "" and odd["attachments"] == {}


def test_export_folder_has_transcript_media_and_requests(tmp_path: Path) -> None:
    media = tmp_path / "lib" / "result.png"
    media.parent.mkdir()
    media.write_bytes(b"\x89PNG\r\n\x1a\n" + b"0" * 32)
    turns = [ExportTurn("a poster of a fox", ["/refs/fox.png"], [
        ExportTry(1, "failed", "The agent failed: Timeout.", {"prompt": "a poster of a fox", "models": "m"}),
        ExportTry(2, "completed", None, {"prompt": "a poster of a fox", "models": "m", "async": True},
                  ["p1-u1-a1-bot:minimax"], "Here is **your** fox", [media, tmp_path / "gone.mp4"]),
    ])]
    folder = export_conversation(tmp_path / "out", "Fox / posters", turns)
    assert folder.name == "Fox  posters"  # no path separators from a title
    md = (folder / "transcript.md").read_text()
    assert "a poster of a fox" in md and "Here is **your** fox" in md and "answer 1 of 2" in md
    assert "](media/turn001-2-result.png)" in md and "missing file: gone.mp4" in md
    assert (folder / "media" / "turn001-2-result.png").read_bytes() == media.read_bytes()
    reqs = json.loads((folder / "requests.json").read_text())
    assert [r["job_id"] for r in reqs] == [1, 2] and reqs[1]["request"]["async"] is True
    again = export_conversation(tmp_path / "out", "Fox / posters", turns)
    assert again != folder and again.is_dir()  # never overwrites an earlier export
