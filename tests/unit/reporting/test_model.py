"""Validation of a report: every bad input gets a Swedish reason, text is masked."""
from __future__ import annotations

import datetime as dt

import pytest

from est_data.reporting.model import ReportError, ReportInput, validate

NOW = dt.datetime(2026, 11, 30, 12, 0)
CATS = {"klotter": "Klotter", "storning": "Störning"}
AREAS = {"a1": "Område 1"}
GOOD = dict(category="klotter", occurred_from=NOW - dt.timedelta(hours=1), place_kind="point",
            lat=63.18, lon=14.63)


@pytest.mark.parametrize("change, message", [
    ({"category": None}, "Välj en kategori"),
    ({"category": "okand"}, "Välj en kategori"),
    ({"occurred_from": None}, "Ange när"),
    ({"occurred_from": NOW + dt.timedelta(hours=1)}, "framtiden"),
    ({"occurred_from": dt.datetime(1999, 1, 1)}, "före 2000-01-01"),
    ({"occurred_to": NOW - dt.timedelta(hours=2)}, "efter starttiden"),
    ({"occurred_to": NOW + dt.timedelta(days=1)}, "Sluttiden ligger i framtiden"),
    ({"occurred_from": NOW - dt.timedelta(days=20), "occurred_to": NOW}, "högst 14 dagar"),
    ({"lat": None}, "Klicka på kartan"),
    ({"place_kind": "address", "address": "  "}, "Skriv en adress"),
    ({"place_kind": "area", "area_id": "nope"}, "Välj ett område"),
    ({"place_kind": "elsewhere"}, "Ange var"),
])
def test_bad_input_is_refused(change, message):
    with pytest.raises(ReportError) as err:
        validate(ReportInput(**{**GOOD, **change}), CATS, AREAS, NOW)
    assert any(message in m for m in err.value.messages), err.value.messages
    assert message in err.value.sv


def test_all_problems_are_named_at_once():
    with pytest.raises(ReportError) as err:
        validate(ReportInput(category=None, occurred_from=NOW + dt.timedelta(days=1),
                             place_kind="point"), CATS, AREAS, NOW)
    assert len(err.value.messages) == 3


def test_a_phone_clock_a_minute_ahead_is_not_the_future():
    report = validate(ReportInput(**{**GOOD, "occurred_from": NOW + dt.timedelta(minutes=2)}),
                      CATS, AREAS, NOW)
    assert report.occurred_at == NOW + dt.timedelta(minutes=2)


def test_description_and_address_are_masked_and_trimmed():
    report = validate(ReportInput(**{**GOOD, "place_kind": "address",
                                     "address": " Storgatan  5 ",
                                     "description": "Ring 070-123 45 67 eller a.b@c.se,\n"
                                                    "pnr 19800101-1234"}), CATS, AREAS, NOW)
    assert report.description == "Ring [telefon] eller [e-post], pnr [personnummer]"
    assert report.address == "Storgatan 5" and report.masked == 3
    assert report.lat is None  # an address report carries no clicked point


def test_span_is_kept_and_seconds_dropped():
    start = dt.datetime(2026, 11, 29, 22, 0, 31)
    report = validate(ReportInput(**{**GOOD, "occurred_from": start,
                                     "occurred_to": dt.datetime(2026, 11, 30, 6, 0)}),
                      CATS, AREAS, NOW)
    assert (report.occurred_at, report.occurred_to) == (
        dt.datetime(2026, 11, 29, 22, 0), dt.datetime(2026, 11, 30, 6, 0))
