"""The import report: JSON kept in the database (older reports still read) and the
category words table of the Data page."""
from __future__ import annotations

import json

from est_data.ingest.report import ImportReport, category_rules_table


def _report(**kw) -> ImportReport:
    return ImportReport(source="x", actor_name="X", file_name="x.csv", sha256="0",
                        file_format="CSV", profile=None, mapping={}, **kw)


def test_json_round_trip_keeps_rules_and_reads_older_reports():
    r = _report(category_rules={"Inbrott källare": ["inbrott", "första ordet", 2]},
                ambiguous_categories={"Inbrott och brand": ["inbrott", "brand"]})
    assert ImportReport.from_json(r.to_json()) == r
    old = json.loads(r.to_json())
    del old["category_rules"], old["ambiguous_categories"]
    back = ImportReport.from_json(json.dumps(old))
    assert back.category_rules == {} and back.ambiguous_categories == {}


def test_category_rules_table_names_the_rule_and_the_candidates():
    r = _report(category_rules={"Klotter": ["klotter", "exakt ord", 1],
                                "Inbrott och brand": ["ovrigt", "tvetydig", 3]},
                ambiguous_categories={"Inbrott och brand": ["inbrott", "brand"]})
    table = category_rules_table(r, {"klotter": "Klotter", "ovrigt": "Övrigt",
                                     "inbrott": "Inbrott", "brand": "Brand"})
    assert table.values.tolist() == [
        ["Inbrott och brand", 3, "Övrigt", "tvetydig: Inbrott eller Brand"],
        ["Klotter", 1, "Klotter", "exakt ord"]]


def test_terminal_summary_names_the_words_mapped_by_meaning_and_the_ambiguous():
    r = _report(category_rules={"Klotter": ["klotter", "exakt ord", 4],
                                "Inbrott källare": ["inbrott", "första ordet", 2],
                                "Inbrott och brand": ["ovrigt", "tvetydig", 1]},
                ambiguous_categories={"Inbrott och brand": ["inbrott", "brand"]})
    text = "\n".join(r.lines())
    assert "mapped by meaning: 'Inbrott källare' -> inbrott (första ordet)" in text
    assert "ambiguous category words (stored as 'ovrigt'): 'Inbrott och brand' " \
           "(inbrott or brand)" in text
    assert "'Klotter'" not in text
