"""Matching offers to market rows and placing their figures: pure, vectorised numpy/pandas.

Data flow: `place_offers(targets, markets)` keys the offers (case/whitespace-insensitive, with
each market's aliases), finds for every distinct (role, level, location) the first fallback
step with a usable match, then places all offers sharing that key at once (np.interp against
a percentile row, np.searchsorted against the pooled, sorted raw samples). `summarize` groups
raw samples once (one sort) and reads every percentile off the sorted groups. `wage_levels`
places an offered base among prevailing-wage Levels 1–4. Nothing here reads files.

Rules (see docs/market.md):
  * fallback order: exact → role+level (any location) → role+location (any level) → role only;
    a market row whose level or location is empty matches any value at every step;
  * percentile rows: the most specific matching row wins (level match counts 2, location 1;
    ties → larger sample_size, then the earlier row);
  * raw samples: every matching row is pooled; a pool is used only with ≥ min_samples values;
  * percentile table: linear interpolation between known points, clamped outside them;
  * raw samples: percentile = 100 × (count below + ½ × count equal) / n.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Sequence

import numpy as np
import pandas as pd

from ..errors import ARGUMENT, Issue, MissingFxRateError
from . import model as M
from .geo import basis_phrase, market_country, offer_geography, row_geography, source_phrase
from .keys import compile_aliases_with_display, factorize_keys, key_of

STEPS = ("exact", "role+level (any location)", "role+location (any level)", "role only")
NO_MATCH = len(STEPS)
RESULT_COLUMNS = (
    "offer_id", "component", "value", "percentile", "clamped", "p10", "p25", "p50", "p75", "p90",
    "gap_to_p50", "gap_to_p75", "match", "sample_size", "source", "as_of",
    "currency", "top_coded", "match_rows", "market_file",
    "matched_role", "matched_level", "matched_location", "matched_scope", "matched_country", "matched_levels",
    "matched_locations", "country_mismatch", "basis",
)
MATCHED = ("matched_role", "matched_level", "matched_location", "matched_scope", "matched_country", "matched_levels", "matched_locations")
SUMMARY_STATS = ("n", "p10", "p25", "p50", "p75", "p90", "mean", "min", "max")
WAGE_LEVEL_COLUMNS = (
    "offer_id", "occupation", "area", "base", "level_reached", "level_wage", "next_level", "next_level_wage",
    "gap_to_next_level", "level_1", "level_2", "level_3", "level_4", "match", "source", "currency",
)


# ---------------------------------------------------------------- shared helpers


@dataclass(frozen=True)
class _Placed:
    """One market's placement of one component for a block of offers.

    Attributes:
        frame: the result columns (value, percentile, clamped, p10…p90, sample_size, source,
            as_of, top_coded, match_rows), one row per offer of the block.
        step: the fallback step that matched, per offer (NO_MATCH when none did).
        shortfall: per offer, a note when a pool existed but was below min_samples, else None.
    """

    frame: pd.DataFrame
    step: np.ndarray
    shortfall: np.ndarray


def _step_masks(lvl: np.ndarray, loc: np.ndarray, L: str, X: str, wide: np.ndarray | None = None,
                nocity: bool = False) -> list[np.ndarray]:
    """The four fallback steps' masks over candidate rows already limited to the offer's country.

    A city-less offer (`Remote, US`) is matched by country-wide rows only, and those count as a
    location match (docs/market.md "Geography")."""
    lvl_ok = (lvl == L) | (lvl == "")
    if nocity and wide is not None:
        loc_ok = wide.copy()
        return [lvl_ok & loc_ok, lvl_ok & loc_ok, loc_ok, loc_ok]
    loc_ok = (loc == X) | (loc == "")
    return [lvl_ok & loc_ok, lvl_ok, loc_ok, np.ones(len(lvl), dtype=bool)]


def _geo_ok(countries: np.ndarray, C: str) -> np.ndarray:
    """Rows in the offer's country, or whose country (or the offer's) is unknown."""
    if not C:
        return np.ones(len(countries), dtype=bool)
    return (countries == C) | (countries == "")


def _elsewhere(countries: np.ndarray, C: str) -> str:
    found = sorted({c for c in countries.tolist() if c and c != C})
    if not found:
        return ""
    shown = ", ".join(found[:5]) + (", ..." if len(found) > 5 else "")
    return (f"; rows for this role exist only in other countries ({shown}): another country's data is used only "
            f"when you ask for it (market_location on the offer, --market-location or an alias)")


def _no_match_text(role, level, location) -> str:
    def show(v):
        return "" if v is None or (isinstance(v, float) and v != v) else str(v)

    return f"no market data for role '{show(role)}', level '{show(level)}', location '{show(location)}'"


def _fx_factors(markets_currencies: dict[str, set[str]], target: str, multi: bool, fx,
               wanted: str = "the offers are reported in") -> dict[tuple[str, str], float]:
    """(market source, currency) → multiplier into `target`; MissingFxRateError lists every missing pair."""
    factors: dict[tuple[str, str], float] = {}
    issues = []
    for source, currencies in markets_currencies.items():
        for cur in sorted(currencies):
            if cur == target:
                factors[(source, cur)] = 1.0
            elif fx is None:
                issues.append(Issue(source=source, field="currency", code="missing_fx_rate",
                                    message=f"market figures are in {cur} but {wanted} {target}, "
                                            f"and no exchange rate was given (need {cur}->{target})"))
            else:
                rate = float(fx(cur)) / (float(fx(target)) if multi else 1.0)
                factors[(source, cur)] = rate
    if issues:
        raise MissingFxRateError(issues)
    return factors


def _market_locations(targets: pd.DataFrame, aliases, default: str | None = None) -> tuple[pd.Series, list[str], list[tuple[str, bool, bool]]]:
    """Per offer: the location matched on (market_location if set, else `default`, else the
    location), and (country, city-less, mismatch)."""
    loc = targets["location"] if "location" in targets else pd.Series([None] * len(targets))
    loc = loc.astype(object).reset_index(drop=True)
    chosen = loc.copy()
    explicit = np.zeros(len(targets), dtype=bool)
    if "market_location" in targets or default:
        ml = targets["market_location"] if "market_location" in targets else pd.Series([None] * len(targets))
        ml = ml.astype(object).reset_index(drop=True)
        if default:
            ml = ml.where(ml.notna() & (ml.astype(str).str.strip() != ""), default)
        given = ml.notna() & (ml.astype(str).str.strip() != "")
        chosen = chosen.where(~given, ml)
        explicit |= given.to_numpy()
    geo = []
    cache: dict = {}
    for i, (raw, eff) in enumerate(zip(loc.tolist(), chosen.tolist())):
        key = (raw, eff, bool(explicit[i]))
        hit = cache.get(key)
        if hit is None:
            folded = key_of(eff, aliases)
            by_alias = bool(aliases) and folded != key_of(eff, None)
            hit = cache[key] = offer_geography(None if raw is None else str(raw), folded, bool(explicit[i]) or by_alias)
        geo.append(hit)
    return chosen, [g[0] for g in geo], geo


def _offer_keys(targets: pd.DataFrame, aliases, default_location: str | None = None) -> tuple[np.ndarray, list[tuple], np.ndarray]:
    """Per-offer code into a list of distinct (role, level, location, country, city-less) keys, and
    per offer whether another country's data was asked for (country_mismatch)."""
    codes = []
    keylists = []
    chosen, _, geo = _market_locations(targets, aliases, default_location)
    for key in M.KEYS:
        col = targets[key] if key in targets else pd.Series([None] * len(targets))
        if key == "location":
            col = chosen
        c, keys, _ = factorize_keys(col.astype(object).reset_index(drop=True), aliases, location=key == "location")
        codes.append(c)
        keylists.append(keys)
    gcodes, guniq = pd.factorize(pd.Series([f"{g[0]}|{int(g[1])}" for g in geo], dtype=object))
    codes.append(np.asarray(gcodes))
    keylists.append([(u.split("|")[0], u.endswith("|1")) for u in guniq])
    dims = tuple(max(len(k), 1) for k in keylists)
    flat = np.ravel_multi_index(tuple(codes), dims)
    uniq, inverse = np.unique(flat, return_inverse=True)
    combos = []
    for idx in zip(*np.unravel_index(uniq, dims)):
        r, L, X, (C, nocity) = (keylists[i][j] for i, j in enumerate(idx))
        combos.append((r, L, X, C, nocity))
    return inverse.reshape(-1), combos, np.array([g[2] for g in geo], dtype=bool)


def _dense_groups(codes: Sequence[np.ndarray], dims: Sequence[int]) -> tuple[np.ndarray, np.ndarray]:
    """(group keys as flat codes, dense group id per row) without sorting the rows."""
    flat = np.ravel_multi_index(tuple(codes), tuple(dims))
    size = int(np.prod(dims))
    if size <= 20_000_000:
        present = np.bincount(flat, minlength=size) > 0
        remap = np.cumsum(present) - 1
        return np.flatnonzero(present), remap[flat]
    keys, gid = np.unique(flat, return_inverse=True)
    return keys, gid.reshape(-1)


def _currency_factor(currency: pd.Series, source: str, factors) -> np.ndarray:
    """Per-row multiplier from a (categorical) currency column, computed per category."""
    cat = currency.astype("category")
    per = np.array([factors[(source, str(c))] for c in cat.cat.categories] + [np.nan], dtype="float64")
    return per[cat.cat.codes.to_numpy()]


def _sorted_percentiles(sorted_values: np.ndarray, qs: Sequence[float]) -> np.ndarray:
    """np.percentile(values, qs) (default 'linear' method) for already sorted values."""
    n = len(sorted_values)
    pos = (n - 1) * np.asarray(qs, dtype="float64") / 100.0
    lo = np.floor(pos).astype(np.int64)
    hi = np.minimum(lo + 1, n - 1)
    a, b = sorted_values[lo], sorted_values[hi]
    return a + (b - a) * (pos - lo)


def _show_key(role, level, location) -> str:
    return f"{role} / {level or 'any level'} / {location or 'any location'}"


# ---------------------------------------------------------------- percentile tables


def _points(frame: pd.DataFrame) -> list[int]:
    return sorted(int(c[1:]) for c in frame.columns if c.startswith("p") and c[1:].isdigit())


def _place_percentile_table(market: M.MarketData, comp: str, values: np.ndarray, inverse, combos, factors) -> _Placed | None:
    table = market.percentiles
    table = table[table["component"] == comp].reset_index(drop=True)
    if table.empty:
        return None
    pts = _points(table)
    factor = table["currency"].astype(str).map(lambda c: factors[(market.source, c)]).to_numpy(dtype="float64")
    mat = table[[M.pcol(k) for k in pts]].to_numpy(dtype="float64") * factor[:, None]
    roles = table[M.key_column("role")].astype(str).to_numpy()
    lvls = table[M.key_column("level")].astype(str).to_numpy()
    locs = table[M.key_column("location")].astype(str).to_numpy()
    size = table["sample_size"].to_numpy(dtype="float64")
    countries, wide, scopes = row_geography(locs, market_country(market, locs))
    by_role: dict[str, np.ndarray] = {}
    for r in np.unique(roles):
        by_role[r] = np.flatnonzero(roles == r)
    combo_row = np.full(len(combos), -1)
    combo_step = np.full(len(combos), NO_MATCH)
    combo_short = np.full(len(combos), None, dtype=object)
    for ci, (r, L, X, C, nocity) in enumerate(combos):
        idx = by_role.get(r) if r else None
        if idx is None:
            continue
        in_country = _geo_ok(countries[idx], C)
        if not in_country.any():
            combo_short[ci] = _elsewhere(countries[idx], C)
            continue
        idx = idx[in_country]
        for step, mask in enumerate(_step_masks(lvls[idx], locs[idx], L, X, wide[idx], nocity)):
            if mask.any():
                cand = idx[mask]
                score = 2 * ((lvls[cand] == L) & (L != "")) + ((locs[cand] == X) & (X != ""))
                tie_size = np.nan_to_num(size[cand], nan=-1.0)
                order = np.lexsort((np.arange(len(cand)), -tie_size, -score))
                combo_row[ci], combo_step[ci] = cand[order[0]], step
                break
    row = combo_row[inverse]
    step = combo_step[inverse]
    n = len(values)
    pct = np.full(n, np.nan)
    clamped = np.full(n, None, dtype=object)
    pv = np.full((n, len(M.REPORTED_POINTS)), np.nan)
    matched = row >= 0
    for r in np.unique(row[matched]):
        sel = np.flatnonzero(row == r)
        known = ~np.isnan(mat[r])
        xs, ks = mat[r][known], np.array(pts, dtype="float64")[known]
        v = values[sel]
        ok = ~np.isnan(v)
        p = np.full(len(sel), np.nan)
        c = np.full(len(sel), None, dtype=object)
        if len(xs):
            p[ok] = np.interp(v[ok], xs, ks)
            below = ok & (v < xs[0])
            above = ok & (v > xs[-1])
            c[below] = "below"
            c[above] = "above"
        pct[sel], clamped[sel] = p, c
        for j, k in enumerate(M.REPORTED_POINTS):
            if k in pts:
                pv[sel, j] = mat[r][pts.index(k)]
    out = pd.DataFrame({"value": values, "percentile": pct, "clamped": clamped})
    for j, k in enumerate(M.REPORTED_POINTS):
        out[M.pcol(k)] = pv[:, j]
    safe = np.where(matched, row, 0)
    out["sample_size"] = np.where(matched, size[safe], np.nan)
    src = table["source"].astype(str).replace("", market.label).to_numpy()
    out["source"] = np.where(matched, src[safe], None)
    asof = table["as_of"].astype(str).replace("", market.as_of or "").to_numpy()
    out["as_of"] = np.where(matched, asof[safe], None)
    out["top_coded"] = np.where(matched, table["top_coded"].astype(str).to_numpy()[safe], None)
    out["top_coded"] = out["top_coded"].replace("", None)
    desc = np.array([
        f"row {rw}: " + _show_key(a, b, c)
        for rw, a, b, c in zip(table["row"], table["role"].astype(str), table["level"].astype(str), table["location"].astype(str))
    ], dtype=object)
    out["match_rows"] = np.where(matched, desc[safe], None)
    for col, values in (("matched_role", table["role"].astype(str).to_numpy()), ("matched_level", table["level"].astype(str).to_numpy()),
                        ("matched_location", table["location"].astype(str).to_numpy()), ("matched_scope", scopes),
                        ("matched_country", countries)):
        out[col] = np.where(matched, np.asarray(values, dtype=object)[safe], None)
    out["matched_levels"] = np.where(matched, 1, 0)
    out["matched_locations"] = np.where(matched, 1, 0)
    return _Placed(out, step, combo_short[inverse])


# ---------------------------------------------------------------- raw samples


class _SampleGroups:
    """The (role, level, location) groups of a raw-sample frame: computed once per market."""

    def __init__(self, samples: pd.DataFrame, market: M.MarketData):
        codes = tuple(samples[c].cat.codes.to_numpy() for c in M.KEY_COLUMNS)
        dims = tuple(len(samples[c].cat.categories) + 1 for c in M.KEY_COLUMNS)
        gkeys, gid = _dense_groups(codes, dims)
        self.n_groups = len(gkeys)
        self.gid = gid.astype(np.int16 if self.n_groups < 2**15 else np.int32 if self.n_groups < 2**31 else np.int64)
        r, l, x = np.unravel_index(gkeys, dims)
        cats = [np.asarray(samples[c].cat.categories, dtype=object) for c in M.KEY_COLUMNS]
        disp = [np.asarray(samples[c].cat.categories, dtype=object) for c in ("role", "level", "location")]
        self.g_role, self.g_lvl, self.g_loc = cats[0][r].astype(str), cats[1][l].astype(str), cats[2][x].astype(str)
        self.g_show = [_show_key(a, b, c) for a, b, c in zip(disp[0][r], disp[1][l], disp[2][x])]
        self.g_disp = (disp[0][r].astype(str), disp[1][l].astype(str), disp[2][x].astype(str))
        self.by_role = {k: np.flatnonzero(self.g_role == k) for k in np.unique(self.g_role)}
        self.g_country, self.g_wide, self.g_scope = row_geography(self.g_loc, market_country(market, self.g_loc))


def _sorted_within_groups(gid: np.ndarray, values: np.ndarray, n_groups: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(values ordered by group then value, group starts, group counts).

    A stable radix sort on the small group codes, then an in-place sort of each group's slice:
    about 3x faster than sorting a million values globally and re-sorting by group.
    """
    order = np.argsort(gid, kind="stable")
    out = values[order]
    counts = np.bincount(gid, minlength=n_groups)
    starts = np.cumsum(counts) - counts
    for a, c in zip(starts.tolist(), counts.tolist()):
        if c > 1:
            out[a: a + c].sort()
    return out, starts, counts


class _SampleIndex:
    """One component's raw samples sorted by (group, value), for pooled look-ups."""

    def __init__(self, groups: _SampleGroups, values: np.ndarray):
        ok = ~np.isnan(values)
        self.values, self.starts, self.counts = _sorted_within_groups(groups.gid[ok], values[ok], groups.n_groups)
        self.g_role, self.g_lvl, self.g_loc, self.g_show, self.by_role = (
            groups.g_role, groups.g_lvl, groups.g_loc, groups.g_show, groups.by_role)
        self.groups = groups
        self._pools: dict[tuple, tuple[np.ndarray, np.ndarray]] = {}

    def pool(self, gids: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(sorted pooled values, their p10…p90), cached per set of groups."""
        key = tuple(gids.tolist())
        hit = self._pools.get(key)
        if hit is None:
            parts = [self.values[self.starts[g]: self.starts[g] + self.counts[g]] for g in gids]
            # concatenated sorted runs: the stable sort (timsort) merges them in linear time
            pool = parts[0] if len(parts) == 1 else np.sort(np.concatenate(parts), kind="stable")
            hit = self._pools[key] = (pool, _sorted_percentiles(pool, M.REPORTED_POINTS))
        return hit


def _place_samples(market: M.MarketData, comp: str, values: np.ndarray, inverse, combos, factors, by_combo,
                   groups: _SampleGroups) -> _Placed | None:
    samples = market.samples
    if comp not in samples or not samples[comp].notna().any():
        return None
    amounts = samples[comp].to_numpy(dtype="float64")
    if len(market.currencies) > 1 or any(factors[(market.source, c)] != 1.0 for c in market.currencies):
        amounts = amounts * _currency_factor(samples["currency"], market.source, factors)
    index = _SampleIndex(groups, amounts)
    min_n = market.options.min_samples
    n = len(values)
    pct = np.full(n, np.nan)
    pv = np.full((n, len(M.REPORTED_POINTS)), np.nan)
    size = np.full(n, np.nan)
    step_of = np.full(n, NO_MATCH)
    rows = np.full(n, None, dtype=object)
    short = np.full(n, None, dtype=object)
    found = {c: np.full(n, None, dtype=object) for c in MATCHED}
    G = index.groups
    order, bounds = by_combo
    for ci, (r, L, X, C, nocity) in enumerate(combos):
        sel = order[bounds[ci]: bounds[ci + 1]]
        if not len(sel):
            continue
        gidx = index.by_role.get(r) if r else None
        if gidx is None:
            continue
        in_country = _geo_ok(G.g_country[gidx], C)
        if not in_country.any():
            short[sel] = _elsewhere(G.g_country[gidx], C)
            continue
        gidx = gidx[in_country]
        best_short = 0
        for step, mask in enumerate(_step_masks(index.g_lvl[gidx], index.g_loc[gidx], L, X, G.g_wide[gidx], nocity)):
            gids = gidx[mask]
            count = int(index.counts[gids].sum()) if len(gids) else 0
            if count < min_n:
                best_short = max(best_short, count)
                continue
            pool, points = index.pool(gids)
            v = values[sel]
            lo = np.searchsorted(pool, v, side="left")
            hi = np.searchsorted(pool, v, side="right")
            p = 100.0 * (lo + 0.5 * (hi - lo)) / len(pool)
            p[np.isnan(v)] = np.nan
            pct[sel] = p
            pv[sel] = points
            size[sel] = len(pool)
            step_of[sel] = step
            shown = [index.g_show[g] for g in gids[:3]]
            rows[sel] = f"{len(gids)} group(s): " + "; ".join(shown) + ("; ..." if len(gids) > 3 else "")
            used = gids[index.counts[gids] > 0]
            for col, value in _pooled(G, used).items():
                found[col][sel] = value
            break
        else:
            if best_short:
                short[sel] = f"; only {best_short} samples of {comp} (min_samples {min_n})"
    out = pd.DataFrame({"value": values, "percentile": pct, "clamped": np.full(n, None, dtype=object)})
    for j, k in enumerate(M.REPORTED_POINTS):
        out[M.pcol(k)] = pv[:, j]
    matched = step_of < NO_MATCH
    out["sample_size"] = size
    out["source"] = np.where(matched, market.label, None)
    out["as_of"] = np.where(matched, market.as_of, None)
    out["top_coded"] = None
    out["match_rows"] = rows
    for col, values in found.items():
        out[col] = values
    return _Placed(out, step_of, short)


def _pooled(G: "_SampleGroups", gids: np.ndarray) -> dict:
    """What a pool of sample groups matched: the shared role, level and location, or how many were pooled."""
    def one(values):
        u = sorted(set(values.tolist()))
        return (u[0] if len(u) == 1 else None), len(u)

    role, _ = one(G.g_disp[0][gids])
    level, n_levels = one(G.g_disp[1][gids])
    location, n_locs = one(G.g_disp[2][gids])
    country, _ = one(G.g_country[gids])
    scope, _ = one(G.g_scope[gids])
    return {"matched_role": role, "matched_level": level or None, "matched_location": location or None,
            "matched_scope": scope if n_locs == 1 else ("country" if country else "unknown"),
            "matched_country": country or "", "matched_levels": n_levels, "matched_locations": n_locs}


# ---------------------------------------------------------------- public API


def place_offers(targets: pd.DataFrame, markets: Sequence[M.MarketData], *,
                 fx: Callable[[str], float] | None = None) -> pd.DataFrame:
    """Place each offer's base, bonus, equity and total against the market files.

    Args:
        targets: one row per offer: offer_id, role, level, location, currency, base (year-1
            base), bonus (year-1 target bonus), equity (average annual equity), total
            (average_tc), visa_sponsorship; amounts in the offer's reporting `currency`.
        markets: loaded market files, in order of preference for equally good matches.
        fx: units of the reporting currency per one unit of a currency code. Needed only when
            a market file's currency differs from the reporting currency.

    Returns:
        One row per (offer_id, component) for every component at least one market covers, with
        columns RESULT_COLUMNS: offer_id, component, value, percentile, clamped ('below' |
        'above' | None), p10 … p90 (None when unknown or top-coded), gap_to_p50 = p50 − value,
        gap_to_p75, match ('exact', a fallback name, or "no market data for role 'X', ..."),
        sample_size, source, as_of, currency, top_coded, match_rows, market_file. Where several
        markets match, the best fallback step wins, then the earlier market.

    Raises:
        MissingFxRateError: a market's currency differs from the offers' and `fx` is None.

    Examples:
        >>> import pandas as pd
        >>> from toolkit.market import market_from_frame
        >>> table = pd.DataFrame({"role": ["SWE"], "level": [""], "location": [""], "component": ["base"],
        ...                       "currency": ["USD"], "p25": ["100"], "p50": ["120"], "p75": ["150"]})
        >>> offers = pd.DataFrame({"offer_id": ["a"], "role": ["swe"], "level": ["L5"], "location": ["Paris"],
        ...                        "currency": ["USD"], "base": [135.0], "bonus": [None], "equity": [None],
        ...                        "total": [None], "visa_sponsorship": [False]})
        >>> r = place_offers(offers, [market_from_frame(table)])
        >>> float(r.loc[0, "percentile"]), r.loc[0, "match"], float(r.loc[0, "gap_to_p50"])
        (62.5, 'exact', -15.0)
    """
    if not len(targets):
        return pd.DataFrame(columns=list(RESULT_COLUMNS))
    targets = targets.reset_index(drop=True)
    components = [c for c in M.COMPONENTS if any(c in m.components for m in markets)]
    frames: list[pd.DataFrame] = []
    offer_of, step_of, market_of, short_of, comp_of = [], [], [], [], []
    currencies = targets["currency"].astype(str).str.upper() if "currency" in targets else pd.Series(["USD"] * len(targets))
    multi = currencies.nunique() > 1
    for target_cur in pd.unique(currencies):
        part_idx = np.flatnonzero((currencies == target_cur).to_numpy())
        part = targets.iloc[part_idx].reset_index(drop=True)
        needs = {m.source: set(m.currencies) for m in markets}
        factors = _fx_factors(needs, target_cur, multi, fx)
        for mi, market in enumerate(markets):
            aliases = compile_aliases_with_display(market.options.alias_map)
            inverse, combos, mismatch = _offer_keys(part, aliases, market.options.market_location)
            groups = None
            combo_order = np.argsort(inverse, kind="stable")
            by_combo = (combo_order, np.searchsorted(inverse[combo_order], np.arange(len(combos) + 1)))
            for ci, comp in enumerate(components):
                vals = pd.to_numeric(part[comp], errors="coerce").to_numpy(dtype="float64") if comp in part else np.full(len(part), np.nan)
                res = None
                if market.percentiles is not None:
                    res = _place_percentile_table(market, comp, vals, inverse, combos, factors)
                if res is None and market.samples is not None:
                    if groups is None:
                        groups = _SampleGroups(market.samples, market)
                    res = _place_samples(market, comp, vals, inverse, combos, factors, by_combo, groups)
                if res is None:
                    continue
                frames.append(res.frame.assign(component=comp, currency=target_cur, market_file=market.source,
                                               country_mismatch=mismatch))
                offer_of.append(part_idx)
                step_of.append(res.step)
                short_of.append(res.shortfall)
                market_of.append(np.full(len(part_idx), mi))
                comp_of.append(np.full(len(part_idx), M.COMPONENTS.index(comp)))
    if not frames:
        return pd.DataFrame(columns=list(RESULT_COLUMNS))
    allres = pd.concat(frames, ignore_index=True)
    p_, s_, m_, c_ = (np.concatenate(a) for a in (offer_of, step_of, market_of, comp_of))
    shortfall = np.concatenate(short_of)
    order = np.lexsort((m_, s_, c_, p_))  # per offer and component: best step, then earlier market
    first = np.ones(len(order), dtype=bool)
    first[1:] = (p_[order][1:] != p_[order][:-1]) | (c_[order][1:] != c_[order][:-1])
    chosen = order[first]
    allres = allres.iloc[chosen].reset_index(drop=True)
    pos, step, shortfall = p_[chosen], s_[chosen], shortfall[chosen]
    allres["offer_id"] = targets["offer_id"].to_numpy()[pos]
    nomatch = step >= NO_MATCH
    names = np.array(STEPS + ("",), dtype=object)[step]
    if nomatch.any():
        t = targets.iloc[pos[nomatch]]
        short = pd.Series(shortfall[nomatch], dtype=object).fillna("").to_numpy()
        names[nomatch] = [
            _no_match_text(a, b, c) + s
            for a, b, c, s in zip(t.get("role", [None] * len(t)), t.get("level", [None] * len(t)), t.get("location", [None] * len(t)), short)
        ]
        allres.loc[nomatch, "market_file"] = None
    allres["match"] = names
    for col in MATCHED:
        if col not in allres:
            allres[col] = None
    allres["country_mismatch"] = allres["country_mismatch"].fillna(False).astype(bool) & ~nomatch
    allres["basis"] = _basis(allres, targets, pos, step, nomatch)
    allres["gap_to_p50"] = allres["p50"] - allres["value"]
    allres["gap_to_p75"] = allres["p75"] - allres["value"]
    out = allres[list(RESULT_COLUMNS)].copy()
    for col in ("value", "percentile", "p10", "p25", "p50", "p75", "p90", "gap_to_p50", "gap_to_p75", "sample_size"):
        out[col] = out[col].astype("float64")
    for col in ("clamped", "source", "as_of", "top_coded", "match_rows", "market_file"):
        values = out[col].astype(object)
        out[col] = values.where(values.notna() & (values != ""), None)
    return out


def _basis(allres: pd.DataFrame, targets: pd.DataFrame, pos: np.ndarray, step: np.ndarray, nomatch: np.ndarray) -> list:
    """The citing phrase of each matched row (geo.basis_phrase), None for a no-match; cached per distinct input."""
    cache: dict = {}
    out = []
    lv = targets["level"].to_numpy(dtype=object) if "level" in targets else np.full(len(targets), None, dtype=object)
    lc = targets["location"].to_numpy(dtype=object) if "location" in targets else np.full(len(targets), None, dtype=object)
    cols = [allres[c].to_numpy(dtype=object) for c in (*MATCHED, "source", "as_of", "country_mismatch")]
    for k in range(len(allres)):
        if nomatch[k]:
            out.append(None)
            continue
        vals = tuple(c[k] for c in cols)
        key = (vals, int(step[k]), lv[pos[k]], lc[pos[k]])
        hit = cache.get(key)
        if hit is None:
            m = dict(zip(("role", "level", "location", "scope", "country", "levels", "locations"), vals[:7]))
            m["levels"] = int(m["levels"] or 1)
            m["locations"] = int(m["locations"] or 1)
            level = lv[pos[k]] if isinstance(lv[pos[k]], str) and lv[pos[k]] else None
            location = lc[pos[k]] if isinstance(lc[pos[k]], str) and lc[pos[k]] else None
            hit = cache[key] = basis_phrase(m, source_phrase(vals[7], vals[8]), STEPS[int(step[k])], offer_level=level,
                                            offer_location=location, country_mismatch=bool(vals[9]))
        out.append(hit)
    return out


def _group_percentiles(gid: np.ndarray, values: np.ndarray, qs: Sequence[float]):
    """Per group (gid 0..G-1 dense): count, linear percentiles, mean, min, max; one sort."""
    n_groups = int(gid.max()) + 1 if len(gid) else 0
    small = gid.astype(np.int16 if n_groups < 2**15 else np.int32 if n_groups < 2**31 else np.int64)
    v, starts, counts = _sorted_within_groups(small, values, n_groups)
    ends = starts + counts
    out = {"n": counts}
    for q in qs:
        pos = (counts - 1) * (q / 100.0)
        lo = np.floor(pos).astype(np.int64)
        frac = pos - lo
        hi = np.minimum(lo + 1, counts - 1)
        a, b = v[starts + lo], v[starts + hi]
        out[M.pcol(int(q))] = a + (b - a) * frac  # numpy's default 'linear' method
    sums = np.add.reduceat(v, starts) if n_groups else np.array([])
    out["mean"] = sums / counts
    out["min"] = v[starts]
    out["max"] = v[ends - 1]
    return out


def summarize(market: M.MarketData, *, by: Sequence[str] = M.KEYS, role: str | None = None, level: str | None = None,
              location: str | None = None, currency: str | None = None,
              fx: Callable[[str], float] | None = None) -> pd.DataFrame:
    """Percentiles per group, for sanity-checking a market file (`offer-toolkit market summary`).

    Raw samples are grouped by `by` (any of role, level, location), component and currency;
    each group gets n, p10, p25, p50, p75, p90 (numpy's default linear method), mean, min, max.
    Percentile tables are listed row by row (their percentiles cannot be re-pooled).
    Filters compare like matching does (case/whitespace-insensitive, aliases); a row whose
    level or location is empty means "any" and is kept by a level/location filter.
    `currency` converts every figure into that currency (needs `fx` when they differ).

    Returns:
        DataFrame with columns *by, component, currency, n, p10, p25, p50, p75, p90, mean,
        min, max, source (raw samples); or *by, component, currency, n, p-columns, top_coded,
        source, as_of (percentile tables); or the level table (wage-level files).
    """
    bad = [b for b in by if b not in M.KEYS]
    if bad:
        from ..errors import InputError

        raise InputError.single(ARGUMENT, f"expected a comma list of role, level, location, got {', '.join(bad)!r}", field="by", code="bad_argument")
    aliases = compile_aliases_with_display(market.options.alias_map)
    frame = market.samples if market.samples is not None else market.percentiles
    if frame is None:
        frame = market.wage_levels
    keep = np.ones(len(frame), dtype=bool)
    for key, wanted in (("role", role), ("level", level), ("location", location)):
        if wanted:
            k = key_of(wanted, aliases, location=key == "location")
            col = frame[M.key_column(key)].astype(str).to_numpy()
            keep &= (col == k) | ((col == "") & (key != "role"))
    frame = frame[keep]
    if market.samples is None:
        if market.percentiles is not None:
            pts = [M.pcol(k) for k in _points(frame)]
            cols = list(by) + ["component", "currency", "sample_size", *pts, "top_coded", "occupation", "source", "as_of"]
        else:
            cols = list(by) + ["occupation", "currency", *M.WAGE_LEVEL_COLS]
        out = frame[cols].rename(columns={"sample_size": "n"}).reset_index(drop=True)
        for key in by:
            out[key] = out[key].astype(str)
        if currency and "currency" in out:
            factors = _fx_factors({market.source: set(out["currency"].astype(str))}, currency.upper(), False, fx, "the summary is asked in")
            f = out["currency"].astype(str).map(lambda c: factors[(market.source, c)]).to_numpy(dtype="float64")
            for c in out.columns:
                if (c.startswith("p") and c[1:].isdigit()) or c.startswith("level_"):
                    out[c] = out[c].to_numpy(dtype="float64") * f
            out["currency"] = currency.upper()
        return out
    factor = None
    cur_cat = frame["currency"].astype("category")
    cur_codes, cur_uniques = cur_cat.cat.codes.to_numpy().astype(np.int64), list(cur_cat.cat.categories)
    if currency:
        factors = _fx_factors({market.source: set(map(str, cur_uniques))}, currency.upper(), False, fx, "the summary is asked in")
        factor = _currency_factor(cur_cat, market.source, factors)
        cur_codes, cur_uniques = np.zeros(len(frame), dtype=np.int64), [currency.upper()]
    key_codes = [frame[b].cat.codes.to_numpy().astype(np.int64) for b in by]
    key_cats = [np.asarray(frame[b].cat.categories, dtype=object) for b in by]
    results = []
    dims = tuple(len(c) for c in key_cats) + (len(cur_uniques),)
    all_keys, all_gid = _dense_groups(tuple(key_codes) + (cur_codes,), dims)
    for comp in M.COMPONENTS:
        v = frame[comp].to_numpy(dtype="float64")
        if factor is not None:
            v = v * factor
        ok = ~np.isnan(v)
        if not ok.any():
            continue
        if ok.all():
            gkeys, gid = all_keys, all_gid
        else:  # groups with no value of this component disappear: re-densify
            used = np.zeros(len(all_keys), dtype=bool)
            used[all_gid[ok]] = True
            remap = np.cumsum(used) - 1
            gkeys, gid = all_keys[used], remap[all_gid[ok]]
        stats = _group_percentiles(gid, v[ok], M.REPORTED_POINTS)
        parts = np.unravel_index(gkeys, dims)
        res = {b: key_cats[i][parts[i]] for i, b in enumerate(by)}
        res["component"] = comp
        res["currency"] = np.asarray(cur_uniques, dtype=object)[parts[-1]]
        res.update(stats)
        results.append(pd.DataFrame(res))
    cols = list(by) + ["component", "currency", *SUMMARY_STATS, "source"]
    if not results:
        return pd.DataFrame(columns=cols)
    out = pd.concat(results, ignore_index=True)
    out["source"] = market.label
    out["n"] = out["n"].astype("int64")
    rank = {c: i for i, c in enumerate(M.COMPONENTS)}
    out = out.sort_values([*by, "component", "currency"], kind="stable",
                          key=lambda s: s.map(rank) if s.name == "component" else s).reset_index(drop=True)
    return out[cols]


def wage_levels(targets: pd.DataFrame, markets: Sequence[M.MarketData], *,
                fx: Callable[[str], float] | None = None) -> pd.DataFrame:
    """For offers with visa sponsorship: which prevailing-wage level the base reaches.

    A market's wage-level rows (OFLC-style table, or LCA rows aggregated per job title, SOC
    code and worksite: median PREVAILING_WAGE per PW_WAGE_LEVEL) are matched on role and
    location with the usual fallback (level is ignored). Level reached = the highest known
    level whose annual wage is ≤ base (0 = below every known level); the next level is the
    lowest known level above it.

    Returns:
        DataFrame with columns WAGE_LEVEL_COLUMNS: offer_id, occupation, area, base,
        level_reached, level_wage, next_level, next_level_wage, gap_to_next_level
        (next_level_wage − base), level_1 … level_4, match, source, currency. One row per
        sponsored offer; offers without a match carry "no prevailing-wage levels for ...".
    """
    if not len(targets):
        return pd.DataFrame(columns=list(WAGE_LEVEL_COLUMNS))
    sponsored = targets["visa_sponsorship"].fillna(False).astype(bool).to_numpy() if "visa_sponsorship" in targets else np.zeros(len(targets), bool)
    t = targets[sponsored].reset_index(drop=True)
    rows = []
    level_markets = [m for m in markets if m.wage_levels is not None and len(m.wage_levels)]
    for i in range(len(t)):
        offer = t.iloc[i]
        cur = str(offer.get("currency") or "USD").upper()
        base = pd.to_numeric(pd.Series([offer.get("base")]), errors="coerce").iloc[0]
        best = None
        for market in level_markets:
            aliases = compile_aliases_with_display(market.options.alias_map)
            lv = market.wage_levels
            r, X = key_of(offer.get("role"), aliases), key_of(offer.get("location"), aliases, location=True)
            roles = lv[M.key_column("role")].astype(str).to_numpy()
            idx = np.flatnonzero(roles == r) if r else np.array([], dtype=int)
            if not len(idx):
                continue
            locs = lv[M.key_column("location")].astype(str).to_numpy()[idx]
            for step, mask in ((0, (locs == X) | (locs == "")), (1, np.ones(len(idx), bool))):
                if mask.any():
                    cand = idx[mask]
                    if best is None or step < best[0]:
                        best = (step, market, cand[0])
                    break
        rec = {"offer_id": offer["offer_id"], "base": base, "currency": cur}
        if best is None:
            rec["match"] = (f"no prevailing-wage levels for role '{offer.get('role') or ''}', "
                            f"location '{offer.get('location') or ''}'")
            rows.append(rec)
            continue
        step, market, ri = best
        factors = _fx_factors({market.source: set(market.wage_levels["currency"].astype(str))}, cur, False, fx)
        row = market.wage_levels.iloc[ri]
        f = factors[(market.source, str(row["currency"]))]
        wages = [float(row[c]) * f for c in M.WAGE_LEVEL_COLS]
        reached = 0
        for k, w in enumerate(wages, start=1):
            if w == w and base == base and base >= w:
                reached = k
        nxt = next((k for k in range(reached + 1, 5) if wages[k - 1] == wages[k - 1]), None)
        rec.update({
            "occupation": row["occupation"] or None, "area": str(row["location"]) or None,
            "level_reached": reached, "level_wage": wages[reached - 1] if reached else np.nan,
            "next_level": nxt, "next_level_wage": wages[nxt - 1] if nxt else np.nan,
            "gap_to_next_level": (wages[nxt - 1] - base) if nxt else np.nan,
            **{c: wages[j] for j, c in enumerate(M.WAGE_LEVEL_COLS)},
            "match": ("exact" if step == 0 else "role only (any location)") + f" (row {row['row']})",
            "source": market.label,
        })
        rows.append(rec)
    out = pd.DataFrame(rows).reindex(columns=list(WAGE_LEVEL_COLUMNS))
    out["next_level"] = out["next_level"].astype("Int64")
    out["level_reached"] = out["level_reached"].astype("Int64")
    return out


JSON_KEYS = ("component", "value", "percentile", "clamped", "p10", "p25", "p50", "p75", "p90",
             "gap_to_p50", "gap_to_p75", "match", "sample_size", "source")
# issue 12: what was matched (values as found in the market file), whether another country's data
# was used on the user's say-so, the as-of date and the citing phrase
GEO_JSON_KEYS = ("matched", "country_mismatch", "as_of", "basis")


def to_market_json(placed: pd.DataFrame, *, extra: Sequence[str] = ()) -> dict[str, list[dict]]:
    """`place_offers` output → {offer_id: [the issue's "market" entries]}, NaN as None.

    Each entry has exactly JSON_KEYS (plus any `extra` columns, e.g. ("as_of", "top_coded")),
    in component order base, bonus, equity, total; sample_size is an int or None.

    Examples:
        >>> frame = pd.DataFrame({"offer_id": ["a"], **{k: [None] for k in JSON_KEYS}})
        >>> to_market_json(frame.assign(component="base", match="exact", sample_size=12.0))["a"][0]["sample_size"]
        12
    """
    keys = list(JSON_KEYS) + [k for k in extra if k not in JSON_KEYS]
    geo = [k for k in (*MATCHED, "country_mismatch", "basis", "as_of") if k in placed.columns and k not in keys]
    out: dict[str, list[dict]] = {}
    for rec in placed[["offer_id", *keys, *geo]].to_dict(orient="records"):
        entry = {}
        for k in keys + geo:
            v = rec[k]
            if v is None or (isinstance(v, float) and np.isnan(v)) or v is pd.NA:
                v = None
            elif isinstance(v, np.generic):
                v = v.item()
            if k in ("sample_size", "matched_levels", "matched_locations") and v is not None:
                v = int(v)
            entry[k] = v
        if "matched_role" in geo:
            # what the market file had, not the offer's own role/level/location (docs/market.md "Geography")
            matched = None if entry["match"] is None or str(entry["match"]).startswith("no market data") else {
                "role": entry["matched_role"], "level": entry["matched_level"] or None,
                "location": entry["matched_location"] or None, "scope": entry["matched_scope"],
                "country": entry["matched_country"] or None,
                "levels_pooled": entry["matched_levels"], "locations_pooled": entry["matched_locations"],
            }
            mismatch = bool(entry.get("country_mismatch"))
            for k in (*MATCHED, "country_mismatch", "basis", "as_of"):
                entry.pop(k, None) if k not in keys else None
            entry.update({"matched": matched, "country_mismatch": mismatch,
                          "as_of": rec.get("as_of") if isinstance(rec.get("as_of"), str) else None,
                          "basis": rec.get("basis") if isinstance(rec.get("basis"), str) else None})
        out.setdefault(str(rec["offer_id"]), []).append(entry)
    return out
