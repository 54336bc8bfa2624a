"""The e2e layer runs the whole app (``Studio``) on the test's qasync loop, like tests/ui:
the same Qt + qasync fixtures and hooks (PLATFORM-NOTES §5)."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from tests.qt_support import (  # noqa: F401  (fixtures and hooks pytest finds by name)
    pytest_asyncio_loop_factories,
    pytest_runtest_teardown,
    qloop,
)
from tests.ui.studio_support import no_keyring, rig_factory  # noqa: F401
