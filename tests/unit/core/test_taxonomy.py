"""The taxonomy file (README §3) and classification of raw words."""
from __future__ import annotations

import pytest

from est_data.core import taxonomy
from est_data.core.taxonomy import TaxonomyError, classify, load_taxonomy

REQUIRED = ["storning", "klotter", "skadegorelse", "inbrott", "stold", "brand", "nedskrapning",
            "narkotika", "vald_hot", "otrygg_plats", "samling", "obehorig", "ovrigt"]


def test_required_categories_with_swedish_labels():
    cats = load_taxonomy()
    assert set(REQUIRED) <= set(cats)
    assert cats["storning"].label == "Störning"
    assert cats["skadegorelse"].label == "Skadegörelse"
    assert all(c.label and c.color.startswith("#") for c in cats.values())


@pytest.mark.parametrize("raw, code", [
    ("Störning", "storning"), ("ordningsstörning", "storning"), ("  Hög   musik ", "storning"),
    ("KLOTTER", "klotter"), ("Klotter på fasad", "klotter"), ("Inbrott förråd", "inbrott"),
    ("Trasig belysning", "otrygg_plats"), ("Ungdomsgäng samlas", "samling"),
    ("Misshandel", "vald_hot"), ("Skadegörelse", "skadegorelse"), ("Otrygg plats", "otrygg_plats"),
    ("vald_hot", "vald_hot"), ("Något helt nytt", "ovrigt"), ("", "ovrigt"), (None, "ovrigt"),
])
def test_classify(raw, code):
    assert classify(raw) == code


def test_profile_words_take_precedence():
    assert classify("Fasadklotter", extra_words={"fasadklotter": "klotter"}) == "klotter"
    assert classify("Störning", extra_words={"störning": "samling"}) == "samling"


def test_every_demo_vocabulary_word_is_known():
    from est_data.demo.world import VOCABULARY

    for actor, words in VOCABULARY.items():
        for code, raw in words.items():
            assert classify(raw) == code, (actor, raw)


def test_word_claimed_twice_is_an_error(tmp_path):
    path = tmp_path / "t.toml"
    path.write_text('[a]\nlabel = "A"\nwords = ["x"]\n[b]\nlabel = "B"\nwords = ["x"]\n'
                    '[ovrigt]\nlabel = "Övrigt"\n', encoding="utf-8")
    with pytest.raises(TaxonomyError, match="'x'"):
        load_taxonomy(path)


def test_missing_fallback_is_an_error(tmp_path):
    path = tmp_path / "t.toml"
    path.write_text('[a]\nlabel = "A"\n', encoding="utf-8")
    with pytest.raises(TaxonomyError, match="ovrigt"):
        load_taxonomy(path)


def test_labels_in_file_order():
    assert list(taxonomy.labels())[:2] == ["storning", "klotter"]


@pytest.mark.parametrize("a, b, message", [
    ('stems = ["klottr"]', 'stems = ["klottr"]', "stem 'klottr'"),
    ('stems = ["sönder*"]', 'stems = ["sönder"]', "stem 'sönder'"),
    ('words = ["brand"]', 'stems = ["brand"]', "stem 'brand'"),
    ('common = ["sover i trapphus"]', 'words = ["sover i trapphus"]', "'sover i trapphus'"),
    ('stems = ["ab"]', '', "at least three letters"),
    ('stems = ["två ord"]', '', "must be one word"),
])
def test_stems_and_common_phrases_are_checked(tmp_path, a, b, message):
    path = tmp_path / "t.toml"
    path.write_text(f'[a]\nlabel = "A"\n{a}\n[b]\nlabel = "B"\n{b}\n'
                    '[ovrigt]\nlabel = "Övrigt"\n', encoding="utf-8")
    with pytest.raises(TaxonomyError, match=message):
        load_taxonomy(path)


def test_a_coordinator_extends_the_vocabulary_in_the_file(tmp_path):
    path = tmp_path / "t.toml"
    path.write_text('[klotter]\nlabel = "Klotter"\nstems = ["klottr"]\n'
                    'common = ["målat på väggen"]\n[ovrigt]\nlabel = "Övrigt"\n',
                    encoding="utf-8")
    assert classify("Klottrat på dörren", path=path) == "klotter"
    assert classify("Någon har målat på väggen", path=path) == "klotter"
    assert classify("Sprayat", path=path) == "ovrigt"
    assert load_taxonomy(path)["klotter"].stems == ("klottr",)
