"""Worker processes for SymPy work, shared by class builds, ``--unique`` and the stress test.

Workers are forked where the platform can, so they start with the parent's
imports (SymPy takes about a second to import) instead of importing again.

The pool is small and ours, not ``concurrent.futures``, because stopping matters as
much as running: each worker gets one chunk of jobs at a time, so when one dies (killed,
out of memory) the build knows which jobs it held and says so at once; when the build
stops for any reason the workers are killed, not waited for; and a worker dies with its
parent (``lifecycle.become_worker``) if the parent is killed outright. A pool still open when
the interpreter exits (its iterator kept alive by an error's traceback) is stopped first:
multiprocessing's own exit would SIGTERM the workers, which ignore it, and wait for them forever.
"""

import atexit
import gc
import multiprocessing
import os
import pickle
import queue
import signal
import threading
import traceback
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from multiprocessing.connection import Connection, wait
from typing import TypeVar

from generator import speed
from generator.errors import WorkerDied
from generator.pipeline import lifecycle

J = TypeVar("J")
R = TypeVar("R")
Describe = Callable[[Sequence], str]
"""What a worker was doing with a chunk of jobs, for an error message ("generating students s001, s002 (group 3)")."""


def usable_cores() -> int:
    """The cores this process may run on: on a batch node (Slurm's --cpus-per-task, taskset) that is
    its allotment, not the node's count that ``os.cpu_count()`` reports."""
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0)) or 1
    return os.cpu_count() or 1


def workers_for(jobs: int, least_per_worker: int = 8) -> int:
    """One worker per usable core, but none that would get fewer than ``least_per_worker`` jobs: starting one costs."""
    return min(usable_cores(), max(1, jobs // least_per_worker))


def in_workers(
    fn: Callable[[J], R],
    jobs: Iterable[J],
    workers: int,
    chunksize: int = 1,
    describe: Describe | None = None,
    ahead: int = 2,
) -> Iterator[R]:
    """``fn`` over ``jobs``, results in order, in ``workers`` processes (in this one if just one).

    Each worker holds up to ``ahead`` chunks: the one it works on and those waiting behind it,
    so it never idles while the parent is busy; 1 suits jobs of seconds each, where a job
    queued behind a long one would leave the other workers idle at the end.
    Leaving the iterator early (an error, a signal, ``close()``) kills the workers at once.
    """
    job = _ThenFreeze(fn)
    if workers <= 1:
        yield from map(job, jobs)
        return
    jobs = list(jobs)
    chunks = [jobs[start : start + chunksize] for start in range(0, len(jobs), chunksize)]
    pool = _Pool(job, min(workers, len(chunks)), ahead)
    try:
        yield from pool.results(chunks, describe or _count)
    finally:
        pool.stop()


def _count(jobs: Sequence) -> str:
    return f"working on a batch of {len(jobs)} jobs"


class _Pool:
    """Worker processes, each fed through its own pipe and given ``ahead`` chunks at a time."""

    def __init__(self, fn: Callable, size: int, ahead: int):
        self.ahead = ahead
        methods = multiprocessing.get_all_start_methods()
        context = multiprocessing.get_context("fork" if "fork" in methods else None)
        self.connections: dict[Connection, multiprocessing.Process] = {}
        self.given: dict[Connection, deque[tuple[int, Sequence]]] = {}
        """Per worker, the chunks it holds (index, jobs), oldest (the one it works on) first."""
        atexit.register(self.stop)  # runs before multiprocessing's exit handler, registered before any worker started
        try:
            for _ in range(size):
                ours, theirs = context.Pipe()
                process = context.Process(target=_serve, args=(fn, theirs, os.getpid()), daemon=True)
                # Kept before it starts: a signal that stops the build between the fork and here would otherwise
                # leave a worker nobody stops, and multiprocessing's exit would wait for it for ever.
                self.connections[ours] = process
                self.given[ours] = deque()
                process.start()
                theirs.close()
        except BaseException:
            self.stop()
            raise

    def results(self, chunks: Sequence[Sequence], describe: Describe) -> Iterator:
        """Every chunk's results, in order; a worker's exception is raised here, a worker's death too."""
        todo = iter(enumerate(chunks))
        done: dict[int, list] = {}
        for connection in self.connections:
            self._give(connection, todo, describe)
        for index in range(len(chunks)):
            while index not in done:
                lifecycle.raise_if_stopped()
                busy = [connection for connection, held in self.given.items() if held]
                sentinels = {self.connections[c].sentinel: c for c in busy}
                for ready in wait([*busy, *sentinels], timeout=lifecycle.STOP_CHECK_SECONDS):
                    connection = sentinels.get(ready, ready)
                    if self.given[connection]:
                        done.update(self._collect(connection, todo, describe))
            yield from done.pop(index)

    def _give(self, connection: Connection, todo: Iterator, describe: Describe) -> None:
        """Top the worker up to ``ahead`` chunks."""
        held = self.given[connection]
        while len(held) < self.ahead and (chunk := next(todo, None)) is not None:
            held.append(chunk)
            try:
                connection.send(chunk[1])
            except OSError:
                raise self._died(connection, held[0][1], describe) from None

    def _collect(self, connection: Connection, todo: Iterator, describe: Describe) -> dict[int, list]:
        """The worker's oldest chunk, finished, after topping it up again; raises if it failed or died."""
        index, chunk = self.given[connection][0]
        if not connection.poll():
            raise self._died(connection, chunk, describe)
        try:
            message = connection.recv_bytes()
        except (EOFError, OSError):
            raise self._died(connection, chunk, describe) from None
        self.given[connection].popleft()
        self._give(connection, todo, describe)
        ok, payload = pickle.loads(message)
        if not ok:
            error, remote = payload
            raise error from _RemoteTraceback(remote)
        return {index: payload}

    def _died(self, connection: Connection, chunk: Sequence, describe: Describe) -> WorkerDied:
        """The error for a worker that ended while working on ``chunk``."""
        process = self.connections[connection]
        process.join(1)
        code = process.exitcode
        if code is not None and code < 0:
            how = f"killed by {signal.Signals(-code).name}"
            how += ", perhaps for lack of memory" if -code == signal.SIGKILL else ""
        else:
            how = f"exit status {code}"
        return WorkerDied(f"a worker process died ({how}) while {describe(chunk)}; the build was stopped")

    def stop(self) -> None:
        """End the workers: idle ones are told to, busy ones (the build failed or was stopped) are killed.

        A killed worker cannot remove its own temporary directories: they are swept here.
        """
        atexit.unregister(self.stop)
        killed = False
        started = [process for process in self.connections.values() if process.pid is not None]
        for connection, process in self.connections.items():
            if process.pid is None:  # the build stopped before it started
                pass
            elif self.given[connection]:
                process.kill()
                killed = True
            else:
                _tell(connection, None)  # not end-of-file: workers forked later hold copies of this end
            connection.close()
        for process in started:
            process.join(5)
            if process.exitcode is None:
                process.kill()
                process.join()
        if killed:
            lifecycle.sweep_stale()


def _serve(fn: Callable, connection: Connection, parent: int) -> None:
    """A worker's life: chunks in, results (or the exception, with its traceback as text) out.

    A thread takes chunks off the pipe as they come, so the parent never waits to send one.
    A worker installs the speed patches itself: one started afresh (no ``fork``) has none.
    """
    lifecycle.become_worker(parent)
    speed.install()
    chunks: queue.SimpleQueue = queue.SimpleQueue()
    threading.Thread(target=_receive, args=(connection, chunks), daemon=True).start()
    while (chunk := chunks.get()) is not None:
        try:
            message = pickle.dumps((True, [fn(job) for job in chunk]))
        except Exception as error:
            message = _failure(error)
        connection.send_bytes(message)


def _receive(connection: Connection, chunks: queue.SimpleQueue) -> None:
    while True:
        try:
            chunk = connection.recv()
        except (EOFError, OSError):
            chunk = None
        chunks.put(chunk)
        if chunk is None:
            return


def _tell(connection: Connection, message: object) -> None:
    try:
        connection.send(message)
    except OSError:  # the worker is gone already
        pass


def _failure(error: Exception) -> bytes:
    remote = traceback.format_exc()
    try:
        return pickle.dumps((False, (error, remote)))
    except Exception:  # an exception that cannot cross processes: its text still can
        return pickle.dumps((False, (RuntimeError(f"{type(error).__name__}: {error}"), remote)))


class _RemoteTraceback(Exception):
    """Where a worker's exception was raised, shown under the exception raised in the parent."""

    def __str__(self) -> str:
        return f'\n"""\n{self.args[0]}"""'


class _ThenFreeze:
    """``fn``, then whatever it left alive moved out of the garbage collector's sight (``gc.freeze``).

    A worker keeps SymPy's and the project's caches from job to job, a heap that grows all
    the time, and Python's full collections would walk all of it again and again, so their
    cost would grow with every student. Frozen objects are never scanned; garbage cycles a job
    leaves are still collected while the job runs, among the objects it created.
    """

    def __init__(self, fn: Callable[[J], R]):
        self.fn = fn

    def __call__(self, job: J) -> R:
        try:
            return self.fn(job)
        finally:
            gc.freeze()
