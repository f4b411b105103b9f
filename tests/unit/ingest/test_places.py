"""Place names in the police's summaries: which text places an event in which area."""
from __future__ import annotations

import pandas as pd
import pytest

from est_data.ingest.places import place_names

AREAS = pd.DataFrame([
    # area_id, name, kind, district, is_focus
    ("2380C1040", "Ängsmon-Torvalla (C1040)", "deso", "Ängsmon-Torvalla", False),
    ("2380C1190", "Körfältet (C1190)", "deso", "Körfältet", False),
    ("2380C1180", "Frösön (C1180)", "deso", "Frösön", False),
    ("2380C1240", "Frösön (C1240)", "deso", "Frösön", False),
    ("2380C1130", "Södra Odenslund-Söder (C1130)", "deso", "Södra Odenslund-Söder", False),
    ("2380C1140", "Norra Odenslund-Odenskog (C1140)", "deso", "Norra Odenslund-Odenskog", False),
    ("2380C1300", "Lugnvik (C1300)", "deso", None, False),
    ("fokus_kyrkgatan", "Kyrkgatan", "custom", None, True),
    ("eget_omrade", "Torget", "custom", None, False),
], columns=["area_id", "name", "kind", "district", "is_focus"])
NAMES = place_names(AREAS)


@pytest.mark.parametrize("text, area", [
    ("Torvalla, cyklande man stoppas för kontroll", "2380C1040"),
    ("Larm om brand på en skoltoalett, Torvalla.", "2380C1040"),
    ("Inbrott i förråd i Ängsmon", "2380C1040"),
    ("Brand i garagelänga på Körfältet.", "2380C1190"),
    ("Skadegörelse på Kyrkgatan i centrala Östersund", "fokus_kyrkgatan"),
    # the focus area is more precise than the district it lies in
    ("Körfältet och Kyrkgatan: klotter", "fokus_kyrkgatan"),
    ("Södra Odenslund, bråk i trapphus", "2380C1130"),
    ("Odenskog, misstänkt stöld", "2380C1140"),
    ("Lugnvik, polisen kontaktas", "2380C1300"),           # no district: the name is used
    # nothing, or not one area
    ("Trafikolycka på Frösön", None),                       # Frösön is two DeSO areas
    ("Bråk i Torvalla och på Körfältet", None),             # two districts
    ("Torvallaskolan larmar", None),                        # a longer word
    ("torvalla", None),                                     # place names are capitalised
    ("Stöld vid Torget", None),                              # own areas that are not focus areas
    ("Rån i centrala Östersund", None),
    ("", None), (None, None),
])
def test_area_in(text, area):
    assert NAMES.area_in(text) == area


def test_ambiguous_names_are_left_out():
    assert "Frösön" not in NAMES.districts
    assert NAMES.districts["Torvalla"] == NAMES.districts["Ängsmon-Torvalla"] == "2380C1040"
    assert NAMES.focus == {"Kyrkgatan": "fokus_kyrkgatan"}


def test_no_areas_places_nothing():
    assert place_names(None).area_in("Torvalla") is None
    assert place_names(AREAS.iloc[0:0]).area_in("Torvalla") is None
