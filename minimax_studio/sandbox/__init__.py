"""A local emulator of the useapi.net MiniMax API v1 (no Qt): a real HTTP server on
127.0.0.1 that the app, its tests and its benchmarks talk to instead of the paid service.

    from minimax_studio.sandbox import Sandbox
    with Sandbox(speed=200, seed=1) as sb:
        ...  # sb.base_url, sb.token, sb.faults, sb.received
"""

from .runtime import Sandbox, make_hailuo_credentials
from .state_lock import SandboxInUse

__all__ = ["Sandbox", "SandboxInUse", "make_hailuo_credentials"]
