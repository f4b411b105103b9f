"""What an evaluation looks at: area groups, windows and their checks, on the planted file."""
from __future__ import annotations

import datetime as dt

import pytest

from est_data.areas.geometry import load_areas
from est_data.evaluation.selection import (
    EvaluationError, EvaluationSpec, months_to_days, select_areas, windows_for)

import planted


# --- Areas ---------------------------------------------------------------------------------

@pytest.mark.parametrize("spec, targets, buffers, controls, excluded", [
    (EvaluationSpec(("F",), planted.DATE), ("F",), ("B", "C", "D"), ("A", "E"), ("G",)),
    (EvaluationSpec(("C",), planted.DATE), ("C",), ("B", "D"), ("A", "E"), ("F", "G")),
    (EvaluationSpec(("A",), planted.DATE), ("A",), ("B",), ("C", "D", "E"), ("F", "G")),
    (EvaluationSpec(("F",), planted.DATE, buffer="ring", buffer_m=200), ("F",), (),
     ("A", "B", "D", "E"), ("G",)),
    # C holds F, so it touches the target and is never a default comparison area.
    (EvaluationSpec(("F",), planted.DATE, buffer="none"), ("F",), (), ("A", "B", "D", "E"),
     ("G",)),
    (EvaluationSpec(("F",), planted.DATE, controls=("E", "G"), buffer="areas", buffers=("B",)),
     ("F",), ("B",), ("E", "G"), ()),
])
def test_select_areas(pcon, spec, targets, buffers, controls, excluded):
    sel = select_areas(load_areas(pcon), spec)
    assert sel.targets == targets
    assert sel.buffers == buffers
    assert sel.controls == controls
    assert sel.excluded_focus == excluded


@pytest.mark.parametrize("spec, fragment", [
    (EvaluationSpec((), planted.DATE), "Välj minst ett målområde"),
    (EvaluationSpec(("X",), planted.DATE), "Okänt område: X"),
    (EvaluationSpec(("F",), planted.DATE, controls=("nope",)), "Okänt område: nope"),
    (EvaluationSpec(("F",), planted.DATE, buffer="ring", buffer_m=0), "Ringen"),
    (EvaluationSpec(("F",), planted.DATE, buffer="cloud"), "Okänt val av buffert"),
])
def test_bad_area_choices_raise_in_two_languages(pcon, spec, fragment):
    with pytest.raises(EvaluationError) as err:
        select_areas(load_areas(pcon), spec)
    assert fragment in err.value.sv
    assert str(err.value)  # English for the CLI


# --- Windows ---------------------------------------------------------------------------------

def test_windows_and_gap():
    w = windows_for(dt.date(2025, 1, 1), 365, 365, 30)
    assert (w.before_start, w.before_end) == (dt.date(2024, 1, 2), dt.date(2025, 1, 1))
    assert (w.after_start, w.after_end) == (dt.date(2025, 1, 31), dt.date(2026, 1, 31))
    assert (w.before_days, w.after_days, w.gap_days) == (365, 365, 30)
    with pytest.raises(EvaluationError):
        windows_for(dt.date(2025, 1, 1), 0, 365)


@pytest.mark.parametrize("months, days", [(12, 365), (6, 183), (24, 730), (1, 30), (3, 91)])
def test_months_to_days(months, days):
    assert months_to_days(months) == days
