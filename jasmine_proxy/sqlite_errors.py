"""SQLite's errors as the MySQL errors a client of the embedded backend gets.

`sqlite_error(exc, statement)` maps the message of a `sqlite3.Error` raised by a translated
statement to MySQL's code, SQLSTATE and message (1146 no such table, 1062 duplicate key, 1048
NULL, strict mode's 1406/1366/1264/1292 from the named CHECK constraints of `tabledef`, ...).
Anything it does not recognise is 1105 with SQLite's own message; a syntax error in translated
SQL means the translation does not support the construct (1235), and so does a function
MariaDB has that SQLite lacks (a name MariaDB does not know either is MySQL's 1305).
"""

from __future__ import annotations

import re
import sqlite3

from sqlglot import exp

from jasmine_proxy.errors import BackendRejected, JasmineError, UnsupportedStatement
from jasmine_proxy.mysql_functions import MARIADB_FUNCTIONS, mysql_name, parameter_count


def no_such_table(db: str, name: str) -> BackendRejected:
    return BackendRejected(f"Table '{db}.{name}' doesn't exist", 1146, "42S02")


_NO_TABLE = re.compile(r"no such table: (?:main\.|temp\.)?(.+)")
_UNIQUE = re.compile(r"UNIQUE constraint failed: (.+)")
_NOT_NULL = re.compile(r"NOT NULL constraint failed: (.+)")
_NO_COLUMN = re.compile(r"no such column: (.+)")
_EXISTS = re.compile(r'(?:table|view|index) "?(.+?)"? already exists')
_CHECK = re.compile(r"CHECK constraint failed: jasmine:(\d+):(.+)")
_CHECK_MESSAGES = {
    1406: "Data too long for column '{}' at row 1",
    1366: "Incorrect value for column '{}' at row 1",
    1264: "Out of range value for column '{}' at row 1",
    1292: "Incorrect datetime value for column '{}' at row 1",
    1265: "Data truncated for column '{}' at row 1",
}
_CHECK_STATES = {1406: "22001", 1366: "22007", 1264: "22003", 1292: "22007", 1265: "01000"}
_NO_COLUMN_NAMED = re.compile(r"has no column named (.+)$")
_COUNT = re.compile(r"has \d+ columns but \d+ values were supplied|\d+ values for \d+ columns")
_AMBIGUOUS = re.compile(r"ambiguous column name: (.+)")
_DUP_COLUMN = re.compile(r"duplicate column name: (.+)")
_NO_FUNCTION = re.compile(r"no such function: (\w+)|wrong number of arguments to function (\w+)")


def sqlite_error(
    exc: sqlite3.Error, statement: exp.Expression, database: str | None = None
) -> JasmineError:
    """The MySQL error for a SQLite failure of `statement` (`database`: the session's default
    database, which MariaDB names in an unknown function's error)."""
    message = str(exc)
    if m := _NO_TABLE.match(message):
        full = m.group(1)
        if full.startswith("information_schema."):
            return BackendRejected(f"Unknown table '{full}'", 1109, "42S02")
        if "." in full:
            db, _, name = full.partition(".")
            return no_such_table(db, name)
        return BackendRejected(f"Table '{full}' doesn't exist", 1146, "42S02")
    if m := _UNIQUE.match(message):
        return _duplicate(m.group(1))
    if m := _CHECK.match(message):
        code, column = int(m.group(1)), m.group(2)
        return BackendRejected(_CHECK_MESSAGES[code].format(column), code, _CHECK_STATES[code])
    if m := _NO_COLUMN_NAMED.search(message):
        return BackendRejected(f"Unknown column '{m.group(1)}' in 'field list'", 1054, "42S22")
    if _COUNT.search(message):
        return BackendRejected("Column count doesn't match value count at row 1", 1136, "21S01")
    if m := _AMBIGUOUS.match(message):
        column = m.group(1).rsplit(".", 1)[-1]
        return BackendRejected(f"Column '{column}' in field list is ambiguous", 1052, "23000")
    if message.startswith("misuse of aggregate"):
        return BackendRejected("Invalid use of group function", 1111, "HY000")
    if m := _DUP_COLUMN.match(message):
        return BackendRejected(f"Duplicate column name '{m.group(1)}'", 1060, "42S21")
    if "sub-select returns" in message or "row value misused" in message:
        return BackendRejected("Operand should contain 1 column(s)", 1241, "21000")
    if m := _NOT_NULL.match(message):
        column = m.group(1).rsplit(".", 1)[-1]
        return BackendRejected(f"Column '{column}' cannot be null", 1048, "23000")
    if m := _NO_COLUMN.match(message):
        column = m.group(1).rsplit(".", 1)[-1] if "." in m.group(1) else m.group(1)
        where = "field list" if isinstance(statement, exp.Query) else "where clause"
        return BackendRejected(f"Unknown column '{column}' in '{where}'", 1054, "42S22")
    if "FOREIGN KEY constraint failed" in message:
        if isinstance(statement, (exp.Delete, exp.Drop, exp.Update)):
            return BackendRejected(
                "Cannot delete or update a parent row: a foreign key constraint fails",
                1451,
                "23000",
            )
        return BackendRejected(
            "Cannot add or update a child row: a foreign key constraint fails", 1452, "23000"
        )
    if m := _EXISTS.search(message):
        name = m.group(1).split(".", 1)[-1]
        return BackendRejected(f"Table '{name}' already exists", 1050, "42S01")
    if m := _NO_FUNCTION.match(message):
        name = mysql_name(m.group(1) or m.group(2))
        if m.group(2):
            return parameter_count(name)
        if name in MARIADB_FUNCTIONS:  # MySQL has it, SQLite does not
            return UnsupportedStatement(f"not supported on the embedded backend: function {name}()")
        qualified = f"{database}.{name}" if database else name
        return BackendRejected(f"FUNCTION {qualified} does not exist", 1305, "42000")
    if "'finalize' method raised error" in message and statement.find(exp.Subquery):
        return BackendRejected("Subquery returns more than 1 row", 1242, "21000")
    if "database is locked" in message or "database table is locked" in message:
        return BackendRejected(
            "Lock wait timeout exceeded; try restarting transaction", 1205, "HY000"
        )
    if "Unknown system variable" in message:
        name = message.split("'")[1] if "'" in message else message
        return BackendRejected(f"Unknown system variable '{name}'", 1193, "HY000")
    if "may not be modified" in message or "cannot modify" in message:
        return BackendRejected(message, 1288, "HY000")
    if isinstance(exc, sqlite3.OperationalError) and "syntax error" in message:
        return UnsupportedStatement(f"not supported on the embedded backend: {message}")
    if "integer overflow" in message or "too big" in message:
        return BackendRejected(f"Out of range value: {message}", 1264, "22003")
    return BackendRejected(f"{message}", 1105, "HY000")


def _duplicate(columns: str) -> BackendRejected:
    """1062 for a UNIQUE failure on `db.t.a, db.t.b`: the key's MySQL name."""
    parts = [c.strip() for c in columns.split(",")]
    cols = [p.rsplit(".", 1)[-1] for p in parts]
    table = parts[0].rsplit(".", 1)[0] if parts else ""
    key = "PRIMARY" if len(cols) == 1 else f"a unique key of {table}"
    return BackendRejected(f"Duplicate entry for key '{key}'", 1062, "23000")
