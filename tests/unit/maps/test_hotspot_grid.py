"""Gi* hot spots on a grid: planted clusters, filled zeros, metres or indices, FDR (the
normal approximation here; the exact test in test_hotspot_exact.py)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from est_data.maps.hotspot_grid import HotspotOptions, grid_hotspots
from est_data.maps.style import (
    COLD_95, COLD_99, HOT_95, HOT_99, HOTSPOT_CLASSES, HOTSPOT_COLORS, HOTSPOT_FDR_CLASSES,
    NOT_SIGNIFICANT)

#: The textbook normal approximation, which the older tests here describe.
NORMAL = HotspotOptions(inference="normal")


def test_constant_field_gives_nothing_significant():
    g = np.stack(np.meshgrid(np.arange(30), np.arange(30)), -1).reshape(-1, 2)
    out = grid_hotspots(pd.DataFrame({"cx": g[:, 0], "cy": g[:, 1], "n": 3}), cell_size=100)
    assert (out["klass"] == NOT_SIGNIFICANT).all()
    assert np.isfinite(out["z"]).all()


def _planted_grid(rng: np.random.Generator, size: int = 60):
    """Poisson background 1.0 with a 5x5 block of rate 8 at (40..44, 15..19)."""
    ix, iy = np.meshgrid(np.arange(size), np.arange(size))
    ix, iy = ix.ravel(), iy.ravel()
    lam = np.ones(len(ix))
    in_block = (ix >= 40) & (ix <= 44) & (iy >= 15) & (iy <= 19)
    lam[in_block] = 8.0
    n = rng.poisson(lam)
    return pd.DataFrame({"cx": ix, "cy": iy, "n": n}), in_block


def test_planted_cluster_is_hot():
    df, in_block = _planted_grid(np.random.default_rng(42))
    out = grid_hotspots(df, cell_size=100, options=HotspotOptions(distance_band=150, coords="index", inference="normal"))
    out = out.set_index(["cx", "cy"])
    centre = out.loc[(42, 17)]
    assert centre["klass"] == HOT_99 and centre["z"] > 5
    block = out.loc[[(x, y) for x in range(40, 45) for y in range(15, 20)]]
    assert (block["klass"] == HOT_99).mean() >= 0.8
    # Far from the block: few hot cells, by chance only.
    far = out[
        (out.index.get_level_values("cx") < 30) & (out.index.get_level_values("cy") > 30)
    ]
    assert far["klass"].isin([HOT_99, HOT_95]).mean() < 0.05
    # The block's cells are all present with their counts.
    assert int(block["n"].sum()) == int(df.loc[in_block, "n"].sum())


def test_planted_cluster_found_with_sparse_input_and_metres():
    """Only non-empty cells given, centres in metres: zeros are filled in."""
    df, _ = _planted_grid(np.random.default_rng(1))
    df = df[df["n"] > 0].copy()
    df["cx"] = df["cx"] * 250 + 674_125  # SWEREF 99 TM-like centres, 250 m cells
    df["cy"] = df["cy"] * 250 + 6_580_125
    out = grid_hotspots(df, cell_size=250, options=NORMAL)  # coords='auto' -> metres
    assert len(out) == 60 * 60
    assert out["filled"].sum() == 60 * 60 - len(df)
    assert (out.loc[out["filled"], "n"] == 0).all()
    assert out["n"].dtype == df["n"].dtype
    hot = out[out["klass"] == HOT_99]
    assert ((hot["x"] - 674_125) // 250).between(39, 45).mean() > 0.8
    row = out[(out["cx"] == 42 * 250 + 674_125) & (out["cy"] == 17 * 250 + 6_580_125)]
    assert row["klass"].iloc[0] == HOT_99
    # Without filling, the reference is only the busy cells: weaker result.
    out_nofill = grid_hotspots(df, cell_size=250, options=HotspotOptions(fill_zeros=False, inference="normal"))
    assert len(out_nofill) == len(df)
    z_fill = out.set_index(["cx", "cy"])["z"]
    z_nofill = out_nofill.set_index(["cx", "cy"])["z"]
    key = (42 * 250 + 674_125, 17 * 250 + 6_580_125)
    assert z_fill[key] > z_nofill[key]


def test_cold_spot_and_labels():
    rng = np.random.default_rng(3)
    ix, iy = np.meshgrid(np.arange(40), np.arange(40))
    ix, iy = ix.ravel(), iy.ravel()
    lam = np.full(len(ix), 10.0)
    lam[(ix < 6) & (iy < 6)] = 0.2
    df = pd.DataFrame({"cx": ix, "cy": iy, "n": rng.poisson(lam)})
    out = grid_hotspots(df, cell_size=50, options=HotspotOptions(distance_band=75, coords="index", inference="normal"))
    assert out.set_index(["cx", "cy"]).loc[(2, 2), "klass"] == COLD_99
    assert list(out["klass"].cat.categories) == HOTSPOT_CLASSES
    assert set(out["klass"].astype(str)) <= set(HOTSPOT_CLASSES)
    assert set(HOTSPOT_COLORS) == set(HOTSPOT_CLASSES) | set(HOTSPOT_FDR_CLASSES)


def test_fdr_is_stricter():
    df, _ = _planted_grid(np.random.default_rng(5))
    plain = grid_hotspots(df, cell_size=100, options=HotspotOptions(coords="index", inference="normal"))
    adj = grid_hotspots(df, cell_size=100,
                        options=HotspotOptions(coords="index", fdr=True, inference="normal"))
    assert (adj["p_adj"] >= adj["p"] - 1e-15).all()
    sig = lambda d: (d["klass"] != NOT_SIGNIFICANT).sum()  # noqa: E731
    assert sig(adj) < sig(plain)
    assert (adj.set_index(["cx", "cy"]).loc[(42, 17), "klass"]) in (HOT_99, HOT_95)


def test_duplicates_summed_and_guards():
    df = pd.DataFrame({"cx": [0, 0, 1, 2], "cy": [0, 0, 0, 0], "n": [1, 2, 3, 4]})
    out = grid_hotspots(df, cell_size=10, options=HotspotOptions(coords="index"))
    assert out["n"].tolist() == [3, 3, 4]
    with pytest.raises(ValueError):
        grid_hotspots(
            pd.DataFrame({"cx": [0, 5000], "cy": [0, 5000], "n": [1, 1]}),
            cell_size=1,
            options=HotspotOptions(coords="index"),
        )
    with pytest.raises(KeyError):
        grid_hotspots(pd.DataFrame({"x": [0], "y": [0], "n": [1]}), cell_size=1)


def test_scale_20000_cells_runs():
    """Scale check without timing: 20 000 cells, band of 3 cells."""
    rng = np.random.default_rng(11)
    ix, iy = np.meshgrid(np.arange(200), np.arange(100))
    df = pd.DataFrame({"cx": ix.ravel(), "cy": iy.ravel(), "n": rng.poisson(1.5, 20_000)})
    out = grid_hotspots(df, cell_size=100, options=HotspotOptions(distance_band=300, coords="index", inference="normal"))
    assert len(out) == 20_000
    assert np.isfinite(out["z"]).all() and out["p"].between(0, 1).all()
    # Random data: roughly the nominal share is "significant at 95 % or more".
    share = out["klass"].isin([HOT_99, HOT_95, COLD_99, "Signifikant kall punkt (95 %)"])
    assert share.mean() < 0.15
