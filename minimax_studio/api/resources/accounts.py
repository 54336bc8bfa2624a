"""accounts.md: ``POST/GET accounts``, ``GET/DELETE accounts/{account}``, ``GET features``."""

from __future__ import annotations

from typing import Any

from ..errors import NotFoundError
from ..models import Account
from ..models import Features as FeaturesModel
from ._base import Resource, segment


class Accounts(Resource):
    async def list(self) -> list[Account]:
        """Every configured Hailuo account. The service answers 404 "Configuration not
        found" when there is none: that is an empty list, not an error."""
        try:
            data = await self._client.request("GET", "accounts", endpoint="GET accounts")
        except NotFoundError as exc:
            # A JSON 404 is the documented "no accounts"; an HTML 404 is a wrong base URL.
            if isinstance(exc.body, dict):
                return []
            raise
        if data is None:
            return []
        if isinstance(data, list):  # tolerate a plain array
            return [self._parse(Account, item, what="GET accounts answer") for item in data]
        if not isinstance(data, dict):
            self._parse(Account, data, what="GET accounts answer")  # raises the readable error
        out = []
        for key, item in data.items():
            account = self._parse(Account, item, what="GET accounts answer")
            if account.account is None:
                account.account = str(key)
            out.append(account)
        return out

    async def get(self, account: str) -> Account:
        data = await self._client.request("GET", f"accounts/{segment(account)}",
                                          endpoint="GET accounts/{account}")
        return self._parse(Account, data, what="GET accounts/{account} answer")

    async def create(self, *, url: str, token: str, max_jobs: int) -> Account:
        """Register (or update) a Hailuo account from its captured ``/cursor`` URL and JWT.
        Never retried. The Hailuo token is kept out of error texts like the API token."""
        body: dict[str, Any] = {"url": url, "token": token, "maxJobs": max_jobs}
        data = await self._client.request("POST", "accounts", endpoint="POST accounts",
                                          json_body=body, extra_secrets=[token])
        return self._parse(Account, data, what="POST accounts answer")

    async def delete(self, account: str) -> None:
        await self._client.request("DELETE", f"accounts/{segment(account)}",
                                   endpoint="DELETE accounts/{account}")


class Features(Resource):
    async def get(self, account: str | None = None) -> FeaturesModel:
        """Credit balance and per-model cost table of a Hailuo account."""
        data = await self._client.request("GET", "features/", endpoint="GET features",
                                          params={"account": account})
        return self._parse(FeaturesModel, data, what="GET features answer")
