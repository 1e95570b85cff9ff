"""The one dispatch core: ``Plugin.handle(message) -> Result``, for the CLI and for HTTP mode.

One call, in order (reference §3.1 and §3.4, with our fixes):

1. envelope checks: a JSON object; ``type``, ``version``, ``body``; ``version == "v1"``; a known
   type; the component name; a component of that name (all before any connection is built);
2. the first log line, then the connection: validated against its schema (``config`` error naming
   the field), connected, and cached (``actionkit.cache``);
3. test mode (or a ``connection_test``): the connection's test, else the component's own test;
4. run mode: the input, after the optional-empty leniency, validated (``input`` errors naming
   every failing field); the component runs in a fresh instance;
5. the output: made plain JSON, optional ``null``s dropped, validated (``internal`` on failure).

Everything the call logs is captured into ``body.log`` (``actionkit.logs``), and every secret of
the connection is masked in the envelope (``actionkit.masking``). ``handle`` never raises.
"""

from __future__ import annotations

import importlib
import json
import logging
from typing import Any, TextIO

from actionkit import components
from actionkit.cache import ConnectionCache, connection_key
from actionkit.errors import ConfigError, InputError, InternalError, PluginError
from actionkit.logs import capture
from actionkit.masking import Masker, collect_secrets
from actionkit.model import Model
from actionkit.validate import json_type, validate
from actionkit.values import NotJSON, drop_empty_optional_inputs, drop_optional_nulls, plain

__all__ = [
    "Plugin", "Result", "Options", "Component", "NoTestError", "MESSAGE_TYPES", "error_result", "call_plugin",
]

log = logging.getLogger("actionkit")

# message type -> (body key of the component name, response type, manifest attribute)
MESSAGE_TYPES = {
    "action_start": ("action", "action_event", "ACTIONS"),
    "trigger_start": ("trigger", "trigger_event", "TRIGGERS"),
    "task_start": ("task", "task_event", "TASKS"),
    "connection_test": (None, "connection_test", None),
}
BASES = {"action": components.Action, "trigger": components.Trigger, "task": components.Task}
ENVELOPE_HELP = (
    'Send one JSON object such as {"type": "action_start", "version": "v1", '
    '"body": {"action": "<name>", "input": {}, "connection": {}, "meta": {}}}.'
)
_UNKNOWN = object()  # meta before the envelope got far enough to default it: rendered null


class NoTestError(InputError):
    """Neither the connection nor the component defines a test (HTTP 501)."""

    @property
    def http_status(self) -> int:
        return 501


class Options:
    """Switches of the runtime; the defaults are the production behaviour.

    ``lenient_inputs``: optional inputs sent as ``null`` or ``""`` count as not provided (§11.3).
    ``drop_null_outputs``: drop the ``null``s of optional typed output fields (§11.3).
    ``cache_size``, ``cache_ttl`` (seconds), ``cache_enabled``: the connection cache.
    ``state_dir``, ``stop_flag_path``: trigger state files and the stop flag (§9.1).
    """

    # Plain classes rather than dataclasses: generating dataclass methods costs milliseconds
    # at import, and ``run`` starts a process per action.
    __slots__ = ("lenient_inputs", "drop_null_outputs", "cache_size", "cache_ttl", "cache_enabled",
                 "state_dir", "stop_flag_path")

    def __init__(
        self,
        *,
        lenient_inputs: bool = True,
        drop_null_outputs: bool = True,
        cache_size: int = 32,
        cache_ttl: float = 3600.0,
        cache_enabled: bool = True,
        state_dir: str = "/workspace/cache",
        stop_flag_path: str = "/workspace/tmp/terminate_trigger.flag",
    ):
        self.lenient_inputs = lenient_inputs
        self.drop_null_outputs = drop_null_outputs
        self.cache_size = cache_size
        self.cache_ttl = cache_ttl
        self.cache_enabled = cache_enabled
        self.state_dir = state_dir
        self.stop_flag_path = stop_flag_path


class Component:
    """A loaded component: ``kind`` (action, trigger, task), ``name``, its class and models."""

    __slots__ = ("kind", "name", "cls", "input", "output")

    def __init__(self, kind: str, name: str, cls: type, input: type[Model], output: type[Model]):
        self.kind, self.name, self.cls, self.input, self.output = kind, name, cls, input, output


class Result:
    """What ``handle`` returns: the output envelope and how to report it."""

    __slots__ = ("envelope", "http_status", "error")

    def __init__(self, envelope: dict[str, Any], http_status: int = 200, error: PluginError | None = None):
        self.envelope = envelope
        self.http_status = http_status
        self.error = error  # the error the call ended with (its texts unmasked: never print them)

    @property
    def ok(self) -> bool:
        return self.error is None

    @property
    def exit_code(self) -> int:
        return 0 if self.ok else 1

    def to_json(self, *, sort_keys: bool = False) -> str:
        return json.dumps(self.envelope, sort_keys=sort_keys)

    def __repr__(self) -> str:
        return f"Result(http_status={self.http_status}, envelope={self.envelope!r})"


class _Call:
    """What one call knows so far; enough to build an error envelope at any point."""

    __slots__ = ("out_type", "meta", "masker", "capture", "http_status")

    def __init__(self) -> None:
        self.out_type: str | None = None
        self.meta: Any = _UNKNOWN
        self.masker = Masker()
        self.capture: Any = None
        self.http_status = 200


class Plugin:
    """A plugin package loaded for serving. Components are imported on first use."""

    def __init__(self, package: str, manifest: Any, options: Options | None = None):
        self.package = package
        self.manifest = manifest
        self.options = options or Options()
        self.info: dict[str, Any] = dict(manifest.PLUGIN)
        options = self.options
        self.cache = ConnectionCache(options.cache_size, options.cache_ttl, options.cache_enabled)
        self._components: dict[tuple[str, str], Component] = {}
        self._connection: tuple[type, type[Model]] | None = None

    @classmethod
    def load(cls, package: str, **options: Any) -> Plugin:
        """Import ``<package>.manifest``; ``options`` are the fields of ``Options``."""
        return cls(package, importlib.import_module(f"{package}.manifest"), Options(**options))

    @property
    def identity(self) -> str:
        return f"{self.info['vendor']}/{self.info['title']}:{self.info['version']}"

    def names(self, kind: str) -> dict[str, dict[str, Any]]:
        """The components of a kind (``action``, ``trigger``, ``task``) in spec order."""
        return getattr(self.manifest, f"{kind.upper()}S", {}) or {}

    def component(self, kind: str, name: str) -> Component:
        """The class and schemas of a component; raises ``InternalError`` if its code is broken."""
        key = (kind, name)
        if key not in self._components:
            base = BASES[kind]
            module_name = f"{self.package}.{kind}s.{name}.{kind}"
            module = _import(module_name, f"{kind} '{name}'")
            found = [
                obj
                for obj in vars(module).values()
                if isinstance(obj, type) and issubclass(obj, base) and obj is not base
                and obj.__module__ == module.__name__
            ]
            if len(found) != 1:
                raise InternalError(
                    f"{module_name} must define exactly one {base.__name__} subclass; "
                    f"it defines {len(found)}."
                )
            schema = _import(f"{self.package}.{kind}s.{name}.schema", f"{kind} '{name}'")
            self._components[key] = Component(
                kind, name, found[0], getattr(schema, "Input", Model), getattr(schema, "Output", Model)
            )
        return self._components[key]

    def connection_class(self) -> tuple[type, type[Model]] | None:
        """``(Connection class, connection Input model)``, or ``None`` for a connectionless plugin."""
        if not getattr(self.manifest, "CONNECTION", False):
            return None
        if self._connection is None:
            module = _import(f"{self.package}.connection.connection", "the connection")
            schema = _import(f"{self.package}.connection.schema", "the connection")
            self._connection = (module.Connection, schema.Input)
        return self._connection

    # -- the core -----------------------------------------------------------------------------

    def handle(
        self,
        message: Any,
        *,
        test: bool = False,
        debug: bool = False,
        org_id: str = "",
        log_mirror: TextIO | None = None,
        event_stream: TextIO | None = None,
        dispatcher: Any = None,
    ) -> Result:
        """Serve one message (a dict, or JSON text/bytes) and return the output envelope.

        ``test`` runs the test instead of the component; ``debug`` captures DEBUG lines;
        ``org_id`` scopes the connection cache; ``log_mirror`` receives each (masked) log line
        as it is written; trigger events go to ``dispatcher`` if given, else to
        ``event_stream`` (default stdout) under ``debug`` or without ``dispatcher.url``, else
        are POSTed to that URL.
        """
        call = _Call()
        try:
            return self._handle(call, message, test, debug, org_id, log_mirror, event_stream, dispatcher)
        except PluginError as error:
            return self._error(call, error)
        except Exception as exc:  # noqa: BLE001  (handle never raises; a framework defect ends here)
            log.error("actionkit failed unexpectedly", exc_info=True)
            return self._error(call, _unexpected("actionkit", exc))

    def _handle(self, call, message, test, debug, org_id, log_mirror, event_stream, dispatcher) -> Result:
        from actionkit import steps  # noqa: PLC0415  (split out for size; always needed here)

        body, kind, name = self._envelope(call, message)
        params = body.get("connection")
        params = {} if params is None else params
        raw_input = body.get("input")
        raw_input = {} if raw_input is None else raw_input
        secrets = collect_secrets(params)
        call.masker = Masker(secrets)
        # The mask is looked up per line: it grows once the schemas are imported.
        with capture(debug=debug, mirror=log_mirror, mask=lambda text: call.masker.text(text)) as lines:
            call.capture = lines
            try:
                log.info(f"{self.identity}. Step name: {name}" if name else self.identity)
                connection_spec = self.connection_class()
                component = self.component(kind, name) if kind else None
                if connection_spec is not None:
                    secrets |= collect_secrets(params, connection_spec[1].SCHEMA)
                if component is not None:
                    secrets |= collect_secrets(raw_input, component.input.SCHEMA, by_key_name=False)
                call.masker = Masker(secrets)
                connection = self._connect(connection_spec, params, org_id)
                if test or component is None:
                    output = steps.run_test(self, call, component, connection, raw_input)
                    return self._ok(call, output)
                inp = self._input(component, raw_input)
                if kind == "action":
                    return self._ok(call, steps.run_action(self, call, component, connection, inp))
                if kind == "trigger":
                    return steps.run_trigger(
                        self, call, component, connection, inp, body, debug, event_stream, dispatcher
                    )
                return steps.run_task(self, call, component, connection, inp, body)
            except PluginError as error:
                return self._error(call, error)

    def _envelope(self, call: _Call, message: Any) -> tuple[dict, str | None, str | None]:
        """The checks of reference §3.1, in order; returns ``(body, kind, name)``."""
        if isinstance(message, (bytes, bytearray, str)):
            text = message.decode("utf-8", "replace") if isinstance(message, (bytes, bytearray)) else message
            if not text.strip():
                raise InputError("The message is empty.", ENVELOPE_HELP)
            try:
                message = json.loads(text)
            except ValueError as exc:
                raise InputError(f"The message is not valid JSON: {exc}.", ENVELOPE_HELP) from None
        if not isinstance(message, dict):
            raise InputError(f"The message must be a JSON object, got {json_type(message)}.", ENVELOPE_HELP)
        kind_info = MESSAGE_TYPES.get(message.get("type")) if isinstance(message.get("type"), str) else None
        call.out_type = kind_info[1] if kind_info else None
        missing = [key for key in ("type", "version", "body") if key not in message]
        if missing:
            raise InputError(f"The message lacks {_quote_all(missing)}.", ENVELOPE_HELP)
        body = message["body"]
        if not isinstance(body, dict):
            raise InputError(f"The body must be a JSON object, got {json_type(body)}.", ENVELOPE_HELP)
        if message["version"] != "v1":
            version = _show(message["version"])
            raise InputError(f"Unsupported message version {version}.", 'Send "version": "v1".')
        if kind_info is None:
            raise InputError(
                f"Unknown message type {_show(message['type'])}.", f"Send one of {_quote_all(MESSAGE_TYPES)}."
            )
        call.meta = body.get("meta", {})
        key = kind_info[0]
        if key is None:
            return body, None, None
        name = body.get(key)
        if name is None or name == "":
            raise InputError(f"body.{key} is missing.", f"Name the {key} to run in body.{key}.")
        if not isinstance(name, str):
            raise InputError(f"body.{key} must be a string, got {json_type(name)}.", f"Name the {key}.")
        known = self.names(key)
        if name not in known:
            choices = f"This plugin has no {key}s."
            if known:
                choices = f"This plugin's {key}s are {_quote_all(known)}."
            raise InputError(f"Unknown {key} {_show(name)}.", choices)
        return body, key, name

    def _connect(self, spec: tuple[type, type[Model]] | None, params: Any, org_id: str) -> Any:
        if spec is None:
            return None
        cls, model = spec
        problems = validate(params, model.SCHEMA, "connection")
        if problems:
            raise ConfigError(_lines(problems))
        if not self.cache.enabled:
            return self._new_connection(cls, model, params)
        key = connection_key(params, org_id)
        return self.cache.get_or_create(key, lambda: self._new_connection(cls, model, params))

    def _new_connection(self, cls: type, model: type[Model], params: dict) -> Any:
        connection = cls()
        connection.logger = logging.getLogger(f"{self.package}.connection")
        connection.params = model(params)
        call_plugin("Connecting", connection.connect, connection.params)
        return connection

    def _input(self, component: Component, raw: Any) -> Model:
        schema = component.input.SCHEMA
        if self.options.lenient_inputs:
            raw, dropped = drop_empty_optional_inputs(raw, schema)
            if dropped:
                log.debug("Optional inputs sent empty, treated as not provided: %s", ", ".join(dropped))
        problems = validate(raw, schema, "input", required_not_empty=True)
        if problems:
            raise InputError(_lines(problems))
        return component.input(raw if isinstance(raw, dict) else {})

    def shape_output(self, value: Any, model: type[Model], root: str = "output") -> Any:
        """Plain JSON, optional nulls dropped (with a debug line), validated: ``InternalError`` if not."""
        try:
            value = plain(value, root)
        except NotJSON as exc:
            raise InternalError(f"{exc}.") from None
        if self.options.drop_null_outputs:
            value, dropped = drop_optional_nulls(value, model.SCHEMA, root)
            if dropped:
                log.debug("Dropped null optional output fields: %s", ", ".join(dropped))
        problems = validate(value, model.SCHEMA, root)
        if problems:
            raise InternalError(_lines(problems))
        return value

    # -- envelopes ----------------------------------------------------------------------------

    def _ok(self, call: _Call, output: Any, **extra: Any) -> Result:
        output = call.masker.data(output)
        body = {"log": self._log(call), "status": "ok", "meta": _meta(call), "output": output}
        body.update(extra)
        return Result({"body": body, "version": "v1", "type": call.out_type}, call.http_status)

    def _error(self, call: _Call, error: PluginError) -> Result:
        log.debug("The step ended with a %s error", error.kind, exc_info=error)
        masker = call.masker
        body = {
            "log": self._log(call),
            "status": "error",
            "meta": _meta(call),
            "error": masker.text(error.error_text()),
            "exception": masker.data(error.exception_object()),
        }
        return Result({"body": body, "version": "v1", "type": call.out_type}, error.http_status, error)

    @staticmethod
    def _log(call: _Call) -> str:
        return call.masker.text(call.capture.text()) if call.capture is not None else ""


def error_result(error: PluginError, out_type: str | None = None, meta: Any = None) -> Result:
    """An error envelope for a failure outside ``handle`` (a plugin that cannot even load)."""
    body = {"log": "", "status": "error", "meta": meta, "error": error.error_text(),
            "exception": error.exception_object()}
    return Result({"body": body, "version": "v1", "type": out_type}, error.http_status, error)


def call_plugin(what: str, function: Any, *args: Any) -> Any:
    """Call plugin code: a ``PluginError`` passes as is, anything else becomes ``internal``."""
    try:
        return function(*args)
    except PluginError:
        raise
    except (Exception, SystemExit) as exc:  # noqa: BLE001  (plugin defects end as one clean line)
        log.error("%s failed unexpectedly", what, exc_info=True)
        raise _unexpected(what, exc) from None


def _unexpected(what: str, exc: BaseException) -> InternalError:
    text = " ".join(str(exc).split()) or "(no message)"
    if len(text) > 300:
        text = text[:297] + "..."
    return InternalError(f"{what} failed unexpectedly: {type(exc).__name__}: {text}")


def _import(module_name: str, what: str) -> Any:
    try:
        return importlib.import_module(module_name)
    except Exception as exc:  # noqa: BLE001  (a broken plugin module is a plugin defect)
        log.error("Cannot import %s", module_name, exc_info=True)
        raise InternalError(f"Cannot load {what}: {type(exc).__name__}: {exc}") from None


def _meta(call: _Call) -> Any:
    return None if call.meta is _UNKNOWN else call.meta


def _lines(problems: list[str]) -> str:
    return "\n".join(f"{problem}." for problem in problems)


def _quote_all(names: Any) -> str:
    return ", ".join(_show(name) for name in names)


def _show(value: Any) -> str:
    return f"'{value}'" if isinstance(value, str) else json.dumps(value)

