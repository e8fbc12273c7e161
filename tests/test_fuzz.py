"""Issue 11 item 10: mutated offer files, offer tables and market files give success or a clean
exit 2 naming the file: never a traceback, never an output written on failure.

Hypothesis mutates valid seed files (tests/data/hostile/fuzz_seed*) by deleting, inserting,
replacing and repeating pieces, with inserts drawn from what breaks parsers and models (signs,
percent, huge numbers, control characters, quotes, YAML indicators, impossible dates). The
number of examples is bounded (FUZZ_EXAMPLES, default 30 per test) so CI stays quick.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from toolkit.cli import app

HOSTILE = Path(__file__).parent / "data" / "hostile"
runner = CliRunner()
EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "30"))
FUZZ = settings(max_examples=EXAMPLES, deadline=None, derandomize=os.environ.get("CI") == "true",
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture, HealthCheck.data_too_large])

TOKENS = ["-", "%", "1e308", "-1e308", "nan", ".inf", "0", "-0", "9" * 30, "1.000", "80.000", "$", "€", "k", "m", "/hour",
          "\x00", "\x1b[31m", "\t", "\r", "\n", "\n  ", ",", ";", '"', "'", ":", ": ", "- ", "[", "]", "{", "}", "&a", "*a",
          "!!python/object", "#", "=", "@", "9999-12-31", "2026-02-30", "0001-01-01", "null", "~", "true", "ä", "\ufeff", "USD", "XAF"]


@st.composite
def mutated(draw, seed: str) -> str:
    text = seed
    for _ in range(draw(st.integers(1, 4))):
        i = draw(st.integers(0, len(text)))
        j = draw(st.integers(i, min(len(text), i + 40)))
        op = draw(st.sampled_from(["insert", "delete", "replace", "repeat"]))
        piece = draw(st.one_of(st.sampled_from(TOKENS), st.text(max_size=6)))
        if op == "insert":
            text = text[:i] + piece + text[i:]
        elif op == "delete":
            text = text[:i] + text[j:]
        elif op == "replace":
            text = text[:i] + piece + text[j:]
        else:
            text = text[:j] + text[i:j] * draw(st.integers(1, 3)) + text[j:]
    return text


def _check(result, path: Path, outputs: list[Path]) -> None:
    """Success, or exit 2 with every line an error/warning/note and one naming the file; no traceback."""
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    assert result.exit_code in (0, 2), (result.exit_code, result.output)
    assert "Traceback" not in result.output
    if result.exit_code == 2:
        errors = [line for line in result.stderr.splitlines() if line.startswith("error:")]
        assert errors, result.stderr
        assert any(str(path) in line for line in errors), result.stderr
        for out in outputs:
            assert not out.exists(), f"{out} written although the run failed"


def _write(tmp: Path, name: str, text: str) -> Path:
    path = tmp / name
    path.write_bytes(text.encode("utf-8", errors="surrogatepass"))
    return path


@FUZZ
@given(text=mutated((HOSTILE / "fuzz_seed.yaml").read_text()))
def test_mutated_offer_documents(tmp_path_factory, text):
    tmp = tmp_path_factory.mktemp("fuzz")
    path = _write(tmp, "offers.yaml", text)
    out, charts = tmp / "out" / "report.xlsx", tmp / "charts"
    r = runner.invoke(app, ["compare", str(path), "--format", "json", "-o", str(out), "--today", "2026-11-20"])
    _check(r, path, [out, charts])
    if r.exit_code == 0:
        json.loads(r.stdout)
        assert out.exists()


@FUZZ
@given(text=mutated((HOSTILE / "fuzz_seed.csv").read_text()))
def test_mutated_offer_tables(tmp_path_factory, text):
    tmp = tmp_path_factory.mktemp("fuzz")
    path = _write(tmp, "offers.csv", text)
    out = tmp / "t.xlsx"
    r = runner.invoke(app, ["template", str(out), "--from", str(path)])
    _check(r, path, [out])
    r = runner.invoke(app, ["compare", str(path), "--format", "csv"])
    _check(r, path, [])


@FUZZ
@given(text=mutated((HOSTILE / "fuzz_seed_market.csv").read_text()))
def test_mutated_market_files(tmp_path_factory, text):
    tmp = tmp_path_factory.mktemp("fuzz")
    path = _write(tmp, "market.csv", text)
    r = runner.invoke(app, ["market", "summary", str(path), "--format", "json"])
    _check(r, path, [])
    if r.exit_code == 0:
        json.loads(r.stdout)
    r = runner.invoke(app, ["compare", str(HOSTILE / "fuzz_seed.yaml"), "--market", str(path), "--format", "json"])
    _check(r, path, [])
