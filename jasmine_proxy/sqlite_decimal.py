"""Exact DECIMAL on the embedded SQLite file: storage, arithmetic, comparison, order.

MySQL's DECIMAL holds up to 65 digits exactly; SQLite has 64-bit integers and doubles. A
DECIMAL value therefore lives in SQLite in one of two forms, and every function here takes both:

* a number (INTEGER or REAL): what a DECIMAL(p,s) column with p <= 15 stores (NUMERIC
  affinity). A double holds every decimal of up to 15 significant digits in the sense that
  matters: its shortest representation (`repr`) is that decimal, so `exact(x)` gives it back.
  Comparisons, ORDER BY and indexes on such columns stay SQLite's own, and fast;
* canonical text (`'12345678901234567890.0123456789'`): what a wider DECIMAL(p,s) column
  (p > 15, `is_wide`) stores, with TEXT affinity and the collation `jasmine_decimal`, which
  compares numerically, so `=`, `<`, BETWEEN, ORDER BY, GROUP BY, MIN/MAX and unique indexes on
  the column are exact (SQLite converts a number compared with the column to text first).

`translate` routes DECIMAL arithmetic through `jasmine_dadd`/`dsub`/`dmul`/`ddiv`/`dneg`/`dabs`
and comparisons of DECIMAL expressions through `jasmine_dcmp`; ORDER BY a DECIMAL expression
sorts by `jasmine_dkey`, a byte string whose order is the numeric one. Each result is `value`:
an integer when every input was one, a double when that is exact (15 significant digits or
fewer), canonical text otherwise. All arithmetic runs at 130 digits (twice MySQL's 65).

>>> dadd(0.1, 0.2), dmul("12345678901234567890.0123456789", 2)
(0.3, '24691357802469135780.0246913578')
>>> dcmp("0.30", 0.3), dkey(-1.5) < dkey(-1) < dkey(0) < dkey("0.5") < dkey(2)
(0, True)
"""

from __future__ import annotations

import re
from collections.abc import Callable
from decimal import ROUND_HALF_UP, Context, Decimal, InvalidOperation

CONTEXT = Context(prec=130, rounding=ROUND_HALF_UP, Emin=-999999, Emax=999999)
#: The widest DECIMAL whose values a double holds exactly (significant digits).
DOUBLE_DIGITS = 15

Value = int | float | str | bytes | None
Number = int | float | str


def to_number(value: str) -> str:
    """MySQL's reading of a string as a number: its longest numeric prefix, else 0."""
    m = re.match(r"\s*[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?", value)
    return m.group(0).strip() if m else "0"


def exact(value: int | float | str | bytes) -> Decimal:
    """The decimal a stored value stands for: a double's shortest round-trip representation."""
    if isinstance(value, float):
        return Decimal(repr(value))
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, bytes):
        value = value.decode("utf-8", "replace")
    try:
        d = Decimal(value)
    except ArithmeticError:
        return Decimal(to_number(str(value)))
    return d if d.is_finite() else Decimal(to_number(str(value)))


def is_wide(precision: int) -> bool:
    """A DECIMAL(precision, s) column stored as text: a double cannot hold its values."""
    return precision > DOUBLE_DIGITS


def value(d: Decimal, integer: bool = False) -> Number:
    """A decimal as SQLite should hold it (see the module docstring); `integer`: every input
    was an integer, so a whole result in range stays one."""
    if integer and d == d.to_integral_value() and -(2**63) <= d < 2**63:
        return int(d)
    if not d:
        return 0.0
    if len(d.normalize(CONTEXT).as_tuple().digits) <= DOUBLE_DIGITS:
        return float(d)
    return text(d)


def text(d: Decimal) -> str:
    """Canonical text: positional, no exponent, no trailing zeros after the point."""
    out = format(d.normalize(CONTEXT), "f")
    return "0" if out in ("-0", "0") else out


def _binary(op: Callable[[Decimal, Decimal], Decimal]) -> Callable[[Value, Value], Number | None]:
    def apply(a: Value, b: Value) -> Number | None:
        if a is None or b is None:
            return None
        try:
            result = op(exact(a), exact(b))
        except (ZeroDivisionError, InvalidOperation):
            return None  # x / 0 is NULL (MySQL warns)
        return value(result, type(a) is int and type(b) is int)

    return apply


dadd = _binary(CONTEXT.add)
dsub = _binary(CONTEXT.subtract)
dmul = _binary(CONTEXT.multiply)
ddiv = _binary(CONTEXT.divide)


def dneg(a: Value) -> Number | None:
    return None if a is None else value(CONTEXT.minus(exact(a)), type(a) is int)


def dabs(a: Value) -> Number | None:
    return None if a is None else value(CONTEXT.abs(exact(a)), type(a) is int)


def dcmp(a: Value, b: Value) -> int | None:
    """-1, 0 or 1 as a is less than, equal to or greater than b, numerically; NULL if either
    is NULL (so `dcmp(a, b) < 0` is `a < b` with SQL's NULL rules)."""
    if a is None or b is None:
        return None
    x, y = exact(a), exact(b)
    return (x > y) - (x < y)


def dkey(a: Value) -> bytes | None:
    """A byte string whose order (memcmp) is the numeric order of the values: sign, then the
    exponent, then the digits (complemented for negative numbers)."""
    if a is None:
        return None
    d = exact(a)
    if not d:
        return b"\x02"
    mantissa, _, exponent = format(d, "E").partition("E")  # '-1.2345E+19'
    negative = mantissa[0] == "-"
    digits = mantissa.lstrip("-").replace(".", "").rstrip("0").encode()
    e = int(exponent) + 32768
    if not negative:
        return b"\x03" + e.to_bytes(3, "big") + digits
    return b"\x01" + (2**24 - 1 - e).to_bytes(3, "big") + digits.translate(_COMPLEMENT) + b"\xff"


_COMPLEMENT = bytes.maketrans(b"0123456789", bytes(range(207, 197, -1)))


def collate(a: str, b: str) -> int:
    """The collation `jasmine_decimal` of wide DECIMAL columns: numeric order."""
    if a == b:
        return 0
    x, y = exact(a), exact(b)
    return (x > y) - (x < y)


def cast(v: Value, precision: Value, scale: Value, clamp: Value) -> Number | None:
    """`v` as DECIMAL(precision, scale), rounded half away from zero: canonical text at the
    scale for a wide type, else `value`. `clamp` (CAST): out of range gives the type's
    largest value, as MySQL does with a warning; otherwise the column's CHECK reports it."""
    if v is None or precision is None or scale is None:
        return None
    p, s = int(precision), int(scale)
    d = exact(v)
    top = CONTEXT.subtract(Decimal(10).scaleb(p - s - 1), Decimal(1).scaleb(-s))
    if d.adjusted() < 80:  # (larger ones are out of range anyway)
        d = d.quantize(Decimal(1).scaleb(-s), context=CONTEXT)
    if d.copy_abs() > top:
        if not clamp:  # the column's CHECK refuses it
            return text(d) if is_wide(p) else value(d)
        d = top.copy_sign(d)
    if is_wide(p):
        return format(d, "f")
    return value(d)


def fits(v: Value, precision: Value, scale: Value) -> int:
    """CHECK of a wide DECIMAL column: the value has at most precision - scale whole digits
    (MySQL's 1264 otherwise)."""
    if v is None:
        return 1
    return int(exact(v).copy_abs() < Decimal(1).scaleb(int(precision or 0) - int(scale or 0)))


def is_decimal(v: Value) -> int:
    """CHECK of a wide DECIMAL column: the stored text is a number (MySQL's 1366 otherwise)."""
    if v is None or isinstance(v, (int, float)):
        return 1
    text_value = v.decode("utf-8", "replace") if isinstance(v, bytes) else v
    try:
        return int(Decimal(text_value).is_finite())
    except ArithmeticError:
        return 0


class Sum:
    """SUM with exact decimal addition; integers stay integers."""

    def __init__(self) -> None:
        self.total: Decimal | None = None
        self.integer = True

    def step(self, v: Value) -> None:
        if v is None:
            return
        if type(v) is not int:
            self.integer = False
        self.total = CONTEXT.add(self.total or Decimal(0), exact(v))

    def finalize(self) -> Number | None:
        return None if self.total is None else value(self.total, self.integer)


class Avg(Sum):
    """AVG with exact decimal addition and division (130 digits; the result column's scale
    rounds it)."""

    def __init__(self) -> None:
        super().__init__()
        self.count = 0

    def step(self, v: Value) -> None:
        if v is not None:
            self.count += 1
        super().step(v)

    def finalize(self) -> Number | None:
        if self.total is None or not self.count:
            return None
        return value(CONTEXT.divide(self.total, self.count))


class _Extreme:
    """MIN/MAX of a DECIMAL expression (its values may be numbers and text)."""

    sign = 1

    def __init__(self) -> None:
        self.best: Decimal | None = None
        self.value: Value = None

    def step(self, v: Value) -> None:
        if v is None:
            return
        d = exact(v)
        if self.best is None or (d < self.best if self.sign > 0 else d > self.best):
            self.best, self.value = d, v

    def finalize(self) -> Value:
        return self.value


class Min(_Extreme):
    sign = 1


class Max(_Extreme):
    sign = -1


SCALARS: list[tuple[str, int, Callable[..., Number | bytes | None]]] = [
    ("jasmine_dadd", 2, dadd),
    ("jasmine_dsub", 2, dsub),
    ("jasmine_dmul", 2, dmul),
    ("jasmine_ddiv", 2, ddiv),
    ("jasmine_dneg", 1, dneg),
    ("jasmine_dabs", 1, dabs),
    ("jasmine_dcmp", 2, dcmp),
    ("jasmine_dkey", 1, dkey),
    ("jasmine_decimal", 4, cast),
    ("jasmine_decimal_fits", 3, fits),
    ("jasmine_is_decimal", 1, is_decimal),
]
AGGREGATES: list[tuple[str, type]] = [
    ("jasmine_sum", Sum),
    ("jasmine_avg", Avg),
    ("jasmine_dmin", Min),
    ("jasmine_dmax", Max),
]
COLLATION = "jasmine_decimal"
