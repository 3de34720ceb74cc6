import pytest

from generator.errors import ConfigError
from generator.pipeline.roster import Student, load_roster, parse_shard, stable_bucket


def write(tmp_path, content: bytes | str, name="roster.csv"):
    path = tmp_path / name
    path.write_bytes(content.encode("utf-8") if isinstance(content, str) else content)
    return path


def test_reads_id_and_name_ignoring_other_columns(tmp_path):
    path = write(tmp_path, "email,name,id\nada@x,Ada Lovelace,s1\nc@x,\"Gauß, C. F.\",s2\n")
    assert load_roster(path) == (Student("s1", "Ada Lovelace"), Student("s2", "Gauß, C. F."))


def test_byte_order_mark_and_semicolons_are_understood(tmp_path):
    path = write(tmp_path, "\ufeffid;name\r\ns1;Émilie du Châtelet\r\n\r\n")
    assert load_roster(path) == (Student("s1", "Émilie du Châtelet"),)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("", r"empty roster \(expected a header row"),
        ("id,name\n", r"empty roster \(a header row but no students\)"),
        ("id,fullname\ns1,Ada\n", r"row 1: missing column 'name' \(found: id, fullname\)"),
        ("id,name\ns1,Ada\ns2,Bob\ns1,Eve\n", r"row 4: duplicate id 's1' \(first on row 2\)"),
        ("id,name\n../etc,Ada\n", r"row 2: id '\.\./etc' is not safe as a folder name"),
        ("id,name\na b,Ada\n", r"row 2: id 'a b' is not safe"),
        ("id,name\ns1,\n", r"row 2: empty name for id 's1'"),
        ("id,name\ns1\n", r"row 2: expected 2 columns, found 1"),
        ("id,name\ns1,Wang 王\n", r"row 2: name contains '王' \(U\+738B\), which pdfLaTeX cannot print"),
        (b"id,name\ns1,M\xfcller\n", r"cannot read roster: not UTF-8 text"),
    ],
)
def test_problems_name_the_file_and_row(tmp_path, content, message):
    path = write(tmp_path, content)
    with pytest.raises(ConfigError, match=rf"roster\.csv: {message}"):
        load_roster(path)


def test_missing_file_is_a_clear_error(tmp_path):
    with pytest.raises(ConfigError, match="roster file not found"):
        load_roster(tmp_path / "nope.csv")


def test_buckets_are_stable_and_spread():
    assert stable_bucket("s001", 4) == stable_bucket("s001", 4)
    assert {stable_bucket(f"s{i:03d}", 4) for i in range(100)} == {0, 1, 2, 3}


@pytest.mark.parametrize(("text", "shard"), [("1/3", (1, 3)), (" 3 / 3 ", (3, 3))])
def test_shard_syntax(text, shard):
    assert parse_shard(text) == shard


@pytest.mark.parametrize("text", ["0/3", "4/3", "1-3", "a/b", "1/0"])
def test_bad_shards_are_refused(text):
    with pytest.raises(ConfigError, match="--shard takes K/N"):
        parse_shard(text)
