"""accounts, accounts/{account}, features and bearer auth."""

from __future__ import annotations

import httpx
import pytest

from minimax_studio.sandbox import Sandbox, make_hailuo_credentials

from .conftest import api_client


@pytest.mark.parametrize("auth", [None, "Bearer nope", "user:1-abc", "Bearer user:1-wrongtoken"])
def test_requests_without_a_valid_token_are_refused(sandbox: Sandbox, auth: str | None) -> None:
    headers = {"Authorization": auth} if auth else {}
    r = httpx.get(sandbox.base_url + "/accounts", headers=headers)
    assert r.status_code == 401
    assert r.json() == {"error": "Unauthorized", "code": 401}


def test_token_has_the_useapi_shape_and_is_not_in_repr(sandbox: Sandbox) -> None:
    assert sandbox.token.startswith("user:")
    assert sandbox.token.split("-")[0][5:].isdigit()
    assert sandbox.token not in repr(sandbox)


def test_demo_account_is_listed_with_a_masked_jwt(sandbox: Sandbox, api: httpx.Client) -> None:
    r = api.get("accounts")
    assert r.status_code == 200
    accounts = r.json()
    acc = accounts[sandbox.demo_account_id]
    assert acc["maxJobs"] == 3 and acc["supportVideo"] is True
    jwt = acc["jwt"]
    assert "…secured…" in jwt["token"]
    assert sandbox.state.accounts[sandbox.demo_account_id].jwt_token not in r.text
    assert jwt["user"]["id"] == sandbox.demo_account_id
    assert jwt["exp"] > jwt["iat"] and jwt["exp_Expire"].endswith("Z")
    assert jwt["host"] == "hailuoai.video" and "device_id=" in jwt["searchParams"]


def test_add_account_from_hailuo_credentials(sandbox: Sandbox, api: httpx.Client) -> None:
    url, token = sandbox.make_hailuo_credentials("424242", name="Ana")
    r = api.post("accounts", json={"url": url, "token": token, "maxJobs": 2})
    assert r.status_code == 201, r.text
    body = r.json()
    assert body["account"] == "424242" and body["maxJobs"] == 2
    assert body["jwt"]["user"]["name"] == "Ana"
    assert body["jwt"]["token"] == f"{token[:3]}…secured…{token[-3:]}"
    assert api.get("accounts/424242").json()["account"] == "424242"
    assert set(api.get("accounts").json()) == {sandbox.demo_account_id, "424242"}


def test_multipart_add_account_coerces_max_jobs(sandbox: Sandbox, api: httpx.Client) -> None:
    url, token = sandbox.make_hailuo_credentials("5151")
    r = api.post("accounts", files={"url": (None, url), "token": (None, token), "maxJobs": (None, "4")})
    assert r.status_code == 201, r.text
    assert r.json()["maxJobs"] == 4


@pytest.mark.parametrize("max_jobs", [0, 11, "many", None, 2.5])
def test_max_jobs_must_be_1_to_10(sandbox: Sandbox, api: httpx.Client, max_jobs: object) -> None:
    url, token = sandbox.make_hailuo_credentials("99")
    body = {"url": url, "token": token}
    if max_jobs is not None:
        body["maxJobs"] = max_jobs
    r = api.post("accounts", json=body)
    assert r.status_code == 400
    assert "maxJobs" in r.json()["error"]


def test_bad_tokens_and_urls_are_400_with_a_reason(sandbox: Sandbox, api: httpx.Client) -> None:
    url, token = sandbox.make_hailuo_credentials("99")
    r = api.post("accounts", json={"url": url, "token": "not-a-jwt", "maxJobs": 1})
    assert r.status_code == 400 and "token" in r.json()["error"].lower()
    r = api.post("accounts", json={"url": "hailuo please", "token": token, "maxJobs": 1})
    assert r.status_code == 400 and "url" in r.json()["error"].lower()
    expired_url, expired = make_hailuo_credentials("98", expires_in_days=-1, now=sandbox.clock.now())
    r = api.post("accounts", json={"url": expired_url, "token": expired, "maxJobs": 1})
    assert r.status_code == 400 and "expired" in r.json()["error"]


def test_legacy_post_with_account_in_path(sandbox: Sandbox, api: httpx.Client) -> None:
    url, token = sandbox.make_hailuo_credentials("31337")
    r = api.post("accounts/31337", json={"account": "31337", "url": url, "token": token, "maxJobs": 1})
    assert r.status_code == 201
    r = api.post("accounts/1", json={"account": "1", "url": url, "token": token, "maxJobs": 1})
    assert r.status_code == 400


def test_get_and_delete_unknown_account_is_404(sandbox: Sandbox, api: httpx.Client) -> None:
    assert api.get("accounts/nope").status_code == 404
    assert api.delete("accounts/nope").status_code == 404
    assert api.delete(f"accounts/{sandbox.demo_account_id}").status_code == 204
    r = api.get("accounts")
    assert r.status_code == 404 and r.json()["error"] == "Configuration not found"


def test_no_accounts_configured() -> None:
    with Sandbox(speed=200, seed=5, demo_account=False) as sb, api_client(sb) as api:
        assert api.get("accounts").status_code == 404
        assert api.get("videos").status_code == 404
        assert api.post("videos/create", json={"prompt": "x"}).status_code == 404


def test_features_show_credits_that_generation_spends(sandbox: Sandbox, api: httpx.Client) -> None:
    before = api.get("features").json()
    assert before["totalCredits"] == 1000 and before["modelControl"]
    assert api.post("videos/create", json={"prompt": "a boat", "model": "T2V-01"}).status_code == 200
    after = api.get("features/").json()
    assert after["totalCredits"] == 1000 - 25


def test_per_account_endpoints_need_account_when_several(
        sandbox: Sandbox, api: httpx.Client, two_accounts: tuple[str, str]) -> None:
    for path in ("features", "videos", "images", "files", "videos/characters"):
        r = api.get(path)
        assert r.status_code == 400, path
        assert "account" in r.json()["error"]
        assert api.get(path, params={"account": two_accounts[1]}).status_code == 200
    assert api.get("videos", params={"account": "0000"}).status_code == 400
