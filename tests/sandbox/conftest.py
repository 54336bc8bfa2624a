"""Fixtures for the sandbox's own tests: raw HTTP clients (never the app's MiniMaxClient)."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from minimax_studio.sandbox import Sandbox


def api_client(sb: Sandbox) -> httpx.Client:
    return httpx.Client(base_url=sb.base_url + "/",
                        headers={"Authorization": f"Bearer {sb.token}"}, timeout=10)


@pytest.fixture
def api(sandbox: Sandbox) -> Iterator[httpx.Client]:
    with api_client(sandbox) as client:
        yield client


@pytest.fixture
def two_accounts(sandbox: Sandbox) -> tuple[str, str]:
    second = sandbox.add_account("777000111", max_jobs=2)
    assert sandbox.demo_account_id is not None
    return sandbox.demo_account_id, second
