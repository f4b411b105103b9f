"""A measure's validation: every message, accepted forms, several problems at once."""
from __future__ import annotations

import datetime as dt

import pytest

from est_data.measures import model

AREAS = {"fokus_kyrkgatan": "Kyrkgatan", "2380C1220": "Östersund staden (C1220)"}
GOOD = {"area_id": "fokus_kyrkgatan", "kind": "belysning", "title": "Ny belysning",
        "started_on": "2025-10-20"}


@pytest.mark.parametrize("changes, message", [
    ({"area_id": ""}, "Område saknas."),
    ({"area_id": "Storsjön"}, "Okänt område: ”Storsjön”."),
    ({"kind": ""}, "Typ av insats saknas."),
    ({"kind": "drönare"}, "Okänd typ av insats: ”drönare”. Välj en av: belysning,"),
    ({"title": "   "}, "Titel saknas."),
    ({"title": "x" * 201}, "Titeln är för lång"),
    ({"started_on": None}, "Startdatum saknas."),
    ({"started_on": "20/10/2025"}, "Ogiltigt startdatum: ”20/10/2025” (skriv ÅÅÅÅ-MM-DD)."),
    ({"ended_on": "2025-02-30"}, "Ogiltigt slutdatum"),
    ({"ended_on": "2025-10-01"}, "Slutdatum ligger före startdatum."),
    ({"cost_sek": "-5"}, "Kostnaden kan inte vara negativ."),
    ({"cost_sek": "gratis"}, "Ogiltig kostnad: ”gratis”"),
    ({"lat": "63.18"}, "Ange både latitud och longitud"),
    ({"lat": "59.33", "lon": "18.07"}, "Platsen (lat/lon) ligger utanför kommunen."),
    ({"actor": "a" * 101}, "Ansvarig aktör är för lång"),
])
def test_validation_messages(changes, message):
    item, errors = model.parse_intervention({**GOOD, **changes}, AREAS)
    assert item is None
    assert any(e.startswith(message) for e in errors), errors


@pytest.mark.parametrize("changes, field, value", [
    ({"area_id": "kyrkgatan"}, "area_id", "fokus_kyrkgatan"),       # by name, any case
    ({"kind": " Lås och passersystem "}, "kind", "lås och passersystem"),
    ({"cost_sek": "450 000 kr"}, "cost_sek", 450000.0),
    ({"cost_sek": "1 234,50"}, "cost_sek", 1234.5),
    ({"cost_sek": 35000}, "cost_sek", 35000.0),
    ({"cost_sek": ""}, "cost_sek", None),
    ({"started_on": dt.date(2025, 10, 20)}, "started_on", dt.date(2025, 10, 20)),
    ({"started_on": "2025-10-20 00:00:00"}, "started_on", dt.date(2025, 10, 20)),
    ({"ended_on": "2025-10-20"}, "ended_on", dt.date(2025, 10, 20)),  # one-day measure
    ({"title": "  Ny   belysning "}, "title", "Ny belysning"),
    ({"lat": "63,18", "lon": "14,64"}, "lat", 63.18),
])
def test_accepted_values_are_normalised(changes, field, value):
    item, errors = model.parse_intervention({**GOOD, **changes}, AREAS)
    assert errors == []
    assert getattr(item, field) == value


def test_several_problems_are_all_reported():
    _, errors = model.parse_intervention({"kind": "x"}, AREAS)
    assert len(errors) == 4  # area, kind, title, start
