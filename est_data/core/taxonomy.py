"""Canonical incident categories, read from ``taxonomy.toml`` (README §3).

The vocabulary is data: a coordinator edits the TOML file, no code changes. Each
category has its ``words`` (whole phrases), ``stems`` (a word with its inflections and
as the head of a compound; ``"sönder*"``: any word that begins so) and ``common``
(phrases partners write that mark the category anywhere in a phrase); how a phrase is
matched by them is :mod:`est_data.core.categorize` (:func:`match` here applies it).
"""
from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from est_data.core.categorize import (PROFILE, ROOT_RE, UNKNOWN, CategoryMatch, Index,
                                      build_index, match_key)
from est_data.core.config import TAXONOMY_PATH
from est_data.core.errors import UserError

FALLBACK_CODE = "ovrigt"


@dataclass(frozen=True)
class Category:
    code: str
    label: str
    family: str
    color: str
    words: tuple[str, ...]
    stems: tuple[str, ...] = ()
    common: tuple[str, ...] = ()


class TaxonomyError(UserError, ValueError):
    """The taxonomy file is malformed."""


def _normalize(word: str) -> str:
    return " ".join(str(word).strip().lower().split())


STEM_RE = re.compile(r"^[a-zåäöéü]{3,}\*?$")


def _claim(seen: dict[str, str], key: str, code: str, what: str, path: Path) -> None:
    """Record that ``key`` belongs to ``code``; a key claimed by two categories fails."""
    owner = seen.setdefault(key, code)
    if owner != code:
        raise TaxonomyError(f"the {what} '{key}' is listed under both '{owner}' and '{code}' "
                            f"in {path}")


def _vocabulary(code: str, entry: dict, path: Path, seen_words: dict[str, str],
                seen_roots: dict[str, str]) -> tuple[tuple[str, ...], ...]:
    """The category's words, stems and common phrases, normalised and checked: no word,
    stem or phrase may belong to two categories."""
    words = tuple(_normalize(w) for w in entry.get("words", []))
    for word in words + (_normalize(code), _normalize(entry["label"])):
        _claim(seen_words, word, code, "word", path)
    stems = tuple(_normalize(s) for s in entry.get("stems", []))
    for stem in stems:
        if not STEM_RE.match(stem):
            raise TaxonomyError(f"the stem '{stem}' of '{code}' in {path} must be one word "
                                "of at least three letters (optionally ending in *)")
        _claim(seen_roots, stem.rstrip("*"), code, "stem", path)
    common = tuple(_normalize(c) for c in entry.get("common", []))
    for phrase in common:
        _claim(seen_words, phrase, code, "word", path)
    return words, stems, common


@lru_cache(maxsize=8)
def load_taxonomy(path: Path = TAXONOMY_PATH) -> dict[str, Category]:
    """Read the taxonomy file into ``{code: Category}`` (in file order).

    Raises :class:`TaxonomyError` when a category lacks a label or a word is claimed
    by two categories, so a coordinator's edit fails loudly instead of misclassifying.
    """
    with open(path, "rb") as fh:
        raw = tomllib.load(fh)
    categories: dict[str, Category] = {}
    seen_words: dict[str, str] = {}
    seen_roots: dict[str, str] = {}
    for code, entry in raw.items():
        if not isinstance(entry, dict) or "label" not in entry:
            raise TaxonomyError(f"category '{code}' in {path} needs a 'label'")
        words, stems, common = _vocabulary(code, entry, path, seen_words, seen_roots)
        categories[code] = Category(
            code=code,
            label=str(entry["label"]),
            family=str(entry.get("family", code)),
            color=str(entry.get("color", "#888888")),
            words=words, stems=stems, common=common,
        )
    _check_roots(categories, seen_roots, path)
    if FALLBACK_CODE not in categories:
        raise TaxonomyError(f"{path} must define the fallback category '{FALLBACK_CODE}'")
    return categories


def _check_roots(categories: dict[str, Category], seen_roots: dict[str, str],
                 path: Path) -> None:
    """A one-word word is also a root of its category (see :mod:`categorize`), so it
    may not be another category's stem."""
    for cat in categories.values():
        if cat.code == FALLBACK_CODE:
            continue
        for word in cat.words:
            if ROOT_RE.match(word):
                _claim(seen_roots, word, cat.code, "stem", path)


@lru_cache(maxsize=8)
def word_index(path: Path = TAXONOMY_PATH) -> dict[str, str]:
    """Map every known raw word (normalized), code and label to its category code."""
    index: dict[str, str] = {}
    for cat in load_taxonomy(path).values():
        for word in cat.words + (_normalize(cat.code), _normalize(cat.label)):
            index[word] = cat.code
    return index


@lru_cache(maxsize=8)
def _index(path: Path = TAXONOMY_PATH) -> Index:
    return build_index(load_taxonomy(path).values(), word_index(path), FALLBACK_CODE)


@lru_cache(maxsize=20_000)
def _match_key(key: str, path: Path) -> CategoryMatch:
    return match_key(key, _index(path))


def match(raw: str | None, extra_words: dict[str, str] | None = None,
          path: Path = TAXONOMY_PATH) -> CategoryMatch:
    """The category of a partner's phrase, by meaning, and the rule that gave it
    (:mod:`est_data.core.categorize`). ``extra_words`` (an actor's profile
    ``[categories]``) come first, exactly."""
    if raw is None:
        return CategoryMatch(FALLBACK_CODE, UNKNOWN)
    key = _normalize(raw)
    for word, code in (extra_words or {}).items():
        if _normalize(word) == key:
            return CategoryMatch(code, PROFILE, key)
    return _match_key(key, path)


def classify(raw: str | None, extra_words: dict[str, str] | None = None,
             path: Path = TAXONOMY_PATH) -> str:
    """Canonical code for a raw category phrase (:func:`match`); unknown and ambiguous
    phrases give ``ovrigt``. ``extra_words`` (from an actor's profile) come first."""
    return match(raw, extra_words, path).code


def labels(path: Path = TAXONOMY_PATH) -> dict[str, str]:
    """``{code: Swedish label}`` in file order."""
    return {code: cat.label for code, cat in load_taxonomy(path).items()}


def colors(path: Path = TAXONOMY_PATH) -> dict[str, str]:
    """``{code: colour}`` for charts and legends."""
    return {code: cat.color for code, cat in load_taxonomy(path).items()}
