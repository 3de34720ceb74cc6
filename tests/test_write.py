import pytest

from generator.write import publish


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
