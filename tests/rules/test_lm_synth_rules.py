"""lm_synth's keys and character set by behaviour, on every engine, against the pack README.

UUID keys: native on PostgreSQL, ``CHAR(36)`` with a canonical-form CHECK on MySQL and MariaDB (one contract
type).  The README promises that all give back the same canonical text (lower-case hex, 8-4-4-4-12) and that
no key is ever stored in another spelling: upper-case or hyphen-less input is refused (MySQL, MariaDB) or
stored canonically (PostgreSQL).  Hypothesis draws UUIDs and spellings of them; each example is rolled back.
On MySQL every table has the seed's character set and collation, on MariaDB the collation its file names
in place of it (the README's "MariaDB").
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable

import pytest
from hypothesis import given, note, settings
from hypothesis import strategies as st

from dbintegrity.engines import get_engine
from dbintegrity.probes.session import ProbeSession

pytestmark = [pytest.mark.rules, pytest.mark.parametrize("pack", ["lm_synth"])]
CANONICAL = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
SPELLINGS: dict[str, Callable[[uuid.UUID], str]] = {
    "canonical": str,
    "upper": lambda u: str(u).upper(),
    "no hyphens": lambda u: u.hex,
    "braces": lambda u: "{" + str(u) + "}",
}


@pytest.fixture
def probe(dbi_config, engine, pack, dbi_probe) -> ProbeSession:
    from dbintegrity.pytest_plugin import selected_pack_names

    if pack not in selected_pack_names(dbi_config):
        pytest.skip(f"pack {pack} is not selected (--pack / DBINTEGRITY_PACK)")
    return dbi_probe


def _parents(probe: ProbeSession) -> None:
    for table, row in (("dim_site", {"site_id": 1, "site_code": "LM-SNW", "site_name": "Snowberry General"}),
                       ("dim_lha", {"lha_id": 1, "lha_name": "Snowberry Flats", "default_site_id": 1})):
        done = probe.insert(table, row)
        assert done.ok, done


@settings(max_examples=25, deadline=None)
@given(key=st.uuids(), spelling=st.sampled_from(sorted(SPELLINGS)))
def test_uuid_keys_are_only_ever_stored_canonically(probe, key, spelling):
    written = SPELLINGS[spelling](key)
    note(f"patient_id written as {written!r}")
    with probe.example():
        _parents(probe)
        done = probe.insert("patients", {"patient_id": written, "age": 80, "gender": "F", "lha_id": 1,
                                         "facility_home_id": 1})
        if spelling == "canonical":
            assert done.ok, f"canonical UUID {written} refused: {done}"
        if done.ok:  # stored, and read back as the canonical text, by either spelling
            row = probe.fetch("patients", {"patient_id": str(key)})
            assert row is not None, f"{written} stored, but not found by its canonical text {key}"
            assert row["patient_id"] == str(key) and CANONICAL.fullmatch(row["patient_id"])
            assert row["age_group"] == "75+"
            child = probe.insert("ed_encounters", {
                "encounter_id": str(uuid.uuid4()), "patient_id": str(key), "site_id": 1,
                "arrival_ts": "2025-06-30 10:00:00", "acuity": 3, "disposition": "Admitted",
                "ed_subservice": "Adult"})
            assert child.ok, f"an encounter of patient {key} (canonical text) refused: {child}"
        else:
            assert done.kind in ("check", "invalid_value", "out_of_range"), done  # refused, not mangled


# Per dialect folder of the MySQL family: the collation its 01_schema.sql gives every table.
TABLE_COLLATION = {"mysql": "utf8mb4_0900_ai_ci", "mariadb": "utf8mb4_uca1400_nopad_ai_ci"}


def test_mysql_tables_have_the_seeds_character_set(probe, engine):
    dialect = get_engine(engine).spec.dialect_dirs[0]
    if dialect not in TABLE_COLLATION:
        pytest.skip(f"a character set per table is the MySQL family's; {dialect}'s databases are UTF8 as a whole")
    cur = probe.conn.cursor()
    try:
        cur.execute("SELECT table_name, table_collation FROM information_schema.tables "
                    "WHERE table_schema = DATABASE() AND table_type = 'BASE TABLE'")
        collations = dict(cur.fetchall())
        cur.execute("SELECT table_name, column_name, data_type, character_set_name, collation_name "
                    "FROM information_schema.columns WHERE table_schema = DATABASE() "
                    "AND column_name IN ('patient_id', 'encounter_id', 'stay_id')")
        uuid_columns = cur.fetchall()
    finally:
        cur.close()
    assert len(collations) == 9 and set(collations.values()) == {TABLE_COLLATION[dialect]}, collations
    assert len(uuid_columns) == 5 and {tuple(c[2:]) for c in uuid_columns} == {("char", "ascii", "ascii_bin")}, uuid_columns
