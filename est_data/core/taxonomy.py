"""Canonical incident categories, read from ``taxonomy.toml`` (README §3).

The vocabulary is data: a coordinator edits the TOML file, no code changes.
"""
from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

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


class TaxonomyError(UserError, ValueError):
    """The taxonomy file is malformed."""


def _normalize(word: str) -> str:
    return " ".join(str(word).strip().lower().split())


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
    for code, entry in raw.items():
        if not isinstance(entry, dict) or "label" not in entry:
            raise TaxonomyError(f"category '{code}' in {path} needs a 'label'")
        words = tuple(_normalize(w) for w in entry.get("words", []))
        for word in words + (_normalize(code), _normalize(entry["label"])):
            owner = seen_words.setdefault(word, code)
            if owner != code:
                raise TaxonomyError(
                    f"the word '{word}' is listed under both '{owner}' and '{code}' in {path}"
                )
        categories[code] = Category(
            code=code,
            label=str(entry["label"]),
            family=str(entry.get("family", code)),
            color=str(entry.get("color", "#888888")),
            words=words,
        )
    if FALLBACK_CODE not in categories:
        raise TaxonomyError(f"{path} must define the fallback category '{FALLBACK_CODE}'")
    return categories


@lru_cache(maxsize=8)
def word_index(path: Path = TAXONOMY_PATH) -> dict[str, str]:
    """Map every known raw word (normalized), code and label to its category code."""
    index: dict[str, str] = {}
    for cat in load_taxonomy(path).values():
        for word in cat.words + (_normalize(cat.code), _normalize(cat.label)):
            index[word] = cat.code
    return index


def classify(raw: str | None, extra_words: dict[str, str] | None = None,
             path: Path = TAXONOMY_PATH) -> str:
    """Canonical code for a raw category word; unknown words give ``ovrigt``.

    ``extra_words`` (from an actor's profile) take precedence over the taxonomy.
    """
    if raw is None:
        return FALLBACK_CODE
    key = _normalize(raw)
    if extra_words:
        extra = {_normalize(k): v for k, v in extra_words.items()}
        if key in extra:
            return extra[key]
    return word_index(path).get(key, FALLBACK_CODE)


def labels(path: Path = TAXONOMY_PATH) -> dict[str, str]:
    """``{code: Swedish label}`` in file order."""
    return {code: cat.label for code, cat in load_taxonomy(path).items()}


def colors(path: Path = TAXONOMY_PATH) -> dict[str, str]:
    """``{code: colour}`` for charts and legends."""
    return {code: cat.color for code, cat in load_taxonomy(path).items()}
