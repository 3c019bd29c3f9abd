"""MySQL's FORMAT() and CONV() on the embedded SQLite file, as MariaDB answers them.

`translate` turns `FORMAT(x, d[, locale])` into `jasmine_format(x, d, locale, exact)`, where
`exact` says whether MySQL types `x` as an integer or DECIMAL (rounded half away from zero on
the decimal value) rather than a double or a string (MariaDB's `my_double_round`: the double
times 10^d, rounded half to even, divided back, then printed in its shortest form); `d` is
clamped to 0..38. The locale's decimal point, thousands separator and grouping are MariaDB's
(`sql_locale.cc`, checked against the server); an unknown or NULL locale is en_US.

ROUND of a double is MariaDB's (`round_double`, half to even on the binary value times
10^d), HEX of a number is that of its 64-bit integer (`mysql_hex`); CAST AS SIGNED/UNSIGNED, the
bit operators and CAST AS TIME (`to_time`) are MariaDB's too.

`CONV(n, from, to)` reads the text of `n` in base |from| (as an unsigned 64-bit number, or a
signed one when `from` is negative; a prefix of valid digits, saturating on overflow) and
writes it in base |to| (signed when `to` is negative), upper case; a base outside 2..36, an
empty `n` or a NULL gives NULL.

>>> mysql_format(1234567.891, 2, None, 1), mysql_format(1234567.891, 2, "de_DE", 1)
('1,234,567.89', '1.234.567,89')
>>> mysql_format(2.5, 0, None, 0), mysql_format(2.5, 0, None, 1)
('2', '3')
>>> conv(255, 10, 16), conv(-1, 10, 16), conv("-ff", 16, -10), conv(10, 10, 37)
('FF', 'FFFFFFFFFFFFFFFF', '-255', None)
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from decimal import ROUND_HALF_EVEN, ROUND_HALF_UP, Context, Decimal

from jasmine_proxy.sqlite_decimal import exact, to_number

Value = int | float | str | bytes | None

#: MariaDB's FORMAT_MAX_DECIMALS
MAX_DECIMALS = 38
_WIDE = Context(prec=1000, Emin=-999999, Emax=999999)

#: (decimal point, thousands separator, group sizes) of every MariaDB locale that does not
#: format numbers as en_US does ('.', ',', groups of 3); '' is no separator, and bg_BG's is
#: a NUL byte, as MariaDB writes it.
_NO_GROUPS: tuple[int, ...] = ()
_COMMA_DOT = (",", ".", (3,))
_COMMA_SPACE = (",", " ", (3,))
_COMMA_NONE = (",", "", _NO_GROUPS)
_LOCALES: dict[str, tuple[str, str, tuple[int, ...]]] = {
    **dict.fromkeys(("ar_sa", "sr_rs", "sr_yu"), (".", "", _NO_GROUPS)),
    "bg_bg": (",", "\x00", (3,)),
    "de_ch": (".", "'", (3,)),
    **dict.fromkeys(("it_ch", "rm_ch"), (",", "'", (3,))),
    **dict.fromkeys(("en_in", "ta_in", "te_in"), (".", ",", (3, 2))),
    **dict.fromkeys(
        (
            "be_by",
            "da_dk",
            "de_be",
            "de_de",
            "de_lu",
            "es_ar",
            "es_bo",
            "es_cl",
            "es_co",
            "es_ec",
            "es_es",
            "es_py",
            "es_uy",
            "es_ve",
            "fo_fo",
            "hu_hu",
            "id_id",
            "is_is",
            "lt_lt",
            "mn_mn",
            "nb_no",
            "no_no",
            "ro_ro",
            "ru_ua",
            "sq_al",
            "tr_tr",
            "uk_ua",
            "vi_vn",
        ),
        _COMMA_DOT,
    ),
    **dict.fromkeys(
        (
            "cs_cz",
            "es_cr",
            "et_ee",
            "fi_fi",
            "ka_ge",
            "lv_lv",
            "mk_mk",
            "ru_ru",
            "sk_sk",
            "sv_fi",
            "sv_se",
        ),
        _COMMA_SPACE,
    ),
    **dict.fromkeys(
        (
            "ca_es",
            "de_at",
            "el_gr",
            "eu_es",
            "fr_be",
            "fr_ca",
            "fr_ch",
            "fr_fr",
            "fr_lu",
            "gl_es",
            "hr_hr",
            "it_it",
            "nl_be",
            "nl_nl",
            "pl_pl",
            "pt_br",
            "pt_pt",
            "sl_si",
        ),
        _COMMA_NONE,
    ),
}
_EN_US: tuple[str, str, tuple[int, ...]] = (".", ",", (3,))


def _text(value: str | bytes) -> str:
    return value.decode("utf-8", "replace") if isinstance(value, bytes) else value


def _int_arg(value: int | float | str | bytes) -> int:
    """An integer argument as MySQL's val_int reads it (rounded, strings by their prefix)."""
    if isinstance(value, int):
        return value
    number = exact(value) if isinstance(value, float) else Decimal(to_number(_text(value)))
    return int(number.to_integral_value(rounding=ROUND_HALF_UP))


def _power(places: int) -> float:
    """10^places as a double, infinite past its range (C's pow; Python's raises)."""
    try:
        return 10.0**places
    except OverflowError:
        return math.inf


def _double_round(x: float, places: int) -> float:
    """MariaDB's my_double_round(x, places) for places >= 0."""
    scale = _power(places)
    product = x * scale
    if math.isinf(product):
        return x
    return round(product) / scale  # Python's round of a float is rint: half to even


def mysql_format(x: Value, places: Value, locale: Value, exact_value: Value) -> str | None:
    """FORMAT(x, places, locale); `exact_value`: x is an integer or DECIMAL expression."""
    if x is None or places is None:
        return None
    d = min(max(_int_arg(places), 0), MAX_DECIMALS)
    quantum = Decimal(1).scaleb(-d)
    if exact_value or isinstance(x, int):
        number = exact(x).quantize(quantum, rounding=ROUND_HALF_UP, context=_WIDE)
    else:
        value = x if isinstance(x, float) else float(to_number(_text(x)))
        rounded = _double_round(value, d)
        if not math.isfinite(rounded):
            return "inf" if rounded > 0 else "-inf" if rounded < 0 else "nan"
        number = Decimal(repr(rounded)).quantize(quantum, rounding=ROUND_HALF_EVEN, context=_WIDE)
    digits = format(number, "f")
    negative = digits.startswith("-")
    whole, _, fraction = digits.lstrip("-").partition(".")
    if negative and not whole.strip("0") and not fraction.strip("0"):
        negative = False  # -0.00 is 0.00
    style = _EN_US
    if isinstance(locale, (str, bytes)):
        style = _LOCALES.get(_text(locale).lower(), _EN_US)
    point, separator, groups = style
    return (
        ("-" if negative else "")
        + _group(whole, separator, groups)
        + (point + fraction if fraction else "")
    )


def _group(whole: str, separator: str, groups: tuple[int, ...]) -> str:
    """Thousands separators: the first size from the right, then each next one (the last
    repeats), as MariaDB's FORMAT does with a locale's grouping."""
    if not groups:
        return whole
    parts: list[str] = []
    end = len(whole)
    sizes = iter(groups)
    size = next(sizes)
    while end > size:
        parts.append(whole[end - size : end])
        end -= size
        size = next(sizes, size)
    parts.append(whole[:end])
    return separator.join(reversed(parts))


_DIGITS = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
_NUMBER_START = re.compile(r"[ \t\n\r\f\v]*([-+]?)")


def conv(n: Value, from_base: Value, to_base: Value) -> str | None:
    """CONV(n, from_base, to_base) as MariaDB computes it (see the module docstring)."""
    if n is None or from_base is None or to_base is None:
        return None
    source, target = _int_arg(from_base), _int_arg(to_base)
    if not (2 <= abs(source) <= 36 and 2 <= abs(target) <= 36):
        return None
    text = _text(n) if isinstance(n, (str, bytes)) else _number_text(n)
    if not text:
        return None
    sign = _NUMBER_START.match(text)
    assert sign is not None
    negative = sign.group(1) == "-"
    magnitude, overflow = 0, False
    for ch in text[sign.end() :]:
        digit = _DIGITS.find(ch.upper())
        if digit < 0 or digit >= abs(source):
            break
        magnitude = magnitude * abs(source) + digit
        overflow = overflow or magnitude >= 2**64
    if source > 0:  # unsigned 64-bit, a '-' negates it modulo 2^64
        value = 2**64 - 1 if overflow else (-magnitude if negative else magnitude) % 2**64
    elif negative:
        value = -(2**63) if overflow or magnitude > 2**63 else -magnitude
    else:
        value = 2**63 - 1 if overflow or magnitude >= 2**63 else magnitude
    if target > 0:
        value %= 2**64
    elif value >= 2**63:
        value -= 2**64
    return ("-" if value < 0 else "") + _in_base(abs(value), abs(target))


def _number_text(n: int | float) -> str:
    """A number as MySQL's val_str writes it (a double in its shortest form)."""
    if isinstance(n, int):
        return str(n)
    if n == int(n) and abs(n) < 1e15:
        return str(int(n))
    return repr(n)


def _in_base(value: int, base: int) -> str:
    if not value:
        return "0"
    out = []
    while value:
        value, digit = divmod(value, base)
        out.append(_DIGITS[digit])
    return "".join(reversed(out))


def round_double(value: Value, places: Value = 0) -> int | float | None:
    """ROUND of a double (or of a string, read as one), as MariaDB's my_double_round: half
    to even on the binary value; an integer rounds exactly, half away from zero."""
    if value is None or places is None:
        return None
    d = _int_arg(places)
    if isinstance(value, int):
        if d >= 0:
            return value
        return int(Decimal(value).quantize(Decimal(1).scaleb(-d), rounding=ROUND_HALF_UP))
    x = value if isinstance(value, float) else float(to_number(_text(value)))
    if d >= 0:
        return float(_double_round(x, d))
    scale = _power(-d)
    if math.isinf(scale):
        return 0.0
    return float(round(x / scale) * scale)


def mysql_hex(value: Value) -> str | None:
    """HEX(x): a string's (or BLOB's) bytes, or a number rounded half away from zero to a
    64-bit integer, two's complement, saturating at 2^64 - 1."""
    if value is None:
        return None
    if isinstance(value, bytes):
        return value.hex().upper()
    if isinstance(value, str):
        return value.encode("utf-8").hex().upper()
    number = exact(value).to_integral_value(rounding=ROUND_HALF_UP)
    if number <= -(2**63) or number >= 2**64:
        return "FFFFFFFFFFFFFFFF"
    return format(int(number) % 2**64, "X")


def _unsigned_operand(value: int | float | str | bytes) -> int:
    """A bit operator's operand: rounded to an integer, taken modulo 2^64."""
    if isinstance(value, (str, bytes)):
        value = float(to_number(_text(value)))
    number = exact(value).to_integral_value(rounding=ROUND_HALF_UP)
    if number >= 2**64:
        return 2**64 - 1
    if number < -(2**63):
        return 2**63
    return int(number) % 2**64


def _bigint(n: int) -> int | str:
    """An integer as SQLite can hold it: past BIGINT's range, its digits as text."""
    return n if -(2**63) <= n < 2**63 else str(n)


_MASK = 2**64 - 1
_BIT_OPERATORS: dict[str, Callable[[int, int], int]] = {
    "^": lambda a, b: a ^ b,
    "&": lambda a, b: a & b,
    "|": lambda a, b: a | b,
    "<<": lambda a, b: (a << b) & _MASK if b < 64 else 0,
    ">>": lambda a, b: a >> b if b < 64 else 0,
}


def bit_operation(operator: Value, a: Value, b: Value) -> int | str | None:
    """a ^ b, a & b, a | b, a << b, a >> b as MySQL computes them: on unsigned 64-bit
    integers (SQLite's are signed, and it has no ^), so -1 | 0 is 18446744073709551615."""
    if a is None or b is None:
        return None
    return _bigint(_BIT_OPERATORS[str(operator)](_unsigned_operand(a), _unsigned_operand(b)))


def bit_not(a: Value) -> int | str | None:
    return None if a is None else _bigint(~_unsigned_operand(a) & _MASK)


def bit_count(a: Value) -> int | None:
    return None if a is None else bin(_unsigned_operand(a)).count("1")


def as_text(value: Value) -> Value:
    """CAST(x AS CHAR) of a double: MariaDB's way of writing it (1e15, 0.00001)."""
    if isinstance(value, float):
        from jasmine_proxy.sqlite_json import double_text

        return double_text(value)
    if isinstance(value, bytes):
        return value.decode("utf-8", "replace")
    return value if value is None or isinstance(value, str) else str(value)


def _truth(value: int | float | str | bytes) -> bool:
    if isinstance(value, (str, bytes)):
        return float(to_number(_text(value))) != 0
    return value != 0


def logical_xor(a: Value, b: Value) -> int | None:
    """a XOR b: NULL if either is NULL, else whether exactly one is true."""
    if a is None or b is None:
        return None
    return int(_truth(a) != _truth(b))


def substring(value: Value, start: Value, length: Value) -> str | None:
    """SUBSTRING/MID: position 0, or a negative one past the start, is ''; so is a negative
    length (SQLite's substr counts those differently)."""
    if value is None or start is None or length is None:
        return None
    return _substring(value, _int_arg(start), _int_arg(length))


def substring_from(value: Value, start: Value) -> str | None:
    """SUBSTRING(s, p): from p to the end."""
    if value is None or start is None:
        return None
    return _substring(value, _int_arg(start), None)


def _substring(value: int | float | str | bytes, p: int, n: int | None) -> str:
    text = _text(value) if isinstance(value, (str, bytes)) else _number_text(value)
    if p == 0 or -p > len(text) or p > len(text) or (n is not None and n < 0):
        return ""
    begin = p - 1 if p > 0 else len(text) + p
    return text[begin:] if n is None else text[begin : begin + n]


def cast_integer(value: Value, unsigned: Value, exact_value: Value) -> int | str | None:
    """CAST(x AS SIGNED/UNSIGNED) as MariaDB answers: an integer wraps to UNSIGNED; a DECIMAL
    rounds half away from zero and a double half to even, both saturating (a negative one is
    UNSIGNED 0; a DECIMAL in 2^63..2^64 wraps to SIGNED); a string reads its integer prefix,
    saturating at 2^64 - 1 (which SIGNED reads as -1) or at -2^63."""
    if value is None:
        return None
    top = 2**64 - 1
    if isinstance(value, (str, bytes)) and not exact_value:
        m = re.match(r"[ \t\n\r]*([-+]?)(\d*)", _text(value))
        assert m is not None
        digits = int(m.group(2) or 0)
        if m.group(1) == "-":
            n = -(2**63) if digits > 2**63 else -digits
            return _bigint(n % 2**64 if unsigned else n)
        n = min(digits, top)
    elif isinstance(value, int) and not exact_value:
        return _bigint(value % 2**64 if unsigned else value)
    else:
        rounding = (
            ROUND_HALF_EVEN if isinstance(value, float) and not exact_value else ROUND_HALF_UP
        )
        whole = exact(value).to_integral_value(rounding=rounding)
        if whole < 0:
            return 0 if unsigned else _bigint(max(int(whole), -(2**63)))
        if whole > top:
            return _bigint(top if unsigned else 2**63 - 1)
        n = int(whole)
        if isinstance(value, float) and not unsigned:
            return _bigint(min(n, 2**63 - 1))
    return _bigint(n if unsigned or n < 2**63 else n - 2**64)


_TIME = re.compile(
    r"\s*(-)?(?:\d{4}-\d\d?-\d\d?(?:[ T]|$))?(?:(\d+):(\d\d?)(?::(\d\d?)(\.\d+)?)?)?\s*$"
)
_MAX_TIME = 838 * 3600 + 59 * 60 + 59


def to_time(value: Value) -> str | None:
    """CAST(x AS TIME) / TIME'x' / TIME(x): MySQL's TIME, -838:59:59..838:59:59 (hours past
    24 included, which SQLite's time() makes NULL); a number is [H]HMMSS."""
    if value is None:
        return None
    if isinstance(value, (int, float)):
        negative, whole = value < 0, abs(int(value))
        hours, rest = divmod(whole, 10000)
        minutes, seconds = divmod(rest, 100)
        fraction = ""
    else:
        m = _TIME.match(_text(value))
        if m is None:
            return None
        if m.group(2) is None and not re.match(r"\s*\d{4}-", _text(value)):
            return None
        negative = bool(m.group(1))
        hours, minutes = int(m.group(2) or 0), int(m.group(3) or 0)
        seconds, fraction = int(m.group(4) or 0), (m.group(5) or "").rstrip("0")
        fraction = "" if fraction == "." else fraction
    if minutes > 59 or seconds > 59:
        return None
    total = min(hours * 3600 + minutes * 60 + seconds, _MAX_TIME)
    if total == _MAX_TIME:
        fraction = ""
    h, rest = divmod(total, 3600)
    sign = "-" if negative and (total or fraction) else ""
    return f"{sign}{h:02d}:{rest // 60:02d}:{rest % 60:02d}{fraction}"


SCALARS: list[tuple[str, int, Callable[..., Value]]] = [
    ("jasmine_time", 1, to_time),
    ("jasmine_bitop", 3, bit_operation),
    ("jasmine_bitnot", 1, bit_not),
    ("jasmine_bitcount", 1, bit_count),
    ("jasmine_char", 1, as_text),
    ("jasmine_xor", 2, logical_xor),
    ("jasmine_substring", 2, substring_from),
    ("jasmine_substring", 3, substring),
    ("jasmine_cast_integer", 3, cast_integer),
    ("jasmine_format", 4, mysql_format),
    ("conv", 3, conv),
    ("jasmine_round_double", 1, round_double),
    ("jasmine_round_double", 2, round_double),
    ("jasmine_hex", 1, mysql_hex),
]
