"""After-tax figures: each offer's taxable pay per tax year through a tax engine, in one call.

Place in the data flow: `results.Evaluation` asks for this after the engine's figures exist.
It resolves every offer's tax profile (the offer's `tax:`, else its location through
`geography`, else the assumptions' `tax:`), picks the engine per offer (`--tax-engine`, a
flat `--tax-rate`, or the offer's own `tax_rate`), builds one `TaxHouseholds` row per offer ×
year for each engine, and turns the answers back into offers × years arrays in the reporting
currency. It reads no files (PolicyEngine's cache aside, which that engine owns).

Rules (docs/tax.md, "In the evaluation"):
- Taxable pay of a year: base as wages; bonus, sign-on and relocation as supplemental pay
  (bonus); equity (and refresh equity when counted in TC) as vested equity. Employer
  retirement money and benefits are not taxed.
- Tax years: offer year k is tax year (start year + k − 1), the start year being the
  start_date's, else fx_date's, else the newest table year. The dated engine's paid
  calendar-year view is not used for tax yet (it landed after this); the `basis` says so.
- After-tax TC = TC − the year's tax × (TC pay / taxable pay): relocation is taxed but not in TC.
- After-tax total rewards = total rewards − the year's tax.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Sequence

import numpy as np

from ..errors import InputError, Issue, MissingFxRateError
from ..geography import resolve_location
from .engine import Figures
from .fx import FxTable
from .models import Assumptions, Offer, TaxProfile, field_values
from .tax import CURRENCY, BuiltinEngine, FlatEngine, TaxHouseholds, TaxResult, tax_year_label
from .tax.ca import province as ca_province
from .tax.tables import table_years

NYC_NAMES = frozenset({"new york", "new york city", "nyc", "manhattan", "brooklyn", "queens", "bronx", "the bronx", "staten island"})
SCOTLAND = frozenset({"scotland", "edinburgh", "glasgow", "aberdeen", "dundee", "inverness", "stirling", "perth"})
DE_REGIONS = {"bavaria": "BY", "bayern": "BY", "munich": "BY", "münchen": "BY", "nuremberg": "BY", "nürnberg": "BY",
              "augsburg": "BY", "baden-württemberg": "BW", "baden-wurttemberg": "BW", "stuttgart": "BW", "karlsruhe": "BW",
              "mannheim": "BW", "freiburg": "BW", "heidelberg": "BW"}

BASIS = ("offer years as tax years: offer year 1 is the tax year the offer starts in; pay is not split "
         "across calendar years (the dated engine's paid calendar-year view is not used for tax yet)")


@dataclass(frozen=True)
class Profile:
    """One offer's resolved tax profile (plain values) and where each part came from."""

    engine: str  # builtin | policyengine | flat
    country: str
    state: str
    locality: str
    filing_status: str
    dependents: int
    other_income: float
    spouse_income: float
    church_tax: bool
    flat_rate: float | None
    notes: tuple[str, ...]

    def as_dict(self) -> dict[str, Any]:
        return {
            "country": self.country or None, "state": self.state or None, "locality": self.locality or None,
            "filing_status": self.filing_status, "dependents": self.dependents, "other_income": self.other_income,
            "spouse_income": self.spouse_income, "church_tax": self.church_tax,
            **({"flat_rate": self.flat_rate} if self.flat_rate is not None else {}),
        }


@dataclass(frozen=True)
class AfterTax:
    """Offers × years arrays in the reporting currency, and per-offer labels."""

    engine: tuple[str, ...]
    engine_version: tuple[str, ...]
    profiles: tuple[Profile, ...]
    basis: str
    tax_year: np.ndarray  # offers × years, the tax year each offer year is taken as
    tax_year_label: tuple[tuple[str, ...], ...]
    taxable_wages: np.ndarray
    income_tax_national: np.ndarray
    income_tax_state: np.ndarray
    income_tax_local: np.ndarray
    payroll_tax: np.ndarray
    total_tax: np.ndarray
    effective_rate: np.ndarray
    marginal_rate: np.ndarray
    withholding_gap: np.ndarray
    after_tax_tc: np.ndarray
    after_tax_total_rewards: np.ndarray
    notes: tuple[tuple[str, ...], ...]

    def offer_block(self, i: int) -> dict[str, Any]:
        """The JSON `tax` block of offer i (unrounded)."""
        years = []
        for k in range(self.total_tax.shape[1]):
            years.append({
                "year": self.tax_year_label[i][k],
                "offer_year": k + 1,
                "taxable_wages": _value(self.taxable_wages[i, k]),
                "income_tax_national": _value(self.income_tax_national[i, k]),
                "income_tax_state": _value(self.income_tax_state[i, k]),
                "income_tax_local": _value(self.income_tax_local[i, k]),
                "payroll_tax": _value(self.payroll_tax[i, k]),
                "total_tax": _value(self.total_tax[i, k]),
                "after_tax_tc": _value(self.after_tax_tc[i, k]),
                # rates to 6 decimals: the marginal rate is a difference of sums and carries float noise
                "effective_rate": None if np.isnan(self.effective_rate[i, k]) else round(float(self.effective_rate[i, k]), 6),
                "marginal_rate": None if np.isnan(self.marginal_rate[i, k]) else round(float(self.marginal_rate[i, k]), 6),
                "withholding_gap": _value(self.withholding_gap[i, k]),
            })
        return {
            "engine": self.engine[i],
            "engine_version": self.engine_version[i],
            "profile": self.profiles[i].as_dict(),
            "basis": self.basis,
            "years": years,
            "notes": list(self.notes[i]),
        }


def _value(x: float) -> float | None:
    return None if np.isnan(x) else float(x)


def _country_code(text: str) -> str:
    place = resolve_location(text)
    return place.country or text.strip().upper()


def resolve_profile(offer: "Offer | _Fields", location: str | None, a: Assumptions) -> Profile:
    """The offer's tax profile: its own `tax:` fields, then its location, then the assumptions'."""
    own: TaxProfile = offer.tax or TaxProfile()
    default: TaxProfile = a.tax or TaxProfile()
    notes: list[str] = []
    if offer.tax_rate is not None:  # the offer's own rate: this offer is flat
        engine, flat = "flat", float(offer.tax_rate)
    elif a.tax_rate is not None and a.tax_engine in (None, "flat"):  # --tax-rate: flat for every offer
        engine, flat = "flat", float(a.tax_rate)
    else:
        engine, flat = a.tax_engine or "builtin", None
    place = resolve_location(location) if location else None
    if own.country:
        country = _country_code(own.country)
    elif place is not None and place.country:
        country = place.country
    elif default.country:
        country = _country_code(default.country)
    else:
        country = ""
    same_place = place is not None and place.country == country
    state = own.state or (place.region if same_place else "") or (default.state if not own.country or own.country == default.country else "") or ""
    if country == "US":
        state = state.upper() if len(state) == 2 else _us_state(state)
    elif country == "GB":
        city = place.city.lower() if same_place else ""
        state = "SCT" if (state.lower() in SCOTLAND or city in SCOTLAND or state.upper() == "SCT") else ""
    elif country == "DE":
        city = place.city.lower() if same_place else ""
        state = DE_REGIONS.get(state.lower(), DE_REGIONS.get(city, state.upper() if len(state) == 2 else ""))
    elif country == "CA":
        state = ca_province(state, place.city if same_place else "")
    locality = own.locality or ""
    if not locality and country == "US" and state == "NY" and same_place and place.city.lower() in NYC_NAMES:
        locality = "NYC"
    locality = "NYC" if locality.replace(" ", "").lower() in ("nyc", "newyorkcity") else locality
    if not country and engine != "flat":
        notes.append("no tax country: set tax.country or the offer's location; no tax is computed (use --tax-rate)")
    return Profile(
        engine=engine, country=country, state=state, locality=locality,
        filing_status=own.filing_status or default.filing_status or "single",
        dependents=int(own.dependents if own.dependents is not None else (default.dependents or 0)),
        other_income=float(own.other_income if own.other_income is not None else (default.other_income or 0.0)),
        spouse_income=float(own.spouse_income if own.spouse_income is not None else (default.spouse_income or 0.0)),
        church_tax=bool(own.church_tax if own.church_tax is not None else (default.church_tax or False)),
        flat_rate=flat, notes=tuple(notes),
    )


def _us_state(text: str) -> str:
    from ..geography import US_STATES

    wanted = text.strip().lower()
    for code, name in US_STATES.items():
        if name.lower() == wanted:
            return code
    return text.strip().upper()


def first_tax_years(offers: Sequence[Offer], a: Assumptions) -> tuple[np.ndarray, list[str]]:
    """The tax year of each offer's year 1, and a note per offer saying where it came from."""
    starts = field_values(offers, "start_date")
    newest = max(table_years("us", "federal"))
    years, notes = [], []
    for start in starts:
        if start is not None:
            years.append(start.year)
            notes.append("")
        elif a.fx_date is not None:
            years.append(a.fx_date.year)
            notes.append(f"no start_date: offer year 1 is taken as tax year {a.fx_date.year} (the fx_date's year)")
        else:
            years.append(newest)
            notes.append(f"no start_date: offer year 1 is taken as tax year {newest}, the newest in the tables")
    return np.asarray(years, dtype=np.int64), notes


def taxable_parts(figures: Figures, a: Assumptions) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """(wages, supplemental, equity, TC pay) as offers × years in the reporting currency."""
    p = figures.parts
    wages = p["base"]
    supplemental = p["bonus"] + p["sign_on"] + p["relocation"]
    equity = p["equity"] + (p["refresh_equity"] if a.include_refreshers else 0.0)
    tc_pay = p["base"] + p["bonus"] + p["sign_on"] + equity
    return wages, supplemental, equity, tc_pay


def engine_for(name: str, cache_dir: str | None = None):
    if name == "builtin":
        return BuiltinEngine()
    if name == "policyengine":
        from .tax.policyengine import PolicyEngineUS, installed_version

        if installed_version() is None:
            raise InputError([Issue(source="--tax-engine", code="missing_dependency", message=(
                "policyengine needs the tax-us extra: pip install 'offer-toolkit[tax-us]' "
                "(PolicyEngine-US, about 850 MB), or use --tax-engine builtin"))])
        return PolicyEngineUS(cache_dir)
    raise ValueError(name)


_LATER = re.compile(r"^(?P<what>.*) for (?P<year>\d{4}) uses the (?P<used>\d{4}) figures, (?P<tail>.*)$")


def collapse_year_notes(notes: Sequence[str]) -> list[str]:
    """'X for 2027 uses the 2026 figures, …' for several years → one 'X for 2027-2030 uses …'."""
    out: list[str] = []
    years: dict[tuple[str, str, str], list[str]] = {}
    for note in notes:
        m = _LATER.match(note)
        if m is None:
            out.append(note)
            continue
        key = (m["what"], m["used"], m["tail"])
        if key not in years:
            years[key] = []
            out.append(key)  # type: ignore[arg-type]  # placeholder, replaced below
        years[key].append(m["year"])
    result = []
    for item in out:
        if isinstance(item, tuple):
            ys = sorted(set(years[item]))
            span = ys[0] if len(ys) == 1 else f"{ys[0]}-{ys[-1]}"
            result.append(f"{item[0]} for {span} uses the {item[1]} figures, {item[2]}")
        else:
            result.append(item)
    return result


def resolve_profiles(offers: Sequence[Offer], a: Assumptions) -> list[Profile]:
    """Every offer's profile; offers that share location, `tax:` and `tax_rate` share one."""
    cache: dict[tuple, Profile] = {}
    out = []
    for tax, rate, location in zip(field_values(offers, "tax"), field_values(offers, "tax_rate"), field_values(offers, "location")):
        key = (tax, rate, location)
        profile = cache.get(key)
        if profile is None:
            profile = cache[key] = resolve_profile(_Fields(tax, rate), location, a)
        out.append(profile)
    return out


@dataclass(frozen=True)
class _Fields:
    """The two offer fields a profile reads (so a columnar table need not build models)."""

    tax: TaxProfile | None
    tax_rate: float | None


def compute_after_tax(offers: Sequence[Offer], a: Assumptions, figures: Figures, fx: FxTable) -> AfterTax:
    """After-tax figures for every offer and year (see the module docstring for the rules).

    Offers are handled through their distinct profiles (offers that share location and `tax:`
    share one): per-offer Python work is a few list look-ups, the rest is arrays."""
    n, h = figures.tc.shape
    profiles = resolve_profiles(offers, a)
    first, start_notes = first_tax_years(offers, a)
    tax_year = first[:, None] + np.arange(h)[None, :]
    wages, supplemental, equity, tc_pay = taxable_parts(figures, a)
    taxable = wages + supplemental + equity

    number: dict[int, int] = {}
    distinct: list[Profile] = []
    for p in profiles:
        if id(p) not in number:
            number[id(p)] = len(distinct)
            distinct.append(p)
    pid = np.fromiter((number[id(p)] for p in profiles), dtype=np.intp, count=n)

    def column(attr: str, dtype=object) -> np.ndarray:
        values = np.empty(len(distinct), dtype=dtype)
        values[:] = [getattr(p, attr) for p in distinct]
        return values

    engines = column("engine")
    country = column("country")
    rate_of = {}
    for c, code in CURRENCY.items():
        try:
            rate_of[c] = fx.rate(code)
        except MissingFxRateError:  # said in the notes; such offers get no after-tax figure
            rate_of[c] = np.nan
    distinct_rate = np.array([rate_of.get(p.country, 1.0) if p.engine != "flat" else 1.0 for p in distinct])
    no_rate = np.isnan(distinct_rate)
    distinct_rate[no_rate] = 1.0

    out = {name: np.zeros((n, h)) for name in (
        "income_tax_national", "income_tax_state", "income_tax_local", "payroll_tax", "total_tax", "marginal_rate",
        "withholding_gap")}
    version_of: dict[str, str] = {}
    row_notes_of: dict[tuple[int, int], tuple] = {}  # (profile, first year) → its rows' note tuples
    for name in ("builtin", "policyengine", "flat"):
        chosen = np.flatnonzero(engines[pid] == name)
        if not len(chosen):
            continue
        sub = pid[chosen]
        rate = distinct_rate[sub]
        rep = lambda attr, dtype=object: np.repeat(column(attr, dtype)[sub], h)  # noqa: E731
        households = TaxHouseholds.build(
            year=tax_year[chosen].reshape(-1), country=rep("country"), region=rep("state"), locality=rep("locality"),
            filing_status=rep("filing_status"), dependents=rep("dependents", np.int64),
            wages=(wages[chosen] / rate[:, None]).reshape(-1), bonus=(supplemental[chosen] / rate[:, None]).reshape(-1),
            equity=(equity[chosen] / rate[:, None]).reshape(-1), other_income=rep("other_income", float),
            spouse_income=rep("spouse_income", float), church_tax=rep("church_tax", bool),
        )
        engine = FlatEngine(np.repeat(column("flat_rate", float)[sub], h)) if name == "flat" else engine_for(name)
        result: TaxResult = engine.compute(households)
        back = np.repeat(rate, h)
        for key in ("income_tax_national", "income_tax_state", "income_tax_local", "payroll_tax", "total_tax", "withholding_gap"):
            out[key][chosen] = (getattr(result, key) * back).reshape(len(chosen), h)
        out["marginal_rate"][chosen] = result.marginal_rate.reshape(len(chosen), h)
        version_of[name] = result.engine_version
        # The engine's notes depend only on the row's group (place, status, year), so one offer per
        # (profile, first tax year) speaks for all offers that share them.
        keys = sub.astype(np.int64) * 100_000 + first[chosen]
        _, where = np.unique(keys, return_index=True)
        for j in where:
            row_notes_of[(int(sub[j]), int(first[chosen[j]]))] = tuple(result.notes[j * h:(j + 1) * h])
    engine_version = tuple(version_of.get(p.engine, "") for p in distinct)
    merged: dict[tuple, tuple[str, ...]] = {}
    label_of: dict[tuple[int, int], tuple[str, ...]] = {}
    notes, labels = [], []
    for i in range(n):
        k, y = int(pid[i]), int(first[i])
        key = (k, y, start_notes[i])
        hit = merged.get(key)
        if hit is None:
            p = distinct[k]
            extra = list(p.notes) + ([start_notes[i]] if start_notes[i] else [])
            if no_rate[k]:
                extra.append(f"no FX rate {CURRENCY[p.country]}->{fx.reporting} to work out the tax in {CURRENCY[p.country]}: "
                             "add it to the fx section or --fx; no after-tax figure")
            elif p.engine != "flat" and p.country in CURRENCY and CURRENCY[p.country] != fx.reporting:
                extra.append(f"tax computed in {CURRENCY[p.country]} and converted at the evaluation's FX rate")
            seen: dict[str, None] = {}
            for row in row_notes_of.get((k, y), ()):
                for note in row:
                    seen.setdefault(note, None)
            hit = merged[key] = tuple(extra + collapse_year_notes(list(seen)))
            label_of.setdefault((k, y), tuple(tax_year_label(p.country, y + j) for j in range(h)))
        notes.append(hit)
        labels.append(label_of[(k, y)])
    with np.errstate(divide="ignore", invalid="ignore"):
        share = np.where(taxable > 0, tc_pay / np.where(taxable > 0, taxable, 1.0), 0.0)
        effective = np.where(taxable > 0, out["total_tax"] / np.where(taxable > 0, taxable, 1.0), 0.0)
    # No tables for the country (or no country): no after-tax figure at all, never the pre-tax one.
    untaxed = (np.array([p.engine != "flat" and p.country not in CURRENCY for p in distinct], dtype=bool) | no_rate)[pid]
    if untaxed.any():
        for key in out:
            out[key][untaxed] = np.nan
        effective[untaxed] = np.nan
    return AfterTax(
        engine=tuple(engines[pid]), engine_version=tuple(np.asarray(engine_version, dtype=object)[pid]),
        profiles=tuple(profiles), basis=BASIS,
        tax_year=tax_year, tax_year_label=tuple(labels), taxable_wages=taxable,
        income_tax_national=out["income_tax_national"], income_tax_state=out["income_tax_state"],
        income_tax_local=out["income_tax_local"], payroll_tax=out["payroll_tax"], total_tax=out["total_tax"],
        effective_rate=effective, marginal_rate=out["marginal_rate"], withholding_gap=out["withholding_gap"],
        after_tax_tc=figures.tc - out["total_tax"] * share, after_tax_total_rewards=figures.total_rewards - out["total_tax"],
        notes=tuple(notes),
    )

