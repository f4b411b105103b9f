"""Veckans lägesbild i text (est_data.overview.narrative): the wording rules and the
numbers, which are the tiles' own."""
from __future__ import annotations

import datetime as dt
import re

import pandas as pd
import pytest

from est_data.core import privacy
from est_data.core.filters import IncidentFilter
from est_data.overview import display, lagesbild, narrative, since

ANCHOR = dt.date(2026, 11, 15)
VIEW = IncidentFilter(dt.date(2026, 11, 2), ANCHOR)


def totals(now: int, before: int) -> dict:
    t = {"current": now, "previous": before}
    t.update({f"{p}_mark": privacy.primary(t[p]) for p in ("current", "previous")})
    return t


@pytest.mark.parametrize("now, before, expected", [
    (120, 60, "(+60, +100 %): en ökning som är större än slumpen förklarar."),
    (30, 90, "(−60, −67 %): en minskning som är större än slumpen förklarar."),
    (46, 50, "(−4, −8 %): ingen säkerställd förändring, skillnaden ryms i den vanliga variationen."),
    # Fewer than ten on one side: no percentage, and "too few" rather than "small".
    (12, 5, "(+7): ingen säkerställd förändring, händelserna är för få för att avgöra."),
])
def test_the_total_follows_the_claim_and_percent_rules(now, before, expected):
    text = narrative.total_sentence("Senaste 14 dagarna", VIEW, totals(now, before))
    assert text.startswith(f"Senaste 14 dagarna (2026-11-02 – 2026-11-15) registrerades {now} "
                           f"händelser, mot {before} de 14 dagarna före ")
    assert text.replace("\xa0", " ").endswith(expected)


def test_a_small_total_is_withheld_with_its_change():
    text = narrative.total_sentence("X", VIEW, totals(2, 40))
    assert "registrerades <3 händelser; för få" in text and "40" not in text


def test_the_numbers_are_the_tiles(demo_con):
    period = since.meeting_period(demo_con, VIEW, ANCHOR)
    g = narrative.gather(demo_con, period.view, period.new_from)
    text = " ".join(narrative.sentences(period.heading(), period.view, g))
    tiles = display.meeting_tiles(g["b"])
    assert f"registrerades {tiles[0]['value']} händelser" in text
    for tile in tiles[1:]:
        label = tile["label"].replace(display.FOCUS_MARK, "")
        said = f"{label} {tile['value']}"
        if tile["change"] is not None:
            before = re.search(r"före: ([\d\s ]+)\)", tile["delta"]).group(1)
            said += f" ({tile['delta'].split(' ')[0]} mot {before})"
        assert said in text, (said, text)
    assert 5 <= len(re.findall(r"[.:] [A-ZÅÄÖ]", text)) + 1 <= 12
    assert narrative.meeting_text(demo_con, ANCHOR) == text


def test_the_scope_says_when_a_filter_is_on():
    assert "alla unika händelser" in narrative.scope_sentence(VIEW)
    klotter = IncidentFilter(VIEW.start, VIEW.end, categories=("klotter",))
    assert "bara det valda filtret" in narrative.scope_sentence(klotter)


def test_measures_and_alerts_in_words():
    m = pd.DataFrame({"title": ["Ny belysning", "Nattvandring"], "area_name": ["Kyrkgatan", "Arågränd"],
                      "started_on": [dt.date(2026, 11, 14), dt.date(2025, 1, 1)],
                      "is_new": [True, False]})
    assert narrative.measure_sentence(m, {"imports": 2}) == (
        "Nya åtgärder sedan förra mötet: Ny belysning (Kyrkgatan, 2026-11-14). 1 åtgärd pågår. "
        "Ny data: 2 importer sedan förra mötet.")
    alerts = pd.DataFrame({"level": ["area"], "area_id": ["a"], "category": ["brand"],
                           "sentence": ["Brand i Brittsbo: 14 senaste veckan, normalt 3."]})
    assert narrative.alert_sentence(alerts, {("area", "a", "brand")}) == (
        "Ovanligt mycket senaste veckan: 1 ovanlig vecka (1 nya sedan förra mötet), främst "
        "brand i Brittsbo: 14 senaste veckan, normalt 3.")


def test_the_pdf_has_the_text_on_its_second_page(demo_con):
    pdf = lagesbild.render(demo_con, VIEW, "Senaste 14 dagarna", "pdf", new_from=dt.date(2026, 11, 13))
    assert len(re.findall(rb"/Type /Page\b", pdf)) == 2
    lines = narrative.sentences("Senaste 14 dagarna", VIEW, narrative.gather(demo_con, VIEW, dt.date(2026, 11, 13)))
    page = lagesbild._text_page(VIEW, "Senaste 14 dagarna", lines)
    written = " ".join(t.get_text() for t in page.texts)
    assert " ".join(lines).replace(" ", "") in written.replace(" ", "")


def test_scope_names_a_drawn_shape_and_a_search():
    import datetime as _dt

    from est_data.core.filters import IncidentFilter
    from est_data.core.shape import DrawnShape
    from est_data.overview.narrative import scope_sentence

    base = IncidentFilter(_dt.date(2026, 1, 1), _dt.date(2026, 1, 14))
    assert scope_sentence(base).startswith("Siffrorna gäller alla unika händelser")
    searched = scope_sentence(IncidentFilter(base.start, base.end, text="moped"))
    assert "här sökordet ”moped”" in searched
    shape = DrawnShape("circle", (470000, 7005000, 300))
    drawn = scope_sentence(IncidentFilter(base.start, base.end, shape=shape))
    assert "här en ritad yta på kartan" in drawn
