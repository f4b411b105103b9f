"""The one HTML escaper: every text from the data that goes into HTML passes here.

Braces are escaped too: folium renders a map's scripts through Jinja a second time
(branca's ``Element`` takes the rendered script as a template), so ``{{7*7}}`` in an area
name would be evaluated; as ``&#123;&#123;7*7&#125;&#125;`` it is shown as written.
"""
from __future__ import annotations

import math
from html import escape

import pandas as pd


def esc(value: object) -> str:
    """Escaped text (quotes too); a missing value (None, NaN, NA) becomes an empty string."""
    if value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)):
        return ""
    return escape(str(value), quote=True).translate(_BRACES)


_BRACES = str.maketrans({"{": "&#123;", "}": "&#125;"})
