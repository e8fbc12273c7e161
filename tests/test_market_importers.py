"""The importer registry: one Format per real format, detection order, the typed context, and
the import report's arithmetic (each dropped row counted once) on every market file we ship."""

from __future__ import annotations

import ast
from pathlib import Path

import pandas as pd
import pytest

from toolkit.errors import InputError
from toolkit.market import MarketOptions, load_market, market_from_frame
from toolkit.market.importers import FORMATS, FileFacts, ImportContext, Imported, Tally, detect_format, format_named
from toolkit.market.importers import percentiles as percentile_format
from toolkit.market.keys import compile_aliases_with_display

DATA = Path(__file__).parent / "data"
HOSTILE = DATA / "hostile"
PACKAGE = Path(__file__).resolve().parents[1] / "toolkit" / "market"

EXPECTED = {
    "market_bls_oews_slice_M2022_dl.xlsx": "bls_oews",
    "market_lca_fy2018_sample.csv": "lca",
    "market_lca_old_names.csv": "lca",
    "market_levels_fyi.csv": "levels_fyi",
    "market_ai_jobs_slice.csv": "ai_jobs",
    "market_oflc_levels.csv": "wage_levels",
    "market_percentiles.csv": "percentiles",
    "market_samples.csv": "samples",
}


def test_registry_names_are_unique_and_each_format_has_a_module():
    names = [f.name for f in FORMATS]
    assert len(names) == len(set(names))
    modules = {p.stem for p in (PACKAGE / "importers").glob("*.py")} - {"__init__", "base"}
    assert {f.import_frame.__module__.rsplit(".", 1)[1] for f in FORMATS} == modules
    assert format_named("lca").label == "H-1B LCA disclosure"
    with pytest.raises(KeyError, match="known: bls_oews"):
        format_named("nope")


@pytest.mark.parametrize("name,expected", sorted(EXPECTED.items()))
def test_each_shipped_file_is_detected_as_its_format(name, expected):
    market = load_market(DATA / name)
    assert market.format == expected
    assert market.label.startswith(format_named(expected).label)


def test_specific_formats_win_over_the_general_tables():
    # a levels.fyi export also has 'role'-like and amount columns; it must not be read as raw samples
    assert detect_format(["title", "basesalary", "totalyearlycompensation", "role", "base"]).name == "levels_fyi"
    assert detect_format(["role", "component", "currency", "p25", "p50", "base"]).name == "percentiles"
    assert detect_format(["nothing", "here"]) is None


def test_an_importer_runs_on_its_own_with_a_context():
    frame = pd.DataFrame({"role": ["SWE", "SWE"], "component": ["base", "bonus"], "currency": ["USD", "USD"],
                          "p25": ["100", "10"], "p75": ["200", "5"]}, index=[2, 3])
    ctx = ImportContext(source="t.csv", options=MarketOptions(), aliases=compile_aliases_with_display({}), tally=Tally(),
                        facts=FileFacts())
    result = percentile_format.import_frame(frame, ctx)
    assert isinstance(result, Imported)
    assert result.percentiles["row"].tolist() == [2]  # the source row travels in the index, not a hidden column
    assert dict(ctx.tally.rows) == {"percentiles decrease (p-values must not go down as the percentile goes up)": 1}


def test_no_hidden_positional_columns_between_steps():
    """`_pos`, `_step`, `_short`, `_market`, `_row` were columns one step left for the next."""
    for path in [*PACKAGE.glob("*.py"), *(PACKAGE / "importers").glob("*.py")]:
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Constant) and node.value in ("_pos", "_step", "_short", "_market", "_row", "_c"):
                pytest.fail(f"{path.name}:{node.lineno} uses the hidden column {node.value!r}")


MARKET_FILES = sorted(p for p in [*DATA.glob("market_*"), *HOSTILE.glob("market_*")] if p.suffix in (".csv", ".xlsx"))


@pytest.mark.parametrize("path", MARKET_FILES, ids=lambda p: p.name)
def test_each_dropped_row_is_counted_once(path):
    """read N, kept K, dropped N − K: the reasons add up exactly, on every market file we ship."""
    try:
        market = load_market(path)
    except InputError:
        return  # refused files are covered by their own tests
    r = market.report
    assert r.rows_dropped == r.rows_read - r.rows_kept, r.render()


def test_a_row_with_several_faults_is_counted_under_its_first_reason():
    market = load_market(HOSTILE / "market_samples_many_reasons.csv")
    assert dict(market.report.dropped) == {"no role": 2, "unknown currency 'XYZ'": 1, "negative amount in 'base'": 1}
    assert market.report.rows_read == 5 and market.report.rows_kept == 1


def test_negative_and_decreasing_percentiles_are_dropped_and_counted():
    market = load_market(HOSTILE / "market_bad_percentiles.csv")
    assert dict(market.report.dropped) == {
        "text in number column 'p25'": 2,  # inf and 1e999 are not amounts
        "negative percentile value": 1,
        "percentiles decrease (p-values must not go down as the percentile goes up)": 1,
    }
    # equal neighbours (p25 = p50 = 90,000) are kept: rounded survey figures often repeat
    assert sorted(market.percentiles["level"].astype(str)) == ["L3", "L8"]


@pytest.mark.parametrize("name,column", [("market_repeated_column.csv", "p50"), ("market_repeated_column_case.csv", "base")])
def test_repeated_column_headers_are_refused(name, column):
    with pytest.raises(InputError) as err:
        load_market(HOSTILE / name)
    issue = err.value.issues[0]
    assert issue.code == "duplicate" and issue.field.lower() == column
    assert f"column {issue.field!r} appears more than once in the header" in issue.message


def test_two_spellings_of_one_percentile_are_refused():
    frame = pd.DataFrame({"role": ["SWE"], "component": ["base"], "currency": ["USD"], "p50": ["1"], "median": ["2"], "p75": ["3"]})
    with pytest.raises(InputError, match=r"two columns give percentile 50: \['p50', 'median'\]"):
        market_from_frame(frame, source="t.csv")


def _load(tmp_path, name: str, text: str):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return load_market(path)


def test_absurd_sample_amounts_are_dropped_or_ignored_and_counted_like_negative_ones(tmp_path):
    """The offers' amount bound (toolkit/bounds.py, 1e12) and "a zero base is no salary" hold for
    market samples too: the cell is ignored and counted, the row dropped when no amount is left."""
    market = _load(tmp_path, "samples.csv", "role,currency,base,bonus\n"
                   "SWE,USD,150000,10000\n"   # kept
                   "SWE,USD,1e15,\n"          # dropped: no amount left
                   "SWE,USD,1e15,5000\n"      # kept on its bonus, the base ignored
                   "SWE,USD,0,\n"             # dropped: a zero base is no salary
                   "SWE,USD,160000,0\n"       # kept: a zero bonus is real
                   "SWE,USD,NaN,\n"           # 'NaN' is a missing cell: no amount
                   "SWE,USD,-5,\n")
    r = market.report
    assert dict(r.dropped) == {"negative amount in 'base'": 1, "amount above 1,000,000,000,000 in 'base'": 1,
                               "zero amount in 'base'": 1, "no amount in any of base, bonus, equity, total": 1}
    assert dict(r.values_dropped) == {"amount above 1,000,000,000,000 in 'base'": 1}
    assert r.rows_read == 7 and r.rows_kept == 3
    assert sorted(market.samples["base"].dropna()) == [150_000, 160_000]
    assert sorted(market.samples["bonus"].dropna()) == [0, 5_000, 10_000]


def test_absurd_percentile_values_and_wage_levels_drop_their_rows(tmp_path):
    table = _load(tmp_path, "pct.csv", "role,level,component,currency,p25,p50,p75\n"
                  "SWE,L5,base,USD,140000,150000,160000\n"
                  "SWE,L6,base,USD,0,150000,160000\n"
                  "SWE,L7,base,USD,140000,150000,1e15\n"
                  "SWE,L8,bonus,USD,0,5000,10000\n")
    assert dict(table.report.dropped) == {"percentile value above 1,000,000,000,000": 1, "zero base or total percentile value": 1}
    assert sorted(table.percentiles["level"].astype(str)) == ["L5", "L8"]
    levels = _load(tmp_path, "levels.csv", "occupation,location,level_1,level_2,level_3,level_4\n"
                   "15-1252 Software Developers,Seattle,0,100000,120000,130000\n"
                   "15-1252 Software Developers,Austin,90000,100000,120000,2e12\n"
                   "15-1252 Software Developers,Boston,90000,100000,120000,130000\n")
    assert dict(levels.report.dropped) == {"zero wage": 1, "wage above 1,000,000,000,000": 1}
    assert list(levels.wage_levels["location"].astype(str)) == ["Boston"]


def test_a_market_file_of_absurd_amounts_only_is_an_error_naming_the_file(tmp_path):
    from typer.testing import CliRunner

    from toolkit.cli import app

    path = tmp_path / "absurd.csv"
    path.write_text("role,currency,base\nSWE,USD,1e15\nSWE,USD,0\n", encoding="utf-8")
    r = CliRunner().invoke(app, ["market", "summary", str(path)])
    assert r.exit_code == 2 and "Traceback" not in r.output
    assert str(path) in r.stderr and "no usable rows" in r.stderr
    assert "1 amount above 1,000,000,000,000 in 'base'" in r.stderr and "1 zero amount in 'base'" in r.stderr
