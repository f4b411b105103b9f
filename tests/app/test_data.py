"""AppTest of the Data page: upload, mapping, check, import, history, undo, quality."""
from __future__ import annotations

import stat

import pytest

from est_data.core import config
from est_data.store.db import open_db

KOMMUN_FILE = ("ID\tDatum tid\tKategori\tPlats\tX\tY\tAnteckning\r\n"
               "KX-1\t2026-11-10 kl 22.15\tKlotter\tStorgatan 3\t7005607,3\t481680,7\t"
               "Ring 070-123 45 67\r\n"
               "KX-2\t2026-11-11 kl 07.05\tSnöskottning saknas\t\t\t\tVid skolan\r\n"
               "KX-3\t\tKlotter\t\t\t\t\r\n").encode("utf-8-sig")


def _count(db, sql="SELECT count(*) FROM incidents"):
    with open_db(db, read_only=True) as con:
        return con.execute(sql).fetchall()[0][0]


def test_data_page_shows_history_and_quality(app_db, app_test):
    at = app_test("data", timeout=90)
    assert not at.exception
    assert at.selectbox(key="data_actor").value is None      # never a silent default actor
    assert at.title[0].value == "Data"
    assert [t.label for t in at.tabs] == ["Importera fil", "Importhistorik",
                                          "Datakvalitet per aktör", "Okända kategoriord",
                                          "Ändringslogg"]
    # The demo's words all have a category.
    assert any("Alla lagrade kategoriord har en kategori" in i.value for i in at.info)
    history, quality = at.dataframe[0].value, at.dataframe[1].value
    assert len(history) == 5                                  # the demo's five batches
    assert set(quality["actor"]) == {"Östersundshem", "Övriga fastighetsägare", "Polisen",
                                     "Östersunds kommun", "Nattvandrarna"}
    assert any("Välj aktör och ladda upp" in i.value for i in at.info)
    # A file without an actor is not read until the actor is chosen.
    at.file_uploader[0].set_value(("x.csv", b"Datum;Kategori\n2026-01-01;Klotter\n",
                                   "text/csv")).run()
    assert any("Välj aktören" in w.value for w in at.warning)


def test_upload_check_import_and_undo(app_db, app_test):
    before = _count(app_db)
    at = app_test("data", timeout=90)
    at.selectbox(key="data_actor").set_value("kommun")
    at.file_uploader[0].set_value(("klotterlogg.txt", KOMMUN_FILE, "text/plain")).run()
    assert not at.exception
    assert any("tabbseparerad" in m.value for m in at.markdown)
    assert at.selectbox(key="data_map_kommun_datetime").value == "Datum tid"
    assert at.selectbox(key="data_map_kommun_category").value == "Kategori"
    at.button(key="data_check").click().run()
    assert not at.exception
    labels = {m.label: m.value for m in at.metric}
    assert labels["Rader i filen"] == "3" and labels["Nya händelser"] == "2"
    assert labels["Avvisade"] == "1"
    assert _count(app_db) == before                           # nothing written yet
    texts = " ".join(str(df.value) for df in at.dataframe)
    assert "Snöskottning saknas" in texts and "Datum saknas" in texts
    at.button(key="data_commit").click().run()
    assert not at.exception
    assert any("Importen är klar" in s.value for s in at.success)
    assert _count(app_db) == before + 2
    assert _count(app_db, "SELECT count(*) FROM incidents WHERE description LIKE '%070-123%'") == 0
    # The import is listed and can be undone.
    at.run()
    assert at.selectbox(key="data_batch").value.startswith("kommun-")
    at.checkbox(key="data_sure").check().run()
    at.button(key="data_undo").click().run()
    assert not at.exception
    assert any("Importen är ångrad: 2 händelser" in s.value for s in at.success)
    assert _count(app_db) == before


def test_an_upload_waits_owner_only_and_goes_with_its_import(app_db, app_test):
    """An upload holds personal data unmasked: it waits in the data folder's uploads/
    (never a world-readable file in /tmp), readable by the server's user only, and is
    removed once its import is done; the uploader is empty again (issue 12, item 10)."""
    folder = config.upload_dir(app_db)
    at = app_test("data", timeout=90)
    at.selectbox(key="data_actor").set_value("kommun")
    at.file_uploader[0].set_value(("klotterlogg.txt", KOMMUN_FILE, "text/plain")).run()
    waiting = list(folder.iterdir()) if folder.is_dir() else []
    assert [stat.S_IMODE(p.stat().st_mode) for p in waiting] == [0o600]
    at.button(key="data_check").click().run()
    at.button(key="data_commit").click().run()
    assert not at.exception
    assert any("Importen är klar" in s.value for s in at.success)
    assert list(folder.iterdir()) == []
    assert at.file_uploader[0].value is None


def test_new_actor_with_corrected_mapping_saved_as_profile(app_db, tmp_path, monkeypatch, app_test):
    monkeypatch.setattr(config, "PROFILES_DIR", tmp_path / "profiles")
    at = app_test("data", timeout=90)
    at.selectbox(key="data_actor").set_value("__ny__").run()
    at.text_input(key="data_new_name").input("Bostadsbolaget Öst").run()
    # Columns that say nothing by name: the date is found by its values, the rest not.
    text = "K1;K2;K3\n2026-11-01;Tjoflöjt;Storgatan 1\n".encode("utf-8")
    at.file_uploader[0].set_value(("ost.csv", text, "text/csv")).run()
    assert not at.exception
    assert at.selectbox(key="data_map_bostadsbolaget_ost_date").value == "K1"
    assert any("kategori" in w.value for w in at.warning)
    assert at.button(key="data_check").disabled
    at.selectbox(key="data_map_bostadsbolaget_ost_category").set_value("K2").run()
    why = next((df.value for df in at.dataframe if "Säkerhet" in df.value.columns), None)
    assert why is not None and list(why["Kolumn"]) == ["K1", "K2", "K3"]
    assert list(why["Säkerhet"]) == ["trolig (55 %)", "ändrad för hand", "trolig (55 %)"]
    assert list(why["Varför"])[2] == "100 % av värdena är gatuadresser"
    at.button(key="data_save_profile").click().run()
    assert not at.exception
    saved = (tmp_path / "profiles" / "bostadsbolaget_ost.toml").read_text(encoding="utf-8")
    assert 'date = "K1"' in saved and 'category = "K2"' in saved
    at.button(key="data_check").click().run()
    at.button(key="data_commit").click().run()
    assert not at.exception
    assert _count(app_db, "SELECT count(*) FROM incidents WHERE source = 'bostadsbolaget_ost'") == 1
    assert _count(app_db, "SELECT name FROM actors WHERE source = 'bostadsbolaget_ost'") == \
        "Bostadsbolaget Öst"


@pytest.mark.parametrize("content,message", [
    (bytes(range(256)) * 10, "Filen kan inte läsas"),
    (b"", "Filen kan inte läsas"),
], ids=["binary", "empty"])
def test_unreadable_upload_gives_a_swedish_message(app_db, content, message, app_test):
    at = app_test("data", timeout=90)
    at.selectbox(key="data_actor").set_value("polisen")
    at.file_uploader[0].set_value(("junk.csv", content, "text/csv")).run()
    assert not at.exception
    assert any(message in e.value for e in at.error)


def test_upload_size_limit(app_db, monkeypatch, app_test):
    monkeypatch.setattr(config, "MAX_UPLOAD_MB", 0)
    at = app_test("data", timeout=90)
    at.file_uploader[0].set_value(("klotterlogg.txt", KOMMUN_FILE, "text/plain")).run()
    assert not at.exception
    assert any("gränsen här är 0 MB" in e.value for e in at.error)


def test_police_feed_upload(app_db, app_test):
    from ingest_util import POLICE_FILE

    at = app_test("data", timeout=90)
    at.selectbox(key="data_actor").set_value("polisen")
    at.file_uploader[0].set_value(("events.json", POLICE_FILE.read_bytes(),
                                   "application/json")).run()
    assert not at.exception
    assert any("Polisens händelseflöde" in i.value for i in at.info)
    at.button(key="data_check").click().run()
    labels = {m.label: m.value for m in at.metric}
    assert labels["Nya händelser"] == "697" and labels["Överhoppade"] == "2\u00a0699"


def test_excel_workbook_with_two_sheets(app_db, tmp_path, app_test):
    import datetime as dt

    import openpyxl

    book = openpyxl.Workbook()
    book.active.title = "Instruktioner"
    book.active.append(["Fyll i bladet Rapporter", "en rad per händelse"])
    sheet = book.create_sheet("Rapporter")
    sheet.append(["Ärende-ID", "Datum", "Tid", "Typ", "Fastighet/adress", "Lat", "Long", "Kommentar"])
    sheet.append(["AO-1", dt.date(2026, 11, 1), dt.time(22, 15), "Klotter", "Storgatan 1",
                  63.1792, 14.6361, "Tags på dörren"])
    path = tmp_path / "rapport.xlsx"
    book.save(path)
    at = app_test("data", timeout=90)
    at.selectbox(key="data_actor").set_value("fastighetsagare")
    at.file_uploader[0].set_value(("rapport.xlsx", path.read_bytes(),
                                   "application/vnd.ms-excel")).run()
    assert not at.exception
    sheet_box = [s for s in at.selectbox if s.label == "Blad i arbetsboken"][0]
    assert sheet_box.value == "Rapporter"          # the profile names the sheet
    at.button(key="data_check").click().run()
    assert {m.label: m.value for m in at.metric}["Nya händelser"] == "1"
    at.button(key="data_commit").click().run()
    assert not at.exception
    assert _count(app_db, "SELECT count(*) FROM incidents WHERE source_ref = 'AO-1' "
                          "AND precision = 'point' AND focus_area_id = 'fokus_kyrkgatan'") == 1


def test_imports_from_the_app_are_in_the_change_log(app_db):
    """Writes through the Data page's service are logged with who and when."""
    import duckdb

    from est_data.ingest import service

    csv = app_db.parent / "k.csv"
    csv.write_text("Datum;Kategori;Lat;Lon\n2026-11-01 22:15;Klotter;63.1790;14.6380\n", encoding="utf-8")
    report = service.commit_file(app_db, csv, "ny_aktor", None, "k.csv", username="anna")
    service.undo_import(app_db, report.batch_id, username="anna")
    con = duckdb.connect(str(app_db), read_only=True)
    log = con.execute("SELECT username, action FROM audit_log ORDER BY logged_at, rowid").fetchall()
    con.close()
    assert log[-2:] == [("anna", "import"), ("anna", "import.undo")]


def test_a_guess_with_open_questions_asks_before_the_import(app_db, app_test):
    """Issue 13, item 5: the Data page asks the CLI's questions before importing."""
    before = _count(app_db)
    at = app_test("data", timeout=90)
    at.selectbox(key="data_actor").set_value("__ny__").run()
    at.text_input(key="data_new_name").input("Väktarbolaget").run()
    text = ("Datum;Händelse;Klockan\n2026-11-01;Trafikbrott;22:10\n"
            "2026-11-02;Hittegods;23:40\n2026-11-03;Klotter;01:15\n").encode("utf-8")
    at.file_uploader[0].set_value(("v.csv", text, "text/csv")).run()
    # The time column is unused once the person takes it away: a question.
    at.selectbox(key="data_map_vaktarbolaget_time").set_value("— ingen —").run()
    at.button(key="data_check").click().run()
    assert not at.exception
    asked = [c for c in at.checkbox if c.key.startswith("data_q_")]
    assert [c.key for c in asked] == ["data_q_unused_time_0", "data_q_ovrigt_1"]
    assert "Kolumnen ”Klockan” ser ut att innehålla klockslag" in asked[0].label
    assert at.button(key="data_commit").disabled
    for c in asked:
        c.check()
    at.run()
    assert not at.button(key="data_commit").disabled
    at.button(key="data_commit").click().run()
    assert not at.exception
    assert _count(app_db) == before + 3


def test_an_unknown_word_gets_its_category_in_the_app(app_db, app_test, tmp_path, monkeypatch):
    """Issue 13, item 7: the stored word without a category is listed; the admin picks
    one, the incidents change at once and the word lands in the actor's profile."""
    import shutil

    from est_data.ingest import import_file
    from est_data.ingest.profiles import load_profile
    from est_data.ingest.recategorize import word_key
    from est_data.store.db import write_session

    path = tmp_path / "klotterlogg.txt"
    path.write_bytes(KOMMUN_FILE)
    with write_session(app_db) as con:
        import_file(con, path, "kommun")
    folder = tmp_path / "profiles"
    folder.mkdir()
    shutil.copy(config.PROFILES_DIR / "kommun.toml", folder / "kommun.toml")
    monkeypatch.setattr(config, "PROFILES_DIR", folder)
    ovrigt = "SELECT count(*) FROM incidents WHERE category = 'ovrigt'"
    before = _count(app_db, ovrigt)
    at = app_test("data", timeout=90)
    assert not at.exception
    listed = " ".join(str(df.value) for df in at.dataframe)
    assert "Snöskottning saknas" in listed and "Vid skolan" in listed    # with its example
    # The import's report (history tab) shows the rule that gave each word its category.
    rules = next(df.value for df in at.dataframe if "Regel" in df.value.columns
                 and "Kategori" in df.value.columns)
    assert rules.values.tolist() == [["Klotter", 2, "Klotter", "exakt ord"],   # rows in the file
                                     ["Snöskottning saknas", 1, "Övrigt", "okänt"]]
    key = word_key("kommun", "Snöskottning saknas")
    assert at.selectbox(key=f"data_word_{key}").value is None           # no silent default
    assert at.button(key=f"data_word_save_{key}").disabled
    at.selectbox(key=f"data_word_{key}").set_value("otrygg_plats").run()
    at.button(key=f"data_word_save_{key}").click().run()
    assert not at.exception
    assert any("1 händelser med ordet \"Snöskottning saknas\" är nu Otrygg plats" in s.value
               for s in at.success)
    assert _count(app_db, ovrigt) == before - 1
    assert load_profile("kommun").categories["Snöskottning saknas"] == "otrygg_plats"
    assert any("Alla lagrade kategoriord har en kategori" in i.value for i in at.info)


def test_preview_names_the_sheet_and_header_row_it_found(app_db, tmp_path, app_test):
    """A workbook with an Info sheet first and a title above the header: the preview
    reads the data sheet below its title and says so (issue 13, item 1)."""
    import openpyxl

    book = openpyxl.Workbook()
    book.active.title = "Info"
    book.active.append(["Felanmälningar oktober 2026"])
    sheet = book.create_sheet("Data")
    sheet.append(["Bostadsbolaget Öst – Felanmälningar"])
    sheet.append([None])
    sheet.append(["Datum", "Typ", "Adress"])
    sheet.append(["2026-11-01", "Klotter", "Storgatan 1"])
    sheet.append(["2026-11-02", "Störning", "Torget 2"])
    path = tmp_path / "felanmalningar.xlsx"
    book.save(path)
    at = app_test("data", timeout=90)
    at.selectbox(key="data_actor").set_value("nattvandrarna")
    at.file_uploader[0].set_value(("felanmalningar.xlsx", path.read_bytes(),
                                   "application/vnd.ms-excel")).run()
    assert not at.exception
    assert [s for s in at.selectbox if s.label == "Blad i arbetsboken"][0].value == "Data"
    shown = " ".join(m.value for m in at.markdown)
    assert "rubrikraden är rad 3; 2 rader ovanför hoppades över" in shown
    assert "valt bland 2 blad" in shown
    at.run()                    # a rerun (the sheet box now holds the chosen sheet)
    assert "valt bland 2 blad" in " ".join(m.value for m in at.markdown)
    # A sheet picked by hand is read as named.
    [s for s in at.selectbox if s.label == "Blad i arbetsboken"][0].set_value("Info").run()
    assert not at.exception
    assert "valt bland" not in " ".join(m.value for m in at.markdown)


OUTSIDE_FILE = ("ID\tDatum tid\tKategori\tPlats\tX\tY\tAnteckning\r\n"
                "O1\t2026-11-10 kl 22.15\tKlotter\t\t7005607,3\t481680,7\t\r\n"
                "O2\t2026-11-10 kl 22.20\tKlotter\t\t6580000\t674000\tStockholm\r\n"
                ).encode("utf-8-sig")


def test_a_place_outside_the_municipality_is_shown_and_taken_in_only_when_ticked(app_db,
                                                                                  app_test):
    before = _count(app_db)
    at = app_test("data", timeout=90)
    at.selectbox(key="data_actor").set_value("kommun")
    at.file_uploader[0].set_value(("utanfor.txt", OUTSIDE_FILE, "text/plain")).run()
    at.button(key="data_check").click().run()
    assert not at.exception
    assert {m.label: m.value for m in at.metric}["Avvisade"] == "1"
    texts = " ".join(str(df.value) for df in at.dataframe)
    assert "Platsen ligger utanför kommunen" in texts
    box = at.checkbox(key="data_accept_outside")
    assert "Ta med 1 rader med plats utanför kommunen" in box.label
    box.check().run()
    assert at.button(key="data_commit").label == "Importera 2 händelser"
    at.button(key="data_commit").click().run()
    assert not at.exception
    assert _count(app_db) == before + 2
    assert _count(app_db, "SELECT count(*) FROM incidents WHERE source_ref = 'O2' "
                          "AND area_id IS NULL AND precision = 'point'") == 1


def test_no_outside_checkbox_when_every_place_is_inside(app_db, app_test):
    at = app_test("data", timeout=90)
    at.selectbox(key="data_actor").set_value("kommun")
    at.file_uploader[0].set_value(("klotterlogg.txt", KOMMUN_FILE, "text/plain")).run()
    at.button(key="data_check").click().run()
    assert not at.exception
    assert "data_accept_outside" not in [c.key for c in at.checkbox]
