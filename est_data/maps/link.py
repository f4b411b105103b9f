"""The map's own choices in the page link, as short stable codes.

Streamlit's ``bind="query-params"`` writes a widget's *display labels* into the URL
("Heta punkter (Gi*)"), which change with the wording and read badly in a mail. The
link uses these codes instead; the app's keys and labels are still understood when a
link written before the codes is opened. Codes are part of every shared link: never
change one, only add.
"""
from __future__ import annotations

from est_data.maps.data import AREA_MEASURES, LAYERS

#: Layer key -> code in the link (``lager=tat,gi``).
LAYER_CODES = {"areas": "omr", "outlines": "grans", "heat": "tat", "hotspots": "gi",
               "focus": "fokus", "measures": "atg", "points": "hand", "labels": "namn"}
#: Area colouring key -> code in the link (``farg=per1000``).
MEASURE_CODES = {"count": "antal", "rate": "per1000", "change": "forandring"}


def _lookup(names: dict[str, str], codes: dict[str, str]) -> dict[str, str]:
    """Every accepted spelling (code, key, label; case-insensitive) -> key."""
    out: dict[str, str] = {}
    for key in codes:
        for spelling in (codes[key], key, names.get(key, key)):
            out[spelling.casefold()] = key
    return out


def layers_to_text(layers) -> str:
    """``"tat,gi"``: the codes of ``layers`` in drawing order."""
    return ",".join(LAYER_CODES[k] for k in LAYERS if k in set(layers))


def layers_from_text(text: str | list | None) -> list[str] | None:
    """Layer keys from the link (codes, or the keys and labels of older links), in
    drawing order; None when the link says nothing usable. ``""`` means no layers."""
    if isinstance(text, (list, tuple)):
        text = ",".join(str(t) for t in text) if text else None
    if text is None:
        return None
    known = _lookup(LAYERS, LAYER_CODES)
    parts = [p.strip().casefold() for p in str(text)[:500].split(",") if p.strip()]
    found = {known[p] for p in parts if p in known}
    if parts and not found:
        return None
    return [k for k in LAYERS if k in found]


def measure_to_text(measure: str) -> str:
    return MEASURE_CODES[measure]


def measure_from_text(text: str | list | None) -> str | None:
    """The area colouring from the link, or None."""
    if isinstance(text, (list, tuple)):
        text = text[-1] if text else None
    return _lookup(AREA_MEASURES, MEASURE_CODES).get(str(text or "").strip().casefold())
