"""pytest plugin (entry point ``pytest11``): the ``approvalstudio_emulator`` fixture.

One emulator is started per test session (lazily, on first use) and reset before every test
that asks for it, so tests are independent and fast::

    def test_my_integration(approvalstudio_emulator):
        with approvalstudio_emulator.client() as client:
            ...
"""

from __future__ import annotations

from typing import Iterator

import pytest

from .testing import Emulator


@pytest.fixture(scope="session")
def approvalstudio_emulator_session() -> Iterator[Emulator]:
    """The session-wide emulator (not reset between tests)."""
    emu = Emulator()
    try:
        yield emu
    finally:
        emu.close()


@pytest.fixture
def approvalstudio_emulator(approvalstudio_emulator_session: Emulator) -> Iterator[Emulator]:
    """An :class:`approvalstudio.testing.Emulator` reset to its seeded state for this test."""
    approvalstudio_emulator_session.reset()
    yield approvalstudio_emulator_session
