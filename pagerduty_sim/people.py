"""Contact methods and notification rules: the parts of a user PagerDuty serves under
``/users/{id}/contact_methods`` and ``/users/{id}/notification_rules``.

Both are declared as resources without generic routes (their paths are nested under a user); the
routes here check that the record belongs to the user in the path, as PagerDuty's do (another
user's record is 404). Rules worth knowing:

* A user made through ``POST /users`` gets what PagerDuty gives a new user: the email contact
  method "Default" at the login email (the *primary* one) and a rule to email at once for each
  urgency. The primary one cannot be deleted and its address follows the user's email.
* A contact method is unique per user by type, address and country code (400 "User Contact
  method must be unique", the wording clients match on). Addresses are checked by type: emails
  look like emails; phone, SMS and WhatsApp numbers are digits (phone also ``, * #``), at most
  40, without the trunk prefix of the countries that reject it, with a ``country_code``.
* Deleting a contact method deletes the notification rules that use it.
* A notification rule names one of the user's own contact methods; ``low`` urgency needs the
  ``urgencies`` ability (402). Lists are not paginated; ``urgency`` defaults to ``high``.
"""

from __future__ import annotations

import re
from typing import Any

from .errors import ApiError, invalid, missing_ability, not_found
from .store import Field, Query, Resource, Store
from .wire import Request, Response, Router

EMAIL_TYPE = "email_contact_method"
PHONE_TYPES = ("phone_contact_method", "sms_contact_method", "whatsapp_contact_method")
PUSH_TYPE = "push_notification_contact_method"
CONTACT_TYPES = (EMAIL_TYPE, *PHONE_TYPES, PUSH_TYPE)
EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
MAX_PHONE = 40
# Countries whose numbers PagerDuty takes only in international form, without this trunk prefix
# (the rule PagerDuty's own Terraform provider checks before calling the API).
TRUNK_PREFIXES = {1: "1", 33: "0", 40: "0", 44: "0", 45: "0", 49: "0", 61: "0", 66: "0", 91: "0"}
# What a field means for each type; the others are left out of the rendered object.
TYPE_FIELDS = {
    EMAIL_TYPE: {"send_short_email", "enabled"},
    PUSH_TYPE: {"device_type", "blacklisted", "created_at"},
    **{t: {"country_code", "enabled", "blacklisted"} for t in PHONE_TYPES},
}
OPTIONAL_FIELDS = {"send_short_email", "enabled", "country_code", "blacklisted", "device_type", "created_at"}
PRIMARY_REFUSAL = (
    "The default email contact method cannot be deleted: it is the user's login email. "
    "Change the user's email instead."
)


# -- contact methods ------------------------------------------------------------------------------


def _phone_problem(kind: str, address: str, country: int) -> str | None:
    if len(address) > MAX_PHONE:
        return f"Address is too long (maximum is {MAX_PHONE} characters)"
    allowed = "0123456789,*#" if kind == "phone_contact_method" else "0123456789"
    if not address or any(c not in allowed for c in address):
        symbols = " and the symbols , * #" if kind == "phone_contact_method" else ""
        return f"Address may only contain the digits 0-9{symbols}"
    prefix = TRUNK_PREFIXES.get(country)
    if prefix and address.startswith(prefix):
        return (
            f"Address must be in international form without the leading {prefix} "
            f"(country code {country} is given apart)"
        )
    if kind == "sms_contact_method" and country == 52 and address.startswith("1"):
        return "Address of a Mexican SMS number must not start with 1"
    return None


def _validate_contact_method(
    store: Store, values: dict[str, Any], existing: dict[str, Any] | None, ctx: Any
) -> None:
    if existing is not None and values.get("type", existing["type"]) != existing["type"]:
        raise invalid("Type cannot be changed; delete the contact method and create one of the new type")
    merged = {**(existing or {}), **values}
    kind, address = merged["type"], merged["address"]
    if existing is not None and existing.get("primary") and address != existing["address"]:
        raise invalid(
            "The default email contact method follows the user's login email; change the user's email"
        )
    if kind == EMAIL_TYPE and not EMAIL_RE.match(address):
        raise invalid("Address is invalid")
    if kind in PHONE_TYPES:
        country = merged.get("country_code")
        if country is None:
            raise invalid("Country code can't be blank")
        if not 1 <= country <= 1999:
            raise invalid("Country code must be between 1 and 1999")
        problem = _phone_problem(kind, address, country)
        if problem:
            raise invalid(problem)
    if kind == PUSH_TYPE and merged.get("device_type") is None:
        values["device_type"] = "android"  # our default: the live API's is unverified
    same = (kind, address.lower(), merged.get("country_code") if kind in PHONE_TYPES else None)
    for other in store.table("contact_methods").values():
        if other is existing or other["user"] != merged["user"]:
            continue
        if (other["type"], other["address"].lower(), other.get("country_code")) == same:
            raise invalid("User Contact method must be unique")
    if existing is None:
        values["created_at"] = store.now()
        if kind not in PHONE_TYPES:
            values["country_code"] = None


def _render_contact_method(
    store: Store, record: dict[str, Any], out: dict[str, Any], includes: tuple[str, ...]
) -> None:
    keep = TYPE_FIELDS[record["type"]]
    for name in OPTIONAL_FIELDS - keep:
        out.pop(name, None)
    if "created_at" in keep:
        out["created_at"] = record.get("created_at")


def _attach_contact_method(store: Store, record: dict[str, Any]) -> None:
    store.table("users")[record["user"]]["contact_methods"].append(record["id"])


def _refuse_primary_delete(store: Store, record: dict[str, Any], ctx: Any) -> None:
    # Our wording: the live refusal text is unverified; the status and code are PagerDuty's usual
    # answer to a request it will not carry out (400, 2001).
    if record.get("primary"):
        raise invalid(PRIMARY_REFUSAL)


def _detach_contact_method(store: Store, record: dict[str, Any]) -> None:
    user = store.find("users", record["user"])
    if user is not None:
        user["contact_methods"] = [c for c in user["contact_methods"] if c != record["id"]]
    for rule in [
        r for r in store.table("notification_rules").values() if r["contact_method"] == record["id"]
    ]:
        store.delete("notification_rules", rule["id"])


CONTACT_METHODS = Resource(
    plural="contact_methods",
    singular="contact_method",
    fields=(
        Field("type", required=True, enum=CONTACT_TYPES),
        Field("label", required=True, max_len=100),
        Field("address", required=True, max_len=100),
        Field("country_code", "int", default=None),
        Field("send_short_email", "bool", default=False, nullable=False),
        Field("device_type", default=None, enum=("android", "ios")),
        Field("enabled", "bool", default=True, writable=False),
        Field("blacklisted", "bool", default=False, writable=False),
    ),
    endpoints=frozenset(),
    summary=lambda record: record.get("label"),
    self_path=lambda r: f"/users/{r['user']}/contact_methods/{r['id']}",
    validate=_validate_contact_method,
    render=_render_contact_method,
    after_create=_attach_contact_method,
    before_delete=_refuse_primary_delete,
    after_delete=_detach_contact_method,
)


# -- notification rules ---------------------------------------------------------------------------


def _validate_notification_rule(
    store: Store, values: dict[str, Any], existing: dict[str, Any] | None, ctx: Any
) -> None:
    merged = {**(existing or {}), **values}
    method = store.find("contact_methods", merged["contact_method"])
    if method is None or method["user"] != merged["user"]:
        raise invalid(f"Contact method {merged['contact_method']} not found for this user")
    if merged["start_delay_in_minutes"] < 0:
        raise invalid("Start delay in minutes must be greater than or equal to 0")
    if merged["urgency"] == "low" and "urgencies" not in store.settings.abilities:
        raise missing_ability("urgencies")
    if existing is None:
        values["created_at"] = store.now()


def _render_notification_rule(
    store: Store, record: dict[str, Any], out: dict[str, Any], includes: tuple[str, ...]
) -> None:
    out["created_at"] = record["created_at"]


def _attach_rule(store: Store, record: dict[str, Any]) -> None:
    store.table("users")[record["user"]]["notification_rules"].append(record["id"])


def _detach_rule(store: Store, record: dict[str, Any]) -> None:
    user = store.find("users", record["user"])
    if user is not None:
        user["notification_rules"] = [r for r in user["notification_rules"] if r != record["id"]]


NOTIFICATION_RULES = Resource(
    plural="notification_rules",
    singular="notification_rule",
    fields=(
        Field("type", default="assignment_notification_rule", enum=("assignment_notification_rule",)),
        Field("start_delay_in_minutes", "int", required=True),
        Field("urgency", required=True, enum=("high", "low")),
        Field("contact_method", "ref", target="contact_methods", required=True),
    ),
    type="assignment_notification_rule",
    endpoints=frozenset(),
    # PagerDuty's own summary of a rule, e.g. "0 minutes: channel PTDVERC".
    summary=lambda r: f"{r.get('start_delay_in_minutes')} minutes: channel {r.get('contact_method')}",
    self_path=lambda r: f"/users/{r['user']}/notification_rules/{r['id']}",
    includes={"contact_methods": "contact_method"},
    validate=_validate_notification_rule,
    render=_render_notification_rule,
    after_create=_attach_rule,
    after_delete=_detach_rule,
)


# -- defaults for new users -----------------------------------------------------------------------


def add_defaults(store: Store, user: dict[str, Any]) -> None:
    """What PagerDuty gives a new user: the primary email method and a rule per urgency."""
    method = store.create(
        "contact_methods",
        {"type": EMAIL_TYPE, "label": "Default", "address": user["email"]},
        user=user["id"],
        primary=True,
    )
    urgencies = ("high", "low") if "urgencies" in store.settings.abilities else ("high",)
    for urgency in urgencies:
        add_rule(store, user["id"], method["id"], 0, urgency)


def add_rule(store: Store, user_id: str, method_id: str, delay: int, urgency: str) -> dict[str, Any]:
    body = {"start_delay_in_minutes": delay, "urgency": urgency, "contact_method": {"id": method_id}}
    return store.create("notification_rules", body, user=user_id)


def follow_email(store: Store, user: dict[str, Any], email: str) -> None:
    """Keep the primary contact method at the login email when the user's email changes."""
    for method_id in user.get("contact_methods", ()):
        method = store.find("contact_methods", method_id)
        if method is not None and method.get("primary"):
            method["address"] = email


def forget_user(store: Store, user_id: str) -> None:
    """Drop a deleted user's contact methods and rules (primary included)."""
    for plural in ("notification_rules", "contact_methods"):
        table = store.table(plural)
        for record_id in [k for k, v in table.items() if v["user"] == user_id]:
            del table[record_id]


# -- routes ---------------------------------------------------------------------------------------


def _body(request: Request, key: str) -> Any:
    body = request.json()
    if not isinstance(body, dict) or key not in body:
        raise invalid(f'{key.replace("_", " ").capitalize()} can\'t be blank; send {{"{key}": {{...}}}}')
    return body[key]


def _owned(app: Any, request: Request, plural: str, param: str) -> dict[str, Any]:
    app.store.require("users", request.params["id"])
    record = app.store.find(plural, request.params[param])
    if record is None or record["user"] != request.params["id"]:
        raise not_found()
    return record


def create_user(app: Any, request: Request) -> Response:
    store = app.store
    record = store.create("users", _body(request, "user"), request)
    add_defaults(store, record)
    return Response.json(201, {"user": store.render("users", record)})


def _nested(plural: str, singular: str, param: str, listing) -> dict[str, Any]:
    """The five handlers of a resource nested under ``/users/{id}``."""

    def list_(app: Any, request: Request) -> Response:
        user = app.store.require("users", request.params["id"])
        return Response.json(200, {plural: listing(app.store, user, request.query)})

    def create(app: Any, request: Request) -> Response:
        user = app.store.require("users", request.params["id"])
        record = app.store.create(plural, _body(request, singular), request, user=user["id"])
        return Response.json(201, {singular: app.store.render(plural, record)})

    def get(app: Any, request: Request) -> Response:
        record = _owned(app, request, plural, param)
        includes = app.store.includes(plural, request.query)
        return Response.json(200, {singular: app.store.render(plural, record, includes)})

    def update(app: Any, request: Request) -> Response:
        record = _owned(app, request, plural, param)
        app.store.update(plural, record["id"], _body(request, singular), request)
        return Response.json(200, {singular: app.store.render(plural, record)})

    def delete(app: Any, request: Request) -> Response:
        record = _owned(app, request, plural, param)
        app.store.delete(plural, record["id"], request)
        return Response.empty(204)

    return {"list": list_, "create": create, "get": get, "update": update, "delete": delete}


def _contact_methods(store: Store, user: dict[str, Any], query: Query) -> list[dict[str, Any]]:
    table = store.table("contact_methods")
    return [store.render("contact_methods", table[c]) for c in user["contact_methods"] if c in table]


def _notification_rules(store: Store, user: dict[str, Any], query: Query) -> list[dict[str, Any]]:
    urgency = query.one("urgency", "high")
    if urgency not in ("high", "low", "all"):
        raise ApiError(400, 2002, None, ["Urgency must be one of: high, low, all"])
    includes = store.includes("notification_rules", query)
    table = store.table("notification_rules")
    rules = [table[r] for r in user["notification_rules"] if r in table]
    return [
        store.render("notification_rules", r, includes)
        for r in rules
        if urgency == "all" or r["urgency"] == urgency
    ]


def register(router: Router) -> None:
    router.add("POST", "/users", create_user, from_required=True)
    for plural, singular, listing in (
        ("contact_methods", "contact_method", _contact_methods),
        ("notification_rules", "notification_rule", _notification_rules),
    ):
        param = f"{singular}_id"
        handlers = _nested(plural, singular, param, listing)
        base = f"/users/{{id}}/{plural}"
        router.add("GET", base, handlers["list"])
        router.add("POST", base, handlers["create"])
        router.add("GET", f"{base}/{{{param}}}", handlers["get"])
        router.add("PUT", f"{base}/{{{param}}}", handlers["update"])
        router.add("DELETE", f"{base}/{{{param}}}", handlers["delete"])
