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


def test_the_frames_hold_each_id_once_and_the_wide_one_shares_the_figures():
    import numpy as np
    import pandas as pd

    e = toolkit.evaluate(toolkit.load_offers(ROOT / "data" / "offers.yaml"))
    years, wide, cal = e.years, e.years_wide, e.calendar_years
    for frame in (years, wide, cal):
        assert isinstance(frame["offer_id"].dtype, pd.CategoricalDtype)
        assert list(frame["offer_id"].cat.categories) == e.ids
    assert list(years["component"].cat.categories) == [*e.figures.parts, "tc", "total_rewards"]
    # the wide frame is the tidy one pivoted, row for row, in offer order
    pivot = years.pivot_table(index=["offer_id", "year"], columns="component", values="amount", observed=True)
    assert wide["offer_id"].tolist() == [i for i in e.ids for _ in range(e.horizon_years)]
    for c in pivot.columns:
        assert np.array_equal(wide[c].to_numpy(), pivot[c].to_numpy()), c
    assert np.shares_memory(wide["base"].to_numpy(), e.figures.parts["base"])  # a view, not a copy
    assert cal[cal["offer_id"] == e.ids[0]]["year"].tolist() == [r["year"] for r in e.offer_dict(0)["calendar_years"]]
