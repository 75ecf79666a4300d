"""expectations.yml's ``compare`` kind and the ``join`` of ``share`` and ``compare``: read, rendered for every
engine, and refused in one line naming the file and the rule when malformed (no database needed)."""

from __future__ import annotations

from pathlib import Path

import pytest

from dbintegrity.report import ReportError, neutralsql
from dbintegrity.report import expectations_file as xfile

STAYS = """\
version: 1
expectations:
  - name: elderly_stay_longer
    table: ip_stays
    kind: compare
    join: JOIN patients AS p ON p.patient_id = t.patient_id
    value: t.length_of_stay
    where: p.age >= 75
    than: p.age < 75
    min_ratio: 1.3
  - name: rates
    table: ed_baseline_rates
    kind: compare
    value: baserate_per_1000
    where: age_group = '75+'
    than: age_group <> '75+'
    min_ratio: 1.5
    max_ratio: 4
  - name: at_home
    table: ed_encounters
    kind: share
    join: JOIN patients AS p ON p.patient_id = t.patient_id
    where: t.site_id = p.facility_home_id
    min: 0.85
    max: 0.95
"""


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "expectations.yml"
    path.write_text(text, encoding="utf-8")
    return path


def test_compare_and_joined_share_load_and_render_everywhere(tmp_path):
    rules = {r.id: r for r in xfile.load(write(tmp_path, STAYS)).rules}

    stay = rules["ip_stays:elderly_stay_longer"]
    assert stay.kind == "compare"
    assert "{batch} AS t JOIN patients AS p" in stay.query
    assert "ratio IS NULL OR ratio < 1.3" in stay.query and "ratio >" not in stay.query
    assert "ratio < 1.5 OR ratio > 4" in rules["ed_baseline_rates:rates"].query
    assert "{batch} AS t" not in rules["ed_baseline_rates:rates"].query  # no join: GX aliases the table
    assert "{batch} AS t JOIN patients" in rules["ed_encounters:at_home"].query
    for rule in rules.values():
        neutralsql.render_everywhere(rule.query)
    assert "divided by that where p.age < 75" in stay.description


@pytest.mark.parametrize(("change", "message"), [
    ("    min_ratio: 1.3\n", "a compare needs 'min_ratio', 'max_ratio' or both"),
    ("    than: p.age < 75\n", "'than' is required"),
    ("    join: JOIN patients AS p ON p.patient_id = t.patient_id\n",
     "'where' names p.age but the rule has no 'join'"),
])
def test_malformed_compare_is_one_line(tmp_path, change, message):
    text = STAYS.replace(change, "", 1)
    with pytest.raises(ReportError) as err:
        xfile.load(write(tmp_path, text))
    assert message in str(err.value) and "elderly_stay_longer" in str(err.value)
    assert "\n" not in str(err.value)


def test_join_must_be_join_clauses(tmp_path):
    text = STAYS.replace("join: JOIN patients AS p", "join: patients AS p", 1)
    with pytest.raises(ReportError, match="'join' must be JOIN clauses"):
        xfile.load(write(tmp_path, text))


def test_a_subquery_may_name_its_own_tables_without_join(tmp_path):
    text = STAYS.replace("    where: age_group = '75+'\n",
                         "    where: EXISTS (SELECT 1 FROM dim_lha AS l WHERE l.lha_id = lha_id)\n", 1)
    rules = {r.id: r for r in xfile.load(write(tmp_path, text)).rules}
    assert "l.lha_id = lha_id" in rules["ed_baseline_rates:rates"].query
