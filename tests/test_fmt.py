import datetime as dt

import pytest

from est_data import fmt

NB = "\u00a0"


@pytest.mark.parametrize("fn, value, expected", [
    (fmt.num, 12345, f"12{NB}345"), (fmt.num, 0, "0"), (fmt.num, None, "–"),
    (fmt.num, float("nan"), "–"), (fmt.signed, 12, "+12"), (fmt.signed, -3, "−3"),
    (fmt.signed, 0, "±0"), (fmt.pct, 38.0, f"+38{NB}%"), (fmt.pct, -12.4, f"−12{NB}%"),
    (fmt.pct, None, "–"),
])
def test_numbers(fn, value, expected):
    assert fn(value) == expected


def test_decimals_use_comma():
    assert fmt.num(1234.56, 1) == f"1{NB}234,6"


def test_dates_and_periods():
    assert fmt.date(dt.date(2025, 3, 4)) == "2025-03-04"
    assert fmt.period(dt.date(2025, 3, 1), dt.date(2025, 3, 31)) == "2025-03-01 – 2025-03-31 (31 dagar)"
    assert fmt.period(dt.date(2025, 3, 1), dt.date(2025, 3, 1)).endswith("(1 dag)")
