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
import logging
from typing import Any, TextIO

from actionkit import components, envelope
from actionkit.cache import ConnectionCache, connection_key
from actionkit.envelope import MESSAGE_TYPES, Result, error_result
from actionkit.errors import ConfigError, InputError, InternalError, PluginError
from actionkit.logs import capture
from actionkit.masking import collect_secrets, masker_for
from actionkit.model import Model
from actionkit.validate import validate
from actionkit.values import NotJSON, drop_empty_optional_inputs, drop_optional_nulls, plain

__all__ = [
    "Plugin", "Result", "Options", "Component", "NoTestError", "MESSAGE_TYPES", "error_result", "call_plugin",
]

log = logging.getLogger("actionkit")

BASES = {"action": components.Action, "trigger": components.Trigger, "task": components.Task}


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
        call = envelope.Call()
        try:
            return self._handle(call, message, test, debug, org_id, log_mirror, event_stream, dispatcher)
        except PluginError as error:
            return envelope.failure(call, error)
        except Exception as exc:  # noqa: BLE001  (handle never raises; a framework defect ends here)
            log.error("actionkit failed unexpectedly", exc_info=True)
            return envelope.failure(call, _unexpected("actionkit", exc))

    def _handle(self, call, message, test, debug, org_id, log_mirror, event_stream, dispatcher) -> Result:
        from actionkit import steps  # noqa: PLC0415  (split out for size; always needed here)

        body, kind, name = envelope.check(message, call, self.names)
        params = body.get("connection")
        params = {} if params is None else params
        raw_input = body.get("input")
        raw_input = {} if raw_input is None else raw_input
        secrets = collect_secrets(params)
        call.masker = masker_for(frozenset(secrets))
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
                call.masker = masker_for(frozenset(secrets))
                connection = self._connect(connection_spec, params, org_id)
                if test or component is None:
                    return envelope.ok(call, steps.run_test(self, call, component, connection, raw_input))
                inp = self._input(component, raw_input)
                if kind == "action":
                    return envelope.ok(call, steps.run_action(self, call, component, connection, inp))
                if kind == "trigger":
                    return steps.run_trigger(
                        self, call, component, connection, inp, body, debug, event_stream, dispatcher
                    )
                return steps.run_task(self, call, component, connection, inp, body)
            except PluginError as error:
                return envelope.failure(call, error)

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



def _lines(problems: list[str]) -> str:
    return "\n".join(f"{problem}." for problem in problems)
