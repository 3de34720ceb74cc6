from pathlib import Path

import pytest

from generator.errors import ConfigError
from generator.pipeline.roster import Student, load_roster, parse_shard, stable_bucket


def write(tmp_path, content: bytes | str, name="roster.csv"):
    path = tmp_path / name
    path.write_bytes(content.encode("utf-8") if isinstance(content, str) else content)
    return path


def test_reads_id_and_name_ignoring_other_columns(tmp_path):
    path = write(tmp_path, 'email,name,id\nada@x,Ada Lovelace,s1\nc@x,"Gauß, C. F.",s2\n')
    assert load_roster(path) == (Student("s1", "Ada Lovelace"), Student("s2", "Gauß, C. F."))


def test_byte_order_mark_and_semicolons_are_understood(tmp_path):
    path = write(tmp_path, "\ufeffid;name\r\ns1;Émilie du Châtelet\r\n\r\n")
    assert load_roster(path) == (Student("s1", "Émilie du Châtelet"),)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("", r"empty roster \(expected a header row"),
        ("id,name\n", r"empty roster \(a header row but no students\)"),
        (
            "id,fullname\ns1,Ada\n",
            r"row 1: missing column 'name' \(found: id, fullname\); name yours with --name-column",
        ),
        (
            "Vorname,Nachname\nAda,L\n",
            r"row 1: missing column 'id' \(found: vorname, nachname\); name yours with --id-column",
        ),
        ("id,Vorname\ns1,Ada\n", r"row 1: missing column 'name' .* or give first-name and last-name columns"),
        ("id,name\ns1,Ada\ns2,Bob\ns1,Eve\n", r"row 4: duplicate id 's1' \(first on row 2\)"),
        ("id,name\n../etc,Ada\n", r"row 2: id '\.\./etc' is not safe as a folder name"),
        ("id,name\na b,Ada\n", r"row 2: id 'a b' is not safe"),
        ("id,name\ns1,\n", r"row 2: empty name for id 's1'"),
        ("id,name\ns1\n", r"row 2: expected 2 columns, found 1"),
        (
            b"id,name\ns1,M\xfcller\n",
            r"cannot read roster: not UTF-8 text \(save as CSV UTF-8, or pass --encoding cp1252\)",
        ),
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


DATA = Path(__file__).parent / "data"
CLASS = (
    Student("4711001", "Ada Lovelace"),
    Student("4711002", "Carl Friedrich Gauß"),
    Student("4711003", "Émilie du Châtelet"),
)


@pytest.mark.parametrize("export", ["moodle-participants.csv", "ilias-members.csv"])
def test_lms_participant_exports_load_without_editing(export):
    """Moodle: First name, Last name, identity fields (ID number); ILIAS: every cell quoted, Matrikelnummer."""
    assert load_roster(DATA / export) == CLASS


def test_moodle_default_export_takes_the_email_address_as_id(tmp_path):
    path = write(tmp_path, "\ufeffFirst name,Last name,Email address\nAda,Lovelace,ada+maths@uni.example\n")
    assert load_roster(path) == (Student("ada+maths@uni.example", "Ada Lovelace"),)


def test_columns_are_named_with_options_and_win_over_known_headers(tmp_path):
    path = write(tmp_path, "Matrikel;Anzeigename;id\n1001;Ada L.;x1\n")
    assert load_roster(path, id_column="Matrikel", name_column="anzeigename") == (Student("1001", "Ada L."),)


def test_first_and_last_names_are_joined_and_an_excel_separator_line_is_read(tmp_path):
    path = write(tmp_path, "sep=;\nVorname;Nachname;id\nJürgen;Müller;s1\n;Weiß;s2\n")
    assert load_roster(path) == (Student("s1", "Jürgen Müller"), Student("s2", "Weiß"))


def test_tab_separated_rosters_are_read(tmp_path):
    assert load_roster(write(tmp_path, "id\tname\ns1\tAda\n")) == (Student("s1", "Ada"),)


def test_an_excel_cp1252_file_gets_a_hint_and_reads_with_its_encoding():
    with pytest.raises(ConfigError, match=r"not UTF-8 text \(save as CSV UTF-8, or pass --encoding cp1252\)"):
        load_roster(DATA / "excel-cp1252.csv")
    students = load_roster(DATA / "excel-cp1252.csv", encoding="cp1252")
    assert students == (Student("1001", "Jürgen Müller"), Student("1002", "René Weiß"))


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"id_column": "Matrikel"}, r"row 1: no column 'Matrikel' \(--id-column; found: id, name\)"),
        ({"name_column": "Anzeigename"}, r"row 1: no column 'Anzeigename' \(--name-column; found: id, name\)"),
        ({"encoding": "klingon"}, r"--encoding 'klingon' is not an encoding Python knows"),
    ],
)
def test_bad_options_are_named(tmp_path, options, message):
    with pytest.raises(ConfigError, match=message):
        load_roster(write(tmp_path, "id,name\ns1,Ada\n"), **options)
