"""The table editor's value coercion (core.table_editor.coerce): each column type, and the wording of a value
that does not fit. Columns are built here as the whitelist describes them; no server needed."""
from datetime import date, datetime
from decimal import Decimal

import pytest

from core import table_editor as te
from db.whitelist import Column


def column(name="c", data_type="varchar", column_type=None, nullable=False, max_length=None, enum_values=()):
    return Column(name=name, data_type=data_type, column_type=column_type or data_type, nullable=nullable,
                  has_default=False, auto_increment=False, max_length=max_length, enum_values=enum_values)


def test_whole_numbers_in_range_and_nothing_else():
    year = column("release_year", "smallint", "smallint(6)")
    assert te.coerce(year, " 1994 ") == 1994 and te.coerce(year, 2001.0) == 2001
    with pytest.raises(te.InvalidValue, match="release_year must be a whole number, not '19.5'"):
        te.coerce(year, "19.5")
    with pytest.raises(te.InvalidValue, match="between -32768 and 32767"):
        te.coerce(year, 40000)
    with pytest.raises(te.InvalidValue, match="whole number"):
        te.coerce(year, True)  # a checkbox value is not a number
    assert te.coerce(column("n", "int", "int(10) unsigned"), 4294967295) == 4294967295


def test_decimals_dates_and_datetimes():
    assert te.coerce(column("avg", "decimal", "decimal(3,1)"), "7.5") == Decimal("7.5")
    assert te.coerce(column("d", "date"), "2024-01-31") == date(2024, 1, 31)
    assert te.coerce(column("d", "date"), datetime(2024, 1, 31, 18, 30)) == date(2024, 1, 31)
    assert te.coerce(column("t", "datetime"), "2024-01-31T18:30:00Z") == datetime(2024, 1, 31, 18, 30)
    with pytest.raises(te.InvalidValue, match="d must be a date like 2024-01-31"):
        te.coerce(column("d", "date"), "31/01/2024")


def test_enums_booleans_and_text_length():
    rating = column("age_rating", "enum", "enum('U','A')", enum_values=("U", "A"))
    assert te.coerce(rating, "A") == "A"
    with pytest.raises(te.InvalidValue, match=r"age_rating must be one of: U, A \(not 'X'\)"):
        te.coerce(rating, "X")
    flag = column("contains_spoilers", "tinyint", "tinyint(1)")
    assert (te.coerce(flag, "yes"), te.coerce(flag, "0"), te.coerce(flag, False)) == (1, 0, 0)
    with pytest.raises(te.InvalidValue, match="must be yes or no"):
        te.coerce(flag, "maybe")
    with pytest.raises(te.InvalidValue, match=r"name may be at most 3 characters \(this has 4\)"):
        te.coerce(column("name", max_length=3), "abcd")


def test_empty_is_null_where_allowed_and_refused_where_required():
    assert te.coerce(column("dob", "date", nullable=True), "") is None
    assert te.coerce(column("dob", "date", nullable=True), float("nan")) is None
    with pytest.raises(te.InvalidValue, match="title may not be empty"):
        te.coerce(column("title"), None)
