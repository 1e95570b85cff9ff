"""Helpers for testing a plugin built on actionkit, in process and through the real dispatch core.

```python
harness = PluginHarness("icon_pagerduty", connection={"api_key": {"secretKey": "..."}, ...})
assert harness.run_action("get_user_by_id", {"id": "PNOPE12"}) == {"found": False}
with pytest.raises(NotFoundError, match="..."):
    harness.run_action("delete_user_by_id", {"id": "PNOPE12"})
```

``check_plugin(package)`` is the conformance check a plugin gets with one line:
``assert check_plugin("icon_pagerduty") == []``.
"""

from __future__ import annotations

import copy
import importlib
from typing import Any

from actionkit.envelope import Result
from actionkit.runtime import BASES, Plugin
from actionkit.triggers import MemoryDispatcher
from actionkit.validate import validate

__all__ = ["PluginHarness", "check_plugin"]


class PluginHarness:
    """Runs messages through ``Plugin.handle`` with a fixed connection (debug capture on)."""

    def __init__(self, package: str, connection: dict[str, Any] | None = None, **options: Any):
        self.plugin = Plugin.load(package, **options)
        self.connection = connection or {}

    def message(
        self,
        name: str | None,
        inp: dict[str, Any] | None = None,
        *,
        kind: str = "action",
        connection: dict[str, Any] | None = None,
        meta: dict[str, Any] | None = None,
        **body: Any,
    ) -> dict[str, Any]:
        """A start message (``kind`` action, trigger or task), or a connection test if ``name`` is None."""
        content = {"meta": meta or {}, "connection": copy.deepcopy(self.connection if connection is None
                                                                   else connection)}
        if name is None:
            return {"body": {**content, **body}, "type": "connection_test", "version": "v1"}
        content.update({kind: name, "input": inp or {}}, **body)
        return {"body": content, "type": f"{kind}_start", "version": "v1"}

    def handle(self, name: str | None, inp: dict[str, Any] | None = None, *, test: bool = False,
               kind: str = "action", handle_options: dict[str, Any] | None = None, **message: Any) -> Result:
        """The ``Result`` of one message; ``message`` keywords go to ``message()``."""
        options = {"debug": True, **(handle_options or {})}
        return self.plugin.handle(self.message(name, inp, kind=kind, **message), test=test, **options)

    def run_action(self, name: str, inp: dict[str, Any] | None = None, **message: Any) -> Any:
        """The action's output; raises the step's ``PluginError`` when it ends with an error."""
        result = self.handle(name, inp, **message)
        if result.error is not None:
            raise result.error
        return result.envelope["body"]["output"]

    def test_connection(self, **message: Any) -> Any:
        """The output of the connection test; raises its ``PluginError`` on failure."""
        result = self.handle(None, **message)
        if result.error is not None:
            raise result.error
        return result.envelope["body"]["output"]

    def run_trigger(
        self, name: str, inp: dict[str, Any] | None = None, **message: Any
    ) -> tuple[list[Any], Result]:
        """``(the events' outputs, the final Result)`` of a trigger run that returns."""
        events = MemoryDispatcher()
        result = self.handle(name, inp, kind="trigger", handle_options={"dispatcher": events}, **message)
        return [envelope["body"]["output"] for envelope in events.envelopes], result


def check_plugin(package: str) -> list[str]:
    """Conformance problems of a plugin package, one line each (empty: conforming).

    Every component of the manifest loads and defines exactly one class of its kind; the
    connection class exists when the spec has a connection; every generated example is valid
    against its schema (inputs also under the required-not-empty rule).
    """
    problems: list[str] = []
    plugin = Plugin.load(package)
    if getattr(plugin.manifest, "CONNECTION", False):
        try:
            cls, model = plugin.connection_class()
        except Exception as exc:  # noqa: BLE001  (reported, not raised: the check lists everything)
            problems.append(f"connection: {exc}")
        else:
            problems += validate(model.EXAMPLE, model.SCHEMA, "connection example")
    for kind in BASES:
        for name in plugin.names(kind):
            try:
                component = plugin.component(kind, name)
            except Exception as exc:  # noqa: BLE001
                problems.append(f"{kind} {name}: {exc}")
                continue
            inp, out = component.input, component.output
            where = f"{kind} {name}"
            problems += validate(inp.EXAMPLE, inp.SCHEMA, f"{where} input example", required_not_empty=True)
            problems += validate(out.EXAMPLE, out.SCHEMA, f"{where} output example")
            schema = importlib.import_module(f"{package}.{kind}s.{name}.schema")
            for model in ("Input", "Output"):
                if not hasattr(schema, model):
                    problems.append(f"{kind} {name}: {package}.{kind}s.{name}.schema has no {model} class")
    return problems
