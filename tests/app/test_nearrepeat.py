"""AppTest of near repeats: the warning on Översikt and in Mötesläge (planted near
repeats), the Knox tab of Trender, and Trender's tab in the link by its code."""
from __future__ import annotations

import json

import pytest

from handmade_db import make_db
from nearrepeat_world import burglaries

SENTENCE = ("2 inbrott inom 100 m på 3 dagar vid Fokus: grannarna löper förhöjd risk till "
            "och med 2026-11-19")


@pytest.fixture
def planted_db(tmp_path, monkeypatch):
    path = make_db(tmp_path / "nr.duckdb", burglaries())
    monkeypatch.setenv("EST_DB", str(path))
    return path


def texts(at) -> str:
    parts = [e.value for kind in ("warning", "markdown", "caption", "info", "subheader")
             for e in at.get(kind)]
    parts += [e.label for e in at.expander]
    return "\n".join(str(p) for p in parts)


def zone_script(at) -> str:
    maps = [m for m in at.get("component_instance") if "nr_zone" in json.loads(
        m.proto.json_args).get("key", "") or "#b2182b" in m.proto.json_args]
    assert len(maps) == 1
    return json.loads(maps[0].proto.json_args)["script"]


def test_oversikt_warns_of_planted_near_repeats_with_the_zone(planted_db, app_test):
    at = app_test(role="analytiker", period="30d")
    assert not at.exception
    assert SENTENCE in [w.value for w in at.warning]
    assert "Nära upprepade inbrott" in [s.value for s in at.subheader]
    script = zone_script(at)
    assert "Polygon" in script and "Storgatan" not in script
    # Addresses only for the EST group, folded away.
    assert any(e.label.startswith("Adresser") for e in at.expander)
    tables = [d.value for d in at.dataframe if "Adresser" in d.value.columns]
    assert [list(t["Adresser"]) for t in tables] == [["Storgatan 3, Storgatan 5"]]


def test_meeting_role_gets_the_zone_but_no_addresses_or_small_counts(planted_db, app_test):
    at = app_test(role="mote", period="30d")
    assert not at.exception
    words = texts(at)
    assert "Upprepade inbrott inom 100 m på 3 dagar vid Fokus" in words
    assert "2 inbrott" not in words and "Storgatan" not in words
    assert "Storgatan" not in zone_script(at)
    assert not [d for d in at.dataframe if "Adresser" in d.value.columns]


def test_meeting_view_shows_the_warning_in_large(planted_db, app_test):
    at = app_test(role="analytiker", period="30d")
    at.toggle(key="moteslage").set_value(True).run()
    assert not at.exception
    words = texts(at)
    # The projector: no addresses and no small count, whatever the role.
    assert "### Nära upprepade inbrott" in words
    assert "Upprepade inbrott inom 100 m på 3 dagar vid Fokus" in words
    assert "2 inbrott" not in words and "Storgatan" not in words
    assert "Storgatan" not in zone_script(at)


def test_no_warning_on_the_demo_where_the_test_finds_none(app_db, app_test):
    at = app_test()
    assert not at.exception
    assert "Nära upprepade inbrott" not in [s.value for s in at.subheader]


def test_trender_knox_tab_from_the_link(planted_db, app_test):
    at = app_test("trender", "analytiker", flik="nara", fran="2026-05-18", till="2026-11-15")
    assert not at.exception
    assert at.session_state["trend_tab"] == "Nära upprepning"
    assert at.query_params["flik"] == ["nara"] or at.query_params["flik"] == "nara"
    table = at.dataframe[0].value
    assert list(table.columns)[:2] == ["0–7 dagar", "8–14 dagar"]
    assert list(table.index)[:3] == ["Samma plats", "1–100 m", "101–200 m"]
    assert table.loc["1–100 m", "0–7 dagar"].endswith("(p 0,01) *")
    assert "Knox-test" in texts(at)
    at.selectbox(key="nr_perms").set_value(199).run()
    assert not at.exception
    assert at.dataframe[0].value.loc["1–100 m", "0–7 dagar"].endswith("(p 0,005) *") or \
        "(p 0,01)" in at.dataframe[0].value.loc["1–100 m", "0–7 dagar"]


def test_knox_tab_asks_for_a_longer_period_when_short(planted_db, app_test):
    at = app_test("trender", "analytiker", flik="nara", period="30d")
    assert not at.exception
    assert any(c.value.startswith("Kort period för tidsbanden") for c in at.caption)


def test_meeting_role_has_no_knox_tab_even_from_a_link(planted_db, app_test):
    at = app_test("trender", "mote", flik="nara")
    assert not at.exception
    assert "Nära upprepning" not in [t.label for t in at.tabs]
    assert at.session_state["trend_tab"] == "Över tid"


@pytest.mark.parametrize("code, label", [("vecka", "Veckodag och klockslag"),
                                         ("omraden", "Områden"), ("handelser", "Händelser")])
def test_trender_opens_the_tab_of_the_link(app_db, app_test, code, label):
    at = app_test("trender", flik=code)
    assert not at.exception
    assert at.session_state["trend_tab"] == label


def test_trender_writes_the_open_tab_as_a_code(app_db, app_test):
    at = app_test("trender")
    assert "flik" not in at.query_params  # the first tab: the link stays short
    at.session_state["trend_tab"] = "Veckodag och klockslag"
    at.run()
    assert not at.exception
    assert at.query_params["flik"] in ("vecka", ["vecka"])
    at.session_state["trend_tab"] = "Över tid"
    at.run()
    assert "flik" not in at.query_params
