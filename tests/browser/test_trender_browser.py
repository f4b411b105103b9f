"""What only a browser shows of Trender: Plotly's tool bar in Swedish (its words come
from the chart's config, used by Plotly.js), and the open tab kept in the address bar
as a short code when the user clicks a tab."""
from __future__ import annotations

from browser_helpers import wait_settled


def test_plotly_toolbar_speaks_swedish(page, app_url):
    page.goto(f"{app_url}/trender?flik=vecka")
    page.get_by_role("heading", name="Veckodag och klockslag").wait_for()
    wait_settled(page)
    page.locator(".js-plotly-plot .nsewdrag").first.hover()
    titles = page.locator(".js-plotly-plot .modebar-btn").evaluate_all(
        "els => els.map(e => e.getAttribute('data-title'))")
    assert "Zooma" in titles and "Autoskala" in titles and "Ladda ner diagrammet som PNG" in titles
    assert not {"Zoom", "Autoscale", "Pan", "Reset axes", "Download plot as a PNG"} & set(titles)


def test_clicking_a_tab_puts_its_code_in_the_link(page, app_url):
    page.goto(f"{app_url}/trender")
    page.get_by_role("heading", name="Trender").wait_for()
    wait_settled(page)
    page.get_by_role("tab", name="Områden").click()
    page.wait_for_url("**flik=omraden**")
    wait_settled(page)
    page.get_by_role("tab", name="Över tid").click()
    page.wait_for_function("() => !location.search.includes('flik=')")
    assert "Områden" not in page.url and "omr%C3%A5den" not in page.url.lower()
