"""Unknown category words fixed in the app (issue 13, item 7).

:func:`unmapped_words` lists the stored words that landed in ``ovrigt`` because no rule
gave them a category (unknown or ambiguous, :mod:`est_data.core.categorize`), with
counts and examples. :func:`recategorize` gives one actor's word a category: the stored
incidents with it change at once (one copy-on-write write with its audit entry, the
duplicates of the span marked again), and the word goes into the actor's profile, so the
next import and ``rebuild`` agree with what the database now says.
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass, replace
from pathlib import Path

import duckdb
import pandas as pd

from est_data.core.taxonomy import FALLBACK_CODE, _normalize, load_taxonomy, match
from est_data.store import audit
from est_data.store.db import write_session
from est_data.ingest.dedupe import mark_duplicates
from est_data.ingest.errors import IngestError
from est_data.ingest.profiles import Profile, ProfileError, load_profile, save_profile

UNMAPPED_COLUMNS = ["source", "actor", "raw_category", "count", "first_at", "last_at",
                    "examples", "category", "rule", "candidates", "suggestion"]
# The actor's word as the profile matches it: case and spacing do not count.
SAME_WORD = ("source = ? AND lower(regexp_replace(trim(raw_category), '\\s+', ' ', 'g')) = ?")
EXAMPLES = 2       # example descriptions per word
WORDS_SHOWN = 30   # words the Data page offers for a category at a time (most frequent first)


@dataclass(frozen=True)
class Recategorized:
    """What :func:`recategorize` did: incidents changed, duplicates re-marked and the
    profile that now holds the word."""

    incidents: int
    duplicates_changed: int
    profile_path: Path


def _profile_words(source: str, folder: Path | None) -> dict[str, str]:
    try:
        prof = load_profile(source, folder)
    except ProfileError:
        return {}
    return dict(prof.categories) if prof else {}


def unmapped_words(con: duckdb.DuckDBPyConnection, folder: Path | None = None) -> pd.DataFrame:
    """Stored words in ``ovrigt`` without a rule, one row per actor and word, most
    frequent first: :data:`UNMAPPED_COLUMNS` (``examples``: the latest descriptions with
    their dates; ``rule`` and ``candidates`` as the matcher sees the word today;
    ``suggestion``: a category the taxonomy gives it now, when it has been extended since
    the import). Words the taxonomy or the profile put in ``ovrigt`` on purpose
    ("Övrigt", "Annat", known non-events) are left out."""
    rows = con.execute("""
        SELECT i.source, coalesce(a.name, i.source) AS actor, i.raw_category,
               count(*) AS count, min(i.occurred_at) AS first_at, max(i.occurred_at) AS last_at,
               list(strftime(i.occurred_at, '%Y-%m-%d') || coalesce(': ' || i.description, '')
                    ORDER BY i.occurred_at DESC)[1:?] AS examples
        FROM incidents i LEFT JOIN actors a USING (source)
        WHERE i.category = ? AND i.raw_category IS NOT NULL AND trim(i.raw_category) <> ''
        GROUP BY ALL ORDER BY count DESC, i.source, i.raw_category""",
        [EXAMPLES, FALLBACK_CODE]).df()
    words = {s: _profile_words(s, folder) for s in rows["source"].unique()}
    found = [match(raw, words[s]) for s, raw in zip(rows["source"], rows["raw_category"])]
    rows["category"] = FALLBACK_CODE
    rows["rule"] = [m.rule for m in found]
    rows["candidates"] = [list(m.candidates) for m in found]
    rows["suggestion"] = [m.code if m.decided and m.code != FALLBACK_CODE else None
                          for m in found]
    rows["examples"] = ["; ".join(e) for e in rows["examples"]]
    keep = [not (m.decided and m.code == FALLBACK_CODE) for m in found]
    return rows.loc[keep, UNMAPPED_COLUMNS].reset_index(drop=True)


def _actor_profile(con, source: str, folder: Path | None) -> Profile:
    """The actor's profile, or a new one named as the database knows the actor."""
    current = load_profile(source, folder)
    if current is not None:
        return current
    row = con.execute("SELECT name, kind FROM actors WHERE source = ?", [source]).fetchall()
    name, kind = row[0] if row else (source, None)
    return Profile(key=source, name=name or source, kind=kind or "annan")


def _with_word(profile: Profile, raw_word: str, code: str) -> Profile:
    key = _normalize(raw_word)
    words = {w: c for w, c in profile.categories.items() if _normalize(w) != key}
    words[raw_word.strip()] = code
    return replace(profile, categories=words)


def recategorize(db: Path | str, source: str, raw_word: str, code: str, username: str,
                 folder: Path | None = None) -> Recategorized:
    """Give ``source``'s word ``raw_word`` the category ``code``: its stored incidents
    change in one audited copy-on-write write (duplicates marked again over their
    span), then the word is saved in the actor's profile (one is made if the actor has
    none). Raises :class:`IngestError` for a code the taxonomy does not know."""
    labels = {c: cat.label for c, cat in load_taxonomy().items()}
    if code not in labels:
        raise IngestError(f"unknown category code {code!r}",
                          f"Kategorin {code!r} finns inte i taxonomin.")
    with write_session(db) as con:
        profile = _with_word(_actor_profile(con, source, folder), raw_word, code)
        key = [source, _normalize(raw_word)]
        span = con.execute(f"""SELECT count(*), min(occurred_at), max(occurred_at)
            FROM incidents WHERE {SAME_WORD}""", key).fetchall()[0]
        con.execute(f"UPDATE incidents SET category = ? WHERE {SAME_WORD}", [code, *key])
        # Replaced versions an undo would bring back say the same.
        con.execute(f"UPDATE incident_history SET category = ? WHERE {SAME_WORD}", [code, *key])
        changed = mark_duplicates(con, span[1], span[2]) if span[0] else 0
        audit.record(con, username, "category.recategorize",
                     f"{source}: '{raw_word}' → {labels[code]} ({span[0]} händelser)")
    path = save_profile(profile, folder)
    return Recategorized(incidents=int(span[0]), duplicates_changed=int(changed),
                         profile_path=path)


def word_key(source: str, raw_word: str) -> str:
    """A short stable key for one actor's word (for widget keys)."""
    return hashlib.sha1(f"{source}\0{raw_word}".encode("utf-8")).hexdigest()[:12]


def rule_sv(row, labels: dict[str, str]) -> str:
    """Why a listed word has no category, in Swedish: the rule, the candidates of an
    ambiguous word, and what the taxonomy suggests now."""
    text = str(row["rule"])
    if len(row["candidates"]):
        text += ": " + " eller ".join(labels.get(c, c) for c in row["candidates"])
    if row["suggestion"]:
        text += f" (förslag: {labels.get(row['suggestion'], row['suggestion'])})"
    return text


def unmapped_table(words: pd.DataFrame, labels: dict[str, str]) -> pd.DataFrame:
    """:func:`unmapped_words` for the Data page, with Swedish column names."""
    return pd.DataFrame({
        "Aktör": words["actor"], "Ord": words["raw_category"], "Antal": words["count"],
        "Senast": words["last_at"], "Exempel": words["examples"],
        "Regel": [rule_sv(r, labels) for _, r in words.iterrows()]})
