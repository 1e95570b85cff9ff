"""actionkit: a small framework for plugins speaking the InsightConnect plugin protocol.

Plugin code imports its building blocks from here. Importing this package stays cheap (no
jsonschema, yaml, click, requests or gunicorn): the CLI imports it on every ``run``.
"""

from actionkit.components import Action, Connection, Task, Trigger
from actionkit.errors import (
    ConfigError,
    InputError,
    InternalError,
    NotFoundError,
    PluginError,
    TransientError,
    UpstreamError,
)
from actionkit.model import Model

__version__ = "1.0.0"

__all__ = [
    "Action",
    "Connection",
    "Task",
    "Trigger",
    "Model",
    "PluginError",
    "InputError",
    "ConfigError",
    "NotFoundError",
    "UpstreamError",
    "TransientError",
    "InternalError",
]
