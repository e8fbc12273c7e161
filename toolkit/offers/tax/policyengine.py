"""PolicyEngine-US as a tax engine: federal, every state and DC, NYC and other localities, FICA.

Optional (`pip install 'offer-toolkit[tax-us]'`, version pinned in pyproject.toml): the
package is about 850 MB, AGPL-licensed, and takes 25-35 s to import, so it is imported only
inside `compute`, only for rows the disk cache does not already hold, and then once for all of
them: every missing row becomes one household of a single `Simulation`. Results are cached in
the user's cache directory (`$OFFER_TOOLKIT_CACHE`, else `$XDG_CACHE_HOME/offer-toolkit`, else
`~/.cache/offer-toolkit`), one JSON file per PolicyEngine-US version, keyed by every input of
the row, so a warm run reads a file and imports nothing. Rows outside the US are computed by
the built-in engine, and their notes say so.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from importlib import metadata
from pathlib import Path

import numpy as np

from .base import COMPONENT_LEVEL, TaxHouseholds, TaxResult
from .builtin import MARGINAL_STEP, BuiltinEngine, check_households
from .tables import section
from .us import supplemental_withholding

PACKAGE = "policyengine-us"

# PolicyEngine variable → this toolkit's component (see base.COMPONENT_LEVEL).
VARIABLES = {
    "income_tax": "us_federal_income_tax",
    "employee_social_security_tax": "us_social_security",
    "employee_medicare_tax": "us_medicare",
    "additional_medicare_tax": "us_additional_medicare",
    "state_income_tax": "state_income_tax",
    "local_income_tax": "local_income_tax",
    "employee_state_payroll_tax": "state_payroll",
}
# Person-level variables (summed over the tax unit's members).
PERSON_VARIABLES = {"employee_social_security_tax", "employee_medicare_tax"}

STATUS = {"single": "SINGLE", "married_joint": "JOINT", "married_separate": "SEPARATE", "head_of_household": "HEAD_OF_HOUSEHOLD"}
LOCALITY_COUNTY = {"NYC": "NEW_YORK_COUNTY_NY"}


class PolicyEngineMissing(RuntimeError):
    """policyengine-us is not installed."""


def installed_version() -> str | None:
    try:
        return metadata.version(PACKAGE)
    except metadata.PackageNotFoundError:
        return None


def default_cache_dir() -> Path:
    if os.environ.get("OFFER_TOOLKIT_CACHE"):
        return Path(os.environ["OFFER_TOOLKIT_CACHE"])
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "offer-toolkit"


def _key(year, state, locality, status, dependents, wages, pretax, other, spouse) -> str:
    raw = json.dumps([int(year), state, locality, status, int(dependents), round(float(wages), 2), round(float(pretax), 2),
                      round(float(other), 2), round(float(spouse), 2)])
    return hashlib.sha1(raw.encode()).hexdigest()


class PolicyEngineUS:
    """The PolicyEngine-US microsimulation model, with a disk cache of its answers."""

    name = "policyengine"

    def __init__(self, cache_dir: str | os.PathLike | None = None):
        self.cache_dir = Path(cache_dir) if cache_dir is not None else default_cache_dir()
        self.simulations_run = 0  # how many times this engine ran PolicyEngine (tests read it)

    def version(self) -> str:
        v = installed_version()
        if v is None:
            raise PolicyEngineMissing(
                "PolicyEngine-US is not installed: pip install 'offer-toolkit[tax-us]', or use --tax-engine builtin")
        return f"{PACKAGE} {v}"

    # ------------------------------------------------------------------ cache
    def _cache_file(self) -> Path:
        return self.cache_dir / f"{PACKAGE}-{installed_version()}.json"

    def _load_cache(self) -> dict[str, list[float]]:
        try:
            return json.loads(self._cache_file().read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}

    def _save_cache(self, cache: dict[str, list[float]]) -> None:
        target = self._cache_file()
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".pe-", suffix=".json")
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                json.dump(cache, fh)
            os.replace(tmp, target)
        except OSError:
            pass  # a cache that cannot be written only costs time on the next run

    # ------------------------------------------------------------ simulation
    def _simulate(self, rows: list[tuple]) -> list[list[float]]:
        """One Simulation for every row: [year, state, locality, status, deps, wages, pretax, other, spouse]."""
        from policyengine_us import Simulation  # heavy: imported only here

        people, tax_units, families, spm_units, marital_units, households = {}, {}, {}, {}, {}, {}
        for i, (year, state, locality, status, deps, wages, pretax, other, spouse) in enumerate(rows):
            y = int(year)
            head = f"h{i}"
            members = [head]
            people[head] = {"age": {y: 40}, "employment_income": {y: wages}, "traditional_401k_contributions": {y: pretax},
                            "miscellaneous_income": {y: other}}
            if status in ("married_joint", "married_separate"):
                people[f"s{i}"] = {"age": {y: 40}, "employment_income": {y: spouse if status == "married_joint" else 0.0}}
                members.append(f"s{i}")
            for k in range(int(deps)):
                people[f"c{i}_{k}"] = {"age": {y: 10}, "is_tax_unit_dependent": {y: True}}
                members.append(f"c{i}_{k}")
            if status == "married_separate":
                # Each spouse files alone: the tax unit is this person and the dependents.
                tax_units[f"t{i}"] = {"members": [m for m in members if not m.startswith("s")], "filing_status": {y: STATUS[status]}}
                tax_units[f"ts{i}"] = {"members": [f"s{i}"]}
            else:
                tax_units[f"t{i}"] = {"members": members, "filing_status": {y: STATUS[status]}}
            families[f"f{i}"] = {"members": members}
            spm_units[f"u{i}"] = {"members": members}
            if status in ("married_joint", "married_separate"):
                marital_units[f"m{i}"] = {"members": [head, f"s{i}"]}
                for k in range(int(deps)):
                    marital_units[f"mc{i}_{k}"] = {"members": [f"c{i}_{k}"]}
            else:
                for m in members:
                    marital_units[f"m{m}"] = {"members": [m]}
            hh = {"members": members, "state_code": {y: state}}
            if locality in LOCALITY_COUNTY:
                hh["county_str"] = {y: LOCALITY_COUNTY[locality]}
            households[f"hh{i}"] = hh
        situation = {"people": people, "tax_units": tax_units, "families": families, "spm_units": spm_units,
                     "marital_units": marital_units, "households": households}
        sim = Simulation(situation=situation)
        self.simulations_run += 1
        # The row's own tax unit is "t{i}"; person variables are summed over this person only.
        unit_ids = list(tax_units)
        unit_pos = {u: k for k, u in enumerate(unit_ids)}
        person_ids = list(people)
        person_pos = {p: k for k, p in enumerate(person_ids)}
        out = [[0.0] * len(VARIABLES) for _ in rows]
        for year in sorted({int(r[0]) for r in rows}):
            values = {v: np.asarray(sim.calculate(v, year)) for v in VARIABLES}
            for i, r in enumerate(rows):
                if int(r[0]) != year:
                    continue
                for j, v in enumerate(VARIABLES):
                    if v in PERSON_VARIABLES:
                        out[i][j] = float(values[v][person_pos[f"h{i}"]])
                    else:
                        out[i][j] = float(values[v][unit_pos[f"t{i}"]])
        return out

    def _components(self, rows: list[tuple], cache: dict, missing: dict) -> None:
        for r in rows:
            k = _key(*r)
            if k not in cache:
                missing.setdefault(k, r)

    # ---------------------------------------------------------------- compute
    def compute(self, households: TaxHouseholds) -> TaxResult:
        h = households
        check_households(h)
        version = self.version()
        n = len(h)
        builtin = BuiltinEngine().compute(h)  # non-US rows, the currency and the table-year columns
        us_rows = np.flatnonzero(h.country == "US")
        gross = h.gross_pay
        joint = h.filing_status == "married_joint"
        spouse = np.where(joint, h.spouse_income, 0.0)

        def rows_for(wages, pretax, other):
            return [(int(h.year[i]), str(h.region[i]), str(h.locality[i]), str(h.filing_status[i]), int(h.dependents[i]),
                     float(wages[i]), float(pretax[i]), float(other[i]), float(spouse[i])) for i in us_rows]

        zero = np.zeros(n)
        variants = {
            "full": rows_for(gross, h.pretax_deductions, h.other_income),
            "up": rows_for(gross + MARGINAL_STEP, h.pretax_deductions, h.other_income),
            "no_supplemental": rows_for(h.wages, np.minimum(h.pretax_deductions, h.wages), h.other_income),
            "base": rows_for(zero, zero, h.other_income),
        }
        cache = self._load_cache()
        missing: dict[str, tuple] = {}
        for rows in variants.values():
            self._components(rows, cache, missing)
        if missing:
            keys = list(missing)
            results = self._simulate([missing[k] for k in keys])
            cache.update(dict(zip(keys, results)))
            self._save_cache(cache)

        def table(rows):
            return np.array([cache[_key(*r)] for r in rows], dtype=float).reshape(len(rows), len(VARIABLES))

        full, up, nosupp, base = (table(variants[v]) for v in ("full", "up", "no_supplemental", "base"))
        household_has_more = (h.other_income[us_rows] != 0) | (spouse[us_rows] != 0)
        own = np.where(household_has_more[:, None], full - base, full)

        levels = {"national": builtin.income_tax_national.copy(), "state": builtin.income_tax_state.copy(),
                  "local": builtin.income_tax_local.copy(), "payroll": builtin.payroll_tax.copy()}
        comps = {name: values.copy() for name, values in builtin.components.items()}
        for values in (*levels.values(), *comps.values()):
            values[us_rows] = 0.0
        for j, name in enumerate(VARIABLES.values()):
            comps.setdefault(name, np.zeros(n))[us_rows] = own[:, j]
            levels[COMPONENT_LEVEL[name]][us_rows] += own[:, j]
        total = builtin.total_tax.copy()
        total[us_rows] = own.sum(axis=1)
        marginal = builtin.marginal_rate.copy()
        marginal[us_rows] = (up.sum(axis=1) - full.sum(axis=1)) / MARGINAL_STEP
        gap = np.zeros(n)
        fed = list(VARIABLES).index("income_tax")
        for k, i in enumerate(us_rows):
            supplemental = h.bonus[i] + h.equity[i]
            if supplemental > 0:
                wh = section("us", "federal", "withholding", int(h.year[i]))
                gap[i] = (full[k, fed] - nosupp[k, fed]) - float(supplemental_withholding(np.array([supplemental]), wh)[0])
        notes = list(builtin.notes)
        for i in us_rows:
            notes[i] = (f"computed by {version}",)
        for i in np.flatnonzero(h.country != "US"):
            notes[i] = ("PolicyEngine-US covers the US only: these figures come from the built-in tables",) + tuple(notes[i])
        with np.errstate(divide="ignore", invalid="ignore"):
            effective = np.where(gross > 0, total / np.where(gross > 0, gross, 1.0), 0.0)
        table_year = builtin.table_year.copy()
        table_year[us_rows] = h.year[us_rows]
        return TaxResult(
            engine=self.name, engine_version=version, taxable_wages=gross,
            income_tax_national=levels["national"], income_tax_state=levels["state"], income_tax_local=levels["local"],
            payroll_tax=levels["payroll"], total_tax=total, effective_rate=effective, marginal_rate=marginal,
            withholding_gap=gap, currency=builtin.currency, table_year=table_year,
            components={k: v for k, v in comps.items() if np.any(v != 0)}, notes=tuple(notes),
        )
