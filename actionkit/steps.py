"""Running each kind of step for ``Plugin.handle``: tests, actions, triggers and tasks."""

from __future__ import annotations

import contextlib
import logging
import os
import sys
from typing import Any

from actionkit import components, envelope
from actionkit.envelope import Result
from actionkit.errors import InternalError, PluginError
from actionkit.model import Model
from actionkit.runtime import BASES, NoTestError, call_plugin, log
from actionkit.triggers import HttpDispatcher, StateFile, StreamDispatcher
from actionkit.values import NotJSON, plain

__all__ = ["run_test", "run_action", "run_trigger", "run_task"]


def _instance(plugin, call, component) -> Any:
    what = f"{component.kind.capitalize()} '{component.name}'"
    instance = call_plugin(what, component.cls)
    instance.logger = logging.getLogger(f"{plugin.package}.{component.kind}s.{component.name}")
    instance.meta = call.meta
    return instance


def _plain(value: Any, root: str) -> Any:
    try:
        return plain(value, root)
    except NotJSON as exc:
        raise InternalError(f"{exc}.") from None


def run_test(plugin, call, component, connection, raw_input: Any) -> Any:
    """The connection's test when it defines one (reference §8), else the component's own."""
    if connection is not None and type(connection).test is not components.Connection.test:
        output = call_plugin("The connection test", connection.test)
        if output is None and call.out_type == "connection_test":
            call.http_status = 204
        return _plain(output, "output")
    if component is None:
        if connection is None:
            raise NoTestError("This plugin has no connection, so there is nothing to test.")
        raise NoTestError("The connection of this plugin defines no test.")
    instance = _instance(plugin, call, component)
    instance.connection = connection
    if type(instance).test is BASES[component.kind].test:
        raise NoTestError(f"Neither the connection nor {component.kind} '{component.name}' defines a test.")
    inp = component.input(raw_input if isinstance(raw_input, dict) else {})
    output = call_plugin(f"The test of {component.kind} '{component.name}'", instance.test, inp)
    return _plain(output, "output")


def run_action(plugin, call, component, connection, inp: Model) -> Any:
    instance = _instance(plugin, call, component)
    instance.connection = connection
    output = call_plugin(f"Action '{component.name}'", instance.run, inp)
    return plugin.shape_output(output, component.output)


def run_trigger(plugin, call, component, connection, inp, body, debug, event_stream, dispatcher) -> Result:
    """Run the trigger's loop; each ``send`` dispatches one ``trigger_event`` (reference §9.1)."""
    instance = _instance(plugin, call, component)
    instance.connection = connection
    settings = body.get("dispatcher") if isinstance(body.get("dispatcher"), dict) else {}
    instance.dispatcher = settings
    instance.state, instance._stopped, instance._saver = {}, False, None
    instance.stop_flag_path = plugin.options.stop_flag_path
    trigger_id = call.meta.get("triggerId") if isinstance(call.meta, dict) else None
    if trigger_id and os.path.isdir(plugin.options.state_dir):
        state_file = StateFile(plugin.options.state_dir, str(trigger_id))
        instance.state = state_file.load()
        instance._saver = state_file.save
    else:
        log.debug("No meta.triggerId or no %s: the trigger keeps no state", plugin.options.state_dir)
    if dispatcher is None:
        url = settings.get("url")
        use_stream = debug or not isinstance(url, str) or not url
        dispatcher = StreamDispatcher(event_stream or sys.stdout) if use_stream else HttpDispatcher(url)

    def send(event: Any) -> None:
        output = plugin.shape_output(event, component.output)
        sent = len(call.capture.lines)
        envelope = {
            "body": {
                "meta": call.meta,
                "output": call.masker.data(output),
                "log": call.masker.text(call.capture.text()),
            },
            "type": "trigger_event",
            "version": "v1",
        }
        dispatcher(envelope)
        del call.capture.lines[:sent]  # only once delivered: a failed delivery keeps its log

    instance._sender = send
    value = call_plugin(f"Trigger '{component.name}'", instance.run, inp)
    flag = plugin.options.stop_flag_path
    if instance._stopped and flag and os.path.exists(flag):
        instance.save_state()
        with contextlib.suppress(FileNotFoundError):
            os.remove(flag)
    return envelope.ok(call, _plain(value, "output"))


def run_task(plugin, call, component, connection, inp, body) -> Result:
    """One page of a task: ``(output, state, has_more_pages, status_code, error)`` (reference §9.2)."""
    instance = _instance(plugin, call, component)
    instance.connection = connection
    state = body.get("state") if isinstance(body.get("state"), dict) else {}
    custom_config = body.get("custom_config") if isinstance(body.get("custom_config"), dict) else {}
    result = call_plugin(f"Task '{component.name}'", instance.run, inp, state, custom_config)
    if not isinstance(result, (tuple, list)) or len(result) != 5:
        got = f"{len(result)} values" if isinstance(result, (tuple, list)) else f"a {type(result).__name__}"
        raise InternalError(
            f"Task '{component.name}' must return 5 values (output, state, has_more_pages, status_code, "
            f"error); it returned {got}."
        )
    output, new_state, has_more_pages, status_code, error = result
    output = plugin.shape_output(output, component.output)
    extra: dict[str, Any] = {
        "state": call.masker.data(_plain(new_state, "state")),
        "has_more_pages": bool(has_more_pages),
        "status_code": status_code,
    }
    if error is not None:
        if not isinstance(error, PluginError):
            error = InternalError(str(error))
        extra["exception"] = call.masker.data(error.exception_object())
    return envelope.ok(call, output, **extra)
