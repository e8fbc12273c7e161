"""Where a place is: country, region/state, city and metro, from the way people write it.

Place in the data flow: a pure base-layer helper. Market importers resolve every row's
location with it, market matching compares offers and rows by country first, and the tax and
dated-limit code ask it which country and state an offer is in. It reads no files and imports
no toolkit code.

Public API (everything else is private):

- `resolve_location(text, *, default_country="") -> Place`: one written location
  ('Seattle, WA', 'Berlin, Germany', 'Remote, US', 'San Francisco Bay Area', 'DE', 'U.S.').
- `national(country) -> Place`: the place of a national statistics table (BLS OEWS national).
- `country_name(code)`, `state_name(code)`: display names; `US_STATES`, `US_METROS`,
  `US_CITIES`: the documented tables below.
- `Place`: frozen; fields `country` (ISO 3166-1 alpha-2, '' when unknown), `region` (US: the
  two-letter state code; elsewhere the region as written), `city`, `metro`, `county` (US cities
  in the table only), `scope`, `remote`, `text` (as written).

`scope` is the most specific level known: `city`, `metro` (a metro name such as 'San Francisco
Bay Area'), `state`, `national` (a national statistics table: 'U.S.', 'National'), `country`
(only the country is known: 'Germany', ISO 'DE', 'Remote, US'), or `unknown` (no country could
be resolved, e.g. 'Remote' alone).

Rules (docs/market.md "Geography" states them for users):
1. Country names and ISO alpha-2/alpha-3 codes are resolved with `pycountry`, plus a short
   table of everyday names it lacks ('UK', 'England', 'Russia', 'Turkey', 'Hong Kong (SAR)').
2. 'City, ST' with ST a US state code or name is the US (the levels.fyi and LCA convention),
   except when ST is also the ISO code of a country and the city is in the small table of
   non-US tech cities for that country ('Berlin, DE' is Germany, 'Dover, DE' is Delaware).
3. 'City, Region, Country' (levels.fyi outside the US) keeps the region as written.
4. A bare two- or three-letter code is an ISO country code (ai-jobs `company_location`).
5. 'Remote' words are removed and set `remote`; 'Remote, US' is the US with no city.
6. A US city in `US_CITIES` gets its county and metro; a metro name in `US_METROS` gets its
   state and, for single-state metros, its metro name.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

__all__ = ["Place", "resolve_location", "national", "country_name", "state_name",
           "US_STATES", "US_METROS", "US_CITIES", "SCOPES"]

SCOPES = ("city", "metro", "state", "national", "country", "unknown")


@dataclass(frozen=True, slots=True)
class Place:
    """A resolved location. `country` is ISO 3166-1 alpha-2 ('' when unknown)."""

    country: str = ""
    region: str = ""
    city: str = ""
    metro: str = ""
    scope: str = "unknown"
    remote: bool = False
    county: str = ""
    text: str = ""

    @property
    def known(self) -> bool:
        """True when the country was resolved."""
        return bool(self.country)

    @property
    def country_wide(self) -> bool:
        """True for a place that stands for the whole country (national table, country only)."""
        return self.scope in ("national", "country")

    def describe(self) -> str:
        """A short phrase naming the place: 'Seattle, WA, US', 'US national', 'Germany'.

        Examples:
            >>> resolve_location("Berlin, Germany").describe()
            'Berlin, Germany'
            >>> national("US").describe()
            'US national'
            >>> resolve_location("Remote, US").describe()
            'United States (remote, no city)'
        """
        country = country_name(self.country) if self.country else ""
        if self.scope == "national":
            return f"{self.country} national"
        if self.scope == "country":
            return f"{country} (remote, no city)" if self.remote else country
        if self.scope == "unknown":
            return self.text or "unknown location"
        if self.country == "US":
            if self.scope == "state":
                return state_name(self.region) or self.region
            if self.scope == "metro":
                return self.metro
            return f"{self.city}, {self.region}" if self.region else self.city
        head = self.metro if self.scope == "metro" else (self.city or self.region)
        return f"{head}, {country}" if head else country


# --- documented tables -------------------------------------------------------------------

# The 50 states, DC and Puerto Rico (USPS codes; the LCA and OFLC files use the same codes).
US_STATES: dict[str, str] = {
    "AL": "Alabama", "AK": "Alaska", "AZ": "Arizona", "AR": "Arkansas", "CA": "California",
    "CO": "Colorado", "CT": "Connecticut", "DE": "Delaware", "DC": "District of Columbia",
    "FL": "Florida", "GA": "Georgia", "HI": "Hawaii", "ID": "Idaho", "IL": "Illinois",
    "IN": "Indiana", "IA": "Iowa", "KS": "Kansas", "KY": "Kentucky", "LA": "Louisiana",
    "ME": "Maine", "MD": "Maryland", "MA": "Massachusetts", "MI": "Michigan", "MN": "Minnesota",
    "MS": "Mississippi", "MO": "Missouri", "MT": "Montana", "NE": "Nebraska", "NV": "Nevada",
    "NH": "New Hampshire", "NJ": "New Jersey", "NM": "New Mexico", "NY": "New York",
    "NC": "North Carolina", "ND": "North Dakota", "OH": "Ohio", "OK": "Oklahoma", "OR": "Oregon",
    "PA": "Pennsylvania", "RI": "Rhode Island", "SC": "South Carolina", "SD": "South Dakota",
    "TN": "Tennessee", "TX": "Texas", "UT": "Utah", "VT": "Vermont", "VA": "Virginia",
    "WA": "Washington", "WV": "West Virginia", "WI": "Wisconsin", "WY": "Wyoming",
    "PR": "Puerto Rico",
}

# Common US tech cities: (city, state) -> (county, OMB metro area title as OFLC's 2025-26
# Geography file spells it). Counties and metro titles were checked against that file
# (../shared/data/oflc_wages_2025-26_Geography.csv); OFLC wage areas are keyed by county.
US_CITIES: dict[tuple[str, str], tuple[str, str]] = {
    ("Seattle", "WA"): ("King County", "Seattle-Tacoma-Bellevue, WA"),
    ("Bellevue", "WA"): ("King County", "Seattle-Tacoma-Bellevue, WA"),
    ("Redmond", "WA"): ("King County", "Seattle-Tacoma-Bellevue, WA"),
    ("Kirkland", "WA"): ("King County", "Seattle-Tacoma-Bellevue, WA"),
    ("Tacoma", "WA"): ("Pierce County", "Seattle-Tacoma-Bellevue, WA"),
    ("Everett", "WA"): ("Snohomish County", "Seattle-Tacoma-Bellevue, WA"),
    ("San Francisco", "CA"): ("San Francisco County", "San Francisco-Oakland-Fremont, CA"),
    ("Oakland", "CA"): ("Alameda County", "San Francisco-Oakland-Fremont, CA"),
    ("Berkeley", "CA"): ("Alameda County", "San Francisco-Oakland-Fremont, CA"),
    ("Fremont", "CA"): ("Alameda County", "San Francisco-Oakland-Fremont, CA"),
    ("Menlo Park", "CA"): ("San Mateo County", "San Francisco-Oakland-Fremont, CA"),
    ("Redwood City", "CA"): ("San Mateo County", "San Francisco-Oakland-Fremont, CA"),
    ("San Mateo", "CA"): ("San Mateo County", "San Francisco-Oakland-Fremont, CA"),
    ("San Jose", "CA"): ("Santa Clara County", "San Jose-Sunnyvale-Santa Clara, CA"),
    ("Sunnyvale", "CA"): ("Santa Clara County", "San Jose-Sunnyvale-Santa Clara, CA"),
    ("Santa Clara", "CA"): ("Santa Clara County", "San Jose-Sunnyvale-Santa Clara, CA"),
    ("Mountain View", "CA"): ("Santa Clara County", "San Jose-Sunnyvale-Santa Clara, CA"),
    ("Palo Alto", "CA"): ("Santa Clara County", "San Jose-Sunnyvale-Santa Clara, CA"),
    ("Cupertino", "CA"): ("Santa Clara County", "San Jose-Sunnyvale-Santa Clara, CA"),
    ("Milpitas", "CA"): ("Santa Clara County", "San Jose-Sunnyvale-Santa Clara, CA"),
    ("Los Angeles", "CA"): ("Los Angeles County", "Los Angeles-Long Beach-Anaheim, CA"),
    ("Santa Monica", "CA"): ("Los Angeles County", "Los Angeles-Long Beach-Anaheim, CA"),
    ("Irvine", "CA"): ("Orange County", "Los Angeles-Long Beach-Anaheim, CA"),
    ("San Diego", "CA"): ("San Diego County", "San Diego-Chula Vista-Carlsbad, CA"),
    ("New York", "NY"): ("New York County", "New York-Newark-Jersey City, NY-NJ"),
    ("Brooklyn", "NY"): ("Kings County", "New York-Newark-Jersey City, NY-NJ"),
    ("Jersey City", "NJ"): ("Hudson County", "New York-Newark-Jersey City, NY-NJ"),
    ("Boston", "MA"): ("Suffolk County", "Boston-Cambridge-Newton, MA-NH"),
    ("Cambridge", "MA"): ("Middlesex County", "Boston-Cambridge-Newton, MA-NH"),
    ("Austin", "TX"): ("Travis County", "Austin-Round Rock-San Marcos, TX"),
    ("Dallas", "TX"): ("Dallas County", "Dallas-Fort Worth-Arlington, TX"),
    ("Plano", "TX"): ("Collin County", "Dallas-Fort Worth-Arlington, TX"),
    ("Houston", "TX"): ("Harris County", "Houston-Pasadena-The Woodlands, TX"),
    ("Chicago", "IL"): ("Cook County", "Chicago-Naperville-Elgin, IL-IN"),
    ("Washington", "DC"): ("District of Columbia", "Washington-Arlington-Alexandria, DC-VA-MD-WV"),
    ("Arlington", "VA"): ("Arlington County", "Washington-Arlington-Alexandria, DC-VA-MD-WV"),
    ("Atlanta", "GA"): ("Fulton County", "Atlanta-Sandy Springs-Roswell, GA"),
    ("Denver", "CO"): ("Denver County", "Denver-Aurora-Centennial, CO"),
    ("Portland", "OR"): ("Multnomah County", "Portland-Vancouver-Hillsboro, OR-WA"),
    ("Raleigh", "NC"): ("Wake County", "Raleigh-Cary, NC"),
    ("Durham", "NC"): ("Durham County", "Durham-Chapel Hill, NC"),
    ("Pittsburgh", "PA"): ("Allegheny County", "Pittsburgh, PA"),
    ("Philadelphia", "PA"): ("Philadelphia County", "Philadelphia-Camden-Wilmington, PA-NJ-DE-MD"),
    ("Phoenix", "AZ"): ("Maricopa County", "Phoenix-Mesa-Chandler, AZ"),
    ("Salt Lake City", "UT"): ("Salt Lake County", "Salt Lake City-Murray, UT"),
    ("Minneapolis", "MN"): ("Hennepin County", "Minneapolis-St. Paul-Bloomington, MN-WI"),
    ("Miami", "FL"): ("Miami-Dade County", "Miami-Fort Lauderdale-West Palm Beach, FL"),
    ("Nashville", "TN"): ("Davidson County", "Nashville-Davidson--Murfreesboro--Franklin, TN"),
}

# Metro names people write instead of a city -> (display name, state code). Multi-state metros
# carry the state of their principal city.
US_METROS: dict[str, tuple[str, str]] = {
    "san francisco bay area": ("San Francisco Bay Area", "CA"),
    "sf bay area": ("San Francisco Bay Area", "CA"),
    "bay area": ("San Francisco Bay Area", "CA"),
    "silicon valley": ("Silicon Valley", "CA"),
    "greater seattle area": ("Greater Seattle Area", "WA"),
    "seattle area": ("Greater Seattle Area", "WA"),
    "seattle metro": ("Greater Seattle Area", "WA"),
    "new york city metropolitan area": ("New York City metro area", "NY"),
    "new york metro": ("New York City metro area", "NY"),
    "nyc metro": ("New York City metro area", "NY"),
    "greater new york": ("New York City metro area", "NY"),
    "greater boston": ("Greater Boston", "MA"),
    "greater boston area": ("Greater Boston", "MA"),
    "greater los angeles": ("Greater Los Angeles", "CA"),
    "greater los angeles area": ("Greater Los Angeles", "CA"),
    "dc metro": ("Washington DC metro area", "DC"),
    "dc metro area": ("Washington DC metro area", "DC"),
    "washington dc metro area": ("Washington DC metro area", "DC"),
    "research triangle": ("Research Triangle", "NC"),
    "greater austin": ("Greater Austin", "TX"),
    "greater chicago": ("Chicago metro area", "IL"),
    "chicago metro": ("Chicago metro area", "IL"),
    "dallas-fort worth": ("Dallas-Fort Worth", "TX"),
    "dfw": ("Dallas-Fort Worth", "TX"),
}

# Cities people write without a country ('Seattle', 'NYC'): US ones come from US_CITIES
# (when the name is unique there); these are the extra spellings.
_US_CITY_SPELLINGS: dict[str, tuple[str, str]] = {
    "nyc": ("New York", "NY"), "new york city": ("New York", "NY"), "sf": ("San Francisco", "CA"),
    "washington dc": ("Washington", "DC"), "washington, d.c.": ("Washington", "DC"),
    "washington d.c.": ("Washington", "DC"),
}

# Well-known non-US tech cities, for rule 2 ('Berlin, DE') and for a bare city ('Berlin').
_WORLD_CITIES: dict[str, str] = {
    "berlin": "DE", "munich": "DE", "münchen": "DE", "hamburg": "DE", "frankfurt": "DE",
    "cologne": "DE", "köln": "DE", "stuttgart": "DE", "walldorf": "DE",
    "london": "GB", "edinburgh": "GB", "manchester": "GB", "dublin": "IE", "amsterdam": "NL",
    "paris": "FR", "zurich": "CH", "zürich": "CH", "toronto": "CA", "vancouver": "CA",
    "montreal": "CA", "waterloo": "CA", "bangalore": "IN", "bengaluru": "IN", "hyderabad": "IN",
    "mumbai": "IN", "pune": "IN", "chennai": "IN", "delhi": "IN", "new delhi": "IN", "gurugram": "IN",
    "gurgaon": "IN", "noida": "IN",
    "singapore": "SG", "sydney": "AU", "melbourne": "AU", "tel aviv": "IL", "tokyo": "JP",
    "stockholm": "SE", "warsaw": "PL",
}

_US_CITY_INDEX = {(c.casefold(), s): (c, county, metro) for (c, s), (county, metro) in US_CITIES.items()}

# Everyday country names that pycountry's lookup does not know.
_COUNTRY_ALIASES: dict[str, str] = {
    "uk": "GB", "u.k.": "GB", "england": "GB", "scotland": "GB", "wales": "GB",
    "northern ireland": "GB", "great britain": "GB", "britain": "GB",
    "u.s.": "US", "u.s.a.": "US", "america": "US", "united states": "US",
    "russia": "RU", "turkey": "TR", "hong kong (sar)": "HK", "korea": "KR",
    "macedonia": "MK", "ivory coast": "CI", "the netherlands": "NL", "holland": "NL",
    "deutschland": "DE", "uae": "AE", "czech republic": "CZ", "vatican": "VA",
}

# Words that name a national statistics table rather than a place inside the country.
_NATIONAL = {"u.s.": "US", "national": "", "nationwide": "", "u.s. national": "US",
             "us national": "US", "united states (national)": "US", "all locations": ""}

_REMOTE = re.compile(r"\b(?:fully\s+)?remote\b\s*[-–(:/]?\s*", re.IGNORECASE)
_SPACE = re.compile(r"\s+")
_MISSING = {"", "na", "n/a", "none", "null", "nan", "-"}


# --- public functions -----------------------------------------------------------------------

def country_name(code: str) -> str:
    """The common English name of an ISO alpha-2 code ('DE' -> 'Germany'); the code if unknown.

    Examples:
        >>> country_name("GB"), country_name("US"), country_name("KR")
        ('United Kingdom', 'United States', 'South Korea')
    """
    if not code:
        return ""
    country = _pycountry().countries.get(alpha_2=code.upper())
    if country is None:
        return code
    return getattr(country, "common_name", None) or country.name


def state_name(code: str) -> str:
    """The name of a US state code ('WA' -> 'Washington'), '' if not a state."""
    return US_STATES.get(code.upper(), "")


def national(country: str) -> Place:
    """The place of a national statistics table for `country` (ISO alpha-2)."""
    return Place(country=country.upper(), scope="national", text=f"{country.upper()} national")


def resolve_location(text: object, *, default_country: str = "") -> Place:
    """Resolve one written location to a `Place` (the module docstring lists the rules).

    Args:
        text: the location as written ('Seattle, WA', 'Berlin, BE, Germany', 'DE').
        default_country: ISO alpha-2 country to assume when the text names none and nothing
            in it points elsewhere (a market file whose rows are all in one country).

    Examples:
        >>> p = resolve_location("Seattle, WA")
        >>> (p.country, p.region, p.city, p.metro, p.scope)
        ('US', 'WA', 'Seattle', 'Seattle-Tacoma-Bellevue, WA', 'city')
        >>> p = resolve_location("Berlin, Germany"); (p.country, p.city, p.scope)
        ('DE', 'Berlin', 'city')
        >>> p = resolve_location("Remote, US"); (p.country, p.city, p.scope, p.remote)
        ('US', '', 'country', True)
        >>> resolve_location("U.S.").scope, resolve_location("DE").country
        ('national', 'DE')
        >>> resolve_location("Dover, DE").country, resolve_location("Berlin, DE").country
        ('US', 'DE')
    """
    if text is None or (isinstance(text, float) and text != text):
        raw = ""
    else:
        raw = _SPACE.sub(" ", str(text)).strip()
    return _resolve(raw, default_country.upper())


# --- the rules ------------------------------------------------------------------------------

@lru_cache(maxsize=65536)
def _resolve(raw: str, default_country: str) -> Place:
    if raw.casefold() in _MISSING:
        return Place(country=default_country, scope="country" if default_country else "unknown", text=raw)
    folded = raw.casefold()
    if folded in _NATIONAL:
        return Place(country=_NATIONAL[folded] or default_country, scope="national", text=raw)
    remote = bool(_REMOTE.search(raw))
    body = _REMOTE.sub(" ", raw) if remote else raw
    body = body.replace("(", " ").replace(")", " ") if remote else body
    parts = [p.strip(" .-–/") if remote else p.strip() for p in body.split(",")]
    parts = [p for p in parts if p]
    place = _from_parts(parts, default_country)
    if remote:
        # a remote job has no city; the country (and a state, if one was written) remain
        scope = "state" if place.region and place.country == "US" else ("country" if place.country else "unknown")
        place = Place(country=place.country, region=place.region if place.country == "US" else "",
                      scope=scope, remote=True)
    return Place(country=place.country, region=place.region, city=place.city, metro=place.metro,
                 scope=place.scope, remote=place.remote, county=place.county, text=raw)


def _from_parts(parts: list[str], default_country: str) -> Place:
    if not parts:
        return Place(country=default_country, scope="country" if default_country else "unknown")
    if len(parts) == 1:
        return _single(parts[0], default_country)
    last = parts[-1]
    if len(parts) >= 3:
        country = _country_code(last)
        if country == "US" or (country is None and _state_code(parts[-2]) and last.casefold() in ("us", "usa")):
            return _us_city(parts[0], parts[1])
        if country:
            return Place(country=country, region=parts[1], city=parts[0], scope="city")
        # 'City, ST, Something' with an unknown tail: fall back to the first two parts
        return _from_parts(parts[:2], default_country)
    city, tail = parts
    state = _state_code(tail)
    country = _country_code(tail)
    if state and country and country != "US":
        # 'Berlin, DE' is Germany when the city is a known German one; otherwise Delaware
        if _WORLD_CITIES.get(city.casefold()) == country:
            return Place(country=country, city=city, scope="city")
        return _us_city(city, state)
    if state:
        return _us_city(city, state)
    if country == "US":
        return _single(city, "US") if city.casefold() not in _NATIONAL else Place(country="US", scope="national")
    if country:
        return Place(country=country, city=city, scope="city")
    if city.casefold() in _WORLD_CITIES:  # 'Toronto, ON': a known city with its region
        return Place(country=_WORLD_CITIES[city.casefold()], region=tail, city=city, scope="city")
    return Place(scope="unknown")


def _single(token: str, default_country: str) -> Place:
    folded = token.casefold()
    if folded in US_METROS:
        name, state = US_METROS[folded]
        return Place(country="US", region=state, metro=name, scope="metro")
    if folded in _US_CITY_SPELLINGS:
        return _us_city(*_US_CITY_SPELLINGS[folded])
    country = _country_code(token)
    if country:
        return Place(country=country, scope="country")
    state = _state_code(token) if len(token) > 2 else None  # 'WA' alone is ambiguous; 'Washington' is not
    if state:
        return Place(country="US", region=state, scope="state")
    if folded in _WORLD_CITIES:
        return Place(country=_WORLD_CITIES[folded], city=token, scope="city")
    us = _unique_us_city(folded)
    if us and default_country in ("", "US"):
        return _us_city(*us)
    if default_country:
        return Place(country=default_country, city=token, scope="city")
    return Place(scope="unknown")


def _us_city(city: str, state_text: str) -> Place:
    state = _state_code(state_text) or state_text.upper()
    name = _title(city)
    known = _US_CITY_INDEX.get((name.casefold(), state))
    if known:
        c, county, metro = known
        return Place(country="US", region=state, city=c, metro=metro, county=county, scope="city")
    metro = US_METROS.get(city.casefold())
    if metro:
        return Place(country="US", region=state, metro=metro[0], scope="metro")
    return Place(country="US", region=state, city=name, scope="city")


def _title(city: str) -> str:
    # LCA files write worksites in capitals ('REDMOND'); keep other spellings as written
    return city.title() if city.isupper() and len(city) > 3 else city


@lru_cache(maxsize=4096)
def _unique_us_city(folded: str) -> tuple[str, str] | None:
    found = [(c, s) for (c, s) in US_CITIES if c.casefold() == folded]
    return found[0] if len(found) == 1 else None


@lru_cache(maxsize=4096)
def _state_code(text: str) -> str | None:
    t = text.strip().rstrip(".")
    if t.upper() in US_STATES and len(t) == 2:
        return t.upper()
    for code, name in US_STATES.items():
        if name.casefold() == t.casefold():
            return code
    return None


@lru_cache(maxsize=4096)
def _country_code(text: str) -> str | None:
    t = text.strip()
    folded = t.casefold()
    if folded in _COUNTRY_ALIASES:
        return _COUNTRY_ALIASES[folded]
    if not t or not any(ch.isalpha() for ch in t):
        return None
    try:
        return _pycountry().countries.lookup(t).alpha_2
    except LookupError:
        return None


@lru_cache(maxsize=1)
def _pycountry():
    # imported on first use: pycountry loads its JSON database at import (about 30 ms)
    import pycountry

    return pycountry
