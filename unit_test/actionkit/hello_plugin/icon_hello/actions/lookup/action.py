"""Echo its input after names became IDs, and look the owner up again in run()."""

from actionkit import Action

from .schema import Input, Output


class Lookup(Action[Input, Output]):
    def run(self, inp: Input) -> Output:
        again = self.resolver.resolve("user", "ada@example.com", "owner")  # from this call's cache
        self.logger.info("The owner again: %s", again)
        return Output(input=inp.to_dict(), lookups=list(self.resolver.lookups))
