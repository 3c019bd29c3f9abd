"""MariaDB's JSON text on the embedded SQLite file.

SQLite's JSON functions (json_object, json_set, `->`, ...) compute the values; `translate`
routes what they produce through `jasmine_json_format` where it leaves them (a projection, an
argument of a non-JSON function, a stored value), which writes it as MariaDB does: `{"k": 1}`,
`[1, "a"]`, a number with the text it had in the document (`1.10`, `1e2`). A SQL value put
into JSON goes through `jasmine_json_value`, so a double is written as MariaDB writes one
(`0.30000000000000004`, `1e15`), a DECIMAL literal keeps its scale and a comparison is `true`.
The functions SQLite lacks or answers differently (JSON_TYPE, JSON_LENGTH, JSON_DEPTH,
JSON_KEYS, JSON_QUOTE, JSON_COMPACT, JSON_DETAILED, JSON_MERGE, JSON_VALUE, JSON_QUERY,
JSON_ARRAYAGG, JSON_OBJECTAGG) are here, on the same parser, and return MariaDB's text.

>>> json_format('{"a":[1,2.50,"x"],"b":{"c":null}}')
'{"a": [1, 2.50, "x"], "b": {"c": null}}'
>>> json_value(0.1 + 0.2), json_value(1e15), json_value(1e-10), json_value("a\\"b")
('0.30000000000000004', '1e15', '0.0000000001', '"a\\\\"b"')
>>> json_type('1.5'), json_length('{"a": 1, "b": 2}'), json_keys('{"a": 1, "b": 2}')
('DOUBLE', 2, '["a", "b"]')
"""

from __future__ import annotations

import json
from collections.abc import Callable
from decimal import Decimal
from typing import Any

Value = int | float | str | bytes | None


class _Number(str):
    """A JSON number kept as the text it was written with."""


class _Object(list[tuple[str, Any]]):
    """A JSON object as its (key, value) pairs in order, duplicates kept (as MariaDB does)."""


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


_DECODER = json.JSONDecoder(
    parse_float=_Number,
    parse_int=_Number,
    parse_constant=_no_constant,
    object_pairs_hook=_Object,
    strict=False,
)


def parse(text: Value) -> Any:
    """A JSON document; ValueError if it is not one."""
    if text is None:
        raise ValueError("NULL")
    if isinstance(text, bytes):
        text = text.decode("utf-8", "replace")
    if isinstance(text, (int, float)):
        return _Number(json_value(text))
    return _DECODER.decode(text)


def _text(value: int | float | str | bytes) -> str:
    return value.decode("utf-8", "replace") if isinstance(value, bytes) else str(value)


def _quote(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)


def dump(value: Any, pair: str = ": ", item: str = ", ") -> str:
    """JSON text with MariaDB's separators (JSON_COMPACT passes ':' and ',')."""
    if isinstance(value, _Number):
        return str(value)
    if isinstance(value, str):
        return _quote(value)
    if value is None:
        return "null"
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, _Object):
        return "{" + item.join(f"{_quote(k)}{pair}{dump(v, pair, item)}" for k, v in value) + "}"
    if isinstance(value, list):
        return "[" + item.join(dump(v, pair, item) for v in value) + "]"
    return _quote(str(value))


def _detailed(value: Any, indent: int = 0) -> str:
    """JSON_DETAILED's layout: four spaces a level, a container value on its own line."""
    pad = " " * indent
    inner = " " * (indent + 4)
    if isinstance(value, _Object) and value:
        items = []
        for k, v in value:
            nested = isinstance(v, list) and not isinstance(v, _Number)
            sep = f"\n{inner}" if nested else ""
            items.append(f"{inner}{_quote(k)}: {sep}{_detailed(v, indent + 4)}")
        return "{\n" + ",\n".join(items) + f"\n{pad}}}"
    if isinstance(value, list) and not isinstance(value, _Object) and value:
        return "[\n" + ",\n".join(inner + _detailed(v, indent + 4) for v in value) + f"\n{pad}]"
    return dump(value)


def double_text(x: float) -> str:
    """A double as MariaDB writes it (my_gcvt): its shortest digits, positional unless the
    point is more than 15 places right of the first digit, or 15 left of it."""
    if x != x or x in (float("inf"), float("-inf")):
        return "null"
    if x == 0:
        return "0"
    sign = "-" if x < 0 else ""
    r = repr(abs(x))  # the shortest digits; `point`: where the point goes after the first
    if "e" in r:
        m, _, e = r.partition("e")
        digits, point = m.replace(".", ""), int(e) + 1
    else:
        whole, _, frac = r.partition(".")
        frac = frac.rstrip("0")
        if whole != "0":
            digits, point = (whole + frac).lstrip("0"), len(whole)
        else:
            stripped = frac.lstrip("0")
            digits, point = stripped, -(len(frac) - len(stripped))
    digits = digits.rstrip("0") or "0"
    if point >= -14 and (point <= 15 or len(digits) > point):
        if point <= 0:
            return f"{sign}0.{'0' * -point}{digits}"
        if len(digits) <= point:
            return sign + digits + "0" * (point - len(digits))
        return f"{sign}{digits[:point]}.{digits[point:]}"
    tail = f".{digits[1:]}" if len(digits) > 1 else ""
    return f"{sign}{digits[0]}{tail}e{point - 1}"


def json_value(v: Value, kind: Value = None) -> str:
    """A SQL value as the JSON MariaDB puts in a document: `kind` 'b' is a truth value
    (true/false), 'n' a number's text as written (a DECIMAL literal), else by its type."""
    if v is None:
        return "null"
    if kind == "b":
        return "true" if _truthy(v) else "false"
    if kind == "n":
        return str(v)
    if isinstance(kind, str) and kind.startswith("n"):  # a DECIMAL at a scale
        places = int(kind[1:])
        number = Decimal(repr(v)) if isinstance(v, float) else Decimal(str(v))
        return format(number.quantize(Decimal(1).scaleb(-places)), "f")
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, int):
        return str(v)
    if isinstance(v, float):
        return double_text(v)
    if isinstance(v, bytes):
        v = v.decode("utf-8", "replace")
    return _quote(v)


def _truthy(v: int | float | str | bytes) -> bool:
    if isinstance(v, (str, bytes)):
        try:
            return float(v) != 0
        except ValueError:
            return False
    return bool(v)


def _formatter(write: Callable[[Any], str]) -> Callable[[Value], str | None]:
    def apply(text: Value) -> str | None:
        if text is None:
            return None
        try:
            return write(parse(text))
        except ValueError:
            return None  # not JSON: NULL, as MariaDB answers (with a warning)

    return apply


json_format = _formatter(dump)
json_compact = _formatter(lambda v: dump(v, ":", ","))
json_detailed = _formatter(_detailed)


def json_doc(text: Value) -> Value:
    """A document argument: itself if it is JSON, else NULL (MariaDB's answer, with a
    warning; SQLite would fail the statement)."""
    if text is None:
        return None
    try:
        parse(text)
    except ValueError:
        return None
    return text


_TYPE_NAMES = {True: "BOOLEAN", False: "BOOLEAN", None: "NULL"}


def json_type(text: Value) -> str | None:
    try:
        value = parse(text)
    except ValueError:
        return None
    if isinstance(value, _Number):  # MariaDB: 1e2 is an INTEGER, 1.0 a DOUBLE
        return "DOUBLE" if "." in value else "INTEGER"
    if isinstance(value, str):
        return "STRING"
    if isinstance(value, _Object):
        return "OBJECT"
    if isinstance(value, list):
        return "ARRAY"
    return _TYPE_NAMES.get(value, "NULL")


def json_length(text: Value) -> int | None:
    try:
        value = parse(text)
    except ValueError:
        return None
    if isinstance(value, list) and not isinstance(value, _Number):
        return len(value)
    return 1


def _depth(value: Any) -> int:
    if isinstance(value, _Object):
        return 1 + max((_depth(v) for _, v in value), default=0)
    if isinstance(value, list) and not isinstance(value, _Number):
        return 1 + max((_depth(v) for v in value), default=0)
    return 1


def json_depth(text: Value) -> int | None:
    try:
        return _depth(parse(text))
    except ValueError:
        return None


def json_keys(text: Value) -> str | None:
    try:
        value = parse(text)
    except ValueError:
        return None
    if not isinstance(value, _Object):
        return None
    return dump([k for k, _ in value])


def json_quote(v: Value) -> str | None:
    """JSON_QUOTE: a string as a JSON string; NULL for NULL or a number."""
    if v is None or isinstance(v, (int, float)):
        return None
    return json_value(v)


def json_scalar(text: Value) -> str | None:
    """JSON_VALUE on what `->` found: a scalar's value, NULL for an object or array."""
    try:
        value = parse(text)
    except ValueError:
        return None
    if isinstance(value, list) and not isinstance(value, _Number):
        return None
    if isinstance(value, _Number):
        return str(value)
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def json_query(text: Value) -> Value:
    """JSON_QUERY on what `->` found: an object or array (as the document wrote it, which
    MariaDB does not reformat), NULL for a scalar."""
    try:
        value = parse(text)
    except ValueError:
        return None
    if isinstance(value, list) and not isinstance(value, _Number):
        return text
    return None


def json_valid(text: Value) -> int | None:
    """JSON_VALID: 1 or 0, NULL for NULL (SQLite's json_valid says 0)."""
    if text is None:
        return None
    try:
        parse(text)
    except ValueError:
        return 0
    return 1


def _merge(a: Any, b: Any) -> Any:
    """JSON_MERGE_PRESERVE: objects merged key by key (a key in both merges its values),
    arrays concatenated, a scalar or object next to an array wrapped in one."""
    if isinstance(a, _Object) and isinstance(b, _Object):
        out = _Object(a)
        for k, v in b:
            at = next((i for i, (key, _) in enumerate(out) if key == k), None)
            if at is None:
                out.append((k, v))
            else:
                out[at] = (k, _merge(out[at][1], v))
        return out
    left = a if _is_array(a) else [a]
    right = b if _is_array(b) else [b]
    return [*left, *right]


def _is_array(v: Any) -> bool:
    return isinstance(v, list) and not isinstance(v, (_Number, _Object))


def json_merge(*docs: Value) -> str | None:
    if any(d is None for d in docs):
        return None
    try:
        values = [parse(d) for d in docs]
    except ValueError:
        return None
    merged = values[0]
    for value in values[1:]:
        merged = _merge(merged, value)
    return dump(merged)


class ArrayAgg:
    """JSON_ARRAYAGG: MariaDB joins the (formatted) values with ',' and no space."""

    def __init__(self) -> None:
        self.items: list[str] = []

    def step(self, value: Value) -> None:
        self.items.append("null" if value is None else _text(value))

    def finalize(self) -> str | None:
        return "[" + ",".join(self.items) + "]" if self.items else None


class ObjectAgg:
    """JSON_OBJECTAGG: MariaDB writes `"k":v` pairs joined with ', '."""

    def __init__(self) -> None:
        self.items: list[str] = []

    def step(self, key: Value, value: Value) -> None:
        if key is None:
            return
        name = key.decode("utf-8", "replace") if isinstance(key, bytes) else str(key)
        member = "null" if value is None else _text(value)
        self.items.append(f"{_quote(name)}:{member}")

    def finalize(self) -> str | None:
        return "{" + ", ".join(self.items) + "}" if self.items else None


SCALARS: list[tuple[str, int, Callable[..., Any]]] = [
    ("jasmine_json_format", 1, json_format),
    ("jasmine_json_value", 1, json_value),
    ("jasmine_json_value", 2, json_value),
    ("jasmine_json_doc", 1, json_doc),
    ("jasmine_json_type", 1, json_type),
    ("jasmine_json_valid", 1, json_valid),
    ("jasmine_json_length", 1, json_length),
    ("jasmine_json_depth", 1, json_depth),
    ("jasmine_json_keys", 1, json_keys),
    ("jasmine_json_quote", 1, json_quote),
    ("jasmine_json_compact", 1, json_compact),
    ("jasmine_json_detailed", 1, json_detailed),
    ("jasmine_json_scalar", 1, json_scalar),
    ("jasmine_json_query", 1, json_query),
    ("jasmine_json_merge", -1, json_merge),
]
AGGREGATES: list[tuple[str, int, type]] = [
    ("jasmine_json_arrayagg", 1, ArrayAgg),
    ("jasmine_json_objectagg", 2, ObjectAgg),
]
