"""Benchmark: load and evaluate 100,000 offers from a flat CSV.

Prints the load time, the evaluate time and each as a ratio to `pandas.read_csv` of the
same file, plus `offer-toolkit --help` start-up time. Run: python benchmarks/bench_engine.py [N]
Goals (issue 2): evaluate of 100,000 loaded offers under 1 s; load + evaluate under 10 s;
`--help` under 0.5 s. Issue 16: load ≤ 10× read_csv (both best of 3 in one process; the first
load also builds the per-field validators once, see bench_load.py for the other load figures).
Issue 13 item 7: `evaluate` (the engine: offer years and calendar years in one pass, with the
US limits per calendar year) ≤ 12× read_csv. `evaluate` leaves the after-tax step to the first
use of the headlines; "evaluate + headlines" times both (built-in tax engine, the default).
bench_memory.py has the memory figures.
"""

from __future__ import annotations

import csv
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

PRESETS = ["4y-cliff-monthly", "4y-cliff-quarterly", "4y-quarterly", "4y-annual", "3y-cliff-monthly", "amazon", "front-33-33-22-12", "front-38-32-20-10"]
COLUMNS = [
    "company", "role", "level", "location", "currency", "base_salary", "bonus.target", "sign_on.amount", "sign_on.year",
    "equity.type", "equity.grant_value", "equity.shares", "equity.share_price", "equity.strike", "equity.vesting",
    "equity.private", "retirement.match", "retirement.up_to", "benefits.health", "pto_days", "relocation.amount",
]


def write_offers(path: Path, n: int, seed: int = 7) -> None:
    rng = np.random.default_rng(seed)
    currencies = rng.choice(["USD", "USD", "USD", "EUR", "GBP"], n)
    option = rng.random(n) < 0.2
    with path.open("w", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(COLUMNS)
        for i in range(n):
            is_option = bool(option[i])
            w.writerow([
                f"Company {i % 5000}", "Software Engineer", f"L{3 + i % 4}", "Seattle, WA", currencies[i],
                int(rng.integers(80, 300)) * 1000, f"{int(rng.integers(0, 25))}%", int(rng.integers(0, 60)) * 1000, 1,
                "option" if is_option else "rsu",
                "" if is_option else int(rng.integers(20, 600)) * 1000,
                int(rng.integers(1000, 50000)) if is_option else "",
                round(float(rng.uniform(2, 40)), 2) if is_option else "",
                round(float(rng.uniform(0.5, 5)), 2) if is_option else "",
                PRESETS[i % len(PRESETS)], "true" if is_option else "false",
                "50%", "6%", int(rng.integers(0, 12)) * 1000, int(rng.integers(10, 30)), int(rng.integers(0, 3)) * 5000,
            ])


def best_of(fn, repeat: int = 3):
    best, result = float("inf"), None
    for _ in range(repeat):
        t = time.perf_counter()
        result = fn()
        best = min(best, time.perf_counter() - t)
    return best, result


def main() -> None:
    import pandas as pd

    import toolkit

    n = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "offers.csv"
        write_offers(path, n)
        size_mb = path.stat().st_size / 1e6
        t_csv, _ = best_of(lambda: pd.read_csv(path))
        t_load, offer_set = best_of(lambda: toolkit.load_offers(path))  # best of 3, as read_csv
        fx = {"EUR": 1.10, "GBP": 1.30}
        t_eval, evaluation = best_of(lambda: toolkit.evaluate(offer_set, fx=fx, currency="USD"))
        t_after, _ = best_of(lambda: toolkit.evaluate(offer_set, fx=fx, currency="USD").headlines)
    cmd = [sys.executable, "-m", "toolkit", "--help"]
    t_help, _ = best_of(lambda: subprocess.run(cmd, capture_output=True, check=True), repeat=5)
    print(f"offers: {n:,} in a {size_mb:.1f} MB CSV; horizon {evaluation.horizon_years} years; load average {os.getloadavg()[0]:.1f}")
    print(f"pandas.read_csv:        {t_csv:8.3f} s")
    print(f"load_offers:            {t_load:8.3f} s  ({t_load / t_csv:5.1f}x read_csv)   goal <= 10x")
    print(f"evaluate:               {t_eval:8.3f} s  ({t_eval / t_csv:5.1f}x read_csv)   goal < 1 s, <= 12x read_csv")
    print(f"evaluate + headlines:   {t_after:8.3f} s  ({t_after / t_csv:5.1f}x read_csv)   (the after-tax step: {t_after - t_eval:.3f} s)")
    print(f"load + evaluate:        {t_load + t_eval:8.3f} s                       goal < 10 s")
    print(f"offer-toolkit --help:   {t_help:8.3f} s                       goal < 0.5 s")
    print(f"check: mean average_tc {float(evaluation.summary['average_tc'].mean()):,.2f} USD")


if __name__ == "__main__":
    main()
