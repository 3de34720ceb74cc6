"""Property tests of the sampling helpers every family draws with."""

import random

import pytest
from hypothesis import given
from hypothesis import strategies as st

from generator.kit.sampling import distinct, nonzero


@given(seed=st.integers(0, 2**64), count=st.integers(1, 8), size=st.integers(16, 40))
def test_distinct_gives_different_accepted_items_deterministically(seed, count, size):
    def draw(rng: random.Random) -> int:
        return rng.randrange(size)

    def even(item: int) -> bool:
        return item % 2 == 0

    items = distinct(random.Random(seed), draw, count, accept=even)
    assert len(items) == count == len(set(items))
    assert all(even(item) and 0 <= item < size for item in items)
    assert distinct(random.Random(seed), draw, count, accept=even) == items


def test_distinct_gives_up_with_a_reason():
    with pytest.raises(RuntimeError, match="3 different usable widgets"):
        distinct(random.Random(1), lambda rng: rng.randrange(2), 3, what="widgets")


@given(seed=st.integers(0, 2**64), low=st.integers(-10, 0), high=st.integers(1, 10))
def test_nonzero_stays_in_range_and_avoids_zero(seed, low, high):
    value = nonzero(random.Random(seed), low, high)
    assert value != 0 and low <= value <= high
