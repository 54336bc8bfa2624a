"""The frozen app's entry point (PyInstaller needs a script; this is ``minimax-studio``)."""

import sys

from minimax_studio.__main__ import main

if __name__ == "__main__":
    sys.exit(main())
