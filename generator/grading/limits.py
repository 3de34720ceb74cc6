"""A time limit for the work on one answer, so that no answer can stall a class's grading.

The grammar refuses what is known to be expensive (long input, deep nesting, huge powers);
what is left can still be slow in SymPy (expanding ``(x + 1)^999`` minus its key). The
limit is a real-time interval timer (``SIGALRM``): SymPy is Python code, so the signal
interrupts it between two steps and the answer is reported as too slow to read. Grading
runs in the main thread of the ``sheets`` process or of a worker (``generator.pipeline.parallel``,
whose workers die with the build); elsewhere (another thread) there is no timer to use,
and the grammar's limits alone apply.
"""

from contextlib import AbstractContextManager

from generator.pipeline import lifecycle

__all__ = ["SECONDS_PER_ANSWER", "TooSlow", "time_limit"]

SECONDS_PER_ANSWER = 2.0
"""Reading and comparing a typical answer takes milliseconds; two seconds is only reached by an answer built to be slow."""


class TooSlow(Exception):
    """The work on one answer ran out of time."""


def time_limit(seconds: float = SECONDS_PER_ANSWER) -> AbstractContextManager[None]:
    """Raise ``TooSlow`` inside the block once ``seconds`` have passed (main thread only; one at a time)."""
    return lifecycle.time_limit(seconds, TooSlow)
