"""The offer model's rules: a table of bad inputs, each with its code and its exact message.

One row per rule (XlsxWriter style): the snippet a person might type, the field the message
names, the code (toolkit.errors.Code) and the message. `parse_offer` is the public entry that
the document path, the table path and the follow-up planner share.
"""

from __future__ import annotations

import textwrap

import pytest
import yaml

from toolkit.errors import Code
from toolkit.offers.load import RawOffer, assign_ids, parse_offer

BASE = "company: Acme\ncurrency: USD\nbase_salary: 150000\n"

CASES = [
    ("bonus: {target: 15}", "bonus.target", Code.INVALID_VALUE, "expected a percentage like 15% or 0.15, got 15"),
    ("base_salary: -5", "base_salary", Code.OUT_OF_RANGE, "expected a number greater than 0, got -5"),
    ("currency: XYZ", "currency", Code.INVALID_VALUE, "expected an ISO 4217 currency code like USD, EUR or GBP, got 'XYZ'"),
    ("bonsu: 3", "bonsu", Code.UNKNOWN_FIELD, "unknown field 'bonsu'; did you mean 'bonus'?"),
    ("status: signed", "status", Code.NOT_A_CHOICE, "expected 'verbal' or 'written', got 'signed'"),
    ("start_date: '2026-02-30'", "start_date", Code.BAD_DATE, "expected a date like 2026-01-15"),
    ("sign_on: {amount: 5000, year: 0}", "sign_on[0].year", Code.OUT_OF_RANGE, "expected a number at least 1, got 0"),
    ("equity: {grant_value: 1, vesting: {yearly: [50, 40]}}", "equity[0].vesting", Code.INVALID_VALUE, "must sum to 100%, got 90% (50% + 40%)"),
    ("equity: {type: option, shares: 10}", "equity[0]", Code.INVALID_VALUE, "needs shares, strike and share_price; missing strike, share_price"),
    ("retirement: {match: 50%}", "retirement.tiers[0].up_to", Code.MISSING, "required, but missing"),
    ("pto_days: lots", "pto_days", Code.WRONG_TYPE, "expected a number, got 'lots'"),
]


def _parse(snippet: str):
    data = yaml.safe_load(BASE + textwrap.dedent(snippet))
    raw = RawOffer(data, "#1", "offers.yaml")
    assert assign_ids([raw]) == []
    return parse_offer(raw)


@pytest.mark.parametrize("snippet, field, code, message", CASES, ids=[c[1] for c in CASES])
def test_bad_input_names_the_field_with_its_code_and_message(snippet, field, code, message):
    offer, issues = _parse(snippet)
    assert offer is None
    matching = [i for i in issues if i.field == field]
    assert matching, [str(i) for i in issues]
    issue = matching[0]
    assert issue.code is code
    assert message in issue.message
    assert str(issue).startswith(f"offers.yaml: offer 'acme' field {field}: ")


def test_a_good_offer_parses_with_no_issues():
    offer, issues = _parse("bonus: 15%\nsign_on: 20k\n")
    assert issues == [] and offer.bonus.target == pytest.approx(0.15) and offer.sign_on[0].amount == 20_000
