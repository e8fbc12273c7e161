"""Where domain objects find their HTML for Jupyter, without importing `report/`.

Part of the shared base. A domain object's `_repr_html_` calls `html_for(self)`; the top layer
(`toolkit/__init__.py`) registers, by dotted path, which renderer draws each kind of object, so
the engine, market and negotiation code never import presentation (not even inside a
function) and `import toolkit.offers` stays free of the renderers.
"""

from __future__ import annotations

import importlib
from typing import Any, Callable

_RENDERERS: dict[str, str] = {}


def register_html(kind: str, target: str) -> None:
    """Register `target` ("package.module:function") as the HTML renderer of objects of class `kind`."""
    _RENDERERS[kind] = target


def html_for(obj: Any) -> str | None:
    """HTML for `obj` from its registered renderer, or None (Jupyter then shows the plain repr)."""
    target = _RENDERERS.get(type(obj).__name__)
    if target is None:
        return None
    module, _, name = target.partition(":")
    render: Callable[[Any], str] = getattr(importlib.import_module(module), name)
    return render(obj)
