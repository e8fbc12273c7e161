"""Shared fixtures: inline offers in the domain language, golden-file comparison."""

from __future__ import annotations

import os
import textwrap
from pathlib import Path

import pytest
import yaml

TESTS = Path(__file__).resolve().parent
ROOT = TESTS.parent
GOLDEN = TESTS / "golden"
SHARED_DATA = ROOT.parent / "shared" / "data"


@pytest.fixture
def offer_from_yaml():
    """offer_from_yaml('''company: Acme ...''') → a validated Offer (id defaults to the slug)."""
    from toolkit.offers.load import RawOffer, assign_ids, parse_offer
    from toolkit.errors import InputError

    def make(text: str):
        raw = RawOffer(yaml.safe_load(textwrap.dedent(text)), "offer", "inline.yaml")
        issues = assign_ids([raw])
        offer, problems = parse_offer(raw)
        if issues or problems:
            raise InputError(issues + problems)
        return offer

    return make


@pytest.fixture
def write(tmp_path):
    """write('name.yaml', text) → path of a file with dedented text in a temp folder."""

    def make(name: str, text: str) -> Path:
        path = tmp_path / name
        path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
        return path

    return make


def assert_golden(actual: str, name: str) -> None:
    """Compare with tests/golden/<name> exactly; UPDATE_GOLDEN=1 rewrites it (review the diff)."""
    path = GOLDEN / name
    if os.environ.get("UPDATE_GOLDEN") == "1":
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(actual, encoding="utf-8")
    assert path.exists(), f"{path} is missing; run with UPDATE_GOLDEN=1 once and review the diff"
    assert actual == path.read_text(encoding="utf-8")


def pytest_addoption(parser):
    parser.addoption("--update-golden", action="store_true", default=False,
                     help="rewrite tests/golden/* from the current output (same as UPDATE_GOLDEN=1); review the diff")


def pytest_configure(config):
    if config.getoption("--update-golden", default=False):
        os.environ["UPDATE_GOLDEN"] = "1"
