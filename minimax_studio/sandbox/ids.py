"""Identifier formats of the useapi.net MiniMax API (see README "Identifier formats")."""

from __future__ import annotations

import random
import re
import string
from dataclasses import dataclass
from urllib.parse import unquote

TOKEN_RE = re.compile(r"^user:(\d+)-[A-Za-z0-9]+$")
COMPOSITE_RE = re.compile(r"^user:(\d+)-minimax:([^-\s]+)-(video|image|file|music|audio):(\S+)$")
AGENT_JOB_RE = re.compile(r"^p(\d+)-u(\d+)-a([^-\s]+)-bot:minimax$")


@dataclass(frozen=True)
class Composite:
    user: str
    account: str
    kind: str
    id: str


def parse_composite(value: str) -> Composite | None:
    # Clients must send ids raw, but decode %3A defensively (emulator-notes §1).
    m = COMPOSITE_RE.match(unquote(value.strip()))
    if not m:
        return None
    return Composite(m.group(1), m.group(2), m.group(3), m.group(4))


def composite(user: str, account: str, kind: str, id_: str) -> str:
    return f"user:{user}-minimax:{account}-{kind}:{id_}"


def user_of_token(token: str) -> str | None:
    m = TOKEN_RE.match(token)
    return m.group(1) if m else None


class IdMaker:
    """Seeded id generator: same seed + same calls = same ids (reproducible tests)."""

    def __init__(self, rng: random.Random) -> None:
        self._rng = rng
        self._last = 0

    def hailuo_id(self, now: float) -> str:
        # Hailuo ids are 18-digit numbers that grow with time; keep them strictly
        # increasing so "newest first" and the lastVideoId cursor are unambiguous.
        candidate = int(now * 1000) * 100000 + self._rng.randrange(100000)
        candidate = max(candidate, self._last + 1)
        self._last = candidate
        return str(candidate)

    def digits(self, n: int) -> str:
        return str(self._rng.randrange(10 ** (n - 1), 10**n))

    def alnum(self, n: int) -> str:
        return "".join(self._rng.choice(string.ascii_letters + string.digits) for _ in range(n))

    def agent_job_id(self, user: str, account: str) -> str:
        return f"p{self.digits(9)}-u{user}-a{account}-bot:minimax"

    def sandbox_token(self, user: str) -> str:
        return f"user:{user}-sandbox{self.alnum(20)}"
