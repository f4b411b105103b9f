"""The meeting role walks every page it can open with narrow filters (one day; one
category over 90 days) and no count of 1 or 2 can be seen or worked out: not in a text,
tile, table cell, tooltip, chart value or hover text, heat cell or download, and not by
subtracting shown counts from a shown total (issue 12, item 9).

The map's page source in a real browser: tests/browser/test_mote_map_source.py.
"""
from __future__ import annotations

import datetime as dt
import itertools
import json
import re

import duckdb
import numpy as np
import pytest

from est_data.core import privacy
from est_data.core.filters import IncidentFilter
from est_data.trends import export
from heat_payload import heat_cell_counts
from seen import findings, map_scripts

ONE_DAY = {"fran": "2026-11-13", "till": "2026-11-13"}
ONE_CATEGORY = {"fran": "2026-08-18", "till": "2026-11-15", "kat": "samling"}
FILTERS = {"one day": ONE_DAY, "one category, 90 days": ONE_CATEGORY}
TREND_TABS = ["Över tid", "Veckodag och klockslag", "Områden", "Antal för delning"]


def incident_filter(query: dict) -> IncidentFilter:
    cats = tuple(query["kat"].split(",")) if "kat" in query else ()
    return IncidentFilter(dt.date.fromisoformat(query["fran"]),
                          dt.date.fromisoformat(query["till"]), categories=cats)


def small_areas(db, f: IncidentFilter) -> list[str]:
    """Areas (statistical or focus) with 1 or 2 incidents in the filter."""
    where = "occurred_at >= ? AND occurred_at < ?"
    params = [f.start, f.end + dt.timedelta(days=1)]
    if f.categories:
        where += f" AND category IN ({', '.join('?' * len(f.categories))})"
        params += list(f.categories)
    with duckdb.connect(str(db), read_only=True) as con:
        rows = con.execute(f"""
            SELECT a, count(*) FROM (SELECT unnest([area_id, focus_area_id]) AS a
                                     FROM incidents WHERE {where} AND duplicate_of IS NULL)
            WHERE a IS NOT NULL GROUP BY a HAVING count(*) < 3 ORDER BY a""", params).fetchall()
    return [r[0] for r in rows]


# --- Heat cells in the map's page source ----------------------------------------------------

def heat_findings(db, f: IncidentFilter, scripts: list[str], where: str) -> list[str]:
    out = []
    with duckdb.connect(str(db), read_only=True) as con:
        for script in scripts:
            cells = heat_cell_counts(con, f, script)
            small = [(p, n) for p, n in cells if n < privacy.SUPPRESS_BELOW]
            if small:
                out.append(f"{where}: {len(small)} of {len(cells)} heat cells hold under 3 "
                           f"incidents, e.g. {small[:3]}")
            weights = {round(p[2], 3) for p, _ in cells}
            if len(weights) > 5:
                out.append(f"{where}: {len(weights)} distinct heat weights (ratios of counts)")
    return out


# --- The walk ---------------------------------------------------------------------------------

def walk_oversikt(app_test, query) -> list[str]:
    at = app_test("oversikt", role="mote", mote="0", **query)
    assert not at.exception, at.exception
    out = findings(at, "Översikt")
    at.toggle(key="moteslage").set_value(True).run()
    assert not at.exception, at.exception
    out += findings(at, "Mötesläge")
    at.segmented_control(key="mote_map_shows").set_value("change").run()
    out += findings(at, "Mötesläge, karta efter ökning")
    return out


def walk_karta(app_test, query, db) -> list[str]:
    f = incident_filter(query)
    out = []
    looks = [{}, {"farg": "Per 1 000 invånare"}, {"farg": "Förändring"},
             {"lager": ["Täthet", "Heta punkter (Gi*)", "Fokusområden"]}]
    for look in looks:
        at = app_test("karta", role="mote", **query, **look)
        assert not at.exception, at.exception
        out += findings(at, f"Karta {look}")
        out += heat_findings(db, f, map_scripts(at), f"Karta {look}")
    at = app_test("karta", role="mote", **query)
    for area in small_areas(db, f)[:4] + ["fokus_kyrkgatan"]:
        at.selectbox(key="visa").set_value(area).run()
        assert not at.exception, at.exception
        out += findings(at, f"Karta, siffror för {area}")
    return out


def walk_trender(app_test, query) -> list[str]:
    out = []
    for tab in TREND_TABS:
        at = app_test("trender", role="mote", state={"trend_tab": tab}, **query)
        assert not at.exception, at.exception
        out += findings(at, f"Trender, {tab}")
        if tab == "Över tid":
            for by, view in [("area", "stack"), ("category", "small"), ("total", "stack")]:
                at.selectbox(key="trend_by").set_value(by)
                at.segmented_control(key="trend_view").set_value(view).run()
                out += findings(at, f"Trender, {tab} ({by}, {view})")
    return out


@pytest.mark.parametrize("name", FILTERS)
def test_mote_sees_no_small_count_on_any_page(app_db, app_test, name):
    query = FILTERS[name]
    seen = walk_oversikt(app_test, query) + walk_karta(app_test, query, app_db)
    seen += walk_trender(app_test, query)
    at = app_test("insatser", role="mote", **query)
    assert not at.exception
    seen += findings(at, "Insatser")
    assert not seen, "\n".join(seen[:40])


# --- Parts of a shown total on the screen --------------------------------------------------

def parts_free(total: str, parts: list[str]) -> list[str]:
    """The attacker on one total and its parts, by brute force: which "<3" parts can be
    worked out (can not take both 1 and 2)."""
    known = count_of(total)
    if "–" in parts:  # a withheld breakdown tells nothing
        return []
    hidden = [i for i, p in enumerate(parts) if p in ("<3", "dolt")]
    shown = sum(count_of(p) or 0 for p in parts)
    top = (known or 2) + 1
    ranges = [range(1, 3) if parts[i] == "<3" else range(3, top + 1) for i in hidden]
    seen = {i: set() for i in hidden}
    for combo in itertools.product(*ranges):
        t = shown + sum(combo)
        if (t == known) if known is not None else (total == "<3" and 0 < t < 3):
            for i, v in zip(hidden, combo):
                seen[i].add(v)
    return [f"part {i} ({parts[i]}) of {total}: {seen[i]}" for i in hidden
            if parts[i] == "<3" and seen[i] != {1, 2}]


def test_the_categories_give_no_small_one_away_from_the_total(app_db, app_test):
    """Översikt: the categories add up to the incidents shown above them."""
    at = app_test("oversikt", role="mote", mote="0", **ONE_DAY)
    total = next(m.value for m in at.metric if m.label == "Händelser")
    cats = list(at.dataframe[0].value["current"])
    assert "<3" in cats, "the day has categories of one or two incidents"
    assert not parts_free(total, cats), (total, cats)


def test_the_map_caption_gives_no_small_part_away(app_db, app_test):
    """Karta: incidents with a place, known by area only and by municipality only add up
    to the filter's total in the caption (a week with 1 by area, 2 by municipality)."""
    at = app_test("karta", role="mote", fran="2026-11-03", till="2026-11-09")
    caption = at.caption[0].value.replace("\u00a0", "")
    found = re.match(r"\*\*(\S+)\*\* händelser i filtret.*?\. (\S+) har en plats", caption)
    area_only = re.search(r"; (\S+) är bara kända på områdesnivå", caption)
    muni = re.search(r"; \*\*(\S+)\*\* är bara kända på kommunnivå", caption)
    parts = [found.group(2), area_only.group(1), muni.group(1)]
    assert "<3" in parts, caption
    assert not parts_free(found.group(1), parts), caption


# --- Downloads: the sharing exports, alone and together -------------------------------------

def shared(db, f, by):
    with duckdb.connect(str(db), read_only=True) as con:
        return export.shared_export(con, f, by)


def count_of(text: str) -> int | None:
    text = str(text).replace("\u00a0", "")
    return int(text) if text.isdigit() else None


def hidden_range(cells: dict, margins: list, target) -> tuple[int, int]:
    """The attacker: least and greatest value of hidden cell ``target`` of the area x
    category download, given its shown cells, the downloads per area and per category
    and the total (each as published: a number, "<3" = 1-2, "dolt" = at least 3)."""
    from scipy.optimize import linprog

    hidden = [k for k, text in cells.items() if count_of(text) is None]
    col = {k: i for i, k in enumerate(hidden)}
    a_eq, b_eq, a_ub, b_ub = [], [], [], []
    for members, text in margins:
        row = np.zeros(len(hidden))
        for k in members:
            if k in col:
                row[col[k]] = 1
        shown = sum(count_of(cells[k]) or 0 for k in members)
        if not row.any() or text not in ("<3", "dolt") and count_of(text) is None:
            continue
        if text == "<3":
            a_ub += [row, -row]
            b_ub += [2 - shown, shown - 1]
        elif text == "dolt":
            a_ub.append(-row)
            b_ub.append(shown - 3)
        else:
            a_eq.append(row)
            b_eq.append(count_of(text) - shown)
    bounds = [(1, 2) if cells[k] == "<3" else (3, None) if cells[k] == "dolt" else (0, None)
              for k in hidden]
    c = np.array([k == target for k in hidden], dtype=float)
    kw = dict(A_eq=np.array(a_eq) if a_eq else None, b_eq=b_eq or None,
              A_ub=np.array(a_ub) if a_ub else None, b_ub=b_ub or None, bounds=bounds)
    return round(linprog(c, **kw).fun), round(-linprog(-c, **kw).fun)


@pytest.mark.parametrize("name", FILTERS)
def test_the_sharing_downloads_together_give_no_small_count_away(app_db, name):
    """Per area, per category and per area x category, downloaded together with the
    total Översikt shows: no "<3" can be worked out (the issue: Fjällmon Samling/häng = 2
    over 90 days came out of the two downloads)."""
    f = incident_filter(FILTERS[name])
    pair = shared(app_db, f, ("area", "category"))
    areas, cats = shared(app_db, f, ("area",)), shared(app_db, f, ("category",))
    for table in (pair, areas, cats):
        assert not any(count_of(v) in (1, 2) for v in table["Antal"]), table
    cells = {(r["Område"], r["Kategori"]): r["Antal"] for _, r in pair.iterrows()}
    margins = [([k for k in cells if k[0] == r["Område"]], r["Antal"]) for _, r in areas.iterrows()]
    margins += [([k for k in cells if k[1] == r["Kategori"]], r["Antal"])
                for _, r in cats.iterrows()]
    with duckdb.connect(str(app_db), read_only=True) as con:
        total = export.incident_count(con, f)
    margins.append((list(cells), privacy.text(total, privacy.primary(total))))
    small = [k for k, text in cells.items() if text == "<3"]
    assert small, "the filter should have small cells to protect"
    for k in small:
        assert hidden_range(cells, margins, k) == (1, 2), k


def test_mote_cannot_open_fore_efter(app_db, app_test):
    """The evaluation page shows one area's exact before/after counts over the user's own
    windows and categories (one month of fires gives counts of 1-2): it is for analysts
    and admins; the meeting role gets a Swedish word and no figure."""
    at = app_test("fore_efter", role="mote", state={"fe_months": 1, "fe_categories": ["brand"]})
    assert not at.exception
    assert any("ger inte tillgång" in w.value for w in at.warning)
    assert not at.metric and not at.dataframe and not at.get("download_button")
    assert not findings(at, "Före/efter")


# --- Order: a list sorted by count tells hidden counts apart ----------------------------------

def hidden_rows_in_name_order(rows: list[tuple[str, str]]) -> bool:
    """``rows`` as (name, count text) in the order shown: the rows whose count is hidden
    come after the shown ones and by name, so their order says nothing of their counts
    (sorted by count, a "<3" of 2 would stand before a "<3" of 1)."""
    hidden = [n for n, c in rows if c in ("<3", "dolt", "–")]
    first_hidden = next((i for i, (_, c) in enumerate(rows) if c in ("<3", "dolt", "–")), len(rows))
    return hidden == sorted(hidden) and all(c in ("<3", "dolt", "–") for _, c in rows[first_hidden:])


def test_lists_sorted_by_count_put_hidden_counts_by_name(app_db, app_test):
    """Översikt's tables, Trender's ranking and the series' order (largest first) would
    otherwise give the order of the hidden counts away; and the meeting view's "largest
    increase" would tell a "<3 → <3" that rose (1 → 2)."""
    at = app_test("oversikt", role="mote", mote="0", **ONE_CATEGORY)
    areas = at.dataframe[1].value
    stat = areas[~areas["Område"].str.endswith("★")]
    assert hidden_rows_in_name_order(list(zip(stat["Område"], stat["current"])))
    at = app_test("oversikt", role="mote", mote="0", **ONE_DAY)
    cats = at.dataframe[0].value
    assert hidden_rows_in_name_order(list(zip(cats["Kategori"], cats["current"])))
    at = app_test("trender", role="mote", state={"trend_tab": "Områden"}, **ONE_CATEGORY)
    rank = at.dataframe[0].value
    stat = rank[rank["Typ"] == "DeSO"]
    assert hidden_rows_in_name_order(list(zip(stat["Område"], stat["current"])))
    at = app_test("trender", role="mote", state={"trend_view": "small"}, **ONE_DAY)
    spec = json.loads(at.get("plotly_chart")[0].proto.spec)
    titles = [re.match(r"<b>(.*)</b> \((.*)\)", a["text"]).groups()
              for a in spec["layout"]["annotations"] if a["text"].startswith("<b>")]
    titles = [t for t in titles if t[0] != "Övriga"]  # always last, whatever its count
    assert hidden_rows_in_name_order(titles), repr(titles)[:2000]


def test_the_largest_increases_list_no_hidden_counts(app_db, app_test):
    at = app_test("oversikt", role="mote", **ONE_CATEGORY)
    at.toggle(key="moteslage").set_value(True).run()
    for table in at.table:
        df = table.value
        if "Ökning" in df.columns:
            assert not set(df["Före"]) & {"<3", "dolt", "–"} and not set(df["Nu"]) & {"<3", "dolt", "–"}
