"""The questions a guessed mapping must answer before it lands (issue 13, item 5)."""
from __future__ import annotations

import pytest

from est_data.ingest.columns import Choice, Guess
from est_data.ingest.contents import ColumnContent
from est_data.ingest.guard import ImportRefused, ask, column_questions, report_questions
from est_data.ingest.report import ImportReport

TIMES = ColumnContent(values=50, time=1.0)
NORTH = ColumnContent(values=50, number=1.0, north=1.0)
STREETS = ColumnContent(values=50, address=0.9, letters=1.0)
WORDS = ColumnContent(values=50, letters=1.0)


def _guess(mapping: dict[str, str], unused: dict[str, ColumnContent]) -> Guess:
    return Guess(choices={f: Choice(f, c, 0.9, ()) for f, c in mapping.items()},
                 unused=list(unused), contents=dict(unused))


@pytest.mark.parametrize("mapping, unused, codes", [
    ({"date": "D", "category": "K"}, {"Klockan": TIMES}, ["unused_time"]),
    ({"datetime": "D", "category": "K"}, {"Klockan": TIMES}, []),       # the time is there
    ({"date": "D", "time": "T", "category": "K"}, {"Annan tid": TIMES}, []),
    ({"date": "D", "category": "K"}, {"N": NORTH}, ["unused_coordinates"]),
    ({"date": "D", "category": "K", "address": "A"}, {"N": NORTH}, ["unused_coordinates"]),
    ({"date": "D", "category": "K", "lat": "La", "lon": "Lo"}, {"N": NORTH}, []),
    ({"date": "D", "category": "K"}, {"Plats": STREETS}, ["unused_place"]),
    ({"date": "D", "category": "K", "area": "DeSO"}, {"Plats": STREETS}, []),
    ({"date": "D", "category": "K"}, {"Anteckning": WORDS}, []),        # words are no loss
    ({"date": "D", "category": "K"}, {"Tom": ColumnContent()}, []),
])
def test_column_questions(mapping, unused, codes):
    assert [q.code for q in column_questions(_guess(mapping, unused))] == codes


def _report(**kw) -> ImportReport:
    base = dict(source="x", actor_name="X", file_name="f.csv", sha256="", file_format="CSV",
                profile=None, mapping={"date": "D", "category": "K"}, rows_read=100)
    return ImportReport(**{**base, **kw})


@pytest.mark.parametrize("kw, codes", [
    ({"unknown_categories": {"Trafikbrott": 20}}, []),                      # exactly a fifth
    ({"unknown_categories": {"Trafikbrott": 15, "Hittegods": 6}}, ["ovrigt"]),
    ({"unknown_categories": {"Trafikbrott": 20}, "rows_rejected": 10}, ["ovrigt"]),
    ({"mapping": {"date": "D", "category": "K", "north": "N", "east": "E"},
      "location": {"outside": 100}, "precision": {"municipality": 100}}, ["none_placed"]),
    ({"mapping": {"date": "D", "category": "K", "north": "N", "east": "E"},
      "location": {"outside": 3}, "precision": {"point": 97, "municipality": 3}}, []),
    ({"location": {"outside": 3}}, []),                 # no coordinate columns mapped
])
def test_report_questions(kw, codes):
    assert [q.code for q in report_questions(_report(**kw))] == codes


def test_ask_fills_the_report_and_refuses_unless_accepted():
    g = _guess({"date": "D", "category": "K"}, {"Klockan": TIMES})
    report = _report()
    with pytest.raises(ImportRefused) as info:
        ask(g, report, accept=False)
    assert info.value.exit_code == 3 and "Klockan" in info.value.sv
    assert report.guessed and report.unused_columns == ["Klockan"]
    assert report.evidence["date"][0] == "D"
    assert [q[0] for q in report.questions] == ["unused_time"]
    accepted = _report()
    assert [q.code for q in ask(g, accepted, accept=True)] == ["unused_time"]
    assert accepted.questions == report.questions


@pytest.mark.parametrize("rules, codes", [
    # unknown and ambiguous words both land in Övrigt without a category
    ({"Trafikbrott": ["ovrigt", "okänt", 15], "Bråk och klotter": ["ovrigt", "tvetydig", 6],
      "Klotter": ["klotter", "exakt ord", 79]}, ["ovrigt"]),
    ({"Trafikbrott": ["ovrigt", "okänt", 15], "Klotter": ["klotter", "exakt ord", 85]}, []),
    # a word that means Övrigt ("Annat") is the partner's own choice, no loss
    ({"Annat": ["ovrigt", "exakt ord", 60], "Klotter": ["klotter", "exakt ord", 40]}, []),
])
def test_the_ovrigt_question_counts_unknown_and_ambiguous_words(rules, codes):
    assert [q.code for q in report_questions(_report(category_rules=rules))] == codes
