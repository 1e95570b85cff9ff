"""Return output that breaks the spec in the way asked for (or a valid plain dict)."""

import datetime

from actionkit import Action

from .schema import Input, Output

BROKEN = {
    "valid": {"message": "a plain dict works too", "count": 2.0},
    "wrong_type": {"message": "hi", "count": "three"},
    "missing_required": {"count": 3},
    "nested": {"message": "hi", "people": [{"name": "Ada"}, {"age": 36}]},
    "null_required": {"message": None},
    "many": {"message": 5, "count": 2.5, "people": [{"name": "Ada", "tags": [1]}]},
}


class BadOutput(Action[Input, Output]):
    def run(self, inp: Input) -> dict:
        if inp.how == "not_json":
            return {"message": "hi", "people": [{"name": "Ada", "born": datetime.date(1815, 12, 10)}]}
        return BROKEN[inp.how]
