"""Reading and writing files: the only module that opens the user's files.

Every input is untrusted. Before parsing, a path must be an existing regular file under a
size limit; YAML is parsed with a loader that refuses alias bombs and deep nesting; an XLSX
file is a zip whose members are checked for size and compression ratio before any XML is
read. Parse errors become `InputError`s naming the file. Outputs are written to a temporary
file in the target folder and renamed into place, so a failure never leaves a half-written
file and never touches an earlier one, and an output path that is one of the inputs is refused.
"""

from __future__ import annotations

import contextlib
import csv
import dataclasses
import functools
import json
import os
import re
import shutil
import tempfile
import warnings
import zipfile
from operator import itemgetter
from pathlib import Path
from typing import Any, Callable, Iterator, Sequence

from .errors import InputError, Issue, OutputError, ToolkitWarning

# Limits. A real offer file is a few kB and the 100,000-offer benchmark CSV 13 MB; market
# files are larger (a full year of H-1B disclosure data is a few hundred MB of CSV).
MAX_DOCUMENT_BYTES = 5 * 1024 * 1024
MAX_OFFER_TABLE_BYTES = 64 * 1024 * 1024  # read row by row (several files, YAML cells): ~7 KB per offer in memory
MAX_FLAT_OFFER_TABLE_BYTES = 256 * 1024 * 1024  # one flat table read by columns: ~1,000 bytes per offer (2M offers)
MAX_TABLE_BYTES = 512 * 1024 * 1024
MAX_XLSX_BYTES = 100 * 1024 * 1024
MAX_XLSX_MEMBER_BYTES = 400 * 1024 * 1024  # uncompressed size of one zip member
MAX_XLSX_TOTAL_BYTES = 800 * 1024 * 1024
MAX_XLSX_RATIO = 200  # real worksheets compress 5-30:1; zip bombs 250:1 and more
MAX_NESTING = 32  # an offer file is at most ~6 levels deep
MAX_YAML_NODES = 1_000_000  # after expanding aliases

DOCUMENT_SUFFIXES = {".yaml": "yaml", ".yml": "yaml", ".json": "json", ".toml": "toml"}
TABLE_SUFFIXES = {".csv": "csv", ".tsv": "csv", ".txt": "csv", ".xlsx": "xlsx", ".xlsm": "xlsx", ".parquet": "parquet"}
CSV_CHUNK_ROWS = 200_000  # offer tables are read in chunks this long, so text cells never all live at once


def _fail(path: Path | str, message: str, code: str) -> InputError:
    return InputError([Issue(source=str(path), message=message, code=code)])


def check_input_path(path: str | os.PathLike, *, max_bytes: int) -> Path:
    """Return `path` as a Path if it is a readable regular file no larger than `max_bytes`."""
    p = Path(path)
    if not p.exists():
        raise _fail(p, "file not found", "not_found")
    if not p.is_file():
        raise _fail(p, "not a regular file (a folder, device or pipe cannot be read as input)", "not_a_file")
    size = p.stat().st_size
    if size == 0:
        raise _fail(p, "the file is empty", "empty_file")
    if size > max_bytes:
        raise _fail(
            p,
            f"the file is {size / 1e6:,.1f} MB, larger than the {max_bytes / 1e6:,.0f} MB limit for this kind of file",
            "too_large",
        )
    return p


def file_kind(path: Path) -> str:
    """'yaml', 'json', 'toml', 'csv', 'xlsx' or 'parquet' from the file name; InputError otherwise."""
    suffix = path.suffix.lower()
    kind = DOCUMENT_SUFFIXES.get(suffix) or TABLE_SUFFIXES.get(suffix)
    if kind is None:
        known = ", ".join(sorted(set(DOCUMENT_SUFFIXES) | set(TABLE_SUFFIXES)))
        raise _fail(path, f"unknown file type {suffix or '(no extension)'!r}; expected one of {known}", "unknown_type")
    return kind


# ---------------------------------------------------------------- documents (YAML/JSON/TOML)


AMBIGUOUS_DECIMAL = __import__("re").compile(r"^[+-]?\d{1,3}(\.\d{3})+$")


_STR_TAG = "tag:yaml.org,2002:str"
_AS_WRITTEN_TAGS = frozenset({"tag:yaml.org,2002:int", "tag:yaml.org,2002:float", "tag:yaml.org,2002:bool",
                              "tag:yaml.org,2002:timestamp"})


@functools.lru_cache(maxsize=16)
def _yaml_loader(text_keys: frozenset[str] = frozenset(), pure: bool = False):
    """A guarded safe loader class, on libyaml (`CSafeLoader`) when PyYAML was built with it.

    Every guard lives in this Python subclass, not in the parser, so the C and the pure-Python
    parsers refuse the same documents: the node count and depth are checked on the composed
    node graph before anything is constructed, keys written twice are refused while building
    mappings, and plain scalars under `text_keys` keep the text as written (YAML 1.1 would read
    a role `0777` as 511, a level `5.10` as 5.1 and a location `.inf` as infinity).
    """
    import yaml

    base = (None if pure else getattr(yaml, "CSafeLoader", None)) or yaml.SafeLoader  # pure: for the tests

    class GuardedLoader(base):  # type: ignore[misc, valid-type]
        """Safe loader that refuses documents that expand past MAX_YAML_NODES or nest too deep."""

    def construct_float(self, node):
        # YAML reads 65.000 as 65.0; in an offer it is far more likely to mean 65,000. Keep
        # such scalars as text so the amount parser can call them ambiguous.
        if AMBIGUOUS_DECIMAL.match(node.value):
            return node.value
        return yaml.SafeLoader.construct_yaml_float(self, node)

    def construct_timestamp(self, node):
        # An impossible date such as 2026-02-30 stays text, so the model reports the field.
        try:
            return yaml.SafeLoader.construct_yaml_timestamp(self, node)
        except ValueError:
            return node.value

    def construct_mapping(self, node, deep=False):
        # A key written twice would otherwise let the last one win without a word.
        seen = set()
        for n, (key_node, value_node) in enumerate(node.value):
            if not isinstance(key_node, yaml.ScalarNode):
                continue  # a list or mapping as a key: SafeLoader refuses it with its own message
            key = key_node.value
            if key in seen and key_node.tag != "tag:yaml.org,2002:merge":
                raise yaml.constructor.ConstructorError(
                    None, None, f"the key {key!r} appears twice in one mapping", key_node.start_mark)
            seen.add(key)
            if (key in text_keys and isinstance(value_node, yaml.ScalarNode) and not value_node.style
                    and value_node.tag in _AS_WRITTEN_TAGS):
                node.value[n] = (key_node, yaml.ScalarNode(_STR_TAG, value_node.value, value_node.start_mark,
                                                           value_node.end_mark, style=value_node.style))
        return yaml.SafeLoader.construct_mapping(self, node, deep=deep)

    GuardedLoader.add_constructor("tag:yaml.org,2002:map", lambda loader, node: dict(construct_mapping(loader, node)))
    GuardedLoader.add_constructor("tag:yaml.org,2002:float", construct_float)
    GuardedLoader.add_constructor("tag:yaml.org,2002:timestamp", construct_timestamp)

    def compose_checked(self):
        node = base.get_single_node(self)
        if node is not None:
            _check_yaml_size(node)
        return node

    GuardedLoader.get_single_node = compose_checked
    return GuardedLoader


def yaml_loads(text: str, *, text_keys: frozenset[str] = frozenset()) -> Any:
    """Parse YAML text with the guarded loader (see `_yaml_loader`); yaml errors propagate."""
    import yaml

    return yaml.load(text, Loader=_yaml_loader(text_keys))  # noqa: S506 - a SafeLoader subclass


def _check_yaml_size(root) -> None:
    """Count nodes with aliases expanded, memoised per node so the count itself stays linear."""
    import yaml

    sizes: dict[int, int] = {}

    def size(node, depth: int) -> int:
        if depth > MAX_NESTING:
            raise ValueError(f"nested more than {MAX_NESTING} levels deep")
        known = sizes.get(id(node))
        if known is not None:
            return known
        if isinstance(node, yaml.MappingNode):
            n = 1 + sum(size(k, depth + 1) + size(v, depth + 1) for k, v in node.value)
        elif isinstance(node, yaml.SequenceNode):
            n = 1 + sum(size(v, depth + 1) for v in node.value)
        else:
            n = 1
        if n > MAX_YAML_NODES:
            raise ValueError(f"expands to more than {MAX_YAML_NODES:,} values (an alias bomb?)")
        sizes[id(node)] = n
        return n

    size(root, 0)


def _depth(value: Any, depth: int = 0) -> int:
    if depth > MAX_NESTING:
        return depth
    if isinstance(value, dict):
        return max((_depth(v, depth + 1) for v in value.values()), default=depth + 1)
    if isinstance(value, list):
        return max((_depth(v, depth + 1) for v in value), default=depth + 1)
    return depth


def parse_yaml_cell(text: str, *, text_keys: frozenset[str] = frozenset()) -> Any:
    """A YAML flow value typed in one spreadsheet cell (`[{amount: 45k, year: 1}, ...]`).

    Same guards as whole documents (alias bombs, nesting). Raises ValueError with a message
    for the user.
    """
    import yaml

    if len(text) > 100_000:
        raise ValueError("the cell holds more than 100,000 characters")
    try:
        value = yaml_loads(text, text_keys=text_keys)
    except yaml.YAMLError as exc:
        if "nesting depth" in str(getattr(exc, "problem", "")):  # libyaml's own limit
            raise ValueError(f"nested more than {MAX_NESTING} levels deep") from None
        raise ValueError(f"malformed YAML in the cell: {getattr(exc, 'problem', None) or exc}") from None
    except RecursionError:
        raise ValueError(f"nested more than {MAX_NESTING} levels deep") from None
    if _depth(value) > MAX_NESTING:
        raise ValueError(f"nested more than {MAX_NESTING} levels deep")
    return value


def sheet_names(path: str | os.PathLike) -> list[str]:
    """The visible sheets of an XLSX file, after the zip checks; hidden sheets are skipped
    with a warning naming them."""
    p = Path(path)
    if p.stat().st_size > MAX_XLSX_BYTES:
        raise _fail(p, f"the workbook is larger than the {MAX_XLSX_BYTES / 1e6:,.0f} MB limit", "too_large")
    check_xlsx_zip(p)
    sheets = xlsx_sheets(p)
    hidden = [s.name for s in sheets if s.state != "visible"]
    if hidden:  # the command line prints each distinct warning once, however often a file is opened
        warnings.warn(f"{p}: skipped hidden sheet{'s' if len(hidden) > 1 else ''} {', '.join(repr(n) for n in hidden)}",
                      ToolkitWarning, stacklevel=2)
    return [s.name for s in sheets if s.state == "visible"]


class DuplicateKeyError(ValueError):
    """A JSON object names one key twice."""


def _unique_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in pairs:
        if key in out:
            raise DuplicateKeyError(f"the key {key!r} appears twice in one object")
        out[key] = value
    return out


# Characters YAML 1.1 reads as line breaks although editors show them inside a line: inside a
# quoted scalar they are folded, so "1<NEL>75000" would silently become the amount 175000.
YAML_ONLY_BREAKS = {"\x85": "U+0085 (NEL)", "\u2028": "U+2028 (line separator)", "\u2029": "U+2029 (paragraph separator)"}


def _refuse_yaml_only_breaks(p: Path, text: str) -> None:
    found = [(i, ch) for i, ch in enumerate(text) if ch in YAML_ONLY_BREAKS]
    if not found:
        return
    i, ch = found[0]
    line = text.count("\n", 0, i) + 1
    column = i - (text.rfind("\n", 0, i) + 1) + 1
    more = f" (and {len(found) - 1} more)" if len(found) > 1 else ""
    raise _fail(p, f"the character {YAML_ONLY_BREAKS[ch]} at line {line}, column {column}{more} is a line break to YAML, "
                   "so it would join or split a value without showing it; remove it", "encoding")


def read_document(path: str | os.PathLike, *, text_keys: frozenset[str] = frozenset()) -> Any:
    """Parse a YAML, JSON or TOML file into plain Python data (dicts, lists, scalars).

    `text_keys`: mapping keys whose plain YAML scalars stay the text as written (see `_yaml_loader`).

    Raises:
        InputError: the path is missing, not a file, too large, malformed, too deep or an alias bomb.
    """
    p = check_input_path(path, max_bytes=MAX_DOCUMENT_BYTES)
    kind = file_kind(p)
    if kind not in ("yaml", "json", "toml"):
        raise _fail(p, f"expected a YAML, JSON or TOML document, got a {kind.upper()} file", "unknown_type")
    raw = p.read_bytes()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise _fail(p, f"not UTF-8 text (byte {exc.start})", "encoding") from None
    if kind == "yaml":
        _refuse_yaml_only_breaks(p, text)
    try:
        if kind == "yaml":
            import yaml

            try:
                data = yaml_loads(text, text_keys=text_keys)
            except yaml.MarkedYAMLError as exc:
                if "nesting depth" in str(exc.problem):  # libyaml's own limit (1,000 levels), far above ours
                    raise RecursionError from None
                mark = exc.problem_mark
                where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
                raise _fail(p, f"malformed YAML{where}: {exc.problem or exc}", "malformed") from None
            except yaml.YAMLError as exc:
                raise _fail(p, f"malformed YAML: {exc}", "malformed") from None
        elif kind == "json":
            try:
                data = json.loads(text, object_pairs_hook=_unique_keys)
            except DuplicateKeyError as exc:
                raise _fail(p, f"malformed JSON: {exc}", "malformed") from None
            except json.JSONDecodeError as exc:
                raise _fail(p, f"malformed JSON at line {exc.lineno}, column {exc.colno}: {exc.msg}", "malformed") from None
        else:
            import tomllib
            try:
                data = tomllib.loads(text)
            except tomllib.TOMLDecodeError as exc:
                raise _fail(p, f"malformed TOML: {exc}", "malformed") from None
    except RecursionError:
        raise _fail(p, f"nested more than {MAX_NESTING} levels deep; refused", "too_large") from None
    except ValueError as exc:  # from the YAML size check
        raise _fail(p, f"refused: the document {exc}", "too_large") from None
    if _depth(data) > MAX_NESTING:
        raise _fail(p, f"nested more than {MAX_NESTING} levels deep; refused", "too_large")
    if data is None:
        raise _fail(p, "the file has no content (only comments or blank lines)", "empty_file")
    return data


def read_text(path: str | os.PathLike, *, max_bytes: int = MAX_DOCUMENT_BYTES) -> str:
    """A small UTF-8 text file (an FX CSV, a template) with the same guards as documents."""
    p = check_input_path(path, max_bytes=max_bytes)
    try:
        return p.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise _fail(p, f"not UTF-8 text (byte {exc.start})", "encoding") from None


# ---------------------------------------------------------------- tables (CSV/XLSX)


def check_xlsx_zip(path: Path) -> None:
    """Refuse an XLSX whose zip members are too large or too compressed (a zip bomb)."""
    try:
        with zipfile.ZipFile(path) as zf:
            infos = zf.infolist()
    except (zipfile.BadZipFile, OSError) as exc:
        raise _fail(path, f"not a valid XLSX file (it must be a zip archive): {exc}", "malformed") from None
    total = 0
    for info in infos:
        total += info.file_size
        ratio = info.file_size / max(info.compress_size, 1)
        if info.file_size > MAX_XLSX_MEMBER_BYTES or (info.file_size > 1_000_000 and ratio > MAX_XLSX_RATIO):
            raise _fail(
                path,
                f"refused: member {info.filename!r} unpacks to {info.file_size / 1e6:,.0f} MB "
                f"(compression ratio {ratio:,.0f}:1), beyond the limits for a real spreadsheet",
                "too_large",
            )
    if total > MAX_XLSX_TOTAL_BYTES:
        raise _fail(path, f"refused: the workbook unpacks to {total / 1e6:,.0f} MB", "too_large")
    if "xl/workbook.xml" not in {i.filename for i in infos}:
        raise _fail(path, "not a valid XLSX file (no xl/workbook.xml inside)", "malformed")


MAX_XLSX_CELLS = 50_000_000  # cells actually present in one sheet
MAX_XLSX_SPARSE_AREA = 1_000_000  # a used range larger than this must hold ...
XLSX_SPARSE_FACTOR = 20  # ... at least 1 cell in 20, else a stray far cell would make readers build it
MAX_XLSX_PROBLEMS_SHOWN = 20

_NS_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_NS_REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
_REF = re.compile(rb' r="([A-Z]{0,3})(\d+)"')  # a cell's (letters+digits) or a row's (digits) address
_ERROR_CELL = re.compile(rb'<(?:\w+:)?c\s[^>]*?\bt="e"[^>]*>')
_FORMULA_START = re.compile(rb"<(?:\w+:)?f[\s>/]")
_VALUE = re.compile(rb"<(?:\w+:)?v>([^<]*)</(?:\w+:)?v>")
_FORMULA = re.compile(rb"<(?:\w+:)?f\b[^>]*?(?:/>|>([^<]*)</(?:\w+:)?f>)")
_ADDRESS = re.compile(rb'\br="([A-Z]{1,3}\d+)"')


@dataclasses.dataclass(frozen=True)
class XlsxSheet:
    """One sheet of a workbook as `xlsx_sheets` lists it: its name, visibility and zip member."""

    name: str
    state: str  # "visible", "hidden" or "veryHidden"
    member: str


def column_letters(n: int) -> str:
    """A spreadsheet column's letters: 1 → 'A', 27 → 'AA' (the one implementation; report.excel.cells
    checks the range and caches it)."""
    out = ""
    while n:
        n, r = divmod(n - 1, 26)
        out = chr(65 + r) + out
    return out


def _column_number(letters: bytes) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + ch - 64
    return n


def xlsx_sheets(path: str | os.PathLike) -> list[XlsxSheet]:
    """Every sheet of an XLSX file (already passed `check_xlsx_zip`), in tab order, with its
    visibility, read from xl/workbook.xml and its relationships (defusedxml: no entities)."""
    from defusedxml import ElementTree as SafeET

    p = Path(path)
    try:
        with zipfile.ZipFile(p) as zf:
            book = SafeET.fromstring(zf.read("xl/workbook.xml"))
            try:
                rels = SafeET.fromstring(zf.read("xl/_rels/workbook.xml.rels"))
            except KeyError:
                rels = None
    except Exception as exc:  # defusedxml refusals, broken XML, a member that cannot be inflated
        raise _fail(p, f"not a valid XLSX file (xl/workbook.xml cannot be read: {type(exc).__name__})", "malformed") from None
    targets = {}
    for rel in (rels if rels is not None else ()):
        target = rel.get("Target", "")
        targets[rel.get("Id")] = target.lstrip("/") if target.startswith("/") else "xl/" + target
    out = []
    for i, sheet in enumerate(book.iter(f"{_NS_MAIN}sheet"), start=1):
        rid = sheet.get(f"{_NS_REL}id")
        out.append(XlsxSheet(str(sheet.get("name", f"Sheet{i}")), str(sheet.get("state", "visible")),
                             targets.get(rid, f"xl/worksheets/sheet{i}.xml")))
    if not out:
        raise _fail(p, "not a valid XLSX file (the workbook lists no sheets)", "malformed")
    return out


@dataclasses.dataclass(frozen=True)
class SheetScan:
    """What one sheet's XML holds, read by streaming it once before any reader builds a range."""

    cells: int
    max_row: int
    max_col: int
    farthest: str  # the far corner of the used range (max column, max row)
    dimension: str  # the sheet's declared <dimension ref>, "" when it has none
    errors: tuple[tuple[str, str], ...]  # (address, "#N/A") for error cells
    uncached: tuple[tuple[str, str], ...]  # (address, formula) for formulas with no saved value


def scan_xlsx_sheet(path: str | os.PathLike, member: str) -> SheetScan:
    """Stream one worksheet's XML (in 8 MB pieces, so memory stays bounded) and count its
    cells, their extent, error cells and formulas without a cached value.

    Bytes-level regular expressions over each piece, not an XML parser: the worksheet is
    read once at about calamine's own speed. The XML itself is parsed later by the reader."""
    p = Path(path)
    cells = max_row = max_col = 0
    letters = b""
    dimension = ""
    errors: list[tuple[str, str]] = []
    uncached: list[tuple[str, str]] = []
    positional = False  # cells or rows without an r="..." address
    prefix: bytes | None = None  # the namespace prefix of the sheet's elements ("x:" in some writers)
    try:
        with zipfile.ZipFile(p) as zf, zf.open(member) as fh:
            buf = b""
            first = True
            while True:
                chunk = fh.read(8 * 1024 * 1024)
                buf += chunk
                if first:
                    m = re.search(rb'<(?:\w+:)?dimension\b[^>]*?\bref="([^"]*)"', buf[:65536])
                    dimension = m.group(1).decode("ascii", "replace") if m else ""
                    first = False
                # work up to the end of the last complete cell, keep the rest for the next piece
                cut = len(buf) if not chunk else max(buf.rfind(b"</c>"), buf.rfind(b"/>"), buf.rfind(b"</row>"))
                if cut <= 0:
                    if len(buf) > 32 * 1024 * 1024:  # no element ends in 32 MB: not a worksheet
                        raise _fail(p, f"not a valid XLSX file (malformed XML in {member})", "malformed")
                    continue
                part, buf = buf[:cut], buf[cut:]
                # one regular-expression pass; counts with bytes.count (ten times faster)
                if prefix is None:
                    m = re.search(rb"<(\w+:)?sheetData", part)
                    prefix = (m.group(1) or b"") if m else b""
                n = part.count(b"<" + prefix + b"c ")
                bare = part.count(b"<" + prefix + b"c>") + part.count(b"<" + prefix + b"c/>")
                rows = part.count(b"<" + prefix + b"row ")
                refs = _REF.findall(part)
                column_of = list(map(itemgetter(0), refs))
                addressed = len(refs) - column_of.count(b"")
                cells += n + bare
                positional = positional or bare > 0 or addressed != n or len(refs) - addressed != rows
                if refs:
                    widest = max(set(column_of), key=lambda c: (len(c), c))
                    if (len(widest), widest) > (len(letters), letters):
                        letters = widest
                    max_row = max(max_row, max(map(int, set(map(itemgetter(1), refs)))))
                if b't="e"' not in part:
                    part_errors = ()
                else:
                    part_errors = _ERROR_CELL.finditer(part)
                for m in part_errors:
                    if len(errors) > MAX_XLSX_PROBLEMS_SHOWN:
                        break
                    addr = _ADDRESS.search(m.group(0))
                    v = _VALUE.search(part, m.end(), m.end() + 200)
                    errors.append((addr.group(1).decode() if addr else "?", v.group(1).decode("utf-8", "replace") if v else "#ERROR"))
                for m in (_FORMULA_START.finditer(part) if b"f>" in part or b"<f " in part or b":f " in part else ()):
                    if len(uncached) > MAX_XLSX_PROBLEMS_SHOWN:
                        break
                    begin = max(part.rfind(b"<c ", 0, m.start()), part.rfind(b":c ", 0, m.start()))
                    close = part.find(b"c>", m.start())
                    cell = part[begin: close + 2] if begin >= 0 and close >= 0 else b""
                    if b't="e"' in cell or b"<is>" in cell:
                        continue
                    v = _VALUE.search(cell)
                    if v is None or not v.group(1):
                        f = _FORMULA.search(cell)
                        addr = _ADDRESS.search(cell)
                        uncached.append((addr.group(1).decode() if addr else "?", (f.group(1) or b"").decode("utf-8", "replace") if f else ""))
                if cells > MAX_XLSX_CELLS:
                    raise _fail(p, f"refused: a sheet holds more than {MAX_XLSX_CELLS:,} cells", "too_large")
                if not chunk:
                    break
    except InputError:
        raise
    except Exception as exc:  # a member missing or that cannot be inflated
        raise _fail(p, f"not a valid XLSX file ({member} cannot be read: {type(exc).__name__})", "malformed") from None
    max_col = _column_number(letters) if letters else 0
    if positional:  # some cells carry no address: their place is their order, which only bounds the extent
        max_col = max(max_col, cells)
        max_row = max(max_row, cells)
    corner = f"{column_letters(max_col)}{max_row}" if cells else ""
    return SheetScan(cells, max_row, max_col, corner, dimension, tuple(errors), tuple(uncached))


_SHEET_CHECKS: dict[tuple[str, float, int, str], str] = {}


def check_xlsx(path: Path, sheet: str | int | None = None) -> str:
    """The name of the sheet to read, after every guard an XLSX input gets before any reader
    builds a range: size, zip members (`check_xlsx_zip`), the sheet exists, and its real cells
    (`scan_xlsx_sheet`): a used range that is absurd for the cells it holds is refused, as are
    error cells and formulas without a saved value (named by sheet and cell). With no `sheet`
    the first visible sheet is read; hidden sheets before it are skipped with a warning."""
    p = Path(path)
    stat = p.stat()
    key = (str(p.resolve()), stat.st_mtime, stat.st_size, repr(sheet))
    if key in _SHEET_CHECKS:
        return _SHEET_CHECKS[key]
    if stat.st_size > MAX_XLSX_BYTES:
        raise _fail(p, f"the workbook is larger than the {MAX_XLSX_BYTES / 1e6:,.0f} MB limit", "too_large")
    check_xlsx_zip(p)
    sheets = xlsx_sheets(p)
    if isinstance(sheet, str):
        chosen = next((s for s in sheets if s.name == sheet), None)
        if chosen is None:
            raise _fail(p, f"no sheet named {sheet!r}; sheets: {', '.join(s.name for s in sheets)}", "missing")
    elif isinstance(sheet, int):
        if not 0 <= sheet < len(sheets):
            raise _fail(p, f"no sheet number {sheet + 1}; the workbook has {len(sheets)}", "missing")
        chosen = sheets[sheet]
    else:
        visible = sheet_names(p)  # warns about hidden sheets
        if not visible:
            raise _fail(p, "every sheet of the workbook is hidden; unhide the one to read", "empty_file")
        chosen = next(s for s in sheets if s.name == visible[0])
    scan = scan_xlsx_sheet(p, chosen.member)
    where = f"sheet {chosen.name!r}"
    area = scan.max_row * scan.max_col
    if area > MAX_XLSX_SPARSE_AREA and area > XLSX_SPARSE_FACTOR * scan.cells:
        raise _fail(p, f"{where} holds {scan.cells:,} cells, but its used range reaches {scan.farthest}: reading it "
                       f"would build a range of {area:,} cells. Delete the stray cells far from the data "
                       "(or copy the data to a new sheet)", "too_large")
    issues = [Issue(source=str(p), record=f"{where} cell {addr}", message=f"holds the error value {value}; "
                    "fix the formula or type the value", code="invalid_value") for addr, value in scan.errors]
    issues += [Issue(source=str(p), record=f"{where} cell {addr}", message=f"holds the formula ={formula} with no saved "
                     "result (the file was written by a program that does not calculate); open and save it in Excel or "
                     "LibreOffice, or type the value", code="invalid_value") for addr, formula in scan.uncached]
    if issues:
        if len(issues) > MAX_XLSX_PROBLEMS_SHOWN:
            issues = issues[:MAX_XLSX_PROBLEMS_SHOWN] + [Issue(source=str(p), record=where, code="invalid_value",
                                                               message="more cells like these; only the first ones are listed")]
        raise InputError(issues)
    if len(_SHEET_CHECKS) > 64:
        _SHEET_CHECKS.clear()
    _SHEET_CHECKS[key] = chosen.name
    return chosen.name


def _xlsx_header(path: Path, sheet: str | int | None) -> list[str]:
    """The first row of a sheet as written (pandas renames repeated names)."""
    from python_calamine import CalamineWorkbook

    wb = CalamineWorkbook.from_path(str(path))
    ws = wb.get_sheet_by_name(sheet) if isinstance(sheet, str) else wb.get_sheet_by_index(sheet or 0)
    rows = ws.to_python(nrows=1)
    return [str(c) for c in rows[0]] if rows else []


def sniff_delimiter(sample: str) -> str:
    """The CSV delimiter among , ; tab and |, judged from the header line and a sample."""
    try:
        return csv.Sniffer().sniff(sample, delimiters=",;\t|").delimiter
    except csv.Error:
        header = sample.splitlines()[0] if sample else ""
        counts = {d: header.count(d) for d in ",;\t|"}
        return max(counts, key=counts.get) if any(counts.values()) else ","


def _ragged_lines(p: Path, sep: str, encoding: str) -> InputError:
    """An InputError naming each line (up to 10) whose field count differs from the header's:
    pandas would otherwise take the first column as an index (every value shifted one place)
    or name only the first such line."""
    issues: list[Issue] = []
    with p.open(encoding=encoding, errors="replace", newline="") as fh:
        reader = csv.reader(fh, delimiter=sep, skipinitialspace=True)
        width = len(next(reader, []))
        for row in reader:
            if row and len(row) != width and any(c.strip() for c in row):
                issues.append(Issue(source=str(p), record=f"line {reader.line_num}", code="malformed",
                                    message=f"has {len(row)} fields, the header has {width} (a value with an unquoted {sep!r}, "
                                            f"or a missing one?); quote the value or fix the line"))
                if len(issues) == 10:
                    break
    return InputError(issues or [Issue(source=str(p), message="malformed CSV: lines of different lengths", code="malformed")])


@contextlib.contextmanager
def _no_ragged_lines(p: Path, sep: str, encoding: str) -> Iterator[None]:
    """Around a pandas CSV read with index_col=False: a line longer or shorter than the header is
    reported by line number (`_ragged_lines`) instead of being shifted, cut or named by a value."""
    import pandas as pd

    with warnings.catch_warnings():
        warnings.simplefilter("error", pd.errors.ParserWarning)
        try:
            yield
        except pd.errors.ParserWarning:
            raise _ragged_lines(p, sep, encoding) from None
        except pd.errors.ParserError as exc:
            if "Expected" in str(exc) and "fields in line" in str(exc):
                raise _ragged_lines(p, sep, encoding) from None
            raise


def _arrow_text_table(p: Path, sep: str, names: list[str]):
    """A UTF-8 CSV read by pyarrow as string columns (null for empty cells) named `names` (the
    stripped header), or None when pyarrow is missing or might read the file differently from
    the pandas reader: any pyarrow error (ragged lines, bad UTF-8), no rows, a byte-order mark, a
    header that is empty or repeated. Callers still refuse text cells that start with a space or
    hold a quote (`_arrow_unsafe`)."""
    try:
        import pyarrow as pa
        import pyarrow.csv as pcsv
    except ImportError:
        return None
    if not names or any(not n for n in names) or len({n for n in names}) != len(names):
        return None
    import mmap

    with p.open("rb") as fh:
        if fh.read(3) == b"\xef\xbb\xbf":
            return None  # a byte-order mark: pandas drops it (utf-8-sig)
        with mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ) as whole:
            quoted = whole.find(b'"') >= 0  # without quotes no value holds a line break: read in parallel blocks
    try:
        table = pcsv.read_csv(
            p,
            read_options=pcsv.ReadOptions(use_threads=True, column_names=names, skip_rows=1),
            parse_options=pcsv.ParseOptions(delimiter=sep, newlines_in_values=quoted),
            convert_options=pcsv.ConvertOptions(column_types={n: pa.string() for n in names}, null_values=[""],
                                                strings_can_be_null=True, quoted_strings_can_be_null=True))
    except (pa.ArrowException, OSError, ValueError):
        return None
    if table.num_rows == 0 or [str(n) for n in table.column_names] != names:
        return None
    return table


def _arrow_unsafe(distinct) -> bool:
    """Whether a column's distinct texts hold one that pandas (skipinitialspace, its own unquoting)
    might read differently: one that starts with a space or holds a quote."""
    import pyarrow.compute as pc

    return bool(len(distinct)) and bool(pc.any(pc.match_substring_regex(distinct, r'^\s|"')).as_py())


def _coded_csv_arrow(p: Path, sep: str, header: list[str]) -> tuple[list[str], tuple, tuple, int] | None:
    """`read_coded_table`'s CSV read done by pyarrow (names, codes, values, rows), or None to use
    the pandas reader (see `_arrow_text_table`). Each column is dictionary-encoded by Arrow:
    values in order of first appearance, code -1 for an empty cell, as `_coded` gives."""
    names = [h.strip() for h in header]
    table = _arrow_text_table(p, sep, names)
    if table is None:
        return None
    import pyarrow as pa
    import pyarrow.compute as pc

    rows = table.num_rows
    codes, values = [], []
    try:
        for name in names:
            encoded = pc.dictionary_encode(table[name]).combine_chunks()
            table = table.drop_columns([name])  # its text is freed as soon as it is coded
            distinct = encoded.dictionary
            if _arrow_unsafe(distinct):
                return None
            values.append(tuple(distinct.to_pylist()))
            codes.append(_narrow(encoded.indices.fill_null(-1).to_numpy(), len(distinct)))
            del encoded, distinct
    finally:
        del table
        # Arrow's allocator keeps freed pages for reuse; nothing after this read uses Arrow, so
        # they would stay in the process's peak memory through evaluation (200 MB at 1,000,000 offers).
        pa.default_memory_pool().release_unused()
    return names, tuple(codes), tuple(values), rows


def _read_csv_arrow(p: Path, sep: str, header: list[str], numbers: Sequence[str]):
    """A text CSV read by pyarrow's multi-threaded reader, or None to use the pandas reader.

    Gives what `read_table(as_text=True)` gives (object columns of text as written, None for
    empty cells; stripped header names) except that the columns named in `numbers` whose every
    cell pyarrow reads as a finite number come back as float64. Anything this reader might read
    differently from pandas sends the whole file back to pandas, whose errors are the ones
    users see: any pyarrow error (ragged lines, bad UTF-8, no rows), a header that is empty,
    repeated or not what the csv module reads, or a text cell that starts with a space or holds
    a quote (pandas skips initial spaces and may unquote differently).
    """
    try:
        import numpy as np
        import pandas as pd
        import pyarrow as pa
        import pyarrow.compute as pc
    except ImportError:
        return None
    names = [h.strip() for h in header]
    table = _arrow_text_table(p, sep, names)
    if table is None:
        return None
    wanted = {n.lower() for n in numbers}
    columns = {}
    for name in names:
        col = table[name]
        if name.lower() in wanted:
            try:
                values = pc.cast(col, pa.float64()).to_numpy()
            except (pa.ArrowException, ValueError):
                values = None
            # NaN or inf only from text like 'nan' or '1e999': the importer's text rules decide those
            if values is not None and np.isfinite(values[~np.isnan(values)]).all() and not np.isnan(values).sum() > col.null_count:
                columns[name] = pd.Series(values, copy=False)
                continue
        # text: each distinct value becomes one Python string, shared by its rows
        encoded = pc.dictionary_encode(col).combine_chunks()
        distinct = encoded.dictionary
        if _arrow_unsafe(distinct):
            return None
        lookup = np.asarray(distinct.to_pylist() + [None], dtype=object)
        codes = encoded.indices.fill_null(len(distinct)).to_numpy()
        columns[name] = pd.Series(lookup[codes], dtype=object, copy=False)
    frame = pd.DataFrame(columns, copy=False)
    frame.attrs["duplicate_columns"] = []
    return frame


def read_table(path: str | os.PathLike, *, sheet: str | int | None = None, as_text: bool = False, max_bytes: int = MAX_TABLE_BYTES,
               numbers: Sequence[str] = ()):
    """Read a CSV or XLSX file into a pandas DataFrame.

    Args:
        path: the file.
        sheet: for XLSX, the sheet name or index (default: the first sheet).
        as_text: keep every cell as text (markers like '*' or '#' survive); empty cells are None.
        max_bytes: refuse larger files (offer tables use MAX_OFFER_TABLE_BYTES).
        numbers: with `as_text`, names of columns (any case) that come back as float64 when
            every cell is empty or a finite plain number; any other such column stays text. Only
            a CSV read by pyarrow (when installed) uses it (see `_read_csv_arrow`); callers must
            treat such a column as the same text parsed (market importers: `to_number`).

    Raises:
        InputError: missing, too large, malformed, a zip bomb, or no rows.
    """
    import pandas as pd

    p = check_input_path(path, max_bytes=max_bytes)
    kind = file_kind(p)
    if kind == "xlsx":
        sheet = check_xlsx(p, sheet)
        try:
            frame = pd.read_excel(
                p,
                sheet_name=sheet,
                engine="calamine",
                dtype=str if as_text else None,
            )
        except (ValueError, KeyError) as exc:
            if sheet is not None and "not found" in str(exc).lower():
                raise _fail(p, f"no sheet named {sheet!r}", "malformed") from None
            raise _fail(p, f"cannot read the workbook: {exc}", "malformed") from None
        except Exception as exc:  # calamine raises its own error types for corrupt files
            raise _fail(p, f"cannot read the workbook: {type(exc).__name__}: {exc}", "malformed") from None
    elif kind == "csv":
        with p.open("rb") as fh:
            head = fh.read(65536)
        try:
            sample = head.decode("utf-8-sig")
        except UnicodeDecodeError:
            sample = head.decode("latin-1")
        sep = "\t" if p.suffix.lower() == ".tsv" else sniff_delimiter(sample)
        header = next(csv.reader([sample.splitlines()[0] if sample else ""], delimiter=sep), [])
        fast = _read_csv_arrow(p, sep, header, numbers) if as_text and numbers else None
        if fast is not None:
            return fast
        try:
            with _no_ragged_lines(p, sep, "utf-8-sig"):
                frame = pd.read_csv(
                    p,
                    sep=sep,
                    dtype=str if as_text else None,
                    keep_default_na=False,
                    na_values=[""],
                    skipinitialspace=True,
                    encoding="utf-8-sig",
                    encoding_errors="replace",
                    low_memory=False,
                    index_col=False,
                )
        except pd.errors.EmptyDataError:
            raise _fail(p, "the file has no header row and no data", "empty_file") from None
        except (pd.errors.ParserError, ValueError) as exc:
            raise _fail(p, f"malformed CSV: {str(exc).strip()}", "malformed") from None
    else:
        raise _fail(p, f"expected a CSV or XLSX table, got a {kind.upper()} document", "unknown_type")
    if kind == "xlsx":
        header = _xlsx_header(p, sheet)
    frame.columns = [str(c).strip() for c in frame.columns]
    if as_text:
        frame = frame.astype(object).where(frame.notna(), None)
    # pandas renames a repeated header to name.1; keep the repeats so callers can refuse them.
    names = [str(h).strip() for h in header]
    frame.attrs["duplicate_columns"] = sorted({n for n in names if n and names.count(n) > 1})
    return frame


def check_utf8(path: Path) -> None:
    """Refuse a file that is not UTF-8, naming the line and byte of the first bad byte.

    Decoded in 1 MB pieces, so a large file is never held twice; a UTF-8 byte-order mark
    (Excel writes one) is fine."""
    import codecs

    decoder = codecs.getincrementaldecoder("utf-8")()
    offset, lines = 0, 1
    with path.open("rb") as fh:
        while True:
            chunk = fh.read(1 << 20)
            held = decoder.getstate()[0]  # the start of a character cut by the previous piece
            try:
                decoder.decode(chunk, final=not chunk)
            except UnicodeDecodeError as exc:
                data = held + chunk
                bad = offset - len(held) + exc.start
                line = lines + data[: exc.start].count(b"\n")
                raise _fail(path, f"not UTF-8 text: byte {bad} (line {line}) is {data[exc.start:exc.start + 1]!r}; "
                                  "save the file as UTF-8, or name its encoding with --encoding (like --encoding cp1252)",
                            "encoding") from None
            if not chunk:
                return
            offset += len(chunk)
            lines += chunk.count(b"\n")


@dataclasses.dataclass(frozen=True)
class CodedTable:
    """A table as (codes, values) per column: row r of column c is `values[c][codes[c][r]]`,
    code -1 for an empty cell. Distinct cells are stored once, so a million-row table of
    repeated text is small, and anything done per distinct value is done once."""

    names: tuple[str, ...]
    codes: tuple[Any, ...]  # numpy int arrays, one per column
    values: tuple[tuple[Any, ...], ...]
    rows: int
    duplicate_columns: tuple[str, ...] = ()

    def column(self, c: int) -> list[Any]:
        """Column c as a list of cells (None for empty)."""
        vals, codes = self.values[c] + (None,), self.codes[c]
        return [vals[k] for k in codes.tolist()]


def _coded(frames, names: list[str]) -> tuple[tuple, tuple, int]:
    """Factorize each column of each frame (chunks of one table) into shared codes/values."""
    import numpy as np
    import pandas as pd

    index: list[dict] = [{} for _ in names]
    values: list[list] = [[] for _ in names]
    parts: list[list] = [[] for _ in names]
    rows = 0
    for frame in frames:
        rows += len(frame)
        for c in range(len(names)):
            codes, uniques = pd.factorize(frame.iloc[:, c].to_numpy(), use_na_sentinel=True)
            known, vals = index[c], values[c]
            remap = np.empty(len(uniques) + 1, dtype=np.int32)
            remap[-1] = -1
            for k, u in enumerate(uniques.tolist() if hasattr(uniques, "tolist") else list(uniques)):
                g = known.get(u)
                if g is None:
                    g = known[u] = len(vals)
                    vals.append(u)
                remap[k] = g
            parts[c].append(remap[codes])
    codes = tuple(_narrow(np.concatenate(p), len(v)) if p else np.zeros(0, dtype=np.int32) for p, v in zip(parts, values))
    return codes, tuple(tuple(v) for v in values), rows


def _narrow(codes, count: int):
    """Codes (-1 … count − 1) in int8 or int16 when they fit: the table is kept while its offers are."""
    import numpy as np

    for dtype in (np.int8, np.int16):
        if count + 1 <= np.iinfo(dtype).max:
            return codes.astype(dtype)
    return codes


def read_coded_table(path: str | os.PathLike, *, sheet: str | int | None = None, encoding: str | None = None,
                     max_bytes: int = MAX_FLAT_OFFER_TABLE_BYTES) -> CodedTable:
    """Read a CSV, XLSX or Parquet offer table as a `CodedTable`.

    CSV cells stay text as written (`0777`, `5.10`, `80.000`): the caller decides what is a
    number. A CSV must be UTF-8 (a byte-order mark is fine) unless `encoding` names another
    encoding. XLSX and Parquet cells keep the types the file gives them.

    Raises:
        InputError: missing, too large, not UTF-8, malformed, a zip bomb, or no header.
    """
    import pandas as pd

    p = check_input_path(path, max_bytes=max_bytes)
    kind = file_kind(p)
    if kind == "csv":
        if encoding is None:
            check_utf8(p)
        else:
            try:
                import codecs

                codecs.lookup(encoding)
            except LookupError:
                raise _fail(p, f"unknown encoding {encoding!r} (try utf-8, cp1252, latin-1, utf-16)", "encoding") from None
        with p.open("rb") as fh:
            head = fh.read(65536)
        sample = head.decode(encoding or "utf-8-sig", errors="replace")
        if encoding is None and sample.startswith("\ufeff"):
            sample = sample[1:]
        sep = "\t" if p.suffix.lower() == ".tsv" else sniff_delimiter(sample)
        header = next(csv.reader([sample.splitlines()[0] if sample else ""], delimiter=sep), [])
        fast = _coded_csv_arrow(p, sep, header) if encoding is None else None
        if fast is not None:
            names, codes, values, rows = fast
            return CodedTable(tuple(names), codes, values, rows, ())  # no repeated names: else pandas reads it
        try:
            with _no_ragged_lines(p, sep, encoding or "utf-8-sig"):
                reader = iter(pd.read_csv(p, sep=sep, dtype=object, keep_default_na=False, na_values=[""], skipinitialspace=True,
                                          encoding=encoding or "utf-8-sig", chunksize=CSV_CHUNK_ROWS, index_col=False))
                chunk = next(reader, None)
                if chunk is None:
                    raise pd.errors.EmptyDataError
                first = [str(c).strip() for c in chunk.columns]
                pending = [chunk]
                del chunk  # factorized chunk by chunk: text cells of one chunk at most are alive
                codes, values, rows = _coded(_chain(pending, reader), first)
        except pd.errors.EmptyDataError:
            raise _fail(p, "the file has no header row and no data", "empty_file") from None
        except UnicodeDecodeError as exc:
            raise _fail(p, f"cannot read the file as {encoding}: {exc.reason} at byte {exc.start}", "encoding") from None
        except (pd.errors.ParserError, ValueError) as exc:
            raise _fail(p, f"malformed CSV: {str(exc).strip()}", "malformed") from None
        names = first
    else:
        if kind == "xlsx":
            frame = _xlsx_cells(p, sheet)
            header = list(frame.columns)
        elif kind == "parquet":
            try:
                frame = pd.read_parquet(p)
            except ImportError:
                raise _fail(p, "reading Parquet needs pyarrow: pip install 'offer-toolkit[scale]'", "missing_dependency") from None
            except Exception as exc:  # pyarrow raises its own error types for corrupt files
                raise _fail(p, f"not a valid Parquet file: {type(exc).__name__}: {exc}", "malformed") from None
            header = [str(c) for c in frame.columns]
        else:
            raise _fail(p, f"expected a CSV, XLSX or Parquet table, got a {kind.upper()} document", "unknown_type")
        names = [str(c).strip() for c in frame.columns]
        codes, values, rows = _coded([frame], names)
    stripped = [str(h).strip() for h in header]
    repeated = tuple(sorted({n for n in stripped if n and stripped.count(n) > 1}))
    return CodedTable(tuple(names), codes, values, rows, repeated)


def _xlsx_cells(p: Path, sheet: str | int | None):
    """A sheet's cells with the types the workbook gives them (a text cell "80.000" stays text;
    pandas' reader would turn it into 80.0), as an object DataFrame with None for blanks."""
    import pandas as pd
    from python_calamine import CalamineWorkbook

    name = check_xlsx(p, sheet)
    try:
        wb = CalamineWorkbook.from_path(str(p))
        ws = wb.get_sheet_by_name(name)
        rows = ws.to_python(skip_empty_area=False)
    except Exception as exc:  # calamine raises its own error types for corrupt files
        raise _fail(p, f"cannot read the workbook: {type(exc).__name__}: {exc}", "malformed") from None
    if not rows:
        raise _fail(p, "the sheet is empty", "empty_file")
    header = [str(c).strip() for c in rows[0]]
    width = len(header)
    body = [[None if c == "" else c for c in (r + [""] * (width - len(r)))[:width]] for r in rows[1:]]
    while body and all(c is None for c in body[-1]):
        body.pop()
    frame = pd.DataFrame(body, columns=range(width), dtype=object)
    frame.columns = header
    return frame


def _chain(first: list, rest) -> Iterator[Any]:
    """The chunks already taken from a reader, then the rest of it (each dropped once used)."""
    while first:
        yield first.pop(0)
    yield from rest


# ---------------------------------------------------------------- outputs
#
# The output guard (docs/outputs.md). Before anything is written, every output path of a run
# is checked at once (`check_outputs`): never an input, never a file the toolkit did not write
# unless `force`, never a filled-in template replaced by an empty one, and never a target that
# cannot be replaced (read-only or immutable, open in LibreOffice or Excel, a full disk). Each
# file is then written to a temporary file beside it, named `.NAME.offer-toolkit-PID-XXXX.EXT`,
# and renamed over the target; a temporary file left by a run that was killed is removed by
# the next run that writes the same target.

TOOLKIT = "offer-toolkit"  # the creator of every workbook, the Software of every chart, in every calendar's PRODID
KIND_PROPERTY = "offer-toolkit-kind"  # workbook custom property: "report" or "template"
MIN_FREE_BYTES = 1024 * 1024  # refuse to start writing on a disk with less free space than this
_TEMP = re.compile(r"^\.(?P<name>.+)\.offer-toolkit-(?P<pid>\d+)-[A-Za-z0-9_]+(?:\.[A-Za-z0-9]+)?$")


def _temp_prefix(target: Path) -> str:
    return f".{target.name}.{TOOLKIT}-{os.getpid()}-"


def _xlsx_owner(path: Path) -> str | None:
    """'report' or 'template' for a workbook offer-toolkit wrote (by its document properties;
    templates written before the kind property existed are recognised by their sheets), else None."""
    from defusedxml import ElementTree as SafeET

    try:
        with zipfile.ZipFile(path) as zf:
            names = set(zf.namelist())
            if "docProps/core.xml" not in names or zf.getinfo("docProps/core.xml").file_size > 1_000_000:
                return None
            core = SafeET.fromstring(zf.read("docProps/core.xml"))
            creator = next((e.text or "" for e in core.iter("{http://purl.org/dc/elements/1.1/}creator")), "")
            kind = None
            if "docProps/custom.xml" in names and zf.getinfo("docProps/custom.xml").file_size < 1_000_000:
                custom = SafeET.fromstring(zf.read("docProps/custom.xml"))
                for prop in custom:
                    if prop.get("name") == KIND_PROPERTY:
                        kind = "".join(prop.itertext()).strip() or None
        sheets = {sh.name for sh in xlsx_sheets(path)} if creator.strip() in (TOOLKIT, "openpyxl") else set()
    except Exception:  # not a zip, broken XML: not a file this toolkit wrote
        return None
    if creator.strip() == TOOLKIT:
        return kind if kind in ("report", "template") else ("template" if {"Offers", "Help"} <= sheets else "report")
    if creator.strip() == "openpyxl" and sheets == {"Offers", "Assumptions", "Help"}:
        return "template"  # templates of versions before 0.2 left openpyxl's default creator
    return None


def _png_owner(path: Path) -> str | None:
    """'chart' for a PNG whose tEXt Software chunk names offer-toolkit."""
    try:
        with path.open("rb") as fh:
            if fh.read(8) != b"\x89PNG\r\n\x1a\n":
                return None
            for _ in range(64):  # text chunks come before the image data
                head = fh.read(8)
                if len(head) < 8:
                    return None
                size, kind = int.from_bytes(head[:4], "big"), head[4:]
                if kind == b"IDAT" or size > 1_000_000:
                    return None
                data = fh.read(size)
                fh.read(4)  # CRC
                if kind == b"tEXt" and data.startswith(b"Software\x00") and TOOLKIT.encode() in data:
                    return "chart"
    except OSError:
        return None
    return None


def output_owner(path: str | os.PathLike) -> str | None:
    """Which kind of output offer-toolkit wrote at `path` ('report', 'template', 'chart',
    'document'), or None when the file is not one of its outputs (or does not exist)."""
    p = Path(path)
    if not p.is_file():
        return None
    suffix = p.suffix.lower()
    if suffix in (".xlsx", ".xlsm"):
        return _xlsx_owner(p)
    if suffix == ".png":
        return _png_owner(p)
    try:  # text and PDF outputs (calendars, briefs) carry the name near their start or end
        with p.open("rb") as fh:
            head = fh.read(65536)
            fh.seek(max(p.stat().st_size - 65536, 0))
            tail = fh.read(65536)
    except OSError:
        return None
    return "document" if TOOLKIT.encode() in head or TOOLKIT.encode() in tail else None


def template_has_offers(path: str | os.PathLike) -> bool:
    """True when a template's Offers sheet holds a value below its header row (it was filled in)."""
    p = Path(path)
    try:
        sheet = next((s for s in xlsx_sheets(p) if s.name == "Offers"), None)
        if sheet is None:
            return False
        with zipfile.ZipFile(p) as zf, zf.open(sheet.member) as fh:
            data = fh.read(MAX_XLSX_MEMBER_BYTES)
    except Exception:
        return True  # cannot tell: treat it as holding the user's work
    header_end = data.find(b"</row>")
    body = data[header_end:] if header_end >= 0 else b""
    return bool(re.search(rb"<(?:\w+:)?v>[^<]|<(?:\w+:)?t(?:\s[^>]*)?>[^<]", body))


def _stale_temps(target: Path) -> list[Path]:
    """Temporary files beside `target` left by runs that are no longer alive."""
    out = []
    try:
        siblings = list(target.parent.iterdir()) if target.parent.is_dir() else []
    except OSError:
        return []
    for sibling in siblings:
        m = _TEMP.match(sibling.name)
        if not m or m.group("name") != target.name:
            continue
        pid = int(m.group("pid"))
        try:
            os.kill(pid, 0)  # signal 0: only asks whether the process exists
        except ProcessLookupError:
            out.append(sibling)
        except OSError:
            pass  # it exists (another user's process): leave its file alone
    return out


def _writable_problem(p: Path) -> str | None:
    """Why `p` cannot be written or replaced, or None. Probes the folder with a real temporary
    file, because permission bits do not tell (root, read-only mounts, immutable folders)."""
    lock = p.parent / f".~lock.{p.name}#"
    if lock.exists():
        return (f"the file is open in LibreOffice (its lock file {lock.name} is beside it); close it there first, "
                f"or delete the lock file if LibreOffice is not running")
    if (p.parent / f"~${p.name}").exists():
        return f"the file is open in Excel (its owner file ~${p.name} is beside it); close it there first"
    folder = p.parent
    while not folder.exists() and folder != folder.parent:
        folder = folder.parent
    if not folder.is_dir():
        return f"{folder} is not a folder"
    if p.exists() and not os.access(p, os.W_OK):
        return "the file is read-only or immutable; it cannot be replaced"
    try:
        fd, probe = tempfile.mkstemp(prefix=_temp_prefix(p), suffix=".probe", dir=folder)
        os.close(fd)
        os.unlink(probe)
    except OSError as exc:
        why = {13: "the folder is read-only", 30: "the folder is on a read-only file system", 1: "the folder is read-only or immutable",
               28: "the disk is full"}.get(exc.errno or 0, exc.strerror or str(exc))
        return f"cannot write in {folder}: {why}"
    try:
        free = shutil.disk_usage(folder).free
    except OSError:
        free = MIN_FREE_BYTES
    if free < MIN_FREE_BYTES:
        return f"the disk holding {folder} is full ({free / 1024:,.0f} kB free)"
    return None


def output_problem(out: str | os.PathLike, *, kind: str, inputs: Sequence[str | os.PathLike] = (), force: bool = False,
                   empty: bool = False) -> str | None:
    """Why `out` must not be written by this run, or None.

    Args:
        kind: what is being written: 'report', 'template', 'chart' or 'document'.
        force: replace an existing file that offer-toolkit did not write (or a filled-in template).
        empty: the template being written has no offers (a filled-in one is never replaced by it).
    """
    p = Path(out)
    for src in inputs:
        with contextlib.suppress(OSError):
            if (Path(src).exists() and p.exists() and os.path.samefile(src, p)) or Path(src).resolve() == p.resolve():
                return "refusing to overwrite one of the input files"
    if p.exists() and not p.is_file():
        return "exists and is not a regular file"
    if p.parent.exists() and not p.parent.is_dir():
        return f"{p.parent} is not a folder"
    problem = _writable_problem(p)
    if problem:
        return problem
    if not p.exists():
        return None
    owner = output_owner(p)
    if owner == "template" and template_has_offers(p):
        if kind == "template" and empty:
            return "is a filled-in offer template; an empty template never replaces it (choose another name)"
        if not force:
            return "is a filled-in offer template (its offers would be lost); choose another name, or pass --force to replace it"
        return None
    if owner is None and not force:
        what = "workbook" if p.suffix.lower() in (".xlsx", ".xlsm") else "file"
        return (f"exists and is not a {what} offer-toolkit wrote (its properties do not name offer-toolkit); "
                "choose another name, or pass --force to replace it")
    return None


def check_outputs(targets: Sequence[tuple[str | os.PathLike, str] | tuple[str | os.PathLike, str, bool]],
                  inputs: Sequence[str | os.PathLike] = (), *, force: bool = False) -> None:
    """Check every output of a run before any is written; one InputError lists every problem.

    `targets` are (path, kind) or (path, kind, empty) as for `output_problem`. Temporary files
    that a killed run left beside a target are removed here, with a warning naming them."""
    issues = []
    for target in targets:
        path, kind, empty = (tuple(target) + (False,))[:3]
        for stale in _stale_temps(Path(path)):
            try:
                stale.unlink()
                warnings.warn(f"{stale}: removed a temporary file left by an interrupted run", ToolkitWarning, stacklevel=2)
            except OSError as exc:
                warnings.warn(f"{stale}: a temporary file left by an interrupted run could not be removed ({exc.strerror})",
                              ToolkitWarning, stacklevel=2)
        problem = output_problem(path, kind=kind, inputs=inputs, force=force, empty=bool(empty))
        if problem:
            issues.append(Issue(source=str(path), message=problem, code="bad_output"))
    if issues:
        raise InputError(issues)


def check_output_path(out: str | os.PathLike, inputs: Sequence[str | os.PathLike] = (), *, kind: str = "document",
                      force: bool = True, empty: bool = False) -> Path:
    """Return `out` as a Path, or raise OutputError naming it and the reason (see `output_problem`).

    `force` defaults to True here for callers that only need the input and folder checks."""
    problem = output_problem(out, kind=kind, inputs=inputs, force=force, empty=empty)
    if problem:
        raise OutputError(f"{out}: {problem}")
    return Path(out)


def _publish(tmp: str, target: Path) -> None:
    """Give the finished temporary file the usual permissions, then rename it over `target`.

    mkstemp creates files readable by the owner only; a report should get the same mode as
    any file the user creates (0666 less the umask).
    """
    umask = os.umask(0)
    os.umask(umask)
    os.chmod(tmp, 0o666 & ~umask)
    os.replace(tmp, target)


def _prepare(out: str | os.PathLike, inputs: Sequence[str | os.PathLike], kind: str, force: bool, empty: bool) -> Path:
    p = check_output_path(out, inputs, kind=kind, force=force, empty=empty)
    try:
        p.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputError(f"{p}: cannot create the folder {p.parent}: {exc.strerror or exc}") from None
    return p


def _write_failed(p: Path, exc: OSError) -> OutputError:
    return OutputError(f"{p}: cannot write it: {exc.strerror or exc}; the earlier file, if any, is unchanged")


@contextlib.contextmanager
def atomic_output(out: str | os.PathLike, inputs: Sequence[str | os.PathLike] = (), mode: str = "wb", *,
                  kind: str = "document", force: bool = False) -> Iterator[Any]:
    """Open a temporary file beside `out`; rename it over `out` only if the block succeeds.

    The folder is created if missing. On any exception (and on Ctrl-C or SIGTERM, which the
    command line turns into exceptions) the temporary file is removed and an existing `out` is
    left as it was. `out` passes the output guard (`output_problem`) first.
    """
    p = _prepare(out, inputs, kind, force, False)
    try:
        fd, tmp = tempfile.mkstemp(prefix=_temp_prefix(p), suffix=p.suffix or ".tmp", dir=p.parent)
    except OSError as exc:
        raise _write_failed(p, exc) from None
    try:
        with os.fdopen(fd, mode, **({"encoding": "utf-8", "newline": ""} if "b" not in mode else {})) as fh:
            yield fh
        _publish(tmp, p)
    except OSError as exc:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise _write_failed(p, exc) from None
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def write_text(out: str | os.PathLike, text: str, inputs: Sequence[str | os.PathLike] = (), *, kind: str = "document",
               force: bool = False) -> Path:
    """Write `text` to `out` atomically (see `atomic_output`)."""
    with atomic_output(out, inputs, mode="w", kind=kind, force=force) as fh:
        fh.write(text)
    return Path(out)


def write_with(out: str | os.PathLike, writer: Callable[[Path], None], inputs: Sequence[str | os.PathLike] = (), *,
               kind: str = "document", force: bool = False, empty: bool = False) -> Path:
    """Call `writer(tmp_path)` to produce the file, then move it over `out` atomically.

    For libraries (openpyxl, matplotlib, icalendar) that want a path rather than a handle.
    `out` passes the output guard first (`output_problem` with `kind`, `force`, `empty`); a
    failure while writing (a full disk) leaves the earlier file unchanged and raises OutputError.
    """
    p = _prepare(out, inputs, kind, force, empty)
    try:
        fd, tmp = tempfile.mkstemp(prefix=_temp_prefix(p), suffix=p.suffix, dir=p.parent)
        os.close(fd)
    except OSError as exc:
        raise _write_failed(p, exc) from None
    try:
        writer(Path(tmp))
        _publish(tmp, p)
    except OSError as exc:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise _write_failed(p, exc) from None
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    return p
