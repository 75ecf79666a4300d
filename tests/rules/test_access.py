"""Role-based access by behaviour: each pack's privileges.yml, proven role by role on every engine.

A session that is the role (PostgreSQL ``SET ROLE``; MySQL a login granted the role) tries each operation
on each table, and on each column where the file grants by column: what the file allows must succeed,
everything else must fail with the engine's permission error (kind ``permission``: MySQL 1142/1143,
PostgreSQL 42501).  Soft deletes: only the roles the file names may DELETE patients and users; the others
retire a record by its status column, if they may change it at all.  Row scopes ("assigned", "own"):
where the engine has row-level security, a row-limited role sees and writes exactly the rows of its
application user's patients (see conftest for the world); elsewhere those tests skip and say why.
Everything a test does is rolled back.  Statements and values are in each failure, ready to paste.
"""

from __future__ import annotations

from typing import Any

import pytest

from dbintegrity.probes.access import Actor, Result, plain_columns

pytestmark = pytest.mark.rules


@pytest.fixture
def world(access_kit, engine, case):
    return access_kit.world(engine, case, "access")


def _no_rls(world) -> str | None:
    caps = world.engine.capabilities
    if caps.row_level_security:
        return None
    return (f"{world.engine_name} has no row-level security (capability row_level_security): the row limits of "
            f"{world.spec.path.name} are the application's to apply there (README, Engine differences)")


def _attempt(world, actor: Actor, table: str, op: str, column: str = "", owner: str = "mine") -> tuple[Result, str]:
    """Do ``op`` on ``table`` (or on one column of it) as the actor; the result, and what was done."""
    q = world.engine.quote
    spec = world.schema.tables[table]
    row = world.target(table, owner)
    key = world.key(table, row)
    where = " AND ".join(f"{q(c)} = %s" for c in key)
    if op == "SELECT":
        cols = q(column) if column else "*"
        return actor.run(f"SELECT {cols} FROM {q(table)} WHERE {where}", list(key.values())), f"SELECT {column or '*'}"
    if op == "INSERT":
        if column:
            pytest.skip("cannot probe: column-level INSERT grants are not probed yet")
        return actor.insert(table, world.fresh_values(table, owner)), "INSERT a new row"
    if op == "UPDATE":
        col = column or (plain_columns(spec) or [c for c in spec.columns if c not in spec.primary_key])[0]
        may = actor.role in world.spec.roles and world.spec.roles[actor.role].may(table, "UPDATE", col)
        value = world.maker.other_value(table, col, row) if may and col in plain_columns(spec) else row.get(col)
        sql = f"UPDATE {q(table)} SET {q(col)} = %s WHERE {where}"
        return actor.run(sql, [value, *key.values()]), f"UPDATE {col}"
    if op == "DELETE":
        return actor.run(f"DELETE FROM {q(table)} WHERE {where}", list(key.values())), "DELETE the row"
    raise ValueError(op)


def _judge(actor: Actor, what: str, allowed: bool, res: Result, *, rows: int | None) -> None:
    """Allowed: accepted (and touching ``rows`` rows when given); forbidden: a permission error."""
    out = res.outcome
    if allowed:
        if not out.ok:
            raise actor.fail(what, want="accepted", have=str(out))
        if rows is not None and res.rowcount != rows:
            raise actor.fail(what, want=f"accepted, {rows} row(s)", have=f"accepted, {res.rowcount} row(s)")
    elif out.ok or out.kind != "permission":
        raise actor.fail(what, want="rejected (permission)",
                         have=out.verdict + (f": {out.message}" if out.message else ""))


def _as(world, case) -> Actor:
    actor = world.actor(case.role)
    actor.begin(world.app_user(case.role_spec))
    return actor


@pytest.mark.access_cases("operation")
def test_operation(engine, case, world):
    """A table-level operation: granted -> it works on the role's own row; not granted -> permission error."""
    role = case.role_spec
    allowed = case.op in role.table_ops(case.table)
    actor = _as(world, case)
    try:
        res, did = _attempt(world, actor, case.table, case.op)
        rows = 1
        if case.op == "SELECT":
            res = Result(res.outcome, len(res.rows), res.rows)
        _judge(actor, f"{case.role} {did} on {case.table}", allowed, res, rows=rows)
    finally:
        actor.rollback()


@pytest.mark.access_cases("column")
def test_column(engine, case, world):
    """A column-level grant: the listed columns work, every other column of the table is refused."""
    allowed = case.role_spec.may(case.table, case.op, case.column)
    actor = _as(world, case)
    try:
        res, did = _attempt(world, actor, case.table, case.op, case.column)
        _judge(actor, f"{case.role} {did} on {case.table}", allowed, res, rows=None)
    finally:
        actor.rollback()


@pytest.mark.access_cases("soft_delete")
def test_soft_delete(engine, case, world):
    """Patients and users are retired by status, never deleted, except by the roles the file names."""
    spec = case.spec
    column, value = spec.soft_delete[case.table]
    role = case.role_spec
    actor = _as(world, case)
    q = world.engine.quote
    try:
        res, did = _attempt(world, actor, case.table, "DELETE")
        _judge(actor, f"{case.role} {did} on {case.table}", case.role in spec.hard_delete_roles, res, rows=1)
        actor.begin(world.app_user(role))
        row = world.target(case.table)
        key = world.key(case.table, row)
        where = " AND ".join(f"{q(c)} = %s" for c in key)
        res = actor.run(f"UPDATE {q(case.table)} SET {q(column)} = %s WHERE {where}", [value, *key.values()])
        may_retire = role.may(case.table, "UPDATE", column)
        _judge(actor, f"{case.role} retires a row of {case.table} ({column} = {value!r})", may_retire, res, rows=1)
        if may_retire and role.may(case.table, "SELECT", column):
            look = actor.run(f"SELECT {q(column)} FROM {q(case.table)} WHERE {where}", list(key.values()))
            if [r[0] for r in look.rows] != [value]:
                raise actor.fail(f"{case.table} row after the soft delete", want=f"still there, {column} = {value!r}",
                                 have=str(look.outcome) if not look.outcome.ok else f"{look.rows!r}")
    finally:
        actor.rollback()


@pytest.mark.access_cases("rows")
def test_rows_in_scope(engine, case, world):
    """The role sees exactly its application user's patients' rows (all of them, for rows: all)."""
    role = case.role_spec
    if role.row_limited and (why := _no_rls(world)):
        pytest.skip(why)
    link = world.scoped[case.table]
    actor = _as(world, case)
    try:
        res = actor.run(f"SELECT {world.engine.quote(link)} FROM {world.engine.quote(case.table)}")
        if not res.outcome.ok:
            raise actor.fail(f"{case.role} reads {case.table}.{link}", want="accepted", have=str(res.outcome))
        have = sorted({world.owner_of(r[0]) for r in res.rows})
        want = sorted(world.visible(role))
        if have != want:
            raise actor.fail(f"{case.role} acting for {role.app_role} {world.app_user(role)}: patients of the "
                             f"{case.table} rows it sees", want=str(want), have=str(have))
    finally:
        actor.rollback()


@pytest.mark.access_cases("scoped_write")
def test_writes_out_of_scope(engine, case, world):
    """A row-limited role cannot change another patient's rows, add rows for one, or move a row away."""
    if why := _no_rls(world):
        pytest.skip(why)
    role = case.role_spec
    q = world.engine.quote
    table = world.schema.tables[case.table]
    actor = _as(world, case)
    try:
        updatable = [c for c in table.columns if role.may(case.table, "UPDATE", c)]
        plain = [c for c in updatable if c in plain_columns(table)]
        if plain:
            res, did = _attempt(world, actor, case.table, "UPDATE", plain[0], owner="other")
            _judge(actor, f"{case.role} {did} of another patient's {case.table} row", True, res, rows=0)
        if "INSERT" in role.table_ops(case.table):
            res, did = _attempt(world, actor, case.table, "INSERT", owner="other")
            _judge(actor, f"{case.role} {did} for another patient into {case.table}", False, res, rows=None)
        movers = ["primary_doctor_id", "user_id"] if case.table == world.subject else [world.scoped[case.table]]
        for col in (c for c in movers if c in updatable):
            row = world.target(case.table)
            key = world.key(case.table, row)
            other = world.patients["other"][col] if case.table == world.subject else world.patients["other"]["id"]
            where = " AND ".join(f"{q(c)} = %s" for c in key)
            actor.begin(world.app_user(role))
            res = actor.run(f"UPDATE {q(case.table)} SET {q(col)} = %s WHERE {where}", [other, *key.values()])
            _judge(actor, f"{case.role} moves its {case.table} row to another patient ({col})", False, res, rows=None)
    finally:
        actor.rollback()


@pytest.mark.access_cases("app_user")
def test_unqualified_app_user_sees_nothing(engine, case, world):
    """No application user, a suspended one, or one of another role: a row-limited role sees no patient."""
    if why := _no_rls(world):
        pytest.skip(why)
    role = case.role_spec
    who: dict[str, Any] = {
        "unset": None,
        "suspended_doctor": world.people["suspended_doctor"]["id"],
        "other_role": world.people["nurse" if role.app_role != "nurse" else "doctor"]["id"],
    }
    actor = world.actor(case.role)
    actor.begin(who[case.op])
    try:
        res = actor.run(f"SELECT {world.engine.quote('id')} FROM {world.engine.quote(world.subject)}")
        if not res.outcome.ok or res.rows:
            raise actor.fail(f"{case.role} with app user {case.op} ({who[case.op]}) reads {world.subject}",
                             want="no rows", have=str(res.outcome) if not res.outcome.ok else f"{len(res.rows)} rows")
    finally:
        actor.rollback()


# -- the file itself (no database) -------------------------------------------------------------------
@pytest.mark.access_cases("pack")
def test_matrix_is_the_contract(case):
    """privileges.yml and the contract's privileges section (read from the live grants) say the same."""
    if case.error:
        pytest.fail(case.error, pytrace=False)
    want, have = case.spec.matrix(), case.schema.privileges
    diffs = [f"{r}.{t}: privileges.yml {want.get(r, {}).get(t, ())}, contract {have.get(r, {}).get(t, ())}"
             for r in sorted(set(want) | set(have)) for t in sorted(set(want.get(r, {})) | set(have.get(r, {})))
             if want.get(r, {}).get(t, ()) != have.get(r, {}).get(t, ())]
    assert not diffs, "\n".join(diffs)


@pytest.mark.access_cases("pack")
def test_file_names_what_exists(case, access_layout):
    """Every role maps to an application role, every table and column it grants exists in the contract."""
    if case.error:
        pytest.fail(case.error, pytrace=False)
    labels = set(case.schema.tables[access_layout.accounts].columns["role"].enum or ())
    problems = [f"{r.name}: app_role {r.app_role!r} is not a users.role label" for r in case.spec.roles.values()
                if r.app_role not in labels]
    for role in case.spec.roles.values():
        for table in role.grants:
            if table not in case.schema.tables:
                problems.append(f"{role.name}: no table {table} in the contract")
                continue
            cols = {c for cs in role.column_ops(table).values() for c in cs}
            unknown = sorted(cols - set(case.schema.tables[table].columns))
            problems += [f"{role.name}: no column {table}.{c}" for c in unknown]
    assert not problems, "\n".join(problems)


@pytest.mark.access_cases("pack")
def test_soft_delete_tables_have_no_other_deleters(case):
    """Only the hard-delete roles hold DELETE on the soft-delete tables, in the file itself."""
    if case.error:
        pytest.fail(case.error, pytrace=False)
    spec = case.spec
    wrong = [f"{r.name} may DELETE {t}" for r in spec.roles.values() for t in spec.soft_delete
             if r.may(t, "DELETE") and r.name not in spec.hard_delete_roles]
    assert not wrong, "; ".join(wrong)
