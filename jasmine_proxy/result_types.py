"""MySQL result-column types for the embedded backend, and values encoded to match them.

SQLite results carry no types a MySQL driver could use, so each SELECT's columns are typed from
the MySQL statement: sqlglot's optimizer (qualify + annotate_types) with a schema built from
the tables' MySQL definitions gives the type of every projection; MySQL's own rules are then
applied where they differ (SUM of integers is DECIMAL, AVG adds 4 decimals, division is
DECIMAL). What cannot be typed that way is typed from its values (int, float, text, bytes).

DECIMAL results are formatted at their scale from the stored double's shortest representation
(see `translate` for why that is exact), so drivers get `Decimal('0.30')`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlglot import exp
from sqlglot.optimizer.annotate_types import annotate_types
from sqlglot.optimizer.qualify import qualify
from sqlglot.schema import MappingSchema

from jasmine_proxy.sqlite_db import exact, parse_datetime

# MySQL column type codes (protocol constants)
DECIMAL, TINY, SHORT, LONG, FLOAT, DOUBLE, NULL, TIMESTAMP, LONGLONG, INT24 = (
    246,
    1,
    2,
    3,
    4,
    5,
    6,
    7,
    8,
    9,
)
DATE, TIME, DATETIME, YEAR, BLOB, VAR_STRING, STRING = 10, 11, 12, 13, 252, 253, 254
BINARY_CHARSET, UTF8MB4 = 63, 45


@dataclass(frozen=True)
class ColumnType:
    """A result column's MySQL type: code, decimals (scale), and whether it is binary."""

    code: int
    decimals: int = 0
    binary: bool = False


TEXT_TYPE = ColumnType(VAR_STRING)

_BY_NAME = {
    "tinyint": TINY,
    "smallint": SHORT,
    "mediumint": INT24,
    "int": LONG,
    "bigint": LONGLONG,
    "double": DOUBLE,
    "float": FLOAT,
    "date": DATE,
    "datetime": DATETIME,
    "timestamp": TIMESTAMP,
    "time": TIME,
    "year": YEAR,
    "varchar": VAR_STRING,
    "char": STRING,
    "enum": STRING,
    "set": STRING,
}


def from_mysql_type(mysql: str) -> ColumnType:
    """The result type of a column declared as `mysql` (`decimal(10,2)`, `varchar(5)`)."""
    base = mysql.split("(")[0].split()[0].lower()
    if base == "decimal":
        m = re.search(r"\(\s*\d+\s*,\s*(\d+)\s*\)", mysql)
        return ColumnType(DECIMAL, int(m.group(1)) if m else 0)
    if base in ("blob", "tinyblob", "mediumblob", "longblob"):
        return ColumnType(BLOB, binary=True)
    if base in ("binary", "varbinary"):
        return ColumnType(VAR_STRING if base == "varbinary" else STRING, binary=True)
    if base in ("text", "tinytext", "mediumtext", "longtext"):
        return ColumnType(BLOB)
    return ColumnType(_BY_NAME.get(base, VAR_STRING), 31 if base in ("double", "float") else 0)


def _from_datatype(t: exp.DataType) -> ColumnType | None:
    name = t.this.name if hasattr(t.this, "name") else str(t.this)
    if name in ("UNKNOWN", "NULL"):
        return None
    if name in ("DECIMAL", "UDECIMAL", "BIGDECIMAL"):
        params = [
            p.this.name if isinstance(p, exp.DataTypeParam) else str(p) for p in t.expressions
        ]
        return ColumnType(DECIMAL, int(params[1]) if len(params) > 1 else 0)
    if name in ("TEXT", "VARCHAR", "CHAR", "NCHAR", "NVARCHAR"):
        return ColumnType(VAR_STRING)
    ints = {"TINYINT": TINY, "SMALLINT": SHORT, "MEDIUMINT": INT24, "INT": LONG}
    if name.lstrip("U") in ints:
        return ColumnType(ints[name.lstrip("U")])
    if name in ("BIGINT", "UBIGINT"):
        return ColumnType(LONGLONG)
    if name in ("DOUBLE", "FLOAT"):
        return ColumnType(DOUBLE if name == "DOUBLE" else FLOAT, 31)
    if name == "BOOLEAN":
        return ColumnType(LONG)
    simple = {
        "DATE": DATE,
        "DATETIME": DATETIME,
        "TIMESTAMP": TIMESTAMP,
        "TIMESTAMPTZ": TIMESTAMP,
        "TIME": TIME,
    }
    if name in simple:
        return ColumnType(simple[name])
    if name in ("BLOB", "VARBINARY", "BINARY"):
        return ColumnType(BLOB, binary=True)
    return None


def infer(
    select: exp.Expression, schema: dict[str, Any], database: str | None
) -> list[ColumnType | None]:
    """Types of a MySQL query's projections (None where unknown); [] if it cannot be typed."""
    try:
        mapping = MappingSchema(schema, dialect="mysql")
        q = qualify(
            select.copy(),
            schema=mapping,
            dialect="mysql",
            db=database,
            validate_qualify_columns=False,
            quote_identifiers=False,
        )
        annotated = annotate_types(q, schema=mapping, dialect="mysql")
    except Exception:  # sqlglot cannot type it: the values will
        return []
    if not isinstance(annotated, exp.Query):
        return []
    out: list[ColumnType | None] = []
    for projection in annotated.selects:
        out.append(_mysql_rules(projection))  # type: ignore[arg-type]
    return out


def _mysql_rules(projection: exp.Expression) -> ColumnType | None:
    node = projection.unalias() if isinstance(projection, exp.Alias) else projection
    inner = node.this if isinstance(node, (exp.Sum, exp.Avg)) else None
    typed = _from_datatype(node.type) if node.type else None
    if isinstance(node, exp.Count):
        return ColumnType(LONGLONG)
    if isinstance(node, (exp.Sum, exp.Avg)) and inner is not None and inner.type:
        arg = _from_datatype(inner.type)
        if arg is None:
            return None
        if arg.code in (DOUBLE, FLOAT):
            return ColumnType(DOUBLE, 31)
        scale = arg.decimals if arg.code == DECIMAL else 0
        return ColumnType(DECIMAL, scale + (4 if isinstance(node, exp.Avg) else 0))
    if isinstance(node, exp.Div):
        left = _from_datatype(node.this.type) if node.this.type else None
        if left and left.code in (DOUBLE, FLOAT):
            return ColumnType(DOUBLE, 31)
        return ColumnType(DECIMAL, (left.decimals if left else 0) + 4)
    if isinstance(node, exp.Literal) and not node.is_string:
        text = node.this
        if re.fullmatch(r"\d+", text):
            return ColumnType(LONG if int(text) < 2**31 else LONGLONG)
        if re.fullmatch(r"\d*\.\d+", text):
            return ColumnType(DECIMAL, len(text.split(".")[1]))
        return ColumnType(DOUBLE, 31)
    if isinstance(node, exp.Literal):
        return TEXT_TYPE
    return typed


def from_value(value: Any) -> ColumnType:
    if isinstance(value, bool):
        return ColumnType(LONG)
    if isinstance(value, int):
        return ColumnType(LONGLONG)
    if isinstance(value, float):
        return ColumnType(DOUBLE, 31)
    if isinstance(value, bytes):
        return ColumnType(BLOB, binary=True)
    return TEXT_TYPE


def convert(value: Any, t: ColumnType) -> Any:
    """A SQLite value as the Python value a MySQL driver would get for type `t`.

    The text protocol sends `str(value)`, so this is also what fixes the text on the wire.
    """
    if value is None:
        return None
    code = t.code
    if code == DECIMAL:
        if isinstance(value, (int, float, str, bytes)):
            try:
                d = exact(value)
            except ArithmeticError:
                return value
            return d.quantize(Decimal(1).scaleb(-t.decimals)) if t.decimals >= 0 else d
        return value
    if code in (TINY, SHORT, LONG, LONGLONG, INT24, YEAR):
        if isinstance(value, float):
            return int(value) if value == int(value) else Decimal(repr(value))
        if isinstance(value, (str, bytes)):
            try:
                return int(exact(value))
            except (ArithmeticError, ValueError):
                return value
        return value
    if code in (DOUBLE, FLOAT):
        return float(value) if isinstance(value, (int, float)) else value
    if code in (DATETIME, TIMESTAMP):
        moment = parse_datetime(value) if isinstance(value, (str, bytes)) else None
        return moment if moment is not None else value
    if code == DATE:
        moment = parse_datetime(value) if isinstance(value, (str, bytes)) else None
        return moment.date() if isinstance(moment, datetime) else value
    if t.binary:
        return value if isinstance(value, bytes) else str(value).encode()
    if isinstance(value, float):
        return repr(value) if value != int(value) or abs(value) >= 1e15 else str(int(value))
    return value


__all__ = ["ColumnType", "convert", "date", "from_mysql_type", "from_value", "infer"]
