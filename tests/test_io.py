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
