"""pagerduty_sim: a faithful local PagerDuty for tests, demos and benchmarks.

from pagerduty_sim import Simulator
with Simulator(seed="demo") as sim:
    print(sim.url, sim.credentials())
"""

from .settings import Settings
from .simulator import Simulator

__all__ = ["Settings", "Simulator"]
