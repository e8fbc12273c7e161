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
from typing import Any, Callable, Iterator, Mapping, Sequence

import numpy as np
import pandas as pd

from ..errors import ARGUMENT, Issue, MissingFxRateError
from . import model as M
from .engines.base import SUMMARY_STATS, Groups, SampleTable, key_filter, show_key
from .engines.pandas_engine import InMemorySamples
from .geo import basis_phrase, market_country, offer_geography, place_of, row_geography, source_phrase
from .importers.oflc import wage_year_text
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
WAGE_LEVEL_COLUMNS = (
    "offer_id", "occupation", "area", "base", "level_reached", "level_wage", "next_level", "next_level_wage",
    "gap_to_next_level", "level_1", "level_2", "level_3", "level_4", "match", "source", "currency",
)


# ---------------------------------------------------------------- shared helpers


@dataclass(frozen=True)
class _Placed:
    """One market's placement of one component for a block of offers, kept compact: what depends
    only on an offer's key (its pool or percentile row, names, fallback step) is held once per
    distinct key (combo), the rest once per offer, and rows are spelled out only by `frame`.

    Attributes:
        combo: per offer, the index of its distinct key into the per-combo arrays.
        per_offer: value, percentile, clamped: one entry per offer.
        per_combo: p10…p90, sample_size, source, as_of, top_coded, match_rows and the matched_*
            columns: one entry per combo.
        step: per combo, the fallback step that matched (NO_MATCH when none did).
        shortfall: per combo, a note when a pool existed but was below min_samples, else None.
    """

    combo: np.ndarray
    per_offer: dict
    per_combo: dict
    step: np.ndarray
    shortfall: np.ndarray

    def frame(self, lo: int, hi: int) -> pd.DataFrame:
        """The result columns of offers lo..hi-1 of the block; text as shared object strings."""
        at = self.combo[lo:hi]
        cols = {}
        for name, values in (*self.per_offer.items(), *self.per_combo.items()):
            v = values[lo:hi] if name in self.per_offer else values[at]
            cols[name] = pd.Series(v, dtype=object, copy=False) if v.dtype == object else v
        return pd.DataFrame(cols, copy=False)


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
    n = len(values)
    pct = np.full(n, np.nan)
    clamped = np.full(n, None, dtype=object)
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
    # everything else depends on the combo's row only
    cm = combo_row >= 0
    safe = np.where(cm, combo_row, 0)
    per_combo: dict[str, np.ndarray] = {}
    for j, k in enumerate(M.REPORTED_POINTS):
        per_combo[M.pcol(k)] = np.where(cm, mat[safe, pts.index(k)], np.nan) if k in pts else np.full(len(combos), np.nan)
    per_combo["sample_size"] = np.where(cm, size[safe], np.nan)
    src = table["source"].astype(str).replace("", market.label).to_numpy()
    per_combo["source"] = np.where(cm, np.asarray(src, dtype=object)[safe], None)
    asof = table["as_of"].astype(str).replace("", market.as_of or "").to_numpy()
    per_combo["as_of"] = np.where(cm, np.asarray(asof, dtype=object)[safe], None)
    top = np.asarray(table["top_coded"].astype(str).to_numpy(), dtype=object)[safe]
    per_combo["top_coded"] = np.where(cm & (top != ""), top, None)
    desc = np.array([
        f"row {rw}: " + show_key(a, b, c)
        for rw, a, b, c in zip(table["row"], table["role"].astype(str), table["level"].astype(str), table["location"].astype(str))
    ], dtype=object)
    per_combo["match_rows"] = np.where(cm, desc[safe], None)
    for col, column in (("matched_role", table["role"].astype(str).to_numpy()), ("matched_level", table["level"].astype(str).to_numpy()),
                        ("matched_location", table["location"].astype(str).to_numpy()), ("matched_scope", scopes),
                        ("matched_country", countries)):
        per_combo[col] = np.where(cm, np.asarray(column, dtype=object)[safe], None)
    per_combo["matched_levels"] = np.where(cm, 1, 0)
    per_combo["matched_locations"] = np.where(cm, 1, 0)
    return _Placed(np.asarray(inverse), {"value": values, "percentile": pct, "clamped": clamped}, per_combo, combo_step, combo_short)


# ---------------------------------------------------------------- raw samples


def sample_table(market: M.MarketData) -> SampleTable | None:
    """The engine's view of a market's raw samples: its own table, or the in-memory frame."""
    if market.table is not None:
        return market.table
    return InMemorySamples(market.samples) if market.samples is not None else None


class _Geography:
    """Per group of a raw-sample table: country, country-wide?, scope (docs/market.md "Geography")."""

    def __init__(self, groups: Groups, market: M.MarketData):
        self.country, self.wide, self.scope = row_geography(groups.location, market_country(market, groups.location))


def _choose_pools(groups: Groups, geo: _Geography, comp: str, combos, min_n: int):
    """Per combo: (fallback step, group ids of the pool, note when nothing was used).

    Rows of another country are left out first; then the first step whose pooled count reaches
    min_samples wins (NO_MATCH when none does)."""
    counts = groups.counts[comp]
    chosen = []
    for r, L, X, C, nocity in combos:
        gidx = groups.by_role.get(r) if r else None
        if gidx is None:
            chosen.append((NO_MATCH, None, None))
            continue
        in_country = _geo_ok(geo.country[gidx], C)
        if not in_country.any():
            chosen.append((NO_MATCH, None, _elsewhere(geo.country[gidx], C)))
            continue
        gidx = gidx[in_country]
        best_short = 0
        found = None
        for step, mask in enumerate(_step_masks(groups.level[gidx], groups.location[gidx], L, X, geo.wide[gidx], nocity)):
            gids = gidx[mask]
            count = int(counts[gids].sum()) if len(gids) else 0
            if count < min_n:
                best_short = max(best_short, count)
                continue
            found = (step, gids, None)
            break
        if found is None:
            note = f"; only {best_short} samples of {comp} (min_samples {min_n})" if best_short else None
            found = (NO_MATCH, None, note)
        chosen.append(found)
    return chosen


def _place_samples(market: M.MarketData, table: SampleTable, comp: str, values: np.ndarray, combos, factors, by_combo,
                   *, forced: bool = False) -> _Placed | None:
    if comp not in table.components() and not forced:
        return None
    groups = table.groups()
    geo = _Geography(groups, market)
    min_n = market.options.min_samples
    n, k = len(values), len(combos)
    pct = np.full(n, np.nan)
    pv = np.full((k, len(M.REPORTED_POINTS)), np.nan)
    size = np.full(k, np.nan)
    step_of = np.full(k, NO_MATCH)
    rows = np.full(k, None, dtype=object)
    short = np.full(k, None, dtype=object)
    found = {c: np.full(k, None, dtype=object) for c in MATCHED}
    order, bounds = by_combo
    # one batch per distinct pool, so an engine answers every question about a pool at once
    pools: dict[tuple, tuple[np.ndarray, list[np.ndarray], list[int]]] = {}
    for ci, (step, gids, note) in enumerate(_choose_pools(groups, geo, comp, combos, min_n)):
        sel = order[bounds[ci]: bounds[ci + 1]]
        if not len(sel):
            continue
        if gids is None:
            short[ci] = note
            continue
        step_of[ci] = step
        shown = sorted((groups.shown[g] for g in gids), key=lambda t: (t.casefold(), t))[:3]  # by name: the same in every engine
        rows[ci] = f"{len(gids)} group(s): " + "; ".join(shown) + ("; ..." if len(gids) > 3 else "")
        used = gids[groups.counts[comp][gids] > 0]
        for col, value in _pooled(groups, geo, used).items():
            found[col][ci] = value
        entry = pools.setdefault(tuple(gids.tolist()), (gids, [], []))
        entry[1].append(sel)
        entry[2].append(ci)
    currency_factors = {cur: f for (src, cur), f in factors.items() if src == market.source}
    sels = [np.concatenate(parts) for _, parts, _ in pools.values()]
    measured = table.measure(comp, currency_factors, [g for g, _, _ in pools.values()], [values[sel] for sel in sels])
    for sel, (_, _, cis), m in zip(sels, pools.values(), measured):
        p = 100.0 * (m.below + 0.5 * m.equal) / m.size
        p[np.isnan(values[sel])] = np.nan
        pct[sel] = p
        pv[cis] = m.points
        size[cis] = m.size
    matched = step_of < NO_MATCH
    per_combo: dict[str, np.ndarray] = {M.pcol(kk): pv[:, j] for j, kk in enumerate(M.REPORTED_POINTS)}
    per_combo["sample_size"] = size
    per_combo["source"] = np.where(matched, market.label, None).astype(object)
    per_combo["as_of"] = np.where(matched, market.as_of, None).astype(object)
    per_combo["top_coded"] = np.full(k, None, dtype=object)
    per_combo["match_rows"] = rows
    per_combo.update(found)
    combo = np.empty(n, dtype=np.int64)
    for ci in range(k):
        combo[order[bounds[ci]: bounds[ci + 1]]] = ci
    return _Placed(combo, {"value": values, "percentile": pct, "clamped": np.full(n, None, dtype=object)}, per_combo, step_of, short)


def _pooled(G: Groups, geo: _Geography, gids: np.ndarray) -> dict:
    """What a pool of sample groups matched: the shared role, level and location, or how many were pooled."""
    def one(values):
        u = sorted(set(values.tolist()))
        return (u[0] if len(u) == 1 else None), len(u)

    role, _ = one(G.display[0][gids])
    level, n_levels = one(G.display[1][gids])
    location, n_locs = one(G.display[2][gids])
    country, _ = one(geo.country[gids])
    scope, _ = one(geo.scope[gids])
    return {"matched_role": role, "matched_level": level or None, "matched_location": location or None,
            "matched_scope": scope if n_locs == 1 else ("country" if country else "unknown"),
            "matched_country": country or "", "matched_levels": n_levels, "matched_locations": n_locs}


# ---------------------------------------------------------------- public API


def place_offers(targets: pd.DataFrame, markets: Sequence[M.MarketData], *,
                 fx: Callable[[str], float] | None = None, components: Sequence[str] | None = None) -> pd.DataFrame:
    """Place each offer's base, bonus, equity and total against the market files.

    Args:
        targets: one row per offer: offer_id, role, level, location, currency, base (year-1
            base), bonus (year-1 target bonus), equity (average annual equity), total
            (average_tc), visa_sponsorship; amounts in the offer's reporting `currency`.
        markets: loaded market files, in order of preference for equally good matches.
        fx: units of the reporting currency per one unit of a currency code. Needed only when
            a market file's currency differs from the reporting currency.
        components: place these components against raw samples even where the given markets
            hold no value of them; default: every component some market covers.

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
    frames = list(iter_placements(targets, markets, fx=fx, components=components, chunk_rows=None))
    if len(frames) == 1:
        return frames[0]
    return pd.DataFrame(columns=list(RESULT_COLUMNS))


PLACE_CHUNK_ROWS = 100_000  # offers per result block of `iter_placements`


def iter_placements(targets: pd.DataFrame, markets: Sequence[M.MarketData], *,
                    fx: Callable[[str], float] | None = None, components: Sequence[str] | None = None,
                    chunk_rows: int | None = PLACE_CHUNK_ROWS) -> Iterator[pd.DataFrame]:
    """`place_offers` in blocks: the same rows in the same order, as frames of the results of
    `chunk_rows` offers at a time (None: one frame). Nothing is yielded when no market covers
    any component.

    Every question to the market engine is asked once, for all offers together (per component:
    pool sizes, percentiles and counts below/equal, a few numbers per offer); only the result
    frames, about 1 KB per offer and component with their text, are built block by block. A
    caller placing a million offers writes each block out (e.g. to Parquet) and keeps its
    memory to one block's results.
    """
    if not len(targets):
        return
    targets = targets.reset_index(drop=True)
    force = set(components or ())
    components = [c for c in M.COMPONENTS if c in force or any(c in m.components for m in markets)]
    placed: list[tuple] = []  # (offer positions, _Placed, component, currency, market index, mismatch)
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
            table = sample_table(market)
            combo_order = np.argsort(inverse, kind="stable")
            by_combo = (combo_order, np.searchsorted(inverse[combo_order], np.arange(len(combos) + 1)))
            for comp in components:
                vals = pd.to_numeric(part[comp], errors="coerce").to_numpy(dtype="float64") if comp in part else np.full(len(part), np.nan)
                res = None
                if market.percentiles is not None:
                    res = _place_percentile_table(market, comp, vals, inverse, combos, factors)
                if res is None and table is not None:
                    res = _place_samples(market, table, comp, vals, combos, factors, by_combo, forced=comp in force)
                if res is None:
                    continue
                placed.append((part_idx, res, comp, target_cur, mi, mismatch))
    if not placed:
        return
    n = len(targets)
    step = n if chunk_rows is None else max(1, int(chunk_rows))
    for a in range(0, n, step):
        yield _assemble(targets, markets, placed, a, min(n, a + step))


def _assemble(targets: pd.DataFrame, markets: Sequence[M.MarketData], placed: list[tuple], a: int, b: int) -> pd.DataFrame:
    """The result rows of offers a..b-1 (positions in `targets`): per offer and component the best
    fallback step, then the earlier market; RESULT_COLUMNS with their final types."""
    frames: list[pd.DataFrame] = []
    offer_of, step_of, market_of, short_of, comp_of = [], [], [], [], []
    for part_idx, res, comp, target_cur, mi, mismatch in placed:
        lo, hi = np.searchsorted(part_idx, [a, b])  # part_idx is ascending
        if lo == hi:
            continue
        frames.append(res.frame(lo, hi).assign(component=comp, currency=target_cur, market_file=markets[mi].source,
                                               country_mismatch=mismatch[lo:hi]))
        offer_of.append(part_idx[lo:hi])
        at = res.combo[lo:hi]
        step_of.append(res.step[at])
        short_of.append(res.shortfall[at])
        market_of.append(np.full(hi - lo, mi))
        comp_of.append(np.full(hi - lo, M.COMPONENTS.index(comp)))
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
    """The citing phrase of each matched row (geo.basis_phrase), None for a no-match.

    Worked out once per distinct input (factorize the key columns, phrase the uniques, take back),
    so 400,000 placements cost a few hundred phrases, not 400,000 Python calls."""
    n = len(allres)
    if not n:
        return []
    lv = targets["level"].to_numpy(dtype=object)[pos] if "level" in targets else np.full(n, None, dtype=object)
    lc = targets["location"].to_numpy(dtype=object)[pos] if "location" in targets else np.full(n, None, dtype=object)
    names = (*MATCHED, "source", "as_of", "country_mismatch")
    series = {**{c: allres[c] for c in names}, "fallback_step": pd.Series(step), "offer_level": pd.Series(lv, dtype=object),
              "offer_location": pd.Series(lc, dtype=object)}
    # one dense code per distinct combination: factorize each column (on its own dtype, no
    # conversion), then fold the codes together
    combined = np.zeros(n, dtype=np.int64)
    for values in series.values():
        c, u = values.factorize(use_na_sentinel=False)
        combined = np.unique(combined * (len(u) + 1) + c, return_inverse=True)[1].astype(np.int64)
    uniq, first = np.unique(combined, return_index=True)
    codes = np.searchsorted(uniq, combined)
    picked = {k: v.iloc[first].tolist() for k, v in series.items()}
    phrases = np.empty(len(uniq), dtype=object)
    for u in range(len(uniq)):
        rec = {k: (None if isinstance(v[u], float) and v[u] != v[u] else v[u]) for k, v in picked.items()}  # NaN → None
        if int(rec["fallback_step"]) >= NO_MATCH:
            phrases[u] = None
            continue
        m = {k: rec[f"matched_{k}"] for k in ("role", "level", "location", "scope", "country", "levels", "locations")}
        m["levels"] = int(m["levels"] or 1)
        m["locations"] = int(m["locations"] or 1)
        level = rec["offer_level"] if isinstance(rec["offer_level"], str) and rec["offer_level"] else None
        location = rec["offer_location"] if isinstance(rec["offer_location"], str) and rec["offer_location"] else None
        phrases[u] = basis_phrase(m, source_phrase(rec["source"], rec["as_of"]), STEPS[int(rec["fallback_step"])], offer_level=level,
                                  offer_location=location, country_mismatch=bool(rec["country_mismatch"]))
    out = phrases[codes]
    out[nomatch] = None
    return list(out)


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
    wanted = {key: key_of(value, aliases, location=key == "location")
              for key, value in (("role", role), ("level", level), ("location", location)) if value}
    if market.samples is None and market.table is None:
        frame = market.percentiles if market.percentiles is not None else market.wage_levels
        keep = key_filter({k: frame[M.key_column(k)].astype(str).to_numpy() for k in wanted}, wanted)
        if keep is not None:
            frame = frame[keep]
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
    table = sample_table(market)
    factors = None
    if currency:
        factors = {c: f for (_, c), f in _fx_factors({market.source: set(table.currencies())}, currency.upper(), False, fx,
                                                     "the summary is asked in").items()}
    out = table.summary(tuple(by), wanted, factors, currency.upper() if currency else None)
    cols = list(by) + ["component", "currency", *SUMMARY_STATS, "source"]
    if not len(out):
        return pd.DataFrame(columns=cols)
    out["source"] = market.label
    out["n"] = out["n"].astype("int64")
    for key in by:
        out[key] = out[key].astype(str)
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
    area_frames = [m.areas for m in markets if getattr(m, "areas", None) is not None]
    areas = pd.concat(area_frames, ignore_index=True) if area_frames else None
    area_names = dict(zip(areas["area"], areas["area_name"])) if areas is not None else {}
    for i in range(len(t)):
        offer = t.iloc[i]
        cur = str(offer.get("currency") or "USD").upper()
        base = pd.to_numeric(pd.Series([offer.get("base")]), errors="coerce").iloc[0]
        best = None
        unresolved = None
        for market in level_markets:
            aliases = compile_aliases_with_display(market.options.alias_map)
            lv = market.wage_levels
            r, X = key_of(offer.get("role"), aliases), key_of(offer.get("location"), aliases, location=True)
            roles = lv[M.key_column("role")].astype(str).to_numpy()
            idx = np.flatnonzero(roles == r) if r else np.array([], dtype=int)
            if not len(idx):
                continue
            locs = lv[M.key_column("location")].astype(str).to_numpy()[idx]
            if market.format == "oflc_alc":
                # an OFLC area is resolved or nothing: never another area's row (docs/market.md §6)
                area, why = offer_area(offer, areas)
                hit = idx[locs == area] if area else idx[:0]
                if len(hit):
                    best = (0, market, hit[0])
                    break
                unresolved = why if area is None else f"no OFLC row for SOC {offer.get('role')!r} (as aliased) in area {area}"
                continue
            for step, mask in ((0, (locs == X) | (locs == "")), (1, np.ones(len(idx), bool))):
                if mask.any():
                    cand = idx[mask]
                    if best is None or step < best[0]:
                        best = (step, market, cand[0])
                    break
        rec = {"offer_id": offer["offer_id"], "base": base, "currency": cur}
        if best is None:
            rec["match"] = (unresolved or f"no prevailing-wage levels for role '{offer.get('role') or ''}', "
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
        area_text = str(row["location"]) or None
        source = market.label
        if market.format == "oflc_alc":
            area_text = f"{row['location']} {area_names.get(str(row['location']), '')}".strip()
            source = f"{market.label}, {wage_year_text(market.as_of)}"
        rec.update({
            "occupation": row["occupation"] or None, "area": area_text,
            "level_reached": reached, "level_wage": wages[reached - 1] if reached else np.nan,
            "next_level": nxt, "next_level_wage": wages[nxt - 1] if nxt else np.nan,
            "gap_to_next_level": (wages[nxt - 1] - base) if nxt else np.nan,
            **{c: wages[j] for j, c in enumerate(M.WAGE_LEVEL_COLS)},
            "match": ("exact" if step == 0 else "role only (any location)") + f" (row {row['row']})",
            "source": source,
        })
        rows.append(rec)
    out = pd.DataFrame(rows).reindex(columns=list(WAGE_LEVEL_COLUMNS))
    out["next_level"] = out["next_level"].astype("Int64")
    out["level_reached"] = out["level_reached"].astype("Int64")
    return out


def offer_area(offer, areas: pd.DataFrame | None) -> tuple[str | None, str]:
    """The OFLC wage area of an offer, or (None, why): its `oflc_area`, else its `county` (with the
    state of its location), else its city through toolkit.geography.US_CITIES, looked up in the OFLC
    Geography file's county list."""
    code = offer.get("oflc_area")
    if isinstance(code, str) and code.strip():
        return code.strip(), ""
    place = place_of(str(offer.get("location") or ""))
    county = offer.get("county") if isinstance(offer.get("county"), str) and offer.get("county").strip() else place.county
    state = place.region if place.country == "US" else ""
    if not county:
        where = offer.get("location") or "no location"
        return None, (f"area not resolved: {where} is not in the city table; set oflc_area (the OFLC area code) or county "
                      f"on the offer")
    if areas is None:
        return None, (f"area not resolved: county {county} needs the OFLC Geography file (pass it as another --market) "
                      f"or oflc_area on the offer")
    wanted = county.strip().casefold()
    names = areas["county"].str.casefold()
    hit = areas[((names == wanted) | (names == wanted + " county")) & ((areas["state"] == state) if state else True)]
    codes = sorted(set(hit["area"]))
    if len(codes) != 1:
        why = "not in the OFLC Geography file" if not codes else f"in several areas ({', '.join(codes)}): add the state or oflc_area"
        return None, f"area not resolved: county {county}{', ' + state if state else ''} {why}"
    return codes[0], ""


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


# What a talking point that cites market data carries as structured data (negotiate JSON
# `talking_points[].market`): the keys of compare's `market[]` entry that say where the figure came from.
REFERENCE_KEYS = ("component", "source", "as_of", "matched", "percentile", "clamped", "sample_size")


def market_reference(row: Mapping[str, Any]) -> dict[str, Any]:
    """One placed market row (a row of `place_offers` output, as a mapping) → its REFERENCE_KEYS,
    built by `to_market_json` so the values are exactly those of compare's `market[]` entry."""
    # a hand-made placement row may lack keys the JSON entry has (gap_to_p50, ...): they read as missing
    frame = pd.DataFrame([{**dict.fromkeys(JSON_KEYS), **dict(row), "offer_id": row.get("offer_id", "")}])
    entry = next(iter(to_market_json(frame).values()))[0]
    return {k: entry.get(k) for k in REFERENCE_KEYS}
