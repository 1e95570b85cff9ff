"""Delivery of v3 webhooks to subscribed URLs (pagerduty-api.md §12, §15.8).

Every incident change writes a log entry (``lifecycle.log``); the entry's ID is noted here and,
once the request that made it is complete (``collect``, called with the store lock held), turned
into an event such as ``incident.acknowledged``, rendered as the incident is at the end of that
request, and queued for each active subscription whose events and filter match.

Each subscription has its own FIFO queue and worker thread, so webhooks reach a URL in order
and a slow URL delays no other. An attempt POSTs ``{"event": {...}}`` with
``X-PagerDuty-Signature: v1=<HMAC-SHA256 of the body>`` (one ``v1=`` per secret during a
rotation) and an ``X-Webhook-Id`` repeated on every retry. As PagerDuty documents: a 2xx
delivers; a timeout, 5xx, 429 or connection error is retried (later webhooks of that
subscription wait) until the retry window ends; any other answer drops the webhook, and after
``DROP_LIMIT`` consecutive drops the subscription is ``temporarily_disabled``. Timings are
settings (``webhook_timeout``, ``webhook_retry_delay``, ``webhook_retry_window``): PagerDuty's
5 s and 48 hours would make tests slow. Only loopback URLs are called, so a test account never
reaches the internet; other URLs are recorded as ``skipped``.
"""

from __future__ import annotations

import hashlib
import hmac
import http.client
import ipaddress
import json
import random
import string
import threading
import time
from collections import deque
from datetime import datetime, timezone
from typing import Any
from urllib.parse import urlsplit

DROP_LIMIT = 3
USER_AGENT = "PagerDuty-Webhook/V3.0"
SIMPLE = {  # log entry type -> event type
    "acknowledge_log_entry": "incident.acknowledged",
    "unacknowledge_log_entry": "incident.unacknowledged",
    "resolve_log_entry": "incident.resolved",
    "escalate_log_entry": "incident.escalated",
    "delegate_log_entry": "incident.delegated",
    "assign_log_entry": "incident.reassigned",
}
_SECRET_CHARS = string.ascii_letters + string.digits + "+/"
_EVENT_ID_CHARS = string.ascii_uppercase + string.digits


def sign(secret: str, body: bytes) -> str:
    """``v1=`` + hex HMAC-SHA256 of ``body`` keyed with ``secret`` (UTF-8)."""
    return "v1=" + hmac.new(secret.encode("utf-8"), body, hashlib.sha256).hexdigest()


def is_loopback(url: str) -> bool:
    host = (urlsplit(url).hostname or "").lower()
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _millis(when: datetime) -> str:
    when = when.astimezone(timezone.utc)
    return when.strftime("%Y-%m-%dT%H:%M:%S.") + f"{when.microsecond // 1000:03d}Z"


class Delivery:
    """One webhook: its body (signed per attempt, as a rotation may add a secret meanwhile)."""

    __slots__ = ("webhook_id", "event_id", "event_type", "body", "queued", "attempts")

    def __init__(self, webhook_id: str, event: dict[str, Any]):
        self.webhook_id = webhook_id
        self.event_id = event["event"]["id"]
        self.event_type = event["event"]["event_type"]
        self.body = json.dumps(event, separators=(",", ":")).encode("utf-8")
        self.queued = time.monotonic()
        self.attempts = 0


class Webhooks:
    """The account's webhook machinery: pending log entries, queues, workers, attempt log."""

    def __init__(self, app: Any):
        self.app = app
        self._cond = threading.Condition()
        self.reset()

    # -- state ----------------------------------------------------------------------------------

    def reset(self) -> None:
        """Forget queued webhooks and the attempt log; running workers stop at their next step."""
        with self._cond:
            self._generation = getattr(self, "_generation", 0) + 1
            self._pending: list[str] = []
            self._queues: dict[str, deque[Delivery]] = {}
            self._workers: dict[str, threading.Thread] = {}
            self._busy: set[str] = set()
            self.attempts: deque[dict[str, Any]] = deque(maxlen=5000)
            # Apart from the store's ID stream, so that webhooks never shift the IDs tests rely on.
            self._rng = random.Random("pagerduty_sim-webhooks")
            self._cond.notify_all()

    def new_secret(self) -> str:
        return "".join(self._rng.choices(_SECRET_CHARS, k=64))

    def snapshot(self) -> dict[str, Any]:
        with self._cond:
            return {"deliveries": list(self.attempts), "pending": self._pending_count()}

    def _pending_count(self) -> int:
        return sum(len(q) for q in self._queues.values())

    def wait_idle(self, timeout: float = 10.0) -> bool:
        """Wait until every queued webhook is delivered, dropped or skipped; False on timeout."""
        deadline = time.monotonic() + timeout
        with self._cond:
            while self._pending_count() or self._busy:
                left = deadline - time.monotonic()
                if left <= 0:
                    return False
                self._cond.wait(timeout=min(left, 0.05))
        return True

    # -- from changes to events (called with the store lock held) --------------------------------

    def on_log_entry(self, record: dict[str, Any]) -> None:
        self._pending.append(record["id"])

    def collect(self) -> None:
        """Turn the log entries of the finished request into events for the matching subscriptions."""
        if not self._pending:
            return
        store = self.app.store
        entries, self._pending = self._pending, []
        subscriptions = [
            s
            for s in store.table("webhook_subscriptions").values()
            if s["active"] and not s["temporarily_disabled"]
        ]
        if not subscriptions:
            return
        routed: set[str] = set()  # incidents whose assignment came with a trigger or an escalation
        for entry_id in entries:
            entry = store.table("log_entries").get(entry_id)
            incident = store.table("incidents").get((entry or {}).get("incident", ""))
            if entry is None or incident is None:
                continue
            kind = entry["type"]
            if kind in ("trigger_log_entry", "escalate_log_entry"):
                routed.add(incident["id"])
            elif kind == "assign_log_entry" and incident["id"] in routed:
                continue  # PagerDuty reports the trigger or the escalation, not a reassignment
            event_type, data = self._event(store, entry, incident)
            if event_type is None:
                continue
            agent = store.ref(*entry["agent"]) if entry.get("agent") else None
            for sub in subscriptions:
                if event_type in sub["events"] and _matches(sub, incident):
                    self._enqueue(sub["id"], self._payload(event_type, "incident", agent, data))

    def _event(self, store: Any, entry: dict[str, Any], incident: dict[str, Any]) -> tuple[str | None, Any]:
        kind = entry["type"]
        data: dict[str, Any] = incident_data(store, incident)
        if kind == "trigger_log_entry":
            first = entry["id"] == incident.get("first_trigger_log_entry")
            return ("incident.triggered" if first else "incident.reopened"), data
        if kind in SIMPLE:
            return SIMPLE[kind], data
        if kind == "field_value_change_log_entry" and entry.get("priority_change"):
            return "incident.priority_updated", data
        if kind == "annotate_log_entry":
            ref = store.ref("incidents", incident["id"])
            if entry.get("status_update"):
                update = next(
                    (u for u in incident.get("status_updates", ()) if u["id"] == entry["status_update"]), {}
                )
                return "incident.status_update_published", {
                    "id": update.get("id"),
                    "type": "incident_status_update",
                    "incident": ref,
                    "message": update.get("message", ""),
                    "trimmed": False,
                }
            note = next(
                (n for n in reversed(incident.get("notes", ())) if n["content"] == entry.get("note")), {}
            )
            return "incident.annotated", {
                "id": note.get("id"),
                "type": "incident_note",
                "incident": ref,
                "content": entry.get("note") or "",
                "trimmed": False,
            }
        return None, None

    def _payload(self, event_type: str, resource_type: str, agent: Any, data: Any) -> dict[str, Any]:
        return {
            "event": {
                "id": "01" + "".join(self._rng.choices(_EVENT_ID_CHARS, k=24)),
                "event_type": event_type,
                "resource_type": resource_type,
                "occurred_at": _millis(self.app.clock.now()),
                "agent": agent,
                "client": None,
                "data": data,
            }
        }

    def ping(self, subscription: dict[str, Any]) -> None:
        data = {"message": "Hello from your friend Pagey!", "type": "ping"}
        self._enqueue(subscription["id"], self._payload("pagey.ping", "pagey", None, data))

    def _enqueue(self, subscription_id: str, event: dict[str, Any]) -> None:
        with self._cond:
            delivery = Delivery(self._uuid(), event)
            self._queues.setdefault(subscription_id, deque()).append(delivery)
            worker = self._workers.get(subscription_id)
            if worker is None or not worker.is_alive():
                worker = threading.Thread(
                    target=self._work,
                    args=(subscription_id, self._generation),
                    name=f"pagerduty_sim-webhooks-{subscription_id}",
                    daemon=True,
                )
                self._workers[subscription_id] = worker
                worker.start()
            self._cond.notify_all()

    def _uuid(self) -> str:
        value = f"{self._rng.getrandbits(128):032x}"
        return f"{value[:8]}-{value[8:12]}-{value[12:16]}-{value[16:20]}-{value[20:]}"

    # -- delivery (worker threads; never hold the store lock during a request) ------------------

    def _work(self, subscription_id: str, generation: int) -> None:
        while True:
            with self._cond:
                queue = self._queues.get(subscription_id)
                while generation == self._generation and not queue:
                    if not self._cond.wait(timeout=5.0) and not queue:
                        self._workers.pop(subscription_id, None)
                        return
                if generation != self._generation:
                    return
                delivery = queue[0]
                self._busy.add(subscription_id)
            outcome = self._attempt(subscription_id, delivery)
            with self._cond:
                self._busy.discard(subscription_id)
                if generation != self._generation:
                    return
                if outcome == "retry":
                    # Doubling pauses, capped at 1 s; other enqueues wake the condition, so wait
                    # out the whole pause (a reset ends it at once).
                    pause = min(self.app.settings.webhook_retry_delay * 2 ** (delivery.attempts - 1), 1.0)
                    deadline = time.monotonic() + pause
                    while generation == self._generation and time.monotonic() < deadline:
                        self._cond.wait(timeout=deadline - time.monotonic())
                    continue
                queue.popleft()
                if outcome == "disabled":
                    queue.clear()
                self._cond.notify_all()

    def _attempt(self, subscription_id: str, delivery: Delivery) -> str:
        """One POST: ``done``, ``retry`` or ``disabled``; each attempt is recorded."""
        store, settings = self.app.store, self.app.settings
        with store.lock:
            sub = store.find("webhook_subscriptions", subscription_id)
            if sub is None:
                return "done"  # deleted meanwhile: nothing more goes out
            url, secrets, custom = sub["url"], list(sub["secrets"]), list(sub["custom_headers"])
        delivery.attempts += 1
        note = {
            "subscription": subscription_id,
            "webhook_id": delivery.webhook_id,
            "event_id": delivery.event_id,
            "event_type": delivery.event_type,
            "url": url,
            "attempt": delivery.attempts,
            "status": None,
            "error": None,
            "at": _millis(self.app.clock.now()),
        }
        if not is_loopback(url):
            return self._note(note, "skipped", "done")
        headers = {
            "Content-Type": "application/json",
            "User-Agent": USER_AGENT,
            "X-PagerDuty-Signature": ",".join(sign(secret, delivery.body) for secret in secrets),
            "X-Webhook-Id": delivery.webhook_id,
            "X-Webhook-Subscription": subscription_id,
            **{h["name"]: h["value"] for h in custom},
        }
        try:
            status = _post(url, delivery.body, headers, settings.webhook_timeout)
        except (OSError, http.client.HTTPException) as exc:
            status, note["error"] = None, f"{type(exc).__name__}: {exc}"
        note["status"] = status
        if status is not None and 200 <= status < 300:
            with store.lock:
                sub["consecutive_drops"] = 0
            return self._note(note, "delivered", "done")
        retryable = status is None or status >= 500 or status == 429
        if retryable and time.monotonic() - delivery.queued < settings.webhook_retry_window:
            return self._note(note, "retry", "retry")
        with store.lock:
            sub["consecutive_drops"] += 1
            disable = sub["consecutive_drops"] >= DROP_LIMIT
            if disable:
                sub["temporarily_disabled"] = True
        return self._note(note, "dropped", "disabled" if disable else "done")

    def _note(self, note: dict[str, Any], outcome: str, result: str) -> str:
        note["outcome"] = outcome
        with self._cond:
            self.attempts.append(note)
        return result


def _post(url: str, body: bytes, headers: dict[str, str], timeout: float) -> int:
    parts = urlsplit(url)
    cls = http.client.HTTPSConnection if parts.scheme == "https" else http.client.HTTPConnection
    connection = cls(parts.hostname, parts.port, timeout=timeout)
    try:
        path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        connection.request("POST", path, body=body, headers=headers)
        response = connection.getresponse()
        response.read()
        return response.status
    finally:
        connection.close()


def _matches(subscription: dict[str, Any], incident: dict[str, Any]) -> bool:
    kind, ident = subscription["filter_type"], subscription["filter_id"]
    if kind == "service_reference":
        return incident["service"] == ident
    if kind == "team_reference":
        return ident in incident["teams"]
    return True


def incident_data(store: Any, incident: dict[str, Any]) -> dict[str, Any]:
    """The incident as webhooks show it: ``number`` and a flat ``assignees`` list (REST has
    ``incident_number`` and ``assignments``)."""
    merged_into = incident.get("resolve_reason")
    return {
        "id": incident["id"],
        "type": "incident",
        "self": store.self_url("incidents", incident["id"]),
        "html_url": store.html_url(store.resources["incidents"], incident["id"]),
        "number": incident["incident_number"],
        "status": incident["status"],
        "incident_key": incident["incident_key"],
        "created_at": incident["created_at"],
        "title": incident["title"],
        "service": store.ref("services", incident["service"]),
        "assignees": [store.ref("users", a["assignee"]) for a in incident["assignments"]],
        "escalation_policy": store.ref("escalation_policies", incident["escalation_policy"]),
        "teams": [store.ref("teams", t) for t in incident["teams"]],
        "priority": store.ref("priorities", incident["priority"]),
        "urgency": incident["urgency"],
        "conference_bridge": incident.get("conference_bridge") or None,
        "resolve_reason": (
            {"type": "merge_resolve_reason", "incident": store.ref("incidents", merged_into)}
            if merged_into
            else None
        ),
        "incident_type": {"name": "incident_default"},
    }
