"""est_data.core.spreadsheet: formula-looking cells are made inert (OWASP CSV injection)."""
from __future__ import annotations

import pandas as pd
import pytest

from est_data.core.spreadsheet import safe_cell, safe_frame


@pytest.mark.parametrize("value, expected", [
    ('=HYPERLINK("http://x","klicka")', '\'=HYPERLINK("http://x","klicka")'),
    ("+cmd|' /C calc'!A0", "'+cmd|' /C calc'!A0"),
    ("-2+3+cmd|' /C calc'!A0", "'-2+3+cmd|' /C calc'!A0"),
    ("@SUM(1+1)*cmd|' /C calc'!A0", "'@SUM(1+1)*cmd|' /C calc'!A0"),
    ("\t=1+1", "'\t=1+1"),
    ("\r=1+1", "'\r=1+1"),
    ("Klotter på =vägg", "Klotter på =vägg"),   # only the first character matters
    ("-12", "-12"),                            # a plain number stays a number
    ("+46,5", "+46,5"),
    ("-", "'-"),
    ("", ""),
    (12, 12),
    (-3.5, -3.5),
    (None, None),
])
def test_safe_cell(value, expected):
    assert safe_cell(value) == expected


def test_safe_frame_touches_text_only():
    df = pd.DataFrame({"beskrivning": ["=1+1", "lugnt", None], "antal": [-1, 2, 3],
                       "=namn": ["@a", "b", "c"]})
    out = safe_frame(df)
    assert out["beskrivning"].tolist()[:2] == ["'=1+1", "lugnt"]
    assert pd.isna(out["beskrivning"].iloc[2])
    assert out["antal"].tolist() == [-1, 2, 3]
    assert list(out.columns) == ["beskrivning", "antal", "'=namn"]
    assert out["'=namn"].tolist() == ["'@a", "b", "c"]
    assert df["beskrivning"].iloc[0] == "=1+1"    # the input is not changed
