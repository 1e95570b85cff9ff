"""Find a PagerDuty user by exact email address, ignoring case."""

from actionkit import Action

from .schema import Input, Output


class GetUserByEmail(Action[Input, Output]):
    def run(self, inp: Input) -> Output:
        user = self.connection.rest.find_user_by_email(inp.email)
        return Output(found=user is not None, user=user)
