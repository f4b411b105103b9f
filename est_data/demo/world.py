"""The invented but plausible Östersund behind the demo data (data only, no logic).

District names and SCB DeSO codes are real; the centre points are approximate and the
polygons built from them (Voronoi cells) are NOT the real DeSO borders. Load SCB's
polygons with ``python -m est_data areas import`` for real work (see README).
"""
from __future__ import annotations

import datetime as dt

# area_id, district, approx. centre (lat, lon), approx. population, incident weight
# (relative to population: the town centre and the large rental estates report more).
DESO = [
    ("2380C1170", "Östersund staden", (63.1815, 14.6318), 1800, 2.6),
    ("2380C1200", "Östersund staden", (63.1775, 14.6380), 2100, 2.8),
    ("2380C1220", "Östersund staden", (63.1838, 14.6450), 1600, 2.2),
    ("2380C1130", "Södra Odenslund-Söder", (63.1712, 14.6458), 1900, 1.2),
    ("2380C1150", "Södra Odenslund-Söder", (63.1675, 14.6352), 2200, 1.1),
    ("2380C1140", "Norra Odenslund-Odenskog", (63.1768, 14.6568), 2000, 1.3),
    ("2380C1160", "Norra Odenslund-Odenskog", (63.1748, 14.6745), 1800, 1.4),
    ("2380C1050", "Odensala", (63.1648, 14.6560), 1700, 1.0),
    ("2380C1080", "Odensala", (63.1605, 14.6668), 1900, 1.0),
    ("2380C1110", "Odensala", (63.1682, 14.6695), 1600, 0.9),
    ("2380C1210", "Karlslund", (63.1598, 14.6345), 1500, 0.8),
    ("2380C1250", "Karlslund", (63.1548, 14.6462), 1700, 0.8),
    ("2380C1260", "Karlslund", (63.1515, 14.6300), 1400, 0.7),
    ("2380C1190", "Körfältet", (63.1890, 14.6605), 2300, 1.1),
    ("2380C1300", "Lugnvik", (63.2005, 14.6660), 1200, 0.9),
    ("2380C1310", "Brittsbo", (63.2020, 14.6395), 1400, 0.8),
    ("2380C1060", "Fjällmon", (63.1620, 14.6960), 2100, 1.6),
    ("2380C1070", "Skogsmon", (63.1565, 14.7150), 1800, 1.2),
    ("2380C1090", "Skogsmon", (63.1648, 14.7205), 1600, 1.1),
    ("2380C1040", "Ängsmon-Torvalla", (63.1500, 14.7500), 2400, 1.0),
    ("2380C1180", "Frösön", (63.1862, 14.5720), 2600, 0.5),
    ("2380C1240", "Frösön", (63.1745, 14.5505), 2300, 0.4),
]

# Focus areas (custom polygons): id, name, centre (lat, lon), size east-west and
# north-south in metres, rotation in degrees, share of all incidents before the measures,
# the statistical area that gains a little displacement after them.
FOCUS = [
    ("fokus_kyrkgatan", "Kyrkgatan", (63.1793, 14.6384), 420, 140, -25, 0.075, "2380C1220"),
    ("fokus_aragrand", "Arågränd", (63.1612, 14.6978), 320, 240, 0, 0.050, None),
]
# When the measures took effect (about a year before the demo data ends).
MEASURES_EFFECTIVE = dt.date(2025, 11, 1)
# After that date, the focus areas keep this share of their earlier level for the
# categories the measures target; DISPLACED of what went away shows up next door.
FOCUS_REMAINING = {"fokus_kyrkgatan": 0.55, "fokus_aragrand": 0.62}
DISPLACED = 0.25
TARGETED = ("storning", "inbrott", "klotter", "skadegorelse", "samling", "otrygg_plats",
            "obehorig")

DEMO_END = dt.date(2026, 11, 15)
DEMO_YEARS = 3

STREETS = {
    "Östersund staden": ["Storgatan", "Prästgatan", "Rådhusgatan", "Hamngatan", "Postgatan",
                         "Thoméegränd", "Biblioteksgatan"],
    "Södra Odenslund-Söder": ["Södra Vägen", "Odenslundsvägen", "Rosenvägen", "Tegelbruksgatan"],
    "Norra Odenslund-Odenskog": ["Odenskogsvägen", "Gräddvägen", "Körfältsvägen", "Stadionvägen"],
    "Odensala": ["Odensalavägen", "Bergsgatan", "Vallaplan", "Lasarettsvägen"],
    "Karlslund": ["Karlslundsvägen", "Sjöbodvägen", "Fagervägen"],
    "Körfältet": ["Körfältsgatan", "Skolgatan", "Fältjägargränd"],
    "Lugnvik": ["Lugnviksvägen", "Industrivägen", "Verkstadsgatan"],
    "Brittsbo": ["Brittsbovägen", "Tallvägen", "Granvägen"],
    "Fjällmon": ["Fjällmonsvägen", "Kornvägen", "Havrevägen"],
    "Skogsmon": ["Skogsmonsvägen", "Mossvägen", "Lingonvägen"],
    "Ängsmon-Torvalla": ["Torvallavägen", "Ängsmonsvägen", "Blomstervägen"],
    "Frösön": ["Frösövägen", "Vallsundsvägen", "Mjällevägen", "Kungsgårdsvägen"],
    "Kyrkgatan": ["Kyrkgatan"],
    "Arågränd": ["Arågränd"],
}

# key, name, kind, colour
ACTORS = [
    ("ostersundshem", "Östersundshem", "bostadsbolag", "#1b9e77"),
    ("fastighetsagare", "Övriga fastighetsägare", "fastighetsagare", "#d95f02"),
    ("polisen", "Polisen", "polis", "#1f4e9c"),
    ("kommun", "Östersunds kommun", "kommun", "#7570b3"),
    ("nattvandrarna", "Nattvandrarna", "ideell", "#e7298a"),
]

# category: (share of all incidents, season amplitude, peak day of year,
#            weekend factor, hour profile name)
CATEGORIES = {
    "storning": (0.22, 0.45, 196, 1.6, "night"),
    "klotter": (0.12, 0.30, 250, 1.2, "late"),
    "skadegorelse": (0.12, 0.25, 200, 1.3, "late"),
    "inbrott": (0.09, 0.40, 355, 1.0, "burglary"),
    "stold": (0.08, 0.15, 210, 1.0, "day"),
    "brand": (0.02, 0.20, 120, 1.2, "evening"),
    "nedskrapning": (0.08, 0.35, 190, 1.3, "day"),
    "narkotika": (0.04, 0.10, 200, 1.2, "evening"),
    "vald_hot": (0.04, 0.25, 196, 1.8, "night"),
    "otrygg_plats": (0.07, 0.60, 355, 1.0, "evening"),
    "samling": (0.06, 0.55, 190, 1.7, "evening"),
    "obehorig": (0.05, 0.35, 10, 1.1, "night"),
    "ovrigt": (0.01, 0.0, 1, 1.0, "day"),
}

# Relative hourly weights 00..23.
HOURS = {
    "night": [8, 6, 5, 3, 1, 1, 1, 1, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 4, 5, 7, 8, 9, 9],
    "late": [7, 7, 6, 4, 2, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 2, 2, 2, 3, 3, 4, 5, 6, 7],
    "burglary": [3, 3, 3, 2, 1, 1, 1, 2, 3, 4, 5, 5, 5, 5, 5, 5, 5, 5, 4, 4, 4, 3, 3, 3],
    "day": [1, 1, 1, 1, 1, 1, 2, 3, 5, 6, 7, 7, 7, 7, 7, 7, 7, 6, 5, 4, 3, 2, 2, 1],
    "evening": [4, 3, 2, 1, 1, 1, 1, 1, 2, 2, 2, 3, 3, 3, 4, 5, 6, 7, 8, 9, 9, 8, 7, 5],
}

# Which actor reports a category (relative weights, in ACTORS order).
ACTOR_MIX = {
    "storning": [45, 14, 25, 2, 14],
    "klotter": [25, 10, 5, 55, 5],
    "skadegorelse": [30, 12, 25, 28, 5],
    "inbrott": [35, 14, 50, 1, 0],
    "stold": [10, 5, 80, 5, 0],
    "brand": [20, 8, 45, 27, 0],
    "nedskrapning": [30, 10, 0, 55, 5],
    "narkotika": [6, 2, 85, 0, 7],
    "vald_hot": [5, 2, 85, 0, 8],
    "otrygg_plats": [18, 6, 3, 45, 28],
    "samling": [15, 5, 15, 5, 60],
    "obehorig": [60, 25, 10, 0, 5],
    "ovrigt": [40, 15, 20, 20, 5],
}

# The words each actor's system uses (the raw_category), per canonical category.
VOCABULARY = {
    "ostersundshem": {"storning": "Störning", "klotter": "Klotter", "skadegorelse": "Skadegörelse",
                      "inbrott": "Inbrott förråd", "stold": "Stöld", "brand": "Brand",
                      "nedskrapning": "Nedskräpning", "narkotika": "Droger",
                      "vald_hot": "Hot", "otrygg_plats": "Trasig belysning",
                      "samling": "Ungdomar samlas", "obehorig": "Obehörig i trapphus",
                      "ovrigt": "Övrigt"},
    "fastighetsagare": {"storning": "Störande beteende", "klotter": "Klotter/tags",
                        "skadegorelse": "Vandalisering", "inbrott": "Inbrott",
                        "stold": "Stöld", "brand": "Brand", "nedskrapning": "Skräp",
                        "narkotika": "Narkotika", "vald_hot": "Våld/hot",
                        "otrygg_plats": "Belysning ur funktion", "samling": "Häng",
                        "obehorig": "Olovlig vistelse", "ovrigt": "Annat"},
    "polisen": {"storning": "Ordningsstörning", "klotter": "Klotter",
                "skadegorelse": "Skadegörelse", "inbrott": "Inbrott", "stold": "Stöld",
                "brand": "Brand", "nedskrapning": "Nedskräpning", "narkotika": "Narkotikabrott",
                "vald_hot": "Misshandel", "otrygg_plats": "Otrygg plats",
                "samling": "Folksamling", "obehorig": "Olaga intrång" , "ovrigt": "Övrigt"},
    "kommun": {"storning": "Störning", "klotter": "Klotter på fasad",
               "skadegorelse": "Skadegörelse", "inbrott": "Inbrott", "stold": "Stöld",
               "brand": "Anlagd brand", "nedskrapning": "Nedskräpning",
               "narkotika": "Narkotikafynd", "vald_hot": "Hot", "otrygg_plats": "Släckt belysning",
               "samling": "Samling", "obehorig": "Obehörig", "ovrigt": "Övrigt"},
    "nattvandrarna": {"storning": "Bråk/stök", "klotter": "Klotter",
                      "skadegorelse": "Skadegörelse", "inbrott": "Inbrott", "stold": "Stöld",
                      "brand": "Brand", "nedskrapning": "Glaskross", "narkotika": "Langning",
                      "vald_hot": "Slagsmål", "otrygg_plats": "Mörk plats",
                      "samling": "Ungdomsgäng samlas", "obehorig": "Obehörig",
                      "ovrigt": "Övrigt"},
}

# How each actor locates a report: shares of (point, address, area, municipality), and
# the scatter in metres around the real place.
ACTOR_PRECISION = {
    "ostersundshem": ((0.0, 1.0, 0.0, 0.0), 4.0),
    "fastighetsagare": ((0.2, 0.8, 0.0, 0.0), 6.0),
    "polisen": ((0.6, 0.0, 0.0, 0.4), 25.0),
    "kommun": ((1.0, 0.0, 0.0, 0.0), 10.0),
    "nattvandrarna": ((0.7, 0.0, 0.3, 0.0), 30.0),
}
# Mean delay from event to report, hours.
ACTOR_DELAY_H = {"ostersundshem": 10, "fastighetsagare": 20, "polisen": 0.5, "kommun": 48,
                 "nattvandrarna": 3}
REF_FORMAT = {"ostersundshem": "FR-{year}-{n:06d}", "fastighetsagare": "AO{n:07d}",
              "polisen": "5000-K{n}-{yy}", "kommun": "KL-{n:06d}", "nattvandrarna": "NV-{n:05d}"}

DESCRIPTIONS = {
    "storning": ["Hög musik och skrik sent på kvällen.", "Bråk i trapphuset, flera grannar störda.",
                 "Berusade personer stör vid entrén.", "Fest i lägenhet, klagomål från grannar."],
    "klotter": ["Nytt klotter på fasaden mot gatan.", "Tags på elskåp och skyltar.",
                "Klotter i tvättstugan.", "Klotter på busskur."],
    "skadegorelse": ["Krossad ruta i entrédörren.", "Sönderslagen belysningsarmatur.",
                     "Brevlådor uppbrutna.", "Skadad parkbänk."],
    "inbrott": ["Inbrott i källarförråd, flera förråd uppbrutna.", "Inbrottsförsök i lägenhet.",
                "Uppbrutet cykelrum.", "Inbrott i garage."],
    "stold": ["Cykel stulen från cykelställ.", "Stöld ur bil på parkeringen.",
              "Paket stulet i entrén."],
    "brand": ["Brand i soptunna.", "Anlagd brand i container.", "Brand i papperskorg."],
    "nedskrapning": ["Mycket skräp och glaskross vid lekplatsen.", "Dumpade möbler vid miljöhuset.",
                     "Nedskräpat vid busshållplatsen."],
    "narkotika": ["Misstänkt langning vid gångtunneln.", "Sprutor hittade i buskage."],
    "vald_hot": ["Misshandel utanför entrén.", "Hot mot personal.", "Slagsmål mellan ungdomar."],
    "otrygg_plats": ["Gångvägen är mörk, belysningen släckt.", "Igenvuxet buskage, känns otryggt.",
                     "Trasig belysning i gångtunneln."],
    "samling": ["Grupp ungdomar samlas kvällstid vid entrén.", "Häng vid lekplatsen sent på kvällen."],
    "obehorig": ["Okänd person sover i trapphuset.", "Obehöriga i källargången.",
                 "Dörren uppställd, obehöriga i fastigheten."],
    "ovrigt": ["Övrig iakttagelse.", "Ärende utan närmare kategori."],
}

# (area_id, kind, title, started_on, ended_on, actor, cost_sek, note)
INTERVENTIONS = [
    ("fokus_kyrkgatan", "buskröjning", "Buskage vid parkeringen röjt", dt.date(2025, 10, 6), None,
     "Östersundshem", 35000, "Siktlinjer mot gångvägen öppnade."),
    ("fokus_kyrkgatan", "belysning", "Ny LED-belysning längs Kyrkgatan", dt.date(2025, 10, 20), None,
     "Östersunds kommun", 450000, "22 nya armaturer."),
    ("fokus_kyrkgatan", "polisnärvaro", "Ökad polisnärvaro fredag–lördag kväll",
     dt.date(2025, 11, 1), dt.date(2026, 4, 30), "Polisen", None, None),
    ("fokus_aragrand", "ljusare väggar/målning", "Ljusare målning i entréer och garage",
     dt.date(2025, 9, 22), None, "Östersundshem", 260000, None),
    ("fokus_aragrand", "lås och passersystem", "Nya lås och passersystem i trapphus och förråd",
     dt.date(2025, 10, 27), None, "Östersundshem", 820000, "Alla förråd med nya dörrar."),
    ("fokus_aragrand", "belysning", "Belysning vid gångvägen mot skolan", dt.date(2025, 11, 3), None,
     "Östersunds kommun", 180000, None),
    ("fokus_aragrand", "nattvandring", "Nattvandring fredagar och lördagar", dt.date(2025, 11, 7),
     None, "Nattvandrarna", 0, "Med stöd av Östersundshem."),
]
