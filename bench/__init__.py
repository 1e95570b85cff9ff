"""The benchmark suite: where performance claims live (not in timed tests).

``make bench`` (``python -m bench``) runs every benchmark, prints a table and writes
``bench/results/latest.json`` and ``latest.md``; ``python -m bench --quick`` is a short smoke run.
One module per benchmark, each with ``TITLE``, ``run(Config) -> dict`` (``figures``, ``targets``,
``notes``) and ``rows(result)`` for the table:

1. ``cold_start``  one process per command, against ``python -c pass`` and a bare requests script;
2. ``http_mode``   the gunicorn server with 1 and 2 workers, against requests straight to the simulator;
3. ``overhead``    what the runtime adds to one action in process, against the bare client call;
4. ``pagination``  listing 10,000 users: requests, time and memory, against a bare requests loop;
5. ``faults``      triggers under 30% 429/503 answers: retries, incidents, time against no faults;
6. ``simulator``   the simulator's own requests per second for a simple GET;
7. ``overload``    the HTTP server at twice its capacity, with and without load shedding;
8. ``rate_limit``  processes sharing one key under a rate limit: share of the allowed rate, 429s, failures;
9. ``output_shaping`` 10,000 incidents shaped, validated and masked, against ``json.dumps`` of them;
10. ``trigger_latency`` new_incident: creation to event against interval + 1 s; requests per idle poll;
11. ``incidents``  25,000 incidents listed past the 10,000 ceiling, and 2,000 changed in bulk under a
    rate limit: requests, time and memory against their floors.
"""

from . import (
               cold_start,
               faults,
               http_mode,
               incidents,
               output_shaping,
               overhead,
               overload,
               pagination,
               ratelimit,
               simulator,
               trigger_latency,
)

BENCHMARKS = {
    "cold_start": cold_start,
    "http_mode": http_mode,
    "overhead": overhead,
    "pagination": pagination,
    "faults": faults,
    "simulator": simulator,
    "overload": overload,
    "rate_limit": ratelimit,
    "output_shaping": output_shaping,
    "trigger_latency": trigger_latency,
    "incidents": incidents,
}
