"""Change many incidents at once, in requests of up to 250, with one result per incident."""

from __future__ import annotations

from typing import Any

from actionkit import Action, InputError
from icon_pagerduty.actions.incident_lookup import check_status, incident_id
from icon_pagerduty.client import BadRequest, NotFound, PagerDutyError, Rejected
from icon_pagerduty.client.paths import segment

from .schema import Input, Output

MAX_BATCH = 250  # PagerDuty's limit per PUT /incidents (413 above it)
PROGRESS_EVERY = 1.0  # seconds between progress lines
# PagerDuty's refusals that mean "already so" for the status asked: no change, not an error.
ALREADY = {1001: "resolved", 1002: "acknowledged"}
# What PagerDuty refuses item by item; the bulk call is all or nothing, so a refused request is
# split in halves until the refused incidents stand alone.
REFUSALS = (BadRequest, NotFound, Rejected)


class ManageIncidents(Action[Input, Output]):
    def run(self, inp: Input) -> dict:
        fields = _fields(inp)
        rest = self.connection.rest
        given = list(dict.fromkeys(i.strip() for i in inp.ids or [] if i and i.strip()))
        if not given:
            raise InputError("The input `ids` is empty; give the incidents' IDs or numbers.",
                             data={"input": "ids"})
        bulk = Bulk(self, fields, rest.resolve_from(inp.from_email))
        for number, ident in enumerate(given):
            try:
                bulk.ids[ident] = incident_id(rest, ident, f"ids[{number}]")
            except NotFound as error:
                bulk.results[ident] = {"id": ident, "error": f"{error.assistance} ({error.cause})"}
        bulk.run(list(dict.fromkeys(bulk.ids[g] for g in given if g in bulk.ids)))
        bulk.summary()
        ordered = dict.fromkeys(bulk.ids[g] for g in given if bulk.ids.get(g) in bulk.incidents)
        incidents = [bulk.incidents[ident] for ident in ordered]
        return {"incidents": incidents, "results": [bulk.result(g) for g in given]}


class Bulk:
    """The state of one bulk change: what each incident became, and the progress lines."""

    def __init__(self, action: ManageIncidents, fields: dict[str, Any], sender: str | None):
        self.rest, self.logger = action.connection.rest, action.logger
        self.fields, self.sender = fields, sender
        self.ids: dict[str, str] = {}  # as given -> incident ID
        self.results: dict[str, dict[str, Any]] = {}  # by ID (or as given, for a number not found)
        self.incidents: dict[str, dict[str, Any]] = {}
        self.requests = self.done = self.total = 0
        self.next_line = self.rest.clock() + PROGRESS_EVERY

    def run(self, ids: list[str]) -> None:
        self.total = len(ids)
        for start in range(0, len(ids), MAX_BATCH):
            chunk = ids[start:start + MAX_BATCH]
            try:
                self.send(chunk)
            except PagerDutyError as error:  # transient or configuration: no use sending more
                if not self.done:
                    raise  # nothing was done: the step fails as a whole
                left = [i for i in ids[start:] if i not in self.results]
                for ident in left:
                    self.results[ident] = {"id": ident, "error": f"Not done, the step stopped: {error.cause}"}
                self.logger.warning("Stopped after %d of %d incidents: %s", self.done, self.total,
                                    error.cause)
                return

    def send(self, chunk: list[str]) -> None:
        items = [{"id": ident, "type": "incident_reference", **self.fields} for ident in chunk]
        self.requests += 1
        try:
            answered = self.rest.put("/incidents", {"incidents": items}, "incidents", from_email=self.sender)
        except REFUSALS as error:
            if len(chunk) > 1:
                half = len(chunk) // 2
                self.send(chunk[:half])
                self.send(chunk[half:])
            else:
                self.refused(chunk[0], error)
            return
        for incident in answered:
            self.incidents[incident["id"]] = incident
            self.results[incident["id"]] = {"id": incident["id"], "changed": True}
        self.progress(len(chunk))

    def refused(self, ident: str, error: PagerDutyError) -> None:
        """One incident PagerDuty refused: already so (changed false), or its own error."""
        asked = self.fields.get("status")
        if asked and ALREADY.get(error.code) == asked:
            incident = self.rest.get(f"/incidents/{segment(ident)}", "incident")
            if incident.get("status") == asked:
                self.incidents[ident] = incident
                self.results[ident] = {"id": ident, "changed": False}
                self.progress(1)
                return
        self.results[ident] = {"id": ident, "error": error.cause}
        self.progress(1)

    def progress(self, count: int) -> None:
        self.done += count
        now = self.rest.clock()
        if now >= self.next_line and self.done < self.total:
            self.next_line = now + PROGRESS_EVERY
            self.logger.info("PUT /incidents: %s of %s incidents done (%s requests)",
                             f"{self.done:,}", f"{self.total:,}", f"{self.requests:,}")

    def result(self, given: str) -> dict[str, Any]:
        found = self.results.get(self.ids.get(given, given)) or {"error": "Not done."}
        return {**found, "id": given}

    def summary(self) -> None:
        outcomes = list(self.results.values())
        changed = sum(1 for r in outcomes if r.get("changed"))
        same = sum(1 for r in outcomes if r.get("changed") is False)
        failed = sum(1 for r in outcomes if "error" in r)
        self.logger.info("%d incidents: %d changed, %d already so, %d refused, in %d requests",
                         len(outcomes), changed, same, failed, self.requests)


def _fields(inp: Input) -> dict[str, Any]:
    """The change, as PagerDuty's fields of each item; input errors for what cannot apply."""
    fields: dict[str, Any] = {}
    if inp.status:
        check_status(inp.status)
        fields["status"] = inp.status
    if inp.urgency:
        fields["urgency"] = inp.urgency
    if inp.escalation_level is not None:
        fields["escalation_level"] = inp.escalation_level
    if inp.assignees:
        fields["assignments"] = [{"assignee": {"id": u, "type": "user_reference"}} for u in inp.assignees]
    if not fields:
        raise InputError("Nothing to change: give status, urgency, escalation_level or assignees.",
                         data={"inputs": ["status", "urgency", "escalation_level", "assignees"]})
    routing = [n for n in ("escalation_level", "assignees") if inp.get(n) not in (None, [])]
    if routing and inp.status == "resolved":
        listed = " and ".join(f"`{n}`" for n in routing)
        raise InputError(f"PagerDuty escalates and assigns open incidents only; leave out {listed} "
                         "when resolving.", data={"inputs": routing})
    return fields
