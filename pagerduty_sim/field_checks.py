"""Checks of request bodies against a resource's declared fields, for ``Store.create`` and ``update``.

Every wrong field is reported, in the order the fields are declared, in one 400.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .errors import invalid

if TYPE_CHECKING:  # the store imports this module
    from .store import Field, Resource, Store

_MISSING = object()
_KIND_WORDS = {
    "str": "a string",
    "int": "an integer",
    "bool": "a boolean",
    "dict": "an object",
    "list": "a list",
}


def body_values(store: Store, resource: Resource, body: Any, partial: bool) -> dict[str, Any]:
    """The checked values of ``resource``'s writable fields in ``body``.

    A full body (not ``partial``) also gets the defaults of the fields it leaves out.
    """
    if not isinstance(body, dict):
        raise invalid(f"{resource.singular.capitalize()} must be an object")
    values: dict[str, Any] = {}
    errors: list[str] = []
    for spec in resource.fields:
        raw = body.get(spec.name, _MISSING) if spec.writable else _MISSING
        if raw is _MISSING:
            if not partial:
                if spec.required:
                    errors.append(f"{spec.label} can't be blank")
                else:
                    values[spec.name] = spec.initial()
            continue
        try:
            values[spec.name] = _checked(store, spec, raw)
        except ValueError as exc:
            errors.append(str(exc))
    if errors:
        raise invalid(*errors)
    return values


def _checked(store: Store, spec: Field, raw: Any) -> Any:
    if raw is None:
        if spec.required or not spec.nullable:
            raise ValueError(f"{spec.label} can't be blank")
        return None
    if spec.kind == "ref":
        return _ref_id(store, spec, raw)
    if spec.kind == "refs":
        if not isinstance(raw, list):
            raise ValueError(f"{spec.label} must be a list of references")
        return [_ref_id(store, spec, item) for item in raw]
    expected = {"str": str, "int": int, "bool": bool, "dict": dict, "list": list}.get(spec.kind)
    if expected is not None and (
        not isinstance(raw, expected) or (expected is int and isinstance(raw, bool))
    ):
        raise ValueError(f"{spec.label} must be {_KIND_WORDS[spec.kind]}")
    if spec.kind == "str":
        if spec.required and not raw.strip():
            raise ValueError(f"{spec.label} can't be blank")
        if spec.max_len is not None and len(raw) > spec.max_len:
            raise ValueError(f"{spec.label} is too long (maximum is {spec.max_len} characters)")
        if spec.min_len is not None and len(raw) < spec.min_len:
            raise ValueError(f"{spec.label} is too short (minimum is {spec.min_len} characters)")
    if spec.enum is not None and raw not in spec.enum:
        raise ValueError(f"{spec.label} must be one of: {', '.join(map(str, spec.enum))}")
    return raw


def _ref_id(store: Store, spec: Field, raw: Any) -> str:
    target = store.resources[spec.target]
    if not isinstance(raw, dict) or not isinstance(raw.get("id"), str):
        raise ValueError(f"{spec.label} must be a {target.type} reference with an id")
    if raw["id"] not in store.tables[spec.target]:
        raise ValueError(f"{target.singular.replace('_', ' ').capitalize()} {raw['id']} not found")
    return raw["id"]
