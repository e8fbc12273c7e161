"""The headline table: one home for the keys, labels and units that every renderer reads."""

from __future__ import annotations

import toolkit
from conftest import ROOT
from toolkit.offers.results import HEADLINE_BY_KEY, HEADLINE_TABLE, HEADLINES
from toolkit.report import html, text


def test_every_headline_the_evaluation_computes_has_one_row_in_the_table():
    evaluation = toolkit.evaluate(toolkit.load_offers(ROOT / "data" / "offers.yaml"))
    assert list(evaluation.headlines) == list(HEADLINES)
    assert len({h.key for h in HEADLINE_TABLE}) == len(HEADLINE_TABLE)
    assert list(evaluation.summary.columns[4:]) == list(HEADLINES)


def test_text_markdown_and_html_read_their_labels_from_the_table():
    assert text.ROWS == tuple((h.key, h.label) for h in HEADLINE_TABLE)
    assert all(HEADLINE_BY_KEY[key].short == label for key, label in html.SUMMARY_COLUMNS)


def test_the_json_offer_carries_every_headline_key():
    evaluation = toolkit.evaluate(toolkit.load_offers(ROOT / "data" / "offers.yaml"))
    assert set(HEADLINES) <= set(evaluation.offer_dict(0))
