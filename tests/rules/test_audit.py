"""The audit trail by behaviour: every change to a protected table leaves one exact record.

For each audited table of privileges.yml and each of INSERT, UPDATE and DELETE, the least privileged role
allowed to do it does it (so the writes of roles that cannot touch the audit table are proven audited too:
the triggers run with their owner's rights) and commits; the audit table must then hold one record for that
row and operation naming the role's database user and its application user, stamped with the current time,
whose old and new values are the row as the engine held it before and after, every column.  Rows changed by
foreign-key actions are audited where the engine's actions fire triggers (capability
``fk_actions_fire_triggers``), else the test says why not.  Only the roles the file allows may change or delete
audit records, and none may write one.  These tests commit rows of their own to a private copy of the pack.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from dbintegrity.probes.access import AuditRecord, Role, audit_records, plain_columns, stored_row
from dbintegrity.probes.session import normalise

pytestmark = pytest.mark.rules
CLOCK_SLACK = dt.timedelta(seconds=5)


@pytest.fixture
def world(access_kit, engine, case):
    return access_kit.world(engine, case, "audit")


def _actor_for(spec, schema, table: str, op: str) -> Role:
    """The role with the fewest grants that may do ``op`` on ``table`` (UPDATE: on some plain column)."""
    columns = plain_columns(schema.tables[table])

    def able(role: Role) -> bool:
        if op == "UPDATE":
            return any(role.may(table, op, c) for c in columns) and "SELECT" in role.table_ops(table)
        return op in role.table_ops(table)

    able_roles = [r for r in spec.roles.values() if able(r)]
    if not able_roles:
        pytest.skip(f"no role of {spec.path.name} may {op} {table}")
    return min(able_roles, key=lambda r: (sum(len(g) for g in r.grants.values()), r.name))


def _now(world) -> dt.datetime:
    cur = world.conn.cursor()
    try:
        cur.execute("SELECT CURRENT_TIMESTAMP")
        value = cur.fetchone()[0]
    finally:
        cur.close()
    return normalise(value, "timestamp")  # type: ignore[no-any-return]


def _check_record(actor, world, rec: AuditRecord, *, op: str, identity: str, app_user: str | None,
                  old: dict[str, Any] | None, new: dict[str, Any] | None,
                  since: dt.datetime, until: dt.datetime) -> None:
    problems = []
    if rec.operation != op:
        problems.append(f"operation {rec.operation!r}, want {op!r}")
    if rec.db_user.partition("@")[0] != identity:
        problems.append(f"db_user {rec.db_user!r}, want {identity!r} (before any @host)")
    if rec.app_user_id != app_user:
        problems.append(f"app_user_id {rec.app_user_id!r}, want {app_user!r}")
    if not since - CLOCK_SLACK <= rec.changed_at <= until + CLOCK_SLACK:
        problems.append(f"changed_at {rec.changed_at}, want between {since} and {until}")
    for side, have, want in (("old_values", rec.old_values, old), ("new_values", rec.new_values, new)):
        if want is None or have is None:
            if want != have:
                problems.append(f"{side} {have!r}, want {want!r}")
            continue
        diff = [f"{c}: audit {have.get(c, '(missing)')!r}, row {want.get(c, '(missing)')!r}"
                for c in sorted(set(have) | set(want)) if have.get(c, "(missing)") != want.get(c, "(missing)")]
        if diff:
            problems.append(f"{side} differ from the row: " + "; ".join(diff))
    if problems:
        raise actor.fail(f"audit record {rec.id} of {rec.table_name} {rec.row_id}", want="an exact record",
                         have="\n    ".join(problems))


@pytest.mark.access_cases("audit")
def test_change_is_audited(engine, case, world):
    """INSERT, UPDATE or DELETE of one row by a role: exactly one new record, who/what/which/when/values."""
    spec = world.schema.tables[case.table]
    role = _actor_for(case.spec, world.schema, case.table, case.op)
    actor = world.actor(role.name)
    app_user = world.app_user(role)
    q = world.engine.quote
    row = world.fresh_values(case.table, world.new_patient())
    key = world.key(case.table, row)
    where = " AND ".join(f"{q(c)} = %s" for c in key)
    row_id = str(row[spec.primary_key[0]])
    if case.op != "INSERT":
        world.add(case.table, row)  # by the suite's own user: the record of that is not this test's business
    before = stored_row(world.engine, world.conn, spec, key)
    earlier = audit_records(world.engine, world.conn, case.spec.audit_table, spec, row_id)
    since = _now(world)
    actor.begin(app_user)
    if case.op == "INSERT":
        res = actor.insert(case.table, row)
    elif case.op == "UPDATE":
        col = next(c for c in plain_columns(spec) if role.may(case.table, "UPDATE", c))
        res = actor.run(f"UPDATE {q(case.table)} SET {q(col)} = %s WHERE {where}",
                        [world.maker.other_value(case.table, col, row), *key.values()])
    else:
        res = actor.run(f"DELETE FROM {q(case.table)} WHERE {where}", list(key.values()))
    if not res.outcome.ok or res.rowcount != 1:
        actor.rollback()
        raise actor.fail(f"{role.name} {case.op} on {case.table}", want="accepted, 1 row",
                         have=str(res.outcome) if not res.outcome.ok else f"{res.rowcount} rows")
    actor.commit()
    if case.op == "INSERT":
        world.maker.remember(case.table, row)
    until = _now(world)
    after = stored_row(world.engine, world.conn, spec, key)
    records = audit_records(world.engine, world.conn, case.spec.audit_table, spec, row_id)[len(earlier):]
    if len(records) != 1:
        raise actor.fail(f"audit records of {role.name}'s {case.op} on {case.table} {row_id}", want="exactly one",
                         have=f"{len(records)}: " + "; ".join(f"{r.operation} by {r.db_user}" for r in records))
    _check_record(actor, world, records[0], op=case.op, identity=actor.login.identity, app_user=app_user,
                  old=before, new=after, since=since, until=until)


@pytest.mark.access_cases("audit_protection")
def test_audit_records_are_protected(engine, case, world):
    """Writing, changing or deleting an audit record: only what the file grants (admin: change and delete)."""
    role = case.role_spec
    allowed = case.op in role.table_ops(case.table)
    actor = world.actor(case.role)
    actor.begin(world.app_user(role))
    q = world.engine.quote
    rec = world.audit_row
    try:
        if case.op == "INSERT":
            res = actor.insert(case.table, world.maker.row(case.table))
        elif case.op == "UPDATE":
            res = actor.run(f"UPDATE {q(case.table)} SET {q('row_id')} = %s WHERE {q('id')} = %s",
                            ["forged", rec["id"]])
        else:
            res = actor.run(f"DELETE FROM {q(case.table)} WHERE {q('id')} = %s", [rec["id"]])
        out = res.outcome
        if allowed and (not out.ok or res.rowcount != 1):
            raise actor.fail(f"{case.role} {case.op} on {case.table}", want="accepted, 1 row",
                             have=str(out) if not out.ok else f"{res.rowcount} rows")
        if not allowed and (out.ok or out.kind != "permission"):
            raise actor.fail(f"{case.role} {case.op} on {case.table}", want="rejected (permission)",
                             have=out.verdict + (f": {out.message}" if out.message else ""))
    finally:
        actor.rollback()


@pytest.mark.access_cases("pack")
def test_cascaded_deletes_are_audited(engine, case, access_kit):
    """Deleting a patient deletes its rows by ON DELETE CASCADE: each of them leaves a DELETE record."""
    if case.error:
        pytest.fail(case.error, pytrace=False)
    world = access_kit.world(engine, case, "audit")
    if not world.engine.capabilities.fk_actions_fire_triggers:
        pytest.skip(f"{engine}'s foreign-key actions fire no triggers (capability fk_actions_fire_triggers): rows "
                    "they delete or change are not audited there (04_audit.sql says so)")
    admin = next(r for r in case.spec.roles.values() if "DELETE" in r.table_ops(world.subject))
    owner = world.new_patient()
    patient = world.patients[owner]
    children = {t: world.add(t, world.fresh_values(t, owner))
                for t in case.spec.audited if t != world.subject and t in world.scoped}
    before = {t: stored_row(world.engine, world.conn, world.schema.tables[t], world.key(t, r))
              for t, r in children.items()}
    actor = world.actor(admin.name)
    actor.begin(world.app_user(admin))
    q = world.engine.quote
    since = _now(world)
    res = actor.run(f"DELETE FROM {q(world.subject)} WHERE {q('id')} = %s", [patient["id"]])
    if not res.outcome.ok:
        actor.rollback()
        raise actor.fail(f"{admin.name} deletes a patient", want="accepted", have=str(res.outcome))
    actor.commit()
    until = _now(world)
    for table, row in children.items():
        spec = world.schema.tables[table]
        recs = [r for r in audit_records(world.engine, world.conn, case.spec.audit_table, spec, str(row["id"]))
                if r.operation == "DELETE"]
        if len(recs) != 1:
            raise actor.fail(f"audit of {table} {row['id']}, deleted by ON DELETE CASCADE", want="one DELETE record",
                             have=f"{len(recs)}")
        _check_record(actor, world, recs[0], op="DELETE", identity=actor.login.identity, app_user=world.app_user(admin),
                      old=before[table], new=None, since=since, until=until)


@pytest.mark.access_cases("pack")
def test_audit_file_is_consistent(case):
    """Nobody may write audit records, and only hard-delete roles may change or delete them (the file itself)."""
    if case.error:
        pytest.fail(case.error, pytrace=False)
    spec = case.spec
    if not spec.audit_table:
        pytest.skip(f"{spec.path.name} declares no audit table")
    wrong = [f"{r.name} may {op} {spec.audit_table}" for r in spec.roles.values()
             for op in ("INSERT", "UPDATE", "DELETE")
             if r.may(spec.audit_table, op) and (op == "INSERT" or r.name not in spec.hard_delete_roles)]
    missing = [t for t in spec.audited if t not in case.schema.tables]
    assert not wrong and not missing, "; ".join(wrong + [f"audited table {t} is not in the contract" for t in missing])


@pytest.mark.access_cases("pack")
def test_contract_lists_the_audit_triggers(case):
    """Each audited table has AFTER INSERT, UPDATE and DELETE triggers, named alike on every engine."""
    if case.error:
        pytest.fail(case.error, pytrace=False)
    missing = []
    for table in case.spec.audited:
        have = {(tr.name, tr.timing, tr.events) for tr in case.schema.tables[table].triggers}
        missing += [f"{table}_audit_{ev.lower()}" for ev in ("INSERT", "UPDATE", "DELETE")
                    if (f"{table}_audit_{ev.lower()}", "AFTER", (ev,)) not in have]
    assert not missing, f"the contract lacks the audit triggers {', '.join(missing)}"
