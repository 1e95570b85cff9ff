"""Running each kind of step for ``Plugin.handle``: tests, actions, triggers and tasks.

A runner gets the ``StepCall`` (what the call knows so far) and the checked input values. It creates
a fresh instance of the component, turns the names of inputs declared with ``resolve`` into IDs
through the instance's per-call resolver, runs it, and returns the ``Result`` with the output
shaped, validated and masked in one pass (``actionkit.shaping``).
"""

from __future__ import annotations

import contextlib
import logging
import os
import sys
import threading
from typing import Any

from actionkit import components, envelope
from actionkit.envelope import Result
from actionkit.errors import InternalError, NoTestError, PluginError, call_plugin
from actionkit.inputs import resolve_names
from actionkit.model import Model
from actionkit.shaping import shape_output
from actionkit.triggers import HttpDispatcher, StateFile, StreamDispatcher
from actionkit.values import NotJSON, plain

__all__ = ["StepCall", "run_test", "run_action", "run_trigger", "run_task", "RUNNERS"]

log = logging.getLogger("actionkit")


class StepCall:
    """One call on its way through the dispatch core; ``Plugin._handle`` fills it in."""

    __slots__ = ("plugin", "call", "debug", "event_stream", "dispatcher", "body", "component", "connection")

    def __init__(self, plugin: Any, call: envelope.Call, debug: bool, event_stream: Any, dispatcher: Any):
        self.plugin, self.call, self.debug = plugin, call, debug
        self.event_stream, self.dispatcher = event_stream, dispatcher
        self.body: dict[str, Any] = {}
        self.component: Any = None
        self.connection: Any = None

    def instance(self) -> Any:
        """A fresh instance of the component, its attributes set."""
        component = self.component
        instance = call_plugin(f"{component.kind.capitalize()} '{component.name}'", component.cls)
        instance.logger = logging.getLogger(f"{self.plugin.package}.{component.kind}s.{component.name}")
        instance.meta = self.call.meta
        instance.connection = self.connection
        return instance

    def typed_input(self, instance: Any, values: dict[str, Any]) -> Model:
        """The input model, names resolved to IDs with the instance's (per-call) resolver."""
        values = resolve_names(values, self.component.input.SCHEMA, lambda: instance.resolver)
        return self.component.input(values)

    def shaped(self, value: Any) -> Any:
        """The output, plain, its optional nulls dropped, validated and masked."""
        return shape_output(value, self.component.output.SCHEMA, "output", self.call.masker,
                            self.plugin.options.drop_null_outputs)


def _plain(value: Any, root: str) -> Any:
    try:
        return plain(value, root)
    except NotJSON as exc:
        raise InternalError(f"{exc}.") from None


def run_test(step: StepCall, raw_input: Any) -> Result:
    """The connection's test when it defines one (reference §8), else the component's own."""
    call, component, connection = step.call, step.component, step.connection
    if connection is not None and type(connection).test is not components.Connection.test:
        output = call_plugin("The connection test", connection.test)
        if output is None and call.out_type == "connection_test":
            call.http_status = 204
        return envelope.ok(call, _plain(output, "output"))
    if component is None:
        if connection is None:
            raise NoTestError("This plugin has no connection, so there is nothing to test.")
        raise NoTestError("The connection of this plugin defines no test.")
    instance = step.instance()
    if type(instance).test is components.BASES[component.kind].test:
        raise NoTestError(f"Neither the connection nor {component.what} defines a test.")
    inp = component.input(raw_input if isinstance(raw_input, dict) else {})
    output = call_plugin(f"The test of {component.what}", instance.test, inp)
    return envelope.ok(call, _plain(output, "output"))


def run_action(step: StepCall, values: dict[str, Any]) -> Result:
    instance = step.instance()
    inp = step.typed_input(instance, values)
    output = call_plugin(f"Action '{step.component.name}'", instance.run, inp)
    return envelope.ok(step.call, step.shaped(output), masked=True)


def run_trigger(step: StepCall, values: dict[str, Any]) -> Result:
    """Run the trigger's loop; each ``send`` dispatches one ``trigger_event`` (reference §9.1)."""
    call, options = step.call, step.plugin.options
    instance = step.instance()
    _prepare_trigger(instance, step)
    dispatch = _dispatcher(step, instance.dispatcher)

    def send(event: Any) -> None:
        output = step.shaped(event)
        sent = len(call.capture.lines)
        dispatch({
            "body": {"meta": call.meta, "output": output, "log": call.masker.text(call.capture.text())},
            "type": "trigger_event",
            "version": "v1",
        })
        del call.capture.lines[:sent]  # only once delivered: a failed delivery keeps its log

    instance._sender = send
    inp = step.typed_input(instance, values)
    with _stop_on_sigterm(instance):
        value = call_plugin(f"Trigger '{step.component.name}'", instance.run, inp)
    if instance._stopped:
        instance.save_state()
        flag = options.stop_flag_path
        if flag:
            with contextlib.suppress(FileNotFoundError):
                os.remove(flag)
    return envelope.ok(call, _plain(value, "output"))


@contextlib.contextmanager
def _stop_on_sigterm(instance: Any) -> Any:
    """While the trigger runs, SIGTERM (``docker stop``) asks its loop to stop instead of killing
    it between two statements: the event being sent is delivered and its state saved before the
    trigger returns, so a stop between an emit and its save neither loses nor repeats an event.
    Only the main thread can take signals; elsewhere (a test's thread) nothing changes."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    import signal  # only triggers and tasks need it: an action's cold ``run`` does not load it

    previous = signal.signal(signal.SIGTERM, lambda signum, frame: instance.stop())
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def _prepare_trigger(instance: Any, step: StepCall) -> None:
    """Its dispatcher settings, stop flag, and state from its file when the message names the
    trigger (``meta.triggerId``)."""
    options = step.plugin.options
    settings = step.body.get("dispatcher")
    instance.dispatcher = settings if isinstance(settings, dict) else {}
    instance.state, instance._stopped, instance._saver = {}, False, None
    instance._wake = threading.Event()
    instance.stop_flag_path = options.stop_flag_path
    meta = step.call.meta
    trigger_id = meta.get("triggerId") if isinstance(meta, dict) else None
    if trigger_id and os.path.isdir(options.state_dir):
        state_file = StateFile(options.state_dir, str(trigger_id))
        instance.state = state_file.load()
        instance._saver = state_file.save
    elif trigger_id:
        # A restart would start over: say so where the operator looks.
        log.warning(
            "The trigger state directory %s does not exist, so this trigger keeps no state between runs; "
            "mount it, or set %s to a writable directory.", options.state_dir, "ACTIONKIT_STATE_DIR",
        )
    else:
        log.debug("No meta.triggerId: the trigger keeps no state")


def _dispatcher(step: StepCall, settings: dict[str, Any]) -> Any:
    """Where events go: the given dispatcher, else a stream (debug, no URL), else the URL."""
    if step.dispatcher is not None:
        return step.dispatcher
    url = settings.get("url")
    if step.debug or not isinstance(url, str) or not url:
        return StreamDispatcher(step.event_stream or sys.stdout)
    return HttpDispatcher(url)


def run_task(step: StepCall, values: dict[str, Any]) -> Result:
    """One page of a task: ``(output, state, has_more_pages, status_code, error)`` (reference §9.2)."""
    call, body, name = step.call, step.body, step.component.name
    instance = step.instance()
    inp = step.typed_input(instance, values)
    state = body.get("state") if isinstance(body.get("state"), dict) else {}
    custom_config = body.get("custom_config") if isinstance(body.get("custom_config"), dict) else {}
    result = call_plugin(f"Task '{name}'", instance.run, inp, state, custom_config)
    if not isinstance(result, (tuple, list)) or len(result) != 5:
        got = f"{len(result)} values" if isinstance(result, (tuple, list)) else f"a {type(result).__name__}"
        raise InternalError(
            f"Task '{name}' must return 5 values (output, state, has_more_pages, status_code, "
            f"error); it returned {got}."
        )
    output, new_state, has_more_pages, status_code, error = result
    output = step.shaped(output)
    extra: dict[str, Any] = {
        "state": call.masker.data(_plain(new_state, "state")),
        "has_more_pages": bool(has_more_pages),
        "status_code": status_code,
    }
    if error is not None:
        if not isinstance(error, PluginError):
            error = InternalError(str(error))
        extra["exception"] = call.masker.data(error.exception_object())
    return envelope.ok(call, output, masked=True, **extra)


RUNNERS = {"action": run_action, "trigger": run_trigger, "task": run_task}
