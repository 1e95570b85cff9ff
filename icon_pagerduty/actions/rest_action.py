"""Declarative REST actions: a plain list/get/create/update/delete action is its spec entry plus
a class of a few lines in its ``action.py``::

    from icon_pagerduty.actions.rest_action import RestAction
    from .schema import Input, Output

    class GetTeam(RestAction[Input, Output]):
        method, path, key = "GET", "/teams/{id}", "team"

What it does, by method (the inputs are the action's declared inputs, spec names):

- Path placeholders (``{id}``) are filled from the inputs of the same name, each a single
  percent-encoded segment; "." and ".." are refused as input errors naming the input.
- ``GET`` of a list (the output declares ``key`` as an array, or ``many = True``): every page
  through ``RestClient.iter_all``; the other inputs become query parameters (list inputs as
  ``name[]``; ``rename`` maps an input to PagerDuty's name, such as ``{"teams": "team_ids[]"}``);
  an input ``limit`` caps the items (0 or absent: all). Output ``{key: [...]}``, plus ``count``
  and ``truncated`` when the output declares them.
- ``GET`` of one object: output ``{key: obj}``; when the output declares ``found``, a 404 gives
  ``{"found": false}`` and a success adds ``found: true``.
- ``POST``/``PUT``/``PATCH``: body ``{key: {the other inputs, None dropped}}`` (with ``rename``,
  ``references`` and ``fixed``); the From header by the From rule (``RestClient.resolve_from``:
  the input ``from_email``, else the connection's, else a user key goes without). Output
  ``{key: obj}``, plus ``success: true`` when declared.
- ``DELETE``: output ``{"success": true}``.

A 404 on a path with placeholders says which object is missing. For real logic, override a
hook: ``values`` (the inputs as sent), ``query``, ``items`` (a listing's items, say filtered),
``body``, ``shape`` (the output), or ``run``.
Declarations are checked when the module is imported, against the schemas given as
``RestAction[Input, Output]``.
"""

from __future__ import annotations

import itertools
import time
import typing
from collections.abc import Iterator, Mapping
from typing import Any, ClassVar, TypeVar

from actionkit import Action, InputError
from actionkit.model import Model
from icon_pagerduty.client import NotFound
from icon_pagerduty.client.paths import fill, placeholders

I = TypeVar("I", bound=Model)  # noqa: E741  (actionkit's names for the input and output types)
O = TypeVar("O", bound=Model)  # noqa: E741

METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE")
WRITES = ("POST", "PUT", "PATCH")
PAGE_SIZE = 100
PROGRESS_EVERY = 1.0  # seconds between progress lines of a long listing


class RestAction(Action[I, O]):
    """Base of declarative REST actions; see the module's docstring."""

    method: ClassVar[str] = "GET"
    path: ClassVar[str] = ""
    key: ClassVar[str | None] = None  # PagerDuty's wrapper key: "team" for one, "teams" for a list
    rename: ClassVar[Mapping[str, str]] = {}  # input -> PagerDuty's name (query parameter or field)
    references: ClassVar[Mapping[str, str]] = {}  # input of IDs -> reference type ("team_reference")
    fixed: ClassVar[Mapping[str, Any]] = {}  # sent every time: query parameters, or fields of a write
    many: ClassVar[bool | None] = None  # GET: a listing? Default: the output declares `key` an array
    needs_from: ClassVar[bool | None] = None  # apply the From rule; default: POST, PUT, PATCH
    not_sent: ClassVar[frozenset[str]] = frozenset({"from_email", "limit"})

    # Derived from the declaration when the subclass is created.
    _inputs: ClassVar[Mapping[str, Any] | None] = None
    _outputs: ClassVar[Mapping[str, Any] | None] = None
    _placeholders: ClassVar[tuple[str, ...]] = ()
    _listing: ClassVar[bool] = False

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if not cls.path:
            return  # an intermediate base class
        for base in cls.__dict__.get("__orig_bases__", ()):
            args = typing.get_args(base)
            if len(args) == 2 and all(isinstance(a, type) and issubclass(a, Model) for a in args):
                cls._inputs = args[0].SCHEMA.get("properties", {})
                cls._outputs = args[1].SCHEMA.get("properties", {})
        cls._placeholders = tuple(placeholders(cls.path))
        problems = _declaration_problems(cls)
        if problems:
            raise TypeError(f"{cls.__module__}.{cls.__qualname__}: " + "; ".join(problems))
        declared = (cls._outputs or {}).get(cls.key or "", {})
        cls._listing = cls.method == "GET" and (
            cls.many if cls.many is not None else declared.get("type") == "array"
        )

    # -- the flow ---------------------------------------------------------------------------------

    def run(self, inp: I) -> dict:
        values = self.values(inp)
        path = fill(self.path, values)
        try:
            if self.method == "GET":
                return self.list_items(path, values) if self._listing else self.get_one(path, values)
            if self.method == "DELETE":
                self.connection.rest.delete(path, from_email=self.sender(values))
                return self.shape(None, values)
            return self.write(path, values)
        except NotFound as error:
            if self.method == "GET" and not self._listing and self.declares("found"):
                return {"found": False}
            raise self.not_found(error, values) from None

    def list_items(self, path: str, values: dict[str, Any]) -> dict:
        limit = values.get("limit") or 0
        if not isinstance(limit, int) or limit < 0:
            raise InputError(f"The input `limit` must be 0 (all) or a positive number; got {limit!r}.")
        wanted = limit + 1 if limit and self.declares("truncated") else limit
        page_size = min(PAGE_SIZE, wanted) if wanted else PAGE_SIZE
        items = self._with_progress(self.items(path, values, page_size))
        found = list(itertools.islice(items, wanted) if wanted else items)
        truncated = bool(limit) and len(found) > limit
        return self.shape(found[:limit] if limit else found, values, truncated=truncated)

    def _with_progress(self, items: Iterator[Any]) -> Iterator[Any]:
        """``items``, with a line in the step log at most once a second while a long listing runs,
        so a person watching the workflow sees it move."""
        clock = time.monotonic
        next_line = clock() + PROGRESS_EVERY
        count = 0
        for count, item in enumerate(items, 1):
            if clock() >= next_line:
                self.logger.info("%s: %d %s so far", self.path, count, self.key)
                next_line = clock() + PROGRESS_EVERY
            yield item

    def get_one(self, path: str, values: dict[str, Any]) -> dict:
        return self.shape(self.connection.rest.get(path, self.key, self.query(values) or None), values)

    def write(self, path: str, values: dict[str, Any]) -> dict:
        sender = self.sender(values)
        answer = self.connection.rest.write(self.method, path, self.body(values), self.key, from_email=sender)
        return self.shape(answer, values)

    # -- hooks ------------------------------------------------------------------------------------

    def items(self, path: str, values: dict[str, Any], page_size: int) -> Iterator[Any]:
        """The items of a listing, lazily (``limit`` is applied to what this yields)."""
        return self.connection.rest.iter_all(path, self.key, self.query(values), page_size=page_size)

    def values(self, inp: I) -> dict[str, Any]:
        """The inputs to send, by spec name: the declared ones, as given."""
        data = inp.to_dict() if isinstance(inp, Model) else dict(inp or {})
        declared = type(inp).SCHEMA.get("properties") if isinstance(inp, Model) else None
        return {k: v for k, v in data.items() if declared is None or k in declared}

    def fields(self, values: dict[str, Any]) -> dict[str, Any]:
        """The inputs that are neither in the path nor handled apart, by PagerDuty's names."""
        sent = {}
        for name, value in values.items():
            if value is None or name in self._placeholders or name in self.not_sent:
                continue
            if name in self.references:
                value = _references(value, self.references[name])
            sent[self.rename.get(name, name)] = value
        return {**sent, **self.fixed}

    def query(self, values: dict[str, Any]) -> dict[str, Any]:
        """The query parameters of a GET."""
        return self.fields(values)

    def body(self, values: dict[str, Any]) -> Any:
        """The JSON body of a write: ``{key: fields}``."""
        return {self.key: self.fields(values)}

    def shape(self, result: Any, values: dict[str, Any], *, truncated: bool = False) -> dict:
        """The output from PagerDuty's unwrapped answer (``None`` for a DELETE)."""
        if self.method == "DELETE":
            return {"success": True}
        output: dict[str, Any] = {}
        if result is not None:
            output[self.key] = result
        if self._listing:
            if self.declares("count"):
                output["count"] = len(result)
            if self.declares("truncated"):
                output["truncated"] = truncated
        elif self.method == "GET" and self.declares("found"):
            output["found"] = True
        elif self.method in WRITES and self.declares("success"):
            output["success"] = True
        return output

    def sender(self, values: dict[str, Any]) -> str | None:
        """The From of this call (None: the connection's default, if any)."""
        needs = self.method in WRITES if self.needs_from is None else self.needs_from
        given = values.get("from_email") or None
        return self.connection.rest.resolve_from(given) if needs else given

    def not_found(self, error: NotFound, values: dict[str, Any]) -> NotFound:
        """The 404 with the object named, when the path names one."""
        if not self._placeholders:
            return error
        name = self._placeholders[-1]
        noun = _noun_before(self.path, name)
        return error.with_assistance(  # type: ignore[return-value]
            f"No {noun} with {name} {values.get(name)!r} is visible to this API key; "
            f"check the input `{name}`."
        )

    def declares(self, field: str) -> bool:
        return self._outputs is not None and field in self._outputs


def _noun_before(path: str, name: str) -> str:
    """What ``{name}`` names in ``path``: ``/escalation_policies/{id}`` -> "escalation policy"."""
    before = path.split("{" + name + "}")[0].rstrip("/").rsplit("/", 1)[-1]
    if before.endswith("ies"):
        before = before[:-3] + "y"
    elif before.endswith("s"):
        before = before[:-1]
    return before.replace("_", " ") or "object"


def _references(value: Any, kind: str) -> Any:
    if isinstance(value, list):
        return [{"id": item, "type": kind} for item in value]
    return {"id": value, "type": kind}


def _declaration_problems(cls: type[RestAction]) -> list[str]:
    problems = []
    if cls.method not in METHODS:
        problems.append(f"method {cls.method!r} is not one of {', '.join(METHODS)}")
    if not cls.path.startswith("/"):
        problems.append(f"path {cls.path!r} must start with '/'")
    if cls.method != "DELETE" and not cls.key:
        problems.append("key (PagerDuty's wrapper key) is required")
    inputs = cls._inputs
    if inputs is not None:
        missing = [p for p in cls._placeholders if p not in inputs]
        problems += [f"path placeholder {{{p}}} is not an input" for p in missing]
        unknown = sorted((set(cls.rename) | set(cls.references)) - set(inputs))
        problems += [f"rename/references names {n!r}, which is not an input" for n in unknown]
    if cls._outputs is not None and cls.method != "DELETE" and cls.key not in cls._outputs:
        problems.append(f"the output declares no {cls.key!r}")
    return problems
