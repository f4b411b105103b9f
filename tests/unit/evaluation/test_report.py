"""The printable HTML report of an evaluation."""
from __future__ import annotations

import re

import pandas as pd
import pytest

from est_data.evaluation import report
from est_data.evaluation import evaluate as ev_mod
from est_data.evaluation.selection import AreaSelection, EvaluationSpec, windows_for
from unit.maps.asset_urls import find_external_urls

import planted


@pytest.fixture(scope="module")
def html_text(planted_eval):
    return report.render_html(planted_eval, "planted.duckdb")


def test_report_holds_summary_selection_figures_and_chart(html_text):
    assert html_text.startswith("<!DOCTYPE html>") and '<html lang="sv">' in html_text
    for fragment in ("Före/efter-utvärdering: Fokus F", "skapad 2026-02-03 10:15",
                     "Störningar och inbrott minskade sammantaget med 50",
                     "2024-01-02 – 2024-12-31 (365 dagar)", "Störning, Inbrott",
                     "Ruta A, Ruta E", "Ruta B, Ruta C, Ruta D", "Fokus G",
                     "Metod", "Förbehåll", "regression mot medelvärdet", "Wheeler",
                     "<svg", "Insats 2025-01-01", "Index (medel före = 100)"):
        assert fragment in html_text, fragment
    # The counts and statistics are in the tables.
    counts = re.search(r"<h2>Antal före och efter</h2>(.*?)</table>", html_text, re.S).group(1)
    assert ">60<" in counts and ">30<" in counts and ">160<" in counts and ">83<" in counts
    assert ">98<" in counts and "−50\u00a0%" in counts
    stats = re.search(r"<h2>Mått</h2>(.*?)</table>", html_text, re.S).group(1)
    assert ">0,50<" in stats and ">2,00<" in stats and ">−30<" in stats and ">−0,50<" in stats


def test_report_is_self_contained(html_text):
    assert find_external_urls(html_text) == []
    assert "http" not in html_text.lower()
    assert "<script" not in html_text.lower()
    assert "<link" not in html_text.lower()


def test_report_escapes_stored_text(html_text):
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; ljus" in html_text


def test_report_prints_on_a4(html_text):
    assert "@page { size: A4" in html_text and "@media print" in html_text


def test_filename_is_safe(planted_eval):
    assert report.filename(planted_eval) == "utvardering_F_2025-01-01.html"


def test_statistics_table_explains_missing_wdq():
    ev = ev_mod.assemble(
        EvaluationSpec(("T",), planted.DATE), windows_for(planted.DATE, 365, 365),
        AreaSelection(("T",), ("C",), ("B",), (), frozenset(), {}),
        _rows(target=(10, 20), control=(100, 100), buffer=(10, 10)))
    table = report.statistics_table(ev).set_index("Mått")
    assert table.loc["Viktad förflyttningskvot, WDQ", "Värde"] == "–"
    assert "minskade inte" in table.loc["Viktad förflyttningskvot, WDQ", "Förklaring"]


def _rows(**groups):
    return pd.DataFrame([{"grp": g, "period": p, "category": "storning",
                          "buffer_key": "B" if g == "buffer" else None, "bin": 0, "n": n}
                         for g, (b, a) in groups.items() for p, n in (("before", b), ("after", a))])
