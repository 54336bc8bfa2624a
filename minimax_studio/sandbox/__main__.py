"""``python -m minimax_studio.sandbox``: run the emulator until Ctrl+C."""

from __future__ import annotations

import argparse
import signal
import sys
import threading
from pathlib import Path

from .runtime import Sandbox
from .state_lock import SandboxInUse


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(prog="python -m minimax_studio.sandbox",
                                description="Local emulator of the useapi.net MiniMax API v1.")
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=0, help="API port (0 = any free port)")
    p.add_argument("--cdn-port", type=int, default=0, help="media port (0 = any free port)")
    p.add_argument("--speed", type=float, default=1.0, help="clock speed-up, e.g. 10")
    p.add_argument("--state", type=Path, default=None,
                   help="JSON file keeping accounts, jobs and uploads across restarts")
    p.add_argument("--seed", type=int, default=None, help="seed for ids, durations, balancing")
    p.add_argument("--free-plan", action="store_true", help="no watermark-free downloadURL")
    p.add_argument("--no-demo", action="store_true", help="start without the demo account")
    p.add_argument("--no-history", action="store_true",
                   help="demo account starts with no earlier videos/images")
    return p.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    sb = Sandbox(speed=args.speed, seed=args.seed, state_file=args.state,
                 demo_account=not args.no_demo, host=args.host, port=args.port,
                 cdn_port=args.cdn_port, paid_plan=not args.free_plan,
                 demo_history=not args.no_history)
    try:
        sb.start()
    except SandboxInUse as exc:
        print(exc, file=sys.stderr)
        return 2
    print(f"MiniMax sandbox listening on {sb.base_url}", flush=True)
    print(f"token: {sb.token}", flush=True)
    print("This is a local emulator; the token is for the sandbox only.", flush=True)
    print(f"Help and fault switches: {sb.root_url}/_sandbox/   (Ctrl+C to stop)", flush=True)
    done = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: done.set())
    try:
        while not done.wait(0.5):
            pass
    except KeyboardInterrupt:
        pass
    finally:
        sb.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
