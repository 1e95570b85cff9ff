"""The hello connection: a greeting template and a secret key."""

from actionkit import ConfigError
from actionkit import Connection as BaseConnection

from .schema import Input


class Connection(BaseConnection[Input]):
    connects = 0

    def connect(self, params: Input) -> None:
        if "{}" not in params.greeting:
            raise ConfigError(
                "connection.greeting: the template has no {} for the name.", "Put {} where the name goes."
            )
        if params.greeting == "crash {}":
            raise RuntimeError("the greeting service is down")
        self.logger.info("Connected with greeting %r", params.greeting)
        self.greeting = params.greeting
        self.secret = params.api_key["secretKey"]
        self.password = params.password
        type(self).connects += 1  # lets tests see whether the cache connected again

    def test(self) -> dict | None:
        self.logger.info("Testing the connection")
        if self.secret == "bad":
            raise ConfigError(
                "The API key was rejected.", "Check the API key in the connection.", "401 from server"
            )
        if self.secret == "none":
            return None
        return {"success": True}
