"""Create a PagerDuty user."""

import re

from actionkit import Action
from actionkit.errors import InputError
from icon_pagerduty.client import BadRequest, OutcomeUnknown, UnexpectedResponse

from .schema import Input, Output

# PagerDuty's own bounds (6 to 100 characters); the full syntax check stays PagerDuty's.
EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")


class CreateUser(Action[Input, Output]):
    def run(self, inp: Input) -> Output:
        if not EMAIL.fullmatch(inp.email) or not 6 <= len(inp.email) <= 100:
            raise InputError(
                f"input.email: {inp.email!r} is not a valid email address.",
                "Set email to the new user's address, such as ada.lovelace@example.com "
                "(6 to 100 characters).",
            )
        fields = {
            "type": "user",
            "name": inp.name,
            "email": inp.email,
            "role": inp.role,
            "time_zone": inp.time_zone,
            "color": inp.color,
            "job_title": inp.job_title,
            "description": inp.description,
            "license": inp.license,
        }
        rest = self.connection.rest
        try:
            user = rest.create_user({k: v for k, v in fields.items() if v not in (None, "")},
                                    from_email=inp.from_email)
        except BadRequest as error:
            existing = rest.find_user_by_email(inp.email) if "taken" in str(error.errors).lower() else None
            if existing is None:
                raise
            if inp.if_exists == "return":
                self.logger.info("A user with email %s exists already (%s); returning it", inp.email,
                                 existing["id"])
                return Output(user=existing, success=True, created=False)
            raise error.with_assistance(
                f"A user with email {inp.email} exists already: {existing.get('name')} ({existing['id']}). "
                "Use that user, or set if_exists to return to get it back instead of an error."
            ) from None
        except (OutcomeUnknown, UnexpectedResponse):
            # The answer was lost, not the request: look before reporting a failure that is not one.
            found = rest.find_user_by_email(inp.email)
            if found is None:
                raise
            self.logger.warning("The answer to the create was lost; user %s was found by its email %s",
                                found["id"], inp.email)
            return Output(user=found, success=True, created=True)
        return Output(user=user, success=True, created=True)
