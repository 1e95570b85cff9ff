"""Create a PagerDuty user."""

import re

from actionkit import Action
from actionkit.errors import InputError

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
        }
        user = self.connection.rest.create_user(
            {k: v for k, v in fields.items() if v not in (None, "")}, from_email=inp.from_email
        )
        return Output(user=user, success=True)
