"""MariaDB built-in functions SQLite lacks, registered under their MySQL names (the embedded
backend's translation passes them through as written): ELT, STRCMP, REGEXP_REPLACE,
REGEXP_SUBSTR, REGEXP_INSTR, BIN, OCT, UNHEX, ORD, COT, TO_BASE64, FROM_BASE64, OCTET_LENGTH,
BIT_LENGTH, TIME_TO_SEC, SEC_TO_TIME, MICROSECOND, MAKEDATE, SLEEP. Each answers as MariaDB 10.11
does (checked against the server); their result types are `result_types`'.

>>> elt(2, "a", "b"), strcmp("a", "B"), regexp_replace("abc123", "[0-9]", "X")
('b', -1, 'abcXXX')
>>> ord_("é"), sec_to_time(3661), makedate(2024, 60)
(50089, '01:01:01', '2024-02-29')
"""

from __future__ import annotations

import base64
import binascii
import math
import re
import time
import unicodedata
from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

from jasmine_proxy.sqlite_numbers import _int_arg, conv, to_time

Value = int | float | str | bytes | None


def _text(value: int | float | str | bytes) -> str:
    return value.decode("utf-8", "replace") if isinstance(value, bytes) else str(value)


def _bytes(value: int | float | str | bytes) -> bytes:
    return value if isinstance(value, bytes) else _text(value).encode("utf-8")


def elt(n: Value, *strings: Value) -> Value:
    """ELT(n, s1, s2, ...): the n-th string, NULL outside 1..count."""
    if n is None:
        return None
    i = _int_arg(n)
    return strings[i - 1] if 1 <= i <= len(strings) else None


def _general_ci(text: str) -> str:
    """A sort key close to utf8mb4_general_ci: accents dropped, one upper-case letter per
    character (so Ä sorts as A, ß as S)."""
    plain = "".join(c for c in unicodedata.normalize("NFD", text) if not unicodedata.combining(c))
    return "".join(u if len(u := c.upper()) == 1 else "S" if c == "ß" else c for c in plain)


def strcmp(a: Value, b: Value) -> int | None:
    """STRCMP under MySQL's default collation (case- and accent-insensitive)."""
    if a is None or b is None:
        return None
    x, y = _general_ci(_text(a)), _general_ci(_text(b))
    return (x > y) - (x < y)


def _regex(pattern: Value) -> re.Pattern[str]:
    return re.compile(_text(pattern) if pattern is not None else "", re.IGNORECASE)


def regexp_replace(value: Value, pattern: Value, replacement: Value) -> str | None:
    if value is None or pattern is None or replacement is None:
        return None
    return _regex(pattern).sub(_text(replacement).replace("\\\\", "\\"), _text(value))


def regexp_substr(value: Value, pattern: Value) -> str | None:
    if value is None or pattern is None:
        return None
    m = _regex(pattern).search(_text(value))
    return m.group(0) if m else ""


def regexp_instr(value: Value, pattern: Value) -> int | None:
    if value is None or pattern is None:
        return None
    m = _regex(pattern).search(_text(value))
    return m.start() + 1 if m else 0


def unhex(value: Value) -> bytes | None:
    if value is None:
        return None
    text = _text(value)
    try:
        return bytes.fromhex(("0" + text) if len(text) % 2 else text)
    except ValueError:
        return None


def ord_(value: Value) -> int | None:
    """ORD: the first character's UTF-8 bytes as a big-endian number (its code for ASCII)."""
    if value is None:
        return None
    text = _text(value)
    return int.from_bytes(text[0].encode("utf-8"), "big") if text else 0


def cot(value: Value) -> float | None:
    if value is None:
        return None
    tangent = math.tan(float(value) if not isinstance(value, (str, bytes)) else 0.0)
    return math.inf if tangent == 0 else 1 / tangent


def to_base64(value: Value) -> str | None:
    """TO_BASE64, with MariaDB's newline after every 76 characters."""
    if value is None:
        return None
    encoded = base64.b64encode(_bytes(value)).decode("ascii")
    return "\n".join(encoded[i : i + 76] for i in range(0, len(encoded), 76))


def from_base64(value: Value) -> bytes | None:
    if value is None:
        return None
    try:
        return base64.b64decode(re.sub(r"\s", "", _text(value)), validate=True)
    except (binascii.Error, ValueError):
        return None


def octet_length(value: Value) -> int | None:
    return None if value is None else len(_bytes(value))


def bit_length(value: Value) -> int | None:
    return None if value is None else 8 * len(_bytes(value))


def _seconds(value: Value) -> float | None:
    time = to_time(value)
    if time is None:
        return None
    negative = time.startswith("-")
    hours, minutes, seconds = time.lstrip("-").split(":")
    total = int(hours) * 3600 + int(minutes) * 60 + float(seconds)
    return -total if negative else total


def time_to_sec(value: Value) -> int | float | None:
    total = _seconds(value)
    if total is None:
        return None
    return int(total) if total == int(total) else total


def sec_to_time(value: Value) -> str | None:
    """SEC_TO_TIME, clamped to TIME's range as MariaDB does."""
    if value is None:
        return None
    seconds = float(value) if not isinstance(value, (str, bytes)) else float(_text(value) or 0)
    delta = timedelta(seconds=abs(seconds))
    whole = int(delta.total_seconds())
    fraction = delta.microseconds
    text = f"{whole // 3600}:{whole % 3600 // 60:02d}:{whole % 60:02d}"
    text += f".{fraction:06d}".rstrip("0") if fraction else ""
    return to_time(("-" if seconds < 0 else "") + text)


def microsecond(value: Value) -> int | None:
    time = to_time(value)
    if time is None:
        return None
    _, _, fraction = time.partition(".")
    return int(fraction.ljust(6, "0")[:6]) if fraction else 0


def makedate(year: Value, day: Value) -> str | None:
    if year is None or day is None:
        return None
    y, d = _int_arg(year), _int_arg(day)
    if d <= 0 or not 0 <= y <= 9999:
        return None
    if y < 100:
        y += 2000 if y < 70 else 1900
    try:
        return (date(y, 1, 1) + timedelta(days=d - 1)).isoformat()
    except OverflowError:
        return None


def sleep(seconds: Value) -> int:
    """SLEEP(n): waits n seconds (nothing for NULL, a negative or a non-number), then 0.

    >>> sleep(0.001), sleep(None), sleep("a"), sleep(-1)
    (0, 0, 0, 0)
    """
    try:
        wait = float(_text(seconds)) if seconds is not None else 0.0
    except ValueError:
        wait = 0.0
    if wait > 0 and math.isfinite(wait):
        time.sleep(wait)
    return 0


SCALARS: list[tuple[str, int, Callable[..., Any]]] = [
    ("elt", -1, elt),
    ("strcmp", 2, strcmp),
    ("regexp_replace", 3, regexp_replace),
    ("regexp_substr", 2, regexp_substr),
    ("regexp_instr", 2, regexp_instr),
    ("bin", 1, lambda v: conv(v, 10, 2)),
    ("oct", 1, lambda v: conv(v, 10, 8)),
    ("unhex", 1, unhex),
    ("ord", 1, ord_),
    ("cot", 1, cot),
    ("to_base64", 1, to_base64),
    ("from_base64", 1, from_base64),
    ("octet_length", 1, octet_length),
    ("bit_length", 1, bit_length),
    ("time_to_sec", 1, time_to_sec),
    ("sec_to_time", 1, sec_to_time),
    ("microsecond", 1, microsecond),
    ("makedate", 2, makedate),
    ("sleep", 1, sleep),
]
