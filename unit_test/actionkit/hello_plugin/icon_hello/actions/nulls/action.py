"""Return None in optional output fields, nested too (and print to stdout)."""

from actionkit import Action

from .schema import Input, Output


class Nulls(Action[Input, Output]):
    def run(self, inp: Input) -> Output:
        print("a stray print from plugin code")  # must not reach stdout in CLI mode
        return Output(
            message="kept",
            note=None,
            zero=0,
            flag=False,
            empty_list=[],
            person={"name": "Ada", "nickname": None, "tags": []},
            people=[{"name": "Ada", "age": None}, {"name": "Grace", "age": 85}],
            extra={"free": None, "form": {}},
        )
