"""The rules of hms_db by behaviour, on every engine: patient identifiers the database assigns and never
reuses, their format, and Ugandan phone numbers.

The oracle is the pack's documentation (``sql/hms_db/README.md``), re-implemented here by hand, never the
DDL's regular expressions: a rule the DDL weakens or mistypes fails here even when the contract was
re-snapshotted to match it.  Hypothesis draws both sides of each grammar (well-formed values of every
shape, and near misses of each).  Every example runs in a savepoint of the probe session and is rolled
back, the identifier counter included.  The session is in the pack's backfill mode (``session.yml``:
rows bring their own identifiers) unless a test switches to application mode.
"""

from __future__ import annotations

import itertools
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, note, settings
from hypothesis import strategies as st

from dbintegrity.probes.session import Outcome, ProbeSession
from dbintegrity.probes.synthesis import Plan, valid_plan

pytestmark = pytest.mark.rules
HMS = pytest.mark.parametrize("pack", ["hms_db"])
README = Path(__file__).resolve().parents[2] / "sql" / "hms_db" / "README.md"
COUNTER = {"counter_name": "patients"}
_marks = itertools.count(1)


@pytest.fixture
def probe(dbi_config, engine, pack, dbi_probe) -> ProbeSession:
    from dbintegrity.pytest_plugin import selected_pack_names

    if pack not in selected_pack_names(dbi_config):
        pytest.skip(f"pack {pack} is not selected (--pack / DBINTEGRITY_PACK)")
    return dbi_probe


# -- the README's grammars, by hand ------------------------------------------------------------------------
def valid_phone(text: str) -> bool:
    """Local ``07`` + 8 digits, or international ``+2567`` + 8 digits; nothing else, no separators."""
    if not text.isascii():
        return False
    if len(text) == 10 and text.startswith("07"):
        return text[2:].isdigit()
    if len(text) == 13 and text.startswith("+2567"):
        return text[5:].isdigit()
    return False


def valid_patient_id(text: str) -> bool:
    """``HMS/`` and a number from 1: three digits zero-padded up to 999, then unpadded up to 8 digits."""
    prefix, digits = text[:4], text[4:]
    if prefix != "HMS/" or not digits.isascii() or not digits.isdigit() or not 3 <= len(digits) <= 8:
        return False
    return int(digits) >= 1 and (len(digits) == 3 or not digits.startswith("0"))


def formatted(n: int) -> str:
    """The identifier the README says the database hands out as number ``n``."""
    return f"HMS/{n:03d}"


def test_readme_states_the_grammars():
    text = README.read_text(encoding="utf-8")
    for needle in ("`07XXXXXXXX`", "`+2567XXXXXXXX`", "`HMS/001`", "`HMS/999`", "`HMS/1000`", "`HMS/99999999`",
                   "patients_id_exhausted"):
        assert needle in text, f"{README} does not document {needle}"


def test_oracles_tell_both_sides():
    assert valid_phone("0772123456") and valid_phone("+256772123456")
    assert not any(map(valid_phone, ["772123456", "0672123456", "+256072123456", "256772123456", "0772 123456",
                                     "+2567721234567", "077212345", "07721234567"]))
    assert valid_patient_id("HMS/001") and valid_patient_id("HMS/999") and valid_patient_id("HMS/1000")
    assert not any(map(valid_patient_id, ["HMS/000", "HMS/1", "HMS/0001", "hms/001", "HMS-001", "HMS/123456789"]))


# -- helpers -----------------------------------------------------------------------------------------------
def _plan(probe: ProbeSession, data: st.DataObject, table: str) -> Plan:
    plan: Plan = data.draw(valid_plan(probe.schema, table, {}), label=f"{table} row")
    for ins in plan.inserts[:-1]:
        out = probe.insert(ins.table, ins.row)
        if not out.ok:
            raise probe.fail(f"building the parents of {table}", want="accepted", have=str(out), rows=str(ins.row))
    return plan


def _expect(probe: ProbeSession, what: str, out: Outcome, accept: bool, rule: str, row: Any = "") -> None:
    """Accepted, or refused by the rule: a CHECK or trigger whose error names ``rule``."""
    note(probe.reproduction())
    if accept and not out.ok:
        raise probe.fail(what, want="accepted", have=str(out), rows=str(row))
    if not accept and (out.ok or out.kind not in ("check", "rule") or rule not in out.message):
        raise probe.fail(what, want=f"rejected by {rule}", have=out.verdict + (f": {out.message}" if out.message else ""),
                         rows=str(row))


def _application(probe: ProbeSession, dbi_runtime, engine: str, pack: str) -> None:
    dbi_runtime.session_mode(engine, pack, probe.conn, "application")


def _issued(probe: ProbeSession) -> int:
    row = probe.fetch("hms_id_counters", COUNTER)
    return 0 if row is None else int(row["last_issued"])


def _new_patient(probe: ProbeSession, base: dict[str, Any], what: str) -> str:
    """Insert a patient without an identifier (application mode); the identifier the database gave it."""
    mark = f"hms.rule.{next(_marks)}@example.org"
    row = {k: v for k, v in base.items() if k != "patient_id"} | {"email": mark}
    _expect(probe, what, probe.insert("patients", row), True, "patients_id_assigned", row)
    stored = probe.fetch("patients", {"email": mark})
    assert stored is not None, f"{what}: the inserted patient is not found again by its email\n{probe.reproduction()}"
    return str(stored["patient_id"])


# -- phone numbers -----------------------------------------------------------------------------------------
eight = st.text("0123456789", min_size=8, max_size=8)
phones = st.one_of(eight.map(lambda d: "07" + d), eight.map(lambda d: "+2567" + d))
phone_misses = st.one_of(
    eight.map(lambda d: "7" + d), eight.map(lambda d: "06" + d), eight.map(lambda d: "+256" + d[:1] + "0" + d[1:8]),
    eight.map(lambda d: "2567" + d), eight.map(lambda d: "+2567" + d[:7]), eight.map(lambda d: "07" + d[:7]),
    eight.map(lambda d: "07" + d + "1"), eight.map(lambda d: "07" + d[:4] + " " + d[4:7]),
    eight.map(lambda d: "07" + d[:3] + "-" + d[3:7]), eight.map(lambda d: "0" + d + "7"),
    eight.map(lambda d: "07" + d + " "), eight.map(lambda d: "+2567" + d[:7] + "x"),
    st.text("+0123456789 -()", max_size=13),
    st.sampled_from(["", "07", "+256", "0772\u066123456", "+256 772123456", "(0772)12345", "00256772123456"[:13]]))


@HMS
@pytest.mark.parametrize("table", ["patients", "doctors"])
@given(data=st.data(), phone=st.one_of(phones, phone_misses))
def test_phone_number_formats(engine, pack, probe, data, table, phone):
    with probe.example():
        plan = _plan(probe, data, table)
        row = dict(plan.target.row, phone=phone)
        out = probe.insert(table, row)
        if len(phone) > 13 and not out.ok:
            return  # longer than VARCHAR(13): the type refuses it before the rule is asked
        _expect(probe, f"INSERT {table} with phone {phone!r}", out, valid_phone(phone), f"{table}_phone_format", row)


# -- identifier format (rows that bring their own: backfill mode) ------------------------------------------------
ids = st.one_of(st.integers(1, 999).map(formatted), st.integers(1000, 99_999_999).map(lambda n: f"HMS/{n}"))
id_misses = st.one_of(
    st.integers(1, 99).map(lambda n: f"HMS/{n}"), st.integers(1, 9999).map(lambda n: f"HMS/{n:04d}" if n < 1000 else
                                                                           f"HMS/0{n}"),
    ids.map(str.lower), ids.map(lambda s: s.replace("/", "-")), ids.map(lambda s: s.replace("/", "")),
    ids.map(lambda s: s[:11] + " " if len(s) < 11 else s[:-1] + "x"), ids.map(lambda s: " " + s[:11]),
    st.text("HMS/0123456789 hm", max_size=12), st.sampled_from(["HMS/000", "HMS/", "HMS/00", "HMS/1e3", "HMS/+12",
                                                                "HMS/-12", "HMS/\uff11\uff12\uff13"]))


@HMS
@given(data=st.data(), patient_id=st.one_of(ids, id_misses))
def test_patient_identifier_format(engine, pack, probe, data, patient_id):
    with probe.example():
        plan = _plan(probe, data, "patients")
        row = dict(plan.target.row, patient_id=patient_id)
        _expect(probe, f"INSERT a patient with identifier {patient_id!r}", probe.insert("patients", row),
                valid_patient_id(patient_id), "patients_id_format", row)


# -- identifiers assigned by the database, never reused (application mode) -----------------------------------------
@HMS
@given(data=st.data())
def test_identifiers_are_assigned_in_order_and_never_reused(engine, pack, probe, dbi_runtime, data):
    _application(probe, dbi_runtime, engine, pack)
    try:
        with probe.example():
            base = _plan(probe, data, "patients").target.row
            start = _issued(probe)
            got = [_new_patient(probe, base, f"INSERT patient {i + 1} without an identifier") for i in range(3)]
            assert got == [formatted(start + i) for i in (1, 2, 3)], (got, probe.reproduction())
            assert probe.delete("patients", {"patient_id": got[-1]}).ok
            again = _new_patient(probe, base, "INSERT a patient after deleting the newest")
            assert again == formatted(start + 4), f"{got[-1]} was deleted; the next must be {formatted(start + 4)}, " \
                                                  f"got {again} (an identifier was reused)\n{probe.reproduction()}"
            explicit = dict(base, patient_id=formatted(start + 10), email="explicit@example.org")
            _expect(probe, "INSERT a patient that brings its own identifier", probe.insert("patients", explicit), False,
                    "patients_id_assigned", explicit)
            _expect(probe, f"UPDATE {got[0]} to another identifier",
                    probe.update("patients", {"patient_id": formatted(start + 20)}, {"patient_id": got[0]}), False,
                    "patients_id_immutable")
            _expect(probe, f"UPDATE {got[0]}'s phone", probe.update("patients", {"phone": "+256700000001"},
                                                                     {"patient_id": got[0]}), True, "patients_id_")
    finally:
        dbi_runtime.backfill(engine, pack, probe.conn)


@HMS
@given(data=st.data(), loaded=st.integers(1, 99_999_990))
def test_backfill_moves_the_counter_past_loaded_identifiers(engine, pack, probe, dbi_runtime, data, loaded):
    try:
        with probe.example():
            base = _plan(probe, data, "patients").target.row
            ahead = max(loaded, _issued(probe))
            row = dict(base, patient_id=formatted(loaded), email="loaded@example.org")
            _expect(probe, f"backfill patient {formatted(loaded)}", probe.insert("patients", row), True,
                    "patients_id_format", row)
            _application(probe, dbi_runtime, engine, pack)
            got = _new_patient(probe, base, f"INSERT a patient after backfilling {formatted(loaded)}")
            assert got == formatted(ahead + 1), (got, probe.reproduction())
            dbi_runtime.backfill(engine, pack, probe.conn)
    finally:
        dbi_runtime.backfill(engine, pack, probe.conn)


@HMS
@settings(max_examples=10)
@given(data=st.data())
def test_after_hms_999_and_at_the_end(engine, pack, probe, dbi_runtime, data):
    """HMS/999 is followed by HMS/1000 (the number grows a digit); after HMS/99999999 inserts are refused."""
    try:
        with probe.example():
            base = _plan(probe, data, "patients").target.row
            _expect(probe, "backfill HMS/998", probe.insert("patients", dict(base, patient_id="HMS/998",
                                                                             email="p998@example.org")), True, "patients_")
            _application(probe, dbi_runtime, engine, pack)
            got = [_new_patient(probe, base, f"INSERT patient {i}") for i in range(3)]
            assert got == ["HMS/999", "HMS/1000", "HMS/1001"], (got, probe.reproduction())
            dbi_runtime.backfill(engine, pack, probe.conn)
            _expect(probe, "backfill HMS/99999999", probe.insert("patients", dict(
                base, patient_id="HMS/99999999", email="plast@example.org")), True, "patients_")
            _application(probe, dbi_runtime, engine, pack)
            row = {k: v for k, v in base.items() if k != "patient_id"} | {"email": "pover@example.org"}
            _expect(probe, "INSERT a patient after HMS/99999999", probe.insert("patients", row), False,
                    "patients_id_exhausted", row)
    finally:
        dbi_runtime.backfill(engine, pack, probe.conn)
