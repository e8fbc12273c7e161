"""Matching keys: how role, level and location strings are compared.

A key is compared case- and whitespace-insensitively, after the user's aliases. Locations
are reduced to 'city, st' (US) or 'city, country' so that levels.fyi's mixed styles
('Seattle, WA', 'Seattle, WA, United States', 'Berlin, BE, Germany') meet an offer's
'Seattle, WA' or 'Berlin, Germany'. Work is done once per distinct value, never per row.
"""

from __future__ import annotations

import re
from typing import Mapping

import numpy as np
import pandas as pd

_SPACE = re.compile(r"\s+")
_COMMA = re.compile(r"\s*,\s*")
_US = {"united states", "united states of america", "usa", "us", "u.s.", "u.s.a."}
MISSING = {"", "na", "n/a", "none", "null", "nan", "-"}


def clean(value: object) -> str:
    """Collapse whitespace; missing markers become ''. Keeps case (for display)."""
    if value is None or (isinstance(value, float) and value != value):
        return ""
    text = _SPACE.sub(" ", str(value)).strip()
    return "" if text.lower() in MISSING else text


def _fold(text: str) -> str:
    return _COMMA.sub(", ", _SPACE.sub(" ", text).strip()).casefold()


def compile_aliases(aliases: Mapping[str, str]) -> tuple[dict[str, str], list[tuple[re.Pattern, str]]]:
    """(whole-value map, word-boundary substitutions), all in folded form."""
    whole = {_fold(a): _fold(b) for a, b in aliases.items() if _fold(a)}
    words = [(re.compile(r"(?<!\w)" + re.escape(a) + r"(?!\w)"), b) for a, b in sorted(whole.items(), key=lambda kv: -len(kv[0]))]
    return whole, words


def normalize_location(folded: str) -> str:
    parts = [p for p in folded.split(", ") if p]
    if len(parts) == 3:
        city, region, country = parts
        return f"{city}, {region}" if country in _US else f"{city}, {country}"
    if len(parts) == 2 and parts[1] in _US:
        return parts[0]
    return ", ".join(parts)


def key_of(value: object, aliases: tuple[dict, list] | None = None, *, location: bool = False) -> str:
    """The comparison key of one value: folded, aliased and (for locations) reduced.

    Examples:
        >>> key_of("  Sr  ", compile_aliases({"Sr": "Senior"}))
        'senior'
        >>> key_of("Seattle, WA, United States", location=True)
        'seattle, wa'
    """
    text = _fold(clean(value))
    if not text:
        return ""
    if aliases:
        whole, words = aliases[0], aliases[1]
        if text in whole:
            text = whole[text]
        else:
            for pattern, repl in words:
                text = pattern.sub(repl, text)
    return normalize_location(text) if location else text


def factorize_keys(values: pd.Series, aliases: tuple[dict, list] | None = None, *, location: bool = False):
    """Vectorised `key_of`: (codes int array, keys list, display list) with '' for missing.

    Distinct raw values are normalised once; raw spellings that fold to the same key share a
    code, and the display text is the first spelling seen (or the alias target).
    """
    raw_codes, raw_uniques = pd.factorize(values, use_na_sentinel=True)
    raw_uniques = list(raw_uniques)
    keys: list[str] = [""]
    display: list[str] = [""]
    index = {"": 0}
    remap = np.empty(len(raw_uniques) + 1, dtype=np.int64)
    remap[-1] = 0  # the NA sentinel (-1) maps to ''
    whole = aliases[0] if aliases else {}
    for i, raw in enumerate(raw_uniques):
        k = key_of(raw, aliases, location=location)
        code = index.get(k)
        if code is None:
            code = index[k] = len(keys)
            keys.append(k)
            shown = clean(raw)
            if aliases and _fold(shown) in whole:
                shown = aliases[2].get(whole[_fold(shown)], shown) if len(aliases) > 2 else shown
            display.append(shown)
        remap[i] = code
    codes = remap[raw_codes]
    return codes, keys, display


def compile_aliases_with_display(aliases: Mapping[str, str]):
    """compile_aliases plus the user's spelling of each target, for display."""
    whole, words = compile_aliases(aliases)
    original = {_fold(b): b for b in aliases.values()}
    return whole, words, original
