"""The gate's view and trigger checks on a pack that has them (``fixtures/packs/clinic_views``).

healthcare_mgmt declares no views, so these tests run the gate on a small fixture pack with views over
views, a join, two views over the clock, grouped counts and sums, and a trigger that writes another table:
it must pass as written, and fail with a readable diff when a view's columns change or a trigger disappears
in one dialect, and through the view probes (``views.yml``) when a view's filter or join changes.
"""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest

from dbintegrity.cli import main
from dbintegrity.pack.model import Schema
from dbintegrity.probes.session import ProbeSession

pytestmark = pytest.mark.selftest
FIXTURE = Path(__file__).resolve().parents[2] / "fixtures" / "packs"


def _outer(dbi_config) -> list[str]:
    """The outer run's provider, engines and explicit engine settings, for the inner run."""
    return ["--provider", dbi_config.provider, "--engines", ",".join(dbi_config.engines), *dbi_config.engine_flags()]


def _check(packs: Path, capsys: pytest.CaptureFixture[str], *extra: str) -> tuple[int, str]:
    code = main(["check", "clinic_views", "--packs", str(packs), *extra])
    out = capsys.readouterr()
    return code, out.out + out.err


def test_views_and_trigger_pass_as_declared(capsys, dbi_config):
    code, out = _check(FIXTURE, capsys, *_outer(dbi_config))
    assert code == 0, out
    assert "test_view_columns" not in out  # nothing failed
    for engine in dbi_config.engines:
        assert f"{engine} / clinic_views" in out


def _needs(engine: str, dbi_config) -> None:
    if engine not in dbi_config.engines:
        pytest.skip(f"this mutant is in the {engine} dialect; this run's engines are {','.join(dbi_config.engines)}")


def _mutant(tmp_path: Path, dialect: str, old: str, new: str) -> Path:
    packs = tmp_path / "packs"
    shutil.copytree(FIXTURE, packs)
    ddl = packs / "clinic_views" / dialect / "01_schema.sql"
    text = ddl.read_text()
    assert old in text
    ddl.write_text(text.replace(old, new))
    return packs


def test_changed_view_columns_fail_with_a_diff(tmp_path, capsys, dbi_config):
    _needs("postgres", dbi_config)
    packs = _mutant(tmp_path, "postgres", "SELECT id, ward_id, patient_name, admitted_on FROM admissions",
                    "SELECT id, ward_id, admitted_on FROM admissions")
    code, out = _check(packs, capsys, "--engine", "postgres")
    assert code == 1
    assert ("view current_admissions columns: contract ['id', 'ward_id', 'patient_name', 'admitted_on'], "
            "postgres ['id', 'ward_id', 'admitted_on']") in out


def test_dropped_trigger_fails(tmp_path, capsys, dbi_config):
    _needs("mysql", dbi_config)
    packs = _mutant(tmp_path, "mysql", "CREATE TRIGGER admissions_log AFTER INSERT",
                    "CREATE TRIGGER admissions_log_renamed AFTER INSERT")
    code, out = _check(packs, capsys, "--engine", "mysql")
    assert code == 1
    assert "admissions TRIGGER admissions_log: contract has it, mysql does not" in out


def test_changed_filter_is_caught_by_what_the_view_answers(tmp_path, capsys, dbi_config):
    """`<>` for `=` leaves the view's columns alone: only its answers tell, and the membership probe sees them."""
    _needs("postgres", dbi_config)
    packs = _mutant(tmp_path, "postgres", "FROM admissions WHERE status = 'admitted';",
                    "FROM admissions WHERE status <> 'admitted';")
    code, out = _check(packs, capsys, "--engine", "postgres")
    assert code == 1
    assert "test_view_answers[postgres-current_admissions:view(current_admissions)]" in out
    assert "test_view_columns" not in out.split("short test summary", 1)[-1]
    assert "view current_admissions after: insert admissions row" in out


def test_clock_boundary_off_by_one_is_caught_at_the_frozen_instant(tmp_path, capsys, dbi_config):
    """`>` for `>=` against CURRENT_TIMESTAMP differs only for a row written at exactly the frozen instant."""
    _needs("mysql", dbi_config)
    packs = _mutant(tmp_path, "mysql", "WHERE planned_discharge >= CURRENT_TIMESTAMP AND",
                    "WHERE planned_discharge > CURRENT_TIMESTAMP AND")
    code, out = _check(packs, capsys, "--engine", "mysql")
    assert code == 1
    assert "test_view_answers[mysql-discharges_next_day:view(discharges_next_day)]" in out
    assert "(session clock)" in out


def test_view_operator_mutants_are_killed_by_the_answer_probes(capsys, dbi_config):
    """The mutation self-test's view operator: its DDL applies on every engine and the view probes kill it."""
    code = main(["mutate", "clinic_views", "--packs", str(FIXTURE), "--operator", "change_view_filter",
                 *_outer(dbi_config)])
    out = capsys.readouterr().out
    assert code == 0, out
    for engine in dbi_config.engines:
        assert any(engine in line and "change_view_filter" in line and "killed by test_view_answers" in line
                   for line in out.splitlines()), out


@pytest.mark.parametrize("wanted", [dt.time(23, 59, 30), dt.time(0, 0, 30), dt.time(12, 0)])
def test_the_session_clock_freezes_near_the_wanted_instant(engine, dbi_runtime, wanted):
    """CURRENT_DATE and LOCALTIMESTAMP read the instant the probe chose (PostgreSQL: within a minute of it),
    stay there, and the real clock comes back when the example ends."""
    eng = dbi_runtime.engine(engine)
    probe = ProbeSession(eng, dbi_runtime.connect(engine, None, autocommit=False), Schema())
    try:
        real = probe.now()
        target = min((dt.datetime.combine(real.date() + dt.timedelta(days=k), wanted) for k in (-1, 0, 1)),
                     key=lambda w: abs(w - real))
        with probe.example():
            clock = probe.freeze_clock(target)
            assert abs(clock.local - target) <= dt.timedelta(seconds=30), (clock, target)
            assert probe.freeze_clock(target).local == clock.local  # frozen: the same instant when read again
        assert abs(probe.now() - real) < dt.timedelta(minutes=1)
    finally:
        probe.close()


@pytest.mark.parametrize("dialect", ["mysql", "postgres"])
def test_outer_join_made_inner_is_caught_by_a_row_without_the_parent(dialect, tmp_path, capsys, dbi_config):
    """hospital_oltp's active doctors include those without a department (``doctors.department_id`` is nullable,
    the view LEFT JOINs ``departments``).  An inner join drops them and answers the same for every doctor that
    has one: only a row written with the key NULL tells the two apart, so the probe writes one on purpose."""
    _needs(dialect, dbi_config)
    packs = tmp_path / "packs"
    shutil.copytree(FIXTURE.parents[1] / "sql" / "hospital_oltp", packs / "hospital_oltp")
    ddl = packs / "hospital_oltp" / dialect / "05_views.sql"
    text = ddl.read_text()
    assert text.count("LEFT JOIN departments dep ON dep.id = d.department_id") == 1
    ddl.write_text(text.replace("LEFT JOIN departments dep ON dep.id = d.department_id",
                                "JOIN departments dep ON dep.id = d.department_id"))
    code = main(["check", "hospital_oltp", "--packs", str(packs), "--engine", dialect,
                 "--provider", dbi_config.provider, *dbi_config.engine_flags(),
                 "--pytest-args", "-k", "vw_active_doctors"])
    out = capsys.readouterr()
    text = out.out + out.err
    assert code == 1, text  # before the probe wrote such a row, the mutant passed the gate
    assert f"test_view_answers[{dialect}-vw_active_doctors:view(vw_active_doctors)]" in text
