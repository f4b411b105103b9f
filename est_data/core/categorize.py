"""A partner's category phrase → a taxonomy code, by meaning, with the rule that decided.

The matching itself; :func:`est_data.core.taxonomy.match` applies it to the taxonomy
file and an actor's profile words.

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
from typing import Iterable

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
ROOT_RE = re.compile(r"^[a-zåäöéü]+$")  # a one-word word: a root like a stem
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
class Index:
    """A taxonomy's vocabulary as the matcher reads it (:func:`build_index`)."""

    exact: dict[str, str]                             # whole phrase -> code
    phrases: tuple[tuple[tuple[str, ...], str, bool, str], ...]  # tokens, code, common, text
    roots: dict[str, tuple[str, bool]]                # root -> (code, is a word)
    prefixes: dict[str, str]                          # stem* without the star -> code
    fallback: str


def build_index(categories: Iterable, exact: dict[str, str], fallback: str) -> Index:
    """The matcher's index of ``categories`` (objects with ``code``, ``words``, ``stems``
    and ``common``); ``exact`` maps whole phrases to codes. The fallback category's
    one-word words are no roots ("övrigt" in "Rån övrigt" says nothing)."""
    phrases, roots, prefixes = [], {}, {}
    for cat in categories:
        is_fallback = cat.code == fallback
        for text, common in [(w, False) for w in cat.words] + [(c, True) for c in cat.common]:
            tokens = tuple(TOKEN_RE.findall(text))
            if common or (len(tokens) > 1 and not is_fallback):
                phrases.append((tokens, cat.code, common, text))
            elif not is_fallback and ROOT_RE.match(text):
                roots[text] = (cat.code, True)
        for stem in cat.stems:
            if stem.endswith("*"):
                prefixes[stem[:-1]] = cat.code
            else:
                roots.setdefault(stem, (cat.code, False))
    phrases.sort(key=lambda p: -len(p[0]))
    return Index(dict(exact), tuple(phrases), roots, prefixes, fallback)


def _root_of(token: str, ix: Index) -> tuple[str, str] | None:
    """``(code, root)`` when ``token`` is a root or a root with an ending (longest root
    first), or begins with a ``*`` stem."""
    for cut in range(len(token), 2, -1):
        if token[cut:] in ENDINGS and token[:cut] in ix.roots:
            return ix.roots[token[:cut]][0], token[:cut]
    for cut in range(len(token), 2, -1):
        if token[:cut] in ix.prefixes:
            return ix.prefixes[token[:cut]], token[:cut] + "*"
    return None


def _token_hit(token: str, ix: Index) -> tuple[str, str, str] | None:
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


def _hits(tokens: list[str], ix: Index) -> list[tuple[str, str, str]]:
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


def match_key(key: str, ix: Index) -> CategoryMatch:
    """The match of a normalised phrase (lower case, single spaces) against ``ix``."""
    if not key:
        return CategoryMatch(ix.fallback, UNKNOWN)
    if key in ix.exact:
        return CategoryMatch(ix.exact[key], EXACT, key)
    hits = _hits(TOKEN_RE.findall(key), ix)
    codes = tuple(dict.fromkeys(code for code, _, _ in hits))
    if not codes:
        return CategoryMatch(ix.fallback, UNKNOWN)
    if len(codes) > 1:
        return CategoryMatch(ix.fallback, AMBIGUOUS, None, codes)
    code, rule, word = min(hits, key=lambda h: _STRENGTH.index(h[1]))
    return CategoryMatch(code, rule, word)
