"""Personal data masking (ingest.masking): Python and SQL agree."""
from __future__ import annotations

import duckdb
import pytest

from est_data.ingest import masking


MASK_CASES = [
    ("Ring 070-123 45 67 efter 18", "Ring [telefon] efter 18", {"phone": 1}),
    ("tel +46 70 123 45 67", "tel [telefon]", {"phone": 1}),
    ("växeln 063-14 30 00", "växeln [telefon]", {"phone": 1}),
    ("pnr 19850312-1234", "pnr [personnummer]", {"personnummer": 1}),
    ("850312-1234 och 850372 1234", "[personnummer] och [personnummer]", {"personnummer": 2}),
    ("svar till anna.svensson@example.se tack", "svar till [e-post] tack", {"email": 1}),
    ("2025-03-04 kl 22.15 vid Storgatan 12", "2025-03-04 kl 22.15 vid Storgatan 12", {}),
    ("Ärende FR-2023-001001, lgh 1102", "Ärende FR-2023-001001, lgh 1102", {}),
    ("Org.nr 556677-8899", "Org.nr 556677-8899", {}),
    ("", "", {}),
]


@pytest.mark.parametrize("text,masked,counts", MASK_CASES)
def test_masking_python_and_sql_agree(text, masked, counts):
    got, got_counts = masking.mask_text(text)
    assert got == masked
    assert {k: v for k, v in got_counts.items() if v} == counts
    con = duckdb.connect()
    sql_masked = con.execute("SELECT " + masking.masked_sql("$1"), [text]).fetchall()[0][0]
    sql_counts = con.execute("SELECT " + ", ".join(masking.count_sql("$1").values()),
                             [text]).fetchall()[0]
    assert sql_masked == masked
    assert {k: v for k, v in zip(masking.PATTERNS, sql_counts) if v} == counts
