"""Market engines: who holds the raw samples and answers `summarize` and placement.

* `pandas` (the default): everything in memory; fastest below a few million rows.
* `duckdb`: CSV/Parquet files (or globs) read by DuckDB with an explicit memory limit,
  spilling to disk: data larger than memory on one machine.
* `dask`: a `dask.distributed` cluster (a LocalCluster of 2 processes on 127.0.0.1 unless a
  scheduler address is given), samples shuffled by role: data spread over several machines.
* `auto`: pandas, unless the market files on disk are larger than AUTO_MEMORY_SHARE of the
  memory available now, then DuckDB (when installed).

All engines give the same numbers: placement and its rules live in `place.py`; an engine only
answers the questions of `base.SampleTable`. DuckDB, pyarrow and Dask come with the optional
extra `offer-toolkit[scale]`.
"""

from __future__ import annotations

import glob as globlib
import importlib.util
import os
from dataclasses import dataclass, field
from typing import Any, Mapping, Optional, Sequence

from ...errors import ARGUMENT, InputError, Issue
from .. import model as M

ENGINES = ("auto", "pandas", "duckdb", "dask")
AUTO_MEMORY_SHARE = 0.25  # auto switches to DuckDB above this share of the available memory
INSTALL_HINT = "pip install 'offer-toolkit[scale]'"
_NEEDS = {"duckdb": ("duckdb", "pyarrow"), "dask": ("dask", "distributed", "pyarrow")}


def missing_modules(engine: str) -> list[str]:
    """The Python packages `engine` needs that are not installed."""
    return [m for m in _NEEDS.get(engine, ()) if importlib.util.find_spec(m) is None]


def require(engine: str, what: str = "engine") -> None:
    """Raise an InputError naming the extra to install when `engine` cannot run here."""
    missing = missing_modules(engine)
    if missing:
        raise InputError([Issue(source=ARGUMENT, field=what, code="missing_dependency",
                                message=f"the {engine} engine needs {', '.join(missing)}, which is not installed; "
                                        f"install it with: {INSTALL_HINT}")])


def available_memory() -> int:
    """Bytes of memory available now (MemAvailable on Linux), else the physical total."""
    try:
        with open("/proc/meminfo") as fh:
            for line in fh:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    try:
        return os.sysconf("SC_AVPHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
    except (ValueError, OSError, AttributeError):
        return 8 * 2**30


def on_disk(paths: Sequence[str | os.PathLike]) -> int:
    """Total size in bytes of the files the paths (or globs) name."""
    total = 0
    for p in paths:
        text = str(p)
        for f in (globlib.glob(text) if any(ch in text for ch in "*?[") else [text]):
            try:
                total += os.path.getsize(f)
            except OSError:
                pass
    return total


def choose(name: str, paths: Sequence[str | os.PathLike], *, memory: int | None = None) -> str:
    """The engine to use: `name` itself unless it is 'auto' (see the module docstring)."""
    if name not in ENGINES:
        raise InputError([Issue(source=ARGUMENT, field="engine", code="not_a_choice",
                                message=f"expected one of {', '.join(ENGINES)}, got {name!r}")])
    if name != "auto":
        return name
    big = on_disk(paths) > AUTO_MEMORY_SHARE * (memory if memory is not None else available_memory())
    return "duckdb" if big and not missing_modules("duckdb") else "pandas"


@dataclass
class Engine:
    """A chosen engine and what it holds open (a Dask client); `close()` releases it."""

    name: str
    scheduler: Optional[str] = None
    memory_limit: Optional[str] = None
    client: Any = field(default=None, repr=False)

    def load(self, path: str | os.PathLike, *, mapping: Mapping[str, str] | None = None,
             options: M.MarketOptions | None = None) -> M.MarketData:
        """One market file (or glob) as this engine holds it."""
        from ..importers import load_market

        if self.name == "pandas" or mapping:
            # a column mapping is applied by the importers: read in memory (and say so in the docs)
            market = load_market(path, mapping=mapping, options=options)
            return market if self.name == "pandas" else self._adopt(market)
        if self.name == "duckdb":
            from .duckdb_engine import load

            return load(path, options=options, memory_limit=self.memory_limit)
        from .dask_engine import load as dask_load

        return dask_load(path, self._client(), options=options)

    def _adopt(self, market: M.MarketData) -> M.MarketData:
        if self.name == "dask" and market.samples is not None:
            from .dask_engine import adopt

            return adopt(market, self._client())
        return market

    def _client(self):
        if self.client is None:
            from .dask_engine import start

            self.client = start(self.scheduler)
        return self.client

    def close(self) -> None:
        if self.client is not None:
            cluster = getattr(self.client, "cluster", None)
            self.client.close()
            if cluster is not None:
                cluster.close()
            self.client = None


def open_engine(name: str = "auto", paths: Sequence[str | os.PathLike] = (), *, scheduler: str | None = None,
                memory_limit: str | None = None) -> Engine:
    """Choose and check an engine for these market files (see `choose`)."""
    chosen = choose(name, paths)
    if scheduler and chosen != "dask":
        raise InputError([Issue(source=ARGUMENT, field="scheduler", code="conflict",
                                message=f"a Dask scheduler address only applies to the dask engine, not {chosen}")])
    require(chosen)
    return Engine(chosen, scheduler=scheduler, memory_limit=memory_limit)
