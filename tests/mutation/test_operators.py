"""The mutation operators without a database: which targets they pick and how they rewrite them.

Both dialects get the same targets and the same neutral rewrite, so these decisions are tested once,
here; what each engine does with them is in ``test_mutate.py``.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from dbintegrity import cli
from dbintegrity.engines.mysql.mutations import MySQLMutations, column_definition, column_type
from dbintegrity.engines.postgres.mutations import PostgresMutations
from dbintegrity.mutation.operators import (
    OPERATORS,
    MutationError,
    Privilege,
    change_expression,
    grant_statement,
    loosen,
    missing_privilege,
    other_default,
    other_fk_action,
    removable_label,
)
from dbintegrity.mutation.run import Mutant, judge, load_explanations, plan
from dbintegrity.pack import contract
from dbintegrity.pack.model import Column, ForeignKey, Schema, Table, Trigger
from dbintegrity.runner.process import GateRun

REPO = Path(__file__).resolve().parents[2]
CONTRACT = contract.load(REPO / "sql" / "healthcare_mgmt" / "contract.yml")


def test_catalogue_has_the_promised_operators():
    assert set(OPERATORS) >= {"drop_fk", "change_fk_action", "drop_check", "loosen_check", "add_enum_label",
                              "remove_enum_label", "change_generated", "drop_not_null", "drop_unique",
                              "change_default", "drop_trigger", "revoke_grant", "widen_grant"}


def test_cli_help_names_every_operator(capsys):
    with pytest.raises(SystemExit):
        cli.main(["mutate", "--help"])
    help_text = " ".join(capsys.readouterr().out.split())
    listed = help_text.split("run only this operator (repeatable):", 1)[1].split(" --all", 1)[0]
    assert set(re.findall(r"[a-z]+(?:_[a-z]+)+", listed)) == set(OPERATORS)


def test_default_plan_is_the_first_target_of_each_operator_in_contract_order():
    pairs = plan(CONTRACT, [], every_target=False)
    assert [(op.name, t.key) for op, t in pairs] == [
        ("drop_fk", "appointments.cancelled_by->users.id"),
        ("change_fk_action", "appointments.cancelled_by->users.id"),
        ("drop_check", "billing:check(amount_charged >= 0)"),
        ("loosen_check", "billing:check(amount_charged >= 0)"),
        ("add_enum_label", "appointments.appointment_type"),
        ("remove_enum_label", "appointments.appointment_type"),
        ("change_generated", "billing.amount_due"),
        ("drop_not_null", "appointments.patient_id"),
        ("drop_unique", "billing:unique(invoice_number)"),
        ("change_default", "appointments.duration_minutes"),
        ("drop_trigger", "appointments:trigger(appointments_not_in_past_insert)"),
        ("revoke_grant", "hm_admin:appointments"),
        ("widen_grant", "hm_admin:audit_log"),  # the admin holds all four everywhere else
    ]
    assert plan(CONTRACT, ["drop_check"], every_target=False)[0][1].subject == ("amount_charged",)


def test_all_takes_every_target_and_skips_what_cannot_be_mutated():
    pairs = plan(CONTRACT, ["drop_not_null", "drop_unique"], every_target=True)
    keys = {t.key for _, t in pairs}
    assert "appointments.patient_id" in keys
    assert "insurance:unique(patient_id,coverage_type)" in keys
    assert not any(k.endswith(".id") for k in keys)  # primary-key columns cannot lose NOT NULL


def _grants_schema(**by_role):
    """Tables a and b; ``by_role``: role -> table -> granted operations."""
    return Schema(tables={"a": Table("a"), "b": Table("b")}, privileges=by_role)


@pytest.mark.parametrize(("granted", "want"), [
    ((), "DELETE"),
    (("SELECT", "UPDATE(notes)"), "DELETE"),  # a column-level UPDATE is not UPDATE on the table
    (("DELETE", "SELECT"), "UPDATE"),
    (("DELETE", "SELECT", "UPDATE(notes)"), "UPDATE"),
    (("DELETE", "SELECT", "UPDATE"), "INSERT"),
    (("DELETE", "INSERT", "UPDATE"), "SELECT"),
    (("DELETE", "INSERT", "SELECT", "UPDATE"), None),
])
def test_widen_grants_the_first_privilege_the_role_lacks(granted, want):
    assert missing_privilege(granted) == want


def test_widen_targets_every_role_and_table_but_those_holding_everything():
    schema = _grants_schema(r1={"a": ("DELETE", "INSERT", "SELECT", "UPDATE")}, r2={"a": ("SELECT", "UPDATE(x)")})
    targets = OPERATORS["widen_grant"].targets(schema)
    assert [(t.key, t.obj) for t in targets] == [
        ("r1:b", Privilege("r1", "DELETE")),  # a table the contract grants the role nothing on is one too
        ("r2:a", Privilege("r2", "DELETE")),
        ("r2:b", Privilege("r2", "DELETE")),
    ]
    assert targets[0].table == "b"
    assert targets[0].subject == ("r1",)  # the word of the gate's privilege test ids (role:table)


def test_revoke_takes_the_first_operation_and_only_tables_with_a_grant():
    schema = _grants_schema(r1={"a": ("SELECT", "UPDATE")}, r2={"b": ("SELECT(id, name)", "UPDATE(notes)")})
    targets = OPERATORS["revoke_grant"].targets(schema)
    assert [(t.key, t.obj) for t in targets] == [("r1:a", Privilege("r1", "SELECT")),
                                                 ("r2:b", Privilege("r2", "SELECT(id, name)"))]


def test_revoke_and_widen_on_the_pack():
    revoke = {t.key: t.obj.operation for t in OPERATORS["revoke_grant"].targets(CONTRACT)}
    widen = {t.key: t.obj.operation for t in OPERATORS["widen_grant"].targets(CONTRACT)}
    assert revoke["hm_nurse:visits"] == "SELECT"
    assert revoke["hm_finance:visits"].startswith("SELECT(appointment_id, ")
    assert "hm_patient:users" not in revoke  # nothing to revoke there
    assert widen["hm_nurse:visits"] == "DELETE"
    assert widen["hm_doctor:appointments"] == "DELETE"
    assert widen["hm_admin:audit_log"] == "INSERT"  # nobody may forge audit records, not even the admin
    assert widen["hm_patient:users"] == "DELETE"
    assert "hm_admin:patients" not in widen


def test_grant_statements_on_both_engines():
    mysql, postgres = MySQLMutations(None), PostgresMutations(None)
    assert mysql.widen_grant("visits", "hm_nurse", "DELETE") == ["GRANT DELETE ON `visits` TO 'hm_nurse'@'%'"]
    assert mysql.revoke_grant("visits", "hm_nurse", "UPDATE(notes)") == [
        "REVOKE UPDATE (`notes`) ON `visits` FROM 'hm_nurse'@'%'"]
    assert mysql.revoke_grant("t", "app@localhost", "SELECT") == ["REVOKE SELECT ON `t` FROM 'app'@'localhost'"]
    assert postgres.widen_grant("visits", "hm_nurse", "DELETE") == ['GRANT DELETE ON "visits" TO "hm_nurse"']
    assert postgres.revoke_grant("visits", "hm_finance", "SELECT(id, visit_date)") == [
        'REVOKE SELECT ("id", "visit_date") ON "visits" FROM "hm_finance"']
    assert postgres.revoke_grant("t", "PUBLIC", "SELECT") == ['REVOKE SELECT ON "t" FROM PUBLIC']
    with pytest.raises(MutationError, match="cannot write GRANT 'select'"):
        grant_statement("GRANT", "t", "r", "select", str)


def test_drop_trigger_targets_the_contract_and_needs_it_live():
    table = Table("t", triggers=[Trigger("t_audit", "AFTER", ("INSERT",))])
    schema = Schema(tables={"t": table})
    [target] = OPERATORS["drop_trigger"].targets(schema)
    assert (target.key, target.subject) == ("t:trigger(t_audit)", ("t_audit",))
    change = OPERATORS["drop_trigger"].build(target, schema, table, PostgresMutations(None))
    assert change.statements == ['DROP TRIGGER "t_audit" ON "t"']
    assert MySQLMutations(None).drop_trigger("t", table.triggers[0]) == ["DROP TRIGGER `t_audit`"]
    with pytest.raises(MutationError, match="no such TRIGGER"):
        OPERATORS["drop_trigger"].build(target, schema, Table("t"), PostgresMutations(None))


@pytest.mark.parametrize(("expression", "want"), [
    ("pain_scale >= 0 AND pain_scale <= 10", "pain_scale >= 0 AND pain_scale <= 11"),
    ("x >= 0", "x >= -1"),
    ("10 > x", "11 > x"),
    ("x < 2.5", "x < 3.5"),
    ("x > -5", "x > -6"),
    ("s IN ('a', 'b')", "s IN ('a', 'b', 'dbi_mutant')"),
    ("d ~ '^[0-9]+ mg$'", "d ~ '^[0-9]+ mg'"),  # the end anchor goes: '5 mg daily' is then accepted
])
def test_loosen_widens_one_bound_preferring_the_upper_one(expression, want):
    assert loosen(expression)[0] == want


@pytest.mark.parametrize("expression", ["a <> b", "length(s) = 3", "NOT s IN ('a')", "a IS NOT NULL", "a >>>< (",
                                        "d ~ '^a'", "NOT d ~ 'a$'"])
def test_loosen_leaves_what_has_no_bound(expression):
    assert loosen(expression) is None


@pytest.mark.parametrize(("expression", "numeric", "want"), [
    ("amount_charged - amount_paid", True, "amount_charged + amount_paid"),
    ("a * (b + c)", True, "a / (b + c)"),
    ("a + b * c", True, "a - b * c"),
    ("coalesce(a, 0)", True, "(coalesce(a, 0)) + 1"),
    ("lower(s)", False, None),
])
def test_change_expression_swaps_the_outermost_operator(expression, numeric, want):
    assert change_expression(expression, numeric=numeric) == want


@pytest.mark.parametrize(("column", "want"), [
    (Column("n", "integer", True, "30"), "31"),
    (Column("d", "decimal(10,2)", True, "0.00"), "1.00"),
    (Column("b", "boolean", True, "false"), "true"),
    (Column("e", "enum", False, "'low'", enum=("low", "medium")), "'medium'"),
    (Column("e", "enum", False, "'medium'", enum=("low", "medium")), "'low'"),
    (Column("s", "varchar(50)", True, "'USA'"), "'USAx'"),
    (Column("s", "varchar(3)", True, "'USA'"), "'USx'"),
    (Column("t", "timestamp", True, "CURRENT_TIMESTAMP"), "'2001-02-03 04:05:06'"),
    (Column("i", "integer", False, "autoincrement"), None),
    (Column("j", "json", True, "(json_array())"), None),
])
def test_other_default_is_different_and_valid(column, want):
    assert other_default(column) == want


def test_fk_action_change_respects_nullability():
    table = Table("t", {"a": Column("a", "integer", True), "b": Column("b", "integer", False)})
    assert other_fk_action(ForeignKey(("a",), "p", ("id",), "CASCADE"), table) == "SET NULL"
    assert other_fk_action(ForeignKey(("b",), "p", ("id",), "CASCADE"), table) == "RESTRICT"
    assert other_fk_action(ForeignKey(("a",), "p", ("id",), "SET NULL"), table) == "CASCADE"
    assert other_fk_action(ForeignKey(("b",), "p", ("id",), "NO ACTION"), table) == "CASCADE"


def test_removed_label_is_never_the_default():
    assert removable_label(Column("e", "enum", True, "'c'", enum=("a", "b", "c"))) == "b"
    assert removable_label(Column("e", "enum", False, "'a'", enum=("a",))) is None


@pytest.mark.parametrize(("column", "want"), [
    (Column("a", "decimal(10,2)", False), "`a` DECIMAL(10,2) NOT NULL"),
    (Column("a", "varchar(36)", True, "'x'"), "`a` VARCHAR(36) NULL DEFAULT 'x'"),
    (Column("a", "boolean", True, "true"), "`a` TINYINT(1) NULL DEFAULT TRUE"),
    (Column("a", "integer", False, "autoincrement"), "`a` INT NOT NULL AUTO_INCREMENT"),
    (Column("a", "enum", False, "'it''s'", enum=("it's", "b")), "`a` ENUM('it''s', 'b') NOT NULL DEFAULT 'it''s'"),
    (Column("a", "timestamp", True, "CURRENT_TIMESTAMP", on_update="CURRENT_TIMESTAMP"),
     "`a` TIMESTAMP NULL DEFAULT CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP"),
    (Column("a", "decimal(10,2)", True, generated="x - y"),
     "`a` DECIMAL(10,2) GENERATED ALWAYS AS (x - y) STORED NULL"),
    (Column("a", "text", True), "`a` TEXT NULL"),
    (Column("a", "json", True), "`a` JSON NULL"),
    (Column("a", "datetime", False), "`a` DATETIME NOT NULL"),
])
def test_mysql_column_definition_maps_neutral_types_back(column, want):
    assert column_definition(column) == want


def test_every_contract_column_type_has_a_mysql_spelling():
    for table in CONTRACT.tables.values():
        for col in table.columns.values():
            column_type(col)  # raises MutationError when a type cannot be restated


def test_unknown_neutral_type_is_one_line_error():
    with pytest.raises(MutationError, match="neutral type 'binary'"):
        column_type(Column("blob", "binary", True))


def test_explanations_need_every_field(tmp_path):
    path = tmp_path / "mutants.yml"
    path.write_text("equivalent:\n- {operator: drop_fk, engine: mysql, target: t.a->p.id}\n")
    with pytest.raises(MutationError, match=r"entry 1: missing why"):
        load_explanations(path)
    path.write_text("equivalent:\n- {operator: drop_fks, engine: mysql, target: x, why: y}\n")
    with pytest.raises(MutationError, match="did you mean drop_fk"):
        load_explanations(path)
    path.write_text("equivalent: [\n")
    with pytest.raises(MutationError, match=r"mutants.yml:\d+: not valid YAML"):
        load_explanations(path)
    path.write_text("equivalent:\n- {operator: drop_fk, engine: [mysql, postgres], target: x, why: because}\n")
    assert load_explanations(path)[0].engines == ("mysql", "postgres")
    assert load_explanations(tmp_path / "absent.yml") == []


def test_the_shipped_explanations_file_is_valid():
    load_explanations(REPO / "sql" / "healthcare_mgmt" / "mutants.yml")


def _run(code, first=None, ran=10):
    return GateRun(code, first, ran, Path("/nonexistent/gate.log"), 1.0)


def test_judge_tells_killed_survived_and_broken_mutants_apart(tmp_path):
    mutant = Mutant("drop_fk", "mysql", "t.a->p.id", "drop FOREIGN KEY t_ibfk_1", ["ALTER TABLE t ..."])
    path = tmp_path / "packs" / "p" / "mysql" / "99_mutation.sql"
    killed = judge(mutant, _run(1, {"nodeid": "gate/test_x.py::test_fk[mysql-t]", "phase": "call",
                                    "line": "t.a ON DELETE"}), path, [])
    assert (killed.verdict, killed.detail, killed.line) == ("killed", "gate/test_x.py::test_fk[mysql-t]",
                                                            "t.a ON DELETE")
    assert judge(mutant, _run(0), path, []).verdict == "survived"
    assert judge(mutant, _run(5, ran=0), path, []).detail == "the gate selected no tests"
    not_applied = judge(mutant, _run(1, {"nodeid": "x", "phase": "setup",
                                         "line": f"pack p: {path}:3: `ALTER`: mysql said ERROR 1091"}), path, [])
    assert not_applied.verdict == "error"
    assert "did not apply" in not_applied.detail
    assert judge(mutant, _run(None), path, []).verdict == "error"
    assert judge(mutant, _run(3), path, []).verdict == "error"


def test_postgres_enum_change_restates_checks_over_the_column_as_text():
    """A CHECK typed by the old enum ('C'::unit) would block removing the label 'C': it comes back as text."""
    from dbintegrity.engines.postgres.mutations import _column_as_text

    definition = ("CHECK ((((unit = 'F'::vitals_unit) AND (t <= 115.0)) OR ((unit = 'C'::vitals_unit) "
                  "AND (t <= 46.0))))")
    assert _column_as_text(definition, "unit") == ("CAST(unit AS TEXT) = 'F' AND t <= 115.0 OR "
                                                   "CAST(unit AS TEXT) = 'C' AND t <= 46.0")


class _Roles:
    """A catalog that knows which MariaDB grantees are roles (``mysql.user.is_role``)."""

    def __init__(self, *roles: str) -> None:
        self.roles = roles

    def rows(self, query: str, params=()):
        assert "is_role" in query
        return [(1,)] if params[0] in self.roles else []


def test_mariadb_spellings_of_grants_checks_and_generated_columns():
    """MariaDB names a role without a host, drops a CHECK as a constraint, and refuses NULL / NOT NULL on a
    generated column (each is a syntax or grant error there: ERROR 1133, 1064)."""
    from dbintegrity.engines.mariadb.mutations import MariaDBMutations
    from dbintegrity.pack.model import Check

    mariadb = MariaDBMutations(_Roles("hm_nurse"))
    assert mariadb.widen_grant("visits", "hm_nurse", "DELETE") == ["GRANT DELETE ON `visits` TO `hm_nurse`"]
    assert mariadb.revoke_grant("visits", "app", "SELECT") == ["REVOKE SELECT ON `visits` FROM 'app'@'%'"]
    assert mariadb.drop_check("billing", Check("amount_charged >= 0", name="c1")) == [
        "ALTER TABLE `billing` DROP CONSTRAINT `c1`"]
    due = Column("amount_due", "decimal(10,2)", nullable=True, generated="amount_charged - amount_paid")
    mariadb.catalog = type("C", (), {"rows": lambda self, q, p=(): [("STORED GENERATED",)]})()
    assert mariadb.change_generated("billing", due) == [
        "ALTER TABLE `billing` MODIFY `amount_due` DECIMAL(10,2) GENERATED ALWAYS AS (amount_charged - amount_paid) STORED"]
    assert MySQLMutations(mariadb.catalog).change_generated("billing", due)[0].endswith(" STORED NULL")
