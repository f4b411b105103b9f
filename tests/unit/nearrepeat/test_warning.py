"""The near-repeat warning: planted near repeats give one warning with its sentence and
zone; without them (or for other filters) there is none."""
from __future__ import annotations

import datetime as dt
import json

import duckdb
import numpy as np
import pytest

from est_data.core.filters import IncidentFilter
from est_data.nearrepeat import warning as w
from est_data.nearrepeat.knox import KnoxResult
from handmade_db import make_db
from nearrepeat_world import END, RECENT, burglaries


@pytest.fixture(scope="module")
def planted_con(tmp_path_factory):
    path = make_db(tmp_path_factory.mktemp("nr") / "nr.duckdb", burglaries())
    con = duckdb.connect(str(path), read_only=True)
    yield con
    con.close()


def test_planted_near_repeats_give_the_recent_couple_as_a_warning(planted_con):
    f = IncidentFilter(END - dt.timedelta(days=29), END, categories=("klotter",))
    r = w.warnings(planted_con, f)
    assert r.supported and (r.distance_m, r.days) == (100, 7)
    assert len(r.groups) == 1
    g = r.groups[0]
    assert (g.count, g.first, g.last, g.span_days) == (2, RECENT[0][2], RECENT[1][2], 3)
    assert g.until == dt.date(2026, 11, 19)
    assert g.sentence() == ("2 inbrott inom 100 m på 3 dagar vid Fokus: grannarna löper "
                            "förhöjd risk till och med 2026-11-19")
    assert g.addresses == ("Storgatan 3", "Storgatan 5")


def test_meeting_role_gets_no_small_count_and_a_zone_without_addresses(planted_con):
    r = w.warnings(planted_con, IncidentFilter(END - dt.timedelta(days=29), END))
    g = r.groups[0]
    assert g.sentence(limit=3).startswith("Upprepade inbrott inom 100 m på 3 dagar vid Fokus")
    assert "2 inbrott" not in g.sentence(limit=3)
    text = json.dumps(w.zone_geojson(r.groups, limit=3), ensure_ascii=False)
    assert "Storgatan" not in text and "2 inbrott" not in text
    # The zone holds both burglaries and their 100 m, and its centre is on the grid,
    # not on an address.
    cx, cy = g.centre_xy
    assert cx % w.ZONE_GRID_M == 0 and cy % w.ZONE_GRID_M == 0
    for x, y, *_ in RECENT:
        assert np.hypot(x - cx, y - cy) + 100 <= g.radius_m
    assert (cx, cy) not in [(x, y) for x, y, *_ in RECENT]


def test_no_warning_once_the_risk_period_has_passed(planted_con):
    later = END + dt.timedelta(days=10)  # 2026-11-25: risk ended 2026-11-19
    r = w.warnings(planted_con, IncidentFilter(later - dt.timedelta(days=29), later))
    assert r.groups == ()


def test_no_warning_without_near_repeats_even_with_a_recent_couple(tmp_path):
    rows = burglaries(planted=False)
    rows += [r for r in burglaries() if r["address"].startswith("Storgatan")]
    con = duckdb.connect(str(make_db(tmp_path / "plain.duckdb", rows)), read_only=True)
    try:
        r = w.warnings(con, IncidentFilter(END - dt.timedelta(days=29), END))
    finally:
        con.close()
    assert not r.supported and r.groups == ()


def test_bh_significant_matches_the_step_up_rule():
    # q = 0.1 over 4: thresholds 0.025, 0.05, 0.075, 0.1; the largest passing rank is 3.
    assert w.bh_significant([0.01, 0.07, 0.04, 0.5], 0.1).tolist() == [True, True, True, False]
    assert not w.bh_significant([0.03, 0.2, 0.3, 0.4], 0.1).any()


def test_supported_reach_ignores_the_same_place_and_the_last_time_band():
    shape = (4, 3)  # edges (0, 100, 200) x (7, 14)
    p = np.full(shape, 0.9)
    obs, exp = np.full(shape, 10.0), np.full(shape, 5.0)
    p[0, 0] = 0.01  # same place only: not a near repeat
    p[1, 2] = 0.01  # beyond 14 days: not near
    r = KnoxResult((0.0, 100.0, 200.0), (7, 14), obs, exp, p, 50, 99)
    assert w.supported_reach(r) is None
    p[2, 1] = 0.01
    assert w.supported_reach(KnoxResult((0.0, 100.0, 200.0), (7, 14), obs, exp, p, 50, 99)) \
        == (200, 14)


def test_near_groups_link_chains_and_need_a_recent_member():
    x = np.array([0, 80, 160, 5000, 5050, 9000.0])
    y = np.zeros(6)
    day = np.array([100, 103, 106, 80, 82, 106])
    groups = w.near_groups(x, y, day, end_day=108, metres=100, days=7)
    assert [sorted(g.tolist()) for g in groups] == [[0, 1, 2]]  # 3-4 too old, 5 alone


def test_window_shrinks_when_the_half_year_has_too_many_pairs(planted_con, monkeypatch):
    f = IncidentFilter(END - dt.timedelta(days=29), END)
    full = w.warnings(planted_con, f)
    assert (full.window[1] - full.window[0]).days + 1 == w.WINDOW_DAYS
    monkeypatch.setattr(w, "MAX_PAIRS", full.test.observed[:-1].sum() - 1)
    shorter = w.warnings(planted_con, f)
    assert (shorter.window[1] - shorter.window[0]).days + 1 in w.SHORTER_WINDOWS
    assert shorter.test.n_events < full.test.n_events
    monkeypatch.setattr(w, "MAX_PAIRS", -1)
    assert w.warnings(planted_con, f).groups == ()


def test_the_normalized_filter_gives_the_same_warnings(planted_con):
    """The page caches on the normalized filter: only the end, areas, actors and
    duplicates matter."""
    f = IncidentFilter(END - dt.timedelta(days=89), END, categories=("inbrott", "klotter"),
                       weekdays=(1, 2), hours=(3,))
    n = w.normalized(f)
    assert n == w.normalized(IncidentFilter(END - dt.timedelta(days=6), END))
    assert w.warnings(planted_con, n).groups == w.warnings(planted_con, f).groups
