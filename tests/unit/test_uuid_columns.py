"""MySQL's UUID stand-in (CHAR(36) + canonical-form CHECK) reads back as the contract type ``uuid``, and
UNIQUE columns under a pattern CHECK get many distinct matches (``^LM-[A-Z]{3}$``), not just its two ends."""

from __future__ import annotations

import random
import re

from dbintegrity.engines.mysql.mutations import column_type
from dbintegrity.engines.mysql.uuids import UUID_PATTERN, UUID_TYPE, fold_uuid_columns
from dbintegrity.pack.model import Check, Column, Table
from dbintegrity.sqltext.regex import examples, random_match


def _table(col_type: str, check: str) -> Table:
    table = Table("patients")
    table.columns["patient_id"] = Column("patient_id", col_type, False)
    table.columns["note"] = Column("note", "char(36)", True)
    table.checks.append(Check(check))
    return table


def test_char36_with_the_uuid_check_is_a_uuid_column() -> None:
    table = _table("char(36)", f"patient_id ~ '{UUID_PATTERN}'")
    fold_uuid_columns(table)
    assert table.columns["patient_id"].type == "uuid"
    assert table.columns["note"].type == "char(36)"  # no CHECK of its own: stays what it is
    assert table.checks == []


def test_a_loosened_check_or_another_type_is_not_folded() -> None:
    loose = _table("char(36)", f"patient_id ~ '{UUID_PATTERN[:-1]}'")  # the end anchor gone
    fold_uuid_columns(loose)
    assert loose.columns["patient_id"].type == "char(36)" and len(loose.checks) == 1
    wide = _table("varchar(40)", f"patient_id ~ '{UUID_PATTERN}'")
    fold_uuid_columns(wide)
    assert wide.columns["patient_id"].type == "varchar(40)" and len(wide.checks) == 1


def test_mutations_restate_a_uuid_column_as_the_stand_in() -> None:
    assert column_type(Column("patient_id", "uuid", False)) == UUID_TYPE


class _DataType:
    """A catalog that answers whether a column is of MariaDB's UUID type (information_schema.columns)."""

    def __init__(self, data_type: str) -> None:
        self.data_type = data_type

    def rows(self, query: str, params=()):
        assert "data_type = 'uuid'" in query and params == ("ed_encounters", "patient_id")
        return [(1,)] if self.data_type == "uuid" else []


def test_mariadb_mutations_restate_its_uuid_type_as_uuid_and_the_stand_in_as_it_is() -> None:
    from dbintegrity.engines.mariadb.mutations import MariaDBMutations

    column = Column("patient_id", "uuid", True)  # drop_not_null: the contract column after the mutation
    assert MariaDBMutations(_DataType("uuid")).drop_not_null("ed_encounters", column) == [
        "ALTER TABLE `ed_encounters` MODIFY `patient_id` UUID NULL"]
    assert MariaDBMutations(_DataType("char")).drop_not_null("ed_encounters", column) == [
        f"ALTER TABLE `ed_encounters` MODIFY `patient_id` {UUID_TYPE} NULL"]


def test_random_matches_cover_a_range_where_examples_take_its_ends() -> None:
    pattern = "^LM-[A-Z]{3}$"
    ends = {x for x in examples(pattern) if re.fullmatch(pattern[1:-1], x)}
    assert ends == {"LM-AAA", "LM-ZZZ"}
    rng = random.Random(7)
    drawn = {random_match(pattern, rng) for _ in range(50)}
    assert len(drawn) > 40
    assert all(d is not None and re.fullmatch("LM-[A-Z]{3}", d) for d in drawn)


def test_random_matches_follow_alternatives_and_repeats() -> None:
    rng = random.Random(3)
    for _ in range(30):
        text = random_match("^(07[0-9]{8}|[+]2567[0-9]{8})$", rng)
        assert text is not None and re.fullmatch(r"07\d{8}|\+2567\d{8}", text)
        uid = random_match(UUID_PATTERN, rng)
        assert uid is not None and re.fullmatch(UUID_PATTERN, uid)
