"""A probe session's savepoints on an engine where an error aborts the transaction: what it sends, round trip by
round trip.  A passed statement keeps its savepoint until the next statement releases it in the same round trip
as its own SAVEPOINT; a refused one is rolled back to it; an example never nests in a statement's savepoint."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

from dbintegrity.probes.session import ProbeSession


class Refused(Exception):
    """The fake server's error."""


class FakeCursor:
    def __init__(self, sent: list[str]) -> None:
        self.sent = sent
        self.description = None

    def execute(self, sql: str, params: Any = None) -> None:
        self.sent.append(sql)
        if "refused" in sql:
            raise Refused(sql)

    def close(self) -> None:
        pass


class FakeConn:
    def __init__(self) -> None:
        self.sent: list[str] = []

    def cursor(self) -> FakeCursor:
        return FakeCursor(self.sent)

    def rollback(self) -> None:
        self.sent.append("(rollback)")

    def close(self) -> None:
        pass


def session(*, one_trip: bool = False) -> tuple[ProbeSession, FakeConn]:
    engine = SimpleNamespace(
        name="fake", driver_errors=(Refused,),
        capabilities=SimpleNamespace(error_aborts_transaction=True, parameters_bound_in_client=one_trip),
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
        "ROLLBACK TO SAVEPOINT dbi_example",
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
        "ROLLBACK TO SAVEPOINT dbi_example",
        "SAVEPOINT dbi_example",
        "ROLLBACK TO SAVEPOINT dbi_example",
    ]


def test_one_round_trip_per_statement_where_the_driver_binds_parameters_itself():
    """PostgreSQL through a client-side-binding cursor: the savepoint goes with its statement, and a refusal is
    still rolled back to the savepoint set just before it, in the same round trip."""
    probe, conn = session(one_trip=True)
    with probe.example():
        assert probe.run("INSERT one").ok
        assert not probe.run("INSERT refused").ok
        assert probe.run("INSERT two").ok
    assert conn.sent == [
        "SAVEPOINT dbi_example",
        "SAVEPOINT dbi_stmt; INSERT one",
        "RELEASE SAVEPOINT dbi_stmt; SAVEPOINT dbi_stmt; INSERT refused", "ROLLBACK TO SAVEPOINT dbi_stmt",
        "RELEASE SAVEPOINT dbi_stmt; SAVEPOINT dbi_stmt; INSERT two",
        "ROLLBACK TO SAVEPOINT dbi_example",
    ]
    assert probe.statements == len(conn.sent)
