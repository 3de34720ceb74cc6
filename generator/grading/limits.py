"""A time limit for the work on one answer, so that no answer can stall a class's grading.

The grammar refuses what is known to be expensive (long input, deep nesting, huge powers);
what is left can still be slow in SymPy (expanding ``(x + 1)^999`` minus its key). The
limit is a real-time interval timer (``SIGALRM``): SymPy is Python code, so the signal
interrupts it between two steps and the answer is reported as too slow to read. Grading
runs in the main thread of the ``sheets`` process or of a worker (``generator.pipeline.parallel``,
whose workers die with the build); elsewhere (another thread) there is no timer to use,
and the grammar's limits alone apply.
"""

import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager

__all__ = ["SECONDS_PER_ANSWER", "TooSlow", "time_limit"]

SECONDS_PER_ANSWER = 2.0
"""Reading and comparing a typical answer takes milliseconds; two seconds is only reached by an answer built to be slow."""


class TooSlow(Exception):
    """The work on one answer ran out of time."""


@contextmanager
def time_limit(seconds: float = SECONDS_PER_ANSWER) -> Iterator[None]:
    """Raise ``TooSlow`` inside the block once ``seconds`` have passed (main thread only; one at a time)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def expire(signum, frame):
        raise TooSlow(f"took more than {seconds:g} s")

    before = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, before)
