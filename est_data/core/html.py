"""The one HTML escaper: every text from the data that goes into HTML passes here."""
from __future__ import annotations

import math
from html import escape

import pandas as pd


def esc(value: object) -> str:
    """Escaped text (quotes too); a missing value (None, NaN, NA) becomes an empty string."""
    if value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)):
        return ""
    return escape(str(value), quote=True)
