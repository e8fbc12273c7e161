"""The market engines agree: pandas, DuckDB and Dask give the same placements and summaries as
each other and as `numpy.percentile` (linear) on the same data, ties included.

DuckDB and Dask are real here (a LocalCluster of 2 worker processes on 127.0.0.1). Outside CI
the tests skip with the reason when the `scale` extra is not installed; under CI=true its
absence is a failure.
"""

from __future__ import annotations

import importlib.util
import io
import json
import os
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from toolkit.errors import InputError
from toolkit.market import MarketOptions, load_market, market_from_frame, place_offers, summarize
from toolkit.market import engines
from toolkit.market.convert import write_parquet

DATA = Path(__file__).parent / "data"


def need(*modules: str) -> None:
    missing = [m for m in modules if importlib.util.find_spec(m) is None]
    if missing:
        reason = f"{', '.join(missing)} not installed (pip install 'offer-toolkit[scale]')"
        if os.environ.get("CI") == "true":
            pytest.fail("CI must install the scale extra: " + reason)
        pytest.skip(reason)


ROLES = ["Software Engineer", "software  engineer", "Data Scientist", "SRE", "Designer"]
LEVELS = ["L4", "L5", "Senior", ""]
CITIES = ["Seattle, WA", "Seattle, WA, United States", "Berlin, Germany", "Remote", ""]


def make_samples(n: int = 6000, seed: int = 3) -> pd.DataFrame:
    """Raw samples with ties (amounts rounded to 5,000), two currencies, gaps and spellings."""
    rng = np.random.default_rng(seed)
    base = (rng.lognormal(11.7, 0.3, n) // 5000) * 5000
    frame = pd.DataFrame({
        "role": np.array(ROLES, dtype=object)[rng.integers(0, len(ROLES), n)],
        "level": np.array(LEVELS, dtype=object)[rng.integers(0, len(LEVELS), n)],
        "location": np.array(CITIES, dtype=object)[rng.integers(0, len(CITIES), n)],
        "currency": np.where(rng.random(n) < 0.2, "EUR", "USD"),
        "base": base,
        "bonus": np.where(rng.random(n) < 0.3, np.nan, (base * 0.1 // 1000) * 1000),
        "equity": np.where(rng.random(n) < 0.5, np.nan, (base * rng.uniform(0.1, 0.6, n)).round(0)),
        "total": np.nan,
    })
    frame.loc[:4, "role"] = None  # rows without a role are dropped by every engine
    frame.loc[5:7, "base"] = -1.0  # negative amounts are not amounts
    return frame


def make_offers(samples: pd.DataFrame, n: int = 400, seed: int = 9) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    base = rng.choice(samples["base"].dropna().to_numpy(), n)  # values that tie with samples
    base[::7] = base[::7] + 1234.5  # and values between them
    return pd.DataFrame({
        "offer_id": [f"o{i}" for i in range(n)],
        "role": np.array(ROLES + ["Astronaut", None], dtype=object)[rng.integers(0, len(ROLES) + 2, n)],
        "level": np.array(LEVELS + ["L9"], dtype=object)[rng.integers(0, len(LEVELS) + 1, n)],
        "location": np.array(CITIES + ["Paris, France"], dtype=object)[rng.integers(0, len(CITIES) + 1, n)],
        "currency": "USD", "base": base, "bonus": base * 0.1, "equity": np.where(rng.random(n) < 0.2, np.nan, base * 0.3),
        "total": np.nan, "visa_sponsorship": False,
    })


FX = {"USD": 1.0, "EUR": 1.08}


def fx(code: str) -> float:
    return FX[code]


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    need("duckdb", "pyarrow")
    folder = tmp_path_factory.mktemp("engines")
    samples = make_samples()
    csv = folder / "samples.csv"
    samples.to_csv(csv, index=False)
    market = load_market(csv, options=MarketOptions(min_samples=3))
    parquet = write_parquet(market, folder / "samples.parquet")
    return {"csv": csv, "parquet": parquet, "samples": samples, "pandas": market}


@pytest.fixture(scope="module")
def dask_engine():
    need("dask", "distributed", "pyarrow")
    engine = engines.open_engine("dask")
    yield engine
    engine.close()


def as_keys(frame: pd.DataFrame) -> pd.DataFrame:
    """Display spellings → matching keys, match descriptions → their group count, rows sorted."""
    from toolkit.market.keys import key_of

    frame = frame.copy()
    for c in ("role", "level", "location", "matched_role", "matched_level", "matched_location"):
        if c in frame:
            frame[c] = [key_of(v, location=c.endswith("location")) for v in frame[c]]
    frame = frame.drop(columns=[c for c in ("basis",) if c in frame])  # a sentence citing the names
    if "match_rows" in frame:
        frame["match_rows"] = frame["match_rows"].str.split(":").str[0]
    text = [c for c in frame.columns if frame[c].dtype == object]
    return frame.sort_values(text, kind="stable", key=lambda s: s.astype(str)).reset_index(drop=True)


def assert_same(a: pd.DataFrame, b: pd.DataFrame, *, spellings: bool = True) -> None:
    """Equal frames; numbers within 1e-9 (relative) or equal in cents. `spellings=False`: names
    compared as matching keys (DuckDB reading a raw CSV shows a key written several ways in its
    alphabetically first spelling, pandas in the first one in the file)."""
    if not spellings:
        a, b = as_keys(a), as_keys(b)
    assert list(a.columns) == list(b.columns)
    assert len(a) == len(b)
    for c in a.columns:
        x, y = a[c].reset_index(drop=True), b[c].reset_index(drop=True)
        if pd.api.types.is_float_dtype(x.dtype) or pd.api.types.is_float_dtype(y.dtype):
            x, y = x.astype("float64").to_numpy(), y.astype("float64").to_numpy()
            assert (np.isnan(x) == np.isnan(y)).all(), c
            ok = ~np.isnan(x)
            close = np.abs(x[ok] - y[ok]) <= 1e-9 * np.maximum(np.abs(x[ok]), 1.0)
            cents = np.round(x[ok], 2) == np.round(y[ok], 2)
            assert (close | cents).all(), c
        else:
            assert x.astype(object).where(x.notna(), None).tolist() == y.astype(object).where(y.notna(), None).tolist(), c


def engine_markets(files, dask_engine):
    options = MarketOptions(min_samples=3)
    duck = engines.Engine("duckdb")
    return {
        "duckdb-csv": duck.load(files["csv"], options=options),
        "duckdb-parquet": duck.load(files["parquet"], options=options),
        "dask-parquet": dask_engine.load(files["parquet"], options=options),
        "dask-memory": dask_engine.load(files["csv"], options=options),
    }


def test_every_engine_places_and_summarises_like_pandas(files, dask_engine):
    base = files["pandas"]
    offers = make_offers(files["samples"])
    expected = place_offers(offers, [base], fx=fx)
    assert expected["percentile"].notna().sum() > 300
    summary = {by: summarize(base, by=by, currency="USD", fx=fx) for by in (("role", "level", "location"), ("level",))}
    for name, market in engine_markets(files, dask_engine).items():
        assert market.table is not None and market.table.engine == name.split("-")[0], name
        assert market.report.rows_read - market.report.rows_kept == market.report.rows_dropped
        assert market.report.rows_kept == base.report.rows_kept, name
        got = place_offers(offers, [market], fx=fx)
        same = name != "duckdb-csv"
        assert_same(expected.drop(columns=["market_file", "source"]), got.drop(columns=["market_file", "source"]), spellings=same)
        for by, want in summary.items():
            got = summarize(market, by=by, currency="USD", fx=fx).drop(columns="source")
            assert_same(want.drop(columns="source"), got, spellings=same)


def test_summaries_equal_numpy_percentile(files):
    """The reference: np.percentile (linear) on the rows the pandas importer kept, by hand."""
    s = files["samples"].dropna(subset=["role"])
    s = s[s["role"].str.split().str.join(" ").str.casefold() == "software engineer"]
    s = s[(s["level"] == "L5") & (s["base"] >= 0) & (s["currency"] == "USD")]
    want = np.percentile(s["base"].to_numpy(), [10, 25, 50, 75, 90])
    duck = engines.Engine("duckdb").load(files["csv"])
    for market in (files["pandas"], duck):
        got = summarize(market, by=("role", "level"), role="software engineer", level="L5")
        row = got[(got["component"] == "base") & (got["currency"] == "USD") & (got["level"] == "L5")].iloc[0]
        assert row["n"] == len(s)
        np.testing.assert_allclose(row[["p10", "p25", "p50", "p75", "p90"]].to_numpy(dtype=float), want, rtol=1e-12)


def test_ties_count_half_below_in_every_engine(tmp_path, dask_engine):
    """Four equal values: an offer equal to them sits at 50 (count below 0 + half of 4 equal, of 4)."""
    csv = tmp_path / "ties.csv"
    pd.DataFrame({"role": ["SWE"] * 6, "currency": "USD", "base": [100, 100, 100, 100, 50, 200]}).to_csv(csv, index=False)
    offers = pd.DataFrame({"offer_id": ["a", "b"], "role": ["swe", "swe"], "level": [None, None], "location": [None, None],
                           "currency": "USD", "base": [100.0, 75.0], "bonus": np.nan, "equity": np.nan, "total": np.nan,
                           "visa_sponsorship": False})
    results = [place_offers(offers, [m])["percentile"].tolist()
               for m in (load_market(csv), engines.Engine("duckdb").load(csv), dask_engine.load(csv))]
    assert results == [[50.0, 100 * 1 / 6]] * 3  # (1 below + 4/2 equal) / 6 = 50; 75: 1 below / 6


def test_duckdb_reads_a_glob_with_an_explicit_memory_limit(tmp_path, files):
    samples = files["samples"]
    for i, start in enumerate(range(0, len(samples), 2500)):
        samples.iloc[start:start + 2500].to_csv(tmp_path / f"part{i}.csv", index=False)
    market = engines.Engine("duckdb", memory_limit="256MB").load(str(tmp_path / "part*.csv"))
    limit = market.table.con.sql("SELECT current_setting('memory_limit')").fetchall()[0][0]
    assert limit.replace(" ", "").upper().startswith(("256", "244"))  # DuckDB shows MiB
    assert market.report.rows_kept == files["pandas"].report.rows_kept
    assert_same(summarize(files["pandas"]).drop(columns="source"), summarize(market).drop(columns="source"), spellings=False)


def test_duckdb_counts_dropped_rows_like_the_importer(tmp_path):
    need("duckdb")
    csv = DATA / "hostile" / "market_samples_many_reasons.csv"
    want = load_market(csv).report
    got = engines.Engine("duckdb").load(csv).report
    assert (got.rows_read, got.rows_kept, dict(got.dropped)) == (want.rows_read, want.rows_kept, dict(want.dropped))


def test_duckdb_bounds_amounts_like_the_importer(tmp_path):
    """docs/bounds.md: an amount above 1e12 or a zero base/total is not an amount in either engine;
    'NaN' text is a missing cell, 'inf' text is text in a number column; same rows kept, same counts."""
    need("duckdb")
    csv = tmp_path / "bounds.csv"
    csv.write_text("role,level,location,currency,base,bonus,total\n"
                   "SWE,L5,Seattle,USD,150000,10000,\n"
                   "SWE,L5,Seattle,USD,1e15,,\n"            # dropped: amount above the bound
                   "SWE,L5,Seattle,USD,0,,\n"               # dropped: zero base
                   "SWE,L5,Seattle,USD,0,5000,\n"           # kept on its bonus; the zero base ignored
                   "SWE,L5,Seattle,USD,160000,1e13,\n"      # kept; the bonus ignored
                   "SWE,L5,Seattle,USD,NaN,,170000\n"       # kept: NaN is a missing cell
                   "SWE,L5,Seattle,USD,inf,,\n"             # dropped: text in a number column
                   "SWE,L5,Seattle,USD,165000,0,\n",        # kept: a zero bonus is an amount
                   encoding="utf-8")
    want = load_market(csv).report
    got = engines.Engine("duckdb").load(csv).report
    assert (got.rows_read, got.rows_kept, dict(got.dropped), dict(got.values_dropped)) == \
        (want.rows_read, want.rows_kept, dict(want.dropped), dict(want.values_dropped))
    assert want.rows_kept == 5 and dict(want.dropped) == {
        "amount above 1,000,000,000,000 in 'base'": 1, "zero amount in 'base'": 1, "text in number column 'base'": 1}


def test_auto_picks_duckdb_above_the_memory_share(files):
    size = os.path.getsize(files["csv"])
    assert engines.choose("auto", [files["csv"]], memory=int(size / engines.AUTO_MEMORY_SHARE) + 1) == "pandas"
    assert engines.choose("auto", [files["csv"]], memory=int(size / engines.AUTO_MEMORY_SHARE) - 1) == "duckdb"
    with pytest.raises(InputError, match="expected one of auto, pandas, duckdb, dask, got 'spark'"):
        engines.choose("spark", [])


def test_a_missing_extra_says_how_to_install_it(monkeypatch):
    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec", lambda name, *a: None if name == "duckdb" else real(name, *a))
    with pytest.raises(InputError) as err:
        engines.open_engine("duckdb")
    issue = err.value.issues[0]
    assert issue.code == "missing_dependency"
    assert "install it with: pip install 'offer-toolkit[scale]'" in issue.message


def test_cli_convert_then_summary_and_compare_with_each_engine(tmp_path, files, dask_engine):
    from toolkit.cli import app

    runner = CliRunner()
    out = tmp_path / "bls.parquet"
    r = runner.invoke(app, ["market", "convert", str(DATA / "market_bls_oews_slice_M2022_dl.xlsx"), "-o", str(out)])
    assert r.exit_code == 0, r.output
    assert "wrote" in r.stdout and out.exists()
    again = runner.invoke(app, ["market", "convert", str(out), "-o", str(out)])
    assert again.exit_code == 2 and "refusing to overwrite one of the input files" in again.output
    csv = {}
    for engine in ("pandas", "duckdb"):
        r = runner.invoke(app, ["market", "summary", str(files["parquet"]), "--engine", engine, "--format", "csv"])
        assert r.exit_code == 0, r.output
        csv[engine] = pd.read_csv(io.StringIO(r.stdout))
    assert_same(csv["pandas"], csv["duckdb"])
    docs = {}
    for engine in ("pandas", "duckdb", "dask"):
        r = runner.invoke(app, ["compare", str(Path("data/offers.yaml").resolve()), "--market", str(files["parquet"]),
                                "--market-engine", engine, "--format", "json"])
        assert r.exit_code == 0, r.output
        docs[engine] = json.loads(r.stdout)
    assert_close(docs["pandas"], docs["duckdb"])
    assert_close(docs["pandas"], docs["dask"])


def assert_close(a, b, path="$"):
    """JSON documents equal, numbers within 1e-9 (relative) or in cents."""
    if isinstance(a, dict):
        assert isinstance(b, dict) and a.keys() == b.keys(), path
        for k in a:
            assert_close(a[k], b[k], f"{path}.{k}")
    elif isinstance(a, list):
        assert isinstance(b, list) and len(a) == len(b), path
        for i, (x, y) in enumerate(zip(a, b)):
            assert_close(x, y, f"{path}[{i}]")
    elif isinstance(a, float) and isinstance(b, (int, float)):
        assert abs(a - b) <= 1e-9 * max(abs(a), 1.0) or round(a, 2) == round(b, 2), (path, a, b)
    else:
        assert a == b, (path, a, b)


def test_cli_engine_flag_checks(files):
    from toolkit.cli import app

    r = CliRunner().invoke(app, ["market", "summary", str(files["csv"]), "--engine", "duckdb", "--scheduler", "tcp://127.0.0.1:1"])
    assert r.exit_code == 2 and "a Dask scheduler address only applies to the dask engine, not duckdb" in r.output


def test_duckdb_summary_one_pass_and_per_component_agree(files, monkeypatch):
    """Small tables are summarised in one pass; past ONE_PASS_BYTES one pass per component
    (exact quantiles hold every value in memory): both give the same numbers."""
    need("duckdb")
    from toolkit.market.engines import duckdb_engine

    market = engines.Engine("duckdb").load(files["parquet"])
    one_pass = summarize(market)
    monkeypatch.setattr(duckdb_engine, "ONE_PASS_BYTES", 0)
    assert_same(one_pass, summarize(market), spellings=False)
