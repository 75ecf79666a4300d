"""The gate's view and trigger checks on a pack that has them (``fixtures/packs/clinic_views``).

healthcare_mgmt declares no views, so these tests run the gate on a small fixture pack with views over
views and a trigger that writes another table: it must pass as written, and fail with a readable diff
when a view's columns change or a trigger disappears in one dialect.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from dbintegrity.cli import main

pytestmark = pytest.mark.integrity
FIXTURE = Path(__file__).resolve().parents[2] / "fixtures" / "packs"


def _check(packs: Path, capsys: pytest.CaptureFixture[str], *extra: str) -> tuple[int, str]:
    code = main(["check", "clinic_views", "--packs", str(packs), *extra])
    out = capsys.readouterr()
    return code, out.out + out.err


def test_views_and_trigger_pass_as_declared(capsys, dbi_config):
    code, out = _check(FIXTURE, capsys)
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
