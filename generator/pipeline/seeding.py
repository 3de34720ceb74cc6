"""Deterministic randomness: one private ``random.Random`` per problem slot.

Seeds are derived with SHA-256 from plain data, never ``hash()``, so the same
(sheet seed, student, slot) gives the same draw on any machine and any Python.
Adding or removing another slot or student never changes this one, except that a
slot never repeats an earlier slot of its family (``generator.pipeline.repeats``).
"""

import hashlib
import json
import random


def derive_seed(sheet_seed: int, student: str | None, slot: str) -> int:
    """A 64-bit seed for one problem slot of one student's sheet."""
    payload = json.dumps([sheet_seed, student, slot], ensure_ascii=True)
    digest = hashlib.sha256(payload.encode("ascii")).digest()
    return int.from_bytes(digest[:8], "big")


def rng_for(seed: int, purpose: str = "sample") -> random.Random:
    """A private generator for one use of a slot seed (sampling, checking, ...).

    Checking draws its test points from its own stream so that changing a
    check never changes which variant was sampled.
    """
    return random.Random(derive_seed(seed, None, purpose))
