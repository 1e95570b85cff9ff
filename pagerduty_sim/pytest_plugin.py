"""pytest fixtures: ``pd_sim`` (one simulator per session) and ``sim`` (the same, reset per test).

Enable with ``pytest_plugins = ["pagerduty_sim.pytest_plugin"]`` in the top-level conftest.py
(pytest accepts ``pytest_plugins`` only there); this repository does so in ``unit_test/conftest.py``.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from .settings import Settings
from .simulator import Simulator


@pytest.fixture(scope="session")
def pd_sim() -> Iterator[Simulator]:
    """A running demo simulator on a free 127.0.0.1 port, shared by the session."""
    simulator = Simulator(seed="demo").start()
    try:
        yield simulator
    finally:
        simulator.stop()


@pytest.fixture
def sim(pd_sim: Simulator) -> Iterator[Simulator]:
    """The session simulator, reset to its seed with default settings and no faults for this test."""
    defaults = Settings()
    pd_sim.settings.update({k: v for k, v in defaults.as_dict().items()})
    pd_sim.reset()
    yield pd_sim
    pd_sim.clear_faults()
