"""Untrusted input files are refused quickly, and outputs are written atomically."""

from __future__ import annotations

import time
import zipfile

import pytest

from toolkit.errors import InputError, OutputError
from toolkit.io import atomic_output, read_document, read_table, write_text, write_with

BOMB = "".join(
    f"{c}: &{c} [" + ",".join([f"*{p}"] * 9) + "]\n" for p, c in zip("abcdefgh", "bcdefghi")
)


def message(exc_info) -> str:
    return str(exc_info.value)


def test_yaml_alias_bomb_refused_fast(write):
    path = write("bomb.yaml", 'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n' + BOMB)
    start = time.perf_counter()
    with pytest.raises(InputError) as err:
        read_document(path)
    assert time.perf_counter() - start < 2
    assert "alias bomb" in message(err)


def test_deeply_nested_json_and_yaml_refused(write):
    with pytest.raises(InputError, match="nested more than 32 levels"):
        read_document(write("deep.json", "[" * 50_000 + "]" * 50_000))
    with pytest.raises(InputError, match="nested more than 32 levels"):
        read_document(write("deep.yaml", "a: " + "[" * 5_000 + "]" * 5_000))


@pytest.mark.parametrize(
    "name, text, fragment",
    [
        ("bad.yaml", "offers:\n  - company: [\n", "malformed YAML at line"),
        ("bad.json", '{"offers": [}', "malformed JSON at line 1"),
        ("bad.toml", "offers = [", "malformed TOML"),
        ("blank.yaml", "# only a comment\n", "no content"),
        ("x.ini", "a=1", "unknown file type '.ini'"),
    ],
)
def test_malformed_documents(write, name, text, fragment):
    with pytest.raises(InputError, match=__import__("re").escape(fragment)):
        read_document(write(name, text))


def test_missing_empty_folder_and_oversized(tmp_path, write):
    with pytest.raises(InputError, match="file not found"):
        read_document(tmp_path / "nope.yaml")
    with pytest.raises(InputError, match="not a regular file"):
        read_document(tmp_path)
    with pytest.raises(InputError, match="the file is empty"):
        read_document(write("empty.yaml", ""))
    big = tmp_path / "big.yaml"
    big.write_bytes(b"#" * (6 * 1024 * 1024))
    with pytest.raises(InputError, match="larger than the 5 MB limit"):
        read_document(big)


def test_yaml_65_dot_000_kept_as_text_so_it_is_called_ambiguous(write):
    assert read_document(write("a.yaml", "x: 65.000\ny: 0.15\n")) == {"x": "65.000", "y": 0.15}


def test_csv_delimiter_sniffed(write):
    frame = read_table(write("t.csv", "a;b\n1;2\n"))
    assert list(frame.columns) == ["a", "b"] and frame.iloc[0].tolist() == [1, 2]


def test_xlsx_zip_bomb_refused(tmp_path):
    path = tmp_path / "bomb.xlsx"
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("xl/workbook.xml", "<workbook/>")
        zf.writestr("xl/worksheets/sheet1.xml", "<a>" + "0" * 50_000_000 + "</a>")
    with pytest.raises(InputError, match="compression ratio"):
        read_table(path)


def test_not_a_zip_xlsx(write):
    with pytest.raises(InputError, match="not a valid XLSX file"):
        read_table(write("fake.xlsx", "hello"))


def test_atomic_output_keeps_the_old_file_on_failure(tmp_path):
    out = tmp_path / "report.txt"
    out.write_text("old")
    with pytest.raises(RuntimeError):
        with atomic_output(out, mode="w", force=True) as fh:
            fh.write("half")
            raise RuntimeError("boom")
    assert out.read_text() == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["report.txt"]


def test_outputs_refuse_to_overwrite_inputs_and_create_folders(tmp_path):
    src = tmp_path / "offers.yaml"
    src.write_text("x")
    with pytest.raises(OutputError, match="refusing to overwrite one of the input files"):
        write_text(src, "y", inputs=[src])
    assert src.read_text() == "x"
    target = write_with(tmp_path / "new" / "dir" / "f.bin", lambda p: p.write_bytes(b"ok"))
    assert target.read_bytes() == b"ok"


def test_outputs_get_ordinary_permissions(tmp_path):
    import os

    umask = os.umask(0o022)
    try:
        path = write_text(tmp_path / "out.txt", "x")
    finally:
        os.umask(umask)
    assert (path.stat().st_mode & 0o777) == 0o644


@pytest.mark.parametrize("pure", [False, True], ids=["libyaml", "pure-python"])
def test_yaml_guards_hold_on_both_parsers(pure):
    """The guards live in the loader subclass, so libyaml and the pure-Python parser refuse alike."""
    import yaml

    from toolkit.io import _yaml_loader

    loader = _yaml_loader(frozenset({"role", "level", "location"}), pure)
    if not pure and getattr(yaml, "__with_libyaml__", False):
        assert issubclass(loader, yaml.CSafeLoader)
    load = lambda text: yaml.load(text, Loader=loader)  # noqa: E731, S506 - a SafeLoader subclass
    with pytest.raises(ValueError, match="alias bomb"):
        load('a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n' + BOMB)
    with pytest.raises((ValueError, RecursionError, yaml.YAMLError)):
        load("a: " + "[" * 40 + "]" * 40)
    with pytest.raises(yaml.constructor.ConstructorError, match="appears twice"):
        load("a: 1\na: 2\n")
    assert load("role: 0777\nlevel: 5.10\nlocation: .inf\nother: 0777\nsalary: 80.000\n") == {
        "role": "0777", "level": "5.10", "location": ".inf", "other": 511, "salary": "80.000"}


# ------------------------------------------------ read_table(numbers=...): pyarrow's reader

NUMBER_CASES = {
    "clean": "role,base,bonus\nSWE,100,5.5\nPM,2e3,\n",
    "text amounts": "role,base,bonus\nSWE,\"$100,000\",5\nPM,N/A,-0\n",
    "nan and inf": "role,base,bonus\nSWE,nan,inf\nPM,1e999,7\n",
    "quoted keys": 'role,base\n"Engineer, Senior",100\n"say ""hi""",200\n',
    "line break in a value": 'role,base\n"Soft\nware",100\nPM,3\n',
    "initial spaces": "role, base\n SWE, 100\nPM,  \"7\"\n",
    "ragged": "role,base\nSWE,1,2\nPM,3\n",
    "repeated header": "role,base\nSWE,1\nrole,base\nPM,3\n",
    "byte-order mark": "\ufeffrole,base\nSWE,1\n",
    "latin-1": "role,base\nIng\xe9nieur,1\n",
    "minus zero": "role,base\nSWE,-0\nPM,-0.0\n",
    "formula": "role,base\n=HYPERLINK(\"x\"),1\n@SUM(A1),2\n",
}


@pytest.mark.parametrize("name", sorted(NUMBER_CASES))
def test_numbers_read_like_the_text_they_hold(tmp_path, name):
    """The pyarrow reader (or its fallback to pandas) gives the same rows, text and amounts
    (as `to_number` parses them) and the same errors as reading every cell as text."""
    from toolkit.market.importers.base import to_number

    text = NUMBER_CASES[name]
    path = tmp_path / f"{name}.csv"
    path.write_bytes(text.encode("latin-1") if name == "latin-1" else text.encode("utf-8"))
    try:
        plain = read_table(path, as_text=True)
    except InputError as exc:
        with pytest.raises(InputError) as err:
            read_table(path, as_text=True, numbers=("base", "bonus"))
        assert str(err.value) == str(exc)
        return
    fast = read_table(path, as_text=True, numbers=("base", "bonus"))
    assert list(fast.columns) == list(plain.columns)
    assert fast.attrs["duplicate_columns"] == plain.attrs["duplicate_columns"]
    for c in plain.columns:
        if c.lower() in ("base", "bonus") and fast[c].dtype == "float64":
            a, bad_a = to_number(fast[c], c, None)
            b, bad_b = to_number(plain[c], c, None)
            assert a.tolist() == pytest.approx(b.tolist(), nan_ok=True) and bad_a.tolist() == bad_b.tolist(), c
        else:
            assert fast[c].dtype == object and fast[c].tolist() == plain[c].tolist(), c


@pytest.mark.parametrize("name", sorted(NUMBER_CASES) + ["offers"])
def test_offer_tables_read_by_pyarrow_as_by_pandas(tmp_path, monkeypatch, name):
    """An offer table (`read_coded_table`) read by pyarrow gives the codes, texts and errors
    the pandas reader gives; a plain file does take the pyarrow read."""
    pytest.importorskip("pyarrow")
    import toolkit.io as io

    text = NUMBER_CASES.get(name, 'company,base_salary,location,id\nAcme,"185,000","Seattle, WA",\nBeta,80.000,,0777\n,,,\nAcme,9,Austin,\n')
    path = tmp_path / f"{name}.csv"
    path.write_bytes(text.encode("latin-1") if name == "latin-1" else text.encode("utf-8"))
    taken = []
    real = io._coded_csv_arrow
    monkeypatch.setattr(io, "_coded_csv_arrow", lambda *a: taken.append(real(*a)) or taken[-1])
    try:
        fast = io.read_coded_table(path)
    except InputError as exc:
        monkeypatch.setattr(io, "_coded_csv_arrow", lambda *a: None)
        with pytest.raises(InputError) as err:
            io.read_coded_table(path)
        assert str(err.value) == str(exc)
        return
    monkeypatch.setattr(io, "_coded_csv_arrow", lambda *a: None)
    plain = io.read_coded_table(path)
    assert (fast.names, fast.values, fast.rows, fast.duplicate_columns) == (plain.names, plain.values, plain.rows, plain.duplicate_columns)
    assert [c.tolist() for c in fast.codes] == [c.tolist() for c in plain.codes]
    if name == "offers":
        assert taken and taken[0] is not None
        assert fast.values[1] == ("185,000", "80.000", "9") and fast.codes[2].tolist() == [0, -1, -1, 1]


def test_clean_numbers_come_back_as_numbers(write):
    """The fast path is taken for a clean file (where pyarrow is installed): amounts are float64,
    text stays text, empty cells are None / NaN."""
    pytest.importorskip("pyarrow")
    frame = read_table(write("clean.csv", "role,base,level\nSWE,100,\nPM,,L5\n"), as_text=True, numbers=("BASE",))
    assert frame["base"].dtype == "float64" and frame["base"].isna().tolist() == [False, True]
    assert frame["role"].tolist() == ["SWE", "PM"] and frame["level"].tolist() == [None, "L5"]
    dirty = read_table(write("dirty.csv", "role,base\nSWE,100\nPM,n/a\n"), as_text=True, numbers=("base",))
    assert dirty["base"].tolist() == ["100", "n/a"]
