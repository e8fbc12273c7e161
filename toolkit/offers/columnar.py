"""Flat offer tables kept as columns: validated column by column, evaluated without a model per row.

A CSV, XLSX or Parquet table of one offer per row is checked one distinct cell value at a time
through the models' own fields (`leaf_model` builds a one-field model from the field's
annotation, constraints and field validators: the rules stay in `models.py`), then one row
per combination of filled columns and switches (`type`, `private`, the salary's period, ...)
goes through the whole `Offer` model for the rules that span fields. Any row found wrong is
validated on its own through the document path, so its messages are the document path's,
word for word. A model is built for a row only when asked (`table[i]`); `engine_terms` gives
the engine the arrays it would have read from the models.
"""

from __future__ import annotations

import typing
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Iterator, Literal, Sequence

import numpy as np
from pydantic import BaseModel, ValidationError, create_model, field_validator

from ..errors import Issue
from ..io import CodedTable
from .models import Offer, offer_id_text
from .money import AmountError, Period, annual_factor, parse_currency

INVALID = object()  # a distinct value its field refuses


# ------------------------------------------------------------------ columns → model fields

@dataclass(frozen=True)
class Leaf:
    """Where a dotted column lands in the models: the owning model and field, and the path of
    model fields from the offer down to it (a one-element list term such as `equity` counts once)."""

    column: str
    owner: type[BaseModel]
    name: str
    path: tuple[str, ...]  # model field names from Offer, aliases resolved (retirement.match → retirement.tiers.match)


def _model_in(annotation: Any) -> type[BaseModel] | None:
    """The model a field holds (Optional[X], tuple[X, ...]), if any."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in typing.get_args(annotation):
        found = _model_in(arg)
        if found is not None:
            return found
    return None


def _is_mapping(annotation: Any) -> bool:
    if typing.get_origin(annotation) is dict:
        return True
    return any(_is_mapping(a) for a in typing.get_args(annotation) if a is not type(None))


# Models whose rules spanning their fields look at values, not only at which fields are filled
# (Pay: the amount a year must be within bounds, amount × periods): columns may not split them
# (`base_salary.amount` + `base_salary.per` go row by row); a whole cell is checked whole.
WHOLE_ONLY = frozenset({"Pay"})
# Rules spanning fields that look at one field's value on one side of a threshold: the signature
# carries which side each row is on, so one offer per side is checked through the whole model.
# Espp: a discount above 15% needs `qualified: false` (IRC §423(b)(6)).
VALUE_RULES = {("Espp", "discount"): lambda v: v > 0.15 + 1e-12}


def resolve(column: str) -> Leaf | None:
    """The model field a dotted column fills, or None when the columnar path does not take it
    (an unknown field, a mapping such as `benefits.other.gym`): such tables go row by row."""
    parts = column.split(".")
    model: type[BaseModel] = Offer
    path: list[str] = []
    for depth, part in enumerate(parts):
        aliases = getattr(model, "COLUMN_ALIASES", {})
        if part not in model.model_fields and part in aliases:
            *via, part = aliases[part]
            for name in via:
                path.append(name)
                model = _model_in(model.model_fields[name].annotation)  # type: ignore[assignment]
        if part not in model.model_fields:
            return None
        info = model.model_fields[part]
        if _is_mapping(info.annotation):
            return None
        if depth == len(parts) - 1:
            return Leaf(column, model, part, tuple(path + [part]))
        inner = _model_in(info.annotation)
        if inner is None or inner.__name__ in WHOLE_ONLY:
            return None
        path.append(part)
        model = inner
    return None


@lru_cache(maxsize=None)
def leaf_model(owner: type[BaseModel], name: str) -> type[BaseModel]:
    """A model with only `owner`'s field `name`: its annotation, constraints and field validators.

    Validating one cell value through it applies exactly the rules the whole model applies to
    that field (rules that span fields are checked on whole offers, see `check_rows`)."""
    info = owner.model_fields[name]
    validators = {}
    for key, dec in owner.__pydantic_decorators__.field_validators.items():
        if name in dec.info.fields:
            validators[key] = field_validator(name, mode=dec.info.mode)(dec.func.__func__ if hasattr(dec.func, "__func__") else dec.func)
    return create_model(  # type: ignore[call-overload]
        f"{owner.__name__}_{name}", __config__=owner.model_config, __validators__=validators,
        **{name: (info.annotation, info)},
    )


def _switch(annotation: Any) -> bool:
    """A field whose value selects rules (a Literal or a bool): part of a row's signature."""
    if annotation is bool or typing.get_origin(annotation) is Literal:
        return True
    return any(_switch(a) for a in typing.get_args(annotation) if a is not type(None))


def _shape(value: Any) -> Any:
    """What a parsed value contributes to a row's signature: for a model, which fields it sets
    and the values of its switches (a salary's period, a grant's type)."""
    if isinstance(value, tuple):
        return tuple(_shape(v) for v in value)
    if isinstance(value, BaseModel):
        fields = type(value).model_fields
        return (type(value).__name__, tuple(sorted(value.model_fields_set)),
                tuple((k, getattr(value, k)) for k in fields if _switch(fields[k].annotation) or k == "per"),
                tuple(_shape(getattr(value, k)) for k in sorted(value.model_fields_set) if isinstance(getattr(value, k), (BaseModel, tuple))))
    return None


# ------------------------------------------------------------------ validation

@dataclass
class Column:
    """One column: its leaf, the code of each row (-1 empty) and each distinct cell, cleaned."""

    leaf: Leaf
    codes: np.ndarray
    cells: list[Any]


def supports(names: Sequence[str], cells: Sequence[Sequence[Any]]) -> bool:
    """Whether a table can take the columnar path: every column lands on a model field, no
    column is inside another (`equity.vesting` and `equity.vesting.cliff_months`), and no cell
    holds YAML flow text (those rows need the document path's nesting)."""
    from .load import YAML_CELLS

    leaves = [resolve(n) for n in names]
    if any(leaf is None for leaf in leaves):
        return False
    for n in names:
        if any(m.startswith(n + ".") for m in names):
            return False
    for n, values in zip(names, cells):
        if n.split(".")[-1] in YAML_CELLS and any(isinstance(v, str) and v[:1] in "[{" for v in values):
            return False
    return True


def _currency_codes(col: Column | None, n: int, currencies: list[str | None]) -> np.ndarray:
    """Each row's currency in a currency column as a code into `currencies` (extended as
    needed; the code of None where the cell is empty or not a currency)."""
    if col is None:
        return np.full(n, currencies.index(None), dtype=np.int64)
    index = {c: k for k, c in enumerate(currencies)}
    codes = []
    for v in col.cells:
        try:
            code = parse_currency(v) if v is not None else None
        except AmountError:
            code = None
        if code not in index:
            index[code] = len(currencies)
            currencies.append(code)
        codes.append(index[code])
    codes.append(index[None])
    return np.array(codes, dtype=np.int64)[np.where(col.codes >= 0, col.codes, len(col.cells))]


def parse_columns(columns: dict[str, Column], n: int) -> tuple[dict[str, "Col"], np.ndarray]:
    """Every column's cells through its field: each column's parsed values (`Col`, per table
    row), and the rows with a refused cell.

    Each distinct cell is validated once; text cells once per currency of the rows holding
    them, since "€185,000" is right in a EUR offer and wrong in a USD one. A term with its own
    `currency` (a grant priced in another currency) reads its cells in that currency, as the
    model does."""
    currencies: list[str | None] = [None]
    offer_cur = _currency_codes(columns.get("currency"), n, currencies)
    term_cur = {}
    for name, col in columns.items():
        if col.leaf.name == "currency" and len(col.leaf.path) == 2:
            own = _currency_codes(col, n, currencies)
            term_cur[col.leaf.path[0]] = np.where(col.codes >= 0, own, offer_cur)
    width = len(currencies)
    bad = np.zeros(n, dtype=bool)
    distinct: dict[str, Col] = {}
    for name, col in columns.items():
        model = leaf_model(col.leaf.owner, col.leaf.name)
        field_name = col.leaf.name
        cur_codes = term_cur.get(col.leaf.path[0], offer_cur) if len(col.leaf.path) > 1 else offer_cur
        texts = np.array([isinstance(v, str) for v in col.cells] + [False], dtype=bool)
        codes = col.codes
        filled = codes >= 0
        textual = texts[np.where(filled, codes, len(col.cells))]
        # key: the cell, and for text cells the currency too
        key = codes.astype(np.int64) * width + np.where(textual, cur_codes, 0)
        key = np.where(filled, key, -1)
        inverse, uniq = _dense(key)
        values = np.empty(len(uniq), dtype=object)
        for k, u in enumerate(uniq.tolist()):
            if u < 0:
                values[k] = None
                continue
            cell = col.cells[u // width]
            cur = currencies[u % width] if isinstance(cell, str) else None
            try:
                values[k] = getattr(model.model_validate({field_name: cell}, context={"currency": cur}), field_name)
            except ValidationError:
                values[k] = INVALID
        invalid = np.array([v is INVALID for v in values], dtype=bool)
        bad |= invalid[inverse]
        distinct[name] = Col(values, inverse.ravel())
    return distinct, bad


def signatures(columns: dict[str, Column], distinct: dict[str, "Col"], n: int) -> np.ndarray:
    """A code per row for what the rules spanning fields look at: which columns are filled,
    the switches' values (Literal and bool fields) and the shape of parsed terms."""
    parts = []
    for name, col in columns.items():
        info = col.leaf.owner.model_fields[col.leaf.name]
        values, inverse = distinct[name]
        if _switch(info.annotation):
            parts.append(col.codes.astype(np.int64) + 1)  # the switch's value (0: empty)
            continue
        rule = VALUE_RULES.get((col.leaf.owner.__name__, col.leaf.name))
        if rule is not None:  # which side of the rule's threshold (0: empty)
            side = np.array([0 if v is None or v is INVALID else 1 + int(rule(v)) for v in values], dtype=np.int64)
            parts.append(side[inverse])
            continue
        if any(isinstance(v, (BaseModel, tuple)) for v in values):
            shapes: dict[Any, int] = {}
            code = np.array([0 if v is None or v is INVALID else shapes.setdefault(_shape(v), len(shapes) + 1)
                             for v in values], dtype=np.int64)
            parts.append(code[inverse])
        else:
            parts.append((col.codes >= 0).astype(np.int64))
    sig = np.zeros(n, dtype=np.int64)
    size = 1
    for part in parts:  # mixed radix, made dense again before it could overflow
        radix = int(part.max()) + 1 if len(part) else 1
        if size * radix >= 1 << 62:
            sig, uniq = _dense(sig)
            size = len(uniq)
        sig = sig * radix + part
        size *= radix
    return _dense(sig)[0]


def _dense(keys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Integer keys → (a code per key from 0, the distinct keys); hashing, not sorting."""
    import pandas as pd

    codes, uniques = pd.factorize(keys)
    return codes.astype(np.int64), np.asarray(uniques)


# ------------------------------------------------------------------ the table

class Col(typing.NamedTuple):
    """Parsed values as (distinct values, a code per row into them): work is done per distinct value."""

    values: np.ndarray  # object array
    codes: np.ndarray  # int array

    def map(self, fn, dtype=object) -> np.ndarray:
        """fn over the distinct values, spread to the rows."""
        found = [fn(v) for v in self.values]
        return (_objects(found) if dtype is object else np.array(found, dtype=dtype))[self.codes]

    def none(self) -> np.ndarray:
        return self.map(lambda v: v is None, bool)

    def floats(self, default: float = np.nan) -> np.ndarray:
        return self.map(lambda v: default if v is None else float(v), float)

    def attr(self, name: str) -> "Col":
        """A field of the model values (the first of a one-element tuple)."""
        first = [v[0] if isinstance(v, tuple) and v else v for v in self.values]
        return Col(_objects([None if v is None else getattr(v, name) for v in first]), self.codes)

    def filled(self, where: np.ndarray, default: Any) -> "Col":
        """Rows in `where` with no value take `default`."""
        if default is None:
            return self
        values = np.empty(len(self.values) + 1, dtype=object)
        values[:-1] = self.values
        values[-1] = default
        return Col(values, np.where(where & self.none(), len(self.values), self.codes))

    def tolist(self) -> list[Any]:
        return self.values[self.codes].tolist()


def _small(codes: np.ndarray, count: int) -> np.ndarray:
    """Codes into `count` values in the smallest integer type that also holds `count` + 1 (a
    column of a million offers with a few distinct values takes 1 MB, not 8)."""
    for dtype in (np.int8, np.int16, np.int32):
        if count + 1 <= np.iinfo(dtype).max:
            return codes.astype(dtype)
    return codes.astype(np.int64)


def _objects(items: Sequence[Any]) -> np.ndarray:
    """A 1-D object array of `items` (numpy would make a list of equal tuples 2-D)."""
    out = np.empty(len(items), dtype=object)
    for k, v in enumerate(items):
        out[k] = v
    return out


def _empty(n: int) -> Col:
    return Col(np.array([None], dtype=object), np.zeros(n, dtype=np.int64))


class OfferColumns(Sequence[Offer]):
    """The offers of one flat table, kept as columns. Behaves as a sequence of `Offer`s (each
    built from its row when asked); the engine reads `engine_terms`, `Evaluation` reads
    `field_values`, so neither builds a model per row."""

    def __init__(self, source: str, names: Sequence[str], columns: dict[str, Column], parsed: dict[str, Col],
                 ids: list[str], rows: np.ndarray, row_data):
        self.source = source
        self.names = tuple(names)
        self.leaves = {name: col.leaf for name, col in columns.items()}
        self.parsed = {name: Col(c.values, _small(c.codes[rows], len(c.values))) for name, c in parsed.items()}  # per offer
        self.ids = ids
        self.rows = rows  # the table row (from 0, header excluded) of each offer
        self._row_data = row_data  # table row → the raw mapping the document path would read
        self._cache: dict[int, Offer] = {}

    def __len__(self) -> int:
        return len(self.ids)

    def take(self, lo: int, hi: int) -> "OfferColumns":
        """Offers lo … hi − 1 as a table of their own (sharing this one's columns; no copy of
        the per-offer codes): `evaluate` runs the engine on chunks of a big table."""
        part = object.__new__(OfferColumns)
        part.source, part.names, part.leaves, part._row_data = self.source, self.names, self.leaves, self._row_data
        part.parsed = {name: Col(c.values, c.codes[lo:hi]) for name, c in self.parsed.items()}
        part.ids, part.rows, part._cache = self.ids[lo:hi], self.rows[lo:hi], {}
        return part

    def __getitem__(self, i):  # type: ignore[override]
        if isinstance(i, slice):
            return [self[k] for k in range(*i.indices(len(self)))]
        if i < 0:
            i += len(self)
        if not 0 <= i < len(self):
            raise IndexError(i)
        offer = self._cache.get(i)
        if offer is None:
            from .load import RawOffer, parse_offer

            data = self._row_data(int(self.rows[i]))
            if data.get("id") is None and self.ids[i] is not None:
                data = {**data, "id": self.ids[i]}
            offer, problems = parse_offer(RawOffer(data, f"row {int(self.rows[i]) + 2}", self.source))
            assert offer is not None, problems  # the row passed the same rules when the table was loaded
            if len(self._cache) > 4096:
                self._cache.clear()
            self._cache[i] = offer
        return offer

    def __iter__(self) -> Iterator[Offer]:
        for i in range(len(self)):
            yield self[i]

    def __repr__(self) -> str:
        return f"OfferColumns({self.source!r}, {len(self):,} offers)"

    # -------------------------------------------------------------- column access

    def col(self, name: str) -> Col:
        """The parsed values of a dotted column, per offer (all None when the table lacks it)."""
        return self.parsed.get(name) or _empty(len(self))

    def field_values(self, name: str) -> list[Any]:
        """One top-level field of every offer, as the models would give it."""
        if name == "id":
            return list(self.ids)
        info = Offer.model_fields[name]
        default = info.get_default(call_default_factory=True)
        if name in self.parsed and _model_in(info.annotation) is None:
            return self.col(name).filled(np.ones(len(self), dtype=bool), default).tolist()
        if name not in self.parsed and not any(n.startswith(name + ".") for n in self.names):
            return [default] * len(self)
        return [getattr(o, name) for o in self]

    def currencies(self) -> list[str]:
        """The distinct currencies the offers use, in the order `models.offer_currencies` gives."""
        found: list[tuple[int, int, str]] = []
        for rank, name in enumerate(("currency", "equity.currency", "refresher.currency")):
            col = self.parsed.get(name)
            if col is None:
                continue
            first = np.full(len(col.values), len(self), dtype=np.int64)
            np.minimum.at(first, col.codes, np.arange(len(self)))
            found += [(int(first[k]), rank, v) for k, v in enumerate(col.values) if v is not None and first[k] < len(self)]
        return list(dict.fromkeys(code for _, _, code in sorted(found)))

    # -------------------------------------------------------------- the engine's arrays

    def engine_terms(self, a, fx, default_start=None):
        """The arrays `engine.extract_terms` would read from the models, built from the columns;
        None when the engine's `Terms` is not the one this was written for, or when the table
        uses a dated term (raises, bonus payout rules, dated payments, vest_start, ISOs, an
        employee deferral): those few offers are read from the models by the engine."""
        import datetime as dt

        from . import engine

        if set(engine.Terms.__dataclass_fields__) != _TERMS_FIELDS or set(engine.SCALARS) != _SCALARS:
            return None
        return _terms(self, a, fx, engine.Terms, default_start or dt.date.today())


_TERMS_FIELDS = {
    "col", "match", "up_to", "sign_on", "raises", "bonus_rules", "relocation_month", "iso", "dated", "grants", "refreshers",
    "pay_periods",
}
_SCALARS = {
    "rate", "base1", "target", "fixed_bonus", "payout", "relocation", "pto", "flat", "fixed_benefits", "hsa", "family",
    "espp_discount", "espp_contribution", "espp_423", "start", "start_given", "us", "deferral_pct", "deferral_amount",
    "prior_deferrals", "birth_year", "usd",
}
# Dated terms the columnar twin leaves to the models: (term, field, the value meaning "not used").
_DATED_FIELDS = (
    ("bonus", "year", "calendar"), ("bonus", "fiscal_start_month", None), ("bonus", "payout_month", None),
    ("bonus", "first_year", "prorated"), ("bonus", "eligibility_cutoff", None),
    ("sign_on", "month", None), ("sign_on", "date", None), ("sign_on", "installments", 1),
    ("relocation", "date", None), ("relocation", "month", None),
    ("equity", "vest_start", None), ("equity", "option_kind", None), ("refresher", "month", None),
    ("retirement", "employee_deferral", None), ("retirement", "prior_deferrals_this_year", None),
)


def _term(table: OfferColumns, term: str) -> tuple[np.ndarray, dict[str, Col]]:
    """A term's presence per offer and its fields, from `term.field` columns or from a whole-term
    column (`bonus: 15%` parsed into a Bonus). Fields left empty take the model's default."""
    model = _model_in(Offer.model_fields[term].annotation)
    n = len(table)
    present = np.zeros(n, dtype=bool)
    fields: dict[str, Col] = {}
    whole = table.parsed.get(term)
    if whole is not None:
        present |= ~whole.none()
        for name in model.model_fields:  # type: ignore[union-attr]
            fields[name] = whole.attr(name)
    for name, leaf in table.leaves.items():
        if leaf.path[0] == term and len(leaf.path) > 1:
            col = table.parsed[name]
            present |= ~col.none()
            fields[".".join(leaf.path[1:])] = col  # deeper paths keep their dots: espp.discount, tiers.match
    for name, info in model.model_fields.items():  # type: ignore[union-attr]
        default = None if info.is_required() else info.get_default(call_default_factory=True)
        fields[name] = fields.get(name, _empty(n)).filled(present, default)
    return present, fields


def _terms(t: OfferColumns, a, fx, Terms, default_start):
    """Vectorised twin of `engine.extract_terms` for a columnar table (tests compare the two);
    None when a dated term is used (see `engine_terms`)."""
    from .ledger import first_month
    from .models import in_united_states

    n = len(t)
    if not t.col("raises").none().all():
        return None
    if t.col("pay_frequency").map(lambda v: v in ("weekly", "biweekly"), bool).any():  # pay dates: left to the models
        return None
    terms = {name: _term(t, name) for name in ("bonus", "sign_on", "relocation", "equity", "refresher", "retirement", "benefits")}
    for term, field, unused in _DATED_FIELDS:
        present, fields = terms[term]
        col = fields.get(field)
        if col is not None and present.any() and col.map(lambda v: v is not None and v != unused, bool)[present].any():
            return None

    currency = t.col("currency")
    rates = currency.map(lambda c: fx.rate(c), float)

    pay = t.col("base_salary")
    base1 = pay.map(lambda p: p.amount, float)
    yearly = pay.map(lambda p: p.per is Period.YEAR, bool)
    if not yearly.all():
        hours, extra, pays = t.col("hours_per_year").tolist(), t.col("extra_months").tolist(), pay.tolist()
        for i in np.flatnonzero(~yearly):
            base1[i] = pays[i].amount * annual_factor(pays[i].per, hours_per_year=hours[i], extra_months=extra[i])

    starts = t.col("start_date")
    start_given = ~starts.none()
    start = np.where(start_given, starts.map(lambda d: first_month(d) if d is not None else 0, float), float(first_month(default_start)))
    us = t.col("location").map(in_united_states, bool)

    has_bonus, bonus = terms["bonus"]
    target = np.where(has_bonus, bonus["target"].floats(0.0), 0.0)
    fixed_bonus = np.where(has_bonus, bonus["amount"].floats(0.0), 0.0)
    payout = np.where(has_bonus, bonus["expected_payout"].floats(0.0), 0.0)

    has_rel, rel = terms["relocation"]
    relocation = np.where(has_rel, rel["amount"].floats(0.0), 0.0)
    pto = t.col("pto_days").floats()

    has_ret, ret = terms["retirement"]
    flat = np.where(has_ret, ret["employer_contribution"].floats(0.0), 0.0)
    tiers: list[tuple[int, int, float, float]] = []  # from whole-term cells parsed into Retirement
    if t.parsed.get("retirement") is not None:
        whole = ret["tiers"].tolist()
        for i in np.flatnonzero(has_ret & ~t.col("retirement").none()):
            tiers += [(int(i), k, tier.match, tier.up_to) for k, tier in enumerate(whole[i])]
    one = has_ret & ~ret["tiers.match"].none() if "tiers.match" in ret else np.zeros(n, dtype=bool)  # one tier as columns
    max_tiers = max([1 if one.any() else 0] + [k + 1 for _, k, _, _ in tiers])
    match = np.zeros((n, max_tiers))
    up_to = np.zeros((n, max_tiers))
    if one.any():
        match[one, 0] = ret["tiers.match"].floats(0.0)[one]
        up_to[one, 0] = ret.get("tiers.up_to", _empty(n)).floats(0.0)[one]
    for i, k, m_, u_ in tiers:
        match[i, k], up_to[i, k] = m_, u_

    has_ben, ben = terms["benefits"]
    fixed_benefits = np.where(has_ben, ben["health"].floats(0.0) + ben["other"].map(lambda o: sum(o.values()) if o else 0.0, float), 0.0)
    hsa = np.where(has_ben, ben["hsa"].floats(0.0), 0.0)
    family = has_ben & ben["hsa_coverage"].map(lambda c: c == "family", bool)
    espp_d = ben["espp"].map(lambda e: e.discount if e is not None else 0.0, float)
    espp_c = ben["espp"].map(lambda e: e.contribution if e is not None else 0.0, float)
    has_espp = ben["espp"].map(lambda e: e is not None, bool)
    qualified = ben["espp"].map(lambda e: e is not None and e.qualified is not False, bool)
    if "espp.discount" in ben:
        has_espp = has_ben & ~ben["espp.discount"].none()
        espp_d = np.where(has_espp, ben["espp.discount"].floats(0.0), 0.0)
        espp_c = np.where(has_espp, ben.get("espp.contribution", _empty(n)).floats(0.0), 0.0)
        qualified = has_espp & ben.get("espp.qualified", _empty(n)).map(lambda q: q is not False, bool)
    espp_423 = has_espp & qualified & us

    has_sign, sign = terms["sign_on"]
    idx = np.flatnonzero(has_sign)
    sign_on = list(zip(idx.tolist(), (12 * (sign["year"].map(lambda y: y, object)[idx] - 1)).tolist(),
                       sign["amount"].floats()[idx].tolist(), [1] * len(idx)))

    private_mult = 1.0 - a.private_equity_discount

    def grant_rows(term: str, value_of) -> dict:
        has, g = terms[term]
        out: dict[tuple, Any] = {}
        idx = np.flatnonzero(has)
        if not len(idx):
            return out
        start_value, strike = value_of(g)
        growth = g["stock_growth"].floats()
        growth = np.where(np.isnan(growth), a.stock_growth, growth)
        own = g["currency"].map(lambda c: np.nan if c is None else fx.rate(c), float)
        rate = np.where(np.isnan(own), rates, own)
        mult = np.where(g["private"].map(bool, bool), private_mult, 1.0)
        rows = np.column_stack([idx.astype(float), start_value[idx], strike[idx], growth[idx], rate[idx], mult[idx], np.zeros(len(idx))])
        vest = g["vesting"]
        keys = [v.key if v is not None else None for v in vest.values]
        codes = vest.codes[idx]
        groups: dict[tuple, list] = {}
        for k in dict.fromkeys(codes.tolist()):  # in the order offers first use each schedule
            groups.setdefault(keys[k], []).append(k)
        for key, ks in groups.items():
            out[key] = rows[np.isin(codes, ks)]
        return out

    def equity_values(g):
        option = g["type"].map(lambda v: v == "option", bool)
        shares, price = g["shares"].floats(0.0), g["share_price"].floats(0.0)
        given = g["grant_value"]
        value = np.where(given.none(), shares * price, given.floats(0.0))
        return value, np.where(option, shares * g["strike"].floats(0.0), 0.0)

    def refresher_values(g):
        return g["annual_value"].floats(0.0), np.zeros(n)

    col = {
        "rate": rates, "base1": base1, "target": target, "fixed_bonus": fixed_bonus, "payout": payout,
        "relocation": relocation, "pto": pto, "flat": flat, "fixed_benefits": fixed_benefits, "hsa": hsa,
        "family": family.astype(float), "espp_discount": espp_d, "espp_contribution": espp_c, "espp_423": espp_423.astype(float),
        "start": start, "start_given": start_given.astype(float), "us": us.astype(float),
        "deferral_pct": up_to.sum(axis=1), "deferral_amount": np.zeros(n), "prior_deferrals": np.zeros(n),
        "birth_year": t.col("birth_year").floats(), "usd": currency.map(lambda c: c == "USD", float),
    }
    return Terms(
        col=col, match=match, up_to=up_to, sign_on=sign_on, raises=[], bonus_rules=[], relocation_month=[], iso=[],
        dated=set(), grants=grant_rows("equity", equity_values), refreshers=grant_rows("refresher", refresher_values),
        pay_periods=[],
    )


# ------------------------------------------------------------------ building a table

def build(source: str, table: CodedTable, cleaned: list[list[Any]], row_data, row_issues) -> tuple[OfferColumns | None, list[Issue]]:
    """Validate a coded table column by column into an `OfferColumns`.

    `cleaned[c]`: column c's distinct cells as the document path sees them (see
    `load.clean_cells`); `row_data(r)`: table row r as the mapping the document path
    validates; `row_issues(rows, ids, repeated)`: the document path's problems for each of
    the given table rows. Returns (None, []) when the table cannot take this path (see
    `supports`, or a row the column checks doubted that the whole model accepts)."""
    names = list(table.names)
    if not supports(names, cleaned):
        return None, []
    n = table.rows
    columns = {name: Column(resolve(name), table.codes[c], cleaned[c]) for c, name in enumerate(names)}  # type: ignore[arg-type]
    # Cleaning can turn a cell into nothing (spaces); treat it as empty.
    for col in columns.values():
        blank = np.array([v is None for v in col.cells] + [True], dtype=bool)
        col.codes = np.where(blank[np.where(col.codes >= 0, col.codes, len(col.cells))], -1, col.codes).astype(np.int32)
    filled = np.zeros(n, dtype=bool)
    for col in columns.values():
        filled |= col.codes >= 0
    rows = np.flatnonzero(filled)  # an empty row is no offer
    if not len(rows):
        return None, []

    # ids: the rule of `load.assign_ids`, over columns
    from .load import id_plan

    id_col, company = columns.get("id"), columns.get("company")
    if id_col is not None:
        keys = [_id_key(v) for v in id_col.cells] + [None]
        given = [keys[k] for k in id_col.codes[rows].tolist()]
    else:
        given = [None] * len(rows)
    if company is not None:
        names_of = [v if isinstance(v, str) else None for v in company.cells] + [None]
        has_id = (id_col.codes[rows] >= 0) if id_col is not None else np.zeros(len(rows), dtype=bool)
        needs = [None if h else names_of[k] for h, k in zip(has_id.tolist(), company.codes[rows].tolist())]
    else:
        needs = [None] * len(rows)
    assigned, repeats = id_plan(given, needs)
    ids = [a if a is not None else g for a, g in zip(assigned, given)]

    parsed, bad = parse_columns(columns, n)
    bad = bad[rows]
    # Rules that span fields: one offer per signature through the whole model; a signature
    # whose offer fails sends all its offers through the document path.
    sig = signatures(columns, parsed, n)[rows]
    ok = ~bad
    if ok.any():
        uniq, first = np.unique(sig[ok], return_index=True)
        reps = np.flatnonzero(ok)[first]
        found = row_issues([int(rows[r]) for r in reps], [ids[r] for r in reps], set())
        failing = [s for s, problems in zip(uniq.tolist(), found) if problems]
        if failing:
            bad |= np.isin(sig, failing)
    repeated = {int(rows[k]) for f, i, _ in repeats for k in (f, i)}
    issues: list[Issue] = []
    if repeats:
        from .load import RawOffer

        for _, i, key in repeats:
            raw = RawOffer({"id": ids[i]}, f"row {int(rows[i]) + 2}", source, repeated=True)
            issues.append(Issue(source=source, record=raw.record, field="id", message=f"duplicate offer id {key!r}; ids must be unique", code="duplicate"))
    if bad.any():
        which = np.flatnonzero(bad)
        found = row_issues([int(rows[i]) for i in which], [ids[i] for i in which], repeated)
        if not all(found):  # a row the column checks doubted is fine as a whole: let the rows path read it
            return None, []
        issues += [issue for problems in found for issue in problems]
    return OfferColumns(source, names, columns, parsed, ids, rows, row_data), issues


def _id_key(value: Any) -> str | None:
    if value is None or isinstance(value, bool):
        return None
    key = offer_id_text(value)
    return key if isinstance(key, str) and key else None

