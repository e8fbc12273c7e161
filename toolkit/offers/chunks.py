"""Row-independent work over many offers, in chunks of offers, joined into one result.

The engine (`compute_figures`) and the after-tax step work offer by offer: every figure of an
offer depends on that offer's terms alone. Their arrays of temporaries grow with the number of
offers (a few dozen offers × years arrays each), so a million offers at once would need
gigabytes for intermediates nobody keeps. `in_chunks` runs such a step on `CHUNK` offers at a
time and joins the results: each result array is allocated once at its full size and filled
chunk by chunk. Pure: no I/O.

Joining walks the result's dataclasses and dicts:
- an array with one row per offer is joined along its first axis; an array that is zero for
  every offer (a component no offer has) is kept as one read-only zero broadcast to its shape;
  every joined array is read-only (results are shared by every renderer);
- a list or tuple with one item per offer is joined, each distinct text in it held once;
- anything else (None, a text shared by all offers) must be the same in every chunk.
"""

from __future__ import annotations

import dataclasses
from typing import Any, Callable, Mapping, Sequence, TypeVar

import numpy as np

CHUNK = 65_536  # offers per call: near 100 MB of the engine's temporaries (the after-tax step takes half)
R = TypeVar("R")


def take(offers: Sequence[Any], lo: int, hi: int) -> Sequence[Any]:
    """Offers lo … hi − 1: a columnar table stays columns (`OfferColumns.take`), else a slice."""
    return offers.take(lo, hi) if hasattr(offers, "take") else offers[lo:hi]  # type: ignore[attr-defined]


def rows_of(obj: Any, lo: int, hi: int, n: int) -> Any:
    """Rows lo … hi − 1 of every per-offer array, list and tuple inside `obj` (views, no copies)."""
    return _rebuild(obj, lambda _path, v: v[lo:hi] if _per_offer(v, n) else v)


def in_chunks(fn: Callable[..., R], offers: Sequence[Any], *per_offer: Any, chunk: int | None = None,
              compact: Mapping[tuple, Any] | None = None) -> R:
    """fn(offers lo…hi, *(the rows lo…hi of each of `per_offer`)) for each chunk of `chunk` offers
    (default `CHUNK`), joined (see the module docstring). `compact` maps a leaf's path (field
    names and dict keys) to a smaller dtype its values fit in."""
    chunk = chunk or CHUNK
    n = len(offers)
    if n == 0:
        return fn(offers, *per_offer)
    join = _Join(n, dict(compact or {}))
    template = None
    for lo in range(0, n, chunk):
        hi = min(lo + chunk, n)
        part = fn(take(offers, lo, hi), *(rows_of(x, lo, hi, n) for x in per_offer))
        join.add(part, lo, hi)
        if template is None:
            template = part
        del part
    return _rebuild(template, join.final)


def _per_offer(value: Any, n: int) -> bool:
    if isinstance(value, np.ndarray):
        return value.ndim > 0 and value.shape[0] == n
    return isinstance(value, (list, tuple)) and len(value) == n


def _leaves(obj: Any, path: tuple = ()):
    """(path, value) of every leaf inside dataclasses and dicts."""
    if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        for f in dataclasses.fields(obj):
            yield from _leaves(getattr(obj, f.name), path + (f.name,))
    elif isinstance(obj, dict):
        for k, v in obj.items():
            yield from _leaves(v, path + (k,))
    else:
        yield path, obj


def _rebuild(obj: Any, fn: Callable[[tuple, Any], Any], path: tuple = ()) -> Any:
    """The same structure as `obj` with every leaf replaced by fn(path, leaf)."""
    if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        return type(obj)(**{f.name: _rebuild(getattr(obj, f.name), fn, path + (f.name,)) for f in dataclasses.fields(obj)})
    if isinstance(obj, dict):
        return {k: _rebuild(v, fn, path + (k,)) for k, v in obj.items()}
    return fn(path, obj)


def _name(path: tuple) -> str:
    return ".".join(map(str, path))


class _Join:
    """Full-size slots filled chunk by chunk."""

    def __init__(self, n: int, compact: dict[tuple, Any]):
        self.n, self.compact = n, compact
        self.arrays: dict[tuple, np.ndarray | None] = {}
        self.shapes: dict[tuple, tuple[tuple[int, ...], np.dtype]] = {}
        self.items: dict[tuple, list] = {}
        self.shared: dict[tuple, Any] = {}
        self.texts: dict[str, str] = {}

    def add(self, part: Any, lo: int, hi: int) -> None:
        rows = hi - lo
        for path, value in _leaves(part):
            if isinstance(value, np.ndarray):
                self._array(path, value, lo, hi)
            elif isinstance(value, (list, tuple)) and len(value) == rows and (lo == 0 or path in self.items):
                self.items.setdefault(path, []).extend(self._shared_texts(value))
            elif lo == 0:
                self.shared[path] = value
            elif path not in self.shared or not _same(self.shared[path], value):
                raise AssertionError(f"{_name(path)} differs between chunks of offers and is not one item per offer: "
                                     "offers.chunks cannot join it")

    def _shared_texts(self, items: Sequence[Any]) -> Sequence[Any]:
        """Items with every text held once: a step may hand back a text per offer (a numpy str
        taken from an array, a formatted note) where many offers share it; a million copies of
        a 300-character text are 650 MB."""
        if not any(isinstance(v, str) for v in items[:64]):
            return items
        texts = self.texts
        out = []
        for v in items:
            if isinstance(v, str):
                one = texts.get(v)
                if one is None:
                    one = texts[v] = str(v)  # a plain str, not numpy's
                v = one
            out.append(v)
        return out

    def _array(self, path: tuple, value: np.ndarray, lo: int, hi: int) -> None:
        if value.ndim == 0 or value.shape[0] != hi - lo:
            raise AssertionError(f"{_name(path)} is not one row per offer ({value.shape}): offers.chunks cannot join it")
        dtype = np.dtype(self.compact.get(path, value.dtype))
        shape = self.shapes.setdefault(path, ((self.n,) + value.shape[1:], dtype))[0]
        dest = self.arrays.get(path)
        if dest is None:
            if not value.any():
                return  # zero so far: allocated when a chunk has a value
            if hi - lo == self.n:  # one chunk: keep the step's own array
                self.arrays[path] = value.astype(dtype, copy=False)
                return
            dest = self.arrays[path] = np.zeros(shape, dtype=dtype)  # zero pages cost nothing until written
        dest[lo:hi] = value

    def final(self, path: tuple, value: Any) -> Any:
        if isinstance(value, np.ndarray):
            array = self.arrays.get(path)
            if array is None:  # zero for every offer
                shape, dtype = self.shapes[path]
                return np.broadcast_to(np.zeros((), dtype=dtype), shape)
            array.flags.writeable = False
            return array
        if path in self.items:
            return tuple(self.items[path]) if isinstance(value, tuple) else self.items[path]
        return self.shared[path]


def _same(a: Any, b: Any) -> bool:
    if a is b:
        return True
    try:
        return bool(a == b)
    except (TypeError, ValueError):
        return False
