"""The import report: what a file held and what the import did with it."""
from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field

import pandas as pd

from est_data.core.config import DUPLICATE_DISTANCE_M, DUPLICATE_WINDOW_MIN

LOCATION_SV = {
    "swapped": "Latitud och longitud var omkastade (rättat)",
    "zero": "Koordinaten var noll (ingen plats)",
    "outside": "Platsen låg utanför kommunen (raden avvisad; kan tas med utan område)",
    "outside_accepted": "Platsen låg utanför kommunen (tagen med som punkt utan område)",
    "unknown_crs": "Koordinaten gick inte att tolka (ingen plats)",
    "unknown_area_code": "Okänd områdeskod (ingen plats)",
    "address_in_register": "Adress hittad i adressregistret",
    "address_not_in_register": "Endast adress, utan koordinat",
}
MASKED_SV = {"personnummer": "Personnummer", "phone": "Telefonnummer", "email": "E-postadresser"}
# Rules the CLI summary does not repeat: exact words, and words listed on their own.
PLAIN_RULES = ("exakt ord", "profilens ord", "okänt", "tvetydig")
PRECISION_SV = {"point": "Punkt", "address": "Adress", "area": "Område",
                "municipality": "Kommun"}


@dataclass
class ImportReport:
    """Counts and lists for one file; ``dry_run`` reports what *would* happen."""

    source: str
    actor_name: str
    file_name: str
    sha256: str
    file_format: str
    profile: str | None
    mapping: dict[str, str]
    dry_run: bool = False
    batch_id: str | None = None
    rows_read: int = 0
    rows_new: int = 0
    rows_updated: int = 0
    rows_unchanged: int = 0
    rows_repeated_in_file: int = 0
    rows_rejected: int = 0
    rows_duplicate: int = 0
    time_unknown: int = 0
    # Rows with a time span ("22.00-06.00", occurred_to), and the spans whose end was
    # dropped (the start kept) per Swedish reason.
    spans: int = 0
    span_dropped: dict[str, int] = field(default_factory=dict)
    # When the file's usable rows occurred (first and last, ISO text): retention deletes
    # the kept original file once its last row is past the retention period.
    rows_from: str | None = None
    rows_to: str | None = None
    # Lines of a UTF-8 file that were not UTF-8 and were decoded as Windows-1252.
    lines_decoded_fallback: int = 0
    skipped: dict[str, int] = field(default_factory=dict)
    rejected_reasons: dict[str, int] = field(default_factory=dict)
    rejected_sample: list[tuple[int, str, str]] = field(default_factory=list)
    unknown_categories: dict[str, int] = field(default_factory=dict)
    # Every distinct category word of the file (not skipped): [code, rule, count], the
    # rule in Swedish (est_data.core.categorize); ambiguous words with their candidates.
    category_rules: dict[str, list] = field(default_factory=dict)
    ambiguous_categories: dict[str, list[str]] = field(default_factory=dict)
    categories: dict[str, int] = field(default_factory=dict)
    masked: dict[str, int] = field(default_factory=dict)
    location: dict[str, int] = field(default_factory=dict)
    precision: dict[str, int] = field(default_factory=dict)
    seconds: dict[str, float] = field(default_factory=dict)
    # A guessed mapping (no profile): per field [column, score, confidence, reasons],
    # the columns left unused, and the questions ([code, English, Swedish]) it raised.
    guessed: bool = False
    evidence: dict[str, list] = field(default_factory=dict)
    unused_columns: list[str] = field(default_factory=list)
    questions: list[list[str]] = field(default_factory=list)

    @property
    def rows_skipped(self) -> int:
        return sum(self.skipped.values())

    @property
    def values_masked(self) -> int:
        return sum(self.masked.values())

    def audit_summary(self) -> str:
        """One line for the audit log."""
        return (f"{self.file_name} ({self.actor_name}, batch {self.batch_id}): "
                f"{self.rows_read} lästa, {self.rows_new} nya, {self.rows_updated} uppdaterade, "
                f"{self.rows_rejected} avvisade")

    def to_json(self) -> str:
        return json.dumps(asdict(self), ensure_ascii=False, default=str)

    @classmethod
    def from_json(cls, text: str) -> "ImportReport":
        data = json.loads(text)
        data["rejected_sample"] = [tuple(r) for r in data.get("rejected_sample", [])]
        return cls(**data)

    def lines(self) -> list[str]:
        """A short plain-English summary for the terminal."""
        head = "dry run (nothing written)" if self.dry_run else f"batch {self.batch_id}"
        out = [f"{self.file_name} -> {self.source} ({head})",
               f"  format: {self.file_format}; profile: {self.profile or 'automatic mapping'}",
               f"  rows read {self.rows_read:,}: new {self.rows_new:,}, updated {self.rows_updated:,}, "
               f"already imported {self.rows_unchanged:,}, rejected {self.rows_rejected:,}, "
               f"skipped {self.rows_skipped:,}",
               f"  duplicates of other actors' reports: {self.rows_duplicate:,}"]
        out += self.evidence_lines()
        if self.rows_repeated_in_file:
            out.append(f"  ids repeated in the file (last version kept): {self.rows_repeated_in_file:,}")
        for reason, n in self.skipped.items():
            out.append(f"  skipped: {reason}: {n:,}")
        for reason, n in self.rejected_reasons.items():
            out.append(f"  rejected: {reason}: {n:,}")
        if self.unknown_categories:
            words = ", ".join(f"{w!r} ({n})" for w, n in list(self.unknown_categories.items())[:15])
            out.append(f"  unknown category words (stored as 'ovrigt'; add them to "
                       f"taxonomy.toml or the profile): {words}")
        by_meaning = {w: v for w, v in self.category_rules.items() if v[1] not in PLAIN_RULES}
        if by_meaning:
            words = ", ".join(f"{w!r} -> {code} ({rule})"
                              for w, (code, rule, _) in list(by_meaning.items())[:15])
            out.append(f"  category words mapped by meaning: {words}")
        if self.ambiguous_categories:
            words = ", ".join(f"{w!r} ({' or '.join(c)})"
                              for w, c in list(self.ambiguous_categories.items())[:15])
            out.append(f"  ambiguous category words (stored as 'ovrigt'): {words}")
        warn = {k: v for k, v in self.location.items() if v and k != "address_in_register"}
        if warn:
            out.append("  location: " + ", ".join(f"{k} {v:,}" for k, v in warn.items()))
        if self.location.get("outside"):
            out.append(f"  places outside the municipality, rejected: "
                       f"{self.location['outside']:,} (--accept-outside keeps them without area)")
        if self.values_masked:
            out.append("  personal data masked: " + ", ".join(
                f"{k} {v:,}" for k, v in self.masked.items() if v))
        if self.time_unknown:
            out.append(f"  rows with a date but no time of day: {self.time_unknown:,}")
        if self.spans:
            out.append(f"  rows with a time span (start and end): {self.spans:,}")
        for reason, n in self.span_dropped.items():
            out.append(f"  span end dropped, start kept: {reason}: {n:,}")
        if self.lines_decoded_fallback:
            out.append(f"  lines that were not UTF-8, read as Windows-1252: "
                       f"{self.lines_decoded_fallback:,}")
        return out


    def evidence_lines(self) -> list[str]:
        """The guessed mapping, field by field, with its evidence (Swedish reasons)."""
        if not self.guessed:
            return []
        out = ["  columns (guessed from headers and values; no profile):"]
        for f, (column, score, confidence, reasons) in self.evidence.items():
            why = "; ".join(reasons)
            out.append(f"    {f:<13} <- {column!r} ({confidence}, {score:.2f}: {why})")
        if self.unused_columns:
            out.append("    not used: " + ", ".join(repr(c) for c in self.unused_columns))
        for _code, en, _sv in self.questions:
            out.append(f"  question: {en}")
        return out


# --- tables for the app (Swedish column names) ----------------------------------------

def summary_metrics(r: ImportReport) -> list[tuple[str, int, str]]:
    """``(label, value, help)`` for the headline numbers of a report."""
    return [
        ("Rader i filen", r.rows_read, "Datarader i filen (rubrikraden oräknad)."),
        ("Nya händelser", r.rows_new, "Händelser som inte fanns i databasen."),
        ("Uppdaterade", r.rows_updated,
         "Samma id som en lagrad händelse men nytt innehåll: den nya versionen ersätter "
         "den gamla (som sparas, så att importen kan ångras)."),
        ("Fanns redan", r.rows_unchanged,
         "Finns redan med samma innehåll, t.ex. från en tidigare export som överlappar."),
        ("Avvisade", r.rows_rejected, "Rader som inte kan användas; skälet visas nedan."),
        ("Överhoppade", r.rows_skipped,
         "Rader som medvetet lämnas utanför, t.ex. andra kommuner eller typer som inte är "
         "EST-händelser enligt profilen."),
        ("Dubbletter", r.rows_duplicate,
         "Samma händelse som en annan aktör redan rapporterat (samma kategorifamilj, inom "
         f"{DUPLICATE_WINDOW_MIN:g} minuter, samma dag när en rapport saknar klockslag, och "
         f"inom {DUPLICATE_DISTANCE_M:g} meter eller i samma hus: gata och nummer). "
         "Räknas en gång i vyerna."),
    ]


def counts_table(counts: dict[str, int], what: str, labels: dict[str, str] | None = None) -> pd.DataFrame:
    """A two-column table ``what``/``Antal`` from a dict of counts (zeros left out)."""
    rows = [((labels or {}).get(k, k), int(v)) for k, v in counts.items() if v]
    return pd.DataFrame(rows, columns=[what, "Antal"])


def location_table(r: ImportReport) -> pd.DataFrame:
    """Where the rows landed (precision) and what was wrong with their places."""
    rows = [(f"Precision: {PRECISION_SV.get(k, k)}", int(v)) for k, v in r.precision.items() if v]
    rows += [(LOCATION_SV[k], int(v)) for k, v in r.location.items() if v and k in LOCATION_SV]
    if r.time_unknown:
        rows.append(("Datum utan klockslag", int(r.time_unknown)))
    if r.spans:
        rows.append(("Tidsintervall (från–till)", int(r.spans)))
    rows += [(f"Sluttiden borttagen, starttiden behållen: {reason}", int(n))
             for reason, n in r.span_dropped.items() if n]
    return pd.DataFrame(rows, columns=["Plats och tid", "Antal"])


def category_rules_table(r: ImportReport, labels: dict[str, str] | None = None) -> pd.DataFrame:
    """Each category word of the file: its count, the category it got and the rule that
    gave it (ambiguous words with their candidates), most frequent first."""
    labels = labels or {}
    rows = []
    for word, (code, rule, n) in r.category_rules.items():
        candidates = r.ambiguous_categories.get(word, [])
        if candidates:
            rule = f"{rule}: " + " eller ".join(labels.get(c, c) for c in candidates)
        rows.append((word, int(n), labels.get(code, code), rule))
    table = pd.DataFrame(rows, columns=["Aktörens ord", "Antal", "Kategori", "Regel"])
    return table.sort_values("Antal", ascending=False, kind="stable").reset_index(drop=True)


def rejected_sample_table(r: ImportReport) -> pd.DataFrame:
    return pd.DataFrame([(n, reason, raw) for n, reason, raw in r.rejected_sample],
                        columns=["Rad", "Skäl", "Raden i filen"])
