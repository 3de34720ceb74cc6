import os
import resource
import subprocess

import pytest

from generator.errors import OutputError
from generator.pipeline.write import publish


def test_publish_creates_the_directory_with_exactly_the_files(tmp_path):
    target = tmp_path / "sheet" / "seed-1"
    publish({"a.pdf": b"A", "answers.json": b"{}"}, target)
    assert {p.name: p.read_bytes() for p in target.iterdir()} == {"a.pdf": b"A", "answers.json": b"{}"}


def test_publish_replaces_a_previous_build_as_a_whole(tmp_path):
    target = tmp_path / "seed-1"
    publish({"old.pdf": b"old", "shared.json": b"old"}, target)
    publish({"shared.json": b"new"}, target)
    assert {p.name: p.read_bytes() for p in target.iterdir()} == {"shared.json": b"new"}
    assert [p.name for p in tmp_path.iterdir()] == ["seed-1"]


class Interrupted(BaseException):
    pass


def test_interrupted_publish_keeps_the_previous_build(tmp_path):
    target = tmp_path / "seed-1"
    publish({"exercise.pdf": b"old", "solution.pdf": b"old"}, target)

    class Exploding(dict):
        def items(self):
            yield "exercise.pdf", b"new"
            raise Interrupted  # like Ctrl-C half-way through writing

    with pytest.raises(Interrupted):
        publish(Exploding(), target)
    assert {p.name: p.read_bytes() for p in target.iterdir()} == {"exercise.pdf": b"old", "solution.pdf": b"old"}
    assert [p.name for p in tmp_path.iterdir()] == ["seed-1"]


def _reaped_pid() -> int:
    """The id of a process that has ended (ids are not reused that soon)."""
    process = subprocess.Popen(["true"])
    process.wait()
    return process.pid


def test_a_full_disk_while_publishing_is_one_error_and_keeps_the_previous_build(tmp_path):
    target = tmp_path / "seed-1"
    publish({"exercise.pdf": b"old"}, target)
    soft, hard = resource.getrlimit(resource.RLIMIT_FSIZE)
    resource.setrlimit(resource.RLIMIT_FSIZE, (100_000, hard))  # Python ignores SIGXFSZ: writes fail with EFBIG
    try:
        with pytest.raises(OutputError, match=r"cannot write .*seed-1: File too large; what was there before was left as it was"):
            publish({"exercise.pdf": b"new", "solutions-all.pdf": b"x" * 200_000}, target)
    finally:
        resource.setrlimit(resource.RLIMIT_FSIZE, (soft, hard))
    assert {p.name: p.read_bytes() for p in target.iterdir()} == {"exercise.pdf": b"old"}
    assert [p.name for p in tmp_path.iterdir()] == ["seed-1"]


def test_what_a_killed_build_left_beside_the_target_is_swept_by_the_next(tmp_path):
    target = tmp_path / "seed-1"
    left = tmp_path / f".seed-1.staging-{_reaped_pid()}-abc123"
    (left / "s1").mkdir(parents=True)
    running = tmp_path / f".seed-1.staging-{os.getpid()}-def456"  # a build still at work
    running.mkdir()
    publish({"a.pdf": b"A"}, target)
    assert sorted(p.name for p in tmp_path.iterdir()) == [running.name, "seed-1"]
