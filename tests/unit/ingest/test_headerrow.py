"""The header row below titles and notes, the table without one, notes below the data."""
from __future__ import annotations

import random

import pytest

from est_data.ingest.headerrow import find_header, footer_notes, is_name, is_value, table_score

DATA = ["2026-10-01;22:15;Klotter;Storgatan 1;Sprayat på porten",
        "2026-10-02;01:10;Skadegörelse;Prästgatan 2;Krossad ruta i entrén",
        "2026-10-03;03:10;Klotter;Prästgatan 4;",
        "2026-10-04;13:10;Störning;Torget 4;Hög musik sent"]
HEADER = "Datum;Tid;Typ;Adress;Beskrivning"


def _rows(*lines: str) -> list[list[str]]:
    return [ln.split(";") for ln in lines]


@pytest.mark.parametrize("rows,index,start", [
    # plain: the first row
    (_rows(HEADER, *DATA), 0, 0),
    # a partner's export: title, extract date, an empty row, then the header
    (_rows("Östersundshem AB – Felanmälningar;;;;",
           "Utdrag 2026-11-03, period 2026-10-01 – 2026-10-31;;;;", ";;;;", HEADER, *DATA),
     3, 3),
    # two title rows and notes with two filled cells each
    (_rows("Rapport;;;;", "Period;2026-10-01;2026-10-31;;", "Utdrag:;2026-11-03;;;",
           "", HEADER, *DATA), 4, 4),
    # a header with empty trailing cells (the CSV's trailing delimiters)
    (_rows("Datum;Tid;Typ;Adress;Beskrivning;;", *(d + ";;" for d in DATA)), 0, 0),
    # a header that leaves the last columns unnamed while the data fills them
    (_rows("Datum;Typ;Adress;;", "2026-10-01;Klotter;Storgatan 1;x;y",
           "2026-10-02;Bråk;Torget;z;w"), 0, 0),
    # a year in the title rows ("2026") makes no header of them
    (_rows("Felanmälningar 2026;;;;", "Rapport;2026;;;", ";;;;", HEADER, *DATA), 3, 3),
    # the first data row is all text, like the header
    (_rows("Typ;Adress;Status;Ansvarig", "Klotter;Storgatan 1;Ej åtgärdat;Anna",
           "Störning;Torget;Åtgärdat;Bo", "Klotter;Torget;Åtgärdat;Anna"), 0, 0),
    # English header under a title
    (_rows("Incident report;;;;", ";;;;", "Date;Time;Type;Address;Description", *DATA),
     2, 2),
    # words no synonym list knows
    (_rows("Felanmälningar;;", "Vad;Var;När", "Klotter;Storgatan 1;igår kväll",
           "Bråk;Torget;i natt", "Klotter;Torget;i morse"), 1, 1),
    # key and value above a table of two columns, no word of it known
    (_rows("Rapport;Felanmälningar", "När;Vad", "2026-10-01;Klotter", "2026-10-02;Bråk",
           "2026-10-03;Klotter"), 1, 1),
    # a title of one field above a wide CSV
    (_rows("Felanmälningar Östersund", HEADER, *DATA), 1, 1),
    # a group row above the header ("Händelse" over date and time, "Plats" over address)
    (_rows("Händelse;;;Plats;", HEADER, *DATA), 1, 1),
    # a header of years under a known word is a header
    (_rows("Område;2024;2025;2026", "Centrum;12;15;9", "Odenslund;3;4;5"), 0, 0),
    # no header: dates and times from the first row on; a title above is skipped
    (_rows(*DATA), None, 0),
    (_rows("Rapport", *DATA), None, 1),
    (_rows("1;2;3", "4;5;6", "7;8;9"), None, 0),
    # a header and nothing else (the reader says there are no data rows)
    (_rows("Datum;Kategori"), 0, 0),
    # nothing with two filled cells
    (_rows("Bara en rad", "", "och en till"), None, None),
])
def test_find_header(rows, index, start):
    found = find_header(rows)
    assert (found.index, found.start) == (index, start), found.reason
    assert found.reason


def test_find_header_in_spreadsheet_rows_with_empty_cells():
    # A merged title cell, a logo row (no cells), an empty row, then the header.
    rows = [["Östersundshem AB", None, None, None], [None] * 4, [],
            ["Datum", "Tid", "Typ", "Adress"],
            ["2026-10-01 00:00:00", "22:15:00", "Klotter", None],
            ["2026-10-02 00:00:00", None, "Bråk", "Torget 1"],
            ["2026-10-03 00:00:00", "23:00:00", "Klotter", "Torget 2"]]
    found = find_header(rows)
    assert (found.index, found.start) == (3, 3)
    assert "1 title or note rows above" in found.reason


def test_known_header_words_are_one_signal_not_the_only_one():
    rows = _rows("Felanmälningar;;", "Vad;Var;När", "Klotter;Storgatan 1;igår kväll",
                 "Bråk;Torget;i natt", "Klotter;Torget;i morse")
    assert find_header(rows, known=lambda _: None).index == 1
    # Names above dates and times are a header without any known word.
    assert find_header(_rows(HEADER, *DATA), known=lambda _: None).index == 0


@pytest.mark.parametrize("text,value,name", [
    ("2026-10-01", True, False), ("1.10.2026", True, False), ("kl 22.15", True, False),
    ("22:15", True, False), ("63,1792", True, False), ("1 234", True, False),
    ("2026-10-01 22:15", True, False), ("Datum", False, True), ("Vad hände?", False, True),
    ("Storgatan 1", False, True), ("x" * 41, False, False), ("Skapad:", False, False),
    ("Beskrivning av händelsen och vad som gjordes sedan", False, False)])
def test_values_and_names(text, value, name):
    assert (is_value(text), is_name(text)) == (value, name)


@pytest.mark.parametrize("tail,width,total,expected", [
    (_rows(DATA[0], "Totalt: 123;;;;", "Källa: Östersundshem;;;;"), 5, 3, [1, 2]),
    (_rows(DATA[0], ";;;;", "Summa;4;;;"), 5, 3, [2]),          # the empty row stays
    (_rows(DATA[0], "Totalt: 1;;;;", ";;;;"), 5, 3, [1]),         # ... after a note too
    (_rows(*DATA), 5, 4, []),
    (_rows(DATA[0], "Ny;rad;ändå;;"), 5, 2, []),                   # three cells: data
    (_rows(DATA[0], "2026-10-05;;;;"), 5, 2, []),                  # a date alone: data
    (_rows("Centrum;12", "Odenslund;3", "Totalt;15"), 2, 3, [2]),   # a keyword in 2 columns
    (_rows("Centrum;12", "Odenslund;3"), 2, 2, []),
    (_rows("Totalt: 123;;;;", ";;;;"), 5, 2, []),                  # never every row
    (_rows(DATA[0], "Totalt: 123;;;;"), 5, 40, [1]),               # the tail of many rows
    (_rows(*[f"Kommentar {i};;;;" for i in range(12)]), 5, 200, list(range(2, 12))),
])
def test_footer_notes(tail, width, total, expected):
    assert footer_notes(tail, width, total=total) == expected


def test_a_data_table_scores_above_notes_and_a_small_summary():
    info = [["Den här filen innehåller felanmälningar."], ["Kontakt: Anna"]]
    summary = _rows("Typ;Antal", "Klotter;12", "Störning;4", "Totalt;16")
    data = _rows(HEADER, *DATA)
    scores = [table_score(rows, find_header(rows)) for rows in (info, summary, data)]
    assert scores[0] == 0 and 0 < scores[1] < scores[2]


_POOL = [(("Datum", "Date", "När", "Händelsedatum", "Dag"), lambda r, i: f"2026-10-{1 + i % 28:02d}"),
         (("Tid", "Klockslag", "Time", "Kl"), lambda r, i: f"{r.randint(0, 23):02d}:{i % 60:02d}"),
         (("Typ", "Kategori", "Vad", "Type", "Händelse"),
          lambda r, i: r.choice(["Klotter", "Skadegörelse", "Störning", "Brand i soprum"])),
         (("Adress", "Plats", "Var", "Address", "Fastighet"),
          lambda r, i: r.choice(["Storgatan 1", "Torget", "Parken vid skolan"])),
         (("Beskrivning", "Kommentar", "Notes", "Övrigt"),
          lambda r, i: r.choice(["Sprayat på porten", "", "Boende ringde om ljud i trapphuset"])),
         (("Id", "Ärendenr", "Nr", "Ref"), lambda r, i: f"A{1000 + i}"),
         (("Lat", "Latitud"), lambda r, i: f"63,{r.randint(1000, 9999)}"),
         (("Status", "Åtgärd", "Ansvarig"), lambda r, i: r.choice(["Klar", "Pågår", "Ny"]))]
_TITLES = [["Östersundshem AB – Felanmälningar"], ["Utdrag 2026-11-03, period 2026-10-01 – 2026-10-31"],
           [], ["Rapport", "2026"], ["Skapad:", "2026-11-03"], ["Period", "2026-10-01", "2026-10-31"],
           ["Källa: fastighetssystemet"], ["Skapad av", "Anna Andersson"], ["Filter", "Alla kategorier"]]


def test_generated_exports_of_three_or_more_columns_find_their_header():
    """Seeded random exports: 3-8 columns under 0-4 title and note rows (padded with
    empty cells or not), 1-40 data rows; the header is found in every one."""
    rng = random.Random(13)
    wrong = []
    for _ in range(400):
        cols = rng.sample(_POOL, rng.randint(3, len(_POOL)))
        header = [rng.choice(names) for names, _ in cols]
        titles = [t + [""] * (len(cols) - len(t)) if rng.random() < 0.5 else list(t)
                  for t in rng.sample(_TITLES, rng.randint(0, 4))]
        data = [[make(rng, i) for _, make in cols] for i in range(rng.randint(1, 40))]
        found = find_header(titles + [header] + data)
        if found.index != len(titles):
            wrong.append((titles, header, found))
    assert wrong == []


def test_table_score_counts_a_table_without_a_header_and_its_dates():
    dated, plain = _rows(*DATA), _rows("Klotter;Torget;Ny", "Bråk;Parken;Klar")
    assert table_score(dated, find_header(dated)) == 2 * sum(
        1 for r in dated for c in r if c)
    assert table_score(plain, find_header(plain)) == 3  # the header, then 3 cells
