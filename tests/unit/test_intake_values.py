"""CSV field parsing of ``dbintegrity load``: declared date formats, numbers, text lengths, ENUM labels."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from dbintegrity.intake.run import LoadError, parse_date_formats
from dbintegrity.intake.values import BadValue, DateFormat, parser_for
from dbintegrity.pack.model import Column

DMY, MDY = DateFormat.parse("DD/MM/YYYY"), DateFormat.parse("MM/DD/YYYY")


def test_declared_format_decides_day_and_month():
    assert DMY.date("03/04/2024") == dt.date(2024, 4, 3)
    assert MDY.date("03/04/2024") == dt.date(2024, 3, 4)
    with pytest.raises(BadValue, match="no such date"):
        MDY.date("17/05/1990")
    with pytest.raises(BadValue, match="declared format DD/MM/YYYY"):
        DMY.date("2024-04-03")
    with pytest.raises(BadValue, match="declared format"):
        DMY.date("3/4/2024")  # day and month have two digits: never a guess
    assert DMY.timestamp("03/04/2024 08:15") == dt.datetime(2024, 4, 3, 8, 15)


@pytest.mark.parametrize("spelling", ["DD/MM", "DD/MM/YY", "DD/DD/YYYY", "DD/MM/YYYYx"])
def test_bad_date_format_is_refused(spelling):
    with pytest.raises(ValueError, match="date format"):
        DateFormat.parse(spelling)


def test_date_format_options():
    default, per_column = parse_date_formats(["DD/MM/YYYY", "patients.registered_on=YYYY-MM-DD"])
    assert default.spelling == "DD/MM/YYYY" and per_column["patients.registered_on"].spelling == "YYYY-MM-DD"
    with pytest.raises(LoadError, match="without a column"):
        parse_date_formats(["DD/MM/YYYY", "MM/DD/YYYY"])
    with pytest.raises(LoadError, match=r"table\.column=FORMAT"):
        parse_date_formats(["registered_on=YYYY-MM-DD"])


@pytest.mark.parametrize(("type_", "text", "want"), [
    ("integer", "42", (42, "42")), ("integer", "-7", (-7, "-7")), ("smallint", "32767", (32767, "32767")),
    ("decimal(5,2)", "12.5", (Decimal("12.5"), "12.50")), ("decimal(5,2)", "999.99", (Decimal("999.99"), "999.99")),
    ("varchar(5)", "a\tb", ("a\tb", "a\\tb")), ("boolean", "true", (True, "1")), ("date", "17/05/1990",
                                                                                   (dt.date(1990, 5, 17), "1990-05-17")),
])
def test_good_fields(type_, text, want):
    assert parser_for(Column("c", type_, True), DMY)(text) == want


@pytest.mark.parametrize(("type_", "text", "reason"), [
    ("integer", "4.0", "not a whole number"), ("integer", "2147483648", "out of range"),
    ("smallint", "32768", "out of range"), ("decimal(5,2)", "12.345", "more than 2 decimals"),
    ("decimal(5,2)", "1000", "too large"), ("decimal(5,2)", "1e3", "not a number"),
    ("varchar(5)", "abcdef", r"6 characters, longer than varchar\(5\)"), ("text", "a\x00b", "NUL"),
    ("boolean", "yes please", "not a boolean"), ("json", "{x", "not JSON"), ("time", "25:00", "no such time"),
])
def test_bad_fields(type_, text, reason):
    with pytest.raises(BadValue, match=reason):
        parser_for(Column("c", type_, True), DMY)(text)


def test_enum_labels_exactly():
    parse = parser_for(Column("status", "enum", False, enum=("Scheduled", "No-Show")), DMY)
    assert parse("No-Show") == ("No-Show", "No-Show")
    for text in ("no-show", "No-Show ", "Noshow"):
        with pytest.raises(BadValue, match="not one of the labels Scheduled, No-Show"):
            parse(text)
