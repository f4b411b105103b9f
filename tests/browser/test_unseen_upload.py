"""Issue 13 in a real browser: a new partner's export with title rows above its header is
uploaded on the Data page, the proposed columns are shown with their evidence, one column
is corrected by hand, and the file lands as corrected."""
from __future__ import annotations

import shutil

import duckdb

from browser_helpers import wait_settled
from conftest import serve

TIMEOUT_MS = 60_000
EXPORT = ("Bostadsbolaget Öst AB – Felanmälningar;;;;\n"
          "Utdrag 2026-11-03, period 2026-10-01 – 2026-10-31;;;;\n"
          ";;;;\n"
          "Ärendenr;Datum;Kl;Felkategori;Adress;Notering\n"
          "BO-1;2026-10-02;22.10;Klotter på fasad;Kyrkgatan 12;Tags vid entrén\n"
          "BO-2;2026-10-05;01.40;Inbrott källare;Arågränd 3;Förrådsdörr uppbruten\n"
          "BO-3;2026-10-09;19.05;Klotter;Kyrkgatan 14;Anmält av boende\n")


def _choose(page, label: str, option: str) -> None:
    """Pick ``option`` in the Streamlit selectbox labelled ``label``."""
    box = page.locator('[data-testid="stSelectbox"]').filter(has_text=label).first
    field = box.locator("input")
    field.click()
    field.fill("")          # the combobox filters its options by what the field holds
    page.get_by_role("option", name=option, exact=True).click()
    wait_settled(page)


def test_upload_with_title_rows_and_one_corrected_column(browser, demo_db_master, tmp_path):
    db = tmp_path / "est.duckdb"
    shutil.copy(demo_db_master, db)
    export = tmp_path / "felanmalningar.csv"
    export.write_text(EXPORT, encoding="utf-8")
    with serve(db) as url:
        page = browser.new_page()
        page.set_default_timeout(TIMEOUT_MS)
        try:
            page.goto(url)
            page.get_by_role("heading", name="Översikt").wait_for()
            page.get_by_role("link", name="Data", exact=True).click()
            page.get_by_role("heading", name="Data").wait_for()
            _choose(page, "Aktör", "Ny aktör …")
            name = page.get_by_label("Den nya aktörens namn")
            name.fill("Bostadsbolaget Öst")
            name.press("Enter")
            wait_settled(page)
            page.locator('[data-testid="stFileUploaderDropzoneInput"]').set_input_files(
                str(export))
            page.get_by_text("Varför dessa kolumner?").wait_for()
            wait_settled(page)
            body = page.locator('[data-testid="stMain"]').inner_text()
            assert "rubrikraden är rad 4; 3 rader ovanför hoppades över" in body
            chosen = {label: page.locator(f'input[aria-label="{label}"]').input_value()
                      for label in ("Datum *", "Klockslag", "Kategori *", "Aktörens id")}
            assert chosen == {"Datum *": "Datum", "Klockslag": "Kl",
                              "Kategori *": "Felkategori", "Aktörens id": "Ärendenr"}
            # The notes are private remarks this partner does not want in the picture.
            _choose(page, "Beskrivning", "— ingen —")
            page.get_by_role("button", name="Kontrollera filen").click()
            page.get_by_text("Kontroll före import").wait_for()
            wait_settled(page)
            page.get_by_role("button", name="Importera 3 händelser").click()
            page.get_by_text("Importen är klar").wait_for()
        finally:
            page.close()
    con = duckdb.connect(str(db), read_only=True)
    try:
        rows = con.execute("SELECT source_ref, strftime(occurred_at, '%Y-%m-%d %H:%M'), "
                           "category, description FROM incidents "
                           "WHERE source = 'bostadsbolaget_ost' ORDER BY 1").fetchall()
    finally:
        con.close()
    assert rows == [("BO-1", "2026-10-02 22:10", "klotter", None),
                    ("BO-2", "2026-10-05 01:40", "inbrott", None),
                    ("BO-3", "2026-10-09 19:05", "klotter", None)]
