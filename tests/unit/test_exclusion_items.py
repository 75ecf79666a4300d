"""Exclusion constraints in the contract (no database): read and written back, compared with a live table that
has the constraint or the triggers the contract names for it, PostgreSQL's definition read into the model;
the interval oracle the probes compare engines with; CHECKs re-spelled for mixed-case columns."""

import datetime as dt

import pytest
from hypothesis import given

from dbintegrity.engines.postgres import _exclusion
from dbintegrity.pack import contract
from dbintegrity.pack.model import Exclusion, Schema, Table, Trigger
from dbintegrity.probes.intervals import overlaps, peak, period_pairs
from dbintegrity.sqltext.expr import spelled_as_columns

BOOKING = {"name": "Appointment_no_double_booking", "equal": ["DoctorID"], "during": ["StartTime", "EndTime"],
           "triggers": ["Appointment_nb_insert", "Appointment_nb_update"]}


def _contract(**exclusion) -> Schema:
    return Schema.from_dict({"tables": {"Appointment": {"columns": {}, "exclusions": [exclusion or BOOKING]}}})


def _live(exclusions=(), triggers=()) -> Schema:
    t = Table("Appointment", exclusions=list(exclusions),
              triggers=[Trigger(n, "BEFORE", ("INSERT",)) for n in triggers])
    return Schema(tables={"Appointment": t})


def test_round_trip():
    schema = _contract()
    assert schema.to_dict()["tables"]["Appointment"]["exclusions"] == [BOOKING]
    [item] = contract.items(schema, "exclusion")
    assert item.id == "Appointment:exclusion(Appointment_no_double_booking)"


def test_the_constraint_or_every_named_trigger_satisfies_the_structure_check():
    [item] = contract.items(_contract(), "exclusion")
    native = Exclusion("any_name", ("DoctorID",), ("StartTime", "EndTime"))
    assert contract.check_item(item, _live([native]), "postgres") == []
    assert contract.check_item(item, _live(triggers=BOOKING["triggers"]), "mysql") == []
    [diff] = contract.check_item(item, _live(triggers=BOOKING["triggers"][:1]), "mysql")
    assert "lacks its trigger(s) Appointment_nb_update" in diff
    other = Exclusion("x", ("PatientID",), ("StartTime", "EndTime"))
    [diff] = contract.check_item(item, _live([other]), "postgres")
    assert "EXCLUDE (PatientID WITH =, [StartTime, EndTime) WITH &&)" in diff


def test_named_triggers_are_declared_and_a_live_exclusion_the_contract_lacks_is_not():
    want = _contract().tables["Appointment"]
    assert contract.check_item(contract.Item("undeclared", "Appointment", "", want),
                               _live(triggers=BOOKING["triggers"]), "mysql") == []
    bare = Schema.from_dict({"tables": {"Appointment": {"columns": {}}}}).tables["Appointment"]
    [diff] = contract.check_item(contract.Item("undeclared", "Appointment", "", bare),
                                 _live([Exclusion("x", ("DoctorID",), ("StartTime", "EndTime"))]), "postgres")
    assert "the contract does not" in diff


def test_during_needs_two_columns():
    with pytest.raises(ValueError, match="during must be"):
        _contract(name="x", equal=["a"], during=["s"])


@pytest.mark.parametrize("definition", [
    'EXCLUDE USING gist ("DoctorID" WITH =, tsrange("StartTime", "EndTime") WITH &&)',
    "EXCLUDE USING gist (doctor_id WITH =, tsrange(starts, ends, '[)'::text) WITH &&)",
])
def test_postgres_definitions_are_read(definition):
    ex = _exclusion("c", definition)
    assert len(ex.equal) == 1 and len(ex.during) == 2


def test_another_shape_keeps_no_period():
    assert _exclusion("c", "EXCLUDE USING gist (room WITH =, box WITH &&)").during == ()


T = dt.datetime(2030, 1, 1, 9)
H = dt.timedelta(hours=1)


def test_oracle_edges():
    assert not overlaps((T, T + H), (T + H, T + 2 * H))  # end = next start: no overlap
    assert overlaps((T, T + 2 * H), (T + H, T + 3 * H))
    assert overlaps((T, None), (T + 10 * H, T + 11 * H))  # an open stay overlaps everything after it
    assert peak([(T, T + 2 * H), (T + H, T + 3 * H)], (T + H, T + 2 * H)) == 2
    assert peak([(T, T + H), (T + H, T + 2 * H)], (T, T + 2 * H)) == 1


@given(period_pairs())
def test_pairs_meet_every_edge_the_oracle_tells(pair):
    first, second = pair
    assert first[0] < first[1] and second[0] < second[1]
    assert overlaps(first, second) == overlaps(second, first)


def test_checks_are_spelled_as_the_table_spells_its_columns():
    assert spelled_as_columns("capacity >= 1", ["Capacity"]) == '"Capacity" >= 1'
    assert spelled_as_columns("capacity >= 1", ["capacity"]) == "capacity >= 1"


def test_snapshot_keeps_the_triggers_the_contract_names():
    from dbintegrity.pack.snapshot import keep_exclusion_triggers

    previous = _contract()
    native = _live([Exclusion("Appointment_no_double_booking", ("DoctorID",), ("StartTime", "EndTime"))])
    keep_exclusion_triggers(native, previous)
    assert native.to_dict() == previous.to_dict()
    by_triggers = _live(triggers=BOOKING["triggers"])
    keep_exclusion_triggers(by_triggers, previous)
    assert by_triggers.to_dict() == previous.to_dict(), "the triggers fold back into the exclusion"
