"""packs: finding packs in a folder, choosing them by name, and reading their SQL files."""

import pytest

from dbintegrity.errors import PackError
from dbintegrity.pack.discovery import Pack, discover, select


def make_pack(root, name, files):
    """``files`` maps ``dialect/file.sql`` to its text (bytes are written as they are)."""
    for rel, content in files.items():
        path = root / name / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
    return root / name


@pytest.fixture
def packs(tmp_path):
    root = tmp_path / "sql"
    make_pack(root, "healthcare_mgmt", {"mysql/01_schema.sql": "CREATE TABLE a (id int);",
                                        "postgres/01_schema.sql": "CREATE TABLE a (id int);"})
    make_pack(root, "pharmacy", {"postgres/01_schema.sql": "CREATE TABLE p (id int);"})
    (root / ".hidden").mkdir()
    (root / "_private").mkdir()
    (root / "README.txt").write_text("not a pack")
    return root


def test_discover_lists_pack_folders_in_name_order(packs):
    found = discover(packs)
    assert list(found) == ["healthcare_mgmt", "pharmacy"]
    assert found["pharmacy"] == Pack("pharmacy", packs / "pharmacy")
    assert found["healthcare_mgmt"].contract_path == packs / "healthcare_mgmt" / "contract.yml"


def test_dialects(packs):
    found = discover(packs)
    assert found["healthcare_mgmt"].dialects == ["mysql", "postgres"]
    assert found["pharmacy"].dialects == ["postgres"]


def test_select_all_when_no_names(packs):
    assert [p.name for p in select(packs, ())] == ["healthcare_mgmt", "pharmacy"]


def test_select_by_name_keeps_the_order_asked(packs):
    assert [p.name for p in select(packs, ["pharmacy", "healthcare_mgmt"])] == ["pharmacy", "healthcare_mgmt"]


def test_typo_gets_did_you_mean(packs):
    with pytest.raises(PackError) as info:
        select(packs, ["healthcare_mgnt"])
    assert str(info.value) == f"pack 'healthcare_mgnt' not found in {packs}; did you mean healthcare_mgmt?"


def test_unknown_name_lists_packs_present(packs):
    with pytest.raises(PackError) as info:
        select(packs, ["zzz"])
    assert str(info.value) == f"pack 'zzz' not found in {packs}; packs here: healthcare_mgmt, pharmacy"


def test_hidden_and_underscore_folders_are_not_packs(packs):
    with pytest.raises(PackError, match="not found"):
        select(packs, ["_private"])


def test_empty_packs_folder(tmp_path):
    with pytest.raises(PackError) as info:
        select(tmp_path, ())
    msg = str(info.value)
    assert msg == f"packs folder {tmp_path} holds no packs; add {tmp_path}/<pack>/<dialect>/01_schema.sql"


def test_empty_packs_folder_with_a_name(tmp_path):
    with pytest.raises(PackError) as info:
        select(tmp_path, ["x"])
    assert str(info.value) == f"pack 'x' not found in {tmp_path}; packs here: none"


def test_missing_packs_folder(tmp_path):
    missing = tmp_path / "nope"
    with pytest.raises(PackError) as info:
        discover(missing)
    msg = str(info.value)
    assert "\n" not in msg
    assert msg.startswith(f"packs folder {missing} does not exist")
    assert "--packs / DBINTEGRITY_PACKS / ini dbintegrity_packs" in msg


def test_missing_dialect_folder(packs):
    pharmacy = discover(packs)["pharmacy"]
    with pytest.raises(PackError) as info:
        pharmacy.statements("mysql")
    msg = str(info.value)
    assert msg.startswith(f"pack pharmacy: no mysql/ folder in {packs / 'pharmacy'} (dialects present: postgres)")
    assert f"add {packs / 'pharmacy' / 'mysql'}/01_schema.sql" in msg
    assert "--engines" in msg


def test_dialect_folder_without_sql_files(packs):
    (packs / "pharmacy" / "mysql").mkdir()
    (packs / "pharmacy" / "mysql" / "notes.txt").write_text("SELECT 1;")
    with pytest.raises(PackError) as info:
        discover(packs)["pharmacy"].files("mysql")
    assert str(info.value) == (f"pack pharmacy: {packs / 'pharmacy' / 'mysql'} has no .sql files; "
                               "add the mysql DDL as NN_name.sql")


def test_only_comments_contain_no_statements(tmp_path):
    make_pack(tmp_path, "p", {"mysql/01_a.sql": "-- nothing yet\n", "mysql/02_b.sql": "/* later */\n# todo\n"})
    with pytest.raises(PackError) as info:
        discover(tmp_path)["p"].statements("mysql")
    assert str(info.value) == "pack p: the mysql files (01_a.sql, 02_b.sql) contain no SQL statements"


def test_non_utf8_file(tmp_path):
    make_pack(tmp_path, "p", {"postgres/01_schema.sql": "INSERT INTO t VALUES ('caf\xe9');".encode("latin-1")})
    with pytest.raises(PackError) as info:
        discover(tmp_path)["p"].statements("postgres")
    path = tmp_path / "p" / "postgres" / "01_schema.sql"
    assert str(info.value) == f"pack p: {path} is not UTF-8 text (invalid continuation byte)"


def test_unterminated_quote_names_pack_file_and_line(tmp_path):
    make_pack(tmp_path, "p", {"postgres/01_schema.sql": "SELECT 1;\nSELECT 'open;\n"})
    with pytest.raises(PackError) as info:
        discover(tmp_path)["p"].statements("postgres")
    path = tmp_path / "p" / "postgres" / "01_schema.sql"
    assert str(info.value) == f"pack p: {path}:2: unterminated ' quote starting here"


def test_statements_come_in_file_name_order(tmp_path):
    make_pack(tmp_path, "p", {
        "postgres/02_data.sql": "INSERT INTO a VALUES (1);\nINSERT INTO a VALUES (2);",
        "postgres/01_schema.sql": "CREATE TABLE a (id int);",
        "postgres/03_views.sql": "\n\nCREATE VIEW v AS SELECT * FROM a;",
        "postgres/README.md": "SELECT 'not sql';",
    })
    got = [(s.path.name, s.line, s.text) for s in discover(tmp_path)["p"].statements("postgres")]
    assert got == [
        ("01_schema.sql", 1, "CREATE TABLE a (id int)"),
        ("02_data.sql", 1, "INSERT INTO a VALUES (1)"),
        ("02_data.sql", 2, "INSERT INTO a VALUES (2)"),
        ("03_views.sql", 3, "CREATE VIEW v AS SELECT * FROM a"),
    ]


def test_statements_are_read_once_per_dialect(tmp_path):
    make_pack(tmp_path, "p", {"mysql/01.sql": "SELECT 1;"})
    pack = discover(tmp_path)["p"]
    first = pack.statements("mysql")
    (tmp_path / "p" / "mysql" / "01.sql").write_text("SELECT 2;")
    assert pack.statements("mysql") is first


MARIADB = ("mariadb", "mysql")
"""MariaDB's pack folders (its spec's ``dialect_dirs``): its own files over MySQL's."""


def test_mariadb_files_overlay_mysql_files_by_name(tmp_path):
    make_pack(tmp_path, "p", {"mysql/01_schema.sql": "CREATE TABLE a (id int);",
                              "mysql/02_rules.sql": "SELECT REGEXP_LIKE('a', 'b', 'c');",
                              "mysql/03_roles.sql": "CREATE ROLE r;",
                              "mariadb/02_rules.sql": "SELECT 'a' REGEXP '(?-i)b';",
                              "mariadb/01_schema_defaults.sql": "ALTER TABLE a ALTER id SET DEFAULT 1;"})
    pack = discover(tmp_path)["p"]
    assert pack.layers(MARIADB) == MARIADB
    rel = [p.relative_to(tmp_path / "p").as_posix() for p in pack.files(MARIADB)]
    assert rel == ["mysql/01_schema.sql", "mariadb/01_schema_defaults.sql", "mariadb/02_rules.sql",
                   "mysql/03_roles.sql"]
    assert [s.text for s in pack.statements(MARIADB)][2] == "SELECT 'a' REGEXP '(?-i)b'"
    assert "REGEXP_LIKE" in pack.statements("mysql")[1].text  # MySQL itself still reads mysql/ alone


def test_mariadb_reads_mysql_alone_without_a_folder_of_its_own(packs):
    pack = discover(packs)["healthcare_mgmt"]
    assert pack.layers(MARIADB) == ("mysql",)
    assert pack.files(MARIADB) == pack.files("mysql")


def test_no_folder_for_the_engine_names_its_first(packs):
    with pytest.raises(PackError, match=r"^pack pharmacy: no mariadb/ folder in .*\(dialects present: postgres\)"):
        discover(packs)["pharmacy"].statements(MARIADB)


def test_session_statements_of_overlaid_folders_come_from_the_first_named(tmp_path):
    make_pack(tmp_path, "p", {"mysql/01_schema.sql": "CREATE TABLE a (id int);",
                              "mariadb/01_schema.sql": "CREATE TABLE a (id int);"})
    (tmp_path / "p" / "session.yml").write_text("backfill:\n  mysql: ['SET @b = 1']\n  postgres: ['SET b.x = 1']\n"
                                                "application:\n  mariadb: ['SET @b = 2']\n  mysql: ['SET @b = NULL']\n")
    pack = discover(tmp_path)["p"]
    assert pack.session_statements(MARIADB, "backfill") == ["SET @b = 1"]
    assert pack.session_statements(MARIADB, "application") == ["SET @b = 2"]


def test_a_mutation_runs_last_over_overlaid_folders(tmp_path):
    """``dbintegrity mutate`` on MariaDB: the mutation goes in mariadb/ and sorts after mysql/'s files too."""
    from dbintegrity.mutation.run import Mutant, write_mutant

    source = make_pack(tmp_path / "src", "p", {"mysql/01_schema.sql": "CREATE TABLE a (id int);",
                                               "mysql/99_zz.sql": "SELECT 1;",
                                               "mariadb/02_rules.sql": "SELECT 2;"})
    mutant = Mutant("drop_check", "mariadb@11.8", "a:check", "drops it", ["ALTER TABLE a DROP CONSTRAINT c"])
    path = write_mutant(source, MARIADB, mutant, tmp_path / "out")
    assert path.parent == tmp_path / "out" / "p" / "mariadb"
    files = discover(tmp_path / "out")["p"].files(MARIADB)
    assert files[-1] == path and path.name > "99_zz.sql"


def test_namespace_of_a_pack(tmp_path):
    """session.yml ``namespace:`` names the schema a pack's tables live in; anything but one name is one line."""
    make_pack(tmp_path, "clinic", {"postgres/01_schema.sql": "CREATE TABLE a (id int);"})
    assert Pack("clinic", tmp_path / "clinic").namespace is None
    (tmp_path / "clinic" / "session.yml").write_text("namespace: ChironaSchema\n", encoding="utf-8")
    assert Pack("clinic", tmp_path / "clinic").namespace == "ChironaSchema"
    (tmp_path / "clinic" / "session.yml").write_text("namespace: [a, b]\n", encoding="utf-8")
    with pytest.raises(PackError, match=r"session.yml: namespace must be one schema name"):
        _ = Pack("clinic", tmp_path / "clinic").namespace
