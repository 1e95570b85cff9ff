"""Raise the error kind asked for."""

import sys

from actionkit import (
    Action,
    ConfigError,
    InputError,
    InternalError,
    NotFoundError,
    TransientError,
    UpstreamError,
)

from .schema import Input, Output

ERRORS = {
    "input": InputError,
    "config": ConfigError,
    "not_found": NotFoundError,
    "upstream": UpstreamError,
    "transient": TransientError,
    "internal": InternalError,
}


class Fail(Action[Input, Output]):
    def run(self, inp: Input) -> Output:
        self.logger.info("About to fail with %s", inp.kind)
        if inp.kind == "unexpected":
            raise ValueError("because I can\nsecond line")
        if inp.kind == "exit":
            sys.exit(3)
        raise ERRORS[inp.kind](f"Failing with {inp.kind} as asked.", data=inp.data)
