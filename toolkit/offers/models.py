"""Frozen pydantic models of an offer file: offers, their terms, and the assumptions.

Per-object invariants only (a grant has a value, a schedule sums to 100%); checks that span
offers or files live in `load.py`. Amounts are parsed by `money.py`; the offer's currency is
passed in the validation context (`{"currency": "USD"}`) so that a symbol that disagrees
with it is caught. A term the file leaves out stays None, so the negotiation plan can ask
for it; the engine counts a missing component as 0.
"""

from __future__ import annotations

import datetime as dt
from functools import lru_cache
from typing import Annotated, Any, ClassVar, Literal, Optional, Sequence, Union

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    ValidationInfo,
    WithJsonSchema,
    field_validator,
    model_validator,
)

from . import vesting as vest
from .money import AmountError, Period, annual_factor, parse_amount, parse_currency, parse_fraction
from .. import bounds
from ..display import html_for
from ..geography import resolve_location


class Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", allow_inf_nan=False, str_strip_whitespace=True)


# ------------------------------------------------------------------ where an offer is

@lru_cache(maxsize=4096)
def in_united_states(location: Optional[str]) -> bool:
    """True when the written location resolves to the United States (toolkit.geography):
    the US limits and §423 apply by where the job is, never by the offer's currency.

    Examples:
        >>> in_united_states("Seattle, WA"), in_united_states("Berlin, Germany"), in_united_states("Berlin, DE")
        (True, False, False)
        >>> in_united_states(None), in_united_states("Remote")
        (False, False)
    """
    return bool(location) and resolve_location(str(location)).country == "US"


# ------------------------------------------------------------------ typed values

def _currency_of(info: ValidationInfo) -> str | None:
    ctx = info.context or {}
    return ctx.get("currency")


def _one_time(value: Any, info: ValidationInfo) -> float:
    amount, per = parse_amount(value, _currency_of(info))
    if per is not None and per is not Period.YEAR:
        raise AmountError(f"a one-time amount cannot be paid per {per.value}, got {value!r}")
    return amount


def _annual(value: Any, info: ValidationInfo) -> float:
    amount, per = parse_amount(value, _currency_of(info))
    return amount * annual_factor(per or Period.YEAR)


def _fraction(max_bare: float, low: float, high: float, *, low_open: bool = False):
    """A percentage field: parsed by money.parse_fraction, then range-checked in percent words.

    A bare number above `max_bare` is the typo 15 for 15%; but a value the toolkit parsed
    already (re-validation with context {"parsed": True}: merged assumptions, flags,
    `with_assumptions`) is a fraction, so 1.5 there means 150%."""
    span = f"{'above' if low_open else 'from'} {low * 100:g}% {'and at most' if low_open else 'to'} {high * 100:g}%"

    def parse(value: Any, info: ValidationInfo) -> float:
        parsed = bool((info.context or {}).get("parsed"))
        v = parse_fraction(value, max_bare=float("inf") if parsed else max_bare)
        if v < low or (low_open and v == low) or v > high:
            raise AmountError(f"expected a percentage {span}, got {v * 100:g}%")
        return v

    return parse


def _currency(value: Any) -> str:
    return parse_currency(value)


AMOUNT_SCHEMA = {
    "anyOf": [
        {"type": "number"},
        {"type": "string", "description": "185000, 185k, \"$185,000\", \"95/hour\", \"15000/month\""},
        {
            "type": "object",
            "properties": {
                "amount": {"type": ["number", "string"]},
                "per": {"enum": [p.value for p in Period]},
            },
            "required": ["amount"],
        },
    ]
}
PERCENT_SCHEMA = {
    "anyOf": [
        {"type": "number", "description": "a fraction: 0.15 means 15%"},
        {"type": "string", "pattern": r"^\s*[+-]?\d+(\.\d+)?\s*%\s*$", "description": "\"15%\""},
    ]
}

# Bounds come from the one table in toolkit/bounds.py (docs/bounds.md).
_amount_bound = AfterValidator(lambda v: bounds.check("amount", v))
_price_bound = AfterValidator(lambda v: bounds.check("price", v))
Amount = Annotated[float, BeforeValidator(_one_time), Field(ge=0), _amount_bound, WithJsonSchema(AMOUNT_SCHEMA)]
PositiveAmount = Annotated[float, BeforeValidator(_one_time), Field(gt=0), _amount_bound, WithJsonSchema(AMOUNT_SCHEMA)]
AnnualAmount = Annotated[float, BeforeValidator(_annual), Field(ge=0), _amount_bound, WithJsonSchema(AMOUNT_SCHEMA)]
Price = Annotated[float, BeforeValidator(_one_time), Field(ge=0), _price_bound, WithJsonSchema(AMOUNT_SCHEMA)]
PositivePrice = Annotated[float, BeforeValidator(_one_time), Field(gt=0), _price_bound, WithJsonSchema(AMOUNT_SCHEMA)]
Shares = Annotated[float, Field(gt=0), AfterValidator(lambda v: bounds.check("shares", v))]
Date = bounds.BoundedDate
Fraction = Annotated[float, BeforeValidator(_fraction(1.0, 0.0, 1.0)), WithJsonSchema(PERCENT_SCHEMA)]
Rate = Annotated[float, BeforeValidator(_fraction(1.0, bounds.RATE_MIN, bounds.RATE_MAX, low_open=True)), WithJsonSchema(PERCENT_SCHEMA)]
Multiplier = Annotated[float, BeforeValidator(_fraction(5.0, 0.0, 5.0)), WithJsonSchema(PERCENT_SCHEMA)]
BonusTarget = Annotated[float, BeforeValidator(_fraction(1.0, 0.0, 5.0)), WithJsonSchema(PERCENT_SCHEMA)]
Currency = Annotated[str, BeforeValidator(_currency), WithJsonSchema({"type": "string", "pattern": "^[A-Za-z]{3}$"})]


def _numbers_as_text(value: Any) -> Any:
    """A level typed as 5 (or read from a spreadsheet as 5.0) is the text "5"."""
    if isinstance(value, bool):
        return value
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, (int, float)):
        return str(value)
    return value


Text = Annotated[str, BeforeValidator(_numbers_as_text), WithJsonSchema({"type": ["string", "number"]})]


def offer_id_text(value: Any) -> Any:
    """An id as the text it is compared by: 5, 5.0 and "5" are one id ("5"); "0777" stays.

    A number written with a zero fraction ("5.0", as a spreadsheet shows 5) is its whole
    number; other text is kept as written, stripped. Non-scalars pass through for the model
    to refuse."""
    value = _numbers_as_text(value)
    if isinstance(value, str):
        value = value.strip()
        if _ZERO_FRACTION.fullmatch(value):
            value = value.split(".")[0]
    return value


_ZERO_FRACTION = __import__("re").compile(r"[+-]?\d+\.0+")
OfferId = Annotated[str, BeforeValidator(offer_id_text), WithJsonSchema({"type": ["string", "number"]})]


class Pay(Frozen):
    """A salary with the period it is paid per (year unless written otherwise)."""

    amount: float = Field(gt=0)
    per: Period = Period.YEAR

    @model_validator(mode="after")
    def _bounded(self) -> "Pay":
        bounds.check("amount", self.amount * annual_factor(self.per))  # the salary a year
        return self

    @model_validator(mode="before")
    @classmethod
    def _parse(cls, value: Any, info: ValidationInfo) -> Any:
        amount, per = parse_amount(value, _currency_of(info))
        return {"amount": amount, "per": per or Period.YEAR}


PaySchema = WithJsonSchema(AMOUNT_SCHEMA)


# ------------------------------------------------------------------ terms

def _month_day(value: Any) -> Any:
    """'10-01' or 'Oct 1' style month-day → 'MM-DD' (validated against a leap year)."""
    if isinstance(value, dt.date):
        return f"{value.month:02d}-{value.day:02d}"
    if not isinstance(value, str):
        raise ValueError(f"expected a month-day like \"10-01\" (MM-DD), got {value!r}")
    text = value.strip()
    for fmt in ("%m-%d", "%b %d", "%B %d", "%d %b", "%d %B"):
        try:
            parsed = dt.datetime.strptime(f"2024 {text}", f"%Y {fmt}")
        except ValueError:
            continue
        return f"{parsed.month:02d}-{parsed.day:02d}"
    raise ValueError(f"expected a month-day like \"10-01\" (MM-DD), got {value!r}")


MonthDay = Annotated[str, BeforeValidator(_month_day), WithJsonSchema({"type": "string", "pattern": r"^\d{2}-\d{2}$"})]
CalendarMonth = Annotated[int, Field(ge=1, le=12)]


class Bonus(Frozen):
    """Annual bonus: a target as a fraction of base, or a fixed amount, times the expected payout.

    Dated rules (docs/methodology.md §4): the bonus year (`year: calendar`, or `fiscal` with
    `fiscal_start_month`), the `payout_month` (default: the third month after the bonus year
    ends), what the first, partial bonus year pays (`first_year`) and an `eligibility_cutoff`.
    """

    target: Optional[BonusTarget] = None
    amount: Optional[Amount] = None
    expected_payout: Multiplier = 1.0
    year: Literal["calendar", "fiscal"] = "calendar"
    fiscal_start_month: Optional[CalendarMonth] = None
    payout_month: Optional[CalendarMonth] = None
    first_year: Literal["prorated", "full", "none"] = "prorated"
    eligibility_cutoff: Optional[MonthDay] = None

    @model_validator(mode="before")
    @classmethod
    def _scalar(cls, value: Any) -> Any:
        # `bonus: 15%` is shorthand for `bonus: {target: 15%}`.
        if isinstance(value, (int, float, str)) and not isinstance(value, bool):
            return {"target": value}
        return value

    @model_validator(mode="after")
    def _one_basis(self) -> "Bonus":
        if self.target is None and self.amount is None:
            raise ValueError("a bonus needs a target (like 15%) or an amount")
        if self.target is not None and self.amount is not None:
            raise ValueError("give the bonus as a target or as an amount, not both")
        if self.year == "fiscal" and self.fiscal_start_month is None:
            raise ValueError("a fiscal bonus year needs fiscal_start_month (1-12, e.g. 4 for April)")
        if self.year == "calendar" and self.fiscal_start_month is not None:
            raise ValueError("fiscal_start_month goes with year: fiscal")
        return self

    @property
    def year_start_month(self) -> int:
        """The calendar month (1-12) a bonus year starts in."""
        return self.fiscal_start_month if self.year == "fiscal" and self.fiscal_start_month else 1

    @property
    def paid_in_month(self) -> int:
        """The calendar month (1-12) the bonus is paid in: `payout_month`, else the third month after the bonus year ends."""
        if self.payout_month is not None:
            return self.payout_month
        return (self.year_start_month - 1 + 2) % 12 + 1


class Repayable(Frozen):
    """A one-time amount the employer may claw back (sign-on, relocation): the amount, and the
    repayment terms. A bare value (`sign_on: 20k`) is the amount."""

    amount: Amount
    clawback_months: Optional[int] = Field(default=None, ge=0, le=120)
    clawback: Optional[Literal["prorata", "cliff"]] = None
    repay_basis: Optional[Literal["gross", "net"]] = None

    @model_validator(mode="before")
    @classmethod
    def _scalar(cls, value: Any) -> Any:
        if not isinstance(value, dict):
            return {"amount": value}
        return value


class SignOn(Repayable):
    """One sign-on payment, when it is paid, and its repayment terms.

    When: `year` k (paid at month 12·(k−1), the default year 1 = at the start), a `month` (months
    after the start: 0 = the start month) or a `date`; `installments: N` splits it into N equal
    monthly payments from then on.
    """

    year: int = Field(default=1, ge=1, le=40)
    month: Optional[int] = Field(default=None, ge=0, le=480)
    date: Optional[dt.date] = None
    installments: int = Field(default=1, ge=1, le=120)

    @model_validator(mode="after")
    def _one_when(self) -> "SignOn":
        given = [f for f in ("year", "month", "date") if f in self.model_fields_set and getattr(self, f) is not None]
        if len(given) > 1:
            raise ValueError(f"give one of year, month or date for a sign-on payment, not {' and '.join(given)}")
        return self


class Vesting(Frozen):
    """A vesting schedule: a preset name, `yearly` shares with a frequency and cliff, or `events`."""

    preset: Optional[str] = None
    yearly: Optional[tuple[float, ...]] = None
    frequency: Optional[Literal["monthly", "quarterly", "semiannual", "annual"]] = None
    cliff_months: Optional[int] = Field(default=None, ge=0, le=120)
    events: Optional[tuple[tuple[int, float], ...]] = None

    @model_validator(mode="before")
    @classmethod
    def _parse(cls, value: Any) -> Any:
        if isinstance(value, str):
            value = {"preset": value}
        if not isinstance(value, dict):
            raise ValueError(f"expected a preset name or a mapping with yearly or events, got {value!r}")
        value = dict(value)
        if value.get("preset") is not None:
            name = str(value["preset"]).strip().lower()
            if name not in vest.PRESETS:
                raise ValueError(f"unknown vesting preset {value['preset']!r}; expected one of {', '.join(vest.PRESETS)}")
            value["preset"] = name
        if value.get("yearly") is not None:
            if not isinstance(value["yearly"], (list, tuple)):
                raise ValueError(f"yearly must be a list of percentages like [25, 25, 25, 25], got {value['yearly']!r}")
            shares = [_percent_entry(v) for v in value["yearly"]]
            value["yearly"] = vest.to_fractions(shares, "vesting.yearly")
        if value.get("events") is not None:
            raw = value["events"]
            if not isinstance(raw, (list, tuple)) or not all(isinstance(e, (list, tuple)) and len(e) == 2 for e in raw):
                raise ValueError(f"events must be a list of [month, percent] pairs, got {raw!r}")
            months = []
            for m, _ in raw:
                if isinstance(m, bool) or not isinstance(m, (int, float)) or m != int(m) or m < 1:
                    raise ValueError(f"an event month must be a whole number of months from 1, got {m!r}")
                months.append(int(m))
            fracs = vest.to_fractions([_percent_entry(p) for _, p in raw], "vesting.events")
            value["events"] = tuple(zip(months, fracs))
        return value

    @model_validator(mode="after")
    def _one_form(self) -> "Vesting":
        forms = [f for f in ("preset", "yearly", "events") if getattr(self, f) is not None]
        if len(forms) != 1:
            raise ValueError("give exactly one of a preset name, yearly shares or events")
        if self.yearly is None and (self.frequency is not None or self.cliff_months is not None):
            raise ValueError("frequency and cliff_months go with yearly shares")
        return self

    @property
    def key(self) -> tuple:
        """A hashable identity of the schedule (grants are grouped by it in the engine)."""
        return (self.preset, self.yearly, self.frequency, self.cliff_months, self.events)

    @property
    def schedule(self) -> vest.Events:
        """The (month, fraction) events, fractions summing to exactly 1."""
        return _schedule(self.key)

    @property
    def label(self) -> str:
        if self.preset is not None:
            return self.preset
        if self.yearly is not None:
            cliff = f", {self.cliff_months}-month cliff" if self.cliff_months else ""
            return f"{'/'.join(f'{y * 100:g}' for y in self.yearly)} {self.frequency or 'annual'}{cliff}"
        return f"custom ({len(self.events or ())} events)"


@lru_cache(maxsize=4096)
def _schedule(key: tuple) -> vest.Events:
    preset, yearly, frequency, cliff_months, events = key
    if preset is not None:
        return vest.PRESETS[preset]
    if yearly is not None:
        return vest.custom_yearly(yearly, frequency or "annual", cliff_months or 0)
    return vest.custom_events(events or ())


def _percent_entry(value: Any) -> float:
    if isinstance(value, str):
        text = value.strip()
        if text.endswith("%"):
            text = text[:-1]
        try:
            return float(text)
        except ValueError:
            raise ValueError(f"expected a percentage like 25 or \"25%\", got {value!r}") from None
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise ValueError(f"expected a percentage like 25 or \"25%\", got {value!r}")
    return float(value)


DEFAULT_VESTING = Vesting(preset=vest.DEFAULT_PRESET)


def _parse_in_own_currency(value: Any, fields: tuple[str, ...]) -> Any:
    """Stock priced in another currency: parse its amounts against that currency, not the offer's."""
    if not isinstance(value, dict) or value.get("currency") is None:
        return value
    try:
        code = parse_currency(value["currency"])
    except AmountError:
        return value  # the currency field's own validator reports it
    out = dict(value)
    for name in fields:
        if out.get(name) is not None:
            amount, per = parse_amount(out[name], code)
            if per is not None and per is not Period.YEAR:
                raise AmountError(f"{name} is a one-time amount and cannot be paid per {per.value}")
            out[name] = amount
    return out


class EquityGrant(Frozen):
    """An RSU or option grant. RSUs: `grant_value`, or `shares` + `share_price`; options: `shares`, `strike`, `share_price`."""

    type: Literal["rsu", "option"] = "rsu"
    grant_value: Optional[Amount] = None
    shares: Optional[Shares] = None
    share_price: Optional[PositivePrice] = None
    strike: Optional[Price] = None
    option_kind: Optional[Literal["iso", "nso"]] = None
    vesting: Vesting = DEFAULT_VESTING
    private: bool = False
    currency: Optional[Currency] = None
    stock_growth: Optional[Rate] = None
    vest_start: Optional[dt.date] = None  # vesting commencement date (default: the start date)

    @model_validator(mode="before")
    @classmethod
    def _own_currency(cls, value: Any) -> Any:
        return _parse_in_own_currency(value, ("grant_value", "share_price", "strike"))

    @model_validator(mode="after")
    def _complete(self) -> "EquityGrant":
        if self.type == "option":
            if self.grant_value is not None:
                raise ValueError("options are given by shares, strike and share_price, never by grant_value")
            missing = [f for f in ("shares", "strike", "share_price") if getattr(self, f) is None]
            if missing:
                raise ValueError(f"an option grant needs shares, strike and share_price; missing {', '.join(missing)}")
        else:
            if self.strike is not None or self.option_kind is not None:
                raise ValueError("strike and option_kind apply only to options (type: option)")
            if self.grant_value is not None and self.shares is not None:
                raise ValueError("give an RSU grant as grant_value or as shares + share_price, not both")
            if self.grant_value is None and self.shares is None:
                raise ValueError("an RSU grant needs grant_value, or shares and share_price")
            if self.shares is not None and self.share_price is None:
                raise ValueError("an RSU grant given in shares needs share_price")
        return self

    @property
    def start_value(self) -> float:
        """Value of the whole grant at the quoted price (before any strike): shares × P0 or grant_value."""
        if self.grant_value is not None:
            return self.grant_value
        return float(self.shares) * float(self.share_price)  # type: ignore[arg-type]

    @property
    def strike_total(self) -> float:
        """shares × strike for options, 0 for RSUs."""
        return float(self.shares) * float(self.strike) if self.type == "option" else 0.0  # type: ignore[arg-type]


class Refresher(Frozen):
    """An expected refresh grant of `annual_value` at each anniversary (not promised; off by default)."""

    annual_value: Amount
    vesting: Vesting = DEFAULT_VESTING
    private: bool = False
    currency: Optional[Currency] = None
    stock_growth: Optional[Rate] = None
    month: Optional[CalendarMonth] = None  # granted each year in this calendar month (default: each anniversary)

    @model_validator(mode="before")
    @classmethod
    def _scalar(cls, value: Any) -> Any:
        if not isinstance(value, dict):
            return {"annual_value": value}
        return _parse_in_own_currency(value, ("annual_value",))


class MatchTier(Frozen):
    """The employer matches `match` of what the employee defers, on a slice of pay `up_to` wide."""

    match: Fraction
    up_to: Fraction


class Deferral(Frozen):
    """What the employee defers into the plan: a fraction of pay (`6%`) or an amount a year (`20000`)."""

    percent: Optional[Fraction] = None
    amount: Optional[AnnualAmount] = None

    @model_validator(mode="before")
    @classmethod
    def _scalar(cls, value: Any) -> Any:
        # "6%" or 0.06 is a share of pay; 20000, "20k", "$1,500/month" is an amount.
        if isinstance(value, str) and value.strip().endswith("%"):
            return {"percent": value}
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            return {"percent": value} if value <= 1 else {"amount": value}
        if isinstance(value, str):
            return {"amount": value}
        return value

    @model_validator(mode="after")
    def _one(self) -> "Deferral":
        if (self.percent is None) == (self.amount is None):
            raise ValueError("give the employee deferral as a percentage of pay (like 6%) or an amount a year, not both")
        return self


class RetirementVesting(Frozen):
    """When the employer's retirement money becomes the employee's: `immediate`, a cliff after
    `cliff_years`, or a `graded` list of cumulative percentages after each completed year."""

    cliff_years: Optional[int] = Field(default=None, ge=0, le=10)
    graded: Optional[tuple[float, ...]] = None

    @model_validator(mode="before")
    @classmethod
    def _shapes(cls, value: Any) -> Any:
        if isinstance(value, str):
            text = value.strip().lower()
            if text == "immediate":
                return {"cliff_years": 0}
            raise ValueError(f"expected immediate, {{cliff_years: N}} or {{graded: [20, 40, 60, 80, 100]}}, got {value!r}")
        if isinstance(value, dict) and value.get("graded") is not None:
            shares = value["graded"]
            if not isinstance(shares, (list, tuple)) or not shares:
                raise ValueError(f"graded must be a list of cumulative percentages like [20, 40, 60, 80, 100], got {shares!r}")
            fracs = [_percent_entry(v) / 100.0 for v in shares]
            if any(b < a for a, b in zip(fracs, fracs[1:])) or fracs[-1] != 1.0 or fracs[0] < 0:
                raise ValueError(f"graded percentages must rise to 100, got {list(shares)!r}")
            return {**value, "graded": tuple(fracs)}
        return value

    @model_validator(mode="after")
    def _one(self) -> "RetirementVesting":
        if (self.cliff_years is None) == (self.graded is None):
            raise ValueError("give cliff_years or graded for retirement vesting, or write immediate")
        return self

    def vested(self, months_served: float) -> float:
        """The fraction of employer money vested after `months_served` months.

        Examples:
            >>> RetirementVesting(cliff_years=3).vested(35), RetirementVesting(cliff_years=3).vested(36)
            (0.0, 1.0)
            >>> RetirementVesting.model_validate({"graded": [20, 40, 60, 80, 100]}).vested(30)
            0.4
        """
        years = int(months_served // 12)
        if self.graded is not None:
            if years < 1:
                return 0.0
            return float(self.graded[years - 1]) if years <= len(self.graded) else 1.0
        return 1.0 if years >= (self.cliff_years or 0) else 0.0


class Retirement(Frozen):
    """Employer retirement money: matching tiers and/or a flat contribution, as fractions of base.

    `employee_deferral` is what the employee puts in (default: enough to get the full match); it
    is also the pre-tax deduction of the after-tax figures. `prior_deferrals_this_year` is what
    was deferred at a previous employer in the start year (it uses up the 402(g) room).
    """

    tiers: tuple[MatchTier, ...] = ()
    employer_contribution: Optional[Fraction] = None
    # `retirement.match` / `retirement.up_to` (one tier, see `_shapes`) as table columns
    COLUMN_ALIASES: ClassVar[dict[str, tuple[str, ...]]] = {"match": ("tiers", "match"), "up_to": ("tiers", "up_to")}
    employee_deferral: Optional[Deferral] = None
    prior_deferrals_this_year: Optional[Amount] = None
    vesting: Optional[RetirementVesting] = None

    @model_validator(mode="before")
    @classmethod
    def _shapes(cls, value: Any) -> Any:
        if isinstance(value, (list, tuple)):
            return {"tiers": value}
        if isinstance(value, dict) and ("match" in value or "up_to" in value):
            rest = {k: v for k, v in value.items() if k not in ("match", "up_to")}
            return {**rest, "tiers": [{k: value[k] for k in ("match", "up_to") if k in value}]}
        return value

    @model_validator(mode="after")
    def _something(self) -> "Retirement":
        if not self.tiers and self.employer_contribution is None and self.employee_deferral is None:
            raise ValueError("give a match (match + up_to), a list of tiers, an employer_contribution or an employee_deferral")
        return self

    @property
    def deferral_percent(self) -> float:
        """The employee's deferral as a share of pay when given as one; default: the top of the match tiers."""
        if self.employee_deferral is None:
            return float(sum(t.up_to for t in self.tiers))
        return float(self.employee_deferral.percent or 0.0)


class Espp(Frozen):
    """Employee stock purchase plan: the purchase discount and the fraction of base contributed."""

    discount: Fraction
    contribution: Fraction
    qualified: Optional[bool] = None  # false: not a §423 plan (no $25,000 cap; required above a 15% discount)

    @field_validator("discount")
    @classmethod
    def _below_one(cls, v: float) -> float:
        if v >= 1:
            raise ValueError(f"the ESPP discount must be below 100%, got {v:.0%}")
        return v

    @model_validator(mode="after")
    def _423(self) -> "Espp":
        # IRC §423(b)(6): a qualified plan's price is at least 85% of the market price.
        if self.discount > 0.15 + 1e-12 and self.qualified is not False:
            raise ValueError(
                f"an ESPP discount of {self.discount * 100:g}% is above the 15% a §423 plan may give (IRC §423(b)(6)); "
                "if the plan is not a §423 plan (no US plan is above 15%), write qualified: false"
            )
        return self


class Benefits(Frozen):
    """Annual employer-paid benefits (amounts are annual unless given per month, week, ...)."""

    health: Optional[AnnualAmount] = None
    hsa: Optional[AnnualAmount] = None
    hsa_coverage: Literal["self", "family"] = "self"
    espp: Optional[Espp] = None
    other: dict[str, AnnualAmount] = Field(default_factory=dict)


class Relocation(Repayable):
    """Relocation money (counted once, when paid: `date`, `month` after the start, default the start) and its repayment terms."""

    date: Optional[dt.date] = None
    month: Optional[int] = Field(default=None, ge=0, le=480)
    grossed_up: Optional[bool] = None


Sponsorship = Literal[
    "none", "h1b-new", "h1b-transfer", "h1b-cap-exempt", "h1b1", "e3", "green-card", "tn", "l1", "o1", "skilled-worker",
    "blue-card", "other"
]


class TaxProfile(Frozen):
    """Where and how the offer's pay is taxed (docs/tax.md). Every field is optional: country,
    state and locality default from the offer's location, the rest from the assumptions' `tax:`.
    Amounts are per year in the tax country's currency."""

    country: Optional[Text] = Field(default=None, max_length=60)  # 'US', 'DE', 'GB' or a country name
    state: Optional[Text] = Field(default=None, max_length=60)  # US state code or name; 'Scotland'; 'BY' (Bavaria)
    locality: Optional[Text] = Field(default=None, max_length=60)  # 'NYC'
    filing_status: Optional[Literal["single", "married_joint", "married_separate", "head_of_household"]] = None
    dependents: Optional[int] = Field(default=None, ge=0, le=20)
    other_income: Optional[AnnualAmount] = None
    spouse_income: Optional[AnnualAmount] = None
    church_tax: Optional[bool] = None


class Visa(Frozen):
    """Visa sponsorship terms."""

    sponsorship: Optional[Sponsorship] = None
    green_card: Optional[bool] = None
    fees_paid_by: Optional[Literal["employer", "employee", "unknown"]] = None

    @model_validator(mode="before")
    @classmethod
    def _scalar(cls, value: Any) -> Any:
        if isinstance(value, str):
            return {"sponsorship": value}
        return value


class Raise(Frozen):
    """A dated raise: `percent` from a `date`, or from `month` months after the start (12 = the first anniversary)."""

    percent: Rate
    date: Optional[dt.date] = None
    month: Optional[int] = Field(default=None, ge=0, le=480)

    @model_validator(mode="after")
    def _when(self) -> "Raise":
        if (self.date is None) == (self.month is None):
            raise ValueError("a raise needs a date or a month (months after the start), not both")
        return self


# ------------------------------------------------------------------ the offer

class Offer(Frozen):
    """One job offer. Only `company`, `currency` and `base_salary` are required."""

    id: Optional[OfferId] = Field(default=None, min_length=1, max_length=100)
    company: Text = Field(min_length=1, max_length=200)
    role: Optional[Text] = None
    level: Optional[Text] = None
    location: Optional[Text] = None
    # Market geography (issue 12): the place whose market data to use when it is not `location`
    # (e.g. "U.S." for US national data on a Berlin offer: the user's explicit say-so), and the
    # OFLC wage area (its numeric code) or county for prevailing-wage levels.
    market_location: Optional[Text] = None
    oflc_area: Optional[Text] = Field(default=None, pattern=r"^\d{5,7}$")
    county: Optional[Text] = None
    currency: Currency
    status: Optional[Literal["verbal", "written"]] = None
    start_date: Optional[Date] = None
    deadline: Optional[Date] = None
    base_salary: Annotated[Pay, PaySchema]
    # How often salary is paid (docs/methodology.md §3): the paid calendar-year view counts pay dates
    pay_frequency: Literal["monthly", "semimonthly", "biweekly", "weekly"] = "monthly"
    raises: Optional[tuple[Raise, ...]] = None
    birth_year: Optional[int] = Field(default=None, ge=1900, le=2100)
    extra_months: Optional[float] = Field(default=None, ge=0, le=12)
    hours_per_year: Optional[float] = Field(default=None, gt=0, le=8784)
    bonus: Optional[Bonus] = None
    sign_on: Optional[tuple[SignOn, ...]] = None
    equity: Optional[tuple[EquityGrant, ...]] = None
    refresher: Optional[Refresher] = None
    retirement: Optional[Retirement] = None
    benefits: Optional[Benefits] = None
    pto_days: Optional[float] = Field(default=None, ge=0, le=366)
    relocation: Optional[Relocation] = None
    visa: Optional[Visa] = None
    col_index: Optional[float] = Field(default=None, gt=0, le=1000)
    tax_rate: Optional[Fraction] = None
    tax: Optional[TaxProfile] = None
    factors: Optional[dict[str, int]] = None
    notes: Optional[str] = Field(default=None, max_length=10_000)

    @field_validator("sign_on", "equity", "raises", mode="before")
    @classmethod
    def _listify(cls, value: Any) -> Any:
        if value is None or isinstance(value, (list, tuple)):
            return value
        return [value]

    @field_validator("factors")
    @classmethod
    def _ratings(cls, value: Optional[dict[str, int]]) -> Optional[dict[str, int]]:
        for name, rating in (value or {}).items():
            if not 1 <= rating <= 5:
                raise ValueError(f"factor {name!r} must be rated 1 to 5, got {rating}")
        return value

    @field_validator("tax_rate")
    @classmethod
    def _tax_below_one(cls, v: Optional[float]) -> Optional[float]:
        if v is not None and v >= 1:
            raise ValueError(f"the tax rate must be below 100%, got {v:.0%}")
        return v

    @field_validator("extra_months", "hours_per_year")
    @classmethod
    def _matches_pay_period(cls, value: Optional[float], info: ValidationInfo) -> Optional[float]:
        # Checked per field (base_salary is validated first) so that both problems are reported.
        needs = {"extra_months": (Period.MONTH, "month", "5000/month"), "hours_per_year": (Period.HOUR, "hour", "95/hour")}
        period, word, example = needs[info.field_name]
        base = info.data.get("base_salary")
        if value is not None and base is not None and base.per is not period:
            raise ValueError(f"applies only to a base salary given per {word} (like \"{example}\"); base_salary is per {base.per.value}")
        return value


    def _repr_html_(self) -> str | None:
        return html_for(self)  # the renderer is registered by the top layer: no import of report/

    @property
    def annual_base(self) -> float:
        """Year-1 base salary in the offer's currency, annualised."""
        if self.base_salary.per is Period.YEAR:
            return self.base_salary.amount
        return self.base_salary.amount * annual_factor(
            self.base_salary.per, hours_per_year=self.hours_per_year, extra_months=self.extra_months
        )


# Offer fields that hold text: a file's plain scalars under these keys are read as written
# (YAML 1.1 would read a role 0777 as 511, a level 5.10 as 5.1, a location .inf as infinity)
# and a table's cells in these columns are never turned into numbers.
def _holds_text(annotation: Any) -> bool:
    import typing

    if annotation is str:
        return True
    if typing.get_origin(annotation) is Annotated:
        return _holds_text(typing.get_args(annotation)[0])
    return typing.get_origin(annotation) is Union and any(_holds_text(a) for a in typing.get_args(annotation))


TEXT_FIELDS = frozenset(name for name, info in Offer.model_fields.items() if _holds_text(info.annotation) and name != "currency")

# Terms a candidate should see in writing; a None here is listed in `missing_terms`.
TERMS = (
    "role", "level", "location", "status", "start_date", "deadline", "bonus", "sign_on", "equity",
    "refresher", "retirement", "benefits", "pto_days", "relocation", "visa",
)


def currency_fields(offer: Offer) -> list[tuple[str, str]]:
    """Every currency an offer uses, as (field, code): its own, each grant's and the refresher's.

    The one place that knows which fields carry a currency (FX tables, messages and the JSON
    `fx` block all ask here)."""
    out = [("currency", offer.currency)]
    for g, grant in enumerate(offer.equity or ()):
        if grant.currency:
            out.append((f"equity[{g}].currency", grant.currency))
    if offer.refresher and offer.refresher.currency:
        out.append(("refresher.currency", offer.refresher.currency))
    return out


def offer_currencies(offers: Sequence[Offer]) -> list[str]:
    """The distinct currencies the offers use, in first-seen order."""
    columnar = getattr(offers, "currencies", None)  # a columnar table answers from its columns
    if columnar is not None:
        return columnar()
    return list(dict.fromkeys(code for o in offers for _, code in currency_fields(o)))


def field_values(offers: Sequence[Offer], name: str) -> list[Any]:
    """One top-level field of every offer; a columnar table answers from its columns, without
    building a model per offer."""
    columnar = getattr(offers, "field_values", None)
    if columnar is not None:
        return columnar(name)
    return [getattr(o, name) for o in offers]


def missing_terms(offer: Offer) -> list[str]:
    """The optional terms this offer's record leaves empty, in a fixed order."""
    return [t for t in TERMS if getattr(offer, t) is None]


# ------------------------------------------------------------------ assumptions

class Assumptions(Frozen):
    """Modelling assumptions shared by every offer (file section `assumptions:` or CLI flags)."""

    horizon_years: int = Field(default=4, ge=1, le=40)
    annual_raise: Rate = 0.0
    stock_growth: Rate = 0.0
    include_refreshers: bool = False
    private_equity_discount: Fraction = 0.0
    discount_rate: Optional[Rate] = None
    tax_rate: Optional[Fraction] = None
    # builtin (default) | policyengine | flat; a tax_rate without an engine means flat
    tax_engine: Optional[Literal["builtin", "policyengine", "flat"]] = None
    tax: Optional[TaxProfile] = None
    fx_date: Optional[Date] = None
    weights: Optional[dict[str, float]] = None
    pv_convention: Literal["year-end", "mid-year", "exact"] = "year-end"

    @field_validator("tax_rate")
    @classmethod
    def _tax_below_one(cls, v: Optional[float]) -> Optional[float]:
        if v is not None and v >= 1:
            raise ValueError(f"the tax rate must be below 100%, got {v:.0%}")
        return v

    @model_validator(mode="after")
    def _tax_engine_and_rate(self) -> "Assumptions":
        if self.tax_engine == "flat" and self.tax_rate is None:
            raise ValueError("tax_engine flat needs a tax_rate (--tax-rate 30%)")
        if self.tax_engine in ("builtin", "policyengine") and self.tax_rate is not None:
            raise ValueError(f"a tax_rate applies one flat rate; it cannot be used with tax_engine {self.tax_engine} (drop one of them)")
        return self

    @field_validator("weights")
    @classmethod
    def _weights(cls, value: Optional[dict[str, float]]) -> Optional[dict[str, float]]:
        if value is not None:
            if any(w < 0 for w in value.values()):
                raise ValueError("weights must not be negative")
            if value and sum(value.values()) == 0:
                raise ValueError("weights must not all be zero (the score divides by their sum)")
        return value


class OfferFile(Frozen):
    """The whole document: offers plus optional reporting currency, assumptions and FX rates."""

    offers: tuple[Offer, ...]
    reporting_currency: Optional[Currency] = None
    assumptions: Optional[Assumptions] = None
    fx: Optional[dict[str, Union[float, dict[str, Any]]]] = None


def offer_file_schema() -> dict[str, Any]:
    """JSON Schema of an offer file, including the shorthands the loader accepts.

    Pydantic describes the models' full mapping forms; the shorthands (`vesting: amazon`,
    `bonus: 15%`, `sign_on: 20k`, one grant instead of a list, ...) are added here so that an
    editor validating YAML against this schema accepts everything `offer-toolkit` accepts.
    """
    doc = OfferFile.model_json_schema(ref_template="#/$defs/{model}")
    defs = doc.pop("$defs")
    defs["OfferFile"] = doc
    ref = lambda name: {"$ref": f"#/$defs/{name}"}  # noqa: E731
    percent_entry = {"anyOf": [{"type": "number"}, {"type": "string", "pattern": r"^\s*\d+(\.\d+)?\s*%?\s*$"}]}
    shorthand = {
        "Vesting": {"type": "string", "enum": list(vest.PRESETS)},
        "Bonus": PERCENT_SCHEMA,
        "SignOn": AMOUNT_SCHEMA,
        "Refresher": AMOUNT_SCHEMA,
        "Relocation": AMOUNT_SCHEMA,
        "Visa": {"type": "string", "enum": list(Sponsorship.__args__)},  # type: ignore[attr-defined]
        "Retirement": {"type": "array", "items": ref("MatchTier"), "minItems": 1},
    }
    defs["Vesting"]["properties"]["yearly"] = {"type": "array", "items": percent_entry}
    defs["Vesting"]["properties"]["events"] = {"type": "array", "items": {"type": "array", "prefixItems": [{"type": "integer", "minimum": 1}, percent_entry], "minItems": 2, "maxItems": 2}}
    defs["Retirement"]["properties"]["match"] = PERCENT_SCHEMA
    defs["Retirement"]["properties"]["up_to"] = PERCENT_SCHEMA
    for name, short in shorthand.items():
        defs[name] = {"anyOf": [short, defs[name]], "description": defs[name].get("description", "")}
    props = defs["Offer"]["properties"]
    for field_name, item in (("sign_on", "SignOn"), ("equity", "EquityGrant")):
        props[field_name] = {"anyOf": [{"type": "array", "items": ref(item)}, ref(item), {"type": "null"}]}
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "offer-toolkit offer file",
        "anyOf": [ref("OfferFile"), {"type": "array", "items": ref("Offer"), "minItems": 1}, ref("Offer")],
        "$defs": defs,
    }
