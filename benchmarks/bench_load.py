"""Benchmark: loading offers (issue 16 items 1, 2 and 5).

1. A 100,000-offer flat CSV: `load_offers` (the columnar path) and the row-by-row document
   path on the same file, each as a ratio to `pandas.read_csv` of the file. Goal ≤ 10×.
2. YAML documents: the guarded loader (libyaml underneath) against bare `yaml.CSafeLoader`
   and the pure-Python `yaml.SafeLoader` on the same text. Goal ≤ 1.5× CSafeLoader.
3. 1,000,000 offers from a flat CSV loaded and evaluated in a fresh process: time and peak
   resident memory (ru_maxrss). Goal ≤ 2 GB.

Run: python benchmarks/bench_load.py [N] [BIG_N]   (defaults 100,000 and 1,000,000)
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from bench_engine import best_of, write_offers  # noqa: E402

FX = {"EUR": 1.10, "GBP": 1.30}

BIG = """
import json, resource, sys, time
import toolkit
t = time.perf_counter()
offer_set = toolkit.load_offers(sys.argv[1])
t_load = time.perf_counter() - t
t = time.perf_counter()
evaluation = toolkit.evaluate(offer_set, fx={"EUR": 1.10, "GBP": 1.30}, currency="USD")
mean = float(evaluation.summary["average_tc"].mean())
t_eval = time.perf_counter() - t
print(json.dumps({"offers": len(offer_set.offers), "load": t_load, "evaluate": t_eval, "mean": mean,
                  "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""


def yaml_documents(n_copies: int = 300) -> str:
    """The sample offer file's offers repeated into one document (distinct ids, no aliases)."""
    import yaml

    doc = yaml.safe_load((Path(__file__).parents[1] / "data" / "offers.yaml").read_text(encoding="utf-8"))
    offers = [json.loads(json.dumps(o, default=str)) for _ in range(n_copies) for o in doc["offers"]]
    for i, o in enumerate(offers):
        o["id"] = f"offer-{i}"
    return yaml.safe_dump({"offers": offers}, sort_keys=False)


def main() -> None:
    import pandas as pd
    import yaml

    import toolkit
    from toolkit.io import yaml_loads
    from toolkit.offers.load import assign_ids, parse_offers, read_offer_file, split_sections
    from toolkit.offers.models import TEXT_FIELDS

    n = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
    big_n = int(sys.argv[2]) if len(sys.argv) > 2 else 1_000_000
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "offers.csv"
        write_offers(path, n)
        t_csv, _ = best_of(lambda: pd.read_csv(path))
        t_load, offer_set = best_of(lambda: toolkit.load_offers(path))

        def document_path():
            f = split_sections(str(path), *read_offer_file(path))
            assign_ids(f.raws)
            return parse_offers(f.raws)[0]

        t_rows, _ = best_of(document_path, repeat=1)
        print(f"offers: {n:,} in a {path.stat().st_size / 1e6:.1f} MB CSV ({type(offer_set.offers).__name__})")
        print(f"pandas.read_csv:               {t_csv:7.3f} s")
        print(f"load_offers (columnar):        {t_load:7.3f} s  ({t_load / t_csv:5.1f}x read_csv)   goal <= 10x")
        print(f"row by row (document path):    {t_rows:7.3f} s  ({t_rows / t_csv:5.1f}x read_csv)")

        text = yaml_documents()
        t_c, _ = best_of(lambda: yaml.load(text, Loader=yaml.CSafeLoader))  # noqa: S506 - the bare C safe loader
        t_g, _ = best_of(lambda: yaml_loads(text, text_keys=TEXT_FIELDS))
        t_py, _ = best_of(lambda: yaml.load(text, Loader=yaml.SafeLoader), repeat=1)  # noqa: S506
        print(f"YAML, {len(text) / 1e6:.2f} MB, {text.count('company:'):,} offers:")
        print(f"  yaml.CSafeLoader:            {t_c:7.3f} s")
        print(f"  guarded loader (toolkit.io): {t_g:7.3f} s  ({t_g / t_c:5.2f}x CSafeLoader)   goal <= 1.5x")
        print(f"  yaml.SafeLoader (pure):      {t_py:7.3f} s  ({t_py / t_c:5.2f}x CSafeLoader)")

        big = Path(tmp) / "big.csv"
        write_offers(big, big_n)
        out = subprocess.run([sys.executable, "-c", BIG, str(big)], capture_output=True, text=True, check=True)
        r = json.loads(out.stdout)
        print(f"{r['offers']:,} offers ({big.stat().st_size / 1e6:.0f} MB CSV) in a fresh process: load {r['load']:.1f} s, "
              f"evaluate {r['evaluate']:.1f} s, peak RSS {r['peak_mb']:,.0f} MB   goal <= 2,048 MB")
        print(f"check: mean average_tc {r['mean']:,.2f} USD")


if __name__ == "__main__":
    main()
