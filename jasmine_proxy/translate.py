"""MySQL-dialect statements as SQLite statements, for the embedded backend. Pure: no I/O.

`to_sqlite(sql, database)` takes one MySQL statement (text or a parsed sqlglot expression) and
the session's current database, and returns the SQLite statement(s) that do the same on the
embedded file. sqlglot does most of the dialect work; this module adds what it does not do:

* names: MySQL database `db` and table `t` are ONE SQLite table named `db.t` (`sqlite_name`);
  a table that names no database uses the current one, and with none selected it is MySQL's
  1046. The table keeps its MySQL name as alias, so `t.col` still resolves. Database names
  containing a dot are refused (1235). `information_schema.X` is the temporary table
  `information_schema.x` that the engine fills before such a query; `seq_1_to_N` is MariaDB's
  sequence table, produced by a recursive CTE.
* functions: NOW/CURDATE/DATE_FORMAT/DATE_ADD/INTERVAL arithmetic/UNIX_TIMESTAMP/FROM_UNIXTIME/
  DATE/ROUND/TRUNCATE/SUM/AVG become the `jasmine_*` functions that `sqlite_db.connect`
  registers; LAST_INSERT_ID, DATABASE, CONNECTION_ID, USER, VERSION, `@var` and `@@var` become
  functions that the engine registers per client connection. FORMAT, CONV, ROUND of a double
  and HEX are `sqlite_numbers`'; JSON functions are SQLite's, their arguments and output
  written as MariaDB writes them (`sqlite_json`).
* statements: ON DUPLICATE KEY UPDATE (as an upsert, `VALUES(c)` as `excluded.c`), REPLACE,
  INSERT IGNORE, UPDATE/DELETE with ORDER BY/LIMIT (through rowid), CREATE TABLE (through
  `tabledef`, recording the MySQL definition in `jasmine_tables`), CREATE/DROP VIEW, DROP TABLE,
  CREATE DATABASE. Statements that need the catalog (ALTER TABLE, CREATE INDEX, DROP DATABASE,
  SHOW ...) are the engine's (`embedded`), and `to_sqlite` refuses them with 1235.

DECIMAL is exact up to MySQL's 65 digits (`sqlite_decimal`): a DECIMAL(p,s) column with
p <= 15 holds SQLite numbers (a double's shortest representation is the decimal written), a
wider one exact text with a numeric collation. DECIMAL arithmetic, comparisons of DECIMAL
expressions, CAST AS DECIMAL, MIN/MAX of expressions and ORDER BY such expressions (or a wide
column) become `jasmine_d*` functions computing with `decimal.Decimal`; SUM and AVG become
the exact aggregates `jasmine_sum`/`jasmine_avg`; a numeric literal with more significant
digits than a double holds is passed as text. A DECIMAL column compared with a column or a
literal stays SQLite's own comparison (indexes are used).

>>> to_sqlite("SELECT id FROM t WHERE price > 1.5 LIMIT 2", "shop")
['SELECT id FROM "shop.t" AS "t" WHERE price > 1.5 LIMIT 2']
>>> to_sqlite("SELECT SUM(price) FROM shop.orders o", None)
['SELECT JASMINE_SUM(price) FROM "shop.orders" AS o']
>>> sqlite_name("shop", "orders")
'shop.orders'
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import cast

import sqlglot
from sqlglot import ErrorLevel, exp
from sqlglot.errors import ParseError, UnsupportedError
from sqlglot.tokens import TokenType

from jasmine_proxy import tabledef
from jasmine_proxy.errors import GrammarError, JasmineError, UnsupportedStatement
from jasmine_proxy.mysql_functions import mysql_name, parameter_count
from jasmine_proxy.sqlite_json import double_text

INFORMATION_SCHEMA = "information_schema"
SEQUENCE = re.compile(r"seq_(\d+)_to_(\d+)(?:_step_(\d+))?$", re.IGNORECASE)


class NoDatabaseSelected(JasmineError):
    """A table named without a database while none is selected."""

    code = 1046  # ER_NO_DB_ERROR
    sqlstate = "3D000"

    def __init__(self) -> None:
        super().__init__("No database selected")


def unsupported(construct: str) -> UnsupportedStatement:
    return UnsupportedStatement(f"not supported on the embedded backend: {construct}")


def sqlite_name(database: str, table: str) -> str:
    """The SQLite table that holds MySQL's `database`.`table` (quote it as one identifier)."""
    if "." in database:
        raise unsupported(f"a database name containing a dot ({database!r})")
    return f"{database}.{table}"


def quote(name: str) -> str:
    """A SQLite identifier, double-quoted."""
    return '"' + name.replace('"', '""') + '"'


#: sql_mode flags that change what a statement means in ways the translation does not follow
#: (ANSI_QUOTES makes "x" a name, PIPES_AS_CONCAT makes || CONCAT, ...); the combinations
#: ANSI, ORACLE, DB2, MSSQL, POSTGRESQL and MAXDB include some of them
UNSUPPORTED_SQL_MODES = frozenset({
    "ANSI_QUOTES", "PIPES_AS_CONCAT", "NO_BACKSLASH_ESCAPES", "IGNORE_SPACE",
    "HIGH_NOT_PRECEDENCE", "NO_UNSIGNED_SUBTRACTION", "PAD_CHAR_TO_FULL_LENGTH",
    "EMPTY_STRING_IS_NULL", "SIMULTANEOUS_ASSIGNMENT", "ANSI", "ORACLE", "DB2", "MSSQL",
    "POSTGRESQL", "MAXDB",
})  # fmt: skip


def check_sql_mode(value: object) -> None:
    """SET sql_mode: 1235 for a mode the embedded backend would silently not honour."""
    modes = {m.strip().upper() for m in str(value or "").split(",")}
    refused = sorted(modes & UNSUPPORTED_SQL_MODES)
    if refused:
        raise unsupported(f"sql_mode {','.join(refused)}")


#: the versions executable comments are compared with: `/*!NNNNN ...*/` (MySQL's numbering)
#: runs up to 5.7.99, as on MariaDB; `/*!NNNNNN` and `/*M!NNNNNN` up to 10.11.99
MYSQL_COMMENT_VERSION, MARIADB_COMMENT_VERSION = 50799, 101199
_SPECIAL_COMMENT = re.compile(r"/\*(M?)!(\d*)|/\*\+")


_KEYS_SWITCH = re.compile(r"\s*ALTER\s+TABLE\s+\S+\s+(?:DISABLE|ENABLE)\s+KEYS\s*;?\s*$", re.I)


#: statement modifiers that change nothing on SQLite (priorities, the query cache, result
#: size hints, join order); sqlglot does not read them
_NO_OP_MODIFIERS = frozenset({
    "LOW_PRIORITY", "HIGH_PRIORITY", "QUICK", "SQL_NO_CACHE", "SQL_CACHE", "SQL_BUFFER_RESULT",
    "SQL_SMALL_RESULT", "SQL_BIG_RESULT", "STRAIGHT_JOIN",
})  # fmt: skip
_MODIFIED = frozenset({"SELECT", "INSERT", "UPDATE", "DELETE", "REPLACE", "DISTINCT", "ALL",
                       "DISTINCTROW", "IGNORE"})  # fmt: skip


def _without_no_op_modifiers(sql: str) -> str:
    """`SELECT SQL_NO_CACHE ...`, `INSERT LOW_PRIORITY ...`, `DELETE QUICK ...` without the
    modifier; `a STRAIGHT_JOIN b` as `a JOIN b`."""
    upper = sql.upper()
    if not any(word in upper for word in _NO_OP_MODIFIERS):
        return sql
    try:
        tokens = sqlglot.Dialect.get_or_raise("mysql").tokenize(sql)
    except Exception:  # the parser reports the syntax error
        return sql
    out, pos, previous = [], 0, ""
    for tok in tokens:
        word = tok.text.upper() if tok.token_type != TokenType.STRING else ""
        if word in _NO_OP_MODIFIERS and (previous in _MODIFIED or previous in _NO_OP_MODIFIERS):
            out.append(sql[pos : tok.start])
            pos = tok.end + 1
            previous = word
            continue
        if word == "STRAIGHT_JOIN":  # the join operator
            out.append(sql[pos : tok.start] + "JOIN")
            pos = tok.end + 1
        previous = word
    out.append(sql[pos:])
    return "".join(out)


def executable_comments(sql: str) -> str:
    """MySQL's `/*!50001 text */` and MariaDB's `/*M!100100 text */` as `text` (what the server
    runs; mysqldump writes SET NAMES, CREATE VIEW and more that way), one for a newer
    version dropped; optimizer hints `/*+ ... */` dropped (MariaDB ignores them). Quoted text
    is left alone."""
    if "/*" not in sql:
        return sql
    out: list[str] = []
    i, n = 0, len(sql)
    while i < n:
        ch = sql[i]
        if ch in "'\"`":
            j = i + 1
            while j < n and sql[j] != ch:
                j += 2 if sql[j] == "\\" and ch != "`" else 1
            out.append(sql[i : j + 1])
            i = j + 1
            continue
        m = _SPECIAL_COMMENT.match(sql, i) if ch == "/" else None
        if m is None:
            out.append(ch)
            i += 1
            continue
        end = sql.find("*/", m.end())
        end = n if end < 0 else end
        body = sql[m.end() : end]
        if m.group(0) != "/*+":
            version = m.group(2)
            limit = (
                MARIADB_COMMENT_VERSION if m.group(1) or len(version) > 5 else MYSQL_COMMENT_VERSION
            )
            if not version or int(version) <= limit:
                out.append(f" {body} ")
        i = end + 2
    return "".join(out)


def parse(sql: str) -> exp.Expression:
    """Exactly one MySQL statement; a syntax error is MySQL's 1064."""
    readable = executable_comments(sql)
    if not readable.strip() and sql.strip() and _SPECIAL_COMMENT.search(sql):
        return exp.Set(expressions=[])  # only a newer version's comment: nothing to do, OK
    if _KEYS_SWITCH.match(readable):  # mysqldump's DISABLE/ENABLE KEYS: a no-op on InnoDB too
        return exp.Set(expressions=[])
    text = _normalise_replace(_without_no_op_modifiers(readable))
    try:
        statements = [s for s in sqlglot.parse(text, read="mysql") if s is not None]
    except ParseError as exc:
        raise GrammarError(_syntax_message(sql, exc)) from None
    except (AttributeError, TypeError, IndexError, KeyError, ValueError):  # sqlglot's own bug
        raise GrammarError(syntax_error(sql)) from None
    if len(statements) != 1:
        if not statements:
            raise GrammarError("Query was empty")
        raise GrammarError(
            "You have an error in your SQL syntax; send one statement per query on the "
            "embedded backend"
        )
    statement = cast(exp.Expression, statements[0])
    if _REPLACE.match(executable_comments(sql)):
        statement.set("alternative", "REPLACE")
    _check_arguments(statement)
    return statement


def _check_arguments(statement: exp.Expression) -> None:
    """A function call missing an argument sqlglot requires (DAYOFMONTH(), STR_TO_DATE('x')):
    MySQL's 1582, not a failure of the translation."""
    for node in statement.find_all(exp.Func):
        if isinstance(node, exp.Anonymous) or not node.error_messages():
            continue
        call: exp.Func = node  # DAYOFMONTH() is DayOfMonth(TsOrDsToDate()): name the outer one
        while isinstance(call.parent, exp.Func) and len(list(call.parent.iter_expressions())) == 1:
            call = call.parent
        raise parameter_count(mysql_name(call.sql_name()))


_REPLACE = re.compile(r"(\s*)REPLACE(\s)", re.IGNORECASE)


def _normalise_replace(sql: str) -> str:
    """sqlglot reads MySQL's REPLACE [INTO] as an opaque command; read it as an INSERT."""
    m = _REPLACE.match(sql)
    if not m:
        return sql
    return f"{m.group(1)}INSERT{m.group(2)}{sql[m.end() :]}"


def syntax_error(sql: str) -> str:
    """MySQL's 1064 message for a statement that is not SQL at all."""
    return (
        "You have an error in your SQL syntax; check the manual that corresponds to your "
        f"MySQL server version for the right syntax to use near '{sql.strip()[:80]}' at line 1"
    )


def _syntax_message(sql: str, exc: ParseError) -> str:
    near = ""
    if exc.errors:
        err = exc.errors[0]
        ctx = (err.get("start_context") or "")[-0:] + (err.get("highlight") or "")
        near = ctx + (err.get("end_context") or "")
        near = near.strip() or sql.strip()
    return (
        "You have an error in your SQL syntax; check the manual that corresponds to your "
        f"MySQL server version for the right syntax to use near '{near[:80]}' at line 1"
    )


@dataclass
class Translation:
    """What the engine needs besides the statements: which kind of write it was, and on what."""

    statements: list[str]
    kind: str = "other"  # select | insert | update | delete | ddl | other
    table: str | None = None  # the SQLite table written by INSERT/UPDATE/DELETE
    upsert: bool = False  # ON DUPLICATE KEY UPDATE or REPLACE: MySQL counts 2 per replaced row
    created: list[str] = field(default_factory=list)  # SQLite tables this statement creates


def to_sqlite(sql: str | exp.Expression, database: str | None) -> list[str]:
    """One MySQL statement in, the SQLite statement(s) out (see the module docstring)."""
    statement = parse(sql) if isinstance(sql, str) else sql
    return translate(statement, database).statements


def translate(
    statement: exp.Expression,
    database: str | None,
    *,
    changed_rows_only: bool = False,
    decimal_columns: frozenset[str] = frozenset(),
    wide_decimal_columns: frozenset[str] = frozenset(),
    datetime_columns: frozenset[str] = frozenset(),
) -> Translation:
    """`to_sqlite` with what the engine needs to know about the result.

    `changed_rows_only`: UPDATE counts only rows whose values change (MySQL's affected rows
    for clients without CLIENT_FOUND_ROWS) by skipping rows the SET would leave as they are.
    `decimal_columns`: names of DECIMAL columns of the tables involved, and of those the wide
    ones (stored as text, `sqlite_decimal`): their arithmetic, comparisons and order are exact.
    """
    try:
        return _translate(
            statement.copy(),
            database,
            changed_rows_only,
            decimal_columns,
            wide_decimal_columns,
            datetime_columns,
        )
    except (AttributeError, TypeError, IndexError, KeyError, ValueError) as exc:
        # a construct the rewrites (or sqlglot's SQLite writer) do not expect: refused, never
        # a traceback (its kind is named for the bug report)
        raise unsupported(f"{_construct(statement)} ({type(exc).__name__})") from exc


def _translate(
    statement: exp.Expression,
    database: str | None,
    changed_rows_only: bool,
    decimal_columns: frozenset[str],
    wide_decimal_columns: frozenset[str],
    datetime_columns: frozenset[str],
) -> Translation:
    if isinstance(statement, (exp.Query, exp.Insert, exp.Update, exp.Delete, exp.Create)):
        _exact_decimals(statement, decimal_columns, wide_decimal_columns)
    if datetime_columns:
        _pad_dates(statement, frozenset(c.lower() for c in datetime_columns))
    if isinstance(statement, exp.Query):
        return Translation([_sql(rewrite(statement, database))], kind="select")
    if isinstance(statement, exp.Insert):
        return _insert(statement, database, changed_rows_only)
    if isinstance(statement, exp.Update):
        return _update(statement, database, changed_rows_only)
    if isinstance(statement, exp.Delete):
        return _delete(statement, database)
    if isinstance(statement, exp.Create):
        return _create(statement, database)
    if isinstance(statement, exp.Drop):
        return _drop(statement, database)
    raise unsupported(_construct(statement))


_INTEGER_CASTS = (exp.DataType.Type.BIGINT, exp.DataType.Type.UBIGINT)
_DATETIME_CASTS = (exp.DataType.Type.DATETIME, exp.DataType.Type.DATE)
_CANONICAL_TIME = re.compile(r"\d{4}-\d\d-\d\d(?: \d\d:\d\d:\d\d(?:\.\d{1,6})?)?")
_TIMESTAMP_CASTS = (exp.DataType.Type.TIMESTAMPTZ, exp.DataType.Type.TIMESTAMP,
                    exp.DataType.Type.TIMESTAMPLTZ)  # fmt: skip
_TEXT_CASTS = (exp.DataType.Type.CHAR, exp.DataType.Type.VARCHAR, exp.DataType.Type.TEXT,
               exp.DataType.Type.NCHAR)  # fmt: skip
_BIT_OPERATORS: dict[type[exp.Expression], str] = {
    exp.BitwiseXor: "^",
    exp.BitwiseAnd: "&",
    exp.BitwiseOr: "|",
    exp.BitwiseLeftShift: "<<",
    exp.BitwiseRightShift: ">>",
}
_COMPARISONS = (exp.EQ, exp.NEQ, exp.GT, exp.GTE, exp.LT, exp.LTE, exp.NullSafeEQ)
_ARITHMETIC: dict[type[exp.Expression], str] = {
    exp.Add: "jasmine_dadd",
    exp.Sub: "jasmine_dsub",
    exp.Mul: "jasmine_dmul",
    exp.Div: "jasmine_ddiv",
}
_DOUBLE_DIGITS = 15  # sqlite_decimal.DOUBLE_DIGITS: more significant digits than a double holds


def _is_decimal(node: exp.Expression, columns: frozenset[str]) -> bool:
    """Whether MySQL types the expression DECIMAL, as far as its leaves show: a literal with a
    point, a DECIMAL column (by name), CAST AS DECIMAL, AVG, and arithmetic, SUM, MIN, MAX,
    ABS, ROUND and conditionals of those."""
    while isinstance(node, exp.Paren):
        node = node.this
    if isinstance(node, exp.Literal):
        return not node.is_string and _decimal_literal(node.this)
    if isinstance(node, exp.Column):
        return node.name.lower() in columns
    if isinstance(node, exp.Avg) or _decimal_cast(node):
        return True
    if isinstance(node, (exp.Add, exp.Sub, exp.Mul, exp.Div)):
        if isinstance(node.this, exp.Interval) or isinstance(node.expression, exp.Interval):
            return False
        return _is_decimal(node.this, columns) or _is_decimal(node.expression, columns)
    if isinstance(node, (exp.Neg, exp.Abs, exp.Sum, exp.Min, exp.Max, exp.Round, exp.Trunc)):
        return _is_decimal(node.this, columns)
    if isinstance(node, (exp.Coalesce, exp.If, exp.Case)):
        return any(
            _is_decimal(branch, columns)
            for branch in (node.args.get("true"), node.args.get("false"), node.this)
            if isinstance(branch, exp.Expression)
        )
    return False


def _decimal_literal(text: str) -> bool:
    """A numeric literal MySQL reads as DECIMAL: with a point and no exponent, or an integer
    past BIGINT's range."""
    if "e" in text.lower():
        return False
    return "." in text or int(text) >= 2**63


def _decimal_cast(node: exp.Expression) -> bool:
    return isinstance(node, exp.Cast) and node.to.this in (
        exp.DataType.Type.DECIMAL,
        exp.DataType.Type.UDECIMAL,
    )


def _simple(node: exp.Expression) -> bool:
    """A column or a literal: compared by SQLite itself (affinity, and for a wide DECIMAL
    column its numeric collation), which keeps indexes usable."""
    while isinstance(node, exp.Paren):
        node = node.this
    if isinstance(node, exp.Neg):
        node = node.this
    return isinstance(node, (exp.Column, exp.Literal, exp.Null))


def _exact_decimals(
    statement: exp.Expression, decimal_columns: frozenset[str], wide: frozenset[str]
) -> None:
    """DECIMAL arithmetic, comparisons, CAST, MIN/MAX and ORDER BY as the exact functions of
    `sqlite_decimal`; numeric literals a double cannot hold as text (in place)."""
    columns = frozenset(c.lower() for c in decimal_columns)
    _exact_order(statement, columns, frozenset(c.lower() for c in wide))
    for node in list(statement.find_all(*_COMPARISONS, exp.Between)):
        if isinstance(node.parent, (exp.Update, exp.OnConflict, exp.SetItem)):
            continue  # an assignment, not a comparison
        if isinstance(node, exp.NullSafeEQ):
            continue
        if isinstance(node, exp.Between):
            _exact_between(node, columns)
            continue
        sides = (node.this, node.expression)
        if all(_simple(x) for x in sides) or not any(_is_decimal(x, columns) for x in sides):
            continue
        cmp = exp.Anonymous(this="jasmine_dcmp", expressions=[sides[0].copy(), sides[1].copy()])
        node.replace(type(node)(this=cmp, expression=exp.Literal.number(0)))
    for number in statement.find_all(exp.NumberToStr, exp.Round, exp.Cast):
        if not isinstance(number, exp.Cast) or number.to.this in _INTEGER_CASTS + _TEXT_CASTS:
            number.set("exact", _is_decimal(number.this, columns))  # decimal or double rounding
    decided = [  # on the tree as written
        (n, _exact_function(n, columns)) for n in statement.walk() if isinstance(n, exp.Expression)
    ]
    for operation, name in reversed(decided):  # innermost first: each call takes the new args
        if name is not None:
            operation.replace(_exact_call(operation, name))
    for literal in list(statement.find_all(exp.Literal)):
        if not literal.is_string and _long_literal(literal.this):
            negated = isinstance(literal.parent, exp.Neg)
            target: exp.Expression = literal.parent if negated else literal  # type: ignore[assignment]
            parent = target.parent
            if isinstance(parent, exp.Expression) and (
                json_function_name(parent) or isinstance(parent, exp.Hex)
            ):
                continue  # a JSON member keeps its digits (sqlite_json); HEX saturates
            target.replace(exp.Literal.string(("-" if negated else "") + literal.this))


def _exact_between(node: exp.Between, columns: frozenset[str]) -> None:
    low, high = node.args["low"], node.args["high"]
    parts = (node.this, low, high)
    if all(_simple(x) for x in parts) or not any(_is_decimal(x, columns) for x in parts):
        return
    lower = exp.Anonymous(this="jasmine_dcmp", expressions=[node.this.copy(), low.copy()])
    upper = exp.Anonymous(this="jasmine_dcmp", expressions=[node.this.copy(), high.copy()])
    zero = exp.Literal.number(0)
    node.replace(
        exp.paren(
            exp.and_(
                exp.GTE(this=lower, expression=zero), exp.LTE(this=upper, expression=zero.copy())
            )
        )
    )


def _exact_order(statement: exp.Expression, columns: frozenset[str], wide: frozenset[str]) -> None:
    """ORDER BY a DECIMAL expression (or the alias of one) or a wide DECIMAL column: by
    `jasmine_dkey`, whose byte order is the numeric one whether the values are numbers or
    text."""
    for select in statement.find_all(exp.Select):
        order = select.args.get("order")
        if order is None:
            continue
        aliases = {p.alias.lower(): p.this for p in select.expressions if isinstance(p, exp.Alias)}
        for ordered in order.expressions:
            key = ordered.this
            if isinstance(key, exp.Column) and not key.table and key.name.lower() in aliases:
                decimal = _is_decimal(aliases[key.name.lower()], columns)
                decimal = decimal and not isinstance(aliases[key.name.lower()], exp.Column)
            elif isinstance(key, exp.Column):
                decimal = key.name.lower() in wide  # by key, not n log n collation calls
            else:
                decimal = _is_decimal(key, columns)
            if decimal and not isinstance(key, exp.Literal):
                ordered.set("this", exp.Anonymous(this="jasmine_dkey", expressions=[key]))


def _exact_function(node: exp.Expression, columns: frozenset[str]) -> str | None:
    """The `sqlite_decimal` function that computes `node` exactly, if it is a DECIMAL
    operation (decided on the tree as written)."""
    if type(node) in _ARITHMETIC and _is_decimal(node, columns):
        return _ARITHMETIC[type(node)]
    negation = isinstance(node, (exp.Neg, exp.Abs)) and not isinstance(node.this, exp.Literal)
    if negation and _is_decimal(node.this, columns):
        return "jasmine_dneg" if isinstance(node, exp.Neg) else "jasmine_dabs"
    if (
        isinstance(node, (exp.Min, exp.Max))
        and not isinstance(node.parent, exp.Window)
        and not isinstance(node.this, exp.Column)
        and _is_decimal(node.this, columns)
    ):
        return "jasmine_dmin" if isinstance(node, exp.Min) else "jasmine_dmax"
    if isinstance(node, exp.Cast) and _decimal_cast(node):
        return "jasmine_decimal"
    return None


def _exact_call(node: exp.Expression, name: str) -> exp.Expression:
    """`node` as the call of `name` (its operands as they are now)."""
    if name != "jasmine_decimal":
        operands = [node.this, node.expression] if type(node) in _ARITHMETIC else [node.this]
        return exp.Anonymous(this=name, expressions=operands)
    to = node.args["to"]
    params = [p.this.name for p in to.expressions if isinstance(p, exp.DataTypeParam)]
    precision, scale = ([*params, "10", "0"][:2]) if params else ("10", "0")
    if len(params) == 1:
        scale = "0"
    numbers = [exp.Literal.number(x) for x in (precision, scale, 1)]
    return exp.Anonymous(this=name, expressions=[node.this, *numbers])


def _long_literal(text: str) -> bool:
    """A numeric literal a SQLite number cannot hold exactly (it is passed as text)."""
    if "e" in text.lower():
        return False
    if "." not in text:
        return int(text) >= 2**63
    digits = text.replace(".", "").lstrip("0").rstrip("0")
    return len(digits) > _DOUBLE_DIGITS


_DATE_ONLY = re.compile(r"\d{4}-\d\d?-\d\d?$")


def _pad_dates(statement: exp.Expression, datetime_columns: frozenset[str]) -> None:
    """`dt <= '2024-01-02'` on a DATETIME column means midnight, as MySQL converts the date;
    stored text compares shorter strings differently, so the literal gets its time."""
    for node in list(statement.find_all(*_COMPARISONS, exp.Between, exp.In)):
        column = node.this
        if not isinstance(column, exp.Column) or column.name.lower() not in datetime_columns:
            if isinstance(node.args.get("expression"), exp.Column):
                column = node.args["expression"]
            else:
                continue
        if column.name.lower() not in datetime_columns:
            continue
        for literal in list(node.find_all(exp.Literal)):
            if literal.parent is node and literal.is_string and _DATE_ONLY.match(literal.this):
                literal.replace(exp.Literal.string(f"{literal.this} 00:00:00"))


def _construct(statement: exp.Expression) -> str:
    if isinstance(statement, exp.Command):
        return f"{statement.name.upper()} statements"
    words = statement.sql("mysql").split()
    return " ".join(words[:2]) if words else type(statement).__name__


def _sql(e: exp.Expression) -> str:
    try:
        return e.sql("sqlite", unsupported_level=ErrorLevel.RAISE)
    except UnsupportedError as exc:
        raise unsupported(str(exc).split("\n")[0]) from None


# -- names ---------------------------------------------------------------------------------


def table_for(table: exp.Table, database: str | None) -> tuple[str, str]:
    """(database, table) that a MySQL table reference names."""
    if table.catalog:
        raise unsupported(f"a three-part table name {table.sql('mysql')}")
    db = table.db or database
    if not db:
        raise NoDatabaseSelected()
    if "." in db:
        raise unsupported(f"a database name containing a dot ({db!r})")
    return db, table.name


_AGGREGATES = (exp.AggFunc,)


def _single_row_subqueries(node: exp.Expression) -> None:
    """A scalar subquery must give one row at most (MySQL's 1242); SQLite would take the
    first. Its value goes through the aggregate `jasmine_single`, which fails on a second row.
    Subqueries that aggregate, group or limit already give one row and are left alone."""
    for sub in list(node.find_all(exp.Subquery)):
        query = sub.this
        parent = sub.parent
        if isinstance(parent, (exp.From, exp.Join, exp.In, exp.Exists, exp.Union)) or sub.alias:
            continue
        if not isinstance(query, exp.Select) or len(query.selects) != 1:
            continue
        if query.args.get("group") or query.args.get("limit") or query.find(*_AGGREGATES):
            continue
        if query.args.get("distinct") or query.find(exp.Window):
            continue
        projection = query.selects[0]
        inner = projection.unalias() if isinstance(projection, exp.Alias) else projection
        call = exp.Anonymous(this="jasmine_single", expressions=[inner.copy()])
        query.set("expressions", [call])


def rewrite(node: exp.Expression, database: str | None) -> exp.Expression:
    """Names and functions of a MySQL expression tree, rewritten for SQLite (in place)."""
    _single_row_subqueries(node)
    ctes = {cte.alias_or_name.lower() for cte in node.find_all(exp.CTE)}
    for table in list(node.find_all(exp.Table)):
        _rename_table(table, database, ctes)
    for column in node.find_all(exp.Column):
        if column.args.get("db"):
            column.set("db", None)
        if column.args.get("catalog"):
            column.set("catalog", None)
    for select in node.find_all(exp.Select):
        select.set("locks", None)
    _json_functions(node)
    return node.transform(_function, copy=False)


def _rename_table(table: exp.Table, database: str | None, ctes: set[str]) -> None:
    if not isinstance(table.this, exp.Identifier):
        return
    if not table.db and table.name.lower() in ctes:
        return
    if not table.db and table.name.upper() == "DUAL" and isinstance(table.parent, exp.From):
        select = table.parent.parent
        if isinstance(select, exp.Select) and not select.args.get("joins"):
            select.set("from_", None)
            select.set("from", None)
            return
    if table.db.lower() == INFORMATION_SCHEMA:
        _replace_table(table, f"{INFORMATION_SCHEMA}.{table.name.lower()}")
        return
    seq = SEQUENCE.match(table.name) if not table.db else None
    if seq:
        table.replace(_sequence(table, *seq.groups()))
        return
    db, name = table_for(table, database)
    _replace_table(table, sqlite_name(db, name))


def _replace_table(table: exp.Table, name: str) -> None:
    alias = table.alias or table.name
    table.set("this", exp.to_identifier(name, quoted=True))
    table.set("db", None)
    table.set("catalog", None)
    if isinstance(table.parent, (exp.Schema, exp.Insert)):
        return  # an INSERT target
    if not table.args.get("alias"):
        table.set("alias", exp.TableAlias(this=exp.to_identifier(alias, quoted=True)))


def _sequence(table: exp.Table, start: str, stop: str, step: str | None) -> exp.Expression:
    """MariaDB's `seq_1_to_N` (Sequence engine) as a recursive CTE in a subquery."""
    a, b, s = int(start), int(stop), int(step or 1)
    op, cmp = ("+", "<=") if a <= b else ("-", ">=")
    body = (
        f"WITH RECURSIVE jasmine_seq(seq) AS (SELECT {a} UNION ALL SELECT seq {op} {s} "
        f"FROM jasmine_seq WHERE seq {op} {s} {cmp} {b}) SELECT seq FROM jasmine_seq"
    )
    sub = sqlglot.parse_one(body, read="sqlite")
    return exp.Subquery(
        this=sub, alias=exp.TableAlias(this=exp.to_identifier(table.alias or table.name))
    )


# -- functions -----------------------------------------------------------------------------

_ZERO_ARG = {
    exp.CurrentTimestamp: "jasmine_now",
    exp.CurrentDate: "jasmine_curdate",
    exp.CurrentTime: "jasmine_curtime",
    exp.UtcTimestamp: "jasmine_utc_timestamp",
    exp.CurrentSchema: "database",
    exp.Localtime: "jasmine_now",
    exp.CurrentUser: "current_user",
    exp.CurrentVersion: "version",
}
_RENAMED = {
    "NOW": "jasmine_now",
    "SYSDATE": "jasmine_now",
    "LOCALTIME": "jasmine_now",
    "LOCALTIMESTAMP": "jasmine_now",
    "CURDATE": "jasmine_curdate",
    "CURTIME": "jasmine_curtime",
    "UNIX_TIMESTAMP": "jasmine_unix_timestamp",
    "LAST_INSERT_ID": "last_insert_id",
    "CONNECTION_ID": "connection_id",
    "USER": "user",
    "SESSION_USER": "user",
    "SYSTEM_USER": "user",
    "DATABASE": "database",
    "SCHEMA": "database",
    "VERSION": "version",
    "FOUND_ROWS": "found_rows",
    "ROW_COUNT": "row_count",
}


def _call(name: str, *args: exp.Expression) -> exp.Expression:
    """A function call whose arguments are rewritten too (`transform` skips new nodes)."""
    return exp.Anonymous(this=name, expressions=[a.transform(_function, copy=False) for a in args])


def _unit(node: exp.Expression) -> str:
    unit = node.args.get("unit")
    return (unit.name if unit is not None else "DAY").upper()


def interval_first(node: exp.Add | exp.Sub) -> tuple[exp.Expression, exp.Expression]:
    """The operands of `a + b` / `a - b`; for `INTERVAL 1 DAY + 'date'`, which sqlglot reads as
    two intervals (the second without a unit), the date and the interval, in that order."""
    left, right = node.this, node.expression
    if (
        isinstance(node, exp.Add)
        and isinstance(left, exp.Interval)
        and isinstance(right, exp.Interval)
        and right.args.get("unit") is None
    ):
        return right.this, left
    return left, right


def _interval_add(base: exp.Expression, interval: exp.Interval, sign: int) -> exp.Expression:
    amount = interval.this
    if isinstance(amount, exp.Literal) and amount.is_string:
        amount = exp.Literal.number(amount.this)
    if sign < 0:
        amount = exp.Neg(this=exp.Paren(this=amount))
    return _call("jasmine_date_add", base, amount, exp.Literal.string(_unit(interval)))


def _function(node: exp.Expression) -> exp.Expression:
    for cls, name in _ZERO_ARG.items():
        if type(node) is cls:
            return _call(name)
    if isinstance(node, exp.Anonymous) and node.name.upper() in _RENAMED:
        return _call(_RENAMED[node.name.upper()], *node.expressions)
    if isinstance(node, exp.Anonymous) and node.name.upper() in ("ADDDATE", "SUBDATE"):
        base, amount = node.expressions
        interval = (
            amount if isinstance(amount, exp.Interval) else exp.Interval(this=amount, unit="DAY")
        )
        return _interval_add(base, interval, -1 if node.name.upper() == "SUBDATE" else 1)
    if isinstance(node, (exp.Add, exp.Sub)):
        left, right = interval_first(node)
        sign = 1 if isinstance(node, exp.Add) else -1
        if isinstance(right, exp.Interval):
            return _interval_add(left, right, sign)
        if isinstance(left, exp.Interval) and sign == 1:
            return _interval_add(right, left, 1)
    if isinstance(node, (exp.DateAdd, exp.DateSub)):
        interval = exp.Interval(this=node.expression, unit=exp.var(_unit(node)))
        return _interval_add(node.this, interval, -1 if isinstance(node, exp.DateSub) else 1)
    if isinstance(node, exp.TimeToStr):
        return _call("jasmine_date_format", _unwrap_time(node.this), node.args["format"])
    if isinstance(node, exp.TsOrDsToDate) or (
        isinstance(node, exp.Date) and len(node.expressions) <= 1
    ):
        inner = node.this if node.this is not None else node.expressions[0]
        return _call("jasmine_to_date", inner)
    if isinstance(node, exp.UnixToTime):
        fmt = node.args.get("format")
        return _call("jasmine_from_unixtime", node.this, *([fmt] if fmt else []))
    if isinstance(node, (exp.StrToUnix, exp.TimeToUnix)):
        return _call("jasmine_unix_timestamp", *([node.this] if node.this else []))
    if isinstance(node, (exp.StrToDate, exp.StrToTime)):
        return _call("jasmine_str_to_date", node.this, node.args["format"])
    if isinstance(node, exp.Cast) and node.to.this in _INTEGER_CASTS:  # sqlite_numbers
        unsigned = node.to.this == exp.DataType.Type.UBIGINT
        exact = node.args.get("exact")
        if exact is None:
            exact = _is_decimal(node.this, frozenset())
        flags = [exp.Literal.number(int(unsigned)), exp.Literal.number(int(bool(exact)))]
        return _call("jasmine_cast_integer", node.this, *flags)
    if isinstance(node, exp.Literal) and node.is_string and "\x00" in node.this:
        # SQLite's statement text cannot hold a NUL: the bytes, read back as text
        blob = exp.HexString(this=node.this.encode("utf-8").hex())
        return exp.Cast(this=blob, to=exp.DataType.build("TEXT"))
    if isinstance(node, exp.National):  # N'x' is 'x' (SQLite: column N AS 'x')
        return exp.Literal.string(node.this)
    if isinstance(node, exp.Introducer):  # _utf8mb4'x' is 'x' (SQLite: column _utf8mb4 AS 'x')
        value: exp.Expression = node.expression
        if str(node.this).lower() == "_binary" and isinstance(value, exp.Literal):
            return exp.HexString(this=value.this.encode("utf-8").hex())
        return value
    if type(node) in _BIT_OPERATORS:  # unsigned 64-bit, as MySQL (SQLite: signed, no ^)
        operator = exp.Literal.string(_BIT_OPERATORS[type(node)])
        return _call("jasmine_bitop", operator, node.this, node.expression)
    if isinstance(node, exp.BitwiseNot):
        return _call("jasmine_bitnot", node.this)
    if isinstance(node, exp.BitwiseCount):
        return _call("jasmine_bitcount", node.this)
    if isinstance(node, exp.Cast) and node.to.this in _TIMESTAMP_CASTS + _DATETIME_CASTS:
        literal = node.this  # TIMESTAMP'2024-01-02 03:04:05.6': kept as written (SQLite's
        if isinstance(literal, exp.Literal) and _CANONICAL_TIME.fullmatch(literal.name):
            return literal  # datetime() would drop the fraction; the type says DATETIME)
        if node.to.this in _TIMESTAMP_CASTS:
            node.set("to", exp.DataType.build("DATETIME"))
        return node
    if (isinstance(node, exp.Cast) and node.to.this == exp.DataType.Type.TIME) or (
        isinstance(node, exp.Time) and node.this is not None
    ):
        return _call("jasmine_time", node.this)  # TIME'25:00:01' (SQLite's time(): NULL)
    if isinstance(node, exp.Cast) and node.to.this in _TEXT_CASTS:
        literal = node.this
        if isinstance(literal, exp.Literal) and not literal.is_string and node.args.get("exact"):
            return exp.Literal.string(literal.this)  # CAST(1.50 AS CHAR) is '1.50'
        if not node.args.get("exact"):
            return _call("jasmine_char", node.this)  # a double as MySQL writes it
    if isinstance(node, exp.Xor) and node.expression is not None:  # nor XOR
        return _call("jasmine_xor", node.this, node.expression)
    if isinstance(node, exp.Substring) or (
        isinstance(node, exp.Anonymous) and node.name.upper() == "MID"
    ):
        return _substring(node)
    if isinstance(node, exp.Limit):  # LIMIT 18446744073709551615: MySQL's "all rows"
        count = node.expression
        text = count.this if isinstance(count, exp.Literal) else ""
        if isinstance(text, str) and text.isdigit() and int(text) >= 2**63:
            node.set("expression", exp.Literal.number(2**63 - 1))
        return node
    if isinstance(node, _COMPARISONS):  # '10' = 10: MySQL compares as numbers
        left, right = node.this, node.expression
        for text, number in ((left, right), (right, left)):
            if (
                isinstance(text, exp.Literal)
                and text.is_string
                and isinstance(number, exp.Literal)
                and not number.is_string
            ):
                match = re.match(r"\s*[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?", text.this)
                text.replace(exp.Literal.number(match.group(0).strip() if match else "0"))
        left, right = node.this, node.expression
        if any(isinstance(x, exp.Literal) and x.is_string for x in (left, right)) and not any(
            isinstance(x, (exp.Column, exp.Collate)) for x in (left, right)
        ):  # text compared without a column's collation: MySQL's default one (_ci, PAD SPACE)
            node.set("this", exp.Collate(this=left, expression=exp.var("jasmine_ci")))
        return node
    if (
        isinstance(node, exp.Like)
        and not isinstance(node.parent, exp.Escape)
        and _literal_text(node.expression)
        and "\\" in node.expression.this
    ):  # 'a%b' LIKE 'a\%b': backslash is MySQL's default LIKE escape, SQLite has none
        return exp.Escape(this=node, expression=exp.Literal.string("\\"))
    if isinstance(node, (exp.In, exp.Between)) and _literal_text(node.this):
        others = (
            node.expressions if isinstance(node, exp.In) else [node.args["low"], node.args["high"]]
        )
        if others and all(_literal_text(x) for x in others):  # 'A' IN ('a'): _ci as well
            node.set("this", exp.Collate(this=node.this, expression=exp.var("jasmine_ci")))
        return node
    if isinstance(node, exp.NumberToStr):  # FORMAT(x, d[, locale]), sqlite_numbers
        exact = node.args.get("exact")
        if exact is None:
            exact = _is_decimal(node.this, frozenset())
        culture = node.args.get("culture") or exp.null()
        flag = exp.Literal.number(int(bool(exact)))
        return _call("jasmine_format", node.this, node.args["format"], culture, flag)
    if isinstance(node, (exp.Left, exp.Right)):  # LEFT and RIGHT are keywords in SQLite
        name = "jasmine_left" if isinstance(node, exp.Left) else "jasmine_right"
        return _call(name, node.this, node.expression)
    if isinstance(node, exp.Length) and node.args.get("binary"):
        return _call("jasmine_octet_length", node.this)
    if isinstance(node, exp.PropertyEQ) and isinstance(node.this, exp.Parameter):  # @v := x
        return _call("jasmine_setvar", exp.Literal.string(node.this.name.lower()), node.expression)
    if (
        isinstance(node, exp.Column)
        and not node.table
        and node.name.upper()
        in (
            "LOCALTIME",
            "LOCALTIMESTAMP",
            "UTC_TIMESTAMP",
            "CURRENT_USER",
        )
    ):
        name = node.name.upper()
        return _call(
            "current_user" if name == "CURRENT_USER" else _RENAMED.get(name, "jasmine_now")
        )
    if isinstance(node, exp.DateDiff):
        return _call("jasmine_datediff", node.this, node.expression)
    if isinstance(node, exp.TimestampDiff):
        unit = exp.Literal.string(_unit(node))
        return _call("jasmine_timestampdiff", unit, node.expression, node.this)
    if isinstance(node, exp.Round):
        places = node.args.get("decimals")
        exact = node.args.get("exact")
        if exact is None:
            exact = _is_decimal(node.this, frozenset())
        name = "jasmine_round" if exact else "jasmine_round_double"
        return _call(name, node.this, *([places] if places else []))
    if isinstance(node, exp.Hex):
        return _call("jasmine_hex", node.this)
    if isinstance(node, exp.Trunc):
        places = node.args.get("decimals") or exp.Literal.number(0)
        return _call("jasmine_truncate", node.this, places)
    if isinstance(node, (exp.Sum, exp.Avg)) and not isinstance(node.parent, exp.Window):
        name = "jasmine_sum" if isinstance(node, exp.Sum) else "jasmine_avg"
        return _call(name, node.this)
    if isinstance(node, (exp.Concat, exp.ConcatWs)):
        for arg in node.expressions:  # CONCAT(1.50) is '1.50' on MySQL, as written
            if isinstance(arg, exp.Literal) and not arg.is_string:
                text = arg.this  # a double (1.0e0) as MySQL writes it: '1'
                text = double_text(float(text)) if "e" in text.lower() else text
                arg.replace(exp.Literal.string(text))
            elif isinstance(arg, (exp.Binary, exp.Unary)) and not isinstance(arg, exp.Paren):
                # || binds tighter than * in SQLite; a double is written as MySQL writes it
                arg.replace(exp.Anonymous(this="jasmine_char", expressions=[arg.copy()]))
        return node
    if isinstance(node, exp.Count) and isinstance(node.this, exp.Distinct):
        args = node.this.expressions
        if len(args) > 1:  # COUNT(DISTINCT a, b): SQLite counts one expression
            parts: list[exp.Expression] = [_call("quote", a) for a in args]
            joined = parts[0]
            for part in parts[1:]:
                joined = exp.DPipe(this=joined, expression=exp.DPipe(
                    this=exp.Literal.string(","), expression=part))  # fmt: skip
            node.this.set("expressions", [joined])
            return node
    if isinstance(node, exp.GroupConcat) and isinstance(node.this, exp.Order):
        return _ordered_group_concat(node)
    if isinstance(node, exp.Rand):
        return exp.Div(
            this=_call("abs", _call("random")),
            expression=exp.Literal.number("9223372036854775808.0"),
        )
    if isinstance(node, exp.Parameter):  # @var
        return _call("jasmine_uservar", exp.Literal.string(node.name.lower()))
    if isinstance(node, exp.SessionParameter):  # @@var, @@session.var
        return _call("jasmine_sysvar", exp.Literal.string(node.name.lower()))
    return node


# -- JSON (sqlite_json) ----------------------------------------------------------------------

#: sqlglot's node classes for MySQL's JSON functions, by MySQL name (others are Anonymous)
_JSON_CLASSES: dict[type[exp.Expression], str] = {
    exp.JSONObject: "JSON_OBJECT",
    exp.JSONExtract: "JSON_EXTRACT",
    exp.JSONSet: "JSON_SET",
    exp.JSONRemove: "JSON_REMOVE",
    exp.JSONType: "JSON_TYPE",
    exp.JSONKeys: "JSON_KEYS",
    exp.JSONValue: "JSON_VALUE",
    exp.JSONObjectAgg: "JSON_OBJECTAGG",
    exp.JSONArrayAppend: "JSON_ARRAY_APPEND",
    exp.JSONArrayInsert: "JSON_ARRAY_INSERT",
    exp.JSONExtractScalar: "->>",
}
#: SQLite's own function for a MySQL one: (name, its arguments after the document are
#: path/value pairs) -- what it returns is SQLite's JSON text, formatted where it leaves
_JSON_SQLITE = {
    "JSON_ARRAY": ("json_array", False),
    "JSON_OBJECT": ("json_object", False),
    "JSON_SET": ("json_set", True),
    "JSON_INSERT": ("json_insert", True),
    "JSON_REPLACE": ("json_replace", True),
    "JSON_REMOVE": ("json_remove", True),
    "JSON_MERGE_PATCH": ("json_patch", True),
}
#: sqlite_json's functions of one document (at an optional path): they return MariaDB's text
_JSON_PYTHON = {
    "JSON_TYPE": "jasmine_json_type",
    "JSON_VALID": "jasmine_json_valid",
    "JSON_LENGTH": "jasmine_json_length",
    "JSON_DEPTH": "jasmine_json_depth",
    "JSON_KEYS": "jasmine_json_keys",
    "JSON_COMPACT": "jasmine_json_compact",
    "JSON_DETAILED": "jasmine_json_detailed",
    "JSON_PRETTY": "jasmine_json_detailed",
    "JSON_VALUE": "jasmine_json_scalar",
    "JSON_QUERY": "jasmine_json_query",
}
_JSON_TEXT = {"JSON_COMPACT", "JSON_DETAILED", "JSON_PRETTY", "JSON_QUERY", "JSON_QUOTE",
              "JSON_MERGE", "JSON_MERGE_PRESERVE", "JSON_ARRAYAGG", "JSON_OBJECTAGG"}  # fmt: skip
#: what a JSON node became: "sqlite" (SQLite's JSON, to be formatted where it leaves JSON)
#: or "text" (already MariaDB's text; json() makes it JSON for an enclosing JSON function)
_JSON_ORIGIN = "jasmine_json"


def json_function_name(node: exp.Expression) -> str | None:
    """MySQL's name of a JSON function call (JSON_EXTRACT, ...), None for anything else."""
    if isinstance(node, exp.Anonymous) and node.name.upper().startswith("JSON_"):
        return node.name.upper()
    return _JSON_CLASSES.get(type(node))


def _json_args(node: exp.Expression) -> list[exp.Expression]:
    """A JSON node's arguments in MySQL's order."""
    if isinstance(node, exp.Anonymous):
        return list(node.expressions)
    if isinstance(node, (exp.JSONObject, exp.JSONObjectAgg)):
        out: list[exp.Expression] = []
        for pair in node.expressions:
            out += [pair.this, pair.expression] if isinstance(pair, exp.JSONKeyValue) else [pair]
        return out
    path = node.args.get("expression") or node.args.get("path")
    return [a for a in [node.this, path, *(node.args.get("expressions") or [])] if a is not None]


def _json_path(node: exp.Expression) -> exp.Expression:
    """A path argument in SQLite's syntax: `$[last]` is `$[#-1]`; wildcards are refused."""
    if isinstance(node, exp.JSONPath):
        if any(not isinstance(p, (exp.JSONPathRoot, exp.JSONPathKey, exp.JSONPathSubscript))
               for p in node.expressions):  # fmt: skip
            raise unsupported("JSON path wildcards (*, **)")
        node = exp.Literal.string(node.sql("mysql")[1:-1].replace("''", "'"))
    if isinstance(node, exp.Literal) and node.is_string:
        text = node.this
        if "*" in text:
            raise unsupported("JSON path wildcards (*, **)")

        def last(m: re.Match[str]) -> str:
            return f"[#-{int(m.group(1) or 0) + 1}]"

        return exp.Literal.string(re.sub(r"\[\s*last\s*(?:-\s*(\d+)\s*)?\]", last, text))
    return node


def _json_document(node: exp.Expression) -> exp.Expression:
    """A document argument: JSON as it is; other text checked (not JSON is NULL, as on
    MariaDB; SQLite would fail the statement)."""
    origin = node.meta.get(_JSON_ORIGIN)
    if origin == "sqlite":
        return node
    if origin == "text":
        return exp.Anonymous(this="json", expressions=[node])
    if isinstance(node, exp.Literal) and node.is_string:
        try:
            json.loads(node.this)
        except ValueError:
            return exp.null()
        return node
    if isinstance(node, exp.Null):
        return node
    return exp.Anonymous(this="jasmine_json_doc", expressions=[node])


def _json_member(node: exp.Expression) -> exp.Expression:
    """A SQL value put into a document, as the JSON MariaDB writes for it."""
    origin = node.meta.get(_JSON_ORIGIN)
    if origin == "sqlite":
        return node
    if origin == "text":
        return exp.Anonymous(this="json", expressions=[node])
    literal = node.this if isinstance(node, exp.Neg) else node
    if isinstance(literal, exp.Literal) and not literal.is_string:
        if "e" in literal.this.lower():  # a double literal: MariaDB's way of writing it
            return exp.Anonymous(this="json", expressions=[_json_text(node)])
        text = ("-" if node is not literal else "") + literal.this
        return exp.Anonymous(this="json", expressions=[exp.Literal.string(text)])
    if isinstance(node, (exp.Literal, exp.Null)):
        return node
    return exp.Anonymous(this="json", expressions=[_json_text(node)])


def _json_text(node: exp.Expression) -> exp.Expression:
    """JSON text of a SQL value (sqlite_json.json_value), for a value in an aggregate too."""
    origin = node.meta.get(_JSON_ORIGIN)
    if origin == "sqlite":
        return exp.Anonymous(this="jasmine_json_format", expressions=[node])
    if origin == "text":
        return node
    args = [node]
    inner = node
    while isinstance(inner, exp.Paren):
        inner = inner.this
    if isinstance(inner, _PREDICATES_JSON):
        args.append(exp.Literal.string("b"))
    elif isinstance(node, exp.Literal) and not node.is_string and _decimal_literal(node.this):
        args.append(exp.Literal.string("n"))
    elif isinstance(node, exp.Anonymous) and node.name == "jasmine_decimal":
        args.append(exp.Literal.string(f"n{node.expressions[2].name}"))  # CAST AS DECIMAL(p,s)
    return exp.Anonymous(this="jasmine_json_value", expressions=args)


_PREDICATES_JSON = (exp.Predicate, exp.Connector, exp.Not, exp.Boolean, exp.Exists)


def _json_functions(tree: exp.Expression) -> None:
    """MySQL's JSON functions as SQLite's and sqlite_json's (in place; see sqlite_json)."""
    nodes = [n for n in tree.walk() if isinstance(n, exp.Expression) and json_function_name(n)]
    for node in reversed(nodes):  # deepest first: arguments are rewritten before their call
        name = json_function_name(node)
        assert name is not None
        new = _json_call(name, _json_args(node))
        if new is None:
            continue
        node.replace(new)
    if not nodes:
        return
    for made in list(tree.walk()):  # SQLite's JSON where it leaves JSON: MariaDB's text
        if isinstance(made, exp.Expression) and made.meta.get(_JSON_ORIGIN) == "sqlite":
            parent: exp.Expression | None = made.parent  # type: ignore[assignment]
            inside = parent is not None and (
                parent.meta.get("jasmine_json_consumer")
                or (isinstance(parent, exp.Anonymous) and parent.name == "json")
            )
            if not inside:
                wrapped = exp.Anonymous(this="jasmine_json_format", expressions=[made.copy()])
                made.replace(wrapped)


def _json_call(name: str, args: list[exp.Expression]) -> exp.Expression | None:
    """The rewritten call of MySQL's JSON function `name`, or None to leave it alone."""
    new: exp.Expression
    origin = "sqlite"
    if name == "JSON_UNQUOTE":
        return None
    if name == "JSON_EXTRACT":
        if len(args) < 2:
            return None
        doc, paths = _json_document(args[0]), [_json_path(p) for p in args[1:]]
        if len(paths) == 1:
            new = exp.JSONExtract(this=doc, expression=paths[0])
        else:
            new = exp.Anonymous(this="json_extract", expressions=[doc, *paths])
    elif name in ("JSON_ARRAY", "JSON_OBJECT"):
        sqlite_name = _JSON_SQLITE[name][0]
        values = [
            a if name == "JSON_OBJECT" and i % 2 == 0 else _json_member(a)
            for i, a in enumerate(args)
        ]
        new = exp.Anonymous(this=sqlite_name, expressions=values)
    elif name in ("JSON_SET", "JSON_INSERT", "JSON_REPLACE"):
        rest = [_json_path(a) if i % 2 == 0 else _json_member(a) for i, a in enumerate(args[1:])]
        new = exp.Anonymous(
            this=_JSON_SQLITE[name][0], expressions=[_json_document(args[0]), *rest]
        )
    elif name == "JSON_REMOVE":
        paths = [_json_path(a) for a in args[1:]]
        new = exp.Anonymous(this="json_remove", expressions=[_json_document(args[0]), *paths])
    elif name == "JSON_MERGE_PATCH":
        docs = [_json_document(a) for a in args]
        new = docs[0]
        for doc in docs[1:]:
            new = exp.Anonymous(this="json_patch", expressions=[new, doc])
            new.meta["jasmine_json_consumer"] = True
    elif name in _JSON_PYTHON:
        doc = args[0] if name == "JSON_VALID" else _json_document(args[0])
        if len(args) > 1:
            doc = exp.JSONExtract(this=doc, expression=_json_path(args[1]))
            doc.meta["jasmine_json_consumer"] = True
        new = exp.Anonymous(this=_JSON_PYTHON[name], expressions=[doc])
        origin = "text" if name in _JSON_TEXT else "value"
    elif name == "JSON_QUOTE":
        new = exp.Anonymous(this="jasmine_json_quote", expressions=args)
        origin = "text"
    elif name in ("JSON_MERGE", "JSON_MERGE_PRESERVE"):
        docs = [_json_text(a) if a.meta.get(_JSON_ORIGIN) else a for a in args]
        new = exp.Anonymous(this="jasmine_json_merge", expressions=docs)
        origin = "text"
    elif name == "JSON_ARRAYAGG":
        if len(args) != 1:
            raise unsupported("JSON_ARRAYAGG with DISTINCT, ORDER BY or LIMIT")
        new = exp.Anonymous(this="jasmine_json_arrayagg", expressions=[_json_text(args[0])])
        origin = "text"
    elif name == "JSON_OBJECTAGG":
        key, value = args
        new = exp.Anonymous(this="jasmine_json_objectagg", expressions=[key, _json_text(value)])
        origin = "text"
    else:
        raise unsupported(f"{name}()")
    if origin != "value":
        new.meta[_JSON_ORIGIN] = origin
    new.meta["jasmine_json_consumer"] = name != "JSON_QUOTE"
    return new


def _substring(node: exp.Expression) -> exp.Expression:
    """SUBSTRING/SUBSTR/MID: SQLite's substr where it agrees (a positive literal start and no
    negative literal length), else `jasmine_substring` (position 0 or a negative length is
    '' on MySQL)."""
    if isinstance(node, exp.Anonymous):
        value, start, *rest = node.expressions
        length = rest[0] if rest else None
    else:
        value, start, length = node.this, node.args.get("start"), node.args.get("length")
    if start is None:
        return node
    native = isinstance(start, exp.Literal) and start.is_int and int(start.this) > 0
    native = native and (length is None or (isinstance(length, exp.Literal) and length.is_int))
    args = [value, start, *([length] if length is not None else [])]
    return _call("substr" if native else "jasmine_substring", *args)


def _literal_text(node: exp.Expression) -> bool:
    return isinstance(node, exp.Literal) and node.is_string


def _ordered_group_concat(node: exp.GroupConcat) -> exp.Expression:
    """GROUP_CONCAT([DISTINCT] v ORDER BY k [DESC], ... [SEPARATOR s]) as the aggregate
    `jasmine_group_concat(v, s, distinct, directions, k...)` (SQLite 3.40 has no ordered
    aggregates)."""
    order = node.this
    value = order.this
    distinct = isinstance(value, exp.Distinct)
    if distinct:
        if len(value.expressions) != 1:
            raise unsupported("GROUP_CONCAT(DISTINCT of several expressions ORDER BY ...)")
        value = value.expressions[0]
    keys = order.expressions
    directions = "".join("d" if k.args.get("desc") else "a" for k in keys)
    separator = node.args.get("separator") or exp.Literal.string(",")
    return _call(
        "jasmine_group_concat",
        value,
        separator,
        exp.Literal.number(int(distinct)),
        exp.Literal.string(directions),
        *[k.this for k in keys],
    )


def _unwrap_time(node: exp.Expression) -> exp.Expression:
    if isinstance(node, (exp.TsOrDsToTimestamp, exp.TsOrDsToDate, exp.TimeStrToTime)):
        inner: exp.Expression = node.this
        return inner
    return node


# -- writes --------------------------------------------------------------------------------


def _target(statement: exp.Expression, database: str | None) -> tuple[exp.Table, str]:
    node = statement.this
    table = node.this if isinstance(node, exp.Schema) else node
    if not isinstance(table, exp.Table):
        raise unsupported(_construct(statement))
    db, name = table_for(table, database)
    return table, sqlite_name(db, name)


def _unqualify_returning(statement: exp.Expression) -> None:
    """RETURNING t.c: SQLite knows the target only by its own name, so `c`."""
    returning = statement.args.get("returning")
    if returning is not None:
        for column in returning.find_all(exp.Column):
            column.set("table", None)


def _insert(statement: exp.Insert, database: str | None, changed_only: bool) -> Translation:
    _, target = _target(statement, database)
    _unqualify_returning(statement)
    conflict = statement.args.get("conflict")
    statement.set("conflict", None)
    replace = statement.args.get("alternative") == "REPLACE"
    rewrite(statement, database)
    if statement.args.get("ignore"):
        statement.set("ignore", None)
        statement.set("alternative", "IGNORE")
    _defaults(statement)
    sql = _sql(statement)
    if conflict is not None and isinstance(statement.expression, exp.Query):
        # SQLite: an upsert's SELECT needs a WHERE (a parsing ambiguity), so it gets one
        source = exp.select("*").from_(statement.expression.subquery("jasmine_src"))
        statement.set("expression", source.where(exp.true()))
        sql = _sql(statement)
    if conflict is not None:
        sets = []
        for eq in conflict.expressions:
            for call in list(eq.find_all(exp.Anonymous)):
                if call.name.upper() == "VALUES":
                    call.replace(exp.column(call.expressions[0].name, "excluded", quoted=True))
            column = eq.this
            value = rewrite(eq.expression, database)
            sets.append((quote(column.name), _sql(value)))
        sql += " ON CONFLICT DO UPDATE SET " + ", ".join(f"{c} = {v}" for c, v in sets)
        if changed_only:  # a duplicate the update leaves as it was counts 0, as on MySQL
            sql += " WHERE " + " OR ".join(f"{c} IS NOT {v}" for c, v in sets)
    return Translation([sql], kind="insert", table=target, upsert=replace or conflict is not None)


def _defaults(statement: exp.Insert) -> None:
    """VALUES () and DEFAULT in VALUES: SQLite has DEFAULT VALUES and omitted columns."""
    values = statement.expression
    if not isinstance(values, exp.Values):
        return
    rows = values.expressions
    has_default = any(isinstance(v, (exp.Var, exp.Column)) and v.name.upper() == "DEFAULT"
                      for row in rows for v in row.expressions)  # fmt: skip
    empty = any(not row.expressions for row in rows)
    if not has_default and not empty:
        return
    if len(rows) != 1:
        raise unsupported("DEFAULT in a multi-row INSERT")
    target = statement.this
    columns = list(target.expressions) if isinstance(target, exp.Schema) else None
    row = rows[0].expressions
    if columns is None and row:
        raise unsupported("DEFAULT in an INSERT without a column list")
    keep = [i for i, v in enumerate(row) if not (isinstance(v, (exp.Var, exp.Column))
            and v.name.upper() == "DEFAULT")]  # fmt: skip
    if not keep:
        table = target.this if isinstance(target, exp.Schema) else target
        statement.set("this", table)
        statement.set("expression", None)
        statement.set("default", True)
        return
    assert columns is not None
    target.set("expressions", [columns[i] for i in keep])
    rows[0].set("expressions", [row[i] for i in keep])


def _limited(statement: exp.Expression, target: str, where: exp.Expression | None) -> None:
    """UPDATE/DELETE ... ORDER BY ... LIMIT n, through a rowid subquery."""
    order, limit = statement.args.get("order"), statement.args.get("limit")
    if order is None and limit is None:
        return
    table = exp.to_table(quote(target), dialect="sqlite")
    alias = statement.this.alias if isinstance(statement.this, exp.Table) else ""
    if alias:
        table.set("alias", exp.TableAlias(this=exp.to_identifier(alias, quoted=True)))
    sub = exp.select("rowid").from_(table)
    if where is not None:
        sub = sub.where(where.this.copy())
    if order is not None:
        sub.set("order", order)
    if limit is not None:
        sub.set("limit", limit)
    statement.set("order", None)
    statement.set("limit", None)
    statement.set("where", exp.Where(this=exp.column("rowid").isin(query=sub)))


def _update(statement: exp.Update, database: str | None, changed_only: bool) -> Translation:
    if statement.args.get("from") or not isinstance(statement.this, exp.Table):
        raise unsupported("UPDATE ... FROM")
    joins = statement.this.args.get("joins") or []
    _, target = _target(statement, database)
    rewrite(statement, database)
    if joins:
        _update_join(statement, joins)
    if changed_only:
        differs = [
            exp.NullSafeNEQ(this=eq.this.copy(), expression=eq.expression.copy())
            for eq in statement.expressions
        ]
        cond = exp.or_(*differs) if len(differs) > 1 else differs[0]
        where = statement.args.get("where")
        statement.set(
            "where",
            exp.Where(this=exp.and_(exp.paren(where.this), cond) if where else cond),
        )
    _limited(statement, target, statement.args.get("where"))
    return Translation([_sql(statement)], kind="update", table=target)


def _update_join(statement: exp.Update, joins: list[exp.Join]) -> None:
    """UPDATE a JOIN b ON c SET a.x = b.y: SQLite's UPDATE a SET x = b.y FROM b WHERE c."""
    target = statement.this
    alias = target.alias_or_name
    for eq in statement.expressions:
        column = eq.this
        if column.table and column.table != alias:
            raise unsupported("multi-table UPDATE setting columns of several tables")
        column.set("table", None)
    conditions = []
    for join in joins:
        if join.side or (join.kind or "").upper() not in ("", "INNER", "CROSS"):
            raise unsupported(f"UPDATE with a {join.side or join.kind} JOIN")
        if join.args.get("on") is not None:
            conditions.append(join.args["on"].copy())
        join.set("on", None)
    target.set("joins", None)
    source = joins[0].this.copy()
    from_ = exp.From(this=source)
    statement.set("from_", from_)
    statement.set("from", from_)
    if len(joins) > 1:
        source.set("joins", [j.copy() for j in joins[1:]])
    where = statement.args.get("where")
    conditions += [where.this] if where is not None else []
    if conditions:
        statement.set("where", exp.Where(this=exp.and_(*conditions)))


def _delete(statement: exp.Delete, database: str | None) -> Translation:
    if statement.args.get("using"):
        raise unsupported("DELETE ... USING")
    targets = statement.args.get("tables") or []
    if targets or statement.find(exp.Join):
        return _delete_join(statement, targets, database)
    _, target = _target(statement, database)
    _unqualify_returning(statement)
    rewrite(statement, database)
    _limited(statement, target, statement.args.get("where"))
    return Translation([_sql(statement)], kind="delete", table=target)


def _delete_join(
    statement: exp.Delete, targets: list[exp.Table], database: str | None
) -> Translation:
    """DELETE t FROM t JOIN u ON c WHERE w: the rows of t the join finds, by rowid."""
    if len(targets) != 1:
        raise unsupported("multi-table DELETE from several tables")
    source = statement.this
    alias = targets[0].name
    match = next(
        (t for t in [source, *[j.this for j in source.args.get("joins") or []]]
         if isinstance(t, exp.Table) and t.alias_or_name == alias),
        None,
    )  # fmt: skip
    if match is None:
        raise unsupported("DELETE of a table that is not in its FROM")
    db, name = table_for(match, database)
    target = sqlite_name(db, name)
    query = exp.select(exp.column("rowid", table=alias)).from_(source.copy())
    where = statement.args.get("where")
    if where is not None:
        query = query.where(where.this.copy())
    rewrite(query, database)
    sql = f"DELETE FROM {quote(target)} WHERE rowid IN ({_sql(query)})"
    return Translation([sql], kind="delete", table=target)


# -- DDL -----------------------------------------------------------------------------------


def _create(statement: exp.Create, database: str | None) -> Translation:
    kind = statement.kind.upper() if statement.kind else ""
    if kind in ("DATABASE", "SCHEMA"):
        name = statement.this.name
        sqlite_name(name, "")  # refuses a dot
        ignore = " OR IGNORE" if statement.args.get("exists") else ""
        insert = f"INSERT{ignore} INTO jasmine_databases (name) VALUES ({_string(name)})"
        return Translation([insert], kind="ddl")
    temporary = statement.find(exp.TemporaryProperty) is not None
    if kind == "TABLE" and isinstance(statement.this, exp.Schema) and not statement.expression:
        d = tabledef.from_create(statement, _need(database, statement.this.this))
        if "." in d.database:
            raise unsupported(f"a database name containing a dot ({d.database!r})")
        ddl = d.sqlite_ddl()
        if temporary:  # a TEMP table, this connection's only; typed by its values
            ddl[0] = ddl[0].replace("CREATE TABLE ", "CREATE TEMP TABLE ", 1)
            return Translation(ddl[:1], kind="ddl")
        if statement.args.get("exists"):
            ddl[0] = ddl[0].replace("CREATE TABLE ", "CREATE TABLE IF NOT EXISTS ", 1)
            ddl = [s.replace("INDEX ", "INDEX IF NOT EXISTS ", 1) for s in ddl[:1]] + [
                s.replace("CREATE UNIQUE INDEX ", "CREATE UNIQUE INDEX IF NOT EXISTS ", 1)
                .replace("CREATE INDEX ", "CREATE INDEX IF NOT EXISTS ", 1)
                .replace("CREATE TRIGGER ", "CREATE TRIGGER IF NOT EXISTS ", 1)
                for s in ddl[1:]
            ]
        record = "INSERT OR IGNORE" if statement.args.get("exists") else "INSERT OR REPLACE"
        ddl.append(
            f"{record} INTO jasmine_tables (name, definition) VALUES "
            f"({_string(d.sqlite_name)}, {_string(d.to_json())})"
        )
        return Translation(ddl, kind="ddl", created=[d.sqlite_name])
    if kind == "VIEW":
        table = statement.this.this if isinstance(statement.this, exp.Schema) else statement.this
        db, name = table_for(table, database)
        target = quote(sqlite_name(db, name))
        query = rewrite(statement.expression, database)
        columns = ""
        if isinstance(statement.this, exp.Schema):
            columns = " (" + ", ".join(quote(c.name) for c in statement.this.expressions) + ")"
        stmts = []
        if statement.args.get("replace"):  # the old view's column types go with it
            stmts.append(f"DROP VIEW IF EXISTS {target}")
            stmts.append(
                f"DELETE FROM jasmine_tables WHERE name = {_string(sqlite_name(db, name))}"
            )
        stmts.append(f"CREATE VIEW {target}{columns} AS {_sql(query)}")
        return Translation(stmts, kind="ddl")
    if kind == "TABLE" and statement.expression is not None:
        table = statement.this if isinstance(statement.this, exp.Table) else statement.this.this
        db, name = table_for(table, database)
        exists = " IF NOT EXISTS" if statement.args.get("exists") else ""
        query = rewrite(statement.expression, database)
        temp = " TEMP" if temporary else ""
        sql = f"CREATE{temp} TABLE{exists} {quote(sqlite_name(db, name))} AS {_sql(query)}"
        return Translation([sql], kind="ddl", created=[sqlite_name(db, name)])
    raise unsupported(f"CREATE {kind or _construct(statement)}")


def _need(database: str | None, table: exp.Expression) -> str:
    if isinstance(table, exp.Table) and table.db:
        return table.db
    if not database:
        raise NoDatabaseSelected()
    return database


def _drop(statement: exp.Drop, database: str | None) -> Translation:
    kind = (statement.kind or "").upper()
    exists = " IF EXISTS" if statement.args.get("exists") else ""
    if kind in ("TABLE", "VIEW"):
        out = []
        for table in statement.args.get("tables") or [statement.this]:
            name = sqlite_name(*table_for(table, database))
            out.append(f"DROP {kind}{exists} {quote(name)}")
            out.append(f"DELETE FROM jasmine_tables WHERE name = {_string(name)}")
        return Translation(out, kind="ddl")
    raise unsupported(f"DROP {kind}")


def _string(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"
