"""A partner's category phrase → a taxonomy code, by meaning, with the rule that decided.

``taxonomy.toml`` gives each category its ``words``, ``stems`` and ``common`` phrases.
A phrase is matched in this order:

1. the actor's profile word, exactly ("profilens ord");
2. a taxonomy word, code or label, exactly ("exakt ord");
3. otherwise word by word: multi-word words and common phrases found anywhere in the
   phrase, longest first ("första ordet" when the phrase starts with it, "ord i frasen",
   "vanligt ord"); then each remaining word, best first: a one-word taxonomy word itself,
   a root (one-word word or stem) with a Swedish inflection ending ("ordstam":
   klottrat, obehöriga, störande, inbrottet), or a compound whose last part is such a
   word ("huvudord": källarinbrott, fasadklotter). A stem ending in ``*`` matches any word
   that begins with it (sönder*: söndersparkad). The modifier of a compound has at least
   three letters, so "från" is no robbery (rån).

When the words point at one category, that is the code. Two or more categories
("Bråk och skadegörelse") make the phrase ambiguous ("tvetydig"): it stays ``ovrigt``,
the candidates kept for a person to decide. No hit at all is "okänt". Words of the
fallback category's stems and common phrases are known non-events ("Rattfylleri",
"Motorfordon, anträffat stulet"): they land in ``ovrigt`` by their rule.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from est_data.core.config import TAXONOMY_PATH
from est_data.core.taxonomy import (FALLBACK_CODE, ROOT_RE, _normalize, load_taxonomy,
                                    word_index)

PROFILE = "profilens ord"
EXACT = "exakt ord"
FIRST = "första ordet"
IN_PHRASE = "ord i frasen"
COMMON = "vanligt ord"
STEM = "ordstam"
HEAD = "huvudord"
AMBIGUOUS = "tvetydig"
UNKNOWN = "okänt"
#: The rules that leave a phrase without a category (stored as ``ovrigt``, listed).
UNDECIDED = (AMBIGUOUS, UNKNOWN)
_STRENGTH = (FIRST, IN_PHRASE, COMMON, STEM, HEAD)  # which hit names a one-category match

TOKEN_RE = re.compile(r"[a-zåäöéü0-9]+")
MIN_MODIFIER = 3  # letters before the head of a compound
# Swedish inflection endings a stem or one-word word may carry (nouns, verbs, participles).
ENDINGS = frozenset({
    "", "a", "ad", "ade", "ades", "an", "ande", "ar", "are", "arna", "as", "at", "ats", "d",
    "da", "de", "des", "e", "en", "ena", "ens", "er", "erna", "et", "ets", "ig", "iga", "igt",
    "it", "its", "n", "na", "nde", "ning", "ningar", "ningarna", "ningen", "or", "orna", "r",
    "s", "t", "te", "ts", "else", "elsen", "elser"})


@dataclass(frozen=True)
class CategoryMatch:
    """What a phrase became: ``code``, the Swedish ``rule`` that decided and the taxonomy
    ``word`` (or stem) that did; ``candidates`` of an ambiguous phrase."""

    code: str
    rule: str
    word: str | None = None
    candidates: tuple[str, ...] = ()

    @property
    def decided(self) -> bool:
        return self.rule not in UNDECIDED


@dataclass(frozen=True)
class _Index:
    exact: dict[str, str]                             # whole phrase -> code
    phrases: tuple[tuple[tuple[str, ...], str, bool, str], ...]  # tokens, code, common, text
    roots: dict[str, tuple[str, bool]]                # root -> (code, is a word)
    prefixes: dict[str, str]                          # stem* without the star -> code


@lru_cache(maxsize=8)
def _index(path: Path = TAXONOMY_PATH) -> _Index:
    phrases, roots, prefixes = [], {}, {}
    for cat in load_taxonomy(path).values():
        fallback = cat.code == FALLBACK_CODE
        for text, common in [(w, False) for w in cat.words] + [(c, True) for c in cat.common]:
            tokens = tuple(TOKEN_RE.findall(text))
            if common or (len(tokens) > 1 and not fallback):
                phrases.append((tokens, cat.code, common, text))
            elif not fallback and ROOT_RE.match(text):
                roots[text] = (cat.code, True)
        for stem in cat.stems:
            if stem.endswith("*"):
                prefixes[stem[:-1]] = cat.code
            else:
                roots.setdefault(stem, (cat.code, False))
    phrases.sort(key=lambda p: -len(p[0]))
    return _Index(word_index(path), tuple(phrases), roots, prefixes)


def _root_of(token: str, ix: _Index) -> tuple[str, str] | None:
    """``(code, root)`` when ``token`` is a root or a root with an ending (longest root
    first), or begins with a ``*`` stem."""
    for cut in range(len(token), 2, -1):
        if token[cut:] in ENDINGS and token[:cut] in ix.roots:
            return ix.roots[token[:cut]][0], token[:cut]
    for cut in range(len(token), 2, -1):
        if token[:cut] in ix.prefixes:
            return ix.prefixes[token[:cut]], token[:cut] + "*"
    return None


def _token_hit(token: str, ix: _Index) -> tuple[str, str, str] | None:
    """``(code, rule, root)`` for one word: the word itself, its stem, or the head of
    the compound it is."""
    entry = ix.roots.get(token)
    if entry is not None and entry[1]:
        return entry[0], IN_PHRASE, token
    found = _root_of(token, ix)
    if found:
        return found[0], STEM, found[1]
    for start in range(MIN_MODIFIER, len(token) - 2):
        found = _root_of(token[start:], ix)
        if found:
            return found[0], HEAD, found[1]
    return None


def _hits(tokens: list[str], ix: _Index) -> list[tuple[str, str, str]]:
    """Every ``(code, rule, word)`` the phrase's words give, in phrase order."""
    hits: list[tuple[int, str, str, str]] = []
    used = [False] * len(tokens)
    for pattern, code, common, text in ix.phrases:
        k = len(pattern)
        for i in range(len(tokens) - k + 1):
            if tuple(tokens[i:i + k]) == pattern and not any(used[i:i + k]):
                used[i:i + k] = [True] * k
                rule = COMMON if common else (FIRST if i == 0 else IN_PHRASE)
                hits.append((i, code, rule, text))
    for i, token in enumerate(tokens):
        if not used[i]:
            hit = _token_hit(token, ix)
            if hit:
                rule = FIRST if hit[1] == IN_PHRASE and i == 0 else hit[1]
                hits.append((i, hit[0], rule, hit[2]))
    return [h[1:] for h in sorted(hits)]


@lru_cache(maxsize=20_000)
def _match_key(key: str, path: Path) -> CategoryMatch:
    ix = _index(path)
    if key in ix.exact:
        return CategoryMatch(ix.exact[key], EXACT, key)
    hits = _hits(TOKEN_RE.findall(key), ix)
    codes = tuple(dict.fromkeys(code for code, _, _ in hits))
    if not codes:
        return CategoryMatch(FALLBACK_CODE, UNKNOWN)
    if len(codes) > 1:
        return CategoryMatch(FALLBACK_CODE, AMBIGUOUS, None, codes)
    code, rule, word = min(hits, key=lambda h: _STRENGTH.index(h[1]))
    return CategoryMatch(code, rule, word)


def match(raw: str | None, extra_words: dict[str, str] | None = None,
          path: Path = TAXONOMY_PATH) -> CategoryMatch:
    """The category of a partner's phrase and the rule that gave it (module docstring).

    ``extra_words`` (an actor's profile ``[categories]``) come first, exactly.
    """
    if raw is None:
        return CategoryMatch(FALLBACK_CODE, UNKNOWN)
    key = _normalize(raw)
    if extra_words:
        for word, code in extra_words.items():
            if _normalize(word) == key:
                return CategoryMatch(code, PROFILE, key)
    if not key:
        return CategoryMatch(FALLBACK_CODE, UNKNOWN)
    return _match_key(key, path)
