"""The map's choices in the link: one short stable code per layer and colouring
(table-driven: a code that changes breaks every link already sent)."""
from __future__ import annotations

import pytest

from est_data.maps import link
from est_data.maps.data import AREA_MEASURES, LAYERS


@pytest.mark.parametrize("key, code", [
    ("areas", "omr"), ("outlines", "grans"), ("heat", "tat"), ("hotspots", "gi"),
    ("focus", "fokus"), ("measures", "atg"), ("points", "hand"), ("labels", "namn"),
])
def test_layer_codes_are_stable(key, code):
    assert link.LAYER_CODES[key] == code
    assert link.layers_from_text(code) == [key]


@pytest.mark.parametrize("key, code", [("count", "antal"), ("rate", "per1000"),
                                       ("change", "forandring")])
def test_measure_codes_are_stable(key, code):
    assert link.measure_to_text(key) == code and link.measure_from_text(code) == key


def test_every_layer_and_measure_has_a_short_url_safe_code():
    assert set(link.LAYER_CODES) == set(LAYERS) and set(link.MEASURE_CODES) == set(AREA_MEASURES)
    for code in [*link.LAYER_CODES.values(), *link.MEASURE_CODES.values()]:
        assert code.isascii() and code.isalnum() and code.islower() and len(code) <= 10
    assert len(set(link.LAYER_CODES.values())) == len(LAYERS)


@pytest.mark.parametrize("text, expected", [
    ("tat,gi", ["heat", "hotspots"]),
    ("gi,tat", ["heat", "hotspots"]),               # drawing order, whatever the link's
    ("TAT, fokus ,tat", ["heat", "focus"]),
    (["Täthet", "Heta punkter (Gi*)"], ["heat", "hotspots"]),  # a link from before the codes
    ("heat,labels", ["heat", "labels"]),
    ("", []),                                       # every layer switched off
    ("tat,<script>", ["heat"]),
    ("<script>", None), (None, None), ([], None),
])
def test_layers_from_text(text, expected):
    assert link.layers_from_text(text) == expected


def test_layers_to_text_round_trips():
    for layers in (["heat"], list(LAYERS), [], ["labels", "areas"]):
        assert link.layers_from_text(link.layers_to_text(layers)) == [k for k in LAYERS if k in layers]


@pytest.mark.parametrize("text, expected", [
    ("per1000", "rate"), ("Per 1 000 invånare", "rate"), (["antal"], "count"),
    ("blå", None), (None, None), ("", None),
])
def test_measure_from_text(text, expected):
    assert link.measure_from_text(text) == expected
