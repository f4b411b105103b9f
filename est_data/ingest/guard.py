"""Questions a guessed mapping must answer before it may land (issue 13, item 5).

When no profile says how to read a file, the import proposes a mapping
(:mod:`est_data.ingest.columns`). It may still lose information quietly: a column of
times or places left unused, a category column whose words the taxonomy does not know,
coordinates that none of could be placed. Each such case is a :class:`Question`: the
CLI refuses to commit (exit code 3) until a person passes a profile or ``--accept``;
the Data page asks the same questions before its import button is enabled.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from est_data.core.categorize import AMBIGUOUS, UNKNOWN
from est_data.ingest.columns import Guess
from est_data.ingest.errors import IngestError
from est_data.ingest.report import ImportReport

PLACE_SHARE = 0.6        # an unused column this much like a place or a time is a question
OVRIGT_SHARE = 0.2       # more than a fifth of the rows without a category is a question
COORDINATE_FIELDS = ("lat", "lon", "north", "east", "point")


@dataclass(frozen=True)
class Question:
    """One reason not to commit a guessed mapping, in English and Swedish."""

    code: str
    en: str
    sv: str


def column_questions(g: Guess) -> list[Question]:
    """What the guessed mapping leaves unused that could be a time or a place."""
    used = set(g.mapping)
    out = []
    has_time = bool(used & {"time", "datetime"})
    has_coords = bool(used & set(COORDINATE_FIELDS))
    has_place = has_coords or bool(used & {"address", "area"})
    for col in g.unused:
        c = g.contents.get(col)
        if c is None or not c.values:
            continue
        if not has_time and c.time_of_day >= PLACE_SHARE:
            out.append(Question(
                "unused_time", f"the column {col!r} looks like times of day but is not used: "
                f"every incident would lose its time",
                f"Kolumnen ”{col}” ser ut att innehålla klockslag men används inte: alla "
                f"händelser skulle sakna klockslag."))
        coord = max(c.lat, c.lon, c.north, c.east, c.point)
        if not has_coords and coord >= PLACE_SHARE:
            out.append(Question(
                "unused_coordinates", f"the column {col!r} looks like coordinates but is not "
                f"used (its pair was not found): the places would be lost",
                f"Kolumnen ”{col}” ser ut att innehålla koordinater men används inte (den "
                f"andra koordinaten hittades inte): platserna skulle gå förlorade."))
        elif not has_place and max(c.address, c.deso) >= PLACE_SHARE:
            out.append(Question(
                "unused_place", f"the column {col!r} looks like places but is not used: every "
                f"incident would be stored for the whole municipality",
                f"Kolumnen ”{col}” ser ut att innehålla platser men används inte: alla "
                f"händelser skulle hamna på kommunnivå."))
    return out


def _unmapped_rows(r: ImportReport) -> int:
    """Rows whose word landed in Övrigt because it is unknown or ambiguous (a word that
    means "Övrigt", such as "Annat", is no loss)."""
    if r.category_rules:
        return sum(int(n) for _code, rule, n in r.category_rules.values()
                   if rule in (UNKNOWN, AMBIGUOUS))
    return sum(r.unknown_categories.values())


def report_questions(r: ImportReport) -> list[Question]:
    """What the staged rows show: too many without a category, no coordinate placed."""
    out = []
    kept = r.rows_read - r.rows_rejected - r.rows_skipped
    unmapped = _unmapped_rows(r)
    if kept > 0 and unmapped / kept > OVRIGT_SHARE:
        share = round(100 * unmapped / kept)
        out.append(Question(
            "ovrigt", f"{share} % of the rows have category words the taxonomy does not know "
            f"(or that fit two categories) and would land in 'Övrigt'",
            f"{share} % av raderna har kategoriord som kategorilistan inte känner igen (eller "
            f"som passar två kategorier) och skulle hamna i Övrigt."))
    bad = sum(r.location.get(k, 0) for k in ("zero", "outside", "unknown_crs"))
    if any(f in r.mapping for f in COORDINATE_FIELDS) and bad and not r.precision.get("point"):
        out.append(Question(
            "none_placed", f"the file has coordinates but none of them could be placed "
            f"({bad} unusable)",
            f"Filen har koordinater men ingen av dem kunde placeras ({bad} oanvändbara)."))
    return out


class ImportRefused(IngestError):
    """A guessed mapping left questions open; nothing was written."""

    exit_code = 3

    def __init__(self, questions: list[Question], guess: Guess, report: ImportReport):
        first = questions[0]
        more = f" (and {len(questions) - 1} more)" if len(questions) > 1 else ""
        more_sv = f" (och {len(questions) - 1} till)" if len(questions) > 1 else ""
        super().__init__(
            f"not imported: {first.en}{more}. Check the proposed profile and pass it with "
            f"--profile, or commit the guess with --accept",
            f"Inte importerad: {first.sv}{more_sv} Kontrollera den föreslagna profilen och "
            f"ange den med --profile, eller godta gissningen med --accept.")
        self.questions = questions
        self.guess = guess
        self.report = report

    def propose(self, file: Path) -> list[str]:
        """Write ``<file>.profile.toml`` beside the file; the lines for the terminal."""
        target = Path(file).with_name(Path(file).name + ".profile.toml")
        target.write_text(proposed_profile_toml(self.report.source, self.guess, self.report),
                          encoding="utf-8")
        return (self.report.evidence_lines()
                + [f"  fråga: {sv}" for _code, _en, sv in self.report.questions]
                + [f"proposed profile written to {target}"])


def ask(g: Guess, report: ImportReport, accept: bool) -> list[Question]:
    """Put the guess's evidence and questions into ``report``; raise
    :class:`ImportRefused` when there are questions and the caller did not accept."""
    report.guessed = True
    report.evidence = {f: [c.column, c.score, c.confidence_sv, list(c.reasons)]
                       for f, c in g.choices.items()}
    report.unused_columns = list(g.unused)
    questions = column_questions(g) + report_questions(report)
    report.questions = [[q.code, q.en, q.sv] for q in questions]
    if questions and not accept:
        raise ImportRefused(questions, g, report)
    return questions


def proposed_profile_toml(source: str, g: Guess, report: ImportReport) -> str:
    """The guessed mapping as a profile file for a coordinator to check and pass with
    ``--profile``: the evidence and the open questions as comments on top."""
    from est_data.ingest.profiles import Profile, to_toml

    lines = [f"# Proposed profile for {report.file_name} (actor {source}), guessed from the",
             "# file's headers and values. Check every column below, correct what is wrong,",
             f"# then import with: python -m est_data import FILE --source {source} "
             f"--profile THIS_FILE", "#"]
    for f, c in g.choices.items():
        lines.append(f"# {f} = {c.column!r}: {c.confidence_sv} ({c.score:.2f}); "
                     + "; ".join(c.reasons))
    if g.unused:
        lines.append("# not used: " + ", ".join(repr(c) for c in g.unused))
    for _code, _en, sv in report.questions:
        lines.append(f"# FRÅGA: {sv}")
    profile = Profile(key=source, name=report.actor_name or source,
                      description=f"föreslagen utifrån {report.file_name}",
                      columns=g.mapping)
    words = [f'# "{w}" = "?"   ({n} rader)' for w, n in report.unknown_categories.items()]
    if words:
        words.insert(0, "# Unknown category words: move them under [categories] with a code "
                        "from taxonomy.toml, or list them under [skip] when they are no EST "
                        "incidents.")
    return "\n".join(lines) + "\n\n" + to_toml(profile) + "\n".join(words) + (
        "\n" if words else "")
