import datetime as dt

import pytest

from est_data.core import fmt

NB = "\u00a0"


@pytest.mark.parametrize("fn, value, expected", [
    (fmt.num, 12345, f"12{NB}345"), (fmt.num, 0, "0"), (fmt.num, None, "–"),
    (fmt.num, float("nan"), "–"), (fmt.signed, 12, "+12"), (fmt.signed, -3, "−3"),
    (fmt.signed, 0, "±0"), (fmt.pct, 38.0, f"+38{NB}%"), (fmt.pct, -12.4, f"−12{NB}%"),
    (fmt.pct, None, "–"), (fmt.share, 12.345, f"12,3{NB}%"), (fmt.share, 0, f"0,0{NB}%"),
    (fmt.share, None, "–"), (fmt.share, float("nan"), "–"),
    (fmt.datetime_min, dt.datetime(2025, 3, 4, 21, 7, 59), "2025-03-04 21:07"),
    (fmt.datetime_min, None, "–"),
])
def test_numbers(fn, value, expected):
    assert fn(value) == expected


def test_decimals_use_comma():
    assert fmt.num(1234.56, 1) == f"1{NB}234,6"


def test_dates_and_periods():
    assert fmt.date(dt.date(2025, 3, 4)) == "2025-03-04"
    assert fmt.period(dt.date(2025, 3, 1), dt.date(2025, 3, 31)) == "2025-03-01 – 2025-03-31 (31 dagar)"
    assert fmt.period(dt.date(2025, 3, 1), dt.date(2025, 3, 1)).endswith("(1 dag)")


def test_styled_tables_show_swedish_texts_and_keep_numbers():
    """What st.dataframe shows: Swedish numbers, "–" for a missing value (Streamlit would
    write "None"); the values stay numbers so sorting by a column sorts numerically."""
    import pandas as pd

    df = pd.DataFrame({"name": ["Kyrkgatan", "Frösön"], "current": [1234, 3],
                       "per_1000": pd.array([None, 12.25], dtype="Float64")})
    styled = fmt.styled(df, {"current": fmt.num, "per_1000": lambda v: fmt.num(v, 1),
                             "not_a_column": fmt.num})
    html = styled.to_html()
    assert f"1{NB}234" in html and "12,2" in html and "–" in html
    assert "None" not in html and "nan" not in html.lower().replace("name", "")
    assert styled.data["current"].tolist() == [1234, 3]


@pytest.mark.parametrize("counts, below, hidden", [
    ((5, 9), 3, False), ((0, 9), 3, False), ((0, 0), 3, False), ((2, 9), 3, True),
    ((9, 1), 3, True), ((1,), 3, True), ((1, 2), 0, False), ((4, 3), 5, True),
])
def test_hides_change(counts, below, hidden):
    assert fmt.hides_change(*counts, suppress_below=below) is hidden
    if below == fmt.SUPPRESS_BELOW:
        assert fmt.hides_change(*counts) is hidden


@pytest.mark.parametrize("ratio, base, expected", [
    (0.6, 87, "-40 %"), (1.25, 4, "+25 %"), (1.0, 10, "+0 %"), (0.0, 0, None),
])
def test_ratio_delta_for_metric_arrows(ratio, base, expected):
    assert fmt.ratio_delta(ratio, base) == expected


@pytest.mark.parametrize("day, with_year, expected", [
    (dt.date(2026, 5, 17), False, "17 maj"), (dt.date(2026, 10, 2), True, "2 okt 2026"),
    (dt.date(2026, 1, 31), False, "31 jan"),
])
def test_day_month_in_swedish(day, with_year, expected):
    assert fmt.day_month(day, with_year) == expected


def test_month_year_in_swedish():
    assert [fmt.month_year(dt.date(2025, m, 1)) for m in (3, 5, 12)] == ["mar 2025", "maj 2025", "dec 2025"]


@pytest.mark.parametrize("current,previous,expected", [
    (20, 10, 100), (10, 20, -50), (12, 10, 20),
    (5, 3, None), (30, 9, None), (9, 30, None), (0, 0, None),
])
def test_change_pct_needs_ten_events_a_side(current, previous, expected):
    from est_data.core import fmt as f

    assert f.change_pct(current, previous) == expected
    import pandas as pd

    col = f.change_pct_column(pd.Series([current]), pd.Series([previous]))
    assert (pd.isna(col[0]) if expected is None else col[0] == expected)
