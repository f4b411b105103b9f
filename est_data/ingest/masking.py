"""Masking personal data in free text: EST is about places, not persons.

Personnummer and samordningsnummer, phone numbers and e-mail addresses in free-text
fields are replaced on import by ``[personnummer]``, ``[telefon]`` and ``[e-post]``;
the number of values masked is counted in the import report. The same patterns run
in DuckDB (RE2, vectorised) and in Python (for single strings).
"""
from __future__ import annotations

import re

# Order matters: e-mail first (may hold digits), then personnummer, then phone numbers.
PATTERNS: dict[str, tuple[str, str]] = {
    "email": (r"[A-Za-z0-9._%+\-]+@[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)*\.[A-Za-z]{2,}",
              "[e-post]"),
    # YYMMDD-NNNN, YYYYMMDDNNNN, with -, + or space; day + 60 for samordningsnummer.
    "personnummer": (r"\b(?:19|20)?\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01]|6[1-9]|[78]\d|9[01])"
                     r"[-+ ]?\d{4}\b", "[personnummer]"),
    # Swedish numbers: +46/0046/0 and 7-9 more digits with single spaces or dashes.
    "phone": (r"(?:\+46\s?|\b0046\s?|\b0)(?:\(0\)\s?)?\d(?:[\s\-]?\d){6,8}\b", "[telefon]"),
}
LABELS_SV = {"email": "e-postadresser", "personnummer": "personnummer",
             "phone": "telefonnummer"}
_ANY = "|".join(f"(?:{p})" for p, _ in PATTERNS.values())
_COMPILED = {k: (re.compile(p), r) for k, (p, r) in PATTERNS.items()}


def mask_text(text: str | None) -> tuple[str | None, dict[str, int]]:
    """Mask one string; returns the masked text and counts per kind."""
    counts = {k: 0 for k in PATTERNS}
    if not text:
        return text, counts
    for kind, (pattern, replacement) in _COMPILED.items():
        text, n = pattern.subn(replacement, text)
        counts[kind] += n
    return text, counts


def _sql_lit(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def hit_sql(expr: str) -> str:
    """SQL: does ``expr`` hold anything to mask? (Compute it once per row and pass it
    as ``hit`` to the functions below, so only those rows pay for the replacing.)"""
    return f"coalesce(regexp_matches({expr}, {_sql_lit(_ANY)}), false)"


def masked_sql(expr: str, hit: str | None = None) -> str:
    """SQL: ``expr`` with every pattern replaced (only rows that match are touched)."""
    out = expr
    for pattern, replacement in PATTERNS.values():
        out = f"regexp_replace({out}, {_sql_lit(pattern)}, {_sql_lit(replacement)}, 'g')"
    return f"CASE WHEN {hit or hit_sql(expr)} THEN {out} ELSE {expr} END"


def count_sql(expr: str, hit: str | None = None) -> dict[str, str]:
    """SQL per kind: how many values of that kind ``expr`` holds (after masking the
    kinds before it, as :func:`masked_sql` does)."""
    out: dict[str, str] = {}
    current = expr
    for kind, (pattern, replacement) in PATTERNS.items():
        out[kind] = (f"CASE WHEN {hit or hit_sql(expr)} "
                     f"THEN len(regexp_extract_all({current}, {_sql_lit(pattern)})) ELSE 0 END")
        current = f"regexp_replace({current}, {_sql_lit(pattern)}, {_sql_lit(replacement)}, 'g')"
    return out
