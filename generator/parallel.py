"""Worker processes for SymPy work, shared by class builds and the stress test.

Workers are forked where the platform can, so they start with the parent's
imports (SymPy takes about a second to import) instead of importing again.
"""

import gc
import multiprocessing
import os
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from typing import TypeVar

J = TypeVar("J")
R = TypeVar("R")


def workers_for(jobs: int, least_per_worker: int = 8) -> int:
    """One worker per core, but none that would get fewer than ``least_per_worker`` jobs: starting one costs."""
    return min(os.cpu_count() or 1, max(1, jobs // least_per_worker))


def in_workers(fn: Callable[[J], R], jobs: Iterable[J], workers: int, chunksize: int = 1) -> Iterator[R]:
    """``fn`` over ``jobs``, results in order, in ``workers`` processes (in this one if just one)."""
    job = _ThenFreeze(fn)
    if workers <= 1:
        yield from map(job, jobs)
        return
    context = multiprocessing.get_context("fork") if "fork" in multiprocessing.get_all_start_methods() else None
    with ProcessPoolExecutor(workers, mp_context=context) as pool:
        yield from pool.map(job, jobs, chunksize=chunksize)


class _ThenFreeze:
    """``fn``, then whatever it left alive moved out of the garbage collector's sight (``gc.freeze``).

    A worker keeps SymPy's and the project's caches from job to job, a heap that grows all
    the time, and Python's full collections walked all of it again and again: a tenth of a
    class build's generation time. Frozen objects are never scanned; garbage cycles a job
    leaves are still collected while the job runs, among the objects it created.
    """

    def __init__(self, fn: Callable[[J], R]):
        self.fn = fn

    def __call__(self, job: J) -> R:
        try:
            return self.fn(job)
        finally:
            gc.freeze()
