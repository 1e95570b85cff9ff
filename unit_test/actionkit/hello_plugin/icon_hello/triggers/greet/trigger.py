"""Send a greeting event count times, then return."""

from actionkit import Trigger

from .schema import Input, Output


class Greet(Trigger[Input, Output]):
    def run(self, inp: Input) -> dict:
        count = 2 if inp.count is None else inp.count
        sent = self.state.get("sent", 0)
        for number in range(1, count + 1):
            if not self.running:
                break
            self.logger.info("Sending greeting %d", number)
            if inp.broken:
                self.send({"message": number})
            self.send(Output(message=self.connection.greeting.format(inp.name)))
            sent += 1
            self.state["sent"] = sent
            self.save_state()
        return {"sent": count}
