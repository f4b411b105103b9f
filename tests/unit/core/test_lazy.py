"""Lazy re-exports: a name is loaded from its home module on first use."""
from __future__ import annotations

import sys

import pytest

from est_data.core.lazy import exports


def test_a_name_comes_from_its_home_module():
    get = exports("est_data.core", {"esc": "html"})
    from est_data.core.html import esc

    assert get("esc") is esc


def test_an_unknown_name_is_an_attribute_error():
    with pytest.raises(AttributeError, match="has no attribute 'nope'"):
        exports("est_data.core", {})("nope")


def test_the_home_module_is_imported_only_when_asked(monkeypatch):
    monkeypatch.delitem(sys.modules, "est_data.core.spreadsheet", raising=False)
    get = exports("est_data.core", {"safe_cell": "spreadsheet"})
    assert "est_data.core.spreadsheet" not in sys.modules
    assert callable(get("safe_cell"))
    assert "est_data.core.spreadsheet" in sys.modules
