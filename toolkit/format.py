"""The one place that rounds or formats money, percentages and dates for people and JSON."""

from __future__ import annotations

import math
from typing import Any

SYMBOL = {"USD": "$", "EUR": "€", "GBP": "£", "JPY": "¥", "INR": "₹", "CAD": "C$", "AUD": "A$", "CHF": "CHF "}


def is_missing(value: Any) -> bool:
    """True for None, NaN (float, numpy or pandas) and values that are not numbers at all: the one
    missing-value check (formatting, JSON, HTML, charts and the negotiation rules use it).

    Examples:
        >>> is_missing(None), is_missing(float("nan")), is_missing(0.0), is_missing("12")
        (True, True, False, False)
    """
    if value is None:
        return True
    try:
        return math.isnan(float(value))
    except (TypeError, ValueError):
        return False


def cents(value: Any) -> float | None:
    """Round money to cents for JSON; None/NaN stay None. Each figure is rounded on its own."""
    if value is None:
        return None
    v = float(value)
    if math.isnan(v):
        return None
    r = round(v, 2)
    return 0.0 if r == 0 else r


def money(value: Any, currency: str = "", *, decimals: int = 0) -> str:
    """185000.0, 'USD' → '$185,000'; None → '—'."""
    if is_missing(value):
        return "—"
    v = float(value)
    sign = "-" if v < 0 else ""
    prefix = SYMBOL.get(currency, f"{currency} " if currency else "")
    return f"{sign}{prefix}{abs(v):,.{decimals}f}"


def number(value: Any, decimals: int = 0) -> str:
    if is_missing(value):
        return "—"
    return f"{float(value):,.{decimals}f}"


def percent(value: Any, decimals: int = 1) -> str:
    """0.153 → '15.3%'."""
    if is_missing(value):
        return "—"
    return f"{float(value) * 100:.{decimals}f}%"


def percentile(value: Any) -> str:
    """62.4 → 'p62'."""
    if is_missing(value):
        return "—"
    return f"p{float(value):.0f}"


def rate(value: float) -> str:
    return f"{value:.6g}"


def round_money(value: float, step: float = 1000.0) -> float:
    """Round an ask to a sensible step (nearest 1,000 for salaries)."""
    return float(round(value / step) * step)


def plain(value: Any) -> Any:
    """A DataFrame cell (or nested data) as plain JSON data: numpy/pandas scalars → Python,
    NaN/NA/inf → None."""
    import pandas as pd

    if value is None:
        return None
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    if hasattr(value, "item") and not isinstance(value, (str, bytes)):
        try:
            value = value.item()
        except (ValueError, AttributeError):
            pass
    try:
        if pd.isna(value):
            return None
    except (TypeError, ValueError):
        pass
    if isinstance(value, float) and math.isinf(value):
        return None
    return value


def versus(difference: Any, fraction: Any, currency: str = "") -> str:
    """43500.0, 0.1977, 'USD' → '+$43,500 (+19.8%)'; the percentage is left out when None."""
    if difference is None or (isinstance(difference, float) and math.isnan(difference)):
        return "—"
    d = float(difference)
    text = ("+" if d >= 0 else "−") + money(abs(d), currency)
    if fraction is not None and not (isinstance(fraction, float) and math.isnan(fraction)):
        f = float(fraction)
        text += f" ({'+' if f >= 0 else '−'}{percent(abs(f))})"
    return text
