import gc
import multiprocessing
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from generator.errors import WorkerDied
from generator.pipeline.parallel import in_workers
from tests.test_compile import tex_children


def _square(n: int) -> int:
    return n * n


def _kept(n: int) -> list:
    """A job whose result outlives it, as the caches of a worker do."""
    return [[n]] * 1000


def test_results_come_back_in_order_from_one_or_more_workers():
    for workers in (1, 2):
        assert list(in_workers(_square, range(40), workers, chunksize=3)) == [n * n for n in range(40)]


def test_what_a_job_leaves_alive_is_frozen_out_of_full_collections():
    gc.unfreeze()
    try:
        results = list(in_workers(_kept, range(3), 1))
        assert len(results) == 3
        assert gc.get_freeze_count() > 0
    finally:
        gc.unfreeze()


def _fails_on_three(n: int) -> int:
    if n == 3:
        raise ValueError("three is not allowed")
    return n


def _dies_on_five(n: int) -> int:
    if n == 5:
        os.kill(os.getpid(), signal.SIGKILL)
    time.sleep(0.01)
    return n


def _sleeps_after_the_first(n: int) -> int:
    if n:
        time.sleep(30)
    return n


def test_a_workers_exception_reaches_the_caller_with_where_it_was_raised():
    with pytest.raises(ValueError, match="three is not allowed") as caught:
        list(in_workers(_fails_on_three, range(8), 2))
    assert "_fails_on_three" in str(caught.value.__cause__)


def test_a_worker_that_dies_is_reported_with_the_jobs_it_held():
    started = time.monotonic()
    with pytest.raises(WorkerDied, match=r"killed by SIGKILL.* while working on jobs \[4, 5\]"):
        list(in_workers(_dies_on_five, range(40), 2, chunksize=2, describe=lambda jobs: f"working on jobs {jobs}"))
    assert time.monotonic() - started < 5
    assert not tex_children()


def test_leaving_early_kills_busy_workers_at_once():
    results = in_workers(_sleeps_after_the_first, range(4), 2)
    assert next(results) == 0
    started = time.monotonic()
    results.close()
    assert time.monotonic() - started < 5
    assert not tex_children()


def test_a_pool_left_open_does_not_hold_up_the_exit(tmp_path):
    """Workers ignore SIGTERM (the parent stops them), so multiprocessing's exit, which sends it and waits, would
    wait forever for a pool whose iterator is still alive, as it is when an error's traceback holds it."""
    script = tmp_path / "left_open.py"
    script.write_text(
        "import time\n"
        "from generator.pipeline.parallel import in_workers\n"
        "def sleeps_after_the_first(n):\n"
        "    time.sleep(30 if n else 0)\n"
        "    return n\n"
        "results = in_workers(sleeps_after_the_first, range(4), 2)\n"
        "assert next(results) == 0\n"
        "print('exiting', flush=True)\n"
    )
    started = time.monotonic()
    process = subprocess.run(
        [sys.executable, str(script)], cwd=Path(__file__).resolve().parent.parent, env={**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parent.parent)}, capture_output=True, text=True, timeout=60
    )
    assert (process.returncode, process.stdout) == (0, "exiting\n"), process.stderr
    assert time.monotonic() - started < 30


def test_a_stop_while_the_workers_start_leaves_none_running(monkeypatch):
    """A SIGTERM between a worker's fork and the pool taking note of it left that worker to multiprocessing's exit,
    which waited for ever on a worker that ignores SIGTERM (tests/test_faults.py, --unique, under load)."""
    started = []

    def start_then_stop(process):
        original(process)
        started.append(process)
        if len(started) == 2:
            raise KeyboardInterrupt

    original = multiprocessing.context.ForkProcess.start
    monkeypatch.setattr(multiprocessing.context.ForkProcess, "start", start_then_stop)
    with pytest.raises(KeyboardInterrupt):
        list(in_workers(_square, range(40), 3, chunksize=3))
    assert len(started) == 2
    assert multiprocessing.active_children() == []
