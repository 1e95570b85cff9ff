"""REST routes: the generic CRUD routes of every declared resource, and the special endpoints
of users, teams, services and abilities (incident routes are in ``incident_routes.py``, schedule
routes in ``schedule_routes.py`` and ``overrides.py``).
"""

from __future__ import annotations

from typing import Any

from . import incident_routes, oncalls, overrides, schedule_routes, services
from .errors import ApiError, invalid, not_found
from .store import Resource
from .wire import Request, Response, Router

# Operations where the spec requires ``From`` (pagerduty-api.md §3.2) that are served here.
FROM_REQUIRED = {("POST", "/users")}


def _wrapped(request: Request, key: str) -> Any:
    body = request.json()
    if not isinstance(body, dict) or key not in body:
        raise invalid(f'{key.replace("_", " ").capitalize()} can\'t be blank; send {{"{key}": {{...}}}}')
    return body[key]


def _crud(resource: Resource, router: Router) -> None:
    plural, singular = resource.plural, resource.singular

    def list_(app: Any, request: Request) -> Response:
        return Response.json(200, app.store.list(plural, request.query))

    def get(app: Any, request: Request) -> Response:
        return Response.json(200, {singular: app.store.get(plural, request.params["id"], request.query)})

    def create(app: Any, request: Request) -> Response:
        record = app.store.create(plural, _wrapped(request, singular), request)
        return Response.json(201, {singular: app.store.render(plural, record)})

    def update(app: Any, request: Request) -> Response:
        app.store.require(plural, request.params["id"])
        record = app.store.update(plural, request.params["id"], _wrapped(request, singular), request)
        return Response.json(200, {singular: app.store.render(plural, record)})

    def delete(app: Any, request: Request) -> Response:
        app.store.delete(plural, request.params["id"], request)
        return Response.empty(204)

    table = {
        "list": ("GET", f"/{plural}", list_),
        "get": ("GET", f"/{plural}/{{id}}", get),
        "create": ("POST", f"/{plural}", create),
        "update": ("PUT", f"/{plural}/{{id}}", update),
        "delete": ("DELETE", f"/{plural}/{{id}}", delete),
    }
    for endpoint in sorted(resource.endpoints):
        method, path, handler = table[endpoint]
        router.add(method, path, handler, from_required=(method, path) in FROM_REQUIRED)


# -- users ----------------------------------------------------------------------------------------


def users_me(app: Any, request: Request) -> Response:
    if request.principal.user is None:
        raise ApiError(
            400,
            2001,
            "Because this request was made using an account-level access token, we were unable to determine "
            "the user's identity. Please make your request using a user-level access token.",
        )
    return Response.json(200, {"user": app.store.get("users", request.principal.user, request.query)})


# -- abilities ------------------------------------------------------------------------------------

KNOWN_ABILITIES = (
    "teams",
    "urgencies",
    "coordinated_responding",
    "read_only_users",
    "offboarding",
    "priorities",
    "advanced_permissions",
    "event_rules",
    "response_plays",
    "service_support_hours",
)


def abilities(app: Any, request: Request) -> Response:
    return Response.json(200, {"abilities": list(app.settings.abilities)})


def ability(app: Any, request: Request) -> Response:
    name = request.params["id"]
    if name in app.settings.abilities:
        return Response.empty(204)
    if name in KNOWN_ABILITIES:
        raise ApiError(402, 2014, "Missing Account Ability")
    raise not_found()


# -- teams ----------------------------------------------------------------------------------------


def team_members(app: Any, request: Request) -> Response:
    store = app.store
    team = store.require("teams", request.params["id"])
    expand = "users" in request.query.many("include")
    members = [
        {
            "user": store.render("users", store.table("users")[m["user"]])
            if expand
            else store.ref("users", m["user"]),
            "role": m["role"],
        }
        for m in team["members"]
        if m["user"] in store.table("users")
    ]
    page = store.page(request.query)
    return Response.json(200, store.paginate("members", members, page, lambda m: m))


def team_add_user(app: Any, request: Request) -> Response:
    store = app.store
    team = store.require("teams", request.params["id"])
    user = store.require("users", request.params["user_id"])
    body = request.json() if request.body.strip() else {}
    role = body.get("role", "manager") if isinstance(body, dict) else None
    if role not in ("observer", "responder", "manager"):
        raise invalid("Role must be one of: observer, responder, manager")
    if user["role"] == "read_only_user":
        raise invalid("A read-only user cannot be added to a team")
    team["members"] = [m for m in team["members"] if m["user"] != user["id"]] + [
        {"user": user["id"], "role": role}
    ]
    return Response.empty(204)


def team_remove_user(app: Any, request: Request) -> Response:
    team = app.store.require("teams", request.params["id"])
    app.store.require("users", request.params["user_id"])
    team["members"] = [m for m in team["members"] if m["user"] != request.params["user_id"]]
    return Response.empty(204)


def team_policy(app: Any, request: Request) -> Response:
    store = app.store
    team_id = request.params["id"]
    store.require("teams", team_id)
    policy = store.require("escalation_policies", request.params["escalation_policy_id"])
    teams = [t for t in policy["teams"] if t != team_id]
    policy["teams"] = teams + [team_id] if request.method == "PUT" else teams
    return Response.empty(204)


# -- services and integrations --------------------------------------------------------------------


def _integration(app: Any, request: Request) -> dict[str, Any]:
    app.store.require("services", request.params["id"])
    record = app.store.find("integrations", request.params["integration_id"])
    if record is None or record["service"] != request.params["id"]:
        raise not_found()
    return record


def create_integration(app: Any, request: Request) -> Response:
    store = app.store
    service = store.require("services", request.params["id"])
    record = store.create("integrations", _wrapped(request, "integration"), request, service=service["id"])
    return Response.json(201, {"integration": store.render("integrations", record)})


def get_integration(app: Any, request: Request) -> Response:
    record = _integration(app, request)
    includes = app.store.includes("integrations", request.query)
    return Response.json(200, {"integration": app.store.render("integrations", record, includes)})


def update_integration(app: Any, request: Request) -> Response:
    record = _integration(app, request)
    app.store.update("integrations", record["id"], _wrapped(request, "integration"), request)
    return Response.json(200, {"integration": app.store.render("integrations", record)})


def register(router: Router, resources: list[Resource]) -> None:
    router.add("GET", "/users/me", users_me)
    for resource in resources:
        _crud(resource, router)
    router.add("GET", "/abilities", abilities)
    router.add("GET", "/abilities/{id}", ability)
    router.add("GET", "/teams/{id}/members", team_members)
    router.add("PUT", "/teams/{id}/users/{user_id}", team_add_user)
    router.add("DELETE", "/teams/{id}/users/{user_id}", team_remove_user)
    router.add("PUT", "/teams/{id}/escalation_policies/{escalation_policy_id}", team_policy)
    router.add("DELETE", "/teams/{id}/escalation_policies/{escalation_policy_id}", team_policy)
    router.add("POST", "/services/{id}/integrations", create_integration)
    router.add("GET", "/services/{id}/integrations/{integration_id}", get_integration)
    router.add("PUT", "/services/{id}/integrations/{integration_id}", update_integration)
    schedule_routes.register(router)
    overrides.register(router)
    services.register(router)
    incident_routes.register(router)
    oncalls.register(router)
