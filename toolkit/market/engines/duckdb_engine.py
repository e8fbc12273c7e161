"""The DuckDB engine: raw samples in CSV or Parquet files (or globs) that DuckDB reads directly,
for data larger than memory. Exact percentiles (`quantile_cont`, the same linear rule as
numpy), an explicit `memory_limit`, spilling to a temporary folder.

What is read directly: canonical Parquet written by `market convert` (its `_role`, `_level`,
`_location` keys are already computed) and the toolkit's own raw-sample tables (CSV or Parquet:
role and at least one of base, bonus, equity, total). Every rule of the in-memory importer is
applied by running the same Python function on each *distinct* value (keys and aliases through
`keys.factorize_keys`, currencies through `parse_currency`, amounts that are not plain numbers
through `importers.base.to_number`) and joining the answers back, so the rules have one home
and a 40-million-row file costs a few thousand Python calls. Any other format (BLS, LCA,
levels.fyi, XLSX, ...) is imported in memory by its importer; `market convert` turns it into
Parquet once.

Placement reads one component's samples role by role (pools never mix roles) out of a copy
ordered by group, and measures them with the in-memory engine's code (values sorted within groups,
percentiles by index arithmetic, ties counted by binary search, never by row number), so
memory is one role's values of one component.
"""

from __future__ import annotations

import glob as globlib
import os
import tempfile
from pathlib import Path
from typing import Mapping, Sequence

import numpy as np
import pandas as pd

from ... import bounds
from ...errors import InputError, Issue
from .. import model as M
from ..keys import compile_aliases_with_display, factorize_keys
from ..importers.base import NONZERO_COMPONENTS
from .base import Groups, PoolMeasure, SUMMARY_STATS
from .pandas_engine import measure_sorted, sorted_within_groups

AMOUNT_MAX = bounds.BOUNDS["amount"][1]
WHYS = ("bad", "neg", "huge", "zero")  # why a cell is not an amount, in the in-memory importer's order

ENGINE = "duckdb"
DEFAULT_MEMORY_LIMIT = "2GB"
ONE_PASS_BYTES = 256 * 2**20  # summary: every component in one pass below this (rows x components x 16 bytes)
from ..convert import CONVERTED_MARK, KIND
_QS = [k / 100 for k in M.REPORTED_POINTS]


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def expand(path: str | os.PathLike) -> list[Path]:
    """The files a path or glob names, sorted; an InputError when there are none."""
    text = str(path)
    files = sorted(Path(p) for p in globlib.glob(text)) if any(ch in text for ch in "*?[") else [Path(text)]
    files = [f for f in files if f.is_file()]
    if not files:
        raise InputError([Issue(source=text, code="not_found", message="no such file (or no file matches the pattern)")])
    return files


def connect(memory_limit: str | None = None, threads: int | None = None):
    """A DuckDB connection with an explicit memory limit and a temporary folder to spill to."""
    import duckdb

    con = duckdb.connect(config={"memory_limit": memory_limit or DEFAULT_MEMORY_LIMIT,
                                 "temp_directory": os.path.join(tempfile.gettempdir(), "offer-toolkit-duckdb"),
                                 "preserve_insertion_order": False,
                                 "autoinstall_known_extensions": False, "autoload_known_extensions": False})
    if threads:
        con.execute(f"SET threads = {int(threads)}")
    return con


def _scan(files: Sequence[Path]) -> tuple[str, str]:
    """(SQL table expression reading the files, kind 'parquet' | 'csv')."""
    kinds = {f.suffix.lower() for f in files}
    names = "[" + ", ".join(_literal(str(f)) for f in files) + "]"
    if kinds <= {".parquet", ".pq"}:
        return f"read_parquet({names}, union_by_name = true)", "parquet"
    if kinds <= {".csv", ".tsv", ".txt"}:
        return f"read_csv({names}, all_varchar = true, header = true, union_by_name = true)", "csv"
    raise InputError([Issue(source=str(files[0]), code="unknown_type",
                            message=f"the DuckDB engine reads CSV and Parquet files, got {sorted(kinds)}; "
                                    "convert other files with `offer-toolkit market convert FILE -o FILE.parquet`")])


def is_converted(files: Sequence[Path]) -> bool:
    """True when every file is Parquet written by `market convert`."""
    if not all(f.suffix.lower() in (".parquet", ".pq") for f in files):
        return False
    import pyarrow.parquet as pq

    return all(CONVERTED_MARK in (pq.read_schema(f).metadata or {}) for f in files)


class DuckDBSamples:
    """Raw samples behind a DuckDB view `samples` with columns _role, _level, _location, role,
    level, location (display), currency, base, bonus, equity, total."""

    engine = ENGINE

    def __init__(self, con, components: tuple[str, ...], currencies: tuple[str, ...], rows: int = 0):
        self.con = con
        self.rows = rows
        self._components = components
        self._currencies = currencies
        self._groups: Groups | None = None
        self._display: dict[str, dict[str, str]] = {}

    def components(self) -> tuple[str, ...]:
        return self._components

    def currencies(self) -> tuple[str, ...]:
        return self._currencies

    def groups(self) -> Groups:
        if self._groups is None:
            counts = ", ".join(f"count({c}) AS n_{c}" for c in M.COMPONENTS)
            g = self.con.sql(
                f"SELECT _role, _level, _location, min(role) AS role, min(level) AS level, min(location) AS location, {counts} "
                "FROM samples GROUP BY ALL ORDER BY _role, _level, _location").df()
            g["gid"] = np.arange(len(g), dtype=np.int64)
            self.con.register("groups_df", g[["_role", "_level", "_location", "gid"]])
            self.con.execute("CREATE OR REPLACE TEMP TABLE groups AS SELECT * FROM groups_df")
            self.con.unregister("groups_df")
            for key in M.KEYS:
                k = g[M.key_column(key)].astype(str)
                self._display[key] = dict(zip(k, g[key].fillna("").astype(str)))
            self._groups = Groups.build(g["_role"], g["_level"], g["_location"], (g["role"], g["level"], g["location"]),
                                        {c: g[f"n_{c}"].to_numpy(dtype=np.int64) for c in M.COMPONENTS})
        return self._groups

    def _set_factors(self, factors: Mapping[str, float] | None) -> None:
        if factors:
            frame = pd.DataFrame({"currency": list(factors), "factor": [float(v) for v in factors.values()]})
            self.con.register("factors_df", frame)
            self.con.execute("CREATE OR REPLACE TEMP TABLE factors AS SELECT * FROM factors_df")
            self.con.unregister("factors_df")

    def measure(self, comp: str, factors: Mapping[str, float], pools: Sequence[np.ndarray],
                queries: Sequence[np.ndarray]) -> list[PoolMeasure]:
        """Role by role (pools never mix roles): the role's values of `comp` come out of DuckDB
        and are sorted within groups and measured by the in-memory engine's own code, so Python
        holds one role's values and the numbers are the pandas engine's.

        The values of `comp` (converted, with their group id) are first copied into a temp
        table ordered by group id: a role's groups are consecutive ids, so reading one role
        touches only its own row groups (DuckDB skips the others by their min/max), whatever the
        order of the files. The copy is 12 bytes a value and dropped afterwards."""
        if not pools:
            return []
        g = self.groups()
        factors = factors if any(f != 1.0 for f in factors.values()) else None
        self._set_factors(factors)
        scale = " * f.factor" if factors else ""
        join = " JOIN factors f ON f.currency = s.currency" if factors else ""
        self.con.execute(f"CREATE OR REPLACE TEMP TABLE comp_values AS SELECT CAST(g.gid AS INTEGER) AS gid, s.{comp}{scale} AS v "
                         f"FROM samples s JOIN groups g ON g._role = s._role AND g._level = s._level AND g._location = s._location{join} "
                         f"WHERE s.{comp} IS NOT NULL AND NOT isnan(s.{comp}) ORDER BY gid")
        by_role: dict[str, list[int]] = {}
        for i, gids in enumerate(pools):
            by_role.setdefault(str(g.role[gids[0]]), []).append(i)
        out: list[PoolMeasure | None] = [None] * len(pools)
        try:
            for role, idx in by_role.items():
                members = g.by_role[role]
                lo, hi = int(members.min()), int(members.max())
                got = self.con.execute(f"SELECT gid, v FROM comp_values WHERE gid BETWEEN {lo} AND {hi}").fetchnumpy()
                gid = np.asarray(got["gid"], dtype=np.int32) - lo
                values = np.asarray(got["v"], dtype="float64")
                del got
                ordered, starts, counts = sorted_within_groups(gid, values, hi - lo + 1)
                del gid, values
                measured = measure_sorted(ordered, starts, counts, [pools[i] - lo for i in idx], [queries[i] for i in idx])
                for i, m in zip(idx, measured):
                    out[i] = m
        finally:
            self.con.execute("DROP TABLE IF EXISTS comp_values")
        return out  # type: ignore[return-value]

    def summary(self, by: Sequence[str], keys: Mapping[str, str], factors: Mapping[str, float] | None,
                currency: str | None) -> pd.DataFrame:
        self.groups()
        where = []
        for key, wanted in keys.items():
            col = M.key_column(key)
            cond = f"s.{col} = {_literal(wanted)}"
            where.append(f"({cond} OR s.{col} = '')" if key != "role" else cond)
        self._set_factors(factors if currency else None)
        cur = _literal(currency) if currency else "s.currency"
        scale = " * f.factor" if currency else ""
        join = " JOIN factors f ON f.currency = s.currency" if currency else ""
        group = ", ".join(f"s.{M.key_column(b)}" for b in by)
        # exact quantiles hold every value of a group in memory (DuckDB cannot spill them): all
        # components in one pass while that stays small (aggregates skip NULLs; a component with
        # no value in a group gives it no row), one pass per component above that
        one_pass = self.rows * len(self._components) * 16 <= ONE_PASS_BYTES
        batches = [self._components] if one_pass else [(c,) for c in self._components]
        frames = []
        for comps in batches:
            aggs = []
            for comp in comps:
                v = f"s.{comp}{scale}"
                aggs.append(f"count({v}) AS n_{comp}, quantile_cont({v}, {_QS}) AS q_{comp}, avg({v}) AS mean_{comp}, "
                            f"min({v}) AS min_{comp}, max({v}) AS max_{comp}")
            conds = where + ([] if one_pass else [f"s.{comps[0]} IS NOT NULL"])
            cond = f" WHERE {' AND '.join(conds)}" if conds else ""
            wide = self.con.sql(
                f"SELECT {', '.join(f's.{M.key_column(b)} AS {b}' for b in by)}, {cur} AS currency, {', '.join(aggs)} "
                f"FROM samples s{join}{cond} GROUP BY {group}, {cur}").df()
            for comp in comps:
                part = wide[wide[f"n_{comp}"] > 0]
                frames.append(pd.DataFrame({**{b: part[b] for b in by}, "component": comp, "currency": part["currency"],
                                            "n": part[f"n_{comp}"], "q": part[f"q_{comp}"], "mean": part[f"mean_{comp}"],
                                            "min": part[f"min_{comp}"], "max": part[f"max_{comp}"]}))
        out = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()
        if not len(out):
            return pd.DataFrame(columns=[*by, "component", "currency", *SUMMARY_STATS])
        q = np.array(out.pop("q").tolist(), dtype="float64")
        for j, k in enumerate(M.REPORTED_POINTS):
            out[M.pcol(k)] = q[:, j]
        for b in by:  # keys → the spelling people wrote
            out[b] = out[b].astype(str).map(self._display[b])
        return out[[*by, "component", "currency", *SUMMARY_STATS]]


# ---------------------------------------------------------------- loading


def _distinct(con, scan: str, column: str) -> pd.Series:
    return con.sql(f"SELECT DISTINCT {_quote(column)} AS v FROM {scan}").df()["v"]


def _register(con, name: str, frame: pd.DataFrame) -> None:
    con.register(name + "_df", frame)
    con.execute(f"CREATE OR REPLACE TEMP TABLE {name} AS SELECT * FROM {name}_df")
    con.unregister(name + "_df")


def load(path: str | os.PathLike, *, options: M.MarketOptions | None = None, memory_limit: str | None = None,
         threads: int | None = None) -> M.MarketData:
    """Open raw samples in CSV/Parquet files (or a glob) for the DuckDB engine.

    Returns a MarketData whose `table` is a DuckDBSamples; other formats are imported in memory
    by `importers.load_market` (see the module docstring).

    Raises:
        InputError: no file, an unsupported kind, columns that are not raw samples, filters the
            engine does not apply, every row dropped.
    """
    from ..importers import detect_format, load_market

    options = options or M.MarketOptions()
    files = expand(path)
    source = str(path)
    con = connect(memory_limit, threads)
    scan, kind = _scan(files)
    columns = [d[0] for d in con.sql(f"DESCRIBE SELECT * FROM {scan}").fetchall()]
    converted = is_converted(files)
    fmt = detect_format(columns)
    if not converted and (fmt is None or fmt.name != "samples"):
        if len(files) > 1:
            raise InputError([Issue(source=source, code="unknown_type",
                                    message="a glob must name raw-sample tables or files written by `market convert`; "
                                            f"{files[0].name} is {'of unknown kind' if fmt is None else fmt.label}")])
        market = load_market(files[0], options=options)
        return market  # read in memory by its importer
    if options.years_experience is not None or options.companies or options.date_from or options.date_to:
        raise InputError([Issue(source=source, code="bad_argument",
                                message="the DuckDB engine does not apply the years, company or date filters; "
                                        "use --engine pandas for a filtered file")])
    lower = {c.lower(): c for c in columns}
    comps = [c for c in M.COMPONENTS if c in lower]
    if converted:
        cols = ", ".join(_quote(c) for c in (*M.KEY_COLUMNS, *M.KEYS, "currency", *comps))
        con.execute(f"CREATE VIEW samples AS SELECT {cols}"
                    + "".join(f", CAST(NULL AS DOUBLE) AS {c}" for c in M.COMPONENTS if c not in comps)
                    + f" FROM {scan} WHERE {KIND} = 'samples'")
        from ..convert import converted_facts

        label, as_of, report, options = converted_facts(files, options)
        rows = int(con.sql("SELECT count(*) FROM samples").fetchall()[0][0])
    else:
        report, rows = _canonical_view(con, scan, kind, lower, comps, options, source)
        label, as_of = "raw samples", None
    found = con.sql("SELECT " + ", ".join(f"count({c}) AS {c}" for c in M.COMPONENTS) + " FROM samples").fetchall()[0]
    components = tuple(c for c, n in zip(M.COMPONENTS, found) if n)
    currencies = tuple(sorted(r[0] for r in con.sql("SELECT DISTINCT currency FROM samples").fetchall() if r[0]))
    if not rows:
        raise InputError([Issue(source=source, code="no_data", message=f"no usable rows: {report.render().split(': ', 1)[1]}")])
    table = DuckDBSamples(con, components, currencies, rows)
    return M.MarketData(source=source, label=label, format="samples", report=report, options=options,
                        table=table, currencies=currencies, as_of=as_of)


def _read_csv_rows(con, scan: str, lower: dict[str, str], comps: list[str]) -> set[str]:
    """The CSV into the temp table `src_rows`; the source columns read as DOUBLE.

    First with explicit types: the amount columns DOUBLE (DuckDB's own number parser, the one
    TRY_CAST uses, so a value reads the same either way), every other column VARCHAR (text kept
    as written). A cell that is not a plain number makes that read fail; then every column is
    read as text and the importer's rules sort the cells out (see `_canonical_view`)."""
    import duckdb

    amounts = {lower[c] for c in comps}
    if amounts and "all_varchar = true" in scan:
        types = "{" + ", ".join(f"{_literal(c)}: '{'DOUBLE' if c in amounts else 'VARCHAR'}'" for c in lower.values()) + "}"
        try:
            con.execute(f"CREATE TEMP TABLE src_rows AS SELECT * FROM {scan.replace('all_varchar = true', 'types = ' + types)}")
            return amounts
        except duckdb.Error:
            con.execute("DROP TABLE IF EXISTS src_rows")
    con.execute(f"CREATE TEMP TABLE src_rows AS SELECT * FROM {scan}")
    return set()


def _canonical_view(con, scan: str, kind: str, lower: dict[str, str], comps: list[str], options: M.MarketOptions,
                    source: str) -> tuple[M.ImportReport, int]:
    """The `samples` view over a raw-sample table, with the importer's rules applied per distinct value."""
    from ..importers.base import to_number
    from ...offers.money import AmountError, parse_currency

    aliases = compile_aliases_with_display(options.alias_map)
    typed: set[str] = set()  # source columns DuckDB read as DOUBLE
    if kind == "csv":  # parse the text once; the distinct-value questions below then read a table
        typed = _read_csv_rows(con, scan, lower, comps)
        scan = "src_rows"
    joins, selects = [], []
    for key in M.KEYS:
        if key in lower:
            raw = _distinct(con, scan, lower[key]).astype(object)
            raw = raw.sort_values(key=lambda s: s.astype(str), na_position="first").reset_index(drop=True)
            codes, keys, display = factorize_keys(raw, aliases, location=key == "location")
            _register(con, f"map_{key}", pd.DataFrame({"raw": raw.astype(object).where(raw.notna(), None),
                                                       "k": np.asarray(keys, dtype=object)[codes],
                                                       "shown": np.asarray(display, dtype=object)[codes]}))
            joins.append(f"LEFT JOIN map_{key} ON map_{key}.raw IS NOT DISTINCT FROM src.{_quote(lower[key])}")
            selects.append(f"coalesce(map_{key}.k, '') AS {M.key_column(key)}, coalesce(map_{key}.shown, '') AS {key}")
        else:
            selects.append(f"'' AS {M.key_column(key)}, '' AS {key}")
    if "currency" in lower:
        raw = _distinct(con, scan, lower["currency"])
        good = []
        for u in raw:
            text = "" if u is None or (isinstance(u, float) and u != u) else str(u).strip().upper()
            if text == "" and options.default_currency:
                good.append(options.default_currency)
                continue
            try:
                good.append(parse_currency(text))
            except AmountError:
                good.append(None)
        _register(con, "map_currency", pd.DataFrame({"raw": raw.astype(object).where(raw.notna(), None), "code": good,
                                                     "shown": [("" if u is None or (isinstance(u, float) and u != u) else str(u).strip().upper()) for u in raw]}))
        joins.append(f"LEFT JOIN map_currency ON map_currency.raw IS NOT DISTINCT FROM src.{_quote(lower['currency'])}")
        selects.append("map_currency.code AS currency, map_currency.shown AS currency_raw")
    elif options.default_currency:
        selects.append(f"{_literal(options.default_currency)} AS currency, '' AS currency_raw")
    else:
        raise InputError([Issue(source=source, field="currency", code="missing",
                                message="no 'currency' column; add one (ISO code such as USD or EUR per row) or set a default currency")])
    for comp in M.COMPONENTS:
        if comp not in comps:
            selects.append(f"CAST(NULL AS DOUBLE) AS {comp}, false AS {comp}_bad, false AS {comp}_neg, "
                           f"false AS {comp}_huge, false AS {comp}_zero")
            continue
        c = _quote(lower[comp])
        num = f"TRY_CAST(src.{c} AS DOUBLE)"
        if kind == "csv" and lower[comp] not in typed:
            raw = con.sql(f"SELECT DISTINCT src.{c} AS v FROM {scan} src WHERE {num} IS NULL AND src.{c} IS NOT NULL").df()["v"]
            values, bad = to_number(raw.astype(object), comp, None) if len(raw) else (np.array([]), np.array([], bool))
            _register(con, f"amt_{comp}", pd.DataFrame({"raw": raw.astype(object), "value": values, "bad": bad}))
            joins.append(f"LEFT JOIN amt_{comp} ON amt_{comp}.raw = src.{c}")
            value = f"CASE WHEN isfinite({num}) THEN {num} WHEN {num} IS NULL THEN amt_{comp}.value END"
            bad_expr = f"(coalesce(amt_{comp}.bad, false) OR coalesce(isinf({num}), false))"
        else:
            value = f"CASE WHEN isfinite({num}) THEN {num} END"
            bad_expr = f"coalesce(isinf({num}), false)"  # 'NaN' is a missing cell, as in the in-memory importer
        # the same bounds as the in-memory importer (importers/base.py finish_samples, toolkit/bounds.py)
        zero = f"coalesce({value} = 0, false)" if comp in NONZERO_COMPONENTS else "false"
        selects.append(f"CASE WHEN {value} >= 0 AND {value} <= {AMOUNT_MAX!r} AND NOT {zero} THEN {value} END AS {comp}, "
                       f"{bad_expr} AS {comp}_bad, coalesce({value} < 0, false) AS {comp}_neg, "
                       f"coalesce({value} > {AMOUNT_MAX!r}, false) AS {comp}_huge, {zero} AS {comp}_zero")
    header = ""
    text_cols = [c for c in lower.values() if c not in typed]  # a repeated header row is text everywhere
    need = max(2, (len(lower) + 1) // 2)
    if kind == "csv" and len(text_cols) >= need:
        hits = " + ".join(f"(lower(trim(coalesce(src.{_quote(c)}, ''))) = {_literal(c.lower())})::INT" for c in text_cols)
        header = f", ({hits}) >= {need} AS is_header"
    else:
        header = ", false AS is_header"
    con.execute(f"CREATE TEMP TABLE raw_view AS SELECT {', '.join(selects)}{header} FROM {scan} src {' '.join(joins)}")
    if kind == "csv":
        con.execute("DROP TABLE src_rows")
    any_amount = " OR ".join(f"{c} IS NOT NULL" for c in M.COMPONENTS)
    kept = f"NOT is_header AND _role <> '' AND currency IS NOT NULL AND ({any_amount})"
    con.execute(f"CREATE VIEW samples AS SELECT _role, _level, _location, role, level, location, currency, "
                f"{', '.join(M.COMPONENTS)} FROM raw_view WHERE {kept}")
    # the import report: each dropped row once, under the reason the in-memory importer gives first
    reasons = [("repeated header row", "is_header")]
    reasons.append(("no role", "_role = ''"))
    reasons.append(("__currency__", "currency IS NULL"))
    for comp in M.COMPONENTS:
        reasons.append((f"text in number column '{comp}'", f"NOT ({any_amount}) AND {comp}_bad"))
        reasons.append((f"negative amount in '{comp}'", f"NOT ({any_amount}) AND {comp}_neg"))
        reasons.append((f"amount {bounds.above_text('amount')} in '{comp}'", f"NOT ({any_amount}) AND {comp}_huge"))
        reasons.append((f"zero amount in '{comp}'", f"NOT ({any_amount}) AND {comp}_zero"))
    reasons.append(("no amount in any of base, bonus, equity, total", f"NOT ({any_amount})"))
    case = " ".join(f"WHEN {cond} THEN {i}" for i, (_, cond) in enumerate(reasons))
    ignored = ", ".join(f"count(*) FILTER (WHERE ({kept}) AND {c}_{w}) AS ign_{c}_{w}" for c in M.COMPONENTS for w in WHYS)
    tally = con.sql(f"SELECT CASE {case} ELSE -1 END AS reason, CASE WHEN currency IS NULL THEN currency_raw END AS cur, "
                    f"count(*) AS n FROM raw_view GROUP BY ALL").df()
    counts = con.sql(f"SELECT count(*) AS n, {ignored} FROM raw_view").df().iloc[0]
    dropped: dict[str, int] = {}
    for i, (reason, _) in enumerate(reasons):
        for _, row in tally[tally["reason"] == i].iterrows():
            name = reason if reason != "__currency__" else ("missing currency" if not row["cur"] else f"unknown currency {row['cur']!r}")
            dropped[name] = dropped.get(name, 0) + int(row["n"])
    rows_read = int(counts["n"])
    kept_n = int(tally.loc[tally["reason"] == -1, "n"].sum())
    values_dropped = {}
    for c in M.COMPONENTS:
        for w, label in zip(WHYS, (f"text in number column '{c}'", f"negative amount in '{c}'",
                                   f"amount {bounds.above_text('amount')} in '{c}'", f"zero amount in '{c}'")):
            if int(counts[f"ign_{c}_{w}"]):
                values_dropped[label] = int(counts[f"ign_{c}_{w}"])
    report = M.ImportReport(source=source, format="raw samples", rows_read=rows_read, rows_kept=kept_n,
                            dropped=tuple((k, v) for k, v in dropped.items() if v),
                            values_dropped=tuple(values_dropped.items()))
    return report, kept_n
