"""Swedish labels and texts of the Knox table."""
from __future__ import annotations

import numpy as np

from est_data.nearrepeat import explain
from est_data.nearrepeat.knox import KnoxResult


def test_band_labels():
    assert explain.space_labels((0.0, 100.0, 200.0)) == ["Samma plats", "1–100 m", "101–200 m",
                                                         "över 200 m"]
    assert explain.space_labels((50.0, 1000.0)) == ["0–50 m", "51–1\u00a0000 m", "över 1\u00a0000 m"]
    assert explain.time_labels((7, 14)) == ["0–7 dagar", "8–14 dagar", "över 14 dagar"]


def test_table_texts_mark_only_cells_within_the_bands():
    obs = np.array([[0, 0, 0], [30, 10, 500], [10, 10, 900.0]])
    exp = np.array([[0, 0, 0], [10, 10, 520], [10, 10, 880.0]])
    p = np.array([[1, 1, 1], [0.01, 0.6, 0.9], [0.5, 0.5, 0.01]])
    r = KnoxResult((0.0, 100.0), (7, 14), obs, exp, p, 60, 99)
    t = explain.table_texts(r)
    assert t.loc["Samma plats", "0–7 dagar"] == "–"          # nothing observed or expected
    assert t.loc["1–100 m", "0–7 dagar"] == "3,00 (p 0,01) *"
    assert t.loc["över 100 m", "över 14 dagar"] == "1,02 (p 0,01)"  # beyond: never marked
    r999 = KnoxResult((0.0, 100.0), (7, 14), obs, exp, p / 10, 60, 999)
    assert explain.table_texts(r999).loc["1–100 m", "0–7 dagar"] == "3,00 (p 0,001) *"
    assert "999" in explain.explanation(999).replace("\u00a0", "")
