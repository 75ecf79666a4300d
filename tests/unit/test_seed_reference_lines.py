"""``rows: {lines: <reference file>}``: a code table holds the lines of its file, in file order, at every scale
(hospital_oltp's ICD-10 and CPT codes are UNIQUE: weighted draws would repeat them, a scale would add none)."""

from __future__ import annotations

from pathlib import Path

import pytest

from dbintegrity.pack.model import Column, Index, Schema, Table
from dbintegrity.seed.generate import World
from dbintegrity.seed.profile import load_profile


@pytest.fixture
def setup(tmp_path: Path) -> tuple[Schema, Path]:
    (tmp_path / "fx" / "reference").mkdir(parents=True)
    (tmp_path / "fx" / "reference" / "codes.csv").write_text(
        "# three codes\ncode,weight\nI10,9\nE11.9,1\nJ45.909,1\n", encoding="utf-8")
    (tmp_path / "seed_profile.yml").write_text(
        "version: 1\nfixtures: fx\ntables:\n  codes:\n    rows: {lines: codes}\n"
        "    columns: {code: {ref: codes.code}}\n", encoding="utf-8")
    table = Table("codes", {"id": Column("id", "integer", False, default="autoincrement"),
                            "code": Column("code", "varchar(8)", False)},
                  primary_key=("id",), indexes=[Index(("code",), unique=True)])
    return Schema({"codes": table}), tmp_path


@pytest.mark.parametrize("scale", [1, 100])
def test_one_row_per_line_in_file_order_at_every_scale(setup, scale):
    schema, folder = setup
    profile = load_profile(folder / "seed_profile.yml", schema, "p", seed=0, default_fixtures=folder / "fx")
    world = World(schema, profile, seed=0, scale=scale)
    assert world.rows_at_scale("codes") == 3
    frame = world.generate("codes")
    assert list(frame.gen.cols["code"].data) == ["I10", "E11.9", "J45.909"]  # not weighted draws: no repeats


def test_the_old_spelling_refs_each_names_the_one_that_replaced_it(setup):
    """``refs: {x: {from: f, each: true}}`` was a second way to say "row i is line i"; it now fails in one line
    that says how the profile writes it, instead of being an unknown key."""
    from dbintegrity.seed import ProfileError

    schema, folder = setup
    (folder / "seed_profile.yml").write_text(
        "version: 1\nfixtures: fx\ntables:\n  codes:\n    rows: 3\n    refs: {c: {from: codes, each: true}}\n"
        "    columns: {code: {ref: c.code}}\n", encoding="utf-8")
    with pytest.raises(ProfileError, match=r"refs\.c\.each: .*rows: \{lines: codes\}.*codes\.<column>"):
        load_profile(folder / "seed_profile.yml", schema, "p", seed=0, default_fixtures=folder / "fx")
