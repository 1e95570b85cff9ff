"""Greet someone."""

from actionkit import Action

from .schema import Input, Output


class Hello(Action[Input, Output]):
    def run(self, inp: Input) -> Output:
        message = self.connection.greeting.format(inp.name)
        if inp.style == "loud":
            message = message.upper()
        self.logger.info("Greeting %s", inp.name)
        self.logger.debug("Greeting in detail: %r", inp.to_dict())
        return Output(message=message, count=inp.times or 1)
