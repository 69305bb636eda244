"""The consistency rules (勾稽关系) of format.RULES, evaluated on loaded data into findings."""
from __future__ import annotations

import math
from numbers import Real


def value_problem(value, amount: bool = False) -> str | None:
    """Why `value` breaks rule R1 (a count must be a non-negative integer, an amount non-negative), or None."""
    if isinstance(value, bool) or not isinstance(value, Real) or math.isnan(value):
        return f"{value!r} is not a number"
    if value < 0:
        return f"{value!r} is negative"
    if not amount and value != int(value):
        return f"{value!r} is not a whole number"
    return None
