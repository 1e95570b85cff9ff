"""Log the connection's secrets and echo them in the output."""

import json
import logging

from actionkit import Action

from .schema import Input, Output


class LogSecret(Action[Input, Output]):
    def run(self, inp: Input) -> Output:
        secret = self.connection.secret
        self.logger.info("The secret is %s", secret)
        logging.getLogger("some.library").warning("Sending headers %s", json.dumps({"Authorization": secret}))
        self.logger.info("The password is %s and a prefix is %s", self.connection.password, secret[:-2])
        return Output(echo=f"secret={secret}")
