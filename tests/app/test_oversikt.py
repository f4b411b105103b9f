"""AppTest of Översikt: the normal view, Mötesläge, meetings added/removed in the UI, and
the alert block on unusual weeks."""
from __future__ import annotations

import datetime as dt
import json

import duckdb

from est_data.store.db import open_db
from est_data.trends import alerts as alerting
from json_util import readable


def meeting_count(path) -> int:
    with duckdb.connect(str(path), read_only=True) as con:
        return con.execute("SELECT count(*) FROM meetings").fetchall()[0][0]


def test_normal_view_has_meetings_and_lagesbild(app_db, app_test):
    at = app_test()
    assert not at.exception
    assert at.title[0].value == "Översikt"
    assert at.toggle(key="moteslage").value is False
    assert any(e.label.startswith("Möten (26 sparade)") for e in at.expander)
    downloads = [b.proto.label for b in at.get("download_button")]
    assert downloads == ["Lägesbild (PNG)", "Lägesbild (PDF)"]


def test_meeting_mode(app_db, app_test):
    at = app_test()
    at.toggle(key="moteslage").set_value(True).run()
    assert not at.exception
    assert at.title[0].value.startswith("Lägesbild ")
    # The demo's last meeting (2026-11-12) was three days before the data end: too short
    # to compare, so the usual meeting cycle (every other week) is shown, and said so.
    assert any("Senaste 14 dagarna: 2026-11-02 – 2026-11-15" in m.value
               and "jämfört med 14 dagar före (2026-10-19 – 2026-11-01)" in m.value
               for m in at.markdown)
    assert any("Förra mötet 2026-11-12 var bara 3 dagar sedan" in c.value for c in at.caption)
    labels = [m.label for m in at.metric]
    assert labels[:3] == ["Händelser", "Arågränd ★", "Kyrkgatan ★"] or \
        labels[:3] == ["Händelser", "Kyrkgatan ★", "Arågränd ★"]
    # At most five: the largest categories among those whose count is shown (a "<3"
    # among the largest would say which small counts are larger than the others).
    assert 3 <= len(labels) <= 5
    assert [t.label for t in at.tabs][:3] == ["Störst ökning", "Ovanliga veckor (0)", "Åtgärder"]
    # Measures: the demo's are from 2025 and still running, so none is "new".
    assert any("Inga nya åtgärder sedan förra mötet" in m.value for m in at.markdown)
    assert any("Pågår sedan 2025-11-07: Nattvandring fredagar och lördagar" in m.value
               for m in at.markdown)
    assert len(at.table) in (0, 1)
    maps = at.get("component_instance")
    assert len(maps) == 1
    args = json.loads(maps[0].proto.json_args)
    assert "L.heatLayer(" in args["script"] and "L.control.layers(" not in args["script"]
    assert "est-large-map" in args["script"]
    assert args["returned_objects"] == []
    # One click zooms to each focus area; the legend folds; the map fills its frame.
    assert '"label": "Kyrkgatan"' in args["script"] and "fitBounds" in args["script"]
    assert "Teckenf\\u00f6rklaring" in args["script"] or "Teckenförklaring" in args["script"]
    assert "100vh" in args["header"]
    # The projector look: sidebar and toolbar hidden, large type, sized to the window.
    css = " ".join(h.proto.body for h in at.get("html"))
    assert 'section[data-testid="stSidebar"]' in css and "calc(100vh" in css
    # The address bar holds the kiosk link.
    assert at.query_params["mote"] == ["1"] or at.query_params["mote"] == "1"


def test_the_narrative_says_the_tiles_numbers_and_equals_the_cli(app_db, app_test, capsys):
    from est_data.cli import main

    at = app_test(mote="1")
    text = next(m.value for m in at.markdown if m.value.startswith("Senaste 14 dagarna ("))
    assert f"registrerades {at.metric[0].value} händelser" in text
    for tile in at.metric[1:]:
        assert f"{tile.label.replace(' ★', '')} {tile.value}" in text, (tile.label, text)
    assert main(["lagesbild", "--db", str(app_db), "--text"]) == 0
    assert capsys.readouterr().out.strip() == text
    labels = [b.proto.label for b in at.get("download_button")]
    assert labels == ["Texten (TXT)", "Lägesbild (PNG)", "Lägesbild (PDF)"]


def test_meeting_mode_since_the_last_meeting(app_db, app_test):
    """With a meeting long enough ago the period is "since the last meeting"."""
    with duckdb.connect(str(app_db)) as con:
        con.execute("DELETE FROM meetings WHERE held_on = DATE '2026-11-12'")
    at = app_test(mote="1")
    assert not at.exception
    assert at.toggle(key="moteslage").value is True
    assert any("Sedan förra mötet 2026-10-29: 2026-10-30 – 2026-11-15 (17 dagar)" in m.value
               and "jämfört med 17 dagar före" in m.value for m in at.markdown)
    assert not any("var bara" in c.value for c in at.caption)


def test_meeting_mode_ignores_the_sidebar_filter_and_says_so(app_db, app_test):
    everything = app_test(mote="1")
    klotter = app_test(mote="1", kategorier="klotter")
    assert not klotter.exception
    assert klotter.metric[0].value == everything.metric[0].value
    assert any("sidopanelens filter gäller inte mötesläget" in c.value for c in klotter.caption)


def test_kiosk_link_and_refresh(app_db, app_test):
    at = app_test(mote="1", uppdatera="5")
    assert not at.exception
    assert at.title[0].value.startswith("Lägesbild ")
    assert any("Uppdateras var 5:e minut" in c.value for c in at.caption)
    at.toggle(key="moteslage").set_value(False).run()
    assert at.title[0].value == "Översikt" and "mote" not in at.query_params


def test_the_meeting_role_starts_in_meeting_mode(app_db, app_test):
    at = app_test("oversikt", role="mote")
    assert not at.exception
    assert at.toggle(key="moteslage").value is True
    assert at.title[0].value.startswith("Lägesbild ")
    assert app_test("oversikt", role="mote", mote="0").title[0].value == "Översikt"
    assert app_test("oversikt", role="analytiker").title[0].value == "Översikt"


def test_new_measures_and_imports_are_marked(app_db, app_test):
    with duckdb.connect(str(app_db)) as con:
        con.execute("DELETE FROM meetings WHERE held_on = DATE '2026-11-12'")
        con.execute("""INSERT INTO interventions (intervention_id, area_id, kind, title, started_on)
                       SELECT 'ny-1', area_id, 'belysning', 'Ny belysning i gränden',
                              DATE '2026-11-05' FROM areas WHERE is_focus LIMIT 1""")
        con.execute("UPDATE import_batches SET imported_at = TIMESTAMP '2026-01-01 08:00'")
        con.execute("UPDATE import_batches SET imported_at = TIMESTAMP '2026-11-02 08:00' "
                    "WHERE batch_id = (SELECT min(batch_id) FROM import_batches)")
    at = app_test(mote="1")
    texts = [m.value for m in at.markdown]
    assert any(t.startswith("**Ny 2026-11-05**: Ny belysning i gränden") for t in texts), texts
    assert any("**Ny data:** 1 import sedan förra mötet." == t for t in texts)
    assert not any("Inga nya åtgärder" in t for t in texts)


def test_meeting_mode_without_meetings_warns(app_db, app_test):
    with duckdb.connect(str(app_db)) as con:
        con.execute("DELETE FROM meetings")
    at = app_test()
    at.toggle(key="moteslage").set_value(True).run()
    assert not at.exception
    assert any("Inga tidigare möten" in c.value for c in at.caption)


def test_add_and_remove_a_meeting(app_db, app_test):
    before = meeting_count(app_db)
    at = app_test()
    at.date_input[0].set_value(dt.date(2026, 11, 14))
    at.text_input[0].set_value("Extrainsatt möte")
    at.button[0].click().run()
    assert not at.exception
    assert any("2026-11-14 är sparat" in s.value for s in at.success)
    assert meeting_count(app_db) == before + 1
    # The last meeting is now the new one (one day ago: the usual cycle is shown).
    at.toggle(key="moteslage").set_value(True).run()
    assert any("Förra mötet 2026-11-14 var bara 1 dag sedan" in c.value for c in at.caption)
    at.toggle(key="moteslage").set_value(False).run()
    at.selectbox(key="remove_meeting").set_value("mote-2026-11-14").run()
    next(b for b in at.button if b.label == "Ta bort").click().run()
    assert not at.exception
    assert meeting_count(app_db) == before


def test_duplicate_meeting_gives_swedish_error(app_db, app_test):
    before = meeting_count(app_db)
    at = app_test()
    at.date_input[0].set_value(dt.date(2026, 11, 12))
    at.button[0].click().run()
    assert not at.exception
    assert any("Det finns redan ett möte 2026-11-12" in e.value for e in at.error)
    assert meeting_count(app_db) == before


def test_meeting_mode_lists_unusual_weeks(app_db, app_test):
    """A planted jump in the meeting's last week shows up as a Swedish sentence."""
    with duckdb.connect(str(app_db)) as con:
        con.execute("""INSERT INTO incidents (incident_id, source, occurred_at, category,
                           raw_category, precision, area_id)
                       SELECT 'plant-' || i, 'kommun', TIMESTAMP '2026-11-14 12:00'
                                  + i * INTERVAL 5 MINUTE, 'brand', 'Brand', 'area', '2380C1310'
                       FROM range(12) t(i)""")
    at = app_test()
    at.toggle(key="moteslage").set_value(True).run()
    assert not at.exception
    texts = [m.value for m in at.markdown]
    assert at.tabs[1].label == "Ovanliga veckor (1)"
    # Not flagged in the week that ended on the last meeting's day: new since then.
    assert any(t.startswith("- **Ny:** Brand i statistikområdet Brittsbo") and
               "senaste veckan, normalt" in t for t in texts), texts
    assert any(c.value == alerting.MEANING for c in at.caption)


def test_meeting_mode_without_unusual_weeks_says_nothing_about_them(app_db, app_test):
    at = app_test()
    at.toggle(key="moteslage").set_value(True).run()
    assert not at.exception
    assert at.title[0].value.startswith("Lägesbild ")  # the meeting view is there to look at
    assert at.tabs[1].label == "Ovanliga veckor (0)"
    assert any("Inget område har ovanligt många" in m.value for m in at.markdown)


def test_meeting_map_can_show_where_it_increased(app_db, app_test):
    at = app_test()
    at.toggle(key="moteslage").set_value(True).run()
    at.segmented_control(key="mote_map_shows").set_value("change").run()
    assert not at.exception
    script = json.loads(at.get("component_instance")[0].proto.json_args)["script"]
    assert "L.heatLayer(" not in script
    assert "Förändring mot föregående period" in readable(script)
    # The meeting view keeps small counts hidden: their areas get no change colour.
    assert "För få händelser att jämföra" in readable(script)


# --- The alert block: unusual weeks in the normal view -----------------------------------------

def _plant_jump(path) -> dt.date:
    """Ten graffiti reports in one area during the last week of the data."""
    with open_db(path) as con:
        last = con.execute("SELECT max(occurred_at) FROM incidents").fetchall()[0][0]
        rows = [(f"test:{i}", "kommun", str(i), last - dt.timedelta(hours=3 * i), "klotter",
                 "point", "2380C1140", "Klotter på fasad.") for i in range(10)]
        con.executemany(
            "INSERT INTO incidents (incident_id, source, source_ref, occurred_at, category, "
            "precision, area_id, description) VALUES (?, ?, ?, ?, ?, ?, ?, ?)", rows)
    return last.date()


def test_oversikt_lists_unusual_weeks(app_db, app_test):
    _plant_jump(app_db)
    at = app_test()
    assert not at.exception
    assert "Ovanligt många händelser senaste veckan" in [s.value for s in at.subheader]
    texts = [w.value for w in at.warning]
    assert any(t.startswith("Klotter i statistikområdet Norra Odenslund-Odenskog (C1140): 1")
               and "normalt" in t for t in texts), texts
    assert not at.success


def test_oversikt_says_when_nothing_is_unusual(app_db, app_test):
    with duckdb.connect(str(app_db)) as con:
        con.execute("DELETE FROM incidents WHERE occurred_at >= "
                    "(SELECT max(occurred_at) - INTERVAL 6 DAY FROM incidents) "
                    "AND occurred_at < (SELECT max(occurred_at) FROM incidents)")
    at = app_test()
    assert not at.exception
    assert not at.warning
    assert any("Inget område har ovanligt många" in s.value for s in at.success)


def test_oversikt_says_when_the_history_is_too_short_for_alerts(app_db, app_test):
    """Ten weeks of data cannot say what is normal: a note, and no "nothing unusual"."""
    with duckdb.connect(str(app_db)) as con:
        con.execute("DELETE FROM incidents WHERE occurred_at < "
                    "(SELECT max(occurred_at) - INTERVAL 70 DAY FROM incidents)")
    at = app_test()
    assert not at.exception
    assert any(i.value.startswith(alerting.TOO_SHORT) for i in at.info), [i.value for i in at.info]
    assert not any("Inget område har ovanligt många" in s.value for s in at.success)
