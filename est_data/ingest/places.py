"""Place names in free text: an event the police placed only in "Östersund" often names
its district in the summary ("Torvalla, cyklande man stoppas för kontroll", "Larm om brand
på en skoltoalett, Torvalla."). Such an event can be counted in that area, though still
never drawn as a point.

The names come from the stored areas, so they follow whatever areas the municipality
imports: each focus area's name, and each district name (``district``, else ``name``)
with its parts ("Ängsmon-Torvalla" gives "Ängsmon-Torvalla", "Ängsmon" and "Torvalla"; a
code in brackets after a name, "Lugnvik (C1300)", is not part of it).
A name is used only when it points to one area: "Frösön" spans two DeSO areas and so
places nothing. A focus area is more precise than a district, so it wins when a text
names both; two different districts in one text place nothing.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

import pandas as pd


_CODE_SUFFIX = re.compile(r"\s*\([^()]*\)\s*$")


@dataclass(frozen=True)
class PlaceNames:
    """Unambiguous place names: name → ``area_id`` (a statistical or a focus area)."""

    districts: dict[str, str]
    focus: dict[str, str]

    def __post_init__(self):
        names = sorted({*self.districts, *self.focus}, key=len, reverse=True)
        pattern = (r"(?<!\w)(" + "|".join(re.escape(n) for n in names) + r")(?!\w)") if names else None
        object.__setattr__(self, "_re", re.compile(pattern) if pattern else None)

    def area_in(self, text: str | None) -> str | None:
        """The ``area_id`` a text places an event in, or None (no name, or two areas)."""
        if not text or self._re is None:
            return None
        found = set(self._re.findall(text))
        focus = {self.focus[n] for n in found if n in self.focus}
        if len(focus) == 1:
            return focus.pop()
        if focus:
            return None
        districts = {self.districts[n] for n in found if n in self.districts}
        return districts.pop() if len(districts) == 1 else None


def place_names(areas: pd.DataFrame | None) -> PlaceNames:
    """The place names of the stored areas (columns ``area_id``, ``name``, ``kind``,
    ``district``, ``is_focus``), keeping those that point to exactly one area."""
    if areas is None or areas.empty:
        return PlaceNames({}, {})
    districts: dict[str, set[str]] = {}
    focus: dict[str, set[str]] = {}
    for r in areas.itertuples():
        if r.kind == "custom":
            if bool(r.is_focus):
                focus.setdefault(str(r.name).strip(), set()).add(r.area_id)
            continue
        whole = str(r.district if isinstance(r.district, str) and r.district.strip() else r.name)
        whole = _CODE_SUFFIX.sub("", whole).strip()
        for name in {whole, *(p.strip() for p in whole.split("-"))}:
            if len(name) >= 3 and name[0].isupper():
                districts.setdefault(name, set()).add(r.area_id)
    return PlaceNames({n: next(iter(ids)) for n, ids in districts.items() if len(ids) == 1},
                      {n: next(iter(ids)) for n, ids in focus.items() if len(ids) == 1})
