"""The one wiring every course widget shares: recompute its view whenever a control changes."""
from __future__ import annotations

from collections.abc import Callable, Iterable


def live(box, controls: Iterable, update: Callable[..., None]):
    """Run ``update`` now and on every value change of ``controls``; tests call ``box.update()``."""
    for control in controls:
        control.observe(update, names="value")
    box.update = update
    update()
    return box
