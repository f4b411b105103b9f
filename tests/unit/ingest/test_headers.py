"""Table-driven tests of the header mapping (ingest.headers)."""
from __future__ import annotations

import pytest

from est_data.ingest import headers


@pytest.mark.parametrize("columns,expected", [
    (["Datum", "Tid", "Kategori", "Adress"],
     {"date": "Datum", "time": "Tid", "category": "Kategori", "address": "Adress"}),
    (["Händelsedatum", "Klockslag", "Händelsetyp", "Plats", "Ärende-ID"],
     {"date": "Händelsedatum", "time": "Klockslag", "category": "Händelsetyp",
      "address": "Plats", "ref": "Ärende-ID"}),
    (["datum tid", "Brottsbenämning", "N", "E", "Händelsenummer"],
     {"datetime": "datum tid", "category": "Brottsbenämning", "north": "N", "east": "E",
      "ref": "Händelsenummer"}),
    (["date", "time", "type", "lat", "lng", "id", "description"],
     {"date": "date", "time": "time", "category": "type", "lat": "lat", "lon": "lng",
      "ref": "id", "description": "description"}),
    (["Brottsdatum", "Typ", "Latitud", "Longitud", "DeSO"],
     {"date": "Brottsdatum", "category": "Typ", "lat": "Latitud", "lon": "Longitud",
      "area": "DeSO"}),
    (["Tidpunkt", "Kategori", "X", "Y"],
     {"datetime": "Tidpunkt", "category": "Kategori", "north": "X", "east": "Y"}),
    (["Datum", "Tidpunkt", "Kategori"],                       # Tidpunkt next to Datum: the time
     {"date": "Datum", "time": "Tidpunkt", "category": "Kategori"}),
    (["Händelsedatum (lokal tid)", "Kategori", "Lat"],        # a lone coordinate is no place
     {"date": "Händelsedatum (lokal tid)", "category": "Kategori"}),
    (["Namn", "Värde"], {}),
])
def test_auto_map(columns, expected):
    assert headers.auto_map(columns) == expected


def test_missing_fields_are_named_in_swedish():
    assert headers.missing_fields({"date": "Datum"}) == ["Kategori"]
    assert headers.missing_fields({}) == ["Datum och tid eller Datum", "Kategori"]
