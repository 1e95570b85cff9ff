"""Fixtures shared by every test folder: the local PagerDuty (``pd_sim``, ``sim``)."""

pytest_plugins = ["pagerduty_sim.pytest_plugin"]
