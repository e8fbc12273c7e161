"""Benchmark: peak memory of 1,000,000 offers loaded and evaluated, stage by stage (issue 16
item 5: 1,000,000 offers loaded and evaluated within 2 GB; issue 13 item 7).

A flat CSV of N offers (`bench_engine.write_offers`: 21 columns, 127 MB at a million) is loaded
and evaluated in a fresh process. Before each stage the kernel's peak-RSS mark is reset
(`/proc/self/clear_refs` 5), so each line's peak is that stage's own high-water mark (VmHWM)
with everything kept from the stages before it; the process peak is the largest of them.

Stages:
  load       `load_offers` (the columnar path)
  evaluate   `evaluate`: the engine, offer years and calendar years with the US limits
  after-tax  `Evaluation.headlines`: the after-tax step (built-in tax engine, the default) and every headline
  summary    `Evaluation.summary`, the one-row-per-offer DataFrame
  --frames   also `years` (tidy: offer × year × component), `years_wide` (offer × year) and
             `calendar_years` (offer × calendar year employed)

Run: python benchmarks/bench_memory.py [N] [--frames] [--csv FILE]   (N default 1,000,000)
Goal: process peak through `summary` ≤ 2,048 MB.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from bench_engine import write_offers  # noqa: E402

FX = {"EUR": 1.10, "GBP": 1.30}
GOAL_MB = 2048


def _status() -> dict[str, int]:
    """VmRSS and VmHWM of this process, MB."""
    out = {}
    with open("/proc/self/status") as fh:
        for line in fh:
            if line.startswith(("VmRSS:", "VmHWM:")):
                key, value = line.split(":")
                out[key] = int(value.split()[0]) // 1024
    return out


def _reset_peak() -> bool:
    try:
        with open("/proc/self/clear_refs", "w") as fh:
            fh.write("5")
        return True
    except OSError:  # not Linux, or not allowed: peaks are then cumulative
        return False


def child(path: str, frames: bool) -> None:
    """Run the stages in this (fresh) process; print one JSON line per stage."""
    import gc

    import toolkit

    state: dict = {}

    def stage(name: str, fn) -> None:
        gc.collect()
        before = _status()["VmRSS"]
        reset = _reset_peak()
        t = time.perf_counter()
        fn()
        seconds = time.perf_counter() - t
        now = _status()
        print(json.dumps({"stage": name, "seconds": seconds, "before": before, "peak": now["VmHWM"], "after": now["VmRSS"],
                          "reset": reset}), flush=True)

    print(json.dumps({"stage": "start", "seconds": 0.0, "before": 0, "peak": _status()["VmHWM"], "after": _status()["VmRSS"],
                      "reset": False}), flush=True)
    stage("load", lambda: state.update(offers=toolkit.load_offers(path)))
    stage("evaluate", lambda: state.update(ev=toolkit.evaluate(state["offers"], fx=FX, currency="USD")))
    stage("after-tax", lambda: state["ev"].headlines)
    stage("summary", lambda: state.update(mean=float(state["ev"].summary["average_tc"].mean())))
    if frames:
        stage("years", lambda: state["ev"].years)
        stage("years_wide", lambda: state["ev"].years_wide)
        stage("calendar_years", lambda: state["ev"].calendar_years)
    print(json.dumps({"offers": len(state["offers"]), "mean": state["mean"]}), flush=True)


def run(path: Path, frames: bool = False) -> tuple[list[dict], dict]:
    """The stages of one fresh process: (stage lines, totals)."""
    cmd = [sys.executable, __file__, "--child", str(path)] + (["--frames"] if frames else [])
    out = subprocess.run(cmd, capture_output=True, text=True, check=True)
    lines = [json.loads(line) for line in out.stdout.splitlines() if line.startswith("{")]
    return [x for x in lines if "stage" in x], lines[-1]


def report(stages: list[dict], totals: dict, csv_mb: float) -> None:
    print(f"{totals['offers']:,} offers from a {csv_mb:.0f} MB CSV, one fresh process; load average {os.getloadavg()[0]:.1f}")
    print(f"{'stage':14s} {'time':>8s} {'RSS before':>11s} {'stage peak':>11s} {'added':>8s} {'RSS after':>10s}")
    for s in stages[1:]:
        print(f"{s['stage']:14s} {s['seconds']:7.1f}s {s['before']:9,} MB {s['peak']:9,} MB {s['peak'] - s['before']:+6,} MB "
              f"{s['after']:8,} MB")
    upto = [s for s in stages if s["stage"] in ("start", "load", "evaluate", "after-tax", "summary")]
    peak = max(s["peak"] for s in upto)
    note = "" if all(s["reset"] for s in stages[1:]) else " (peaks cumulative: clear_refs unavailable)"
    print(f"process peak (VmHWM) through summary: {peak:,} MB   goal <= {GOAL_MB:,} MB: {'met' if peak <= GOAL_MB else 'NOT met'}{note}")
    rest = [s for s in stages if s not in upto]
    if rest:
        print(f"process peak with the DataFrames: {max(s['peak'] for s in stages):,} MB")
    print(f"check: mean average_tc {totals['mean']:,.2f} USD")


def main() -> None:
    args = sys.argv[1:]
    if args[:1] == ["--child"]:
        child(args[1], "--frames" in args)
        return
    frames = "--frames" in args
    csv = args[args.index("--csv") + 1] if "--csv" in args else None
    numbers = [a for a in args if a.isdigit()]
    n = int(numbers[0]) if numbers else 1_000_000
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(csv) if csv else Path(tmp) / "offers.csv"
        if not csv:
            write_offers(path, n)
        stages, totals = run(path, frames)
        report(stages, totals, path.stat().st_size / 1e6)


if __name__ == "__main__":
    main()
