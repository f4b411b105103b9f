"""Recognising what a column holds from its header, in Swedish or English.

A file without a profile is mapped automatically: each *field* the import understands
(date, time, category, ...) is matched to at most one column by its name. The result
is shown for confirmation in the app and can be saved as the actor's profile.
"""
from __future__ import annotations

import re
import unicodedata

# field -> (Swedish label for the app, header names it answers to, normalised).
FIELDS: dict[str, tuple[str, tuple[str, ...]]] = {
    "datetime": ("Datum och tid", (
        "datum tid", "datum och tid", "datumtid", "tidpunkt", "handelsetidpunkt",
        "handelsetid", "datetime", "date time", "timestamp", "occurred at", "occurred",
        "brottstidpunkt", "starttid", "fran datum tid", "nar", "nar hande det", "when",
        "tid och datum", "fran tidpunkt", "start time", "start", "fran")),
    "date": ("Datum", (
        "datum", "handelsedatum", "brottsdatum", "rapportdatum", "inkom datum",
        "anmalningsdatum", "felanmalningsdatum", "date", "day", "dag", "incident date",
        "event date", "observationsdatum", "fran datum", "brott datum", "datum fran",
        "startdatum", "start date")),
    "time": ("Klockslag", (
        "tid", "klockslag", "kl", "klocka", "tidpunkt kl", "handelsetid kl", "time",
        "hour", "timme", "fran klockslag", "fran tid", "fran kl", "kl fran", "tid fran",
        "klockan", "starttid kl")),
    "category": ("Kategori", (
        "kategori", "typ", "handelsetyp", "brottsbenamning", "brottstyp", "arendetyp",
        "felkategori", "orsak", "handelse", "typ av handelse", "category", "type",
        "incident type", "event type", "kod", "brottskod", "rubrik", "titel", "vad",
        "vad hande", "what", "what happened", "benamning", "handelsekategori",
        "incident", "brott", "brottsrubricering", "slag")),
    "address": ("Adress/plats", (
        "adress", "gatuadress", "plats", "platsbeskrivning", "fastighet", "objekt",
        "address", "place", "location", "street", "gata", "brottsplats", "handelseplats",
        "adress plats", "fastighetsadress", "var", "var hande det", "where", "gatuadress nr",
        "plats adress", "hus", "byggnad", "uppgang", "site")),
    "lat": ("Latitud (WGS84)", (
        "lat", "latitud", "latitude", "wgs84 lat", "lat wgs84", "breddgrad", "y wgs84",
        "n wgs84", "wgs84 n", "wgs 84 n")),
    "lon": ("Longitud (WGS84)", (
        "lon", "long", "lng", "longitud", "longitude", "wgs84 lon", "lon wgs84",
        "langdgrad", "x wgs84", "e wgs84", "wgs84 e", "wgs 84 e")),
    "north": ("Norr (SWEREF 99 TM)", (
        "n", "north", "northing", "norr", "nord", "x", "sweref n", "n sweref",
        "sweref99 n", "nordkoordinat", "x koordinat", "koordinat x", "n koordinat")),
    "east": ("Öst (SWEREF 99 TM)", (
        "e", "east", "easting", "ost", "y", "sweref e", "e sweref", "sweref99 e",
        "ostkoordinat", "y koordinat", "koordinat y", "e koordinat")),
    # The end of a time span ("between 22.00 and 06.00"): the start is the fields above.
    "end_datetime": ("Till datum och tid", (
        "till datum tid", "till datum och tid", "till tidpunkt", "tidpunkt till",
        "datum tid till", "sluttidpunkt", "to datetime", "end datetime", "ended at", "till", "to", "end",
        "slut", "tom", "till och med")),
    "end_date": ("Till datum", (
        "till datum", "datum till", "slutdatum", "to date", "end date")),
    "end_time": ("Till klockslag", (
        "till klockslag", "till kl", "till tid", "klockslag till", "kl till", "tid till",
        "sluttid", "to time", "end time")),
    # Both coordinates in one column ("63.1767, 14.6361"), as a map app copies them.
    "point": ("Koordinater i en kolumn", (
        "koordinater", "koordinat", "position", "gps", "gps position", "lat long", "lat lon",
        "latlong", "lat lng", "coordinates", "coordinate", "latitude longitude",
        "plats koordinater", "var gps")),
    "area": ("Områdeskod (DeSO)", (
        "deso", "desokod", "deso kod", "omrade", "omradeskod", "omrades id", "area",
        "area id", "area code", "regso", "regsokod", "statistikomrade", "basomrade")),
    "ref": ("Aktörens id", (
        "id", "arende id", "arendeid", "arendenummer", "arendenr", "arende", "arende nr",
        "handelsenummer", "handelse id", "diarienummer", "diarienr", "anmalningsnummer",
        "referens", "ref", "lopnummer", "nr", "nummer", "case id", "case number",
        "incident id", "report id", "event id", "felanmalan nr", "felanmalningsnummer")),
    "description": ("Beskrivning", (
        "beskrivning", "text", "fritext", "kommentar", "notering", "anteckning",
        "handelsebeskrivning", "sammanfattning", "meddelande", "description", "comment",
        "notes", "note", "summary", "details", "ovrigt")),
    "reported": ("Rapporterad", (
        "rapporterad", "registrerad", "registreringsdatum", "inkom", "inkommen",
        "anmald", "skapad", "reported", "reported at", "created", "created at",
        "registered", "publicerad")),
}

REQUIRED_ONE_OF = (("datetime", "date"), ("category",))
# A profile may name these though a file lacks them: an actor's older exports had no
# span columns, and a report without an end is an instant.
OPTIONAL_FIELDS = ("end_datetime", "end_date", "end_time")
# Fields whose values need each other to make a place.
COORD_PAIRS = (("lat", "lon"), ("north", "east"))


def normalize_header(name: str) -> str:
    """``"Händelse-datum "`` → ``"handelse datum"``: no accents, case or punctuation."""
    text = unicodedata.normalize("NFKD", str(name)).encode("ascii", "ignore").decode()
    text = re.sub(r"[^a-z0-9]+", " ", text.lower())
    return " ".join(text.split())


_INDEX: dict[str, str] = {}
for _field, (_label, _names) in FIELDS.items():
    for _n in _names:
        _INDEX.setdefault(normalize_header(_n), _field)


def field_for(header: str) -> str | None:
    """The field a header names, or None.

    Exact synonyms first; then a header containing a synonym of three letters or more
    as a whole word (``"Händelsedatum (lokal tid)"``), longest synonym first.
    """
    key = normalize_header(header)
    if not key:
        return None
    if key in _INDEX:
        return _INDEX[key]
    compact = key.replace(" ", "")
    if compact in _INDEX:
        return _INDEX[compact]
    words = f" {key} "
    for syn in sorted(_INDEX, key=len, reverse=True):
        if len(syn) >= 3 and f" {syn} " in words:
            return _INDEX[syn]
    return None


def auto_map(columns: list[str]) -> dict[str, str]:
    """``{field: column}`` for the columns whose headers say what they hold.

    Each field takes the first column that names it. A single ``Datum`` column next to
    a ``Tid`` column is a date; a ``Datum tid``/``Tidpunkt`` column is both.
    """
    mapping: dict[str, str] = {}
    for col in columns:
        field = field_for(col)
        if field and field not in mapping:
            mapping[field] = col
    # "Tidpunkt" alone holds date and time; with a separate date column it is the time.
    if "datetime" in mapping and "date" in mapping and "time" not in mapping:
        mapping["time"] = mapping.pop("datetime")
    elif "datetime" in mapping and "date" in mapping:
        mapping.pop("datetime")
    # A lone coordinate is no place; keep pairs only.
    for a, b in COORD_PAIRS:
        if (a in mapping) != (b in mapping):
            mapping.pop(a, None)
            mapping.pop(b, None)
    return mapping


def missing_fields(mapping: dict[str, str]) -> list[str]:
    """Swedish labels of the required fields the mapping lacks."""
    missing = []
    for group in REQUIRED_ONE_OF:
        if not any(mapping.get(f) for f in group):
            missing.append(" eller ".join(FIELDS[f][0] for f in group))
    return missing


def label(field: str) -> str:
    """The Swedish label of a field."""
    return FIELDS[field][0]
