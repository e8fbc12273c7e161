"""Work in chunks of offers (offers/chunks.py): the same evaluation however the offers are split."""

from __future__ import annotations

import datetime as dt
import math

import numpy as np
import pytest

import toolkit
from conftest import ROOT
from test_columnar import GOOD, write_table
from toolkit.offers import chunks, columnar

TODAY = dt.date(2026, 12, 5)
FX = {"EUR": 1.10, "GBP": 1.30, "CHF": 1.12}


def close(a, b, path="") -> None:
    """Plain data equal, numbers to 1e-12 relative: a matrix product sums in an order that depends
    on how many rows it has, so one offer's equity may differ in the last bit between batch sizes."""
    if isinstance(a, dict):
        assert a.keys() == b.keys(), path
        for k in a:
            close(a[k], b[k], f"{path}.{k}")
    elif isinstance(a, list):
        assert len(a) == len(b), path
        for k, (x, y) in enumerate(zip(a, b)):
            close(x, y, f"{path}[{k}]")
    elif isinstance(a, float) and not isinstance(b, bool):
        assert math.isclose(a, b, rel_tol=1e-12, abs_tol=1e-9), (path, a, b)
    else:
        assert a == b, path


def evaluate_split(monkeypatch, offers, size):
    monkeypatch.setattr(chunks, "CHUNK", size)
    return toolkit.evaluate(offers, fx=FX, currency="USD", today=TODAY)


@pytest.mark.parametrize("size", [1, 2])
def test_the_sample_split_into_chunks_evaluates_as_in_one_call(monkeypatch, size):
    offer_set = toolkit.load_offers(ROOT / "data" / "offers.yaml")
    whole = evaluate_split(monkeypatch, offer_set, 1_000)
    split = evaluate_split(monkeypatch, offer_set, size)
    close(split.to_dict(), whole.to_dict())  # figures, both views, after-tax blocks, notes, flags
    assert split.after_tax.notes == whole.after_tax.notes and split.after_tax.basis == whole.after_tax.basis
    for key, value in whole.headlines.items():
        np.testing.assert_allclose(split.headlines[key], value, rtol=1e-12)


def test_a_columnar_table_is_split_without_building_models(monkeypatch, tmp_path):
    path = write_table(tmp_path / "offers.csv", GOOD + [["", *r[1:]] for r in GOOD] * 2)
    offer_set = toolkit.load_offers(path)
    table = offer_set.offers
    assert isinstance(table, columnar.OfferColumns)
    part = table.take(4, 9)
    assert isinstance(part, columnar.OfferColumns) and len(part) == 5
    assert list(part) == [table[i] for i in range(4, 9)]  # the same offers, rows and ids
    whole = evaluate_split(monkeypatch, offer_set, 1_000)
    split = evaluate_split(monkeypatch, offer_set, 4)
    close(split.to_dict(), whole.to_dict())


def test_zero_components_are_one_read_only_value(monkeypatch):
    offer_set = toolkit.load_offers(ROOT / "data" / "offers.yaml")
    for size in (1, 1_000):
        f = evaluate_split(monkeypatch, offer_set, size).figures
        refresh = f.parts["refresh_equity"]  # no offer in the sample has refreshers
        assert refresh.shape == f.tc.shape and not refresh.any() and refresh.strides == (0, 0)
        assert f.calendar.months.dtype == np.int8 and int(f.calendar.months.sum()) == 12 * 3 * f.tc.shape[1]
        for array in (refresh, f.tc, f.calendar.tc, f.calendar.months):
            with pytest.raises(ValueError, match="read-only"):
                array[0, 0] = 1


def test_only_per_offer_results_are_joined():
    offers = list(range(5))
    assert chunks.in_chunks(lambda rows: {"x": np.asarray(rows, dtype=float), "label": "same"}, offers, chunk=2) == {
        "x": pytest.approx([0, 1, 2, 3, 4]), "label": "same"}
    joined = chunks.in_chunks(lambda rows, w: (np.asarray(rows) * w)[:, None].astype(float), offers, np.arange(5.0), chunk=2)
    assert joined.tolist() == [[0.0], [1.0], [4.0], [9.0], [16.0]]
    with pytest.raises(AssertionError, match="not one row per offer"):
        chunks.in_chunks(lambda rows: np.zeros(3), offers, chunk=2)
    with pytest.raises(AssertionError, match="differs between chunks"):
        chunks.in_chunks(lambda rows: {"first": rows[0]}, offers, chunk=2)


def test_a_text_per_offer_is_held_once():
    basis = np.array(["a long basis text " * 20, "flat"])
    joined = chunks.in_chunks(lambda rows: {"basis": tuple(basis[np.asarray(rows) % 2 * 0])}, list(range(7)), chunk=3)
    assert joined["basis"] == ("a long basis text " * 20,) * 7
    assert len({id(v) for v in joined["basis"]}) == 1 and type(joined["basis"][0]) is str
