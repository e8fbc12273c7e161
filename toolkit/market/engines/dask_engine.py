"""The Dask engine: raw samples spread over a `dask.distributed` cluster.

The samples are shuffled by role, so that every group of a role, and therefore every fallback
pool (pools never mix roles), lives in one partition; each partition is then measured and
summarised by the in-memory engine's own code (`pandas_engine.InMemorySamples`,
`summarize_frame`). Summaries grouped without the role are shuffled again by their keys.
Before the shuffle the text columns become categoricals with the same known categories in
every partition (`_compact`), so the shuffle and the workers hold codes, not text.

Input: Parquet written by `market convert` (one file or a glob) is read by the workers
directly; any other market file is imported in memory by its importer and scattered to the
cluster. Without `scheduler`, a LocalCluster of 2 worker processes bound to 127.0.0.1 is
started (and closed by `close()`).
"""

from __future__ import annotations

import os
from typing import Mapping, Sequence

import numpy as np
import pandas as pd

from ...errors import InputError, Issue
from .. import model as M
from .base import Groups, PoolMeasure, SUMMARY_STATS, key_filter
from ..convert import KIND
from .pandas_engine import InMemorySamples, summarize_frame

ENGINE = "dask"
_TEXT = (*M.KEY_COLUMNS, *M.KEYS, "currency")


def _local(part: pd.DataFrame) -> pd.DataFrame:
    """A partition as the in-memory engine expects it: key and display columns categorical."""
    part = part.reset_index(drop=True)
    for key in M.KEYS:  # the display column shares the key's codes, as the importers build them
        kc = part[M.key_column(key)]
        if isinstance(kc.dtype, pd.CategoricalDtype):  # the cluster's compact form (see `_compact`)
            kc = kc.cat.remove_unused_categories()
            codes, keys = kc.cat.codes.to_numpy(), [str(k) for k in kc.cat.categories]
        else:
            codes, keys = pd.factorize(kc.astype(str))
        _, first_row = np.unique(codes, return_index=True)  # each key's display: that of its first row
        shown = part[key].iloc[first_row].astype(str).to_numpy()
        part[M.key_column(key)] = pd.Categorical.from_codes(codes, categories=list(keys))
        part[key] = pd.Categorical.from_codes(codes, categories=_distinct_names(shown))
    cur = part["currency"]
    part["currency"] = cur.cat.remove_unused_categories() if isinstance(cur.dtype, pd.CategoricalDtype) else cur.astype(str).astype("category")
    return part


def _compact(frame):
    """Text columns as categoricals with the same known categories in every partition: a
    sample then takes a few bytes of codes instead of ~100 bytes of text, in the shuffle and
    on the workers. The distinct values are found in one pass first."""
    import dask

    uniques = dask.compute(*[frame[c].unique() for c in _TEXT])
    for c, u in zip(_TEXT, uniques):
        frame[c] = frame[c].astype(pd.CategoricalDtype(sorted({str(x) for x in u})))
    return frame


def _distinct_names(names) -> list[str]:
    seen: dict[str, int] = {}
    out = []
    for n in names:
        seen[n] = seen.get(n, -1) + 1
        out.append(n if not seen[n] else f"{n} ({seen[n]})")
    return out


def _group_table(part: pd.DataFrame) -> pd.DataFrame:
    """One row per group of a partition: keys, shown name, counts per component."""
    if not len(part):
        return pd.DataFrame({**{c: pd.Series([], dtype=object) for c in (*M.KEY_COLUMNS, *M.KEYS)},
                             **{f"n_{c}": pd.Series([], dtype=np.int64) for c in M.COMPONENTS}})
    g = InMemorySamples(_local(part)).groups()
    return pd.DataFrame({"_role": g.role, "_level": g.level, "_location": g.location, "role": g.display[0],
                         "level": g.display[1], "location": g.display[2], **{f"n_{c}": g.counts[c] for c in M.COMPONENTS}})


def _measure_part(part: pd.DataFrame, comp: str, factors: Mapping[str, float], pools: list[list[tuple]],
                  queries: list[np.ndarray]) -> list[PoolMeasure]:
    table = InMemorySamples(_local(part))
    g = table.groups()
    local = {k: i for i, k in enumerate(zip(g.role, g.level, g.location))}
    gids = [np.array([local[k] for k in pool], dtype=np.int64) for pool in pools]
    return table.measure(comp, factors, gids, queries)


def _summary_part(part: pd.DataFrame, by: Sequence[str], keys: Mapping[str, str], factors, currency) -> pd.DataFrame:
    if not len(part):
        return pd.DataFrame({c: pd.Series([], dtype=object) for c in (*by, "component", "currency")}
                            | {c: pd.Series([], dtype="float64") for c in SUMMARY_STATS})
    frame = _local(part)
    keep = key_filter({k: frame[M.key_column(k)].astype(str).to_numpy() for k in keys}, keys)
    if keep is not None:
        frame = frame[keep]
    out = summarize_frame(frame, by, factors, currency)
    for b in by:
        out[b] = out[b].astype(str)
    out["currency"] = out["currency"].astype(str)
    for c in SUMMARY_STATS:
        out[c] = out[c].astype("float64")
    return out[[*by, "component", "currency", *SUMMARY_STATS]]


class DaskSamples:
    """Raw samples in a Dask DataFrame shuffled by `_role` (see the module docstring)."""

    engine = ENGINE

    def __init__(self, client, frame, components: tuple[str, ...], currencies: tuple[str, ...]):
        self.client = client
        self.frame = frame
        self._components = components
        self._currencies = currencies
        self._groups: Groups | None = None
        self._part_of_group: np.ndarray | None = None

    def components(self) -> tuple[str, ...]:
        return self._components

    def currencies(self) -> tuple[str, ...]:
        return self._currencies

    def groups(self) -> Groups:
        if self._groups is None:
            import dask

            parts = self.frame.to_delayed()
            tables = dask.compute(*[dask.delayed(_group_table)(p) for p in parts])
            self._part_of_group = np.concatenate([np.full(len(t), i) for i, t in enumerate(tables)]).astype(np.int64)
            g = pd.concat(tables, ignore_index=True)
            self._groups = Groups.build(g["_role"], g["_level"], g["_location"], (g["role"], g["level"], g["location"]),
                                        {c: g[f"n_{c}"].to_numpy(dtype=np.int64) for c in M.COMPONENTS})
        return self._groups

    def measure(self, comp: str, factors: Mapping[str, float], pools: Sequence[np.ndarray],
                queries: Sequence[np.ndarray]) -> list[PoolMeasure]:
        import dask

        g = self.groups()
        parts = self.frame.to_delayed()
        per_part: dict[int, list[int]] = {}
        for i, pool in enumerate(pools):
            owner = set(self._part_of_group[pool].tolist())
            assert len(owner) == 1, "a pool spans partitions: the frame was not shuffled by role"
            per_part.setdefault(owner.pop(), []).append(i)
        tasks, order = [], []
        for part, idx in per_part.items():
            keys = [[(g.role[j], g.level[j], g.location[j]) for j in pools[i]] for i in idx]
            tasks.append(dask.delayed(_measure_part)(parts[part], comp, dict(factors), keys, [queries[i] for i in idx]))
            order.append(idx)
        out: list[PoolMeasure | None] = [None] * len(pools)
        for idx, result in zip(order, dask.compute(*tasks)):
            for i, m in zip(idx, result):
                out[i] = m
        return out  # type: ignore[return-value]

    def summary(self, by: Sequence[str], keys: Mapping[str, str], factors: Mapping[str, float] | None,
                currency: str | None) -> pd.DataFrame:
        frame = self.frame
        if "role" not in by:  # groups would cross partitions: bring each group together first
            frame = frame.shuffle(on=[M.key_column(b) for b in by])
        meta = _summary_part(frame._meta, by, keys, factors, currency)
        out = frame.map_partitions(_summary_part, by, dict(keys), factors, currency, meta=meta).compute()
        return out.reset_index(drop=True)


def start(scheduler: str | None = None, *, workers: int = 2):
    """A distributed Client: on `scheduler` (an address like tcp://10.0.0.5:8786), or on a new
    LocalCluster of `workers` processes bound to 127.0.0.1 without a dashboard."""
    from distributed import Client, LocalCluster

    if scheduler:
        try:
            return Client(scheduler, timeout="10s")
        except (OSError, TimeoutError) as exc:
            raise InputError([Issue(source="--scheduler", code="bad_argument",
                                    message=f"cannot reach the Dask scheduler at {scheduler!r}: {exc}")]) from None
    cluster = LocalCluster(n_workers=workers, threads_per_worker=1, processes=True, host="127.0.0.1",
                           dashboard_address=None, silence_logs=40)
    return Client(cluster)


def load(path: str | os.PathLike, client, *, options: M.MarketOptions | None = None) -> M.MarketData:
    """Raw samples on the cluster, shuffled by role; percentile and wage-level files stay in memory."""
    import dask.dataframe as dd

    from ..importers import load_market
    from .duckdb_engine import expand, is_converted

    options = options or M.MarketOptions()
    files = expand(path)
    cols = [*M.KEY_COLUMNS, *M.KEYS, "currency", *M.COMPONENTS]
    if is_converted(files):
        import pyarrow.parquet as pq

        present = set(pq.read_schema(files[0]).names)
        frame = dd.read_parquet([str(f) for f in files], columns=[KIND, *(c for c in cols if c in present)],
                                filters=[(KIND, "==", "samples")])
        frame = frame[frame[KIND] == "samples"]
        for c in M.COMPONENTS:
            if c not in present:
                frame[c] = np.nan
        frame = frame[cols]
        for c in _TEXT:
            frame[c] = frame[c].astype(str)
        market = None
    else:
        if len(files) > 1:
            raise InputError([Issue(source=str(path), code="unknown_type",
                                    message="the Dask engine reads a glob of files written by `market convert`; convert each file first")])
        return adopt(load_market(files[0], options=options), client)
    return _finish(frame, client, str(path), options, None, files)


def adopt(market: M.MarketData, client) -> M.MarketData:
    """An in-memory market's raw samples moved to the cluster (others stay: they are small)."""
    import dask.dataframe as dd

    if market.samples is None:
        return market  # percentile tables and wage levels are small: placed in memory
    cols = [*M.KEY_COLUMNS, *M.KEYS, "currency", *M.COMPONENTS]
    local = market.samples[cols].copy()
    for c in _TEXT:
        local[c] = local[c].astype(str)
    frame = dd.from_pandas(local, npartitions=max(1, min(8, len(local) // 250_000 + 1)))
    return _finish(frame, client, market.source, market.options, market)


def _finish(frame, client, source: str, options: M.MarketOptions, market: M.MarketData | None, files=()) -> M.MarketData:
    n_workers = max(1, len(client.scheduler_info().get("workers", {})))
    frame = _compact(frame).shuffle(on="_role", npartitions=max(2, n_workers * 2)).persist()
    stats = frame[list(M.COMPONENTS)].count().compute()
    components = tuple(c for c in M.COMPONENTS if int(stats[c]))
    currencies = tuple(sorted(str(c) for c in frame["currency"].unique().compute() if str(c)))
    table = DaskSamples(client, frame, components, currencies)
    if market is not None:
        import dataclasses

        return dataclasses.replace(market, samples=None, table=table)
    from ..convert import converted_facts

    label, as_of, report, options = converted_facts(files, options)
    return M.MarketData(source=source, label=label, format="samples", report=report, options=options,
                        table=table, currencies=currencies, as_of=as_of)
