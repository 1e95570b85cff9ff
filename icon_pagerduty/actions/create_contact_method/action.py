"""Add an email address, phone number, SMS number or push device to a user."""

from actionkit import InputError
from icon_pagerduty.actions.rest_action import RestAction
from icon_pagerduty.client import BadRequest
from icon_pagerduty.util.people import CONTACT_TYPES

from .schema import Input, Output

LABELS = {"email": "Email", "phone": "Phone", "sms": "SMS", "push": "Push"}
NUMBER_HELP = (
    "A phone or sms address is the number alone, digits only, without its country code (that goes in "
    "country_code), without +, spaces, dashes or a leading trunk 0 (UK 07700 900123 is country_code 44 and "
    "address 7700900123)."
)


class CreateContactMethod(RestAction[Input, Output]):
    method, path, key = "POST", "/users/{user}/contact_methods", "contact_method"
    needs_from = False  # a user's own settings: PagerDuty takes no requester

    def values(self, inp):
        values = super().values(inp)
        kind = values["type"]
        if kind in ("phone", "sms") and not values.get("country_code"):
            raise InputError(
                f"A {kind} contact method needs `country_code`, the number's country calling code.",
                "Set country_code, such as 1 for the US and Canada, 44 for the UK or 49 for Germany. "
                + NUMBER_HELP,
            )
        if kind in ("email", "push"):
            values.pop("country_code", None)  # PagerDuty ignores it; sending it would only confuse
        values["type"] = CONTACT_TYPES[kind]
        values["label"] = values.get("label") or LABELS[kind]
        return values

    def write(self, path, values):
        try:
            return super().write(path, values)
        except BadRequest as error:
            said = str(error.errors)
            if "must be unique" in said:
                raise error.with_assistance(
                    f"User {values['user']} has this {values['type'].replace('_', ' ')} already: list "
                    "their contact methods (List Contact Methods) and use the existing one."
                ) from None
            if "Address" in said and values["type"] != CONTACT_TYPES["email"]:
                raise error.with_assistance(NUMBER_HELP) from None
            raise
