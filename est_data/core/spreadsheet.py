"""Cells that leave the app in a spreadsheet file (CSV, XLSX) are inert.

A text cell that starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return is
read by Excel and LibreOffice as a formula (``=HYPERLINK(…)``, ``+cmd|' /C calc'!A0``,
``@SUM(…)``): a partner who opens an export could run what someone typed into a report.
Following OWASP's advice on CSV injection such a cell is prefixed with an apostrophe, which
the spreadsheet shows as text. Numbers stay numbers, and so does text that is a plain
number (``-12``, ``+46,5``), so amounts and coordinates exported as text are unchanged.

Reference: OWASP, "CSV Injection", https://owasp.org/www-community/attacks/CSV_Injection
"""
from __future__ import annotations

import io
import re

import pandas as pd

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_PLAIN_NUMBER = re.compile(r"^[+-]?\d+(?:[.,]\d+)?$")


def safe_cell(value: object) -> object:
    """The value, with a formula-looking text made inert by a leading apostrophe."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS) \
            and not _PLAIN_NUMBER.match(value):
        return "'" + value
    return value


def safe_frame(df: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``df`` whose text cells and column names are inert (numbers untouched)."""
    out = df.copy()
    for column in out.columns:
        if not (pd.api.types.is_numeric_dtype(out[column])
                or pd.api.types.is_datetime64_any_dtype(out[column])
                or pd.api.types.is_bool_dtype(out[column])):
            out[column] = out[column].map(safe_cell, na_action="ignore")
    out.columns = [safe_cell(c) for c in out.columns]
    return out


def plain_cell(value: object) -> object:
    """The inverse of :func:`safe_cell`, for a file of ours read back in (the measures'
    CSV is also their import template): ``'=1+1`` is ``=1+1`` again."""
    if isinstance(value, str) and value.startswith("'") and safe_cell(value[1:]) != value[1:]:
        return value[1:]
    return value


def csv_bytes(df: pd.DataFrame) -> bytes:
    """A table as CSV the way Swedish Excel opens it (semicolons, decimal comma, UTF-8
    with BOM), every text cell inert (:func:`safe_frame`)."""
    buf = io.StringIO()
    safe_frame(df).to_csv(buf, sep=";", decimal=",", index=False,
                          date_format="%Y-%m-%d %H:%M")
    return buf.getvalue().encode("utf-8-sig")
