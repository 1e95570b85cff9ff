"""Where trigger events go, and where trigger state lives (reference §9.1).

Dispatchers take one ``trigger_event`` envelope (a dict, already validated and masked):

* ``StreamDispatcher`` writes one JSON envelope per line (ours: newline-delimited, never ``}{``);
  the CLI uses it with stdout under ``--debug`` or when the message names no dispatcher URL;
* ``HttpDispatcher`` POSTs to ``dispatcher.url`` with a timeout and bounded retries with backoff,
  keeping order; when delivery keeps failing it raises ``TransientError``, which ends the
  trigger with an error envelope so that the orchestrator restarts it (defect #5 fixed);
* ``MemoryDispatcher`` keeps the envelopes, for tests.
"""

from __future__ import annotations

import json
import logging
import os
import time
from collections.abc import Callable
from typing import Any, TextIO

from actionkit.errors import TransientError

__all__ = ["StreamDispatcher", "HttpDispatcher", "MemoryDispatcher", "StateFile"]

log = logging.getLogger("actionkit.trigger")


class StreamDispatcher:
    def __init__(self, stream: TextIO):
        self.stream = stream

    def __call__(self, envelope: dict[str, Any]) -> None:
        self.stream.write(json.dumps(envelope) + "\n")
        self.stream.flush()


class MemoryDispatcher:
    def __init__(self) -> None:
        self.envelopes: list[dict[str, Any]] = []

    def __call__(self, envelope: dict[str, Any]) -> None:
        self.envelopes.append(envelope)


class HttpDispatcher:
    """POST each envelope to ``url``; retry ``attempts`` times with doubling pauses."""

    def __init__(
        self,
        url: str,
        *,
        timeout: float = 10.0,
        attempts: int = 5,
        first_pause: float = 1.0,
        sleep: Callable[[float], None] = time.sleep,
    ):
        self.url = url
        self.timeout = timeout
        self.attempts = attempts
        self.first_pause = first_pause
        self._sleep = sleep

    def __call__(self, envelope: dict[str, Any]) -> None:
        import ssl  # noqa: PLC0415  (only triggers in production need the network stack)
        import urllib.error  # noqa: PLC0415
        import urllib.request  # noqa: PLC0415

        data = json.dumps(envelope).encode("utf-8")
        cafile = os.environ.get("SSL_CERT_FILE") or None
        context = ssl.create_default_context(cafile=cafile) if self.url.startswith("https:") else None
        pause = self.first_pause
        problem = ""
        for attempt in range(1, self.attempts + 1):
            request = urllib.request.Request(
                self.url, data=data, method="POST", headers={"Content-Type": "application/json"}
            )
            try:
                with urllib.request.urlopen(request, timeout=self.timeout, context=context) as response:
                    response.read()
                return
            except urllib.error.HTTPError as exc:
                problem = f"the dispatcher answered {exc.code} {exc.reason}"
                if exc.code < 500 and exc.code not in (408, 429):
                    break  # retrying a refusal will not change it
            except (OSError, ValueError) as exc:
                problem = f"{type(exc).__name__}: {exc}"
            if attempt < self.attempts:
                log.warning("Delivery attempt %d failed (%s); retrying in %.0f s", attempt, problem, pause)
                self._sleep(pause)
                pause *= 2
        raise TransientError(
            f"POST {self.url}: could not deliver a trigger event: {problem}.",
            "Check that the dispatcher URL is reachable; the trigger stops so that it can be restarted.",
        )


class StateFile:
    """The trigger's persistent state: ``<directory>/<triggerId>.json``, a JSON object."""

    def __init__(self, directory: str, trigger_id: str):
        self.path = os.path.join(directory, f"{trigger_id}.json")

    def load(self) -> dict[str, Any]:
        try:
            with open(self.path, encoding="utf-8") as handle:
                state = json.load(handle)
        except FileNotFoundError:
            return {}
        except (OSError, ValueError) as exc:
            log.warning("Trigger state %s is unreadable (%s); starting from an empty state", self.path, exc)
            return {}
        return state if isinstance(state, dict) else {}

    def save(self, state: dict[str, Any]) -> None:
        # Write then rename, so that a crash never leaves half a file behind.
        temporary = self.path + ".tmp"
        with open(temporary, "w", encoding="utf-8") as handle:
            json.dump(state, handle)
        os.replace(temporary, self.path)
