"""``minimax-studio`` / ``python -m minimax_studio``.

    minimax-studio               the app (first-run page when no token is saved)
    minimax-studio --sandbox     the app on the built-in local emulator (nothing is paid)
    minimax-studio --tab gallery open with that tab active (accounts|video|image|agent|gallery)
    minimax-studio --version
    minimax-studio batch SHEET   run a CSV/JSON sheet of jobs from the command line
    minimax-studio diagnose      check what this installation can do (keyring, media, SQLite)

Kept tiny: nothing heavy is imported before we know which command runs.
"""

from __future__ import annotations

import argparse
import sys

from minimax_studio import APP_NAME, __version__

#: --tab values (the window's tab names, lower case)
TAB_CHOICES = ("accounts", "video", "image", "agent", "gallery")


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="minimax-studio",
        description=f"{APP_NAME}: make Hailuo / MiniMax videos and images through useapi.net.",
        epilog="Command-line batches: minimax-studio batch SHEET (see `minimax-studio batch --help`). "
               "Checking an installation: minimax-studio diagnose.")
    p.add_argument("--sandbox", action="store_true",
                   help="start on the built-in pretend server with a demo account (nothing is paid)")
    p.add_argument("--tab", type=str.lower, choices=TAB_CHOICES, metavar="TAB",
                   help="open with this tab active: " + ", ".join(TAB_CHOICES))
    p.add_argument("--version", action="version", version=f"{APP_NAME} {__version__}")
    p.add_argument("--debug", action="store_true", help="also log to the terminal, at debug level")
    return p


def main(argv: list[str] | None = None) -> int:
    args_in = sys.argv[1:] if argv is None else list(argv)
    if args_in and args_in[0] == "batch":
        from minimax_studio.batch_cli import main as batch_main

        return batch_main(args_in[1:])
    if args_in and args_in[0] == "diagnose":
        from minimax_studio.diagnose import main as diagnose_main

        return diagnose_main(args_in[1:])
    args, qt_args = build_parser().parse_known_args(args_in)
    from minimax_studio.app import run

    return run(sandbox=args.sandbox, debug=args.debug, qt_args=qt_args,
               tab=args.tab.capitalize() if args.tab else None)


if __name__ == "__main__":
    raise SystemExit(main())
