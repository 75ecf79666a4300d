"""sqlsplit: statements, the line each starts on, and the quoting rules of each dialect."""

from pathlib import Path

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from dbintegrity.sqltext.split import ClientCommand, SplitError, Statement, scan_sql, split_file, split_sql

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
    text = "delimiter $$\nSELECT 1$$\ndelimiter ;\nSELECT 3;"
    assert split(text, "mysql") == [("SELECT 1", 2), ("SELECT 3", 4)]


def test_mysql_statements_before_a_stored_program_end_at_their_own_semicolon():
    """Under DELIMITER // the mysql client sends ``DROP ...; CREATE PROCEDURE ... END//`` as one
    multi-statement, which the server runs one by one: ours are split the same way."""
    text = ("DELIMITER //\n"
            "DROP PROCEDURE IF EXISTS p;\n"
            "CREATE PROCEDURE p()\nBEGIN\n  IF 1 THEN SELECT CASE WHEN 1 THEN 'end;' END; END IF;\nEND;\n"
            "DROP PROCEDURE IF EXISTS q;\n"
            "CREATE PROCEDURE q() BEGIN SELECT 1; END//\n"
            "CREATE TRIGGER t BEFORE INSERT ON x FOR EACH ROW SET NEW.a = 1; SET NEW.b = 2//\n"
            "DELIMITER ;\n")
    assert split(text, "mysql") == [
        ("DROP PROCEDURE IF EXISTS p", 2),
        ("CREATE PROCEDURE p()\nBEGIN\n  IF 1 THEN SELECT CASE WHEN 1 THEN 'end;' END; END IF;\nEND", 3),
        ("DROP PROCEDURE IF EXISTS q", 7),
        ("CREATE PROCEDURE q() BEGIN SELECT 1; END", 8),
        ("CREATE TRIGGER t BEFORE INSERT ON x FOR EACH ROW SET NEW.a = 1; SET NEW.b = 2", 9),
    ]


def test_mysqldump_trigger_in_versioned_comments_keeps_its_body():
    text = ("DELIMITER ;;\n/*!50003 CREATE*/ /*!50017 DEFINER=`root`@`localhost`*/ /*!50003 TRIGGER `t` BEFORE "
            "INSERT ON `x` FOR EACH ROW BEGIN SET NEW.a = 1; SET NEW.b = 2; END */;;\nDELIMITER ;\nSELECT 1;")
    got = split(text, "mysql")
    assert [line for _t, line in got] == [2, 4]
    assert got[0][0].endswith("SET NEW.b = 2; END */")


def test_psql_meta_commands_are_client_commands():
    text = "\\restrict abc123\nSELECT 1;\n  \\i other.sql\nSELECT '\\i not this';\n\\unrestrict abc123\n"
    items = scan_sql(text, PATH, dialect="postgres").items
    assert [(type(x).__name__, getattr(x, "name", None), getattr(x, "argument", None), x.line) for x in items] == [
        ("ClientCommand", "\\restrict", "abc123", 1), ("Statement", None, None, 2),
        ("ClientCommand", "\\i", "other.sql", 3), ("Statement", None, None, 4),
        ("ClientCommand", "\\unrestrict", "abc123", 5)]


def test_mysql_source_commands_with_and_without_semicolon():
    text = "source a.sql;\nSOURCE b.sql\n\\. c.sql\nSELECT 1;\nCREATE TABLE t (\nsource int);\n"
    items = scan_sql(text, PATH, dialect="mysql").items
    assert [(x.argument, x.line) for x in items if isinstance(x, ClientCommand)] == [
        ("a.sql", 1), ("b.sql", 2), ("c.sql", 3)]
    assert [s.text for s in items if isinstance(s, Statement)] == ["SELECT 1", "CREATE TABLE t (\nsource int)"]


def test_split_sql_refuses_a_client_command_with_its_line():
    with pytest.raises(SplitError, match=r"01_schema.sql:2: `\\gexec` is a client command"):
        split_sql("SELECT 1;\n\\gexec\n", PATH, dialect="postgres")


def test_copy_from_stdin_rows_travel_with_the_statement():
    text = ("COPY public.t (id, note) FROM stdin;\n1\ta;b\n2\t\\N\n\\.\n"
            "SELECT pg_catalog.setval('s', 3, true);\n")
    got = split_sql(text, PATH, dialect="postgres")
    assert [(s.text, s.line, s.data) for s in got] == [
        ("COPY public.t (id, note) FROM stdin", 1, "1\ta;b\n2\t\\N\n"),
        ("SELECT pg_catalog.setval('s', 3, true)", 5, None)]


def test_copy_without_end_marker_is_an_error():
    with pytest.raises(SplitError, match=r"01_schema\.sql:1: unterminated COPY"):
        split_sql("COPY t FROM stdin;\n1\n2\n", PATH, dialect="postgres")


@pytest.mark.parametrize(("text", "dialect", "found"), [
    ("CREATE TABLE @cdm.person (id int);", "postgres", [("@cdm", 1)]),
    ("SELECT 1;\nCREATE TABLE ${schema}.t (x text DEFAULT '${schema}');", "postgres",
     [("${schema}", 2), ("${schema}", 2)]),
    ("-- @cdm in a comment\nSELECT 'a@b.org', x @> y, a@@b;", "postgres", []),
    ("SET @OLD_SQL_MODE=@@SQL_MODE; CREATE DEFINER=`root`@`localhost` VIEW v AS SELECT 1;", "mysql",
     [("@OLD_SQL_MODE", 1)]),
    ("/*!40101 SET @OLD_X=@@X */;", "mysql", [("@OLD_X", 1)]),
])
def test_placeholders_are_noted_outside_comments(text, dialect, found):
    assert [(p.token, p.line) for p in scan_sql(text, PATH, dialect=dialect).placeholders] == found


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
