"""Swedish words for the Knox table: band labels, the table as texts, and a plain
explanation of what the test does and what the figures mean."""
from __future__ import annotations

import numpy as np
import pandas as pd

from est_data.core import fmt
from est_data.nearrepeat.knox import ALPHA, KnoxResult

EXPLANATION_SV = (
    "**Nära upprepning (Knox-test).** Efter ett inbrott löper grannarna några hundra meter "
    "bort förhöjd risk under några veckor. Testet tar alla par av händelser och lägger "
    "varje par i en ruta efter hur långt ifrån varandra de är (**avståndsband**, raderna) "
    "och hur många dagar som skiljer dem (**tidsband**, kolumnerna).\n\n"
    "- **Förväntat**: hur många par rutan får när tidpunkterna blandas slumpvis mellan "
    "händelserna ({perms} gånger). Platserna och tidpunkterna är desamma, bara kopplingen "
    "mellan dem försvinner.\n"
    "- **Kvot** = observerat / förväntat. Över 1 betyder fler par nära i både tid och rum "
    "än slumpen ger: 1,5 är 50 % fler.\n"
    "- **p** = andelen slumpvisa blandningar med minst lika många par (räknat som i Near "
    "Repeat Calculator). p ≤ {alpha} markeras. Med {perms} blandningar är det minsta "
    "möjliga p {pmin}; i en stor tabell blir någon ruta signifikant av en slump, så lita "
    "mest på ett mönster i de närmaste rutorna. Sista raden och kolumnen (längre bort än "
    "banden) är det som blir över av alla par och markeras aldrig.\n\n"
    "Bara händelser med känd punkt eller adress räknas (inte de som bara är kända på "
    "område eller kommun)."
)


def explanation(permutations: int) -> str:
    return EXPLANATION_SV.format(perms=fmt.num(permutations), alpha=fmt.num(ALPHA, 2),
                                 pmin=fmt.num(1 / (permutations + 1), 3))


def space_labels(edges: tuple[float, ...]) -> list[str]:
    """``["Samma plats", "1–100 m", "101–200 m", "över 200 m"]``."""
    out, low = [], None
    for e in edges:
        e = int(round(e))
        if e == 0:
            out.append("Samma plats")
        else:
            start = 0 if low is None else low + 1
            out.append(f"{fmt.num(start)}–{fmt.num(e)} m")
        low = e
    return out + [f"över {fmt.num(int(round(edges[-1])))} m"]


def time_labels(edges: tuple[int, ...]) -> list[str]:
    """``["0–7 dagar", "8–14 dagar", "över 14 dagar"]``."""
    out, low = [], -1
    for e in edges:
        out.append(f"{low + 1}–{e} dagar")
        low = e
    return out + [f"över {edges[-1]} dagar"]


def near_cells(r: KnoxResult, alpha: float = ALPHA) -> np.ndarray:
    """Significant cells within the bands: the last row and column (pairs beyond the
    largest band) are what is left of the totals, which permuting leaves almost
    unchanged, so a tiny excess there can reach any p-value; they are never marked."""
    sig = r.significant(alpha)
    sig[-1, :] = False
    sig[:, -1] = False
    return sig


def table_texts(r: KnoxResult, alpha: float = ALPHA) -> pd.DataFrame:
    """One row per distance band, one column per time band, each cell
    ``"1,84 (p 0,01) *"``: the ratio and its p-value, ``*`` where significant within
    the bands; ``–`` for a cell with no pairs observed or expected."""
    ratio, sig = r.ratio, near_cells(r, alpha)
    decimals = 2 if r.permutations < 199 else 3
    rows = []
    for s in range(ratio.shape[0]):
        rows.append(["–" if np.isnan(ratio[s, k]) and r.observed[s, k] == 0 else
                     ("–" if np.isnan(ratio[s, k]) else fmt.num(ratio[s, k], 2))
                     + f" (p {fmt.num(r.p_value[s, k], decimals)})" + (" *" if sig[s, k] else "")
                     for k in range(ratio.shape[1])])
    return pd.DataFrame(rows, index=space_labels(r.space_edges),
                        columns=time_labels(r.time_edges))


def counts_frame(r: KnoxResult) -> pd.DataFrame:
    """Observed and expected pairs, long form: band labels, counts, ratio, p."""
    sl, tl = space_labels(r.space_edges), time_labels(r.time_edges)
    ratio = r.ratio
    return pd.DataFrame([
        {"Avstånd": sl[s], "Tid": tl[k], "Observerat": int(r.observed[s, k]),
         "Förväntat": float(r.expected[s, k]), "Kvot": float(ratio[s, k]),
         "p": float(r.p_value[s, k])}
        for s in range(len(sl)) for k in range(len(tl))])
