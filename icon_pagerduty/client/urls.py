"""Which base URLs a connection may use: PagerDuty's own hosts over https, others only when listed.

A caller of HTTP mode chooses ``api_url`` and ``events_url``. Left open, that lets anyone who can
reach the plugin make it call services next to it and read their answers back. So only https to
PagerDuty's four hosts is allowed by default; another host (the simulator on loopback, a company
proxy) only when the plugin's operator lists it in the environment variable
``PLUGIN_ALLOWED_HOSTS`` (comma-separated ``host`` or ``host:port``; listed hosts may use http).
The variable is read each time a connection is built, so it takes effect without a restart.
"""

from __future__ import annotations

import os
from urllib.parse import urlsplit

from actionkit.patterns import LazyPattern

from .errors import InvalidConfig

ALLOWED_HOSTS_VARIABLE = "PLUGIN_ALLOWED_HOSTS"
EVENTS_URL = "https://events.pagerduty.com"
REST_HOSTS = ("api.pagerduty.com", "api.eu.pagerduty.com")
EVENTS_HOSTS = ("events.pagerduty.com", "events.eu.pagerduty.com")
DEFAULT_PORTS = {"https": 443, "http": 80}

# Per connection field: what its value looks like, PagerDuty's hosts for it, and the API paths
# people paste by mistake (a full endpoint instead of the base).
FIELDS = {
    "api_url": ("https://api.pagerduty.com", REST_HOSTS, LazyPattern(r"/(api/)?v\d+$|/(users|incidents)$")),
    "events_url": (
        "https://events.pagerduty.com",
        EVENTS_HOSTS,
        LazyPattern(r"/v\d+(/change)?(/enqueue)?$|/generic/[^/]+/create_event\.json$"),
    ),
}


def allowed_hosts(environ: dict[str, str] | None = None) -> list[tuple[str, int | None]]:
    """``PLUGIN_ALLOWED_HOSTS`` as ``(host, port or None)`` pairs, hosts lower-case."""
    value = (os.environ if environ is None else environ).get(ALLOWED_HOSTS_VARIABLE, "")
    entries = []
    for item in value.split(","):
        item = item.strip().lower()
        if not item:
            continue
        parts = urlsplit(f"//{item}")
        try:
            port = parts.port
        except ValueError:
            continue  # an unusable port: the entry matches nothing rather than everything
        if parts.hostname:
            entries.append((parts.hostname, port))
    return entries


def check_base_url(base_url: str, field_name: str, environ: dict[str, str] | None = None) -> str:
    """The base URL without a trailing slash, or ``InvalidConfig`` naming ``field_name`` and what to do."""
    example, own_hosts, wrong_path = FIELDS.get(field_name, (None, REST_HOSTS + EVENTS_HOSTS, None))
    parts = urlsplit(base_url if isinstance(base_url, str) else "")
    if parts.username or parts.password or parts.query or parts.fragment:
        # Checked first so a URL holding a password is never echoed.
        raise InvalidConfig(
            f"The connection field `{field_name}` must be a plain base URL, without credentials, query or "
            "fragment."
        )
    try:
        port = parts.port or DEFAULT_PORTS.get(parts.scheme)
    except ValueError:
        port = None
    if parts.scheme not in ("https", "http") or not parts.hostname or port is None:
        raise InvalidConfig(
            f"The connection field `{field_name}` must be an https:// URL; got {base_url!r}.",
            f"Use {example or 'the base URL of the PagerDuty API'}.",
        )
    host = parts.hostname.lower()
    path = parts.path.rstrip("/")
    if wrong_path is not None and wrong_path.search(path):
        raise InvalidConfig(
            f"The connection field `{field_name}` must be the base URL of the API, without the path "
            f"{path!r}; got {base_url!r}.",
            f"Use the scheme and host only, for example {example}: the plugin adds each endpoint's path.",
        )
    listed = any(name == host and wanted in (None, port) for name, wanted in allowed_hosts(environ))
    if listed:
        return base_url.rstrip("/")
    if host in own_hosts and parts.scheme == "https" and port == 443:
        if path:
            raise InvalidConfig(
                f"The connection field `{field_name}` must be {host}'s base URL without a path; got "
                f"{base_url!r}.",
                f"Use https://{host}: the plugin adds each endpoint's path.",
            )
        return base_url.rstrip("/")
    raise _not_allowed(base_url, field_name, host, port, parts.scheme, own_hosts)


def _not_allowed(url: str, field: str, host: str, port: int, scheme: str, own_hosts: tuple) -> InvalidConfig:
    others = [h for h in REST_HOSTS + EVENTS_HOSTS if h not in own_hosts]
    if host in own_hosts:
        problem = "must use https:// (port 443)"
    elif host in others:
        problem = f"names {host}, which serves the other API"
    else:
        problem = "names a host that is not PagerDuty's"
    entry = host if port == DEFAULT_PORTS.get(scheme) else f"{host}:{port}"
    return InvalidConfig(
        f"The connection field `{field}` {problem}; got {url!r}. Only https://"
        + " and https://".join(own_hosts)
        + f" are allowed unless the host is listed in the environment variable {ALLOWED_HOSTS_VARIABLE}.",
        f"Use https://{own_hosts[0]} (EU accounts: https://{own_hosts[1]}). To reach another host, such as "
        f"a local simulator or a company proxy, the plugin's operator lists it in {ALLOWED_HOSTS_VARIABLE} "
        f"(comma-separated host or host:port), for example {ALLOWED_HOSTS_VARIABLE}={entry}.",
        {"field": field, "host": host, "port": port, "variable": ALLOWED_HOSTS_VARIABLE},
    )
