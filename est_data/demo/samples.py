"""The demo world as the actors' own export files (for tests, the benchmark and trying
the Data page): each actor's file has the shape its profile in ``profiles/`` describes.

- Östersundshem: CSV, semicolon, Windows-1252, address only, time as ``22.15``; a
  burglary found in the morning has its span's end in ``Till datum``/``Till klockslag``;
- övriga fastighetsägare: XLSX, sheet "Rapporter", Excel date and time cells, lat/long;
- Polisen: CSV, comma, UTF-8, SWEREF 99 TM ``N``/``E`` (blank: municipality level);
- kommunen: tab-separated, UTF-8 with BOM, ``Datum tid`` as ``2025-03-04 kl 22.15``,
  SWEREF ``X``/``Y`` with decimal commas;
- Nattvandrarna: CSV, comma, UTF-8, ``4.3.2025`` and ``kl 22.15``, lat/long with decimal
  commas, sometimes swapped, sometimes only a DeSO code, no id.

With ``messy=True`` a few rows carry what real exports carry: no date, an unreadable
time, (0, 0) coordinates, a place in another town, personal data in the free text, a
category word the taxonomy does not know.
"""
from __future__ import annotations

import csv
import datetime as dt
from functools import partial
from pathlib import Path

import numpy as np
import pandas as pd

from est_data.demo import build as demo
from est_data.demo import world as W
from est_data.areas.geometry import load_areas, store_areas
from est_data.store.db import connect

EXPORT_FILES = {"ostersundshem": "ostersundshem_felanmalningar.csv",
                "fastighetsagare": "fastighetsagare_rapporter.xlsx",
                "polisen": "polisen_utdrag.csv",
                "kommun": "kommun_klotterlogg.txt",
                "nattvandrarna": "nattvandrarna_formular.csv"}


def demo_rows(incidents: int, seed: int) -> pd.DataFrame:
    """The demo's incidents with places set as each actor knows them."""
    deso, focus = demo.build_areas()
    con = connect(":memory:")
    try:
        store_areas(con, deso, kind="deso", district=deso["district"], reassign=False)
        store_areas(con, focus, kind="custom", is_focus=True, district=focus["district"],
                         reassign=False)
        areas = load_areas(con)
    finally:
        con.close()
    df = demo.generate_incidents(incidents, seed)
    return demo.locate(df, areas)


def _messy(df: pd.DataFrame, rng: np.random.Generator, columns: dict[str, str]) -> pd.DataFrame:
    """Spoil a few rows the way real exports are spoiled."""
    df = df.copy()
    n = len(df)
    if n < 12:
        return df
    pick = rng.choice(n, size=8, replace=False)
    if "date" in columns:
        df.loc[df.index[pick[0]], columns["date"]] = ""
    if "time" in columns:
        df.loc[df.index[pick[1]], columns["time"]] = "25.70"
    if "description" in columns:
        df.loc[df.index[pick[2]], columns["description"]] = (
            "Boende (tel 070-123 45 67) vill bli kontaktad, pnr 19850312-1234.")
        df.loc[df.index[pick[3]], columns["description"]] = "Svar till anna.svensson@example.se"
    if "category" in columns:
        df.loc[df.index[pick[4]], columns["category"]] = "Snöskottning saknas"
    if "a" in columns:
        df.loc[df.index[pick[5]], [columns["a"], columns["b"]]] = ["0", "0"]
        # Sundsvall: a real place, but not in Östersund.
        df.loc[df.index[pick[6]], [columns["a"], columns["b"]]] = columns["far"]
    return df


def _fmt_num(values, decimals: int, comma: bool) -> np.ndarray:
    out = np.array([("" if not np.isfinite(v) else f"{v:.{decimals}f}") for v in values],
                   dtype=object)
    if comma:
        out = np.array([s.replace(".", ",") for s in out], dtype=object)
    return out


def _write_csv(df: pd.DataFrame, path: Path, delimiter: str, encoding: str) -> None:
    with open(path, "w", encoding=encoding, newline="", errors="replace") as fh:
        writer = csv.writer(fh, delimiter=delimiter, quoting=csv.QUOTE_MINIMAL,
                            lineterminator="\r\n")
        writer.writerow(df.columns)
        writer.writerows(df.itertuples(index=False, name=None))


def _ostersundshem_frame(df: pd.DataFrame, rng) -> pd.DataFrame:
    occ = pd.to_datetime(df["occurred_at"])
    until = pd.to_datetime(df["occurred_to"] if "occurred_to" in df else pd.NaT, errors="coerce")
    until = pd.Series(until, index=df.index)
    return pd.DataFrame({
        "Ärendenr": df["source_ref"], "Registrerad": pd.to_datetime(df["reported_at"]).dt.strftime("%Y-%m-%d %H:%M"),
        "Händelsedatum": occ.dt.strftime("%Y-%m-%d"), "Klockslag": occ.dt.strftime("%H.%M"),
        "Till datum": until.dt.strftime("%Y-%m-%d").fillna(""),
        "Till klockslag": until.dt.strftime("%H.%M").fillna(""),
        "Felkategori": df["raw_category"], "Adress": df["address"].fillna(""),
        "Lägenhet": "", "Beskrivning": df["description"]})


def export_fastighetsagare(df: pd.DataFrame, path: Path, rng, messy: bool) -> None:
    import openpyxl

    occ = pd.to_datetime(df["occurred_at"])
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Rapporter"
    sheet.append(["Ärende-ID", "Datum", "Tid", "Typ", "Fastighet/adress", "Lat", "Long",
                  "Kommentar"])
    for i, (ref, t, cat, addr, lat, lon, desc) in enumerate(zip(
            df["source_ref"], occ, df["raw_category"], df["address"], df["lat"], df["lon"],
            df["description"])):
        row = [ref, t.date(), t.time(), cat, addr if isinstance(addr, str) else None,
               None if not np.isfinite(lat) else float(lat),
               None if not np.isfinite(lon) else float(lon), desc]
        if messy and i == 3:
            row[1] = None
        sheet.append(row)
        sheet.cell(row=sheet.max_row, column=2).number_format = "yyyy-mm-dd"
        sheet.cell(row=sheet.max_row, column=3).number_format = "hh:mm"
    book.create_sheet("Instruktioner").append(["Fyll i en rad per händelse."])
    book.save(path)


def _polisen_frame(df: pd.DataFrame, rng) -> pd.DataFrame:
    occ = pd.to_datetime(df["occurred_at"])
    return pd.DataFrame({
        "Händelsenummer": df["source_ref"], "Brottsdatum": occ.dt.strftime("%Y-%m-%d"),
        "Klockslag": occ.dt.strftime("%H:%M"), "Brottsbenämning": df["raw_category"],
        "N": _fmt_num(df["y"], 1, False), "E": _fmt_num(df["x"], 1, False),
        "Sammanfattning": df["description"]})


def _kommun_frame(df: pd.DataFrame, rng) -> pd.DataFrame:
    occ = pd.to_datetime(df["occurred_at"])
    return pd.DataFrame({
        "ID": df["source_ref"], "Datum tid": occ.dt.strftime("%Y-%m-%d kl %H.%M"),
        "Kategori": df["raw_category"], "Plats": df["address"].fillna(""),
        "X": _fmt_num(df["y"], 2, True), "Y": _fmt_num(df["x"], 2, True),
        "Anteckning": df["description"]})


def _nattvandrarna_frame(df: pd.DataFrame, rng) -> pd.DataFrame:
    occ = pd.to_datetime(df["occurred_at"])
    lat = _fmt_num(df["lat"], 6, True)
    lon = _fmt_num(df["lon"], 6, True)
    swap = rng.random(len(df)) < 0.05  # typed into the wrong field on the phone
    lat2 = np.where(swap, lon, lat)
    lon2 = np.where(swap, lat, lon)
    area_only = (df["precision"] == "area").to_numpy()
    return pd.DataFrame({
        "Tidstämpel": pd.to_datetime(df["reported_at"]).dt.strftime("%Y-%m-%d %H:%M:%S"),
        "Datum": [f"{t.day}.{t.month}.{t.year}" for t in occ],
        "Tid": occ.dt.strftime("kl %H.%M"), "Vad hände?": df["raw_category"],
        "Var?": "", "Latitud": np.where(area_only, "", lat2),
        "Longitud": np.where(area_only, "", lon2),
        "DeSO": np.where(area_only, df["area_id"].fillna(""), ""),
        "Kommentar": df["description"]})


#: The CSV exports: each actor's rows, its file's delimiter and encoding, and the columns
#: that ``messy=True`` spoils (see :func:`_messy`).
CSV_EXPORTS = {
    "ostersundshem": (_ostersundshem_frame, ";", "cp1252", {
        "date": "Händelsedatum", "time": "Klockslag", "description": "Beskrivning",
        "category": "Felkategori"}),
    "polisen": (_polisen_frame, ",", "utf-8", {
        "date": "Brottsdatum", "description": "Sammanfattning", "category": "Brottsbenämning",
        "a": "N", "b": "E", "far": ["6920000.0", "617000.0"]}),
    "kommun": (_kommun_frame, "\t", "utf-8-sig", {
        "date": "Datum tid", "description": "Anteckning", "category": "Kategori",
        "a": "X", "b": "Y", "far": ["6920000,00", "617000,00"]}),
    "nattvandrarna": (_nattvandrarna_frame, ",", "utf-8", {
        "date": "Datum", "time": "Tid", "description": "Kommentar", "category": "Vad hände?",
        "a": "Latitud", "b": "Longitud", "far": ["62,3908", "17,3069"]}),
}


def export_csv(source: str, df: pd.DataFrame, path: Path, rng, messy: bool) -> None:
    """Write ``source``'s CSV export of ``df`` (spoilt a little with ``messy``)."""
    frame, delimiter, encoding, spoil = CSV_EXPORTS[source]
    out = frame(df, rng)
    if messy:
        out = _messy(out, rng, spoil)
    _write_csv(out, path, delimiter, encoding)


WRITERS = {"ostersundshem": partial(export_csv, "ostersundshem"),
           "fastighetsagare": export_fastighetsagare,
           "polisen": partial(export_csv, "polisen"), "kommun": partial(export_csv, "kommun"),
           "nattvandrarna": partial(export_csv, "nattvandrarna")}


def write_demo_exports(folder: Path | str, incidents: int = 2000, seed: int = 11,
                       messy: bool = True, rows: pd.DataFrame | None = None) -> dict[str, Path]:
    """Write one export file per demo actor into ``folder``; returns ``{actor: path}``."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    df = rows if rows is not None else demo_rows(incidents, seed)
    rng = np.random.default_rng(seed)
    out = {}
    for source, writer in WRITERS.items():
        part = df[df["source"] == source].reset_index(drop=True)
        path = folder / EXPORT_FILES[source]
        writer(part, path, rng, messy)
        out[source] = path
    return out


def write_address_register(df: pd.DataFrame, path: Path | str) -> Path:
    """An address register (``Adress;N;E``) from the demo's address points."""
    known = df[df["address"].notna() & df["x"].notna()]
    reg = known.groupby("address", sort=True)[["x", "y"]].median().reset_index()
    out = pd.DataFrame({"Adress": reg["address"], "N": _fmt_num(reg["y"], 1, False),
                        "E": _fmt_num(reg["x"], 1, False)})
    path = Path(path)
    _write_csv(out, path, ";", "utf-8")
    return path


def demo_now() -> dt.datetime:
    """The 'today' of the demo world (so demo dates are never 'in the future')."""
    return dt.datetime.combine(W.DEMO_END, dt.time(23, 0))
