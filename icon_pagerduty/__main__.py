"""Console entry point: hand the plugin to actionkit's CLI, with ``sample --sim`` for the local PagerDuty."""

from __future__ import annotations

import os
from typing import Any

SIM_URL = "http://127.0.0.1:8765"  # where `make sim` serves the local PagerDuty (pagerduty_sim)
SIM_HELP = ("Fill the connection for the local PagerDuty of `make sim` (at PAGERDUTY_SIM_URL, default "
            f"{SIM_URL}) and its demo account.")


def main() -> None:
    from actionkit.cli import run_cli

    run_cli("icon_pagerduty", sample_presets={"sim": (SIM_HELP, simulator_connection)}, skip_teardown=True)


# Actions that need a user-level API key: their --sim connection has Ada Admin's user key instead.
USER_KEY_ACTIONS = {"get_current_user"}


def simulator_connection(name: str = "") -> dict[str, Any]:
    """The connection to the local PagerDuty for component ``name``: its demo account's key (Ada
    Admin's user key where the component needs one), requester and default routing key."""
    import json
    import urllib.parse
    import urllib.request

    import click

    url = os.environ.get("PAGERDUTY_SIM_URL", SIM_URL).rstrip("/")
    try:
        with urllib.request.urlopen(f"{url}/_sim/credentials", timeout=5) as response:
            creds = json.load(response)
    except (OSError, ValueError) as exc:
        reason = getattr(exc, "reason", None) or exc
        raise click.ClickException(
            f"cannot reach the local PagerDuty at {url} ({reason}); start it with `make sim`, or set "
            "PAGERDUTY_SIM_URL to where it runs"
        ) from None
    host = urllib.parse.urlsplit(url).netloc
    # The plugin calls only PagerDuty's hosts unless told otherwise: say how to run the message.
    click.echo(f"To run this message: PLUGIN_ALLOWED_HOSTS={host} icon_pagerduty run < message.json",
               err=True)
    return {
        "api_key": {"secretKey": creds["user_token" if name in USER_KEY_ACTIONS else "account_token"]},
        "from_email": creds["from_email"],
        # The demo's open incidents are on Platform Gateway, so the event samples act on them.
        "service_key": {"secretKey": creds["routing_keys"].get("Platform Gateway")
                        or next(iter(creds["routing_keys"].values()))},
        "api_url": url,
        "events_url": url,
    }


if __name__ == "__main__":
    main()
