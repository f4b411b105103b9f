"""The one HTML escaper."""
from __future__ import annotations

import math

import pandas as pd
import pytest

from est_data.core.html import esc


@pytest.mark.parametrize("value, expected", [
    ("Kv. <b>Norr</b>", "Kv. &lt;b&gt;Norr&lt;/b&gt;"),
    ('"x" & \'y\'', "&quot;x&quot; &amp; &#x27;y&#x27;"),
    ("{{7*7}} {% if %}", "&#123;&#123;7*7&#125;&#125; &#123;% if %&#125;"),
    ("Arågränd", "Arågränd"),
    (12, "12"),
    (None, ""),
    (math.nan, ""),
    (pd.NA, ""),
])
def test_esc(value, expected):
    assert esc(value) == expected
