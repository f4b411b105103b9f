"""Trender's tabs and their short codes in the link (``?flik=vecka``): a shared link
opens the same tab, and renaming a tab's label breaks no link (the code stays)."""
from __future__ import annotations

PARAM = "flik"
#: (code, label) in the order of the page; the codes are part of every shared link:
#: never change one, only add.
TABS: tuple[tuple[str, str], ...] = (
    ("tid", "Över tid"),
    ("vecka", "Veckodag och klockslag"),
    ("omraden", "Områden"),
    ("handelser", "Händelser"),
    ("nara", "Nära upprepning"),
)
#: The meeting role's fourth tab: counts for sharing instead of incidents (same code).
AGGREGATES_LABEL = "Antal för delning"
#: Tabs only for roles that see single incidents.
ROWS_ONLY = {"nara"}


def codes(can_rows: bool) -> dict[str, str]:
    """``{code: label}`` of the tabs a role sees, in page order."""
    out = {}
    for code, label in TABS:
        if code in ROWS_ONLY and not can_rows:
            continue
        out[code] = AGGREGATES_LABEL if code == "handelser" and not can_rows else label
    return out


def labels(can_rows: bool) -> list[str]:
    return list(codes(can_rows).values())


def label_for(code: str | None, can_rows: bool) -> str | None:
    """The label a link's code opens, or None (no code, unknown, or not for the role)."""
    if not isinstance(code, str):
        return None
    return codes(can_rows).get(code.strip().lower())


def code_for(label: str | None, can_rows: bool) -> str | None:
    """The code of a label (None for an unknown one)."""
    return next((c for c, lab in codes(can_rows).items() if lab == label), None)


def param_value(label: str | None, can_rows: bool) -> str | None:
    """What the link should carry for the open tab: its code, or None for the first
    tab (the default: the link stays short)."""
    code = code_for(label, can_rows)
    return None if code is None or code == next(iter(codes(can_rows))) else code
