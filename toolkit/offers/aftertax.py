"""After-tax figures: tax per tax year from the dated engine's paid view, allocated to offer years.

Place in the data flow: `results.Evaluation` asks for this after the engine's figures exist.
It resolves every offer's tax profile (the offer's `tax:`, else its location through
`geography`, else the assumptions' `tax:`), picks the engine per offer (`--tax-engine`, a
flat `--tax-rate`, or the offer's own `tax_rate`), builds one `TaxHouseholds` row per offer ×
tax year for each engine, in chunks of offers, and turns the answers back into arrays in the
reporting currency. It reads no files (PolicyEngine's cache aside, which that engine owns).

Rules (docs/tax.md, "In the evaluation"):
- Tax years from the paid (cash) view: calendar years (US, DE, FR, CA, ...) are the engine's
  `calendar` view; years from 6 April (GB) or 1 April (IN) come from `engine.paid_view_from`.
- Taxed pay of a tax year: salary as wages; bonus, sign-on and relocation as supplemental pay
  when paid; vests (and refreshers when counted in TC) as wages when vested; an option's
  counted spread as wages when counted (the conservative NSO treatment). The pre-tax deduction
  is the paid view's `employee_deferral` (US offers; elsewhere only when the offer gives
  `retirement.employee_deferral`).
- The first tax year holds only the pay from the start; the last one, cut by the horizon, is
  taxed on the last 12 months' pay (as if employment went on) and only the horizon's share counts.
- Offer years: each tax year's tax is spread over the offer years its pay falls in, in
  proportion to that pay (`ledger.split_years`); a flat rate applies to each offer year's pay.
- After-tax TC = TC − the offer year's tax × (TC pay / taxed pay): relocation is taxed but not in TC.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from typing import Any, Sequence

import numpy as np

from ..errors import InputError, Issue, MissingFxRateError
from ..geography import resolve_location
from .engine import CalendarFigures, Figures, paid_view_from
from .fx import FxTable
from .ledger import month_date, payouts_by_offer_year, split_years
from .models import Assumptions, Offer, TaxProfile, field_values
from .tax import CURRENCY, BuiltinEngine, FlatEngine, TaxHouseholds, TaxResult, tax_year_label
from .tax.base import TAX_YEAR_START
from .tax.ca import province as ca_province

NYC_NAMES = frozenset({"new york", "new york city", "nyc", "manhattan", "brooklyn", "queens", "bronx", "the bronx", "staten island"})
SCOTLAND = frozenset({"scotland", "edinburgh", "glasgow", "aberdeen", "dundee", "inverness", "stirling", "perth"})
DE_REGIONS = {"bavaria": "BY", "bayern": "BY", "munich": "BY", "münchen": "BY", "nuremberg": "BY", "nürnberg": "BY",
              "augsburg": "BY", "baden-württemberg": "BW", "baden-wurttemberg": "BW", "stuttgart": "BW", "karlsruhe": "BW",
              "mannheim": "BW", "freiburg": "BW", "heidelberg": "BW"}

BASIS = ("tax per tax year on the paid (cash) view: salary when paid (month end), bonus, sign-on and relocation "
         "as supplemental pay when paid, vests as wages when vested, an option's counted spread as wages when "
         "counted (the conservative NSO treatment; ISOs and AMT are not modelled); the first tax year holds only "
         "the pay from the start; a tax year cut by the horizon is taxed on the last 12 months' pay and only the "
         "horizon's share counts; each tax year's tax is spread over offer years in proportion to the taxed pay "
         "of that tax year falling in each (docs/tax.md)")
FLAT_BASIS = "a flat rate given by you on each year's taxed pay (salary, bonus, sign-on, relocation, vested equity)"
CHUNK = 65_536  # offers per chunk of households (memory: the engines' temporaries stay small)

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
    """Tax per tax year (offers × H+1) and per offer year (offers × H), in the reporting currency.

    Tax-year column c is the tax year `first_year + c` (named by the calendar year it starts
    in); a column with `months == 0` is empty (the extra column of a start on the tax year's
    first month). Amounts of a tax year cut by the horizon are the horizon's share
    (`horizon_share`); its rates are the whole year's.
    """

    engine: tuple[str, ...]
    engine_version: tuple[str, ...]
    profiles: tuple[Profile, ...]
    basis: tuple[str, ...]
    notes: tuple[tuple[str, ...], ...]
    # tax years
    first_year: np.ndarray  # per offer
    year_label: np.ndarray  # per offer: a tuple of H+1 labels (`2026` or `2026/27`)
    months: np.ndarray  # months employed in each tax year, within the horizon
    horizon_share: np.ndarray  # 1, or the cut year's share of the 12 months' pay it is taxed on
    taxable_wages: np.ndarray  # pay taxed in the tax year within the horizon (before the deferral)
    pretax_deduction: np.ndarray  # the deferral taken off (for the whole year the tax is worked on)
    income_tax_national: np.ndarray
    income_tax_state: np.ndarray
    income_tax_local: np.ndarray
    payroll_tax: np.ndarray
    total_tax: np.ndarray
    marginal_rate: np.ndarray
    withholding_gap: np.ndarray
    paid_tc: np.ndarray  # TC paid in the tax year (for its after-tax TC)
    # offer years
    tax: np.ndarray  # the tax allocated to each offer year
    effective_rate: np.ndarray  # allocated tax / the offer year's taxed pay (the workbook's rate)
    after_tax_tc: np.ndarray
    after_tax_total_rewards: np.ndarray

    def tax_year_rows(self, i: int) -> list[dict[str, Any]]:
        """Offer i's tax years with any months employed, as the JSON `tax.years` rows (unrounded)."""
        rows = []
        for c in range(self.months.shape[1]):
            months = int(self.months[i, c])
            if months == 0:
                continue
            pay, total = self.taxable_wages[i, c], self.total_tax[i, c]
            with np.errstate(invalid="ignore", divide="ignore"):
                effective = total / pay if pay > 0 else (0.0 if not np.isnan(total) else np.nan)
                after = self.paid_tc[i, c] - (total * self.paid_tc[i, c] / pay if pay > 0 else total)
            rows.append({
                "year": self.year_label[i][c],
                "months": months,
                "horizon_share": round(float(self.horizon_share[i, c]), 6),
                "taxable_wages": _value(pay),
                "pretax_deduction": _value(self.pretax_deduction[i, c]),
                "income_tax_national": _value(self.income_tax_national[i, c]),
                "income_tax_state": _value(self.income_tax_state[i, c]),
                "income_tax_local": _value(self.income_tax_local[i, c]),
                "payroll_tax": _value(self.payroll_tax[i, c]),
                "total_tax": _value(total),
                "after_tax_tc": _value(after),
                # rates to 6 decimals: the marginal rate is a difference of sums and carries float noise
                "effective_rate": None if np.isnan(effective) else round(float(effective), 6),
                "marginal_rate": None if np.isnan(self.marginal_rate[i, c]) else round(float(self.marginal_rate[i, c]), 6),
                "withholding_gap": _value(self.withholding_gap[i, c]),
            })
        return rows

    def offer_year_rows(self, i: int) -> list[dict[str, Any]]:
        """Offer i's after-tax figures per offer year (merged into the JSON `years` rows)."""
        return [{
            "tax": _value(self.tax[i, k]),
            "tax_rate": None if np.isnan(self.effective_rate[i, k]) else round(float(self.effective_rate[i, k]), 6),
            "tc_after_tax": _value(self.after_tax_tc[i, k]),
            "total_rewards_after_tax": _value(self.after_tax_total_rewards[i, k]),
        } for k in range(self.tax.shape[1])]

    def offer_block(self, i: int) -> dict[str, Any]:
        """The JSON `tax` block of offer i (unrounded)."""
        return {
            "engine": self.engine[i],
            "engine_version": self.engine_version[i],
            "profile": self.profiles[i].as_dict(),
            "basis": self.basis[i],
            "years": self.tax_year_rows(i),
            "notes": list(self.notes[i]),
        }


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


def _value(x: float) -> float | None:
    return None if np.isnan(x) else float(x)


def _profile_groups(offers: Sequence[Offer], a: Assumptions) -> tuple[np.ndarray, list[Profile]]:
    """(profile number per offer, the distinct profiles): offers sharing location, `tax:` and
    `tax_rate` share one. A columnar table is grouped by its columns' codes, so only one offer
    model per group is ever built."""
    n = len(offers)
    leaves = getattr(offers, "leaves", None)
    if leaves is not None:
        codes = [offers.col("location").codes, offers.col("tax_rate").codes]  # type: ignore[attr-defined]
        codes += [offers.parsed[name].codes for name, leaf in leaves.items() if leaf.path[0] == "tax" and name in offers.parsed]  # type: ignore[attr-defined]
        key = np.zeros(n, dtype=np.int64)
        for c in codes:
            key = key * (int(c.max(initial=0)) + 1) + c
        pid, first = _factorize(key)
        distinct = []
        for r in first:
            o = offers[int(r)]
            distinct.append(resolve_profile(_Fields(o.tax, o.tax_rate), o.location, a))
        return pid, distinct
    number: dict[tuple, int] = {}
    distinct = []
    pid = np.empty(n, dtype=np.intp)
    for i, key in enumerate(zip(field_values(offers, "tax"), field_values(offers, "tax_rate"), field_values(offers, "location"))):
        k = number.get(key)
        if k is None:
            k = number[key] = len(distinct)
            distinct.append(resolve_profile(_Fields(key[0], key[1]), key[2], a))
        pid[i] = k
    return pid, distinct


def _factorize(key: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(group number per row, in order of first appearance; the first row of each group): a hash
    table pass (pandas), not the sort np.unique needs."""
    import pandas as pd

    codes, uniques = pd.factorize(key, sort=False)
    # codes are numbered in order of first appearance: a group starts where the running maximum rises
    seen = np.maximum.accumulate(codes)
    first = np.flatnonzero(np.r_[True, codes[1:] > seen[:-1]]) if len(codes) else np.zeros(0, dtype=np.int64)
    return codes.astype(np.intp, copy=False), first


def _term_rows(offers: Sequence[Offer], term: str, fields: tuple[tuple[str, Any], ...]) -> np.ndarray:
    """Offers whose `term` sets any of `fields` to something other than its unused value."""
    n = len(offers)
    if getattr(offers, "leaves", None) is not None:
        from .columnar import _term

        present, cols = _term(offers, term)  # type: ignore[arg-type]
        hit = np.zeros(n, dtype=bool)
        for name, unused in fields:
            col = cols.get(name)
            if col is not None:
                hit |= col.map(lambda v, u=unused: v is not None and v != u, bool)
        return np.flatnonzero(hit & present)
    values = field_values(offers, term)
    return np.array([i for i, v in enumerate(values) if v is not None and any(
        getattr(v, name) is not None and getattr(v, name) != unused for name, unused in fields)], dtype=np.int64)


def bonus_paid_months(offers: Sequence[Offer]) -> np.ndarray:
    """Per offer: the calendar month (1-12) its bonus is paid in (`Bonus.paid_in_month`; March by default)."""
    out = np.full(len(offers), 3, dtype=np.int64)
    for i in _term_rows(offers, "bonus", (("year", "calendar"), ("fiscal_start_month", None), ("payout_month", None))):
        out[i] = offers[int(i)].bonus.paid_in_month  # type: ignore[union-attr]
    return out


def deferral_given(offers: Sequence[Offer]) -> np.ndarray:
    """Per offer: the offer gives `retirement.employee_deferral` itself."""
    out = np.zeros(len(offers), dtype=bool)
    out[_term_rows(offers, "retirement", (("employee_deferral", None),))] = True
    return out


@dataclass(frozen=True)
class _Fields:
    """The two offer fields a profile reads (so a columnar table need not build models)."""

    tax: TaxProfile | None
    tax_rate: float | None


TAX_YEAR_COLUMNS = ("income_tax_national", "income_tax_state", "income_tax_local", "payroll_tax", "total_tax", "withholding_gap")


def compute_after_tax(offers: Sequence[Offer], a: Assumptions, figures: Figures, fx: FxTable) -> AfterTax:
    """After-tax figures for every offer, per tax year and per offer year (rules: module docstring).

    Per-offer Python work is none: profiles, FX, labels and notes are worked out once per distinct
    profile (or per profile × start), the rest is arrays, and the engines run in chunks of offers."""
    n, H = figures.tc.shape
    cal = figures.calendar
    assert cal is not None and figures.start is not None, "the dated engine's paid view"
    start = figures.start.astype(np.int64)
    pid, distinct = _profile_groups(offers, a)

    d_engine = np.array([p.engine for p in distinct], dtype=object)
    d_country = np.array([p.country for p in distinct], dtype=object)
    d_first_month = np.array([TAX_YEAR_START.get(p.country, (1, 1))[0] for p in distinct], dtype=np.int64)
    rate_of = {}
    for c, code in CURRENCY.items():
        try:
            rate_of[c] = fx.rate(code)
        except MissingFxRateError:  # said in the notes; such offers get no after-tax figure
            rate_of[c] = np.nan
    d_rate = np.array([rate_of.get(p.country, 1.0) if p.engine != "flat" else 1.0 for p in distinct])
    d_no_rate = np.isnan(d_rate)
    d_rate[d_no_rate] = 1.0
    d_untaxed = np.array([p.engine != "flat" and p.country not in CURRENCY for p in distinct], dtype=bool) | d_no_rate
    d_flat = np.array([p.flat_rate if p.flat_rate is not None else 0.0 for p in distinct])
    d_us = d_country == "US"

    # The paid view per tax year: the engine's calendar years, or years from another month (GB, IN).
    first_month = d_first_month[pid]
    first_year = cal.first_year.astype(np.int64).copy()
    moved_views: list[tuple[np.ndarray, CalendarFigures]] = []
    view_of = np.full(n, -1, dtype=np.int64)
    row_in_view = np.zeros(n, dtype=np.int64)
    for m in np.unique(first_month):
        if m == 1:
            continue
        idx = np.flatnonzero(first_month == m)
        not_given = np.flatnonzero(~figures.start_given) if figures.start_given is not None else np.array([], dtype=np.int64)
        default = month_date(int(start[not_given[0]])) if len(not_given) else month_date(int(start[0]))
        view = paid_view_from([offers[int(i)] for i in idx], a, fx, start[idx], default, int(m))
        view_of[idx], row_in_view[idx] = len(moved_views), np.arange(len(idx))
        first_year[idx] = view.first_year
        moved_views.append((idx, view))
    paid_month = bonus_paid_months(offers)
    use_deferral = d_us[pid] | deferral_given(offers)

    out = {name: np.zeros((n, H + 1)) for name in TAX_YEAR_COLUMNS + ("marginal_rate", "taxable_wages", "pretax_deduction", "paid_tc")}
    months = np.zeros((n, H + 1), dtype=np.int8)  # 0-12
    share = np.ones((n, H + 1))
    tax = np.zeros((n, H))
    effective = np.zeros((n, H))
    after_tc = np.zeros((n, H))
    after_tr = np.zeros((n, H))
    version_of: dict[str, str] = {}

    # One offer speaks for all offers with the same profile, first tax year, start month and deferral use.
    shift_ty = (start - (first_month - 1)) % 12
    note_key = ((pid.astype(np.int64) * 10_000 + (first_year - first_year.min(initial=0))) * 12 + shift_ty) * 2 + use_deferral
    note_group, rep = _factorize(note_key)
    is_rep = np.zeros(n, dtype=bool)
    is_rep[rep] = True
    rep_notes: dict[int, dict[str, None]] = {int(i): {} for i in rep}
    rep_deferral: dict[int, bool] = {}

    p = figures.parts
    equity_parts = ("equity", "refresh_equity") if a.include_refreshers else ("equity",)
    for lo in range(0, n, CHUNK):
        hi = min(n, lo + CHUNK)
        sl = slice(lo, hi)
        rows = np.arange(hi - lo)

        def view(name: str, parts: bool = True) -> np.ndarray:
            values = (cal.parts[name] if parts else getattr(cal, name))[sl]
            moved = view_of[sl] >= 0
            if moved.any():
                values = values.copy()
                for k, (idx, v) in enumerate(moved_views):
                    mine = np.flatnonzero(view_of[sl] == k)
                    if len(mine):
                        src = (v.parts[name] if parts else getattr(v, name))[row_in_view[sl][mine]]
                        values[mine] = src
            return values

        wages = view("base")
        supplemental = view("bonus") + view("sign_on") + view("relocation")
        equity = sum(view(e) for e in equity_parts)
        deferral = view("employee_deferral", parts=False) * use_deferral[sl, None]
        paid_tc = view("tc", parts=False)
        mo = view("months", parts=False)
        # the same pay per offer year (the paid view: a bonus in its payout month)
        q_wages = p["base"][sl]
        q_supp = payouts_by_offer_year(cal.parts["bonus"][sl], start[sl], paid_month[sl], H) + p["sign_on"][sl] + p["relocation"][sl]
        q_equity = sum(p[e][sl] for e in equity_parts)
        pay = wages + supplemental + equity
        q_pay = q_wages + q_supp + q_equity
        early, late = split_years(pay, q_pay)

        # The tax year cut by the horizon: taxed on the last 12 months (offer year H), counted at the horizon's share.
        cut = mo[:, H] > 0
        w_t, s_t, e_t, d_t = wages.copy(), supplemental.copy(), equity.copy(), deferral.copy()
        if cut.any():
            c = np.flatnonzero(cut)
            w_t[c, H], s_t[c, H], e_t[c, H] = q_wages[c, H - 1], q_supp[c, H - 1], q_equity[c, H - 1]
            share[lo + c, H] = np.divide(pay[c, H], q_pay[c, H - 1], out=np.ones(len(c)), where=q_pay[c, H - 1] > 0)
            # the deferral of the months after the horizon: the same months' deferral a year earlier
            before = np.divide(deferral[c, H - 1] * np.maximum(q_wages[c, H - 1] - wages[c, H], 0.0), wages[c, H - 1],
                               out=np.zeros(len(c)), where=wages[c, H - 1] > 0)
            whole = deferral[c, H] + before
            d_t[c, H] = np.where(mo[c, H - 1] == 12, np.minimum(whole, np.maximum(deferral[c, H - 1], deferral[c, H])), whole)
        s_share = share[sl]
        months[sl] = mo
        out["taxable_wages"][sl] = pay
        out["pretax_deduction"][sl] = d_t
        out["paid_tc"][sl] = paid_tc

        taxed_pid = pid[sl]
        employed = mo > 0
        chunk_engine = d_engine[taxed_pid] if len(distinct) > 1 else np.full(hi - lo, d_engine[0] if len(distinct) else "")
        for name in ("builtin", "policyengine", "flat"):
            chosen = (chunk_engine == name) & ~d_untaxed[taxed_pid]
            if not chosen.any():
                continue
            cells = employed & chosen[:, None]  # one household row per (offer, tax year) cell, row-major
            pp = np.broadcast_to(taxed_pid[:, None], cells.shape)[cells]
            rate = d_rate[pp]
            one = pp.min() == pp.max()  # one profile (the usual bulk case): scalars, no per-row copies
            col = lambda attr, dtype=object: (getattr(distinct[int(pp[0])], attr) if one else  # noqa: E731
                                              np.array([getattr(d, attr) for d in distinct], dtype=dtype)[pp])
            households = TaxHouseholds.build(
                year=(first_year[sl, None] + np.arange(H + 1)[None, :])[cells], country=col("country"), region=col("state"),
                locality=col("locality"), filing_status=col("filing_status"), dependents=col("dependents", np.int64),
                wages=w_t[cells] / rate, bonus=s_t[cells] / rate, equity=e_t[cells] / rate,
                pretax_deductions=d_t[cells] / rate, other_income=col("other_income", float),
                spouse_income=col("spouse_income", float), church_tax=col("church_tax", bool),
            )
            engine = FlatEngine(d_flat[pp]) if name == "flat" else engine_for(name)
            result: TaxResult = engine.compute(households)
            back = rate * s_share[cells]
            for key in TAX_YEAR_COLUMNS:
                out[key][sl][cells] = getattr(result, key) * back
            out["marginal_rate"][sl][cells] = result.marginal_rate
            version_of[name] = result.engine_version
            rep_cells = cells & is_rep[sl, None]
            for j, i in zip(np.flatnonzero(rep_cells[cells]), np.nonzero(rep_cells)[0]):
                seen = rep_notes[int(lo + i)]
                for note in result.notes[j]:
                    seen.setdefault(note, None)
        for i in np.flatnonzero(is_rep[sl]):
            rep_deferral[int(lo + i)] = bool((d_t[i] > 0).any())

        # Offer years: each tax year's tax spread in proportion to its pay in each offer year.
        total = out["total_tax"][sl]
        with np.errstate(invalid="ignore", divide="ignore"):
            w_late = np.where(pay > 0, late / np.where(pay > 0, pay, 1.0), 1.0)
            w_early = np.where(pay > 0, early / np.where(pay > 0, pay, 1.0), 0.0)
        w_late[:, H] = 0.0
        w_early[:, H] = np.where(pay[:, H] > 0, w_early[:, H], 1.0)
        allocated = (total * w_late)[:, :H] + (total * w_early)[:, 1:]
        earned = p["base"][sl] + p["bonus"][sl] + p["sign_on"][sl] + p["relocation"][sl] + sum(p[e][sl] for e in equity_parts)
        flat = d_engine[taxed_pid] == "flat"
        if flat.any():
            allocated[flat] = d_flat[taxed_pid[flat], None] * earned[flat]
        tc = figures.tc[sl]
        with np.errstate(invalid="ignore", divide="ignore"):
            effective[sl] = np.where(earned > 0, allocated / np.where(earned > 0, earned, 1.0), 0.0)
            after_tc[sl] = tc - np.where(earned > 0, allocated * tc / np.where(earned > 0, earned, 1.0), allocated)
        tax[sl] = allocated
        after_tr[sl] = figures.total_rewards[sl] - allocated

    # No tables for the country (or no country, or no FX rate): no after-tax figure, never the pre-tax one.
    untaxed = d_untaxed[pid]
    if untaxed.any():
        for key in TAX_YEAR_COLUMNS + ("marginal_rate",):
            out[key][untaxed] = np.nan
        for arr in (tax, effective, after_tc, after_tr):
            arr[untaxed] = np.nan

    labels, notes = _labels_and_notes(
        offers, a, fx, distinct, pid, rep, note_group, first_year, months, start, shift_ty, rep_notes, rep_deferral,
        d_no_rate, H)
    engine_version = np.array([version_of.get(d.engine, "") for d in distinct], dtype=object)
    return AfterTax(
        engine=tuple(d_engine[pid]), engine_version=tuple(engine_version[pid]),
        profiles=tuple(np.array(distinct + [None], dtype=object)[:-1][pid]),
        basis=tuple(np.array([FLAT_BASIS if e == "flat" else BASIS for e in d_engine] + [None], dtype=object)[:-1][pid]),
        notes=notes,
        first_year=first_year, year_label=labels, months=months, horizon_share=share,
        taxable_wages=out["taxable_wages"], pretax_deduction=out["pretax_deduction"],
        income_tax_national=out["income_tax_national"], income_tax_state=out["income_tax_state"],
        income_tax_local=out["income_tax_local"], payroll_tax=out["payroll_tax"], total_tax=out["total_tax"],
        marginal_rate=out["marginal_rate"], withholding_gap=out["withholding_gap"], paid_tc=out["paid_tc"],
        tax=tax, effective_rate=effective, after_tax_tc=after_tc, after_tax_total_rewards=after_tr,
    )


def _months(k: int) -> str:
    return f"{k} month{'s' if k != 1 else ''}"


def _labels_and_notes(offers, a, fx, distinct, pid, rep, note_group, first_year, months, start, shift_ty, rep_notes,
                      rep_deferral, d_no_rate, H) -> tuple[np.ndarray, tuple[tuple[str, ...], ...]]:
    """Tax-year labels and notes, worked out once per note group (its representative offer) and spread."""
    group_labels = np.empty(len(rep), dtype=object)
    group_notes = np.empty(len(rep), dtype=object)
    for g, i in enumerate(rep):
        i = int(i)
        prof = distinct[int(pid[i])]
        y0 = int(first_year[i])
        label = tuple(tax_year_label(prof.country, y0 + c) for c in range(H + 1))
        group_labels[g] = label
        extra = list(prof.notes)
        if prof.engine != "flat" and prof.country and prof.country not in CURRENCY:
            extra.append(f"no tax tables for {prof.country}: use --tax-rate")
        if d_no_rate[int(pid[i])]:
            extra.append(f"no FX rate {CURRENCY[prof.country]}->{fx.reporting} to work out the tax in {CURRENCY[prof.country]}: "
                         "add it to the fx section or --fx; no after-tax figure")
        elif prof.engine != "flat" and prof.country in CURRENCY and CURRENCY[prof.country] != fx.reporting:
            extra.append(f"tax computed in {CURRENCY[prof.country]} and converted at the evaluation's FX rate")
        if prof.engine != "flat" and prof.country in CURRENCY:
            if prof.country in TAX_YEAR_START:
                m, d = TAX_YEAR_START[prof.country]
                extra.append(f"tax years run from {d} {calendar.month_name[m]} ({label[0]}, ...): a month's pay "
                             "(paid at the month's end), a vest or a payment counts in the tax year its month falls in")
            if months[i, 0] < 12:
                extra.append(
                    f"tax year {label[0]} is partial ({_months(int(months[i, 0]))} from {month_date(int(start[i])).strftime('%B %Y')}): "
                    + ("tax.other_income is counted in full in it" if prof.other_income else
                       "only the pay from the start is counted (set tax.other_income for income earned elsewhere that year)"))
            if months[i, H] > 0:
                extra.append(
                    f"tax year {label[H]} is cut by the {H}-year horizon after {_months(int(months[i, H]))}: it is taxed on the last "
                    "12 months' pay (as if employment went on at the same pay) and only the horizon's share of that tax counts")
            if rep_deferral.get(i):
                extra.append("the employee's pre-tax deferral (calendar_years employee_deferral) is taken off pay before "
                             + ("federal and state income tax, not before Social Security and Medicare" if prof.country == "US"
                                else "income tax as the offer's retirement.employee_deferral"))
        group_notes[g] = tuple(extra + collapse_year_notes(list(rep_notes.get(i, {}))))
    return group_labels[note_group], tuple(group_notes[note_group])
