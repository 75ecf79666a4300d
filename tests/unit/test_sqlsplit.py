"""sqlsplit: statements, the line each starts on, and the quoting rules of each dialect."""

from pathlib import Path

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from dbintegrity.sqlsplit import SplitError, Statement, split_file, split_sql

PATH = Path("pack/mysql/01_schema.sql")


def split(text, dialect="postgres"):
    return [(s.text, s.line) for s in split_sql(text, PATH, dialect=dialect)]


def test_statements_and_lines():
    text = "CREATE TABLE a (id int);\nCREATE TABLE b (\n  id int\n);\nINSERT INTO a VALUES (1)"
    assert split(text) == [
        ("CREATE TABLE a (id int)", 1),
        ("CREATE TABLE b (\n  id int\n)", 2),
        ("INSERT INTO a VALUES (1)", 5),
    ]


def test_two_statements_on_one_line():
    assert split("SELECT 1; SELECT 2;") == [("SELECT 1", 1), ("SELECT 2", 1)]


@pytest.mark.parametrize("dialect", ["mysql", "postgres"])
def test_line_points_at_code_after_leading_comments_and_blank_lines(dialect):
    text = ("SELECT 1;\n"
            "\n"
            "-- the patients table\n"
            "/* a block\n"
            "   comment */\n"
            "\n"
            "CREATE TABLE patients (id int);\n")
    assert split(text, dialect) == [("SELECT 1", 1), ("CREATE TABLE patients (id int)", 7)]


def test_mysql_hash_comment_before_statement():
    assert split("# header\n\nSELECT 1;", "mysql") == [("SELECT 1", 3)]


@pytest.mark.parametrize("dialect", ["mysql", "postgres"])
@pytest.mark.parametrize(
    "literal",
    ["'a;b'", "'it''s; fine'", '"col;umn"', "'--; not a comment'", "'/*;*/'"],
)
def test_semicolon_inside_quotes_does_not_split(dialect, literal):
    assert split(f"SELECT {literal};\nSELECT 2;", dialect) == [(f"SELECT {literal}", 1), ("SELECT 2", 2)]


def test_semicolon_inside_backticks_mysql():
    assert split("SELECT `we;ird`;SELECT 2", "mysql") == [("SELECT `we;ird`", 1), ("SELECT 2", 1)]


@pytest.mark.parametrize("dialect", ["mysql", "postgres"])
def test_semicolon_inside_comments_does_not_split(dialect):
    text = "SELECT 1 -- a; b\n, /* c; d */ 2;\nSELECT 3;"
    assert split(text, dialect) == [("SELECT 1 -- a; b\n, /* c; d */ 2", 1), ("SELECT 3", 3)]


def test_hash_is_a_comment_only_in_mysql():
    text = "SELECT 1 # a;b\n;SELECT 2"
    assert split(text, "mysql") == [("SELECT 1 # a;b", 1), ("SELECT 2", 2)]
    assert split(text, "postgres") == [("SELECT 1 # a", 1), ("b", 1), ("SELECT 2", 2)]


def test_mysql_double_dash_needs_a_space_to_start_a_comment():
    # MySQL reads --x as minus minus x, so the ';' after it ends the statement.
    assert split("SELECT 1 --x;SELECT 2", "mysql") == [("SELECT 1 --x", 1), ("SELECT 2", 1)]


def test_mysql_backslash_escapes_a_quote():
    assert split("SELECT 'a\\';b';\nSELECT \"c\\\";d\";", "mysql") == [
        ("SELECT 'a\\';b'", 1), ('SELECT "c\\";d"', 2)]


def test_postgres_backslash_is_not_an_escape_in_standard_strings():
    assert split("SELECT 'C:\\';SELECT 2") == [("SELECT 'C:\\'", 1), ("SELECT 2", 1)]


@pytest.mark.parametrize("prefix", ["E", "e"])
def test_postgres_e_string_backslash_quote(prefix):
    assert split(f"SELECT {prefix}'it\\'s; ok';\nSELECT 2;") == [(f"SELECT {prefix}'it\\'s; ok'", 1),
                                                                   ("SELECT 2", 2)]


def test_postgres_identifier_ending_in_e_is_not_an_e_string():
    # name'\' is a typed literal holding one backslash; only a lone E starts an escape string.
    assert split("SELECT name'\\';SELECT 2") == [("SELECT name'\\'", 1), ("SELECT 2", 1)]


def test_postgres_dollar_quoted_function_body():
    text = ("CREATE FUNCTION touch() RETURNS trigger AS $$\n"
            "BEGIN\n"
            "  NEW.updated_at = now();\n"
            "  RETURN NEW;\n"
            "END;\n"
            "$$ LANGUAGE plpgsql;\n"
            "SELECT 2;")
    stmts = split(text)
    assert len(stmts) == 2
    assert stmts[0][0].startswith("CREATE FUNCTION touch()")
    assert stmts[0][0].endswith("END;\n$$ LANGUAGE plpgsql")
    assert stmts[0][1] == 1
    assert stmts[1] == ("SELECT 2", 7)


def test_postgres_tagged_dollar_quote_may_hold_plain_dollar_quotes():
    text = "DO $body$ BEGIN PERFORM $$;$$; END $body$;\nSELECT 2"
    assert split(text) == [("DO $body$ BEGIN PERFORM $$;$$; END $body$", 1), ("SELECT 2", 2)]


def test_postgres_positional_parameter_is_not_a_dollar_quote():
    assert split("PREPARE p AS SELECT $1;SELECT 2") == [("PREPARE p AS SELECT $1", 1), ("SELECT 2", 1)]


def test_dollar_is_not_special_in_mysql():
    assert split("SELECT '$$';SELECT $$;SELECT 3", "mysql") == [("SELECT '$$'", 1), ("SELECT $$", 1),
                                                                ("SELECT 3", 1)]


def test_mysql_delimiter_around_trigger_body():
    text = ("CREATE TABLE t (a int);\n"
            "DELIMITER //\n"
            "CREATE TRIGGER t_bi BEFORE INSERT ON t FOR EACH ROW\n"
            "BEGIN\n"
            "  SET NEW.a = 1;\n"
            "  SET NEW.a = NEW.a + 1;\n"
            "END//\n"
            "DELIMITER ;\n"
            "INSERT INTO t VALUES (1);\n")
    assert split(text, "mysql") == [
        ("CREATE TABLE t (a int)", 1),
        ("CREATE TRIGGER t_bi BEFORE INSERT ON t FOR EACH ROW\nBEGIN\n  SET NEW.a = 1;\n"
         "  SET NEW.a = NEW.a + 1;\nEND", 3),
        ("INSERT INTO t VALUES (1)", 9),
    ]


def test_mysql_delimiter_is_case_insensitive_and_may_be_lowercase():
    text = "delimiter $$\nSELECT 1; SELECT 2$$\ndelimiter ;\nSELECT 3;"
    assert split(text, "mysql") == [("SELECT 1; SELECT 2", 2), ("SELECT 3", 4)]


def test_mysql_versioned_comment_is_code():
    assert split("/*!40101 SET NAMES utf8mb4 */;\nSELECT 1;", "mysql") == [
        ("/*!40101 SET NAMES utf8mb4 */", 1), ("SELECT 1", 2)]


@pytest.mark.parametrize("dialect", ["mysql", "postgres"])
@pytest.mark.parametrize(
    "text",
    ["", "\n\n  \n", "-- only a comment\n", "/* block */\n-- and line\n", ";;\n;", "-- a;\n/* b; */;\n"],
)
def test_comment_only_input_gives_no_statements(dialect, text):
    assert split(text, dialect) == []


def test_trailing_comment_after_last_statement_is_dropped():
    assert split("SELECT 1;\n-- done\n") == [("SELECT 1", 1)]


@pytest.mark.parametrize(
    ("text", "dialect", "line", "what"),
    [
        ("SELECT 1;\nSELECT 'open\n;\n", "postgres", 2, "' quote"),
        ("SELECT 1;\n\nSELECT \"open", "mysql", 3, '" quote'),
        ("SELECT `open", "mysql", 1, "` quote"),
        ("SELECT 1;\n/* never\nclosed", "postgres", 2, "/* comment"),
        ("SELECT 1;\nCREATE FUNCTION f() AS $fn$\nBEGIN; END;\n", "postgres", 2, "dollar-quoted body $fn$"),
        ("SELECT E'it\\'s", "postgres", 1, "' quote"),
        ("SELECT 'a\\'", "mysql", 1, "' quote"),
    ],
)
def test_unterminated_raises_split_error_naming_path_and_line(text, dialect, line, what):
    with pytest.raises(SplitError) as info:
        split_sql(text, PATH, dialect=dialect)
    assert str(info.value) == f"{PATH}:{line}: unterminated {what} starting here"
    assert (info.value.path, info.value.line, info.value.what) == (PATH, line, what)


def test_head_is_one_line_and_truncated():
    stmt = Statement("CREATE TABLE patients (\n    id varchar(36) NOT NULL,\n    name text,\n"
                     "    born date NOT NULL\n)", PATH, 4)
    assert "\n" not in stmt.head
    assert len(stmt.head) == 60
    assert stmt.head == "CREATE TABLE patients ( id varchar(36) NOT NULL, name tex..."
    assert stmt.where == f"{PATH}:4"


def test_short_head_is_not_truncated():
    assert Statement("SELECT\n  1", PATH, 1).head == "SELECT 1"


def test_split_file_reads_utf8(tmp_path):
    path = tmp_path / "01.sql"
    path.write_text("INSERT INTO t VALUES ('Zoë; ü');\n", encoding="utf-8")
    assert [(s.text, s.line, s.path) for s in split_file(path, dialect="mysql")] == [
        ("INSERT INTO t VALUES ('Zoë; ü')", 1, path)]


# -- property: joining simple statements and splitting them gives them back ---------------------------

_word = st.text(alphabet="abcdefghijklmnopqrstuvwxyz_", min_size=1, max_size=8)
_string = st.text(alphabet="abc ;-/*#\n$", max_size=10).map(lambda s: "'" + s + "'")
_operand = st.one_of(_word, st.integers(0, 10**6).map(str), _string)
_statement = st.lists(_operand, min_size=1, max_size=5).flatmap(
    lambda ops: st.lists(st.sampled_from([", ", ",\n  "]), min_size=len(ops), max_size=len(ops)).map(
        lambda seps: "SELECT " + "".join(o + s for o, s in zip(ops, seps, strict=True))[: -len(seps[-1])]))


@given(
    statements=st.lists(_statement, min_size=1, max_size=6),
    gaps=st.lists(st.integers(0, 3), min_size=7, max_size=7),
    trailing=st.booleans(),
    dialect=st.sampled_from(["mysql", "postgres"]),
)
@example(statements=["SELECT 'a;\n--b'", "SELECT c"], gaps=[1, 0, 0, 0, 0, 0, 0], trailing=False,
         dialect="mysql")
def test_join_then_split_round_trips(statements, gaps, trailing, dialect):
    text = "\n" * gaps[0]
    want = []
    for i, stmt in enumerate(statements):
        want.append((stmt, text.count("\n") + 1))
        text += stmt
        if i < len(statements) - 1 or trailing:
            text += ";" + "\n" * gaps[i + 1]
    assert split(text, dialect) == want
