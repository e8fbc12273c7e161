"""HTML tables for Jupyter: content, number formatting and escaping of user text."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import pandas as pd
import pytest

import toolkit
from toolkit.offers.models import Offer
from toolkit.report.html import frame_html, offer_html, summary_html


def offer(**fields) -> Offer:
    return Offer.model_validate(fields, context={"currency": fields["currency"]})


EVIL = offer(id="evil", company="<script>alert('x')</script> & Co", currency="USD", base_salary=150_000,
             notes='<img src=x onerror="boom">', role="Dev <b>", status="verbal")
EURO = offer(id="euro", company="Euro GmbH", currency="EUR", base_salary="5000/month", extra_months=1,
             bonus={"amount": 8000}, equity=[{"type": "rsu", "shares": 100, "share_price": 50, "vesting": "4y-annual"}])


@pytest.fixture
def e():
    return toolkit.evaluate([EVIL, EURO], {"horizon_years": 4}, fx={"EUR": 1.1}, currency="USD")


def test_summary_html_has_one_row_per_offer_with_formatted_headlines(e):
    html = summary_html(e)
    assert html == e._repr_html_()
    assert html.count("<tr>") == 1 + 2  # header + offers
    assert "<caption>2 offer(s) in USD over 4 year(s)</caption>" in html
    for header in ("Offer", "Company", "Year-1 TC", "Average TC", "Total TC"):
        assert f"<th>{header}</th>" in html
    assert '<td class="num">$150,000</td>' in html  # evil: base only, every year
    assert '<td class="num">$600,000</td>' in html
    # euro year 1: 13 × 5,000 + 8,000 + 5,000 / 4 of RSUs = 74,250 EUR × 1.1 = 81,675 USD
    assert '<td class="num">$81,675</td>' in html
    assert "<th>Avg TC after tax</th>" not in html  # empty for every offer: left out
    assert "1 EUR = 1.1 USD" in html
    assert "verbal: the offer is not in writing yet" in html


def test_summary_html_escapes_user_text(e):
    html = summary_html(e)
    assert "<script>" not in html
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt; &amp; Co" in html


def test_offer_html_lists_the_terms_escaped():
    html = offer_html(EURO)
    assert "<caption>Offer: Euro GmbH</caption>" in html
    assert "<td>Base salary</td><td>€5,000 per month (€65,000 a year)</td>" in html
    assert "<td>Bonus</td><td>€8,000</td>" in html
    assert "<td>Equity grant 1</td><td>100 RSUs at €50.00, vesting" in html
    evil = offer_html(EVIL)
    assert "<img" not in evil and "&lt;img src=x onerror=&quot;boom&quot;&gt;" in evil
    assert "Dev &lt;b&gt;" in evil


def test_frame_html_formats_numbers_and_escapes_everything():
    df = pd.DataFrame({"offer_id": ["a<b", "c"], "amount": [1234567.891, float("nan")], "rate": [0.1234, 2.5],
                       "n": [3, 4], "ok": [True, False]})
    html = frame_html(df, "Title <x>", money_columns=["amount"], currency="USD")
    assert "<caption>Title &lt;x&gt;</caption>" in html
    assert "<td>a&lt;b</td>" in html
    assert '<td class="num">$1,234,568</td>' in html
    assert '<td class="num">—</td>' in html
    assert '<td class="num">0.1234</td>' in html and '<td class="num">2.50</td>' in html
    assert '<td class="num">3</td>' in html
    assert "<td>True</td>" in html
    plain = frame_html(df)
    assert '<td class="num">1,234,568</td>' in plain and "<caption>" not in plain


def test_frame_html_truncates_long_frames():
    df = pd.DataFrame({"x": range(250)})
    html = frame_html(df, max_rows=200)
    assert html.count("<tr>") == 201
    assert "50 more rows not shown." in html


def test_every_result_converts_to_a_dataframe(e):
    from toolkit.offers.montecarlo import simulate_equity
    from toolkit.offers.scenarios import sweep

    for frame in (e.summary, e.years, e.years_wide, e.vest_events, sweep(e, "stock_growth", [0.0]),
                  simulate_equity(e, paths=10, seed=1).to_frame()):
        assert isinstance(frame, pd.DataFrame) and len(frame)


def test_summary_html_shows_market_position_when_present(e):
    import dataclasses

    market = pd.DataFrame({"offer_id": ["evil"], "component": ["base"], "value": [150_000.0], "percentile": [62.4],
                           "p50": [140_000.0], "gap_to_p50": [10_000.0], "match": ["role"], "source": ["BLS <2022>"]})
    html = summary_html(dataclasses.replace(e, market=market))
    assert "<caption>Market position</caption>" in html
    assert '<td class="num">$10,000</td>' in html and "BLS &lt;2022&gt;" in html
    assert "Market position" not in summary_html(e)
