"""Fixtures shared by every test folder: the local PagerDuty (``pd_sim``, ``sim``).

The simulator listens on loopback over plain http, which the plugin refuses unless the host is
listed in ``PLUGIN_ALLOWED_HOSTS``. It is set here, at import, so that the tests in this process
and every subprocess they start (which inherit ``os.environ``) may reach it; a test that needs
the variable unset removes it with ``monkeypatch``.
"""

import os

os.environ["PLUGIN_ALLOWED_HOSTS"] = "127.0.0.1,localhost"

pytest_plugins = ["pagerduty_sim.pytest_plugin"]
