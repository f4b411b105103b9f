"""Actor profiles: the shipped ones are valid, files round-trip, mistakes are named."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import shapely

from est_data.areas import geometry as areas
from est_data.core.config import PROFILES_DIR
from est_data.demo.build import build_areas
from est_data.ingest.profiles import (
    Profile, ProfileError, list_profiles, load_profile, read_profile, save_profile, to_toml)

SHIPPED = {"ostersundshem", "fastighetsagare", "polisen", "kommun", "nattvandrarna",
           "polisen_handelser"}


def test_shipped_profiles_are_valid_and_named_by_their_key():
    profiles = list_profiles()
    assert set(profiles) == SHIPPED
    for key, prof in profiles.items():
        assert prof.path == PROFILES_DIR / f"{key}.toml"
        assert prof.name and prof.kind
    assert profiles["polisen_handelser"].format == "polisen_json"
    assert profiles["polisen_handelser"].municipality == "Östersund"


def test_round_trip(tmp_path):
    prof = Profile(key="ny_aktor", name="Ny aktör \"AB\"", kind="annan",
                   columns={"date": "Datum", "category": "Typ av händelse"},
                   date_formats=("%d/%m/%y",), crs="EPSG:3006",
                   categories={"Sönder lampa": "otrygg_plats", "Tags = klotter": "klotter"},
                   skip_categories=("Tvätt*",), delimiter=";")
    path = save_profile(prof, tmp_path)
    back = read_profile(path)
    assert (back.key, back.name, back.columns, back.date_formats, back.crs, back.categories,
            back.skip_categories, back.delimiter) == (
        prof.key, prof.name, prof.columns, prof.date_formats, prof.crs, prof.categories,
        prof.skip_categories, prof.delimiter)
    assert load_profile("ny_aktor", tmp_path).name == prof.name
    assert load_profile("finns_inte", tmp_path) is None
    assert "[columns]" in to_toml(prof)


@pytest.mark.parametrize("text,message", [
    ('[actor]\nkey = "Fel Nyckel"\n', "lower-case"),
    ('[actor]\nkey = "x"\n[file]\nformat = "pdf"\n', "format must be"),
    ('[actor]\nkey = "x"\n[columns]\nklockslag = "Tid"\n', "unknown fields"),
    ('[actor]\nkey = "x"\n[categories]\n"Lampa" = "belysning"\n', "unknown codes"),
    ('[actor]\nkey = "x"\n[formats]\ncrs = "EPSG:9999"\n', "crs must be"),
    ('[actor\nkey = "x"\n', "not valid TOML"),
])
def test_mistakes_in_a_profile_are_named(tmp_path, text, message):
    path = tmp_path / "x.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ProfileError, match=message):
        read_profile(path)


def test_fast_area_assignment_matches_the_strtree_rule():
    deso, focus = build_areas()
    rng = np.random.default_rng(3)
    metric = deso.sort_values("area_id").reset_index(drop=True)
    minx, miny, maxx, maxy = metric.total_bounds
    x = rng.uniform(minx - 500, maxx + 500, 20000)
    y = rng.uniform(miny - 500, maxy + 500, 20000)
    # Points exactly on shared borders go to the first area in id order.
    border = shapely.intersection(metric.geometry[0], metric.geometry[1])
    if not border.is_empty:
        pt = border.representative_point()
        x[0], y[0] = pt.x, pt.y
    x[1] = np.nan
    fast = areas.assign_points(x, y, metric)
    valid = np.isfinite(x) & np.isfinite(y)
    slow = areas._assign_points_tree(x, y, valid, metric["area_id"].to_numpy(dtype=object),
                                     metric, np.full(len(x), None, dtype=object))
    assert (pd.Series(fast).fillna("-") == pd.Series(slow).fillna("-")).all()
    assert pd.Series(fast).notna().sum() > 1000 and fast[1] is None
