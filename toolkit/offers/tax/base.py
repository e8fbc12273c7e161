"""The tax seam: what every tax engine takes in and gives back, as column arrays.

One row is one person in one tax year. Engines are vectorised: `compute(households)` works on
all rows of a run at once and returns a `TaxResult` of equal-length arrays. Amounts are in the
jurisdiction's own currency (USD for US rows, EUR for DE and FR, GBP for GB, CAD for CA, INR for IN); converting an offer's
pay into that currency is the caller's job. This module holds data shapes only: no tables, no
jurisdiction rules (those live in `tables.py`, `us.py`, `us_states.py`, `de.py`, `uk.py`, `fr.py`, `ca.py`, `india.py`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Mapping, Protocol, Sequence

import numpy as np

FILING_STATUSES = ("single", "married_joint", "married_separate", "head_of_household")

# Where each component a built-in jurisdiction reports is summed. "national" is federal income
# tax (US), Einkommensteuer + Soli + church tax (DE), income tax (GB, including Scottish rates);
# FR: impôt sur le revenu + the high-income contribution; "payroll" is every social or payroll
# contribution withheld from the employee's pay (FR: CSG and CRDS included).
LEVELS = ("national", "state", "local", "payroll")

COMPONENT_LEVEL: dict[str, str] = {
    "us_federal_income_tax": "national",
    "us_social_security": "payroll",
    "us_medicare": "payroll",
    "us_additional_medicare": "payroll",
    "state_income_tax": "state",
    "local_income_tax": "local",
    "state_payroll": "payroll",
    "de_income_tax": "national",
    "de_solidarity_surcharge": "national",
    "de_church_tax": "national",
    "de_pension": "payroll",
    "de_unemployment": "payroll",
    "de_health": "payroll",
    "de_care": "payroll",
    "gb_income_tax": "national",
    "gb_national_insurance": "payroll",
    "fr_income_tax": "national",
    "fr_high_income_contribution": "national",
    "fr_old_age": "payroll",
    "fr_agirc_arrco": "payroll",
    "fr_apec": "payroll",
    "fr_csg_deductible": "payroll",
    "fr_csg_crds_non_deductible": "payroll",
    "ca_federal_income_tax": "national",
    "ca_ontario_income_tax": "state",
    "ca_ontario_health_premium": "state",
    "ca_cpp": "payroll",
    "ca_cpp2": "payroll",
    "ca_ei": "payroll",
    "in_income_tax": "national",
    "in_surcharge": "national",
    "in_cess": "national",
    "in_epf": "payroll",
}

CURRENCY = {"US": "USD", "DE": "EUR", "GB": "GBP", "FR": "EUR", "CA": "CAD", "IN": "INR"}

# Countries whose tax year is not the calendar year: the year a tax year starts in names it.
TAX_YEAR_START = {"GB": (4, 6), "IN": (4, 1)}


def tax_year_label(country: str, year: int) -> str:
    """`2026` for calendar-year countries; `2026/27` where the tax year starts in 2026 (GB, IN)."""
    if country in TAX_YEAR_START:
        return f"{year}/{(year + 1) % 100:02d}"
    return str(year)


def _column(value, n: int, dtype, name: str) -> np.ndarray:
    arr = np.asarray(value, dtype=dtype)
    if arr.ndim == 0:
        return np.full(n, arr.item() if dtype is not object else value, dtype=dtype)
    if arr.shape != (n,):
        raise ValueError(f"column {name} has {arr.shape[0] if arr.ndim else 1} values, expected {n}")
    return arr


@dataclass(frozen=True, eq=False)
class TaxHouseholds:
    """Per-person, per-tax-year inputs as equal-length arrays (build with `TaxHouseholds.build`).

    Attributes:
        year: the tax year (the calendar year it starts in for GB).
        country: ISO 3166 alpha-2 (`US`, `DE`, `GB`).
        region: US state code (`CA`), `SCT` for Scotland in GB, "" otherwise.
        locality: `NYC` for New York City, "" otherwise.
        filing_status: one of FILING_STATUSES (DE: `married_joint` means Zusammenveranlagung).
        dependents: children or other dependents (US credits are not modelled; DE care surcharge).
        wages, bonus, equity: regular pay, bonuses and vested equity counted in the tax year.
        pretax_deductions: the employee's pre-tax retirement deferral (401(k), bAV, net-pay pension).
        other_income: other taxable income of the household (taxed as ordinary income).
        spouse_income: the spouse's wages (joint filers only).
        church_tax: DE church-tax member.
    """

    year: np.ndarray
    country: np.ndarray
    region: np.ndarray
    locality: np.ndarray
    filing_status: np.ndarray
    dependents: np.ndarray
    wages: np.ndarray
    bonus: np.ndarray
    equity: np.ndarray
    pretax_deductions: np.ndarray
    other_income: np.ndarray
    spouse_income: np.ndarray
    church_tax: np.ndarray

    @classmethod
    def build(
        cls,
        *,
        year,
        country,
        wages,
        region="",
        locality="",
        filing_status="single",
        dependents=0,
        bonus=0.0,
        equity=0.0,
        pretax_deductions=0.0,
        other_income=0.0,
        spouse_income=0.0,
        church_tax=False,
    ) -> "TaxHouseholds":
        """Arrays or scalars (broadcast to the length of the longest array)."""
        given = [year, country, wages, region, locality, filing_status, dependents, bonus, equity,
                 pretax_deductions, other_income, spouse_income, church_tax]
        n = max((len(v) for v in given if isinstance(v, (list, tuple, np.ndarray))), default=1)
        strings = {}
        for name, value in (("country", country), ("region", region), ("locality", locality), ("filing_status", filing_status)):
            if isinstance(value, str):
                column = np.empty(n, dtype=object)
                column.fill(value)  # one shared object (np.full would make n copies of the str)
                strings[name] = column
            else:
                strings[name] = _column(np.asarray(value, dtype=object), n, object, name)
        return cls(
            year=_column(year, n, np.int64, "year"),
            dependents=_column(dependents, n, np.int64, "dependents"),
            wages=_column(wages, n, np.float64, "wages"),
            bonus=_column(bonus, n, np.float64, "bonus"),
            equity=_column(equity, n, np.float64, "equity"),
            pretax_deductions=_column(pretax_deductions, n, np.float64, "pretax_deductions"),
            other_income=_column(other_income, n, np.float64, "other_income"),
            spouse_income=_column(spouse_income, n, np.float64, "spouse_income"),
            church_tax=_column(church_tax, n, bool, "church_tax"),
            **strings,
        )

    def __len__(self) -> int:
        return int(self.year.shape[0])

    @property
    def gross_pay(self) -> np.ndarray:
        """Wages + bonus + vested equity: the pay this engine taxes as employment income."""
        return self.wages + self.bonus + self.equity

    def take(self, index: np.ndarray) -> "TaxHouseholds":
        return TaxHouseholds(**{k: getattr(self, k)[index] for k in self.__dataclass_fields__})

    def replace(self, **columns) -> "TaxHouseholds":
        values = {k: getattr(self, k) for k in self.__dataclass_fields__}
        values.update(columns)
        return TaxHouseholds(**values)


RESULT_COLUMNS = (
    "taxable_wages",
    "income_tax_national",
    "income_tax_state",
    "income_tax_local",
    "payroll_tax",
    "total_tax",
    "effective_rate",
    "marginal_rate",
    "withholding_gap",
)


@dataclass(frozen=True, eq=False)
class TaxResult:
    """An engine's answer: one entry per input row in every array.

    `total_tax` is the tax on this person's pay in the year: when the household has other
    income or a spouse's wages, it is the household's tax minus the tax it would owe without
    this pay. `effective_rate` = total_tax / gross pay; `marginal_rate` is the share of the
    next 100 units of wages taken by every tax together. `withholding_gap` (US only, else 0)
    is federal income tax on bonus and vested equity at the household's own rates minus what
    the flat supplemental withholding (22%, 37% above $1M) takes: positive means more is owed
    at filing. `components` holds each named part (see COMPONENT_LEVEL); `notes[i]` lists what
    row i's figures leave out or assume; `table_year[i]` is the year of the tables used.
    """

    engine: str
    engine_version: str
    taxable_wages: np.ndarray
    income_tax_national: np.ndarray
    income_tax_state: np.ndarray
    income_tax_local: np.ndarray
    payroll_tax: np.ndarray
    total_tax: np.ndarray
    effective_rate: np.ndarray
    marginal_rate: np.ndarray
    withholding_gap: np.ndarray
    currency: np.ndarray
    table_year: np.ndarray
    components: Mapping[str, np.ndarray] = field(default_factory=dict)
    notes: np.ndarray | tuple = ()  # one tuple of sentences per row (an object array)

    def __len__(self) -> int:
        return int(self.total_tax.shape[0])

    def row(self, i: int) -> dict:
        """Row i as plain Python values (for JSON and tests)."""
        out = {name: float(getattr(self, name)[i]) for name in RESULT_COLUMNS}
        out["currency"] = str(self.currency[i])
        out["table_year"] = int(self.table_year[i])
        out["components"] = {k: float(v[i]) for k, v in self.components.items() if v[i] != 0}
        out["notes"] = list(self.notes[i]) if len(self.notes) else []
        return out


class TaxEngine(Protocol):
    """What the evaluation needs from a tax engine."""

    name: str

    def version(self) -> str:
        """A string that changes whenever the engine's figures can change (tables, package)."""
        ...

    def compute(self, households: TaxHouseholds) -> TaxResult:
        """Tax for every row at once."""
        ...


def combine_notes(*groups: Sequence[str]) -> tuple[str, ...]:
    """Concatenate note lists, dropping repeats and keeping the first order."""
    seen: dict[str, None] = {}
    for g in groups:
        for note in g:
            seen.setdefault(note, None)
    return tuple(seen)
