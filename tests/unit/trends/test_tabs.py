"""Trender's tab codes in the link: table-driven."""
from __future__ import annotations

import pytest

from est_data.trends import tabs


@pytest.mark.parametrize("code, can_rows, label", [
    ("tid", True, "Över tid"),
    ("vecka", True, "Veckodag och klockslag"),
    ("omraden", True, "Områden"),
    ("handelser", True, "Händelser"),
    ("handelser", False, "Antal för delning"),
    ("nara", True, "Nära upprepning"),
    ("nara", False, None),            # not the meeting role's tab
    (" VECKA ", True, "Veckodag och klockslag"),
    ("Veckodag och klockslag", True, None),  # labels are not codes
    ("", True, None),
    (None, True, None),
    ("okand", True, None),
])
def test_label_for(code, can_rows, label):
    assert tabs.label_for(code, can_rows) == label


@pytest.mark.parametrize("label, can_rows, value", [
    ("Över tid", True, None),  # the first tab: nothing in the link
    ("Veckodag och klockslag", True, "vecka"),
    ("Områden", False, "omraden"),
    ("Antal för delning", False, "handelser"),
    ("Nära upprepning", True, "nara"),
    ("Nära upprepning", False, None),
    ("Okänd", True, None),
])
def test_param_value(label, can_rows, value):
    assert tabs.param_value(label, can_rows) == value


def test_codes_are_short_unique_and_round_trip():
    for can_rows in (True, False):
        codes = tabs.codes(can_rows)
        assert len(set(codes.values())) == len(codes)
        for code, label in codes.items():
            assert code.isascii() and code.isalpha() and len(code) <= 10
            assert tabs.label_for(code, can_rows) == label
            assert tabs.code_for(label, can_rows) == code
    assert tabs.labels(False) == ["Över tid", "Veckodag och klockslag", "Områden",
                                  "Antal för delning"]
