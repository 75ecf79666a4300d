"""The business rules of healthcare_mgmt by behaviour, on every engine: what must be accepted is, what must
be refused is, with the engine's error naming the rule.

The oracle is the pack's documentation (``sql/healthcare_mgmt/README.md``), never the DDL: the vital-sign
ranges are read from the README's table, the prescription grammar is re-implemented here by hand from its
text, and the clock rule is computed from the server's own "now".  So a rule the DDL weakens, drops or
mistypes fails here even when the contract was re-snapshotted to match it.

Rows are built by :mod:`dbintegrity.probes.synthesis` from the contract (parents included); Hypothesis draws the
values the rule is about, and every example also tries the rule's documented edges.  Each example runs in
a savepoint of the probe session and is rolled back.  Except for the clock rule, the session is in the
pack's backfill mode (``session.yml``), which only relaxes rule 1.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, note
from hypothesis import strategies as st

from dbintegrity.probes.session import Outcome, ProbeSession
from dbintegrity.probes.synthesis import Plan, fits, valid_plan

pytestmark = pytest.mark.rules
HM = pytest.mark.parametrize("pack", ["healthcare_mgmt"])
"""The rules are this pack's; the tests run whichever engines are selected."""
README = Path(__file__).resolve().parents[2] / "sql" / "healthcare_mgmt" / "README.md"
CLOCK_MARGIN = dt.timedelta(minutes=2)
"""Appointments this close to "now" are not drawn: the statement's clock moves while the test runs."""


@pytest.fixture
def probe(dbi_runtime, dbi_config, engine, pack, dbi_probe) -> ProbeSession:
    from dbintegrity.pytest_plugin import selected_pack_names

    if pack not in selected_pack_names(dbi_config):
        pytest.skip(f"pack {pack} is not selected (--pack / DBINTEGRITY_PACK)")
    return dbi_probe


def _plan(probe: ProbeSession, data: st.DataObject, table: str, overrides: dict[str, Any] | None = None) -> Plan:
    plan: Plan = data.draw(valid_plan(probe.schema, table, overrides or {}), label=f"{table} row")
    for ins in plan.inserts[:-1]:
        out = probe.insert(ins.table, ins.row)
        if not out.ok:
            raise probe.fail(f"building the parents of {table}", want="accepted", have=str(out), rows=str(ins.row))
    return plan


def _expect(probe: ProbeSession, what: str, out: Outcome, accept: bool, rule: str, row: Any = "") -> None:
    """Accepted, or refused by the rule: a CHECK or a trigger whose error names ``rule`` (both engines put a
    CHECK's name in its message; the triggers start theirs with the rule's name)."""
    note(probe.reproduction())
    if accept and not out.ok:
        raise probe.fail(what, want="accepted", have=str(out), rows=str(row))
    if not accept and (out.ok or out.kind not in ("check", "rule") or rule not in out.message):
        raise probe.fail(what, want=f"rejected by {rule}", have=out.verdict + (f": {out.message}" if out.message else ""),
                         rows=str(row))


def _try(probe: ProbeSession, table: str, row: dict[str, Any], accept: bool, rule: str, what: str) -> None:
    out = probe.insert(table, row)
    _expect(probe, what, out, accept, rule, row)
    if out.ok:
        probe.delete(table, probe.key_of(table, row))


# -- rule 1: appointments are never scheduled, or moved, into the past -----------------------------------------
def _application_mode(probe: ProbeSession, dbi_runtime, engine: str, pack: str) -> None:
    dbi_runtime.session_mode(engine, pack, probe.conn, "application")


offsets = st.one_of(st.integers(-400 * 86400, -CLOCK_MARGIN.total_seconds()),
                    st.integers(CLOCK_MARGIN.total_seconds(), 400 * 86400)).map(lambda s: dt.timedelta(seconds=s))


def _at(moment: dt.datetime) -> dict[str, Any]:
    return {"appointment_date": moment.date(), "appointment_time": moment.time().replace(microsecond=0)}


@HM
@given(data=st.data(), offset=offsets)
def test_appointment_insert_is_refused_in_the_past(engine, pack, probe, dbi_runtime, data, offset):
    _application_mode(probe, dbi_runtime, engine, pack)
    with probe.example():
        plan = _plan(probe, data, "appointments")
        moment = probe.now() + offset
        row = dict(plan.target.row, **_at(moment))
        _try(probe, "appointments", row, offset > dt.timedelta(0), "appointments_not_in_past",
             f"INSERT an appointment at {moment} (now {'+' if offset > dt.timedelta(0) else '-'} {abs(offset)})")


@HM
@given(data=st.data(), offset=offsets)
def test_appointment_update_is_refused_when_it_moves_into_the_past(engine, pack, probe, dbi_runtime, data, offset):
    _application_mode(probe, dbi_runtime, engine, pack)
    with probe.example():
        plan = _plan(probe, data, "appointments")
        row = dict(plan.target.row, **_at(probe.now() + dt.timedelta(days=3)))
        _expect(probe, "INSERT an appointment in 3 days", probe.insert("appointments", row), True,
                "appointments_not_in_past", row)
        key = probe.key_of("appointments", row)
        moment = probe.now() + offset
        _expect(probe, f"UPDATE the appointment to {moment}", probe.update("appointments", _at(moment), key),
                offset > dt.timedelta(0), "appointments_not_in_past", row)
        now = probe.now()
        if 1 <= now.hour <= 21:  # only the time moves, from two hours ahead to an hour ago, today: the past
            later = (now + dt.timedelta(hours=2)).time().replace(microsecond=0)
            _expect(probe, "UPDATE the appointment to two hours from now",
                    probe.update("appointments", {"appointment_date": now.date(), "appointment_time": later}, key),
                    True, "appointments_not_in_past", row)
            earlier = (now - dt.timedelta(hours=1)).time().replace(microsecond=0)
            _expect(probe, "UPDATE only the time, to an hour ago",
                    probe.update("appointments", {"appointment_time": earlier}, key), False, "appointments_not_in_past",
                    row)


@HM
@given(data=st.data(), days_ago=st.integers(2, 3650),
       status=st.sampled_from(["completed", "cancelled", "no_show", "confirmed"]))
def test_past_appointment_takes_changes_that_do_not_move_it(engine, pack, probe, dbi_runtime, data, days_ago, status):
    """History is loaded in backfill mode; an application may then change its status, not its date."""
    dbi_runtime.backfill(engine, pack, probe.conn)
    with probe.example():
        plan = _plan(probe, data, "appointments")
        row = dict(plan.target.row, **_at(probe.now() - dt.timedelta(days=days_ago)))
        _expect(probe, "backfill a past appointment", probe.insert("appointments", row), True,
                "appointments_not_in_past", row)
        _application_mode(probe, dbi_runtime, engine, pack)
        key = probe.key_of("appointments", row)
        _expect(probe, f"UPDATE a past appointment's status to {status}",
                probe.update("appointments", {"status": status, "notes": "seen"}, key), True,
                "appointments_not_in_past", row)
        _expect(probe, "UPDATE a past appointment to the same date and time",
                probe.update("appointments", _at(dt.datetime.combine(row["appointment_date"], row["appointment_time"])),
                             key), True, "appointments_not_in_past", row)
        _expect(probe, "UPDATE a past appointment one day later, still in the past",
                probe.update("appointments", {"appointment_date": row["appointment_date"] + dt.timedelta(days=1)},
                             key), False, "appointments_not_in_past", row)
        dbi_runtime.backfill(engine, pack, probe.conn)


@HM
def test_application_roles_cannot_backfill(engine, pack, probe, dbi_runtime, access_kit):
    """Backfill mode is honoured for the pack's owner only: an hm_* role in backfill mode is still refused."""
    from dbintegrity.probes import access

    role = "hm_admin"  # every privilege on appointments and no row limits: only the rule can refuse
    actors = access_kit.actors
    database = dbi_runtime.probe_database(engine, pack)
    actor = actors.actor(engine, database, role, probe.schema)
    actor.begin(None)
    for statement in dbi_runtime.pack(pack).session_statements(dbi_runtime.pack_folders(engine, pack), "backfill"):
        actor.run(statement)
    maker = access.RowMaker(probe.schema, seed=11)
    people = {name: maker.row("users", {"role": "doctor"}) for name in ("doctor", "creator")}
    for person in people.values():
        res = actor.insert("users", person)
        assert res.outcome.ok, f"{role} could not add a user: {res.outcome}\n" + "\n".join(actor.probe.log)
    patient = maker.row("patients", {"primary_doctor_id": people["doctor"]["id"]})
    assert actor.insert("patients", patient).outcome.ok, "\n".join(actor.probe.log)
    row = maker.row("appointments", {"patient_id": patient["id"], "doctor_id": people["doctor"]["id"],
                                     "created_by": people["creator"]["id"],
                                     **_at(dt.datetime.now(dt.UTC).replace(tzinfo=None) - dt.timedelta(days=30))})
    out = actor.insert("appointments", row).outcome
    actor.rollback()
    if out.ok or out.kind != "rule" or "appointments_not_in_past" not in out.message:
        raise actor.fail(f"{role} in backfill mode INSERTs an appointment 30 days ago",
                         want="rejected by appointments_not_in_past", have=out.verdict + f": {out.message}")


# -- rule 2: prescriptions have a valid dosage and frequency ---------------------------------------------------
UNITS = ("mg", "mcg", "g", "mL", "units", "mEq", "tablet", "tablets", "capsule", "capsules", "puff", "puffs",
         "spray", "sprays", "drop", "drops")
FREQUENCIES = ("once daily", "BID", "TID", "QID", "q4h", "q6h", "q8h", "q12h", "at bedtime", "weekly", "PRN",
               "q4h PRN", "q6h PRN", "q8h PRN")


def valid_dosage(text: str) -> bool:
    """The README's dosage grammar, by hand: amount, one space, unit."""
    amount, space, unit = text.partition(" ")
    if not space or unit not in UNITS:
        return False
    whole, dot, decimals = amount.partition(".")
    if not whole.isascii() or not whole.isdigit() or (dot and not (decimals.isascii() and decimals.isdigit())):
        return False
    if dot and not 1 <= len(decimals) <= 3:
        return False
    if whole == "0":
        return bool(dot) and int(decimals) > 0
    return not whole.startswith("0") and len(whole) <= 5


amounts = st.one_of(
    st.integers(1, 99999).map(str),
    st.decimals(Decimal("0.001"), Decimal("99999.999"), places=3).map(lambda d: f"{d:f}".rstrip("0").rstrip(".")),
    st.sampled_from(["0.4", "0.125", "0.05", "2.5", "1000"]))
dosages = st.builds(lambda a, u: f"{a} {u}", amounts, st.sampled_from(UNITS))
near_misses = st.one_of(
    dosages.map(str.upper), dosages.map(lambda d: d.replace(" ", "")), dosages.map(lambda d: d + " daily"),
    dosages.map(lambda d: "0" + d), dosages.map(lambda d: "-" + d), st.sampled_from(UNITS).map(lambda u: f"0 {u}"),
    st.text("0123456789. mgLcuntsabepIEqd", max_size=14), st.sampled_from(["875-125 mg", "10 mg ", " 10 mg", "1,000 mg",
                                                                           "0.000 mg", "10.1234 mg", "100000 mg"]))


@HM
@given(data=st.data(), dosage=st.one_of(dosages, near_misses), frequency=st.sampled_from(FREQUENCIES))
def test_prescription_dosage_follows_the_grammar(engine, pack, probe, data, dosage, frequency):
    with probe.example():
        plan = _plan(probe, data, "prescriptions")
        row = dict(plan.target.row, dosage=dosage, frequency=frequency)
        _try(probe, "prescriptions", row, valid_dosage(dosage), "prescriptions_dosage_grammar",
             f"INSERT a prescription with dosage {dosage!r}")


frequency_misses = st.one_of(
    st.sampled_from(FREQUENCIES).map(str.lower), st.sampled_from(FREQUENCIES).map(str.upper),
    st.sampled_from(FREQUENCIES).map(lambda f: f + " "), st.sampled_from(FREQUENCIES).map(lambda f: "every " + f),
    st.sampled_from(["Once daily", "twice daily", "q2h", "q4h prn", "PRN q4h", "", "daily", "TID PRN"]),
    st.text("BIDTQPRNqh0123468 onceaily", max_size=12))


@HM
@given(data=st.data(), frequency=st.one_of(st.sampled_from(FREQUENCIES), frequency_misses))
def test_prescription_frequency_is_a_vocabulary_term(engine, pack, probe, data, frequency):
    with probe.example():
        plan = _plan(probe, data, "prescriptions")
        row = dict(plan.target.row, dosage="10 mg", frequency=frequency)
        _try(probe, "prescriptions", row, frequency in FREQUENCIES, "prescriptions_frequency_vocabulary",
             f"INSERT a prescription with frequency {frequency!r}")


# -- rule 3: vitals within the documented ranges --------------------------------------------------------------
def documented_ranges() -> list[tuple[str, str, Decimal, Decimal]]:
    """(column, unit, low, high) from the README's "Vital-sign ranges" table."""
    text = README.read_text(encoding="utf-8").split("### Vital-sign ranges", 1)[1]
    rows = re.findall(r"^\| `(\w+)` \| (`?[^|`]+`?) \| ([\d.]+) \| ([\d.]+) \|$", text, re.M)
    return [(c, u.strip("`") if u.startswith("`") else "", Decimal(lo), Decimal(hi)) for c, u, lo, hi in rows]


UNIT_COLUMN = {"temperature": "temperature_unit", "weight": "weight_unit"}


def test_readme_documents_every_vital_sign():
    columns = {c for c, *_ in documented_ranges()}
    assert columns == {"systolic_bp", "diastolic_bp", "heart_rate", "respiratory_rate", "temperature",
                       "oxygen_saturation", "weight", "height_feet", "height_inches", "height_cm", "bmi", "pain_scale"}
    assert {u for c, u, *_ in documented_ranges() if c in UNIT_COLUMN} == {"F", "C", "lbs", "kg"}


def _in_range(column: str, unit: str, value: Decimal) -> bool:
    return any(low <= value <= high for c, u, low, high in documented_ranges()
               if c == column and (u == unit or column not in UNIT_COLUMN))


@HM
@pytest.mark.parametrize(("column", "unit", "low", "high"), documented_ranges(),
                         ids=[f"{c}{'-' + u if c in UNIT_COLUMN else ''}" for c, u, *_ in documented_ranges()])
@given(data=st.data())
def test_vital_sign_range(engine, pack, probe, dbi_runtime, data, column, unit, low, high):
    """Both edges, a step beyond each, and values drawn across and beyond the range."""
    spec = probe.schema.tables["vitals"].columns[column]
    scale = int(spec.type.split(",")[1].rstrip(")")) if spec.family == "decimal" else 0
    step = Decimal(1).scaleb(-scale)
    span = high - low
    drawn = data.draw(st.decimals(low - span, high + span, places=scale), label=column)
    rule = f"vitals_{column}_range" if column != "pain_scale" else _pain_check(dbi_runtime, engine, pack)
    with probe.example():
        plan = _plan(probe, data, "vitals")
        base = dict(plan.target.row, systolic_bp=None, diastolic_bp=None)  # the other rule out of the way
        if column in UNIT_COLUMN:
            base[UNIT_COLUMN[column]] = unit
        tried = 0
        for candidate in (low, high, low - step, high + step, drawn):
            value = int(candidate) if spec.family != "decimal" else candidate.quantize(step)
            if not fits(spec, value):
                continue  # 1000.00 lbs does not fit DECIMAL(5,2): the type refuses it before any rule
            tried += 1
            _try(probe, "vitals", dict(base, **{column: value}), _in_range(column, unit, Decimal(value)), rule,
                 f"INSERT vitals with {column} = {value}{' ' + unit if unit else ''}")
        assert tried >= 3, f"only {tried} values of {column} fit its type"


def _pain_check(dbi_runtime, engine: str, pack: str) -> str:
    """The seed's unnamed CHECK on pain_scale, by the name the engine gave it (MySQL vitals_chk_1...)."""
    live = dbi_runtime.live_schema(engine, pack).tables["vitals"]
    return next(c.name for c in live.checks if c.expression.startswith("pain_scale") and c.name)


@HM
@given(data=st.data(), systolic=st.integers(30, 320), diastolic=st.integers(10, 220))
def test_systolic_above_diastolic(engine, pack, probe, data, systolic, diastolic):
    with probe.example():
        plan = _plan(probe, data, "vitals")
        for s, d in ((systolic, diastolic), (systolic, systolic), (diastolic + 1, diastolic), (diastolic, diastolic + 1)):
            in_range = _in_range("systolic_bp", "", Decimal(s)) and _in_range("diastolic_bp", "", Decimal(d))
            rule = "vitals_systolic_above_diastolic" if in_range else "vitals_"  # else a range CHECK may refuse first
            row = dict(plan.target.row, systolic_bp=s, diastolic_bp=d)
            _try(probe, "vitals", row, in_range and s > d, rule, f"INSERT vitals with {s}/{d} mmHg")


# -- rule 4: the amount due is never negative -----------------------------------------------------------------
money = st.decimals(Decimal("-100.00"), Decimal("99999.99"), places=2)


@HM
@given(data=st.data(), charged=money, paid=st.one_of(money, st.just(None)))
def test_billing_amount_due_never_negative(engine, pack, probe, data, charged, paid):
    with probe.example():
        plan = _plan(probe, data, "billing")
        for p in (paid, charged, charged + Decimal("0.01")):
            row = dict(plan.target.row, amount_charged=charged, amount_paid=p)
            accept = charged >= 0 and (p is None or Decimal(0) <= p <= charged)
            rule = "billing_amount_charged_not_negative" if charged < 0 else "billing_amount_paid_within_charge"
            _try_billing(probe, row, accept, rule, f"INSERT billing charged {charged}, paid {p}")


def _try_billing(probe: ProbeSession, row: dict[str, Any], accept: bool, rule: str, what: str) -> None:
    out = probe.insert("billing", row)
    _expect(probe, what, out, accept, rule, row)
    if out.ok:
        key = probe.key_of("billing", row)
        stored = probe.fetch("billing", key) or {}
        paid = row["amount_paid"]
        want = None if paid is None else row["amount_charged"] - paid
        if stored.get("amount_due") != want or (want is not None and want < 0):
            raise probe.fail(what + ": amount_due", want=repr(want), have=repr(stored.get("amount_due")), rows=str(stored))
        probe.delete("billing", key)


# -- rule 5: one primary coverage per patient -----------------------------------------------------------------
@HM
@given(data=st.data(), types=st.lists(st.sampled_from(["primary", "secondary", "tertiary"]), min_size=2, max_size=5))
def test_one_coverage_of_each_type_per_patient(engine, pack, probe, data, types):
    with probe.example():
        first = _plan(probe, data, "insurance")
        patient = first.target.row["patient_id"]
        row = dict(first.target.row, coverage_type=types[0])
        _expect(probe, f"a first {types[0]} coverage", probe.insert("insurance", row), True, "unique", row)
        held = {types[0]}
        for kind in types[1:]:
            row = data.draw(valid_plan(probe.schema, "insurance", {"patient_id": patient, "coverage_type": kind}),
                            label="another policy").target.row
            out = probe.insert("insurance", row)
            note(probe.reproduction())
            if out.ok == (kind in held) or (not out.ok and out.kind != "unique"):
                raise probe.fail(f"a second {kind} coverage for one patient" if kind in held else f"a first {kind}",
                                 want="rejected (unique)" if kind in held else "accepted", have=str(out), rows=str(row))
            held.add(kind)


# -- rule 6: sessions expire after creation, within 24 hours ---------------------------------------------------
@HM
@given(data=st.data(), lifetime=st.one_of(st.integers(-86400, 2 * 86400), st.sampled_from([-1, 0, 1, 86399, 86400, 86401])))
def test_session_expires_within_a_day(engine, pack, probe, data, lifetime):
    with probe.example():
        plan = _plan(probe, data, "user_sessions")
        created = data.draw(st.datetimes(dt.datetime(2000, 1, 1), dt.datetime(2036, 12, 31)), label="created_at")
        created = created.replace(microsecond=0)
        row = dict(plan.target.row, created_at=created, expires_at=created + dt.timedelta(seconds=lifetime))
        _try(probe, "user_sessions", row, 0 < lifetime <= 86400, "user_sessions_expiry_window",
             f"INSERT a session that expires {lifetime} s after it was created")
