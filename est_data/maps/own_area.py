"""Save a shape drawn on the map as an own area ("egen yta").

It becomes a row of ``areas`` with kind ``custom``, stored exactly like an uploaded area
(:func:`est_data.areas.geometry.store_areas`: one transaction, incidents re-assigned to
``focus_area_id`` at once), so every list of areas (the sidebar, Före/efter's target and
comparison areas, Områden) offers it at once, with no change to the evaluation.

Ids are ``yta_<name>``: they sort after the demo's and most uploaded focus-area ids,
because an incident carries one ``focus_area_id`` and overlapping custom areas give it
to the first id in order; an own area drawn across an existing focus area thus leaves
that focus area's counts as they were (and counts only the part outside it).
"""
from __future__ import annotations

import re
import unicodedata

import duckdb
import geopandas as gpd

from est_data.areas.geometry import store_areas
from est_data.core.config import CRS_WGS84
from est_data.core.errors import UserError
from est_data.core.shape import DrawnShape, shape_from_text
from est_data.maps.drawing import shape_wgs84
from est_data.store.audit import audited_as

ID_PREFIX = "yta_"
MAX_NAME = 60


class OwnAreaError(UserError, ValueError):
    """An own area cannot be saved; ``str()`` is English, ``sv`` Swedish."""


def area_id_for(name: str, taken: set[str]) -> str:
    """``yta_<slug>`` (ASCII, lower case), with ``_2``, ``_3`` … when already taken."""
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "_", ascii_name.lower()).strip("_")[:40] or "omrade"
    base = candidate = f"{ID_PREFIX}{slug}"
    n = 2
    while candidate in taken:
        candidate = f"{base}_{n}"
        n += 1
    return candidate


def clean_name(name: str, existing_names: set[str]) -> str:
    """The name as stored, or a Swedish error (empty, too long, or already used)."""
    text = " ".join(str(name or "").split())
    if not text:
        raise OwnAreaError("the area needs a name", "Ge ytan ett namn.")
    if len(text) > MAX_NAME:
        raise OwnAreaError(f"names are at most {MAX_NAME} characters",
                           f"Namnet får vara högst {MAX_NAME} tecken.")
    if text.casefold() in {n.casefold() for n in existing_names}:
        raise OwnAreaError(f"an area is already called {text!r}",
                           f"Det finns redan ett område som heter {text}.")
    return text


@audited_as("area_admin.store_drawn")
def save_drawn_area(con: duckdb.DuckDBPyConnection, name: str, shape_text: str) -> str:
    """Store the drawn shape (its URL form, :meth:`DrawnShape.to_text`) as a custom area
    called ``name``; returns the new ``area_id``. Never replaces a stored area."""
    shape = shape_from_text(shape_text)
    if not isinstance(shape, DrawnShape):
        raise OwnAreaError("not a drawn shape", "Ytan kunde inte läsas; rita den igen.")
    rows = con.execute("SELECT area_id, name FROM areas").fetchall()
    text = clean_name(name, {r[1] for r in rows})
    area_id = area_id_for(text, {r[0] for r in rows})
    gdf = gpd.GeoDataFrame({"area_id": [area_id], "name": [text], "population": [None]},
                           geometry=[shape_wgs84(shape)], crs=CRS_WGS84)
    store_areas(con, gdf, kind="custom", is_focus=False)
    return area_id
