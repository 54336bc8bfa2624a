"""Qt + qasync fixtures for this layer (see tests/qt_support.py), plus the whole-app
fixtures (Studio on this loop, a desktop without keyring) from studio_support."""

from tests.qt_support import (  # noqa: F401  (fixtures and hooks pytest finds by name)
    pytest_asyncio_loop_factories,
    pytest_runtest_teardown,
    qloop,
)
from tests.ui.studio_support import no_keyring, rig_factory  # noqa: F401
