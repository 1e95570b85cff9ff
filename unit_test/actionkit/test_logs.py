"""actionkit.logs: per-call capture through a context variable."""

from __future__ import annotations

import io
import logging
import threading

from actionkit.logs import _format, capture, current_capture

log = logging.getLogger("unit_test.logs")


def test_captures_any_logger_at_info():
    with capture() as lines:
        log.info("from %s", "mine")
        logging.getLogger("some.library").info("from a library")
        log.debug("not at INFO")
    assert lines.text() == "from mine\nfrom a library\n"


def test_debug_captures_debug_lines():
    with capture(debug=True) as lines:
        log.debug("detail")
    assert lines.text() == "detail\n"


def test_warnings_carry_their_level():
    with capture() as lines:
        log.warning("careful")
        log.error("broken")
    assert lines.text() == "WARNING: careful\nERROR: broken\n"


def test_tracebacks_go_to_the_mirror_only():
    mirror = io.StringIO()
    with capture(mirror=mirror) as lines:
        try:
            raise ValueError("boom")
        except ValueError:
            log.exception("it failed")
        log.warning("here", stack_info=True)
    assert lines.text() == "ERROR: it failed\nWARNING: here\n"
    shown = mirror.getvalue()
    assert shown.startswith("ERROR: it failed\nTraceback (most recent call last):\n")
    assert "ValueError: boom\nWARNING: here\nStack (most recent call last):\n" in shown


def test_no_mirror_no_traceback_anywhere():
    with capture() as lines:
        try:
            raise ValueError("boom")
        except ValueError:
            log.exception("it failed")
    assert lines.text() == "ERROR: it failed\n"


def test_nothing_is_captured_outside():
    with capture() as lines:
        pass
    log.info("after")
    assert (lines.text(), current_capture()) == ("", None)


def test_unformattable_arguments_do_not_fail():
    record = logging.LogRecord("x", logging.INFO, __file__, 1, "%d items", ("many",), None)
    expected = "'%d items' (unformattable log arguments: %d format: a real number is required, not str)"
    assert _format(record) == expected


def test_mirror_receives_masked_lines():
    mirror = io.StringIO()
    with capture(mirror=mirror, mask=lambda text: text.replace("s3cr3t", "***")) as lines:
        log.info("key s3cr3t")
    assert (mirror.getvalue(), lines.text()) == ("key ***\n", "key s3cr3t\n")


def test_take_returns_the_text_and_starts_afresh():
    with capture() as lines:
        log.info("one")
        first = lines.take()
        log.info("two")
    assert (first, lines.text()) == ("one\n", "two\n")


def test_concurrent_threads_never_mix_lines():
    workers = 8
    barrier = threading.Barrier(workers)
    results: dict[int, str] = {}

    def work(number: int) -> None:
        with capture() as lines:
            barrier.wait()
            for step in range(50):
                log.info("worker %d step %d", number, step)
            results[number] = lines.text()

    threads = [threading.Thread(target=work, args=(n,)) for n in range(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert results == {n: "".join(f"worker {n} step {s}\n" for s in range(50)) for n in range(workers)}
