"""Who a passage sentence makes the doer of a verb."""

from __future__ import annotations

import pytest

from rag.verifier.doers import agents_of, doer_of, name_word, plural_noun
from rag.verifier.tokens import tokenize

pytestmark = pytest.mark.unit


def _doer(sentence: str, verb: str) -> set[str] | None:
    tokens = tokenize(sentence)
    return doer_of(tokens, next(k for k, t in enumerate(tokens) if t.norm == verb))


def test_the_name_before_the_verb_is_its_doer():
    assert _doer("UpGuard has also found the data.", "found") == {"upguard"}
    assert _doer("Al-Quaety, who contributed to AFP, said so.", "contributed") == {"al", "quaety"}
    assert _doer("He found the data.", "found") is None


def test_a_body_named_by_what_it_is_is_a_doer():
    assert _doer("But the government has retained control of the harbour.", "retained") == {"government"}
    assert _doer("The jihadists are reportedly trying to cut the road.", "trying") == {"jihadists"}
    sentence = "He said government forces were fighting back the jihadists, carrying out 20 air strikes."
    assert _doer(sentence, "carrying") == {"government", "forces"}


def test_by_names_the_doer_of_a_passive_verb():
    tokens = tokenize("The town has been besieged by IS since early 2016.")
    assert agents_of(tokens, 4) == {"is"}
    tokens = tokenize("The town has been besieged since 2016.")
    assert agents_of(tokens, 4) == set()
    tokens = tokenize("UpGuard found the data.")
    assert agents_of(tokens, 1) is None


def test_an_acronym_is_a_name_though_it_spells_a_word():
    assert name_word(tokenize("IS")[0]) and not name_word(tokenize("The")[0])
    assert plural_noun(tokenize("jihadists")[0]) and plural_noun(tokenize("Jihadists")[0], any_case=True)
    assert not plural_noun(tokenize("Jihadists")[0]) and not plural_noun(tokenize("army")[0])
