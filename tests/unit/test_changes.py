"""``check --changed-since REF``: which tables changed, and which gate items that selects (no database)."""

from __future__ import annotations

import pytest
from changes_repo import PACK, edit, git, make_repo

from dbintegrity import cli, pytest_plugin
from dbintegrity.changes import since
from dbintegrity.changes.ddlobjects import DdlObject, object_of
from dbintegrity.changes.since import CHANGED_SINCE_ENV, compare_packs
from dbintegrity.config import resolve
from dbintegrity.errors import ConfigError
from dbintegrity.pack import contract


def changes_of(packs, ref="HEAD"):
    return compare_packs(packs, [PACK], ref)[PACK]


def kept_ids(packs, kind, ref="HEAD"):
    changes = changes_of(packs, ref)
    schema = contract.load(packs / PACK / "contract.yml")
    return {it.id for it in contract.items(schema, kind) if changes.keeps(it)}


@pytest.mark.parametrize(("statement", "want"), [
    ("CREATE TABLE IF NOT EXISTS `vitals` (id int)", DdlObject("table", "vitals")),
    ('ALTER TABLE ONLY public."Vitals" ADD CHECK (x > 0)', DdlObject("table", "public.Vitals")),
    ("CREATE UNIQUE INDEX ix ON vitals (id)", DdlObject("table", "vitals")),
    ("CREATE DEFINER=`root`@`%` TRIGGER t1 BEFORE INSERT ON visits FOR EACH ROW SET NEW.x = 1",
     DdlObject("trigger", "t1", "visits")),
    ("CREATE OR REPLACE VIEW v AS SELECT 1", DdlObject("view", "v")),
    ("CREATE FUNCTION f() RETURNS trigger AS $$ BEGIN RETURN NEW; END $$ LANGUAGE plpgsql", DdlObject("routine", "f")),
    ("GRANT SELECT, UPDATE (notes) ON visits TO hm_nurse", DdlObject("table", "visits")),
    ("COMMENT ON COLUMN vitals.pain IS 'x'", DdlObject("table", "vitals")),
    ("CREATE POLICY own ON visits USING (true)", DdlObject("table", "visits")),
    ("CREATE ROLE hm_admin", DdlObject("other", "CREATE ROLE hm_admin")),
    ("GRANT SELECT ON ALL TABLES IN SCHEMA s TO r", DdlObject("other", "GRANT SELECT ON ALL TABLES IN SCHEMA s TO r")),
])
def test_each_statement_belongs_to_the_object_it_builds(statement, want):
    assert object_of("-- a comment\n" + statement) == want


def test_a_check_loosened_in_the_ddl_selects_its_table_and_the_keys_joining_it(tmp_path):
    packs = make_repo(tmp_path)
    edit(packs, "postgres/01_schema.sql", "BETWEEN 0 AND 10", "BETWEEN 0 AND 11")
    changes = changes_of(packs)
    assert set(changes.tables) == {"vitals"}
    assert changes.tables["vitals"] == ["postgres/01_schema.sql:15"]
    assert set(changes.neighbours) == {"patients"}
    assert not changes.views and not changes.triggers and not changes.everything
    assert kept_ids(packs, "check") == {"vitals:check(pain_scale >= 0 AND pain_scale <= 10)"}
    assert kept_ids(packs, "foreign_key") == {"vitals.patient_id->patients.id:CASCADE"}
    assert kept_ids(packs, "column") == {"vitals.id", "vitals.patient_id", "vitals.pain_scale"}
    assert kept_ids(packs, "view") == set()
    schema = contract.load(packs / PACK / "contract.yml")
    left = changes.left_out(schema)
    assert left["table"] == 4 and left["column"] == 9 and left["foreign_key"] == 1 and left["view"] == 1


def test_a_parent_changed_in_the_contract_runs_its_childrens_keys_and_the_views_over_it(tmp_path):
    packs = make_repo(tmp_path)
    edit(packs, "contract.yml", "name: {type: varchar(40), nullable: false}\n    primary_key: [id]\nviews",
         "name: {type: varchar(40), nullable: true}\n    primary_key: [id]\nviews")
    changes = changes_of(packs)
    assert changes.tables == {"wards": ["contract.yml"]}
    assert kept_ids(packs, "foreign_key") == {"patients.ward_id->wards.id:CASCADE"}
    assert kept_ids(packs, "view") == {"ward_patients:view(ward_patients)"}
    assert changes.views == {"ward_patients": ["reads wards"]}
    assert kept_ids(packs, "not_null") == {"wards.id"}  # name is nullable now


def test_a_table_a_trigger_writes_runs_that_trigger(tmp_path):
    packs = make_repo(tmp_path)
    edit(packs, "postgres/01_schema.sql", "what varchar(40) NOT NULL", "what varchar(80) NOT NULL")
    changes = changes_of(packs)
    assert set(changes.tables) == {"audit_log"}
    assert changes.triggers == {("staff", "staff_audit_insert"): {"audit_log"}}
    assert kept_ids(packs, "trigger") == {"staff:trigger(staff_audit_insert)"}
    assert kept_ids(packs, "default") == set()  # staff's other items stay out


def test_a_changed_trigger_routine_selects_the_table_whose_trigger_calls_it(tmp_path):
    packs = make_repo(tmp_path)
    edit(packs, "postgres/02_audit.sql", "VALUES ('staff')", "VALUES ('staff row')")
    assert set(changes_of(packs).tables) == {"staff"}


def test_a_statement_of_no_table_runs_the_whole_pack(tmp_path):
    packs = make_repo(tmp_path)
    (packs / PACK / "postgres" / "03_roles.sql").write_text("CREATE ROLE clinic_reader;\n", encoding="utf-8")
    changes = changes_of(packs)
    assert changes.everything
    assert "03_roles.sql:1" in changes.whole[0] and "CREATE ROLE clinic_reader" in changes.whole[0]
    assert "every item runs" in changes.describe()[0]


def test_whitespace_and_comments_are_no_change(tmp_path):
    packs = make_repo(tmp_path)
    edit(packs, "postgres/01_schema.sql", "  name varchar(40) NOT NULL\n);\n\nCREATE TABLE patients",
         "  name   varchar(40)   NOT NULL\n  -- the ward's name\n);\n\nCREATE TABLE patients")
    changes = changes_of(packs)
    assert changes.unchanged
    assert "not run" in changes.describe()[0]


def test_a_pack_absent_at_the_ref_is_new_and_runs_everything(tmp_path):
    packs = make_repo(tmp_path)
    root = packs.parent.parent
    git(root, "mv", f"db/packs/{PACK}", "db/packs/renamed")
    git(root, "commit", "-q", "-m", "rename")
    (packs / "renamed").rename(packs / PACK)
    changes = changes_of(packs)
    assert changes.new and changes.everything
    assert "everything in it is new" in changes.describe()[0]


def test_committed_changes_count_against_an_older_ref(tmp_path):
    packs = make_repo(tmp_path)
    edit(packs, "contract.yml", "default: \"'nurse'\"", "default: \"'doctor'\"")
    edit(packs, "postgres/01_schema.sql", "DEFAULT 'nurse'", "DEFAULT 'doctor'")
    git(packs.parent.parent, "commit", "-q", "-am", "doctors by default")
    assert changes_of(packs, "HEAD").unchanged
    assert set(changes_of(packs, "HEAD~1").tables) == {"staff"}


def test_unknown_ref_and_no_repository_are_one_line_errors(tmp_path):
    packs = make_repo(tmp_path)
    with pytest.raises(ConfigError, match=r"^unknown git ref 'nosuch' in .*repo: no branch, tag or commit"):
        changes_of(packs, "nosuch")
    bare = tmp_path / "plain" / PACK
    bare.mkdir(parents=True)
    with pytest.raises(ConfigError, match=r"is not inside a git repository, so there is no 'main' to compare with"):
        compare_packs(bare.parent, [PACK], "main")


def test_collection_keeps_only_the_changed_items_and_says_how_many_it_left_out(tmp_path, monkeypatch):
    packs = make_repo(tmp_path)
    edit(packs, "postgres/01_schema.sql", "BETWEEN 0 AND 10", "BETWEEN 0 AND 11")
    cfg = resolve([lambda opt: {"packs": str(packs), "engines": "postgres"}.get(opt.name)])
    monkeypatch.setenv(CHANGED_SINCE_ENV, "HEAD")
    params = pytest_plugin.contract_params(cfg, "column")
    ran = [p.id for p in params if not p.marks]
    assert ran == ["postgres-vitals.id", "postgres-vitals.patient_id", "postgres-vitals.pain_scale"]
    placeholder = next(p for p in params if p.marks)
    assert placeholder.id == "postgres-unchanged"
    assert [m.args for m in placeholder.marks if m.name == pytest_plugin.LEFT_OUT_MARKER] == [(9,)]
    assert "9 column items of changes_tiny not run" in placeholder.marks[0].kwargs["reason"]
    monkeypatch.delenv(CHANGED_SINCE_ENV)
    assert len(pytest_plugin.contract_params(cfg, "column")) == 12


def test_check_says_what_it_leaves_out_and_errors_before_any_server(tmp_path, capsys):
    packs = make_repo(tmp_path)
    assert cli.main(["check", "--changed-since", "nosuch", "--packs", str(packs)]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("dbintegrity check: error: unknown git ref 'nosuch'") and "\n" not in err
    assert cli.main(["check", "--changed-since", "HEAD", "--sql", str(packs), "--engine", "postgres"]) == 2
    assert "--changed-since compares packs with a git ref; it does not apply to --sql" in capsys.readouterr().err
    assert cli.main(["check", "--changed-since", "HEAD", "--packs", str(packs)]) == 0  # nothing changed: no server
    out = capsys.readouterr().out
    assert "pack changes_tiny: nothing the gate reads changed since HEAD (" in out
    assert "left out, unchanged since HEAD: 1 check, 12 column," in out
    assert "nothing to run (exit 0); run without --changed-since for the whole gate" in out


def test_an_xdist_worker_selects_with_the_changes_its_controller_computed(tmp_path, monkeypatch):
    """The controller hands its answer over (``workerinput``); a worker does not export the ref again."""
    packs = make_repo(tmp_path)
    edit(packs, "postgres/01_schema.sql", "BETWEEN 0 AND 10", "BETWEEN 0 AND 11")
    controller = since.changes_of(packs, PACK, "HEAD")
    handed = {since.WORKER_INPUT: since.handed_over()}
    monkeypatch.setattr(since, "_CACHE", {})  # the worker's process

    def compare_again(*args: object) -> object:
        raise AssertionError("the worker compared the packs with the ref again")

    monkeypatch.setattr(since, "compare_packs", compare_again)
    since.take_over(handed)
    worker = since.changes_of(packs, PACK, "HEAD")
    assert worker == controller and set(worker.tables) == {"vitals"}
