"""PagerDuty's error envelope and the error codes the simulator answers with.

Every failure inside a handler is raised as ``ApiError`` and rendered as PagerDuty renders it:
``{"error": {"message": ..., "code": ..., "errors": [...]}}``. Codes come from the reference's
code table (pagerduty-api.md §5.2); where the live API's wording is unknown we pick the closest
documented phrase and keep it here, in one place.
"""

from __future__ import annotations

from typing import Any

# Messages of the documented codes, used when a handler gives only the code.
MESSAGES = {
    1001: "Incident Already Resolved",
    1002: "Incident Already Acknowledged",
    1003: "Invalid Status Provided",
    1004: "Invalid ID Provided",
    1007: "Assigned To User Not Found",
    1008: "Requester User Not Found",
    1014: "Escalation Policy Not Found",
    1020: "Invalid Priority",
    1028: 'Malformed "From" header',
    2000: "Internal Error",
    2001: "Invalid Input Provided",
    2002: "Arguments Caused Error",
    2003: "Missing Arguments",
    2006: "Authentication failed",
    2010: "Access Denied",
    2014: "Missing Account Ability",
    2016: 'You must specify a user\'s email address in the "From" header to perform this action',
    2020: "Rate Limit Exceeded",
    2100: "Not Found",
    6006: "Team has existing associations",
}

# Default error bodies for statuses injected by faults without an explicit body.
STATUS_ERRORS = {
    400: (2001, "Invalid Input Provided"),
    401: (2006, "Authentication failed"),
    402: (2014, "Missing Account Ability"),
    403: (2010, "Access Denied"),
    404: (2100, "Not Found"),
    405: (2001, "Method Not Allowed"),
    408: (2016, "Request took too long"),
    409: (2001, "Conflict"),
    413: (2001, "Request Entity Too Large"),
    422: (2001, "Unprocessable Entity"),
    429: (2020, "Rate Limit Exceeded"),
}


class ApiError(Exception):
    """An error answered to the client with PagerDuty's error envelope."""

    def __init__(self, status: int, code: int, message: str | None = None, errors: list[str] | None = None):
        self.status = status
        self.code = code
        self.message = message if message is not None else MESSAGES.get(code, "Error")
        self.errors = errors
        super().__init__(f"{status} {self.code} {self.message}")

    def body(self) -> dict[str, Any]:
        error: dict[str, Any] = {"message": self.message, "code": self.code}
        if self.errors is not None:
            error["errors"] = list(self.errors)
        return {"error": error}


def status_error_body(status: int) -> dict[str, Any]:
    """The error body PagerDuty would plausibly send with ``status`` (used by faults)."""
    code, message = STATUS_ERRORS.get(status, (2000, "Internal Error") if status >= 500 else (2001, "Error"))
    return {"error": {"message": message, "code": code}}


def invalid(*errors: str, code: int = 2001, status: int = 400) -> ApiError:
    """400 "Invalid Input Provided" with details, PagerDuty's usual answer to a bad body."""
    return ApiError(status, code, None, list(errors))


def arguments_error(*errors: str) -> ApiError:
    """400 code 2002 "Arguments Caused Error", PagerDuty's answer to bad query parameters."""
    return ApiError(400, 2002, None, list(errors))


def not_found() -> ApiError:
    return ApiError(404, 2100)


def missing_ability(ability: str) -> ApiError:
    return ApiError(402, 2014, None, [f"The account does not have the '{ability}' ability."])
