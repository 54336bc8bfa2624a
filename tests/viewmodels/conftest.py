"""Qt + qasync fixtures for this layer: see tests/qt_support.py."""

from tests.qt_support import (  # noqa: F401  (fixtures and hooks pytest finds by name)
    pytest_asyncio_loop_factories,
    pytest_runtest_teardown,
    qloop,
)
