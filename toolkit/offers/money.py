"""Amounts, rates and pay periods as people type them, parsed into floats.

The one sanctioned place that turns `185k`, `"$185,000"`, `"95/hour"` or `"15%"` into numbers.
Money is a float in major units (see docs/methodology.md for why not Decimal); a currency
symbol is checked against the offer's currency, never trusted to pick one. Pure functions:
they raise `AmountError` with a message meant for the user, and callers attach the file,
record and field.
"""

from __future__ import annotations

import math
import re
from enum import Enum
from typing import Any

# ISO 4217 active currency codes (list of 2024), less precious metals, funds and test codes.
ISO_4217 = frozenset(
    """
    AED AFN ALL AMD ANG AOA ARS AUD AWG AZN BAM BBD BDT BGN BHD BIF BMD BND BOB BRL BSD BTN BWP
    BYN BZD CAD CDF CHF CLP CNY COP CRC CUC CUP CVE CZK DJF DKK DOP DZD EGP ERN ETB EUR FJD FKP
    GBP GEL GHS GIP GMD GNF GTQ GYD HKD HNL HTG HUF IDR ILS INR IQD IRR ISK JMD JOD JPY KES KGS
    KHR KMF KPW KRW KWD KYD KZT LAK LBP LKR LRD LSL LYD MAD MDL MGA MKD MMK MNT MOP MRU MUR MVR
    MWK MXN MYR MZN NAD NGN NIO NOK NPR NZD OMR PAB PEN PGK PHP PKR PLN PYG QAR RON RSD RUB RWF
    SAR SBD SCR SDG SEK SGD SHP SLE SLL SOS SRD SSP STN SVC SYP SZL THB TJS TMT TND TOP TRY TTD
    TWD TZS UAH UGX USD UYU UZS VED VES VND VUV WST XAF XCD XCG XOF XPF YER ZAR ZMW ZWG ZWL
    """.split()
)

# Symbols and the currencies each may stand for. "$" is many dollars; the offer's currency decides.
SYMBOLS: dict[str, frozenset[str]] = {
    "US$": frozenset({"USD"}),
    "C$": frozenset({"CAD"}),
    "CA$": frozenset({"CAD"}),
    "A$": frozenset({"AUD"}),
    "AU$": frozenset({"AUD"}),
    "NZ$": frozenset({"NZD"}),
    "S$": frozenset({"SGD"}),
    "HK$": frozenset({"HKD"}),
    "R$": frozenset({"BRL"}),
    "$": frozenset({"USD", "CAD", "AUD", "NZD", "SGD", "HKD", "MXN", "TWD", "ARS", "CLP", "COP"}),
    "€": frozenset({"EUR"}),
    "£": frozenset({"GBP"}),
    "¥": frozenset({"JPY", "CNY"}),
    "₹": frozenset({"INR"}),
    "₩": frozenset({"KRW"}),
    "₪": frozenset({"ILS"}),
    "zł": frozenset({"PLN"}),
    "₽": frozenset({"RUB"}),
    "₺": frozenset({"TRY"}),
    "₱": frozenset({"PHP"}),
    "Fr.": frozenset({"CHF"}),
    "kr": frozenset({"SEK", "NOK", "DKK", "ISK"}),
}


class Period(str, Enum):
    """The period an amount is paid per. Annualised with the factors in `annual_factor`."""

    HOUR = "hour"
    DAY = "day"
    WEEK = "week"
    BIWEEK = "biweek"
    SEMIMONTH = "semimonth"
    MONTH = "month"
    YEAR = "year"


PERIOD_ALIASES = {
    "hour": Period.HOUR, "hr": Period.HOUR, "h": Period.HOUR, "hourly": Period.HOUR,
    "day": Period.DAY, "daily": Period.DAY, "d": Period.DAY,
    "week": Period.WEEK, "wk": Period.WEEK, "weekly": Period.WEEK,
    "biweek": Period.BIWEEK, "biweekly": Period.BIWEEK, "bi-weekly": Period.BIWEEK, "fortnight": Period.BIWEEK,
    "semimonth": Period.SEMIMONTH, "semimonthly": Period.SEMIMONTH, "semi-monthly": Period.SEMIMONTH,
    "month": Period.MONTH, "mo": Period.MONTH, "monthly": Period.MONTH,
    "year": Period.YEAR, "yr": Period.YEAR, "y": Period.YEAR, "annum": Period.YEAR, "annual": Period.YEAR,
    "annually": Period.YEAR, "yearly": Period.YEAR,
}

DEFAULT_HOURS_PER_YEAR = 2080.0
DAYS_PER_YEAR = 260.0


class AmountError(ValueError):
    """A typed amount, rate or period cannot be understood. The message is for the user."""


def annual_factor(period: Period, *, hours_per_year: float | None = None, extra_months: float | None = None) -> float:
    """How many times a year an amount paid per `period` is paid.

    `hours_per_year` applies only to hourly pay and `extra_months` only to monthly pay.

    Examples:
        >>> annual_factor(Period.HOUR)
        2080.0
        >>> annual_factor(Period.MONTH, extra_months=1)
        13.0
        >>> annual_factor(Period.BIWEEK)
        26.0
    """
    if period is Period.HOUR:
        return float(hours_per_year if hours_per_year is not None else DEFAULT_HOURS_PER_YEAR)
    if period is Period.MONTH:
        return 12.0 + float(extra_months or 0.0)
    return {Period.DAY: DAYS_PER_YEAR, Period.WEEK: 52.0, Period.BIWEEK: 26.0, Period.SEMIMONTH: 24.0, Period.YEAR: 1.0}[period]


def parse_period(value: Any) -> Period:
    """'hour', 'Hourly', 'bi-weekly', ... → Period."""
    if isinstance(value, Period):
        return value
    key = str(value).strip().lower().replace(" ", "")
    key = key[:-1] if key.endswith("s") and key[:-1] in PERIOD_ALIASES else key
    if key not in PERIOD_ALIASES:
        raise AmountError(f"unknown pay period {value!r}; expected one of {', '.join(p.value for p in Period)}")
    return PERIOD_ALIASES[key]


_NUMBER = re.compile(r"^(?P<num>[+-]?(?:\d[\d,\s_']*)?(?:\.\d+)?)\s*(?P<mult>[kKmM]?)$")


def _check_currency(symbol: str, currency: str | None, raw: Any) -> None:
    if currency is None:
        return
    allowed = SYMBOLS.get(symbol) or frozenset({symbol.upper()})
    if currency not in allowed:
        raise AmountError(f"the amount {raw!r} is written in {symbol!r}, but the offer's currency is {currency}")


def _split_currency(text: str, currency: str | None, raw: Any) -> str:
    """Strip one currency symbol or ISO code from the front or back, checking it against `currency`."""
    for symbol in sorted(SYMBOLS, key=len, reverse=True):
        if text.startswith(symbol):
            _check_currency(symbol, currency, raw)
            return text[len(symbol):].strip()
        if text.endswith(symbol):
            _check_currency(symbol, currency, raw)
            return text[: -len(symbol)].strip()
    m = re.fullmatch(r"([A-Za-z]{3})\s*(.+)", text) or re.fullmatch(r"(.+?)\s*([A-Za-z]{3})", text)
    if m:
        code, rest = (m.group(1), m.group(2)) if text[:3].isalpha() else (m.group(2), m.group(1))
        if code.upper() in ISO_4217:
            if currency is not None and code.upper() != currency:
                raise AmountError(f"the amount {raw!r} is in {code.upper()}, but the offer's currency is {currency}")
            return rest.strip()
    return text


def parse_number(text: str, raw: Any) -> float:
    """'185,000' → 185000.0, '185k' → 185000.0, '1.5M' → 1500000.0; refuses '65.000' and '65.000,00'."""
    t = text.strip().replace("\u00a0", " ").replace("\u202f", " ")
    if re.fullmatch(r"[+-]?\d{1,3}(\.\d{3})+(,\d+)?", t) or re.fullmatch(r"[+-]?\d+\.\d{3},\d+", t):
        whole = int(t.split(",")[0].replace(".", ""))
        raise AmountError(
            f"{raw!r} is ambiguous: is '.' a thousands separator or a decimal point? "
            f"write {whole} or {whole:,} if you mean {whole:,}"
        )
    if re.fullmatch(r"[+-]?\d+,\d{1,2}", t):
        raise AmountError(f"{raw!r} uses a decimal comma; write it with a decimal point, like {t.replace(',', '.')}")
    m = _NUMBER.match(t)
    if not m or not re.search(r"\d", m.group("num")):
        raise AmountError(f"expected an amount like 185000, 185k or \"$185,000\", got {raw!r}")
    num = m.group("num").replace(",", "").replace(" ", "").replace("_", "").replace("'", "")
    if "," in m.group("num") and not re.fullmatch(r"[+-]?\d{1,3}(,\d{3})+(\.\d+)?", m.group("num").replace(" ", "")):
        raise AmountError(f"{raw!r} has misplaced thousands separators; write it like 185,000 or 185000")
    try:
        value = float(num)
    except ValueError:  # a separator the pattern's \s allowed but float() does not (U+0085, U+2028, ...)
        raise AmountError(f"expected an amount like 185000, 185k or \"$185,000\", got {raw!r}") from None
    mult = m.group("mult").lower()
    if mult == "k":
        value *= 1_000
    elif mult == "m":
        value *= 1_000_000
    return value


def parse_amount(value: Any, currency: str | None = None) -> tuple[float, Period | None]:
    """Parse one typed amount into (amount, period); period is None when none was written.

    Args:
        value: a number, a string like "$185,000", "185k", "95/hour", "15000 per month", or a
            mapping {amount: 95, per: hour}.
        currency: the ISO code the amount must be in; a symbol or code that disagrees is an error.

    Examples:
        >>> parse_amount("$185,000", "USD")
        (185000.0, None)
        >>> parse_amount("95/hour", "USD")
        (95.0, <Period.HOUR: 'hour'>)
        >>> parse_amount({"amount": "15k", "per": "month"}, "EUR")
        (15000.0, <Period.MONTH: 'month'>)
    """
    if isinstance(value, bool) or value is None:
        raise AmountError(f"expected an amount like 185000 or \"$185,000\", got {value!r}")
    if isinstance(value, dict):
        extra = set(value) - {"amount", "per", "currency"}
        if extra or "amount" not in value:
            raise AmountError(f"expected {{amount: ..., per: hour|day|week|biweek|semimonth|month|year}}, got {value!r}")
        if value.get("currency") is not None and currency is not None and str(value["currency"]).upper() != currency:
            raise AmountError(f"the amount {value!r} is in {value['currency']}, but the offer's currency is {currency}")
        amount, inner = parse_amount(value["amount"], currency)
        per = parse_period(value["per"]) if value.get("per") is not None else inner
        return amount, per
    if isinstance(value, (int, float)):
        v = float(value)
        if not math.isfinite(v):
            raise AmountError(f"expected a finite amount, got {value!r}")
        return v, None
    text = str(value).strip()
    if not text:
        raise AmountError("expected an amount, got an empty string")
    per: Period | None = None
    m = re.match(r"^(.*?)\s*(?:/|\bper\b|\ba\b|\ban\b)\s*([A-Za-z-]+)\s*$", text)
    if m:
        per = parse_period(m.group(2))
        text = m.group(1).strip()
    text = _split_currency(text, currency, value)
    return parse_number(text, value), per


def parse_fraction(value: Any, *, max_bare: float = 1.0, example: str = "15% or 0.15") -> float:
    """Parse a percentage: "15%" → 0.15, 0.15 → 0.15; a bare number above `max_bare` is refused.

    A bare 15 where a fraction is meant is the commonest typo in offer files, so it is an
    error with a hint rather than silently 1,500%.

    Examples:
        >>> parse_fraction("15%")
        0.15
        >>> parse_fraction(0.15)
        0.15
        >>> parse_fraction(15)
        Traceback (most recent call last):
        ...
        toolkit.offers.money.AmountError: expected a percentage like 15% or 0.15, got 15; write 15% (or 0.15) if you mean 15 percent
    """
    if isinstance(value, bool) or value is None:
        raise AmountError(f"expected a percentage like {example}, got {value!r}")
    if isinstance(value, (int, float)):
        v = float(value)
        if not math.isfinite(v):
            raise AmountError(f"expected a finite percentage, got {value!r}")
        if abs(v) > max_bare:
            shown = f"{v:g}"  # 15.0 from a spreadsheet cell reads as 15
            hint = f"; write {shown}% (or {v / 100:g}) if you mean {shown} percent"
            raise AmountError(f"expected a percentage like {example}, got {shown}{hint}")
        return v
    text = str(value).strip().replace(" ", "")
    m = re.fullmatch(r"([+-]?\d+(?:\.\d+)?)%", text)
    if m:
        return float(m.group(1)) / 100.0
    try:
        return parse_fraction(float(text), max_bare=max_bare, example=example)
    except ValueError as exc:
        if isinstance(exc, AmountError):
            raise
        raise AmountError(f"expected a percentage like {example}, got {value!r}") from None


def parse_currency(value: Any) -> str:
    """Validate an ISO 4217 code ('usd' → 'USD')."""
    code = str(value).strip().upper()
    if code not in ISO_4217:
        raise AmountError(f"expected an ISO 4217 currency code like USD, EUR or GBP, got {value!r}")
    return code
