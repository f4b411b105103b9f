"""Plotly in Swedish: its own words (tool bar, hints) and date formats, registered as a
locale through each chart's config (Plotly.js knows only English otherwise: the tool bar
said "Zoom" and "Autoscale", and an axis left to Plotly, e.g. zoomed in, would say
"May 17" or "Mon 02")."""
from __future__ import annotations

from est_data.trends.charts import MONTH_NAMES_SV, MONTHS_SV

WEEKDAYS_LONG_SV = ("söndag", "måndag", "tisdag", "onsdag", "torsdag", "fredag", "lördag")
PLOTLY_LOCALE_SV = {
    "dictionary": {
        "Autoscale": "Autoskala", "Box Select": "Välj med rektangel",
        "Compare data on hover": "Jämför data vid hovring",
        "Double-click on legend to isolate one trace":
            "Dubbelklicka på förklaringen för att visa bara en serie",
        "Double-click to zoom back out": "Dubbelklicka för att zooma ut igen",
        "Download plot": "Ladda ner diagrammet",
        "Download plot as a PNG": "Ladda ner diagrammet som PNG",
        "Download plot as JSON": "Ladda ner diagrammet som JSON",
        "Image download succeeded": "Bilden är nedladdad",
        "Lasso Select": "Välj med lasso", "Pan": "Panorera",
        "Preparing image - this may take a few seconds": "Bilden förbereds – det kan ta "
                                                          "några sekunder",
        "Reset": "Återställ", "Reset axes": "Återställ axlarna", "Reset view": "Återställ vyn",
        "Reset views": "Återställ vyerna",
        "Show closest data on hover": "Visa närmaste data vid hovring",
        "Sorry, there was a problem downloading your image!":
            "Tyvärr gick det inte att ladda ner bilden.",
        "Toggle Spike Lines": "Visa eller dölj hjälplinjer",
        "Toggle show closest data on hover": "Visa eller dölj närmaste data vid hovring",
        "Zoom": "Zooma", "Zoom in": "Zooma in", "Zoom out": "Zooma ut",
    },
    "format": {
        "days": list(WEEKDAYS_LONG_SV), "shortDays": [d[:3] for d in WEEKDAYS_LONG_SV],
        "months": list(MONTH_NAMES_SV), "shortMonths": list(MONTHS_SV),
        "date": "%Y-%m-%d", "decimal": ",", "thousands": "\u00a0",
    },
}
#: The config of every Trender chart (``st.plotly_chart(config=...)``).
PLOTLY_CONFIG = {"displaylogo": False, "modeBarButtonsToRemove": ["select2d", "lasso2d"],
                 "locale": "sv", "locales": {"sv": PLOTLY_LOCALE_SV}}
