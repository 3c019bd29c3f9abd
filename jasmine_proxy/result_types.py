"""MySQL result-column types for the embedded backend, and values encoded to match them.

SQLite results carry no types a MySQL driver could use, so each SELECT's columns are typed from
the MySQL statement: sqlglot's optimizer (qualify + annotate_types) with a schema built from
the tables' MySQL definitions gives the type of every projection; MySQL's own rules are then
applied where they differ (SUM of integers is DECIMAL, AVG adds 4 decimals, division is
DECIMAL). What cannot be typed that way is typed from its values (int, float, text, bytes).

DECIMAL results are formatted at their scale from the stored value, a double's shortest
representation or a wide DECIMAL's exact text (see `sqlite_decimal`), so drivers get
`Decimal('0.30')`.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Context, Decimal, localcontext
from typing import Any

from sqlglot import exp
from sqlglot.optimizer.annotate_types import annotate_types
from sqlglot.optimizer.qualify import qualify
from sqlglot.schema import MappingSchema

from jasmine_proxy.errors import BackendRejected
from jasmine_proxy.mysql_functions import mysql_name
from jasmine_proxy.sqlite_db import exact, parse_datetime
from jasmine_proxy.sqlite_json import double_text
from jasmine_proxy.translate import interval_first, json_function_name

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
LONG_BLOB, MEDIUM_BLOB = 251, 250
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


@dataclass
class Ok:
    """An OK packet's contents."""

    affected_rows: int = 0
    last_insert_id: int = 0
    info: str = ""
    warnings: int = 0


@dataclass
class Rows:
    """A result set: column names with their MySQL types, and rows of driver-ready values."""

    columns: list[tuple[str, ColumnType]]
    rows: list[tuple[Any, ...]] = field(default_factory=list)


Outcome = Ok | Rows


def _from_datatype(t: exp.DataType, column: bool = False) -> ColumnType | None:
    """A sqlglot type as a MySQL result type; `column`: the type of a table's column (TEXT is
    then MySQL's BLOB-with-charset, as MariaDB reports TEXT columns)."""
    name = t.this.name if hasattr(t.this, "name") else str(t.this)
    if name in ("UNKNOWN", "NULL"):
        return None
    if name in ("DECIMAL", "UDECIMAL", "BIGDECIMAL"):
        params = [
            p.this.name if isinstance(p, exp.DataTypeParam) else str(p) for p in t.expressions
        ]
        return ColumnType(DECIMAL, int(params[1]) if len(params) > 1 else 0)
    if name in ("TEXT", "MEDIUMTEXT", "LONGTEXT", "TINYTEXT"):
        return ColumnType(BLOB) if column else ColumnType(VAR_STRING)
    if name in ("CHAR", "NCHAR"):
        return ColumnType(STRING) if column else ColumnType(VAR_STRING)
    if name in ("VARCHAR", "NVARCHAR", "ENUM", "SET"):
        return ColumnType(STRING if name in ("ENUM", "SET") else VAR_STRING)
    ints = {"TINYINT": TINY, "SMALLINT": SHORT, "MEDIUMINT": INT24, "INT": LONG}
    if name.lstrip("U") in ints:
        return ColumnType(ints[name.lstrip("U")])
    if name in ("BIGINT", "UBIGINT"):
        return ColumnType(LONGLONG)
    if name in ("DOUBLE", "FLOAT"):
        return ColumnType(DOUBLE if name == "DOUBLE" else FLOAT, 31)
    if name == "BOOLEAN":
        return ColumnType(TINY if column else LONG)
    simple = {
        "DATE": DATE,
        "DATETIME": DATETIME,
        "TIMESTAMP": TIMESTAMP,
        "TIMESTAMPTZ": TIMESTAMP,
        "TIME": TIME,
        "YEAR": YEAR,
    }
    if name in simple:
        return ColumnType(simple[name])
    if name in ("BLOB", "TINYBLOB", "MEDIUMBLOB", "LONGBLOB"):
        return ColumnType(BLOB, binary=True)
    if name in ("VARBINARY", "BINARY"):
        return ColumnType(VAR_STRING if name == "VARBINARY" else STRING, binary=True)
    return None


def infer(
    select: exp.Expression,
    schema: dict[str, Any],
    database: str | None,
    user_types: dict[str, ColumnType] | None = None,
) -> list[ColumnType | None]:
    """Types of a MySQL query's projections (None where unknown); [] if it cannot be typed.

    `user_types`: the MySQL types of the session's @variables (unset ones are LONG_BLOB)."""
    token = _USER_TYPES.set(user_types or {})
    try:
        return _infer(select, schema, database)
    finally:
        _USER_TYPES.reset(token)


def _infer(
    select: exp.Expression, schema: dict[str, Any], database: str | None
) -> list[ColumnType | None]:
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
    token = _DERIVED.set(_derived_tables(annotated))
    try:
        return _projection_types(annotated)
    except RecursionError:  # derived tables naming each other in circles
        return []
    finally:
        _DERIVED.reset(token)


def _derived_tables(query: exp.Expression) -> dict[str, exp.Query]:
    """Alias -> query of every derived table and CTE: their columns are typed by MySQL's
    rules for the query's projections (sqlglot's own types for SUM and such differ)."""
    out: dict[str, exp.Query] = {}
    for cte in query.find_all(exp.CTE):
        if isinstance(cte.this, exp.Query):
            out[cte.alias_or_name] = cte.this
    for sub in query.find_all(exp.Subquery):
        if sub.alias and isinstance(sub.this, exp.Query):
            out[sub.alias] = sub.this
    return out


def _projection_types(annotated: exp.Expression) -> list[ColumnType | None]:
    if isinstance(annotated, exp.SetOperation):
        branches = _branches(annotated)
        typed = [[mysql_type(p) for p in b.selects] for b in branches]  # type: ignore[arg-type]
        width = len(annotated.selects)
        if not typed or any(len(t) != width for t in typed):
            return []
        return [_merge([t[i] for t in typed]) for i in range(width)]
    if not isinstance(annotated, exp.Query):
        return []
    return [mysql_type(p) for p in annotated.selects]  # type: ignore[arg-type]


def _branches(node: exp.Expression) -> list[exp.Select]:
    """The SELECTs of a UNION/INTERSECT/EXCEPT, left to right."""
    if isinstance(node, exp.SetOperation):
        return _branches(node.this) + _branches(node.expression)
    if isinstance(node, exp.Subquery):
        return _branches(node.this)
    return [node] if isinstance(node, exp.Select) else []


_DERIVED: ContextVar[dict[str, exp.Query]] = ContextVar("derived", default={})  # noqa: B039
_USER_TYPES: ContextVar[dict[str, ColumnType]] = ContextVar("user_types", default={})  # noqa: B039

_INT_CODES = (TINY, SHORT, LONG, LONGLONG, INT24, YEAR)
_DATE_PARTS = {
    exp.Year, exp.Month, exp.Day, exp.Hour, exp.Minute, exp.Second, exp.DayOfWeek,
    exp.DayOfMonth, exp.DayOfYear, exp.Quarter, exp.Week, exp.DateDiff,
}  # fmt: skip
_LONG_NAMES = {"FIELD", "YEAR", "MONTH", "DAY", "HOUR", "MINUTE", "SECOND", "DAYOFWEEK", "WEEKDAY",
               "DAYOFYEAR", "QUARTER", "WEEK", "DAYOFMONTH", "CRC32", "SIGN",
               "DATEDIFF"}  # fmt: skip
_LONGLONG_NAMES = {"UNIX_TIMESTAMP", "LAST_INSERT_ID", "TIMESTAMPDIFF",
                   "FOUND_ROWS", "ROW_COUNT"}  # fmt: skip
#: functions whose result is text even when every row is NULL (typed from values otherwise)
_TEXT_NAMES = {"CONV", "ELT", "REGEXP_SUBSTR", "BIN", "OCT", "TO_BASE64"}
#: sqlite_functions' results, as MariaDB types them
_FUNCTION_TYPES = {
    "REGEXP_REPLACE": ColumnType(LONG_BLOB),
    "UNHEX": ColumnType(VAR_STRING, binary=True),
    "FROM_BASE64": ColumnType(VAR_STRING, binary=True),
    **dict.fromkeys(("STRCMP", "REGEXP_INSTR", "ORD", "OCTET_LENGTH", "MICROSECOND", "SLEEP"),
                    ColumnType(LONG)),
    **dict.fromkeys(("BIT_LENGTH", "TIME_TO_SEC"), ColumnType(LONGLONG)),
    "COT": ColumnType(DOUBLE, 31),
    "SEC_TO_TIME": ColumnType(TIME),
    "MAKEDATE": ColumnType(DATE),
}  # fmt: skip
_DATETIME_NAMES = {"NOW", "SYSDATE", "LOCALTIME", "LOCALTIMESTAMP", "UTC_TIMESTAMP"}
_BIT_OPERATIONS = (exp.BitwiseXor, exp.BitwiseAnd, exp.BitwiseOr, exp.BitwiseNot,
                   exp.BitwiseLeftShift, exp.BitwiseRightShift)  # fmt: skip
_PREDICATES = (exp.Predicate, exp.Connector, exp.Not, exp.Exists, exp.Boolean)


def _merge(types: list[ColumnType | None]) -> ColumnType | None:
    """The type of IF/CASE/COALESCE branches: MySQL's aggregation of result types."""
    known = [t for t in types if t is not None and t.code != NULL]
    if not known:
        return ColumnType(NULL)
    codes = {t.code for t in known}
    if codes <= set(_INT_CODES):
        return ColumnType(LONGLONG if LONGLONG in codes else LONG)
    if codes <= set(_INT_CODES) | {DECIMAL}:
        return ColumnType(DECIMAL, max(t.decimals for t in known))
    if codes <= set(_INT_CODES) | {DECIMAL, DOUBLE, FLOAT}:
        return ColumnType(DOUBLE, 31)
    if len(codes) == 1:
        return known[0]
    return TEXT_TYPE


def _arith(
    node: exp.Expression, left: ColumnType | None, right: ColumnType | None
) -> ColumnType | None:
    if left is None or right is None:
        return None
    if NULL in (left.code, right.code):
        return ColumnType(DOUBLE, 31)
    if left.code in (DOUBLE, FLOAT) or right.code in (DOUBLE, FLOAT):
        return ColumnType(DOUBLE, 31)
    texts = (VAR_STRING, STRING, BLOB, LONG_BLOB)  # (LONG_BLOB: a user variable's text)
    if left.code in texts or right.code in texts:
        return ColumnType(DOUBLE, 31)
    if DECIMAL in (left.code, right.code):
        a, b = left.decimals, right.decimals
        scale = a + b if isinstance(node, exp.Mul) else max(a, b)
        return ColumnType(DECIMAL, scale)
    if left.code in _INT_CODES and right.code in _INT_CODES:
        literal = all(isinstance(x, (exp.Literal, exp.Neg)) for x in (node.this, node.expression))
        small = literal and LONGLONG not in (left.code, right.code)
        return ColumnType(LONG if small else LONGLONG)
    if left.code in (DATE, DATETIME, TIMESTAMP) or right.code in (DATE, DATETIME, TIMESTAMP):
        return ColumnType(LONGLONG)
    return None


def _date_shift(base: exp.Expression, unit: str) -> ColumnType:
    """DATE_ADD & co.: a string in, a string out (MySQL); DATE stays DATE for day units."""
    t = mysql_type(base)
    if t is None or t.code in (VAR_STRING, STRING, BLOB):
        return ColumnType(STRING)
    if t.code == DATE and unit.upper() in ("DAY", "WEEK", "MONTH", "QUARTER", "YEAR"):
        return ColumnType(DATE)
    return ColumnType(DATETIME)


def mysql_type(node: exp.Expression) -> ColumnType | None:
    """MySQL's result type for an expression of a qualified, annotated query."""
    while isinstance(node, (exp.Alias, exp.Paren)):
        node = node.this
    if isinstance(node, exp.Literal):
        text = node.this
        if node.is_string:
            return TEXT_TYPE
        if re.fullmatch(r"\d+", text):  # past BIGINT UNSIGNED, MySQL reads a DECIMAL
            if int(text) >= 2**64:
                return ColumnType(DECIMAL, 0)
            return ColumnType(LONG if int(text) < 2**31 else LONGLONG)
        if re.fullmatch(r"\d*\.\d*", text):
            return ColumnType(DECIMAL, len(text.split(".")[1]))
        return ColumnType(DOUBLE, 31)
    if isinstance(node, exp.Null):
        return ColumnType(NULL)
    if isinstance(node, exp.HexString):
        return ColumnType(VAR_STRING, binary=True)
    if isinstance(node, exp.BitwiseCount):
        return ColumnType(LONG)
    if isinstance(node, _BIT_OPERATIONS):  # unsigned 64-bit on MySQL
        return ColumnType(LONGLONG)
    if isinstance(node, _PREDICATES):
        return ColumnType(LONG)
    if isinstance(node, exp.Neg):
        inner = node.this
        if isinstance(inner, exp.Literal) and inner.is_int and int(inner.this) > 2**63:
            return ColumnType(DECIMAL, 0)  # -9223372036854775809 is a DECIMAL
        return mysql_type(node.this)
    if isinstance(node, exp.Column):
        derived = _DERIVED.get().get(node.table)
        if derived is not None and node.table:
            inner = next((p for p in derived.selects if p.alias_or_name == node.name), None)
            if inner is not None and inner is not node:
                return mysql_type(inner)  # type: ignore[arg-type]
        return _from_datatype(node.type, column=True) if node.type else None
    if isinstance(node, (exp.Add, exp.Sub)):
        base, interval = interval_first(node)
        if isinstance(interval, exp.Interval):
            return _date_shift(base, interval.text("unit") or "DAY")
        if isinstance(base, exp.Interval) and isinstance(node, exp.Add):
            return _date_shift(interval, base.text("unit") or "DAY")
    if isinstance(node, (exp.Add, exp.Sub, exp.Mul)):
        return _arith(node, mysql_type(node.this), mysql_type(node.expression))
    if isinstance(node, exp.Div):
        left = mysql_type(node.this)
        right = mysql_type(node.expression)
        if left is None or right is None:
            return None
        if left.code in (DOUBLE, FLOAT) or right.code in (DOUBLE, FLOAT):
            return ColumnType(DOUBLE, 31)
        return ColumnType(DECIMAL, left.decimals + 4)
    if isinstance(node, (exp.IntDiv, exp.Mod)):
        left = mysql_type(node.this)
        if left is not None and left.code == DECIMAL and isinstance(node, exp.Mod):
            return left
        return ColumnType(LONG)
    if isinstance(node, exp.Window):
        return mysql_type(node.this)
    if isinstance(node, exp.Count):
        return ColumnType(LONGLONG)
    if isinstance(node, (exp.Sum, exp.Avg)):
        arg = mysql_type(node.this)
        if arg is None:
            return None
        if arg.code in (DOUBLE, FLOAT, VAR_STRING, STRING, BLOB):
            return ColumnType(DOUBLE, 31)
        scale = arg.decimals if arg.code == DECIMAL else 0
        return ColumnType(DECIMAL, scale + (4 if isinstance(node, exp.Avg) else 0))
    if isinstance(node, (exp.Min, exp.Max, exp.Abs)):
        return mysql_type(node.this)
    if isinstance(node, exp.Round):
        arg = mysql_type(node.this)
        places = node.args.get("decimals")
        if arg is not None and arg.code in (DOUBLE, FLOAT):
            return arg
        if arg is not None and arg.code in (VAR_STRING, STRING, BLOB):  # read as a double
            return ColumnType(DOUBLE, 31)
        n = int(places.name) if isinstance(places, exp.Literal) else 0
        if isinstance(places, exp.Neg) and isinstance(places.this, exp.Literal):
            n = -int(places.this.name)
        if arg is not None and arg.code in _INT_CODES:  # a negative place widens a column
            widened = n < 0 and not isinstance(node.this, (exp.Literal, exp.Neg))
            return ColumnType(LONGLONG) if widened else arg
        return ColumnType(DECIMAL, max(n, 0))
    if isinstance(node, exp.Trunc):
        places = node.args.get("decimals")
        n = int(places.name) if isinstance(places, exp.Literal) else 0
        return ColumnType(DECIMAL, max(n, 0))
    if isinstance(node, (exp.Floor, exp.Ceil)):
        arg = mysql_type(node.this)
        if arg is not None and arg.code in (DOUBLE, FLOAT):
            return arg
        return ColumnType(LONG)
    if isinstance(node, (exp.If, exp.Case, exp.Coalesce, exp.Nullif, exp.Greatest, exp.Least)):
        branches: list[exp.Expression] = []
        if isinstance(node, exp.If):
            branches = [node.args["true"], node.args.get("false") or exp.Null()]
        elif isinstance(node, exp.Case):
            branches = [i.args["true"] for i in node.args.get("ifs") or []]
            branches.append(node.args.get("default") or exp.Null())
        elif isinstance(node, exp.Nullif):
            branches = [node.this]
        else:
            branches = [node.this, *node.expressions]
        return _merge([mysql_type(b) for b in branches])
    if isinstance(node, exp.Cast):
        return _cast_type(node)
    if type(node) in _DATE_PARTS:
        return ColumnType(LONG)
    if isinstance(node, (exp.CurrentTimestamp, exp.Localtime, exp.UtcTimestamp)):
        return ColumnType(DATETIME)
    if isinstance(node, exp.CurrentDate):
        return ColumnType(DATE)
    if isinstance(node, exp.CurrentTime):
        return ColumnType(TIME)
    if isinstance(node, (exp.DateAdd, exp.DateSub)):
        return _date_shift(node.this, node.text("unit") or "DAY")
    if isinstance(node, (exp.TsOrDsToDate, exp.Date)):
        return ColumnType(DATE)
    if isinstance(node, exp.UnixToTime):
        return TEXT_TYPE if node.args.get("format") else ColumnType(DATETIME)
    if isinstance(node, (exp.StrToUnix, exp.TimeToUnix, exp.TimestampDiff)):
        return ColumnType(LONGLONG)
    if isinstance(node, (exp.StrToDate, exp.StrToTime)):
        fmt = node.text("format")
        has_time = any(d in fmt for d in ("%H", "%M", "%S", "%I", "%i", "%s"))
        return ColumnType(DATETIME if has_time else DATE)
    if isinstance(node, exp.Chr):  # CHAR(65, 66): a binary string
        return ColumnType(VAR_STRING, binary=True)
    if isinstance(node, exp.Hex):  # of a BLOB: as long as MariaDB makes it, MEDIUM_BLOB
        arg = mysql_type(node.this)
        return ColumnType(MEDIUM_BLOB) if arg and arg.code == BLOB and arg.binary else TEXT_TYPE
    if isinstance(node, (exp.Concat, exp.ConcatWs)):  # of a user variable's text: LONG_BLOB
        args = [mysql_type(a) for a in node.expressions]
        if any(a is not None and a.code == LONG_BLOB for a in args):
            return ColumnType(LONG_BLOB)
        return TEXT_TYPE
    if isinstance(node, exp.GroupConcat):
        return ColumnType(BLOB)
    if isinstance(node, (exp.Subquery,)) and isinstance(node.this, exp.Query):
        selects = node.this.selects
        return mysql_type(selects[0]) if len(selects) == 1 else None  # type: ignore[arg-type]
    json_name = json_function_name(node)
    if json_name is not None:
        return _json_type(json_name, node)
    if isinstance(node, exp.Func) and not isinstance(node, exp.Anonymous):
        named = mysql_name(node.sql_name())  # sqlglot's classes of sqlite_functions' names
        if named in _TEXT_NAMES:
            return TEXT_TYPE
        if named in _FUNCTION_TYPES:
            return _FUNCTION_TYPES[named]
    if isinstance(node, exp.Anonymous):
        name = node.name.upper()
        if name in _LONG_NAMES or name == "CONNECTION_ID":
            return ColumnType(LONG)
        if name in _LONGLONG_NAMES:
            return ColumnType(LONGLONG)
        if name in _DATETIME_NAMES:
            return ColumnType(DATETIME)
        if name in _TEXT_NAMES:
            return TEXT_TYPE
        if name in _FUNCTION_TYPES:
            return _FUNCTION_TYPES[name]
        if name in ("CURDATE",):
            return ColumnType(DATE)
        if name in ("CURTIME",):
            return ColumnType(TIME)
        return None
    if isinstance(node, exp.Parameter):  # @var: as it was set; never set: LONG_BLOB
        return _USER_TYPES.get().get(node.name.lower(), ColumnType(LONG_BLOB))
    if isinstance(node, exp.PropertyEQ):  # @var := expr
        return mysql_type(node.expression)
    if isinstance(node, exp.SessionParameter):
        return None
    typed = _from_datatype(node.type) if node.type else None
    return typed


_JSON_TYPES = {
    **dict.fromkeys(("JSON_VALID", "JSON_LENGTH", "JSON_DEPTH", "JSON_CONTAINS",
                     "JSON_CONTAINS_PATH", "JSON_EXISTS"), ColumnType(LONG)),
    **dict.fromkeys(("JSON_DETAILED", "JSON_PRETTY"), ColumnType(LONG_BLOB)),
    **dict.fromkeys(("JSON_ARRAYAGG", "JSON_OBJECTAGG"), ColumnType(BLOB)),
}  # fmt: skip


def _json_type(name: str, node: exp.Expression) -> ColumnType:
    """MariaDB's type of a JSON function: text (of a TEXT column's document: MEDIUM_BLOB's
    code, as its length is), a count, JSON_DETAILED's LONG_BLOB, the aggregates' BLOB."""
    if name in _JSON_TYPES:
        return _JSON_TYPES[name]
    document = node.this if not isinstance(node, exp.Anonymous) else None
    if document is None and isinstance(node, exp.Anonymous) and node.expressions:
        document = node.expressions[0]
    if isinstance(document, exp.Column):
        typed = mysql_type(document)
        if typed is not None and typed.code in (BLOB, MEDIUM_BLOB, LONG_BLOB):
            return ColumnType(MEDIUM_BLOB)
    return TEXT_TYPE


def _short_literal(node: exp.Expression) -> bool:
    """A literal MySQL's CAST AS SIGNED types LONG: fewer than 11 characters written, not
    a double (NULL and hex literals too)."""
    if isinstance(node, (exp.Null, exp.HexString)):
        return True
    negated = isinstance(node, exp.Neg)
    literal = node.this if negated else node
    if not isinstance(literal, exp.Literal):
        return False
    if not literal.is_string and "e" in literal.this.lower():
        return False
    return len(literal.this) + negated < 11


def _cast_type(node: exp.Cast) -> ColumnType | None:
    to = node.args["to"]
    name = to.this.name if hasattr(to.this, "name") else str(to.this)
    if name in ("DECIMAL",):
        params = [p.this.name for p in to.expressions if isinstance(p, exp.DataTypeParam)]
        return ColumnType(DECIMAL, int(params[1]) if len(params) > 1 else 0)
    if name in ("BIGINT", "INT") and _short_literal(node.this):
        return ColumnType(LONG)
    if name in ("BIGINT", "UBIGINT", "INT", "UINT"):
        return ColumnType(LONGLONG)
    if name in ("CHAR", "VARCHAR", "TEXT", "NCHAR"):
        return TEXT_TYPE
    if name in ("BINARY", "VARBINARY", "BLOB"):
        return ColumnType(VAR_STRING, binary=True)
    if name in ("TIMESTAMPTZ", "TIMESTAMP", "TIMESTAMPLTZ"):  # TIMESTAMP'...' is a DATETIME
        return ColumnType(DATETIME)
    return _from_datatype(to)


def variable_type(t: ColumnType) -> ColumnType:
    """The type a user variable keeps: integers are BIGINT, strings LONG_BLOB (as MySQL)."""
    if t.code in _INT_CODES:
        return ColumnType(LONGLONG)
    if t.code in (VAR_STRING, STRING, BLOB) and not t.binary:
        return ColumnType(LONG_BLOB)
    return t


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


#: zero at each scale, without the sign a negative value rounded to zero keeps
_ZERO = [Decimal(0).scaleb(-n) for n in range(100)]


def converter(t: ColumnType) -> Callable[[Any], Any] | None:
    """A fast `convert` for a whole column of type `t`; None when values pass unchanged
    except in rare cases that `convert` itself handles."""
    if t.code in (TINY, SHORT, LONG, LONGLONG, INT24, YEAR):
        return lambda v: v if v is None or type(v) is int else convert(v, t)
    if t.code in (VAR_STRING, STRING, BLOB) and not t.binary:
        return lambda v: v if v is None or type(v) is str else convert(v, t)
    if t.code == DECIMAL and t.decimals >= 0:
        quantum = Decimal(1).scaleb(-t.decimals)
        context = Context(prec=96, rounding=ROUND_HALF_UP)

        def decimal(v: Any) -> Any:
            if v is None:
                return None
            if type(v) is float:  # (-0.0005 at scale 2 is 0.00, never -0.00)
                return Decimal(repr(v)).quantize(quantum, context=context) or _ZERO[t.decimals]
            if type(v) is int:
                return Decimal(v).quantize(quantum, context=context)
            if type(v) is str:  # a wide DECIMAL's exact text
                try:
                    return Decimal(v).quantize(quantum, context=context) or _ZERO[t.decimals]
                except ArithmeticError:
                    pass
            return convert(v, t)

        return decimal
    return lambda v: convert(v, t)


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
            if t.decimals < 0:
                return d
            with localcontext() as ctx:
                ctx.prec = 96
                d = d.quantize(Decimal(1).scaleb(-t.decimals), rounding=ROUND_HALF_UP)
                return d or _ZERO[t.decimals]
        return value
    if code in (TINY, SHORT, LONG, LONGLONG, INT24, YEAR):
        if isinstance(value, float):
            if not -(2**63) <= value < 2**64:  # SQLite's integer overflow gave a double
                raise BackendRejected("BIGINT value is out of range", 1690, "22003")
            return int(value) if value == int(value) else Decimal(repr(value))
        if isinstance(value, (str, bytes)):
            try:
                return int(exact(value))
            except (ArithmeticError, ValueError):
                return value
        return value
    if code in (DOUBLE, FLOAT):
        if isinstance(value, str):  # an exact aggregate's text (sqlite_decimal.value)
            try:
                return float(value)
            except ValueError:
                return value
        if isinstance(value, float) and not math.isfinite(value):  # 1e308 * 10
            raise BackendRejected("DOUBLE value is out of range", 1690, "22003")
        return float(value) if isinstance(value, (int, float)) else value
    if code in (DATETIME, TIMESTAMP):
        moment = parse_datetime(value) if isinstance(value, (str, bytes)) else None
        return moment if moment is not None else value
    if code == DATE:
        moment = parse_datetime(value) if isinstance(value, (str, bytes)) else None
        return moment.date() if isinstance(moment, datetime) else value
    if t.binary:
        return value if isinstance(value, bytes) else str(value).encode()
    if isinstance(value, float):  # a double as text: MariaDB's way of writing it
        return double_text(value)
    return value


__all__ = ["ColumnType", "convert", "date", "from_mysql_type", "from_value", "infer"]
