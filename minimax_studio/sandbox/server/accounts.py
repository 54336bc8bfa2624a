"""accounts, accounts/{account}, features (accounts.md)."""

from __future__ import annotations

from typing import Any

from aiohttp import web

from .. import jwt as hjwt
from .. import rules
from ..core import ApiError
from ..views import account_json
from .common import (
    RouteTable,
    core_of,
    max_jobs_param,
    note_account,
    ok,
    query_account,
    read_fields,
)


async def post_account(request: web.Request) -> web.Response:
    core = core_of(request)
    body = rules.coerce(await read_fields(request))
    path_account = request.match_info.get("account")
    if path_account is not None and str(body.get("account", "")) != path_account:
        # Legacy POST accounts/{account}: the body's account had to equal the path.
        raise ApiError(400, f"Body account must equal the path account {path_account}")
    url, token = body.get("url"), body.get("token")
    if not isinstance(url, str) or not url.strip():
        raise ApiError(400, "url is required: the captured /cursor request URL")
    if not isinstance(token, str) or not token.strip():
        raise ApiError(400, "token is required: the Hailuo Token request header (a JWT)")
    max_jobs = max_jobs_param(body, required=True)
    assert max_jobs is not None
    if path_account is not None:
        try:
            token_account = str(hjwt.decode_payload(token)["user"]["id"])
        except hjwt.JwtError as exc:
            raise ApiError(400, f"Invalid token: {exc}") from None
        if token_account != path_account:
            raise ApiError(400, f"Token belongs to account {token_account}, not {path_account}")
    acc = core.register_account(url, token, max_jobs)
    note_account(request, acc.account)
    return ok(account_json(acc), status=201)


async def list_accounts(request: web.Request) -> web.Response:
    core = core_of(request)
    if not core.state.accounts:
        raise ApiError(404, "Configuration not found")
    return ok({a.account: account_json(a) for a in core.state.accounts.values()})


async def get_account(request: web.Request) -> web.Response:
    core = core_of(request)
    acc = core.state.accounts.get(request.match_info["account"])
    if acc is None:
        raise ApiError(404, "Configuration not found")
    return ok(account_json(acc))


async def delete_account(request: web.Request) -> web.Response:
    core = core_of(request)
    if core.state.accounts.pop(request.match_info["account"], None) is None:
        raise ApiError(404, "Configuration not found")
    core.dirty = True
    return web.Response(status=204)


# Internal Hailuo model ids seen in the features example (accounts.md).
_INTERNAL_VIDEO_IDS = ("23000", "23010", "23001", "23011", "23102")


async def features(request: web.Request) -> web.Response:
    core = core_of(request)
    acc = core.account_for_endpoint(query_account(request))
    note_account(request, acc.account)
    control: list[dict[str, Any]] = [
        {"modelId": "image-01", "videoCost": 1, "isMember": acc.paid, "freeCount": 0,
         "durations": [], "resolutions": [], "modes": [], "videoCosts": []}
    ]
    for model_id in _INTERNAL_VIDEO_IDS:
        control.append({"modelId": model_id, "videoCost": 25, "isMember": acc.paid,
                        "freeCount": 0, "durations": [], "resolutions": [], "modes": [],
                        "videoCosts": []})
    expire_ms = int((core.clock.now() + 30 * 86400) * 1000)
    return ok({
        "privilegeType": 1 if acc.paid else 0,
        "totalCredits": acc.credits,
        "expireText": f"{acc.credits} points will expire within 30 days",
        "videoCost": 25,
        "queueLength": acc.max_jobs,
        "memberText": "Manage" if acc.paid else "Subscribe",
        "memberHoverText": "",
        "expireTime": 0,
        "isNewUser": False,
        "questionText": "",
        "trialExpireTime": 0,
        "trialText": 0,
        "memberName": "Standard" if acc.paid else "Free",
        "newUserVersion": 0,
        "creditExpireText": [{"credit": acc.credits, "endTime": expire_ms}],
        "modelControl": control,
    })


def register(routes: RouteTable) -> None:
    routes.add("POST", "accounts", post_account)
    routes.add("GET", "accounts", list_accounts)
    routes.add("POST", "accounts/{account}", post_account)
    routes.add("GET", "accounts/{account}", get_account)
    routes.add("DELETE", "accounts/{account}", delete_account)
    routes.add("GET", "features", features)
