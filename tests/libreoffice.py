"""Headless LibreOffice for the tests: recalculate a workbook and read its values, render a
sheet to PNG, and skip with a visible reason when soffice is missing (except under CI=true,
where a missing LibreOffice is a failure). Recipe: ../shared/docs/excel-testing.md.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest

RECALC_ALWAYS = """<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry" xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<item oor:path="/org.openoffice.Office.Calc/Formula/Load"><prop oor:name="OOXMLRecalcMode" oor:op="fuse"><value>0</value></prop></item>
<item oor:path="/org.openoffice.Office.Calc/Formula/Load"><prop oor:name="ODFRecalcMode" oor:op="fuse"><value>0</value></prop></item>
</oor:items>"""

PDF_ONE_PAGE_PER_SHEET = 'pdf:calc_pdf_Export:{"SinglePageSheets":{"type":"boolean","value":"true"}}'


class LibreOfficeError(RuntimeError):
    """soffice is missing, or it did not produce the expected file."""


def soffice() -> str | None:
    """Path of the soffice binary, or None."""
    return shutil.which("soffice") or shutil.which("libreoffice")


def convert(src: str | os.PathLike, outdir: str | os.PathLike, target: str = "xlsx", timeout: float = 120) -> Path:
    """Convert `src` with a fresh always-recalculate profile; return the output path.

    `outdir` must not be the folder of `src` when converting xlsx → xlsx (the output has the same name).
    """
    exe = soffice()
    if exe is None:
        raise LibreOfficeError("soffice (LibreOffice) is not installed")
    src = Path(src).resolve()
    outdir = Path(outdir).resolve()
    if outdir == src.parent:
        raise LibreOfficeError(f"{outdir}: the output folder must differ from the source's folder")
    outdir.mkdir(parents=True, exist_ok=True)
    out = outdir / f"{src.stem}.{target.split(':')[0]}"
    if out.exists():
        out.unlink()
    with tempfile.TemporaryDirectory(prefix="lo-profile-") as prof:
        (Path(prof) / "user").mkdir()
        (Path(prof) / "user" / "registrymodifications.xcu").write_text(RECALC_ALWAYS, encoding="utf-8")
        proc = subprocess.run(
            [exe, f"-env:UserInstallation={Path(prof).as_uri()}", "--headless", "--norestore", "--nolockcheck",
             "--convert-to", target, "--outdir", str(outdir), str(src)],
            capture_output=True, text=True, timeout=timeout, env={**os.environ, "HOME": prof},
        )
    if not out.exists():
        raise LibreOfficeError(f"soffice did not write {out.name} (exit {proc.returncode}): {proc.stdout}{proc.stderr}".strip())
    return out


def recalculated_values(src: str | os.PathLike) -> dict[str, dict[str, object]]:
    """{sheet: {"B7": value}} as LibreOffice computes them (non-empty cells only)."""
    from openpyxl import load_workbook

    with tempfile.TemporaryDirectory(prefix="lo-out-") as d:
        wb = load_workbook(convert(src, d, "xlsx"), data_only=True)
        return {
            ws.title: {c.coordinate: c.value for row in ws.iter_rows() for c in row if c.value is not None}
            for ws in wb.worksheets
        }


def render_png(src: str | os.PathLike, out_png: str | os.PathLike, *, page: int = 1, dpi: int = 110) -> Path:
    """Render sheet `page` (1 = the first tab) of a workbook to a PNG: LibreOffice → PDF → pdftoppm."""
    pdftoppm = shutil.which("pdftoppm")
    if pdftoppm is None:
        raise LibreOfficeError("pdftoppm (poppler-utils) is not installed")
    out_png = Path(out_png)
    out_png.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="lo-pdf-") as d:
        pdf = convert(src, d, PDF_ONE_PAGE_PER_SHEET)
        stem = out_png.with_suffix("")
        subprocess.run([pdftoppm, "-png", "-r", str(dpi), "-f", str(page), "-l", str(page), "-singlefile", str(pdf), str(stem)],
                       check=True, capture_output=True, timeout=60)
    if not out_png.exists():
        raise LibreOfficeError(f"pdftoppm did not write {out_png}")
    return out_png


def require_soffice() -> None:
    if soffice() is not None:
        return
    reason = "LibreOffice (soffice) is not installed: install libreoffice-calc-nogui to run the recalculation tests"
    if os.environ.get("CI") == "true":
        pytest.fail(f"{reason} (CI=true: required)")
    pytest.skip(reason)


def require_poppler() -> None:
    """pdftoppm and pdftotext (poppler-utils): skip with a reason, or fail under CI=true."""
    missing = [t for t in ("pdftoppm", "pdftotext") if shutil.which(t) is None]
    if not missing:
        return
    reason = f"{' and '.join(missing)} (poppler-utils) not installed: install poppler-utils to run the rendering tests"
    if os.environ.get("CI") == "true":
        pytest.fail(f"{reason} (CI=true: required)")
    pytest.skip(reason)


def render_pdf(src: str | os.PathLike, outdir: str | os.PathLike) -> Path:
    """The workbook printed to PDF as its page setup says (print areas, orientation, fit, footers)."""
    return convert(src, outdir, "pdf")


def pdf_pngs(pdf: str | os.PathLike, outdir: str | os.PathLike, *, dpi: int = 50) -> list[Path]:
    """Every page of `pdf` as a PNG in `outdir` (<stem>-01.png, ...), old ones of that stem removed first."""
    pdf, outdir = Path(pdf), Path(outdir)
    outdir.mkdir(parents=True, exist_ok=True)
    for old in outdir.glob(f"{pdf.stem}-*.png"):
        old.unlink()
    subprocess.run(["pdftoppm", "-png", "-r", str(dpi), str(pdf), str(outdir / pdf.stem)], check=True, capture_output=True, timeout=120)
    return sorted(outdir.glob(f"{pdf.stem}-*.png"))


def pdf_words(pdf: str | os.PathLike) -> list[list[tuple[float, float, float, float, str]]]:
    """Per page, every word's box (xMin, yMin, xMax, yMax, text) in points, from `pdftotext -bbox-layout`."""
    import html
    import re

    out = subprocess.run(["pdftotext", "-bbox-layout", str(pdf), "-"], check=True, capture_output=True, text=True, timeout=120).stdout
    pages = []
    word = re.compile(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">(.*?)</word>')
    for page in out.split("<page ")[1:]:
        pages.append([(float(a), float(b), float(c), float(d), html.unescape(t)) for a, b, c, d, t in word.findall(page)])
    return pages
