"""The in-memory account: a declarative resource registry and generic CRUD over it.

A resource is declared once (``Resource`` with its ``Field`` list): its plural and singular
names, ID shape, fields with defaults and checks, the shape of its references, its ``query`` and
``key[]`` filters, its ``include[]`` values and which REST endpoints it gets. ``Store`` then
gives list (with classic pagination), get, create, partial update and delete for every
resource, and renders records the way PagerDuty does (references as ``{id, type, summary,
self, html_url}``). Adding a resource is one ``Resource(...)`` in ``resources.py``.

Records are plain dicts keyed by field name; a reference is stored as the target's ID and a
list of references as a list of IDs. One re-entrant lock guards the whole store. Request bodies
are checked against the fields in ``field_checks.py``.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from .clock import Clock, IdGenerator
from .errors import ApiError, arguments_error, invalid, not_found
from .field_checks import body_values
from .settings import Settings

HTML_BASE = "https://pdt-sim.pagerduty.com"
MAX_LIMIT = 100
DEFAULT_LIMIT = 25
OFFSET_CEILING = 10000
TRUE_WORDS = {"true": True, "1": True, "false": False, "0": False}


@dataclass(frozen=True)
class Field:
    """One field of a resource: its kind, default and the checks applied to request bodies."""

    name: str
    kind: str = "str"  # str | int | bool | dict | list | any | ref | refs
    target: str | None = None  # plural of the referenced resource, for ref and refs
    default: Any = None  # a value, or a zero-argument callable for mutable defaults
    required: bool = False
    nullable: bool = True
    writable: bool = True  # read-only fields in request bodies are ignored, as PagerDuty does
    max_len: int | None = None
    min_len: int | None = None
    enum: tuple[Any, ...] | None = None

    @property
    def label(self) -> str:
        return self.name.replace("_", " ").capitalize()

    def initial(self) -> Any:
        return self.default() if callable(self.default) else self.default


Hook = Callable[..., Any]


@dataclass
class Resource:
    """Declaration of one REST resource; see the module docstring."""

    plural: str
    singular: str
    fields: tuple[Field, ...]
    type: str = ""
    id_length: int = 7
    id_first: str = "P"
    endpoints: frozenset[str] = frozenset({"list", "get", "create", "update", "delete"})
    query_fields: tuple[str, ...] = ("name",)
    # ``key[]`` (or scalar) query filters: name -> predicate(store, record, values) -> bool
    filters: dict[str, Hook] = field(default_factory=dict)
    # include[] values the endpoint accepts -> field expanded into full objects (None: accepted, no-op)
    includes: dict[str, str | None] = field(default_factory=dict)
    summary: Hook = staticmethod(lambda record: record.get("name"))
    html_path: str | None = None
    self_path: Hook | None = None  # record -> API path, for nested resources
    html_of: Hook | None = None  # record -> web path under HTML_BASE, for nested resources
    sort_key: Hook | None = None
    # Hooks: validate(store, values, existing, ctx) may raise ApiError or adjust values;
    # render(store, record, out, includes) adds derived fields; before_delete(store, record, ctx)
    # refuses a delete; after_create / after_delete(store, record) keep indexes.
    validate: Hook | None = None
    render: Hook | None = None
    before_delete: Hook | None = None
    after_create: Hook | None = None
    after_delete: Hook | None = None

    def __post_init__(self) -> None:
        self.type = self.type or self.singular
        self.by_name = {f.name: f for f in self.fields}


class Query:
    """Decoded query string: ``x[]`` and ``x%5B%5D`` arrive as the same key, repeats as a list."""

    def __init__(self, values: dict[str, list[str]] | None = None):
        self.values = values or {}

    def one(self, name: str, default: str | None = None) -> str | None:
        found = self.values.get(name)
        return found[-1] if found else default

    def many(self, name: str) -> list[str]:
        return list(self.values.get(name + "[]", []))

    def boolean(self, name: str, default: bool = False) -> bool:
        raw = self.one(name)
        if raw is None:
            return default
        if raw not in TRUE_WORDS:
            raise arguments_error(f"{name.capitalize()} parameter must be a boolean")
        return TRUE_WORDS[raw]


@dataclass
class Page:
    limit: int
    offset: int
    total: bool


class Store:
    """All account state, guarded by ``lock``; the registry of resources it serves."""

    def __init__(self, resources: list[Resource], settings: Settings, clock: Clock, ids: IdGenerator):
        self.lock = threading.RLock()
        self.resources = {r.plural: r for r in resources}
        self.settings = settings
        self.clock = clock
        self.ids = ids
        self.base_url = "https://api.pagerduty.com"
        # Called with each new incident log entry (under ``lock``): webhooks watch changes here.
        self.log_listeners: list[Callable[[dict[str, Any]], None]] = []
        self.clear()

    def clear(self) -> None:
        """Forget everything: tables, counters, keys, routing keys and indexes."""
        self.tables: dict[str, dict[str, dict[str, Any]]] = {plural: {} for plural in self.resources}
        self.counters: dict[str, int] = {}
        self.api_keys: dict[str, dict[str, Any]] = {}  # key -> {"kind", "user", "scopes", "label"}
        self.routing_keys: dict[str, str] = {}  # integration_key -> integration id
        self.indexes: dict[str, dict[Any, Any]] = {}

    # -- helpers --------------------------------------------------------------------------------

    def index(self, name: str) -> dict[Any, Any]:
        return self.indexes.setdefault(name, {})

    def next_number(self, counter: str) -> int:
        self.counters[counter] = self.counters.get(counter, 0) + 1
        return self.counters[counter]

    def now(self) -> str:
        return self.clock.iso()

    def table(self, plural: str) -> dict[str, dict[str, Any]]:
        return self.tables[plural]

    def find(self, plural: str, record_id: str) -> dict[str, Any] | None:
        return self.tables[plural].get(record_id)

    def require(self, plural: str, record_id: str) -> dict[str, Any]:
        record = self.tables[plural].get(record_id)
        if record is None:
            raise not_found()
        return record

    # -- rendering ------------------------------------------------------------------------------

    def self_url(self, plural: str, record_id: str, record: dict[str, Any] | None = None) -> str:
        resource = self.resources[plural]
        if resource.self_path is not None and record is not None:
            return self.base_url + resource.self_path(record)
        return f"{self.base_url}/{plural}/{record_id}"

    def html_url(
        self, resource: Resource, record_id: str, record: dict[str, Any] | None = None
    ) -> str | None:
        if resource.html_of is not None and record is not None:
            return f"{HTML_BASE}/{resource.html_of(record)}"
        if resource.html_path is None:
            return None
        return f"{HTML_BASE}/{resource.html_path}/{record_id}"

    def ref(self, plural: str, record_id: str | None) -> dict[str, Any] | None:
        """PagerDuty's reference to a record: ``{id, type: <type>_reference, summary, self, html_url}``."""
        if record_id is None:
            return None
        resource = self.resources[plural]
        record = self.tables[plural].get(record_id)
        kind = record.get("type", resource.type) if record is not None else resource.type
        return {
            "id": record_id,
            "type": f"{kind}_reference",
            "summary": resource.summary(record) if record is not None else None,
            "self": self.self_url(plural, record_id, record),
            "html_url": self.html_url(resource, record_id, record),
        }

    def render(self, plural: str, record: dict[str, Any], includes: tuple[str, ...] = ()) -> dict[str, Any]:
        """The full API object for ``record``; ``includes`` expands the named reference fields."""
        resource = self.resources[plural]
        expand = {resource.includes.get(i) for i in includes}
        out: dict[str, Any] = {
            "id": record["id"],
            "type": record.get("type", resource.type),
            "summary": resource.summary(record),
            "self": self.self_url(plural, record["id"], record),
            "html_url": self.html_url(resource, record["id"], record),
        }
        for spec in resource.fields:
            if spec.name == "type":
                continue
            value = record.get(spec.name)
            if spec.kind == "ref":
                if spec.name in expand and value in self.tables[spec.target]:
                    out[spec.name] = self.render(spec.target, self.tables[spec.target][value])
                else:
                    out[spec.name] = self.ref(spec.target, value)
            elif spec.kind == "refs":
                if spec.name in expand:
                    table = self.tables[spec.target]
                    out[spec.name] = [self.render(spec.target, table[v]) for v in value or () if v in table]
                else:
                    out[spec.name] = [self.ref(spec.target, v) for v in value or ()]
            else:
                out[spec.name] = value
        if resource.render is not None:
            resource.render(self, record, out, includes)
        return out

    # -- request parsing ------------------------------------------------------------------------

    def includes(self, plural: str, query: Query) -> tuple[str, ...]:
        resource = self.resources[plural]
        values = tuple(query.many("include"))
        wrong = [v for v in values if v not in resource.includes]
        if wrong:
            allowed = ", ".join(sorted(resource.includes)) or "none"
            raise invalid(f"Include '{wrong[0]}' is not allowed here; allowed values: {allowed}.")
        return values

    def page(self, query: Query) -> Page:
        """Classic pagination parameters with PagerDuty's checks (§6.1, §5.3)."""
        limit = _int_param(query, "limit", DEFAULT_LIMIT)
        offset = _int_param(query, "offset", 0)
        if limit < 1:
            raise arguments_error("Limit must be greater than 0")
        if offset < 0:
            raise arguments_error("Offset must be greater than or equal to 0")
        if limit > MAX_LIMIT:
            if self.settings.reject_limit_over_100:
                raise arguments_error(f"Limit must be less than or equal to {MAX_LIMIT}")
            limit = MAX_LIMIT
        if offset + limit > OFFSET_CEILING:
            raise arguments_error(
                f"Offset+limit exceeds maximum allowed value of {OFFSET_CEILING}. Please try to refine your "
                "search to reduce the number of results."
            )
        return Page(limit=limit, offset=offset, total=query.boolean("total"))

    def paginate(self, key: str, items: list[dict[str, Any]], page: Page, render: Hook) -> dict[str, Any]:
        """One classic page of ``items`` under ``key``; ``render`` turns a record into its API form."""
        size = page.limit
        if self.settings.page_short and page.limit > 1:
            size = max(1, page.limit // 2)
        chunk = items[page.offset : page.offset + size]
        return {
            key: [render(r) for r in chunk],
            "limit": page.limit,
            "offset": page.offset,
            "more": page.offset + len(chunk) < len(items),
            "total": len(items) if page.total else None,
        }

    # -- generic operations ---------------------------------------------------------------------

    def select(self, plural: str, query: Query) -> list[dict[str, Any]]:
        """Records matching ``query`` (case-insensitive substring) and the declared filters."""
        resource = self.resources[plural]
        records = list(self.tables[plural].values())
        text = query.one("query")
        if text:
            needle = text.lower()
            records = [
                r
                for r in records
                if any(needle in str(r.get(f) or "").lower() for f in resource.query_fields)
            ]
        for name, predicate in resource.filters.items():
            values = query.many(name[:-2]) if name.endswith("[]") else query.values.get(name)
            if values:
                records = [r for r in records if predicate(self, r, values)]
        if resource.sort_key is not None:
            records.sort(key=resource.sort_key)
        return records

    def list(self, plural: str, query: Query) -> dict[str, Any]:
        includes = self.includes(plural, query)
        page = self.page(query)
        records = self.select(plural, query)
        return self.paginate(plural, records, page, lambda r: self.render(plural, r, includes))

    def get(self, plural: str, record_id: str, query: Query | None = None) -> dict[str, Any]:
        includes = self.includes(plural, query) if query is not None else ()
        return self.render(plural, self.require(plural, record_id), includes)

    def create(self, plural: str, body: Any, ctx: Any = None, **extra: Any) -> dict[str, Any]:
        """Create from an unwrapped request body; ``extra`` sets server-side fields directly."""
        resource = self.resources[plural]
        values = body_values(self, resource, body, partial=False)
        values.update(extra)
        if resource.validate is not None:
            resource.validate(self, values, None, ctx)
        record = {"id": self.ids.resource_id(resource.id_length, resource.id_first), **values}
        self.tables[plural][record["id"]] = record
        if resource.after_create is not None:
            resource.after_create(self, record)
        return record

    def update(self, plural: str, record_id: str, body: Any, ctx: Any = None) -> dict[str, Any]:
        """Partial update: only the writable fields present in ``body`` change."""
        resource = self.resources[plural]
        record = self.require(plural, record_id)
        values = body_values(self, resource, body, partial=True)
        if resource.validate is not None:
            resource.validate(self, values, record, ctx)
        record.update(values)
        return record

    def delete(self, plural: str, record_id: str, ctx: Any = None) -> None:
        resource = self.resources[plural]
        record = self.require(plural, record_id)
        if resource.before_delete is not None:
            resource.before_delete(self, record, ctx)
        del self.tables[plural][record_id]
        if resource.after_delete is not None:
            resource.after_delete(self, record)


def _int_param(query: Query, name: str, default: int) -> int:
    raw = query.one(name)
    if raw is None or raw == "":
        return default
    try:
        return int(raw)
    except ValueError:
        raise arguments_error(f"{name.capitalize()} must be an integer") from None


__all__ = ["ApiError", "Field", "Page", "Query", "Resource", "Store"]
