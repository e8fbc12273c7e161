"""Geography of market matches: which rows an offer may use, and the words that cite them.

Place in the data flow: `place.place_offers` asks here which market rows are in the offer's
country (`row_geography`, `offer_geography`), and every placement row carries what was
matched (`matched_*` columns) and a `basis` phrase built by `basis_phrase` from those values
only, never from the offer's own role, level or city. Negotiation scripts cite `basis`.

Rules (docs/market.md "Geography"):
1. A row's country comes from its location (`toolkit.geography.resolve_location`); a row with
   no location takes the file's country: US for BLS OEWS, LCA and OFLC files; otherwise the one
   country all located rows of the file share, if they share one; else it is unknown.
2. An offer's market place is its `market_location` if set, else its location, both after the
   user's aliases. When that place is in another country than the offer's own location, the
   user said so explicitly (a `market_location` or an alias): `country_mismatch` is true.
3. Rows of another known country are never used. Rows or offers whose country is unknown are
   not excluded, and the phrase says the country could not be checked.
4. An offer with no city (`Remote, US`, a state or a country) uses country-wide rows only
   (national tables, country-level survey rows, rows with no location).
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any, Mapping, Optional, Sequence

import numpy as np

from ..geography import Place, country_name, resolve_location

FORMAT_COUNTRY = {"bls_oews": "US", "lca": "US", "wage_levels": "US", "oflc_alc": "US"}
WIDE_SCOPES = ("national", "country")
_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September",
           "October", "November", "December")
_YM = re.compile(r"\b(\d{4})-(\d{2})\b")


@lru_cache(maxsize=65536)
def place_of(text: str, default_country: str = "") -> Place:
    """`resolve_location` for a (folded) key or display text, cached."""
    return resolve_location(text, default_country=default_country)


def market_country(market: Any, location_keys: Sequence[str]) -> str:
    """The country of a market file's rows that have no location (rule 1), '' when unknown."""
    fixed = FORMAT_COUNTRY.get(getattr(market, "format", ""))
    if fixed:
        return fixed
    found = {place_of(k).country for k in set(location_keys) if k}
    found.discard("")
    return found.pop() if len(found) == 1 else ""


def row_geography(location_keys: Sequence[str], default_country: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per row: (country, country-wide?, scope) arrays, worked out once per distinct key."""
    keys = np.asarray(location_keys, dtype=object)
    uniq, inverse = np.unique(keys.astype(str), return_inverse=True)
    country, wide, scope = [], [], []
    for k in uniq:
        if not k:
            country.append(default_country)
            wide.append(True)
            scope.append("national" if default_country else "unknown")
            continue
        p = place_of(k, default_country)
        country.append(p.country)
        wide.append(p.country_wide)
        scope.append(p.scope)
    return (np.asarray(country, dtype=object)[inverse], np.asarray(wide, dtype=bool)[inverse],
            np.asarray(scope, dtype=object)[inverse])


def offer_geography(raw_location: Optional[str], market_key: str, explicit: bool) -> tuple[str, bool, bool]:
    """(country to match in, city-less?, country_mismatch) for one offer (rules 2 and 4).

    `market_key` is the folded, aliased market location (the offer's `market_location` if set,
    else its location); `explicit` says whether the user chose it (market_location or an alias).
    """
    own = place_of(str(raw_location or ""))
    target = place_of(market_key) if market_key else own
    nocity = bool(market_key) and not target.city and not target.metro and (target.remote or target.scope in ("country", "state", "national"))
    mismatch = bool(explicit and own.country and target.country and own.country != target.country)
    return target.country, nocity, mismatch


def source_phrase(label: Optional[str], as_of: Optional[str]) -> str:
    """'BLS OEWS 2022-05' → 'BLS OEWS May 2022'; a label without a date gets ' (as of …)' when known."""
    text = str(label or "market data")
    m = _YM.search(text)
    if m and 1 <= int(m.group(2)) <= 12:
        return _YM.sub(f"{_MONTHS[int(m.group(2)) - 1]} {m.group(1)}", text, count=1)
    if as_of and str(as_of) not in text:
        return f"{text} (as of {as_of})"
    return text


def place_phrase(matched: Mapping[str, Any]) -> str:
    """Where the matched data is: 'US national', 'Seattle, WA', 'Germany', 'United States, pooled over 12 locations'."""
    country = matched.get("country") or ""
    scope = matched.get("scope") or "unknown"
    loc = matched.get("location")
    if matched.get("locations", 1) and matched.get("locations", 1) > 1:
        where = country_name(country) if country else "several countries"
        return f"{where}, pooled over {matched['locations']} locations"
    if scope == "national":
        return f"{country} national" if country else "national"
    if scope == "country":
        return country_name(country) or str(loc or "")
    if loc:
        tail = ""
        if country and country != "US" and country_name(country).casefold() not in str(loc).casefold():
            tail = f", {country_name(country)}"
        return f"{loc}{tail}"
    return "unstated location"


def basis_phrase(matched: Mapping[str, Any], source: str, step: str, *, offer_level: Optional[str] = None,
                 offer_location: Optional[str] = None, country_mismatch: bool = False) -> str:
    """The words that cite a placement, from the values matched (never the offer's own).

    Examples:
        >>> basis_phrase({"role": "Software Developers", "level": None, "location": "U.S.", "scope": "national",
        ...               "country": "US"}, "BLS OEWS May 2022", "role+level (any location)")
        'US national BLS OEWS May 2022 data for Software Developers (all levels)'
    """
    level = matched.get("level")
    levels = matched.get("levels", 1) or 1
    who = str(matched.get("role") or "the role")
    if level:
        who += f", {level}"
    elif levels > 1:
        who += f" (pooled over {levels} levels)"
    else:
        who += " (all levels)"
    text = f"{place_phrase(matched)} {source} data for {who}"
    notes = []
    if step.startswith("role+level") and offer_location:
        notes.append(f"no data for {offer_location} itself")
    if step.startswith("role+location") and offer_level:
        notes.append(f"no data for level {offer_level}")
    if step == "role only":
        notes.append("no data for this level or location")
    if not matched.get("country"):
        notes.append("the market file does not say which country")
    if country_mismatch and offer_location:
        notes.append(f"used here for an offer in {offer_location}, as you asked")
    return text + (f" ({'; '.join(notes)})" if notes else "")
