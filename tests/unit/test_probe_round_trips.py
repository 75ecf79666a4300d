"""A probe session's savepoints on an engine where an error aborts the transaction: what it sends, round trip by
round trip.  A passed statement keeps its savepoint until the next statement releases it in the same round trip
as its own SAVEPOINT; a refused one is rolled back to it; an example never nests in a statement's savepoint."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

from dbintegrity.probes.session import ProbeSession
from dbintegrity.probes.synthesis import Insert, Plan


class Refused(Exception):
    """The fake server's error."""


class FakeCursor:
    def __init__(self, sent: list[str], fetched: dict[str, Any] | None = None) -> None:
        self.sent = sent
        self.fetched = fetched
        self.description = [(name,) for name in fetched or {}]

    def fetchone(self) -> tuple[Any, ...] | None:
        return tuple(self.fetched.values()) if self.fetched else None

    def execute(self, sql: str, params: Any = None) -> None:
        self.sent.append(sql)
        if "refused" in sql:
            raise Refused(sql)

    def nextset(self) -> None:
        return None

    def close(self) -> None:
        pass


class FakeConn:
    def __init__(self) -> None:
        self.sent: list[str] = []
        self.fetched: dict[str, Any] | None = None
        """The row every look finds."""

    def cursor(self) -> FakeCursor:
        return FakeCursor(self.sent, self.fetched)

    def rollback(self) -> None:
        self.sent.append("(rollback)")

    def close(self) -> None:
        pass


def session(*, one_trip: bool = False, aborts: bool = True) -> tuple[ProbeSession, FakeConn]:
    engine = SimpleNamespace(
        name="fake", driver_errors=(Refused,),
        capabilities=SimpleNamespace(error_aborts_transaction=aborts, parameters_bound_in_client=one_trip),
        prepare_session=lambda conn: None, check_constraints_at_once=lambda conn: None,
        classify=lambda exc: "check", error_message=str, quote=lambda name: f'"{name}"',
        quote_table=lambda name: f'"{name}"')
    conn = FakeConn()
    return ProbeSession(engine, conn, SimpleNamespace(tables={})), conn  # type: ignore[arg-type]


def test_two_round_trips_per_statement_and_exact_error_attribution():
    probe, conn = session()
    with probe.example():
        assert probe.run("INSERT one").ok
        assert not probe.run("INSERT refused").ok
        assert probe.run("INSERT two").ok
        assert probe.run("INSERT three").ok
    assert conn.sent == [
        "SAVEPOINT dbi_example",
        "SAVEPOINT dbi_stmt", "INSERT one",
        "RELEASE SAVEPOINT dbi_stmt; SAVEPOINT dbi_stmt", "INSERT refused", "ROLLBACK TO SAVEPOINT dbi_stmt",
        "RELEASE SAVEPOINT dbi_stmt; SAVEPOINT dbi_stmt", "INSERT two",
        "RELEASE SAVEPOINT dbi_stmt; SAVEPOINT dbi_stmt", "INSERT three",
        "ROLLBACK TO SAVEPOINT dbi_example; RELEASE SAVEPOINT dbi_example",
    ]
    assert probe.statements == len(conn.sent)  # every round trip counted, the batch as one


def test_an_example_after_a_statement_is_not_nested_in_its_savepoint():
    """Rolling the example back must not also need the statement's savepoint, and the next statement must not
    release a savepoint the example's rollback already ended."""
    probe, conn = session()
    assert probe.run("INSERT before").ok
    with probe.example():
        assert probe.run("INSERT inside").ok
    with probe.example():
        pass
    assert conn.sent == [
        "SAVEPOINT dbi_stmt", "INSERT before",
        "RELEASE SAVEPOINT dbi_stmt; SAVEPOINT dbi_example",
        "SAVEPOINT dbi_stmt", "INSERT inside",
        "ROLLBACK TO SAVEPOINT dbi_example; RELEASE SAVEPOINT dbi_example",
        "SAVEPOINT dbi_example",
        "ROLLBACK TO SAVEPOINT dbi_example; RELEASE SAVEPOINT dbi_example",
    ]


def test_one_round_trip_per_statement_where_the_driver_binds_parameters_itself():
    """PostgreSQL through a client-side-binding cursor: the savepoint goes with its statement; the example's
    savepoint goes with its first statement, and a refused statement's rollback, like the example's own, goes
    with the next round trip, whatever that is."""
    probe, conn = session(one_trip=True)
    with probe.example():
        assert probe.run("INSERT one").ok
        assert not probe.run("INSERT refused").ok
        assert probe.run("INSERT two").ok
        assert not probe.run("INSERT refused again").ok
    with probe.example():
        assert probe.run("INSERT three").ok
    assert conn.sent == [
        "SAVEPOINT dbi_example; SAVEPOINT dbi_stmt; INSERT one",
        "RELEASE SAVEPOINT dbi_stmt; SAVEPOINT dbi_stmt; INSERT refused",
        "ROLLBACK TO SAVEPOINT dbi_stmt; RELEASE SAVEPOINT dbi_stmt; SAVEPOINT dbi_stmt; INSERT two",
        "RELEASE SAVEPOINT dbi_stmt; SAVEPOINT dbi_stmt; INSERT refused again",
        "ROLLBACK TO SAVEPOINT dbi_stmt; ROLLBACK TO SAVEPOINT dbi_example; RELEASE SAVEPOINT dbi_example; "
        "SAVEPOINT dbi_example; "
        "SAVEPOINT dbi_stmt; INSERT three",
    ]
    assert probe.statements == len(conn.sent)
    assert probe.conn is conn  # the last example's rollback is sent before a test's own SQL
    assert conn.sent[-1] == "ROLLBACK TO SAVEPOINT dbi_example; RELEASE SAVEPOINT dbi_example"


def test_the_connection_handed_to_a_test_is_never_in_an_aborted_transaction():
    """A test's own SQL on ``probe.conn`` (``session.yml``'s modes) after a refusal must not meet the aborted
    transaction: handing the connection out sends the pending rollback first."""
    probe, conn = session(one_trip=True)
    assert not probe.run("INSERT refused").ok
    assert conn.sent[-1] == "SAVEPOINT dbi_stmt; INSERT refused"
    assert probe.conn is conn
    assert conn.sent[-1] == "ROLLBACK TO SAVEPOINT dbi_stmt"
    probe.conn  # noqa: B018 - nothing pending any more: nothing sent
    assert conn.sent[-1] == "ROLLBACK TO SAVEPOINT dbi_stmt" and len(conn.sent) == 2


def _plan(*names: str) -> Plan:
    plan = Plan()
    plan.inserts = [Insert(name, {"id": i}) for i, name in enumerate(names)]
    return plan


def test_the_rows_a_probe_builds_on_go_in_one_round_trip():
    probe, conn = session(one_trip=True)
    with probe.example():
        at, out = probe.apply(_plan("a", "b", "c"))
    assert (at, out.ok) == (3, True)
    assert conn.sent == ['SAVEPOINT dbi_example; SAVEPOINT dbi_stmt; INSERT INTO "a" ("id") VALUES (%s); '
                         'INSERT INTO "b" ("id") VALUES (%s); INSERT INTO "c" ("id") VALUES (%s)']
    assert probe.log == ['INSERT INTO "a" ("id") VALUES (0);', 'INSERT INTO "b" ("id") VALUES (1);',
                         'INSERT INTO "c" ("id") VALUES (2);']


def test_a_refused_row_in_a_batch_is_found_as_row_by_row():
    """The batch is rolled back and written again one row at a time: the index, the outcome and the SQL log a
    failure shows are those of the row-by-row run, with no row of the rolled-back batch in the log."""
    probe, conn = session(one_trip=True)
    with probe.example():
        at, out = probe.apply(_plan("a", "refused", "c"))
    assert (at, out.ok) == (1, False)
    assert conn.sent == [
        'SAVEPOINT dbi_example; SAVEPOINT dbi_stmt; INSERT INTO "a" ("id") VALUES (%s); '
        'INSERT INTO "refused" ("id") VALUES (%s); INSERT INTO "c" ("id") VALUES (%s)',
        'ROLLBACK TO SAVEPOINT dbi_stmt; RELEASE SAVEPOINT dbi_stmt; SAVEPOINT dbi_stmt; '
        'INSERT INTO "a" ("id") VALUES (%s)',
        'RELEASE SAVEPOINT dbi_stmt; SAVEPOINT dbi_stmt; INSERT INTO "refused" ("id") VALUES (%s)',
    ]
    assert probe.log == ['INSERT INTO "a" ("id") VALUES (0);', 'INSERT INTO "refused" ("id") VALUES (1);']


def test_where_an_error_undoes_only_its_statement_a_batch_has_its_own_savepoint():
    """MySQL and MariaDB keep the rows a batch wrote before a refused one: the batch's savepoint takes them back
    before the rows are written again one at a time."""
    probe, conn = session(one_trip=True, aborts=False)
    at, out = probe.apply(_plan("a", "refused"))
    assert (at, out.ok) == (1, False)
    assert conn.sent == [
        'SAVEPOINT dbi_batch; INSERT INTO "a" ("id") VALUES (%s); INSERT INTO "refused" ("id") VALUES (%s)',
        "ROLLBACK TO SAVEPOINT dbi_batch",
        'INSERT INTO "a" ("id") VALUES (%s)',
        'INSERT INTO "refused" ("id") VALUES (%s)',
    ]


def test_each_row_a_probe_tries_is_written_read_back_and_undone_in_one_round_trip():
    """The ENUM and CHECK probes try many rows in turn: each one's insert and look go together, and the row is
    undone (its savepoint rolled back and released, so trials never nest) in front of the next round trip."""
    probe, conn = session(one_trip=True)
    spec = SimpleNamespace(primary_key=("id",), uniques=(), columns={})
    probe.schema = SimpleNamespace(tables={"a": spec, "refused": spec, "b": spec})  # type: ignore[assignment]
    conn.fetched = {"id": 1}
    with probe.example():
        outcomes = []
        for name in ("a", "refused", "b"):
            with probe.trial():
                outcomes.append(probe.insert_and_fetch(name, {"id": 1}))
    assert [(out.ok, row) for out, row in outcomes] == [(True, {"id": 1}), (False, None), (True, {"id": 1})]
    insert = 'SAVEPOINT dbi_stmt; INSERT INTO "{0}" ("id") VALUES (%s); SELECT * FROM "{0}" WHERE "id" = %s'
    undo = "ROLLBACK TO SAVEPOINT dbi_trial; RELEASE SAVEPOINT dbi_trial; "
    assert conn.sent == [
        "SAVEPOINT dbi_example; SAVEPOINT dbi_trial; " + insert.format("a"),
        undo + "SAVEPOINT dbi_trial; " + insert.format("refused"),
        "ROLLBACK TO SAVEPOINT dbi_stmt; " + undo + "SAVEPOINT dbi_trial; " + insert.format("b"),
    ]
    assert probe.log[:4] == ["SAVEPOINT dbi_trial;", 'INSERT INTO "a" ("id") VALUES (1);',
                             'SELECT * FROM "a" WHERE "id" = 1;  -- look', "ROLLBACK TO SAVEPOINT dbi_trial;"]
    assert 'SELECT * FROM "refused" WHERE "id" = 1;  -- look' not in probe.log  # it never ran
