"""House rules for the pages that no single page test would notice being broken."""
from __future__ import annotations

import pytest

from repo import REPO_ROOT

PAGES = sorted((REPO_ROOT / "pages").glob("*.py"))


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.name)
def test_tables_go_through_ui_table(page):
    """``ui.table`` shows a missing value as "–"; a bare ``st.dataframe`` writes the
    English "None" into a Swedish table."""
    assert "st.dataframe(" not in page.read_text(encoding="utf-8")


def test_every_page_is_checked():
    assert {p.stem for p in PAGES} == {"oversikt", "karta", "trender", "insatser", "fore_efter", "data",
                                      "omraden", "rapportera", "trygghetsvandringar"}
