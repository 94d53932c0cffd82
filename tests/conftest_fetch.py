"""Fixtures for the fetching tests: fault-injection sites on 127.0.0.1.

Registered for the whole suite by ``tests/conftest.py`` (``pytest_plugins``),
so the lead's ``tests/conftest.py`` stays untouched.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.faultsite import FaultSite


@pytest.fixture
def site() -> Iterator[FaultSite]:
    s = FaultSite()
    yield s
    s.close()


@pytest.fixture
def other_site() -> Iterator[FaultSite]:
    """A second host (another port): its pages must carry on whatever the first one does."""
    s = FaultSite()
    yield s
    s.close()
