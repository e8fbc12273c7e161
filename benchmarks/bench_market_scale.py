"""Benchmark for GitHub issue 16, items 3 and 5: market data read from files, and past memory.

Part 1 (`--rows`, default 1,000,000 raw samples written to CSV and to Parquet):
  read + summarise with each engine against the bare library on the same file in the same run,
  `pandas.read_csv` (or `read_parquet`) + `groupby([role, level, location])[4 components]
  .quantile(5 q)`; targets: CSV <= 3x, Parquet <= 2x.
Part 2 (`--big`, default 40,000,000 samples in converted Parquet files, `--offers` 1,000,000):
  summarise and place with DuckDB at memory_limit 2 GB (time, peak RSS <= 3 GB), then the same
  through Dask on a LocalCluster of 2 workers; results compared with each other.

Each measurement runs in a fresh process (`--only`), so peak RSS belongs to one engine.
Run:  python benchmarks/bench_market_scale.py [--rows N] [--big N] [--offers N] [--skip-big]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from bench_market import LEVELS, QS, ROLES, make_offers  # noqa: E402

CITIES = ["Seattle, WA", "San Francisco, CA", "New York, NY", "Austin, TX", "Boston, MA", "Denver, CO",
          "Chicago, IL", "Remote", ""]  # US only, so every engine pools the same rows
KEYS = ["role", "level", "location"]
COMPS = ["base", "bonus", "equity", "total"]


def rss_mb() -> float:
    """Peak resident memory of this process in MB: VmHWM, which exec resets (ru_maxrss keeps
    the parent's peak across fork and exec, so it would count the data generator's memory)."""
    try:
        with open("/proc/self/status") as fh:
            for line in fh:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux: KiB


def make_samples(n: int, seed: int) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    base = rng.lognormal(11.8, 0.35, n).round(-2)  # rounded: many ties
    return pd.DataFrame({
        "role": pd.Categorical.from_codes(rng.integers(0, len(ROLES), n), ROLES),
        "level": pd.Categorical.from_codes(rng.integers(0, len(LEVELS), n), LEVELS),
        "location": pd.Categorical.from_codes(rng.integers(0, len(CITIES), n), CITIES),
        "base": base,
        "bonus": np.where(rng.random(n) < 0.2, np.nan, (base * rng.uniform(0.05, 0.25, n)).round(0)),
        "equity": np.where(rng.random(n) < 0.4, np.nan, (base * rng.uniform(0.1, 1.0, n)).round(0)),
        "total": (base * rng.uniform(1.1, 2.2, n)).round(0),
        "currency": "USD",
    })


def timed(fn):
    start = time.perf_counter()
    out = fn()
    return time.perf_counter() - start, out


# ---------------------------------------------------------------- one measurement per process


def run_one(kind: str, path: str, extra: dict) -> dict:
    from toolkit.market import iter_placements, summarize
    from toolkit.market.engines import Engine

    if kind == "baseline-csv":
        t, _ = timed(lambda: pd.read_csv(path).groupby(KEYS, observed=True)[COMPS].quantile(QS))
    elif kind == "baseline-parquet":
        t, _ = timed(lambda: pd.read_parquet(path).groupby(KEYS, observed=True)[COMPS].quantile(QS))
    elif kind in ("pandas", "duckdb"):
        engine = Engine(kind, memory_limit=extra.get("memory_limit"))
        t, s = timed(lambda: summarize(engine.load(path)))
        extra["groups"] = len(s)
    elif kind in ("duckdb-big", "dask-big"):
        engine = Engine(kind.split("-")[0], memory_limit=extra.get("memory_limit"))
        offers = make_offers(extra["offers"])
        offers["location"] = np.array(CITIES[:-1] + ["Portland, OR"], dtype=object)[np.arange(len(offers)) % len(CITIES)]
        t_load, market = timed(lambda: engine.load(path))
        t_sum, s = timed(lambda: summarize(market))
        out = Path(extra["out"])
        s.to_parquet(out.with_suffix(".summary.parquet"))
        rss_before_place = rss_mb()
        # placed in blocks of 100,000 offers, each written out as it comes: what a caller with a
        # million offers does (see iter_placements); the engine is asked once per component
        t_place, results = timed(lambda: write_blocks(iter_placements(offers, [market]), out.with_suffix(".placed.parquet")))
        t = t_load + t_sum + t_place
        extra.update(load=t_load, summarize=t_sum, place=t_place, rows=market.report.rows_kept, results=results,
                     peak_before_place_mb=rss_before_place)
        if kind == "dask-big":
            workers = engine.client.run(rss_mb)
            extra["worker_peak_mb"] = max(workers.values())
        engine.close()
    else:
        raise SystemExit(f"unknown measurement {kind}")
    return {"seconds": t, "peak_rss_mb": rss_mb(), **extra}


def write_blocks(blocks, path: Path) -> int:
    """Write result frames to one Parquet file as they come; the number of rows."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    writer, rows = None, 0
    for frame in blocks:
        table = pa.Table.from_pandas(frame, preserve_index=False)
        if writer is None:  # a column with no value in the first block is text in the file
            schema = pa.schema([pa.field(f.name, pa.string()) if pa.types.is_null(f.type) else f for f in table.schema])
            writer = pq.ParquetWriter(str(path), schema)
        writer.write_table(table.cast(writer.schema))
        rows += len(frame)
    if writer is not None:
        writer.close()
    return rows


def measure(kind: str, path: Path, **extra) -> dict:
    out = subprocess.run([sys.executable, __file__, "--only", kind, "--path", str(path), "--extra", json.dumps(extra)],
                         capture_output=True, text=True, check=False)
    if out.returncode:
        raise SystemExit(f"{kind} failed:\n{out.stderr[-3000:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def compare_results(a: Path, b: Path) -> str:
    x, y = pd.read_parquet(a), pd.read_parquet(b)
    if x.shape != y.shape or list(x.columns) != list(y.columns):
        return f"DIFFERENT shapes {x.shape} vs {y.shape}"
    worst = 0.0
    for c in x.columns:
        if pd.api.types.is_float_dtype(x[c]):
            u, v = x[c].to_numpy(), y[c].to_numpy()
            if (np.isnan(u) != np.isnan(v)).any():
                return f"DIFFERENT missing values in {c}"
            ok = ~np.isnan(u)
            worst = max(worst, float(np.max(np.abs(u[ok] - v[ok]) / np.maximum(np.abs(u[ok]), 1.0), initial=0.0)))
        elif x[c].astype(object).where(x[c].notna(), None).tolist() != y[c].astype(object).where(y[c].notna(), None).tolist():
            return f"DIFFERENT text in {c}"
    return f"equal (largest relative difference {worst:.1e})"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--big", type=int, default=40_000_000)
    parser.add_argument("--offers", type=int, default=1_000_000)
    parser.add_argument("--skip-big", action="store_true")
    parser.add_argument("--skip-small", action="store_true", help="only part 2")
    parser.add_argument("--big-engines", default="duckdb,dask", help="part 2 engines, comma-separated")
    parser.add_argument("--data", help="part 2: a folder to keep the generated Parquet files in and reuse")
    parser.add_argument("--only")
    parser.add_argument("--path")
    parser.add_argument("--extra", default="{}")
    args = parser.parse_args()
    if args.only:
        print(json.dumps(run_one(args.only, args.path, json.loads(args.extra))))
        return

    tmp = Path(tempfile.mkdtemp(prefix="bench-market-"))
    if not args.skip_small:
        part_one(args, tmp)
    if not args.skip_big:
        part_two(args, tmp)


def part_one(args, tmp: Path) -> None:
    from toolkit.market import load_market
    from toolkit.market.convert import write_parquet

    frame = make_samples(args.rows, 42)
    csv, raw_pq, conv_pq = tmp / "samples.csv", tmp / "samples_raw.parquet", tmp / "samples.parquet"
    frame.to_csv(csv, index=False)
    frame.to_parquet(raw_pq)
    write_parquet(load_market(csv), conv_pq)
    print(f"part 1: {args.rows:,} raw samples; CSV {csv.stat().st_size / 1e6:,.0f} MB, converted Parquet {conv_pq.stat().st_size / 1e6:,.0f} MB")
    base_csv = min(measure("baseline-csv", csv)["seconds"] for _ in range(3))
    base_pq = min(measure("baseline-parquet", raw_pq)["seconds"] for _ in range(3))
    print(f"  bare pandas read_csv + groupby().quantile():     {base_csv:6.2f} s")
    print(f"  bare pandas read_parquet + groupby().quantile(): {base_pq:6.2f} s")
    for engine in ("pandas", "duckdb"):
        for label, path, base, target in (("CSV", csv, base_csv, 3), ("Parquet", conv_pq, base_pq, 2)):
            runs = [measure(engine, path) for _ in range(3)]
            best = min(r["seconds"] for r in runs)
            print(f"  {engine:6} engine, {label:7}: load + summarize {best:6.2f} s = {best / base:4.2f}x the bare library "
                  f"(target <= {target}x); peak RSS {max(r['peak_rss_mb'] for r in runs):,.0f} MB")


def part_two(args, tmp: Path) -> None:
    from toolkit.market.convert import write_parquet

    folder = Path(args.data) if args.data else tmp / "big"
    folder.mkdir(parents=True, exist_ok=True)
    chunk = 4_000_000
    t0 = time.perf_counter()
    for i, start in enumerate(range(0, args.big, chunk)):
        target = folder / f"part{i:02d}.parquet"
        if target.exists():  # --data: generated by an earlier run with the same seeds
            continue
        part = make_samples(min(chunk, args.big - start), 1000 + i)
        write_parquet(load_market_frame(part, f"chunk{i}"), target)
        del part
    size = sum(f.stat().st_size for f in folder.glob("*.parquet"))
    print(f"part 2: {args.big:,} samples in {len(list(folder.glob('*.parquet')))} converted Parquet files "
          f"({size / 1e6:,.0f} MB, written in {time.perf_counter() - t0:,.0f} s); {args.offers:,} offers")
    glob = str(folder / "*.parquet")
    print(f"  load average {os.getloadavg()[0]:.1f} (1 min) at the start")
    engines = [e.strip() for e in args.big_engines.split(",") if e.strip()]
    for kind in (f"{e}-big" for e in engines):
        r = measure(kind, Path(glob), memory_limit="2GB", offers=args.offers, out=str(tmp / kind))
        extra = f"; busiest worker peak RSS {r['worker_peak_mb']:,.0f} MB" if "worker_peak_mb" in r else ""
        print(f"  {kind.split('-')[0]:6}: open {r['load']:6.1f} s, summarize {r['summarize']:6.1f} s, place {r['place']:6.1f} s "
              f"({r['results']:,} results; total {r['seconds']:6.1f} s); peak RSS {r['peak_rss_mb']:,.0f} MB "
              f"({r['peak_before_place_mb']:,.0f} MB before placing){extra}; load average {os.getloadavg()[0]:.1f}", flush=True)
    if len(engines) < 2:
        return
    print("  summaries DuckDB vs Dask:", compare_results(tmp / "duckdb-big.summary.parquet", tmp / "dask-big.summary.parquet"))
    print("  placements DuckDB vs Dask:", compare_results(tmp / "duckdb-big.placed.parquet", tmp / "dask-big.placed.parquet"))


def load_market_frame(frame: pd.DataFrame, source: str):
    from toolkit.market import market_from_frame

    return market_from_frame(frame, source=source)


if __name__ == "__main__":
    main()
