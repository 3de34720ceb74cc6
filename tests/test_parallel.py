import gc

from generator.parallel import in_workers


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
