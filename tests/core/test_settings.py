"""Settings: typed, versioned JSON; broken files set aside; never a token."""

from __future__ import annotations

import json
from pathlib import Path

from minimax_studio.core.settings import (
    DEFAULT_API_URL,
    SCHEMA_VERSION,
    Settings,
    load_settings,
    save_settings,
)


def test_defaults_round_trip(tmp_path: Path) -> None:
    path = tmp_path / "config" / "settings.json"
    assert load_settings(path) == Settings()
    s = Settings(theme="dark", poll_video_seconds=30, last_tab="Gallery",
                 download_dir=str(tmp_path / "out"))
    save_settings(s, path)
    data = json.loads(path.read_text())
    assert data["version"] == SCHEMA_VERSION and data["theme"] == "dark"
    assert load_settings(path) == s


def test_invalid_values_fall_back_and_unknown_keys_are_ignored(tmp_path: Path) -> None:
    path = tmp_path / "settings.json"
    path.write_text(json.dumps({"version": 1, "theme": "neon", "poll_video_seconds": "fast",
                                "poll_image_seconds": 0.01, "from_the_future": True}))
    s = load_settings(path)
    assert s.theme == "system" and s.poll_video_seconds == 15.0
    assert s.poll_image_seconds == 2.0  # clamped to the allowed range


def test_old_version_is_migrated(tmp_path: Path) -> None:
    path = tmp_path / "settings.json"
    path.write_text(json.dumps({"base_url": "https://example.test/v1/minimax"}))
    s = load_settings(path)
    assert s.api_base_url == "https://example.test/v1/minimax" and s.version == SCHEMA_VERSION


def test_broken_file_is_kept_aside(tmp_path: Path) -> None:
    path = tmp_path / "settings.json"
    path.write_text("{not json")
    assert load_settings(path) == Settings()
    assert (tmp_path / "settings.json.bad").read_text() == "{not json"


def test_token_shaped_values_are_never_written(tmp_path: Path) -> None:
    path = tmp_path / "settings.json"
    s = Settings(last_tab="user:12345-abcdefghijklmnopqrst",
                 extra={"note": "Bearer xyz", "jwt": "eyJhbGciOiJI.eyJzdWIiOjF9.sig"})
    save_settings(s, path)
    text = path.read_text()
    assert "abcdefghijklmnopqrst" not in text and "eyJ" not in text and "Bearer" not in text


def test_api_url_env_and_problems() -> None:
    s = Settings()
    assert s.effective_api_url({}) == DEFAULT_API_URL
    assert s.effective_api_url({"MINIMAX_STUDIO_API_URL": "http://127.0.0.1:9/v1/minimax/"}) \
        == "http://127.0.0.1:9/v1/minimax"
    bad = Settings(api_base_url="ftp://x", capacity_refresh_seconds=1, download_dir="rel/dir")
    assert set(bad.problems()) == {"api_base_url", "capacity_refresh_seconds", "download_dir"}
