"""The Assumptions sheet: the assumption inputs, the US limits with their sources, the FX rates."""

from __future__ import annotations

from ..layout import Layout
from ..styles import DATE, INT, RATE, money_format, pct_format
from ..writer import SheetWriter


def write(sh: SheetWriter, L: Layout) -> None:
    from ....offers.engine import limits

    e, a = L.e, L.e.assumptions
    spec, rows = L.assumption_cols, L.assumptions
    sh.setup(spec.widths, (rows.row("header") + 1, spec.col("label")))
    lim = limits()
    k401, espp = lim["us_401k"], lim["us_espp"]
    year = lambda d: getattr(d.get("effective"), "year", "")  # noqa: E731
    usd = money_format("USD")
    content = {
        "title": {"label": ("Assumptions", "title")},
        "note": {"label": ("Yellow cells with blue text are inputs: change one and recalculate; every figure follows.", "note")},
        "header": ["Assumption", "Value", "Notes", ""],
        "currency": {"label": ("Reporting currency", "bold"), "value": (L.cur, "plain"),
                     "notes": ("all figures are converted into this currency", "note")},
        "horizon": {"label": ("Horizon (years)", "bold"), "value": (a.horizon_years, "plain", INT),
                    "notes": ("fixed when the report was written: run compare --horizon N for another horizon", "note")},
        "raise": {"label": ("Annual raise", "bold"), "value": (a.annual_raise, "input", pct_format(a.annual_raise)),
                  "notes": ("base salary grows by this each year", "note")},
        "growth": {"label": ("Stock growth (per year)", "bold"), "value": (a.stock_growth, "input", pct_format(a.stock_growth)),
                   "notes": ("share-price growth; a grant's own growth on Grants overrides it", "note")},
        "discount": {"label": ("Private-equity discount", "bold"), "value": (a.private_equity_discount, "input", pct_format(a.private_equity_discount)),
                     "notes": ("taken off private-company grants", "note")},
        "refreshers": {"label": ("Include refreshers in TC", "bold"), "value": (bool(a.include_refreshers), "input"),
                       "notes": ("TRUE or FALSE; expected refreshers are not promised", "note")},
        "discount_rate": {"label": ("Discount rate (present value)", "bold"), "value": (a.discount_rate, "input", pct_format(a.discount_rate)),
                          "notes": ("empty: no present value", "note")},
        "tax_rate": {"label": ("Tax rate (after-tax figure)", "bold"), "value": (a.tax_rate, "input", pct_format(a.tax_rate)),
                     "notes": ("empty: no after-tax figure unless an offer has its own", "note")},
        "fx_date": {"label": ("FX date", "bold"), "value": (a.fx_date, "plain", DATE),
                    "notes": ("date of the reference rates (for the record)", "note")},
        "limits_header": ["US limits (USD offers only)", "Value", "Source", ""],
        "comp_limit": {"label": (f"401(k) compensation limit ({year(k401)})", "bold"),
                       "value": (k401["compensation_limit"], "input", usd), "notes": (k401["source"], "note")},
        "deferral_limit": {"label": (f"401(k) elective deferral limit ({year(k401)})", "bold"),
                           "value": (k401["deferral_limit"], "input", usd), "notes": (k401["source"], "note")},
        "espp_limit": {"label": (f"ESPP purchase limit ({year(espp)})", "bold"),
                       "value": (espp["purchase_limit"], "input", usd), "notes": (espp["source"], "note")},
        "fx_header": ["Currency", f"Rate ({L.cur} per 1 unit)", "Source", "Date"],
    }
    for code in L.fx_codes:
        if code == L.cur:
            content[f"fx:{code}"] = {"label": (code, "bold"), "value": (1.0, "plain", RATE), "notes": ("reporting currency", "note")}
        else:
            r = e.fx.rates[code]
            content[f"fx:{code}"] = {"label": (code, "bold"), "value": (r.rate, "input", "0.000000"), "notes": (r.source, "plain"),
                                     "date": (r.date, "plain", DATE)}
    for key in rows.rows:
        c = content.get(key) if key else None
        if c is None:
            sh.values([])
        elif isinstance(c, list):  # a header row: texts by the column spec's order of keys
            labels = dict(zip(("label", "value", "notes", "date"), c))
            sh.header([labels.get(col.key, "") for col in spec.columns])
        else:
            sh.values(spec.row_values(c))
    sh.finish()
