"""The one dispatch core: ``Plugin.handle(message) -> Result``, for the CLI and for HTTP mode.

``Plugin._handle`` reads top to bottom as one call goes (reference §3.1 and §3.4, with our fixes):

1. the envelope checks (``envelope.check``): a JSON object; ``type``, ``version``, ``body``;
   ``version == "v1"``; a known type; a component of that name; all before any connection;
2. the first log line; from here on everything logged goes into ``body.log`` (``actionkit.logs``)
   and every secret of the connection and of the input is masked in the envelope;
3. the connection: checked (``inputs.check_connection``: unknown settings, old names, types and
   bounds, a ``config`` error naming each field), connected and cached (``actionkit.cache``);
4. test mode (or a ``connection_test``): the connection's test, else the component's own;
5. run mode: the input checked (``inputs.check_input``: retired and unknown inputs, old names,
   the optional-empty leniency, types, enums, dates; an ``input`` error naming every field); then
   ``actionkit.steps`` runs the component in a fresh instance: names turned into IDs, ``run``,
   and the output shaped in one pass (``actionkit.shaping``; ``internal`` if it breaks the spec).

``handle`` never raises, and no envelope carries a traceback.
"""

from __future__ import annotations

import contextlib
import importlib
import logging
import os
import traceback
from typing import Any, TextIO

from actionkit import envelope, steps
from actionkit.cache import ConnectionCache, connection_key
from actionkit.components import BASES
from actionkit.envelope import MESSAGE_TYPES, Result, error_result
from actionkit.errors import InternalError, NoTestError, PluginError, call_plugin, unexpected
from actionkit.inputs import canonical, check_connection, check_input
from actionkit.logs import capture
from actionkit.masking import collect_secrets, masker_for
from actionkit.model import Model

__all__ = [
    "Plugin", "Result", "Options", "Component", "NoTestError", "MESSAGE_TYPES", "error_result", "call_plugin",
    "BASES",
]

log = logging.getLogger("actionkit")
STATE_DIR_VARIABLE = "ACTIONKIT_STATE_DIR"


class Options:
    """Switches of the runtime; the defaults are the production behaviour.

    ``lenient_inputs``: optional inputs sent as ``null`` or ``""`` count as not provided (§11.3).
    ``drop_null_outputs``: drop the ``null``s of optional typed output fields (§11.3).
    ``cache_size``, ``cache_ttl`` (seconds), ``cache_enabled``: the connection cache.
    ``state_dir``, ``stop_flag_path``: trigger state files and the stop flag (§9.1); the state
    directory defaults to ``$ACTIONKIT_STATE_DIR``, else ``/workspace/cache`` as the ecosystem mounts it.
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
        state_dir: str | None = None,
        stop_flag_path: str = "/workspace/tmp/terminate_trigger.flag",
    ):
        self.lenient_inputs = lenient_inputs
        self.drop_null_outputs = drop_null_outputs
        self.cache_size = cache_size
        self.cache_ttl = cache_ttl
        self.cache_enabled = cache_enabled
        self.state_dir = state_dir or os.environ.get(STATE_DIR_VARIABLE) or "/workspace/cache"
        self.stop_flag_path = stop_flag_path


class Component:
    """A loaded component: ``kind`` (action, trigger, task), ``name``, its class and models."""

    __slots__ = ("kind", "name", "cls", "input", "output")

    def __init__(self, kind: str, name: str, cls: type, input: type[Model], output: type[Model]):
        self.kind, self.name, self.cls, self.input, self.output = kind, name, cls, input, output

    @property
    def what(self) -> str:
        """``action 'get_user'``: how messages name the component."""
        return f"{self.kind} '{self.name}'"


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
        as it is written, and the tracebacks no envelope carries; trigger events go to
        ``dispatcher`` if given, else to ``event_stream`` (default stdout) under ``debug`` or
        without ``dispatcher.url``, else are POSTed to that URL.
        """
        step = steps.StepCall(self, envelope.Call(), debug, event_stream, dispatcher)
        try:
            return self._handle(step, message, test, org_id, log_mirror)
        except PluginError as error:
            return envelope.failure(step.call, error)
        except Exception as exc:  # noqa: BLE001  (handle never raises; a framework defect ends here)
            if log_mirror is not None:
                with contextlib.suppress(OSError, ValueError):  # a closed stderr must not make it raise
                    log_mirror.write(step.call.masker.text(traceback.format_exc()))
            return envelope.failure(step.call, unexpected("actionkit", exc))

    def _handle(
        self, step: steps.StepCall, message: Any, test: bool, org_id: str, log_mirror: TextIO | None
    ) -> Result:
        call = step.call
        body, kind, name = envelope.check(message, call, self.names)
        step.body = body
        params, raw_input = _part(body, "connection"), _part(body, "input")
        secrets = collect_secrets(params)
        call.masker = masker_for(frozenset(secrets))
        # The mask is looked up per line: it grows once the schemas are imported.
        with capture(debug=step.debug, mirror=log_mirror, mask=lambda text: call.masker.text(text)) as lines:
            call.capture = lines
            try:
                log.info(f"{self.identity}. Step name: {name}" if name else self.identity)
                step.component = component = self.component(kind, name) if kind else None
                call.masker = self._masker(secrets, params, raw_input, component)
                step.connection = self._connect(params, org_id)
                if test or component is None:
                    return steps.run_test(step, raw_input)
                values = check_input(raw_input, component.input.SCHEMA, component.what,
                                     lenient=self.options.lenient_inputs)
                return steps.RUNNERS[kind](step, values)
            except PluginError as error:
                return envelope.failure(call, error)

    def _masker(self, secrets: set[str], params: Any, raw_input: Any, component: Component | None) -> Any:
        """The masker of every secret: the connection's by key name and by schema, the input's
        password fields (under their current or an old name)."""
        connection_spec = self.connection_class()
        if connection_spec is not None:
            secrets = secrets | _secrets(params, connection_spec[1].SCHEMA, by_key_name=True)
        if component is not None:
            secrets = secrets | _secrets(raw_input, component.input.SCHEMA, by_key_name=False)
        return masker_for(frozenset(secrets))

    def _connect(self, params: Any, org_id: str) -> Any:
        """The connected Connection (``None`` for a connectionless plugin), from the cache if there."""
        spec = self.connection_class()
        if spec is None:
            return None
        cls, model = spec
        checked = check_connection(params, model.SCHEMA)
        if not self.cache.enabled:
            return self._new_connection(cls, model, checked)
        key = connection_key(checked, org_id)
        return self.cache.get_or_create(key, lambda: self._new_connection(cls, model, checked))

    def _new_connection(self, cls: type, model: type[Model], params: dict) -> Any:
        connection = cls()
        connection.logger = logging.getLogger(f"{self.package}.connection")
        connection.params = model(params)
        call_plugin("Connecting", connection.connect, connection.params)
        return connection

    # -- loading plugin code --------------------------------------------------------------------

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


def _secrets(values: Any, schema: Any, *, by_key_name: bool) -> set[str]:
    found = collect_secrets(values, schema, by_key_name=by_key_name)
    renamed = canonical(values, schema)  # a password input sent under an old name is one too
    return found if renamed is values else found | collect_secrets(renamed, schema, by_key_name=by_key_name)


def _part(body: dict, key: str) -> Any:
    """``body[key]``, a missing or null one being ``{}`` (reference §3.1)."""
    value = body.get(key)
    return {} if value is None else value


def _import(module_name: str, what: str) -> Any:
    try:
        return importlib.import_module(module_name)
    except Exception as exc:  # noqa: BLE001  (a broken plugin module is a plugin defect)
        log.error("Cannot import %s", module_name, exc_info=True)
        raise InternalError(f"Cannot load {what}: {type(exc).__name__}: {exc}") from None
