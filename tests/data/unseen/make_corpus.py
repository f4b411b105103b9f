"""Writes the acceptance corpus of issue 13: exports of partners the import has never seen.

Run once from the repository root (the files are committed; the acceptance test checks
that running it again gives the same content):

    python tests/data/unseen/make_corpus.py

Each file imitates what one Swedish EST partner's system produces and varies one or two
traits on purpose (header words, layout, encoding, CRS, title rows, time spans, category
phrases). The events are written by hand below, at invented places inside Östersund: each
place hangs on one of the demo's areas (``est_data.demo.world``) so its point falls in
that area. ``addresses.csv`` is the municipality's address register for the corpus (every
place except Hamngatan 8, so one planted duplicate pair is linked by address alone).

``expected.json`` says, per file and row, what a human reading the file expects in the
database: category code, time to the minute (and the end of a time span), the point
(WGS84, for a file's own coordinates or the register's point), area, or the rejection
and its kind; plus the planted cross-partner duplicates and the phrases nobody should
guess a category for (``must_not_guess``: category ``ovrigt``, raw word kept).
"""
from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
import sys
import zipfile
from pathlib import Path

import openpyxl
import shapely
from pyproj import Transformer

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parents[2]))  # the repository, for the demo's areas

from est_data.demo import world as W  # noqa: E402
from est_data.demo.build import build_areas  # noqa: E402

WGS_TO_SWEREF = Transformer.from_crs(4326, 3006, always_xy=True)
SWEREF_TO_WGS = Transformer.from_crs(3006, 4326, always_xy=True)
SWEREF_TO_RT90 = Transformer.from_crs(3006, 3021, always_xy=True)
D = dt.datetime

# Places: key -> (address, anchor area id, metres east, metres north of its centre).
PLACES = {
    "kyrk12": ("Kyrkgatan 12", "fokus_kyrkgatan", 0, 0),
    "kyrk20": ("Kyrkgatan 20", "fokus_kyrkgatan", 110, -50),
    "storg5": ("Storgatan 5", "2380C1170", 50, 30),
    "radhus30": ("Rådhusgatan 30", "2380C1200", -60, 40),
    "prast21": ("Prästgatan 21", "2380C1220", 40, -50),
    "hamn8": ("Hamngatan 8", "2380C1170", -120, -80),  # not in the register
    "odens14": ("Odensalavägen 14", "2380C1050", 30, 30),
    "berg3": ("Bergsgatan 3", "2380C1080", -40, 20),
    "korf7": ("Körfältsgatan 7", "2380C1190", 20, -30),
    "fjall22": ("Fjällmonsvägen 22", "2380C1060", -30, -20),
    "ara4": ("Arågränd 4", "fokus_aragrand", 20, 10),
    "torv9": ("Torvallavägen 9", "2380C1040", 50, 0),
    "lugn2": ("Lugnviksvägen 2", "2380C1300", 0, 60),
    "britt11": ("Brittsbovägen 11", "2380C1310", -20, -20),
    "karl6": ("Karlslundsvägen 6", "2380C1210", 30, -40),
    "fros15": ("Frösövägen 15", "2380C1180", 0, 0),
    "sodra8": ("Södra Vägen 8", "2380C1130", 10, 10),
    "odensk3": ("Odenskogsvägen 3", "2380C1140", -10, 40),
    "skogs5": ("Skogsmonsvägen 5", "2380C1070", 40, -10),
    "mjalle2": ("Mjällevägen 2", "2380C1240", 0, 30),
    "gradd4": ("Gräddvägen 4", "2380C1160", 20, 20),
    "rosen9": ("Rosenvägen 9", "2380C1150", -30, 10),
    "valla1": ("Vallaplan 1", "2380C1110", 10, -20),
    "sjobod2": ("Sjöbodvägen 2", "2380C1250", -20, 30),
    "fager5": ("Fagervägen 5", "2380C1260", 20, -10),
    "moss3": ("Mossvägen 3", "2380C1090", 0, -30),
}
NOT_IN_REGISTER = {"hamn8"}
STOCKHOLM = (59.3293, 18.0686)  # Sergels torg: a real place, outside the municipality


def ev(ref, raw, code, when, place=None, off=(0, 0), to=None, how="point", **extra):
    """One event of a file: its id, raw phrase, expected category code, start (and end)
    time, place key, offset in metres from the place's point, and how the file gives
    the place ("point": own coordinates, "address": address only, "area": DeSO code)."""
    return dict(ref=ref, raw=raw, code=code, when=when, to=to, place=place, off=off,
                how=how, **extra)


# --- the files' events ----------------------------------------------------------------

POLICE = [  # Police register extract (RAR/Durtvå style); a point per row, 15 m scatter
    ev("5000-K41201-26", "Inbrott i källare", "inbrott", D(2026, 10, 12, 23, 30), "berg3",
       (8, -6), crime_code="0857"),
    ev("5000-K41388-26", "Skadegörelse genom klotter", "klotter", D(2026, 10, 14, 2, 10),
       "prast21", (-5, 9), crime_code="1209"),
    ev("5000-K41502-26", "Olaga intrång", "obehorig", D(2026, 10, 15, 21, 5), "storg5",
       (4, 4), crime_code="0401"),
    ev("5000-K41650-26", "Misshandel, ej grov, utomhus", "vald_hot", D(2026, 10, 16, 22, 52),
       "kyrk12", (12, -9), crime_code="0306"),  # duplicate D1
    ev("5000-K41777-26", "Stöld av cykel", "stold", D(2026, 10, 18, 14, 20), "korf7", (3, 3),
       crime_code="0860"),
    ev("5000-K41890-26", "Skadegörelse på motorfordon", "skadegorelse",
       D(2026, 10, 11, 1, 40), "fjall22", (3, 3), crime_code="1207"),
    ev("5000-K41999-26", "Ringa narkotikabrott, innehav", "narkotika", D(2026, 10, 21, 19, 30),
       "ara4", (-6, 2), crime_code="5010"),
]
NIGHT_WALKERS = [  # phone notes: no id, address only, three date-time styles
    ev(None, "slagsmål mellan två killar", "vald_hot", D(2026, 10, 16, 22, 40), "kyrk12",
       how="address", when_text="16/10 2026 kl 22.40"),  # duplicate D1
    ev(None, "ungdomar som bråkar", "storning", D(2026, 10, 17, 23, 15), "storg5",
       how="address", when_text="2026-10-17 23:15"),
    ev(None, "glaskross vid lekplatsen", "nedskrapning", D(2026, 10, 17, 21, 50), "valla1",
       how="address", when_text="17 okt 2026 21:50"),
    ev(None, "gäng som samlas vid kiosken", "samling", D(2026, 10, 18, 20, 30), "korf7",
       how="address", when_text="18 okt 2026 20:30"),
    ev(None, "mörkt i gångtunneln, lamporna trasiga", "otrygg_plats", D(2026, 10, 18, 21, 10),
       "odensk3", how="address", when_text="2026-10-18 21:10"),
    ev(None, "någon har tänt eld i en papperskorg", "brand", D(2026, 10, 23, 22, 5), "britt11",
       how="address", when_text="23/10 2026 kl 22.05"),
    ev(None, "ungdomar samlas vid kyrkan", "samling", D(2026, 10, 25, 21, 0), "kyrk20",
       how="address", when_text="2026-10-25 21:00"),  # near miss N1 (another family)
    ev(None, "pratade med några killar, lugnt", "ovrigt", D(2026, 10, 24, 22, 0), "fros15",
       how="address", when_text="2026-10-24 22:00", must_not_guess=True),
    ev(None, "konstig stämning vid busshållplatsen", "ovrigt", D(2026, 10, 24, 23, 10),
       "sjobod2", how="address", when_text="24 okt 2026 23:10", must_not_guess=True),
]
HOUSING = [  # fault reports: CP1252, title rows, address only
    ev("FR-2026-004511", "Inbrott källare", "inbrott", D(2026, 10, 13, 7, 40), "odens14",
       how="address"),
    ev("FR-2026-004530", "Obehöriga i trapphus", "obehorig", D(2026, 10, 15, 1, 20), "torv9",
       how="address"),
    ev("FR-2026-004562", "Brand i soprum", "brand", D(2026, 10, 20, 3, 15), "radhus30",
       how="address"),  # duplicate D2
    ev("FR-2026-004580", "Klotter på fasad", "klotter", D(2026, 10, 22, 8, 40), "hamn8",
       how="address"),  # duplicate D3 (address only, not in the register)
    ev("FR-2026-004601", "Nedskräpning vid miljöhus", "nedskrapning", D(2026, 10, 23, 10, 0),
       "fager5", how="address"),
    ev("FR-2026-004622", "Krossad ruta i entrén", "skadegorelse", D(2026, 10, 26, 6, 50),
       "rosen9", how="address"),
]
GUARDS = [  # security company: English headers, start and end time, WGS84 lat/lon
    ev("SEC-88121", "Fire", "brand", D(2026, 10, 20, 3, 5), "radhus30", (22, -20),
       to=D(2026, 10, 20, 3, 40)),  # duplicate D2
    ev("SEC-88040", "Break-in attempt", "inbrott", D(2026, 10, 17, 2, 30), "lugn2", (0, 5),
       to=D(2026, 10, 17, 2, 45)),
    ev("SEC-88102", "Trespassing", "obehorig", D(2026, 10, 19, 23, 50), "skogs5", (5, 0),
       to=D(2026, 10, 20, 0, 20)),
    ev("SEC-88177", "Vandalism", "skadegorelse", D(2026, 10, 25, 21, 10), "kyrk20", (10, 10),
       to=D(2026, 10, 25, 21, 30)),  # near miss N1 (another family)
    ev("SEC-88190", "Noise disturbance", "storning", D(2026, 10, 28, 1, 15), "moss3", (0, 0),
       to=D(2026, 10, 28, 1, 40)),
    ev("SEC-88203", "Suspicious activity", "ovrigt", D(2026, 10, 29, 22, 35), "gradd4",
       (-4, 0), to=D(2026, 10, 29, 22, 50), must_not_guess=True),
]
STREETS_DEPT = [  # municipality street department: X/Y (SWEREF 99 TM) named in the header
    ev("KS-2026-1180", "Klotter på elskåp", "klotter", D(2026, 10, 5, 7, 30), "gradd4", (6, 2)),
    ev("KS-2026-1193", "Skadegörelse lekplats", "skadegorelse", D(2026, 10, 6, 9, 15), "karl6"),
    ev("KS-2026-1207", "Trasig belysning gångväg", "otrygg_plats", D(2026, 10, 7, 16, 45),
       "mjalle2"),
    ev("KS-2026-1222", "Nedskräpning i park", "nedskrapning", D(2026, 10, 8, 11, 5), "sjobod2",
       (40, 40)),
    ev("KS-2026-1240", "Dumpat avfall", "nedskrapning", D(2026, 10, 9, 13, 50), "sodra8"),
    ev("KS-2026-1251", "Klotter på busskur", "klotter", D(2026, 10, 27, 10, 20), "kyrk20", (-30, 0)),
]
GIS = [  # older municipal GIS: RT 90 2.5 gon V, dates with dots
    ev("G-7741", "Skadegörelse på busskur", "skadegorelse", D(2026, 10, 19, 1, 20), "fjall22",
       (-150, 130)),  # duplicate D4
    ev("G-7748", "Brand i container", "brand", D(2026, 10, 10, 18, 40), "lugn2", (20, -10)),
    ev("G-7752", "Klotter", "klotter", D(2026, 10, 11, 12, 0), "britt11", (0, 15)),
    ev("G-7760", "Sönderslagen parkbänk", "skadegorelse", D(2026, 10, 30, 8, 25), "valla1",
       (-10, 10)),
    ev("G-7766", "Nedskräpning", "nedskrapning", D(2026, 10, 31, 9, 0), "fros15", (15, 15)),
]
PROPERTY = [  # property owner's workbook: Info sheet first, WGS84 with decimal commas
    ev("AO-30017", "Skadegörelse", "skadegorelse", D(2026, 10, 19, 1, 0), "fjall22",
       (-140, 100)),  # duplicate D4
    ev("AO-30022", "Inbrott i förråd", "inbrott", D(2026, 10, 21, 6, 30), "ara4", (30, -20)),
    ev("AO-30031", "Störande grannar", "storning", D(2026, 10, 24, 23, 45), "rosen9", (5, 5)),
    ev("AO-30040", "Cykelstöld", "stold", D(2026, 10, 26, 17, 10), "odens14", (-8, 3)),
    ev("AO-30046", "Obehörig i källare", "obehorig", D(2026, 10, 28, 20, 5), "berg3", (10, 0)),
]
NIGHT_BURGLARY = [  # landlord: the time of a burglary as a span in one cell
    ev("1", "Inbrott i källarförråd", "inbrott", D(2026, 10, 12, 22, 0), "skogs5",
       to=D(2026, 10, 13, 6, 0), how="address", span_text="22.00-06.00"),
    ev("2", "Inbrott i cykelrum", "inbrott", D(2026, 10, 19, 23, 30), "torv9",
       to=D(2026, 10, 20, 5, 45), how="address", span_text="23.30-05.45"),
    ev("3", "Klotter i tvättstugan", "klotter", D(2026, 10, 21, 8, 0), "mjalle2",
       to=D(2026, 10, 21, 16, 0), how="address", span_text="08.00-16.00"),
    ev("4", "Skadegörelse", "skadegorelse", D(2026, 10, 27, 21, 15), "sodra8",
       how="address", span_text="kl 21.15"),
    ev("5", "Inbrottsförsök förråd", "inbrott", D(2026, 10, 29, 1, 0), "karl6",
       to=D(2026, 10, 29, 4, 30), how="address", span_text="01.00\u201304.30"),
]
DESO_EXPORT = [  # municipality safety survey: DeSO codes, no coordinates
    ev("T-101", "Klotter", "klotter", D(2026, 10, 4, 17, 0), area="2380C1170", how="area"),
    ev("T-102", "Trasig belysning", "otrygg_plats", D(2026, 10, 5, 19, 30), area="2380C1250",
       how="area"),
    ev("T-103", "Nedskräpning", "nedskrapning", D(2026, 10, 6, 10, 15), area="2380C1300",
       how="area"),
    ev("T-104", "Skadegörelse", "skadegorelse", D(2026, 10, 7, 22, 45), area="2380C1060",
       how="area"),
    ev("T-105", "Ungdomar samlas", "samling", D(2026, 10, 8, 20, 10), area="2380C1090",
       how="area"),
]
STUDENT_HOUSING = [  # UTF-16 tab-separated ("Unicode text" from Excel), address only
    ev("SB-551", "Klotter i entré", "klotter", D(2026, 10, 22, 8, 55), "hamn8", how="address",
       address_text="HAMNGATAN 8"),  # duplicate D3
    ev("SB-557", "Störning", "storning", D(2026, 10, 23, 0, 40), "odensk3", how="address"),
    ev("SB-560", "Stöld av cykel", "stold", D(2026, 10, 24, 12, 30), "prast21", how="address"),
    ev("SB-566", "Obehöriga i källargången", "obehorig", D(2026, 10, 26, 2, 15), "britt11",
       how="address"),
    ev("SB-570", "Brand i papperskorg", "brand", D(2026, 10, 30, 21, 35), "moss3",
       how="address"),
]
YOUTH_CENTRE = [  # youth centre: valid rows and rows that must be rejected with a reason
    ev("FG-1", "Bråk utanför gården", "storning", D(2026, 10, 9, 20, 40), "karl6", (60, 0)),
    ev("FG-2", "Klotter på gaveln", "klotter", D(2026, 10, 10, 21, 15), "fager5", (-5, 5)),
    ev("FG-3", "Fönster krossat", None, None, "fager5", (0, 0), rejected="date_missing",
       date_text=""),
    ev("FG-4", "Klotter på skylt", None, None, "fager5", rejected="date_unparseable",
       date_text="förra fredagen"),
    ev("FG-5", "Bråk vid busshållplats", None, None, "fager5", rejected="date_unparseable",
       date_text="2026-02-30"),
    ev("FG-6", "Skadegörelse", None, D(2026, 10, 11, 19, 0), "stockholm",
       rejected="outside"),
    ev("FG-7", "Mörk gångväg, belysningen trasig", "otrygg_plats", D(2026, 10, 12, 18, 20),
       "sjobod2", (-60, -40)),
]

SCHOOLS = [  # school property unit: the span in four columns "Fr.o.m./T.o.m. datum/kl"
    ev("SK-2026-061", "Krossade fönster", "skadegorelse", D(2026, 10, 2, 16, 30), "rosen9",
       to=D(2026, 10, 5, 7, 0), how="address", school="Rosenskolan", cost="12 500,00"),
    ev("SK-2026-062", "Inbrott i slöjdsalen", "inbrott", D(2026, 10, 2, 17, 0), "lugn2",
       to=D(2026, 10, 5, 6, 45), how="address", school="Lugnviksskolan", cost="48 000,00"),
    ev("SK-2026-064", "Anlagd brand i papperskorg", "brand", D(2026, 10, 3, 22, 10), "odens14",
       to=D(2026, 10, 3, 22, 30), how="address", school="Odensalaskolan", cost="1 200,00"),
    ev("SK-2026-065", "Klotter på skolgården", "klotter", D(2026, 10, 9, 15, 0), "fros15",
       to=D(2026, 10, 12, 7, 15), how="address", school="Frösö skola", cost="6 750,50"),
    ev("SK-2026-067", "Nedskräpning på skolgården", "nedskrapning", D(2026, 10, 10, 8, 0),
       "karl6", to=D(2026, 10, 10, 18, 0), how="address", school="Karlslundskolan",
       cost="0,00"),
]

DUPLICATES = [  # the planted cross-partner duplicates: (file, ref-or-key), twice
    ("D1", "nattvandrare_telefon.csv", 0, "polisen_durtva.csv", 3,
     "same fight: night walkers 22:40 at Kyrkgatan 12, police 22:52 about 15 m away"),
    ("D2", "ostersundshem_felanmalan.csv", 2, "vaktbolaget_rapport.csv", 0,
     "same fire: housing 03:15 at Rådhusgatan 30, guards 03:05-03:40 about 30 m away"),
    ("D3", "ostersundshem_felanmalan.csv", 3, "studentbostader_utf16.txt", 0,
     "same graffiti: Hamngatan 8 (not in the register) 08:40 and 08:55, address only"),
    ("D4", "fastighetsagare_norr.xlsx", 0, "kommun_gis_rt90.csv", 0,
     "same damage: property owner 01:00, GIS 01:20, about 32 m apart"),
]

# --- places --------------------------------------------------------------------------

DESO, FOCUS = build_areas()
ANCHORS = {**{d[0]: d[2] for d in W.DESO}, **{f[0]: f[2] for f in W.FOCUS}}


def place_xy(key: str) -> tuple[float, float]:
    """SWEREF 99 TM (east, north) of a place's point (the register's point)."""
    if key == "stockholm":
        return WGS_TO_SWEREF.transform(STOCKHOLM[1], STOCKHOLM[0])
    _, anchor, de, dn = PLACES[key]
    lat, lon = ANCHORS[anchor]
    x, y = WGS_TO_SWEREF.transform(lon, lat)
    return round(x + de, 1), round(y + dn, 1)


def event_xy(e: dict) -> tuple[float, float]:
    x, y = place_xy(e["place"])
    return x + e["off"][0], y + e["off"][1]


def wgs(x: float, y: float) -> tuple[float, float]:
    lon, lat = SWEREF_TO_WGS.transform(x, y)
    return round(lat, 7), round(lon, 7)


def areas_at(x: float, y: float) -> tuple[str | None, str | None]:
    """(DeSO area, focus area) holding a point, from the demo's polygons."""
    def hit(frame):
        inside = frame[frame.geometry.contains(shapely.Point(x, y))]
        return inside["area_id"].iloc[0] if len(inside) else None
    return hit(DESO), hit(FOCUS)


def address(e: dict) -> str:
    return e.get("address_text") or PLACES[e["place"]][0]


# --- writing the files ---------------------------------------------------------------

def csv_bytes(rows: list[list], delimiter: str, encoding: str, newline: str = "\n",
              bom: bool = False) -> bytes:
    buf = io.StringIO()
    csv.writer(buf, delimiter=delimiter, lineterminator=newline).writerows(rows)
    data = buf.getvalue().encode(encoding)
    return (b"\xef\xbb\xbf" + data) if bom else data


def hm(t: dt.datetime, sep: str = ":") -> str:
    return f"{t:%H}{sep}{t:%M}"


def police_file() -> bytes:
    rows = [["Ärendenummer", "Brottskod", "Brottsbenämning", "Brottsdatum", "Inbrottstid kl",
             "Brottsplats adress", "N (SWEREF 99 TM)", "E (SWEREF 99 TM)"]]
    for e in POLICE:
        x, y = event_xy(e)
        rows.append([e["ref"], e["crime_code"], e["raw"], f"{e['when']:%Y-%m-%d}",
                     hm(e["when"], "."), address(e), f"{y:.0f}", f"{x:.0f}"])
    return csv_bytes(rows, ";", "utf-8")


def night_walkers_file() -> bytes:
    rows = [["vad hände", "var", "när"]]
    rows += [[e["raw"], address(e), e["when_text"]] for e in NIGHT_WALKERS]
    return csv_bytes(rows, ",", "utf-8")


HOUSING_TEXT = {"FR-2026-004511": "Förrådsdörr uppbruten, hänglås borta",
                "FR-2026-004530": "Hyresgäst ringer: två okända sover i trapphuset",
                "FR-2026-004562": "Rökutveckling i soprummet, räddningstjänsten på plats",
                "FR-2026-004580": "Stora taggar på gavelns fasad",
                "FR-2026-004601": "Möbler och säckar dumpade vid miljöhuset",
                "FR-2026-004622": "Glasrutan i entrédörren krossad"}


def housing_file() -> bytes:
    width = 8
    rows = [["Östersundshem AB – Felanmälningar"] + [""] * (width - 1),
            ["Utdrag 2026-10-31 07:02, urval: trygghet och skadegörelse"] + [""] * (width - 1),
            [""] * width,
            ["Felanmälan nr", "Registrerad", "Händelsedatum", "Tid", "Adress", "Lgh nr",
             "Ärendetyp", "Felbeskrivning"]]
    for i, e in enumerate(HOUSING):
        reg = e["when"] + dt.timedelta(minutes=25 + 5 * i)
        rows.append([e["ref"], f"{reg:%Y-%m-%d %H:%M}", f"{e['when']:%Y-%m-%d}",
                     hm(e["when"], "."), address(e), str(1101 + 7 * i), e["raw"],
                     HOUSING_TEXT[e["ref"]]])
    return csv_bytes(rows, ";", "cp1252", "\r\n")


def guards_file() -> bytes:
    rows = [["Incident no", "Incident type", "Location", "Start time", "End time", "Lat", "Lon",
             "Unit"]]
    for i, e in enumerate(GUARDS):
        lat, lon = wgs(*event_xy(e))
        rows.append([e["ref"], e["raw"], f"{address(e)}, Östersund",
                     f"{e['when']:%Y-%m-%d %H:%M}", f"{e['to']:%Y-%m-%d %H:%M}",
                     f"{lat:.6f}", f"{lon:.6f}", f"Patrol {i % 3 + 1}"])
    return csv_bytes(rows, ",", "utf-8", "\r\n", bom=True)


def streets_file() -> bytes:
    rows = [["Ärende-ID", "Inkom", "Händelsedatum", "Ärendetyp", "Beskrivning",
             "X (SWEREF 99 TM)", "Y (SWEREF 99 TM)"]]
    for e in STREETS_DEPT:
        x, y = event_xy(e)
        came = e["when"] + dt.timedelta(days=1, hours=2)
        rows.append([e["ref"], f"{came:%Y-%m-%d %H:%M}", f"{e['when']:%Y-%m-%d %H:%M}",
                     e["raw"], f"Anmält via felanmälan, {address(e)}",
                     f"{y:.1f}".replace(".", ","), f"{x:.1f}".replace(".", ",")])
    return csv_bytes(rows, ";", "utf-8")


def gis_file() -> bytes:
    rows = [["ObjektID", "Datum", "Klockslag", "Typ", "X_RT90", "Y_RT90"]]
    for e in GIS:
        east, north = SWEREF_TO_RT90.transform(*event_xy(e))
        rows.append([e["ref"], f"{e['when']:%Y.%m.%d}", hm(e["when"]), e["raw"],
                     f"{north:.0f}", f"{east:.0f}"])
    return csv_bytes(rows, ";", "utf-8")


def night_burglary_file() -> bytes:
    rows = [["Id", "Datum", "Tidsintervall", "Händelse", "Adress"]]
    rows += [[e["ref"], f"{e['when']:%Y-%m-%d}", e["span_text"], e["raw"], address(e)]
             for e in NIGHT_BURGLARY]
    return csv_bytes(rows, ";", "utf-8")


def deso_file() -> bytes:
    rows = [["Ärendenr", "Datum", "Kl", "Typ av händelse", "DeSO"]]
    rows += [[e["ref"], f"{e['when']:%Y-%m-%d}", hm(e["when"]), e["raw"], e["area"]]
             for e in DESO_EXPORT]
    return csv_bytes(rows, ";", "utf-8")


def student_file() -> bytes:
    rows = [["Ärende", "Datum", "Klockan", "Kategori", "Adress", "Anteckning"]]
    rows += [[e["ref"], f"{e['when']:%d.%m.%Y}", hm(e["when"]), e["raw"], address(e),
              "Anmält av boende"] for e in STUDENT_HOUSING]
    return b"\xff\xfe" + csv_bytes(rows, "\t", "utf-16-le", "\r\n")  # UTF-16 LE with BOM


def schools_file() -> bytes:
    rows = [["Skadenr", "Skola", "Adress", "Skadetyp", "Fr.o.m. datum", "Fr.o.m. kl",
             "T.o.m. datum", "T.o.m. kl", "Uppskattad kostnad (kr)"]]
    rows += [[e["ref"], e["school"], address(e), e["raw"], f"{e['when']:%Y-%m-%d}",
              hm(e["when"], "."), f"{e['to']:%Y-%m-%d}", hm(e["to"], "."), e["cost"]]
             for e in SCHOOLS]
    return csv_bytes(rows, ";", "utf-8")


def youth_file() -> bytes:
    rows = [["Nr", "Datum", "Tid", "Vad hände", "Plats", "Lat", "Long"]]
    for e in YOUTH_CENTRE:
        lat, lon = STOCKHOLM if e["place"] == "stockholm" else wgs(*event_xy(e))
        date = e["date_text"] if "date_text" in e else f"{e['when']:%Y-%m-%d}"
        when = e["when"] or D(2026, 10, 10, 19, 0)
        where = "Sergels torg" if e["place"] == "stockholm" else address(e)
        rows.append([e["ref"], date, hm(when), e["raw"], where, f"{lat:.6f}", f"{lon:.6f}"])
    return csv_bytes(rows, ";", "utf-8")


FIXED_TIME = (2026, 10, 31, 7, 0, 0)


def property_file() -> bytes:
    """A workbook whose first sheet explains the columns; the data is on the second,
    below two title rows and a blank row. Dates are real date cells, times text, the
    WGS84 coordinates text with decimal commas."""
    book = openpyxl.Workbook()
    info = book.active
    info.title = "Info"
    for row in (["Fastighetsförvaltning Norr AB"], ["Export från Fastighetssystemet", "2026-10-31"],
                [], ["Fält", "Beskrivning"], ["Rapport-ID", "Löpnummer i systemet"],
                ["WGS84 N / WGS84 E", "Latitud och longitud, decimalkomma"],
                ["Rapporterad av", "Roll hos den som skrev rapporten"]):
        info.append(row)
    data = book.create_sheet("Händelser")
    data.append(["Händelserapport oktober 2026"])
    data.append(["Fastighetsförvaltning Norr AB, alla fastigheter"])
    data.append([])
    data.append(["Rapport-ID", "Datum", "Tid", "Händelse", "Adress", "WGS84 N", "WGS84 E",
                 "Rapporterad av"])
    for e in PROPERTY:
        lat, lon = wgs(*event_xy(e))
        data.append([e["ref"], e["when"].date(), hm(e["when"], "."), e["raw"], address(e),
                     f"{lat:.6f}".replace(".", ","), f"{lon:.6f}".replace(".", ","),
                     "Jourtekniker"])
    book.properties.created = book.properties.modified = D(*FIXED_TIME)
    buf = io.BytesIO()
    book.save(buf)
    return _fixed_zip_times(buf.getvalue())


def _fixed_zip_times(data: bytes) -> bytes:
    """The same workbook with every zip entry and its "modified" property dated
    FIXED_TIME (openpyxl stamps the time of saving): the same bytes each run."""
    stamp = f"{D(*FIXED_TIME):%Y-%m-%dT%H:%M:%SZ}".encode()
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, \
            zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            info = zipfile.ZipInfo(item.filename, date_time=FIXED_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            body = src.read(item.filename)
            if item.filename == "docProps/core.xml":
                body = re.sub(rb"(<dcterms:modified[^>]*>)[^<]*", rb"\g<1>" + stamp, body)
            dst.writestr(info, body)
    return out.getvalue()


def register_file() -> bytes:
    rows = [["Adress", "N", "E"]]
    for key, (addr, *_rest) in sorted(PLACES.items()):
        if key not in NOT_IN_REGISTER:
            x, y = place_xy(key)
            rows.append([addr, f"{y:.1f}", f"{x:.1f}"])
    return csv_bytes(rows, ";", "utf-8")


# file name -> (actor key, writer, events, the traits it varies, data starts at line)
FILES = {
    "polisen_durtva.csv": ("polisen_durtva", police_file, POLICE, [
        "numeric crime code column before the crime name column",
        "time column named after the crime ('Inbrottstid kl'), times '23.30'",
        "SWEREF 99 TM named in the header: 'N (SWEREF 99 TM)', 'E (SWEREF 99 TM)'"], 2),
    "nattvandrare_telefon.csv": ("nattvandrare_telefon", night_walkers_file, NIGHT_WALKERS, [
        "headers 'vad hände,var,när', comma-separated, quoted phrases with commas",
        "free phrases as categories", "three date-time styles in one column",
        "address only, no id"], 2),
    "ostersundshem_felanmalan.csv": ("ostersundshem_felanmalan", housing_file, HOUSING, [
        "two title rows and a blank row above the header", "CP1252, CRLF",
        "category phrases ('Brand i soprum', 'Klotter på fasad')", "address only"], 5),
    "vaktbolaget_rapport.csv": ("vaktbolaget", guards_file, GUARDS, [
        "English headers", "start and end time (time span)", "UTF-8 with BOM, CRLF",
        "quoted locations with commas"], 2),
    "kommun_gatukontoret.csv": ("kommun_gatukontoret", streets_file, STREETS_DEPT, [
        "'X (SWEREF 99 TM)' is north, 'Y (SWEREF 99 TM)' east, decimal commas",
        "date and time in a column called 'Händelsedatum', reported time in 'Inkom'"], 2),
    "kommun_gis_rt90.csv": ("kommun_gis", gis_file, GIS, [
        "RT 90 2.5 gon V coordinates 'X_RT90;Y_RT90'", "dates '2026.10.19'"], 2),
    "fastighetsagare_norr.xlsx": ("fastighetsagare_norr", property_file, PROPERTY, [
        "XLSX with an 'Info' sheet first, the data on the second sheet",
        "two title rows and a blank row", "WGS84 as text with decimal commas ('WGS84 N')",
        "a 'Rapporterad av' column that holds a role, not a time"], 5),
    "hyresvard_mitt.csv": ("hyresvard_mitt", night_burglary_file, NIGHT_BURGLARY, [
        "time span in one cell next to the date ('22.00-06.00', over midnight)",
        "burglaries found in the morning", "address only"], 2),
    "kommun_trygghet_deso.csv": ("kommun_trygghet", deso_file, DESO_EXPORT, [
        "DeSO codes, no coordinates"], 2),
    "studentbostader_utf16.txt": ("studentbostader", student_file, STUDENT_HOUSING, [
        "UTF-16 LE, tab-separated, CRLF (Excel 'Unicode text')", "dates '22.10.2026'",
        "address in capitals"], 2),
    "skolfastigheter.csv": ("skolfastigheter", schools_file, SCHOOLS, [
        "time span over four columns 'Fr.o.m. datum', 'Fr.o.m. kl', 'T.o.m. datum', "
        "'T.o.m. kl' (over a weekend)", "a money column with decimal commas and spaces",
        "address only"], 2),
    "fritidsgarden.csv": ("fritidsgarden", youth_file, YOUTH_CENTRE, [
        "invalid rows: no date, unparseable dates, a place in Stockholm"], 2),
}
REASON_KINDS = {  # rejected_rows.reason (Swedish) must match, case-insensitively
    "date_missing": "datum saknas",
    "date_unparseable": "kan inte tolkas|ogiltig",
    "outside": "utanför",
}


# --- what a human expects ------------------------------------------------------------

def minute(t: dt.datetime | None) -> str | None:
    return None if t is None else f"{t:%Y-%m-%d %H:%M}"


def key_of(e: dict) -> dict:
    """How the test finds a row's incident: the file's own id, else its phrase and place."""
    if e["ref"] is not None:
        return {"source_ref": e["ref"]}
    return {"raw_category": e["raw"], "address": address(e)}


def place_of(e: dict) -> dict:
    """Expected precision, point and areas of an imported row."""
    if e["how"] == "area":
        return {"precision": "area", "area_id": e["area"], "focus_area_id": None}
    if e["how"] == "address" and e["place"] in NOT_IN_REGISTER:
        return {"precision": "address"}
    xy = event_xy(e) if e["how"] == "point" else place_xy(e["place"])
    lat, lon = wgs(*xy)
    area, focus = areas_at(*xy)
    return {"precision": e["how"], "lat": lat, "lon": lon, "area_id": area,
            "focus_area_id": focus}


def expected_row(e: dict, line: int, spans: bool) -> dict:
    if "rejected" in e:
        return {"line": line, "find": e["ref"], "rejected": e["rejected"]}
    row = {"line": line, "key": key_of(e), "category": e["code"], "raw_category": e["raw"],
           "occurred_at": minute(e["when"])}
    if spans:
        row["occurred_to"] = minute(e["to"])
    row.update(place_of(e))
    if e.get("must_not_guess"):
        row["must_not_guess"] = True
    return row


def expected() -> dict:
    files, unguessable = {}, []
    for name, (source, _write, events, traits, first_line) in FILES.items():
        spans = any(e["to"] is not None for e in events)
        rows = [expected_row(e, first_line + i, spans) for i, e in enumerate(events)]
        files[name] = {"source": source, "traits": traits, "rows": rows}
        unguessable += [{"file": name, "key": r["key"], "raw_category": r["raw_category"]}
                        for r in rows if r.get("must_not_guess")]
    dups = [{"id": pid, "why": why,
             "a": {"file": fa, "key": key_of(FILES[fa][2][ia])},
             "b": {"file": fb, "key": key_of(FILES[fb][2][ib])}}
            for pid, fa, ia, fb, ib, why in DUPLICATES]
    return {"now": "2026-11-20 12:00", "address_register": "addresses.csv",
            "coordinate_tolerance_m": 2.0, "reason_kinds": REASON_KINDS, "files": files,
            "duplicates": dups, "must_not_guess": unguessable}


def check_no_unplanted_duplicates() -> None:
    """Stop when two reports of different files could pass for one event (same family,
    within an hour, within 200 m or at the same address) without being planted."""
    from est_data.core.taxonomy import load_taxonomy

    family = {code: c.family for code, c in load_taxonomy().items()}
    planted = {frozenset({(fa, ia), (fb, ib)}) for _, fa, ia, fb, ib, _ in DUPLICATES}
    seen = [(name, i, e) for name, (_, _, events, _, _) in FILES.items()
            for i, e in enumerate(events) if "rejected" not in e and e["how"] != "area"]
    for n, (fa, ia, a) in enumerate(seen):
        for fb, ib, b in seen[n + 1:]:
            if fa == fb or family[a["code"]] != family[b["code"]]:
                continue
            if abs((a["when"] - b["when"]).total_seconds()) > 3600:
                continue
            (ax, ay), (bx, by) = event_xy(a), event_xy(b)
            near = (ax - bx) ** 2 + (ay - by) ** 2 <= 200 ** 2 or a["place"] == b["place"]
            pair = frozenset({(fa, ia), (fb, ib)})
            if near and pair not in planted:
                raise SystemExit(f"unplanted duplicate: {fa} #{ia} and {fb} #{ib}")
            if pair in planted and not near:
                raise SystemExit(f"planted pair too far apart: {fa} #{ia} and {fb} #{ib}")


def check_places() -> None:
    """Every place lies in the area it hangs on (the demo polygons are approximate)."""
    for key, (_, anchor, _, _) in PLACES.items():
        area, focus = areas_at(*place_xy(key))
        if anchor not in (area, focus):
            raise SystemExit(f"{key} is not in {anchor} (got {area}, {focus})")


def build(out: Path) -> list[Path]:
    """Write every file, the register and expected.json into ``out``."""
    check_places()
    check_no_unplanted_duplicates()
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for name, (_, write, *_rest) in FILES.items():
        (out / name).write_bytes(write())
        written.append(out / name)
    (out / "addresses.csv").write_bytes(register_file())
    text = json.dumps(expected(), ensure_ascii=False, indent=1) + "\n"
    (out / "expected.json").write_text(text, encoding="utf-8")
    return [*written, out / "addresses.csv", out / "expected.json"]


if __name__ == "__main__":
    for path in build(HERE):
        print(path.relative_to(HERE.parents[2]))
