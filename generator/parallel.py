"""Worker processes for SymPy work, shared by class builds and the stress test.

Workers are forked where the platform can, so they start with the parent's
imports (SymPy takes about a second to import) instead of importing again.
"""

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
    if workers <= 1:
        yield from map(fn, jobs)
        return
    context = multiprocessing.get_context("fork") if "fork" in multiprocessing.get_all_start_methods() else None
    with ProcessPoolExecutor(workers, mp_context=context) as pool:
        yield from pool.map(fn, jobs, chunksize=chunksize)
