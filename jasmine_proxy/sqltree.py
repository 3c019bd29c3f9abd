"""Small readings of a sqlglot MySQL tree that the analysis shares: the columns and aggregate
calls of an expression within its own scope, the conjuncts of a condition, the kind of an
aggregate, which functions are non-deterministic, what a FROM item that is not a table is.

>>> from sqlglot import parse_one
>>> [aggregate_kind(c) for c in aggregate_calls(parse_one("SUM(a) / COUNT(*) + COUNT(DISTINCT b)"))]
[('sum', 'a'), ('count_star', None), ('count_distinct', 'b')]
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TypeVar

from sqlglot import exp

E = TypeVar("E", bound=exp.Expr)

#: sqlglot classes of functions whose value changes between runs or sessions
_NONDETERMINISTIC_CLASSES = {
    "Rand",
    "Uuid",
    "CurrentTimestamp",
    "CurrentDate",
    "CurrentTime",
    "CurrentDatetime",
    "Localtime",
    "Localtimestamp",
    "UtcTimestamp",
    "UtcDate",
    "UtcTime",
    "CurrentUser",
    "CurrentSchema",
    "SessionUser",
}
#: MySQL functions sqlglot keeps as Anonymous whose value changes between runs or sessions
_NONDETERMINISTIC_NAMES = {
    "NOW",
    "SYSDATE",
    "CURTIME",
    "CURDATE",
    "RAND",
    "UUID",
    "UUID_SHORT",
    "SYS_GUID",
    "CONNECTION_ID",
    "USER",
    "SESSION_USER",
    "SYSTEM_USER",
    "CURRENT_ROLE",
    "DATABASE",
    "SCHEMA",
    "LAST_INSERT_ID",
    "FOUND_ROWS",
    "ROW_COUNT",
    "SLEEP",
    "BENCHMARK",
    "GET_LOCK",
    "RELEASE_LOCK",
    "IS_FREE_LOCK",
    "IS_USED_LOCK",
    "MASTER_POS_WAIT",
    "NEXTVAL",
    "LASTVAL",
    "SETVAL",
}
#: MySQL aggregates sqlglot keeps as Anonymous
ANONYMOUS_AGGREGATES = {"JSON_ARRAYAGG", "JSON_OBJECTAGG", "BIT_XOR", "STD"}
#: aggregate classes the maintaining strategies support (their kinds are named in analysis)
SUPPORTED_AGGREGATES = (exp.Count, exp.Sum, exp.Avg, exp.Min, exp.Max)


def function_name(node: exp.Expr) -> str:
    """'NOW' for NOW(3), 'GROUP_CONCAT' for GroupConcat(...), as MySQL spells it."""
    if isinstance(node, exp.Anonymous):
        return str(node.name).upper()
    text = node.sql("mysql")
    return text.split("(", 1)[0].strip().upper() or type(node).__name__.upper()


def is_nondeterministic(node: exp.Expr) -> bool:
    if isinstance(node, exp.Anonymous):
        name = str(node.name).upper()
        return name in _NONDETERMINISTIC_NAMES or (
            name == "UNIX_TIMESTAMP" and not node.expressions
        )
    if type(node).__name__ == "UnixSeconds":  # UNIX_TIMESTAMP() with no argument, parsed
        return not node.args.get("this")
    return type(node).__name__ in _NONDETERMINISTIC_CLASSES


def own(node: exp.Expr, kind: type[E]) -> Iterator[E]:
    """The nodes of `kind` in `node`, not looking into subqueries (their own scope)."""
    if isinstance(node, kind):
        yield node
    for child in node.iter_expressions():
        if not isinstance(child, exp.Query):
            yield from own(child, kind)


def bare_columns(node: exp.Expr) -> Iterator[exp.Column]:
    """The columns of `node` outside aggregate calls, windows and subqueries: those whose value
    must be the same across a group."""
    if isinstance(node, exp.Column):
        yield node
    elif next(aggregate_calls(node), None) is not node and not isinstance(node, exp.Window):
        for child in node.iter_expressions():
            if not isinstance(child, exp.Query):
                yield from bare_columns(child)


def from_item(node: exp.Expr) -> str:
    """What a FROM item that is not a table is, in words."""
    if isinstance(node, exp.Subquery) and node.this.args.get("joins"):
        return "a parenthesized join"
    inner = node.this if isinstance(node, exp.Table) else node
    if isinstance(inner, exp.Values):
        return "VALUES"
    return function_name(inner) if isinstance(inner, exp.Func) else type(inner).__name__.upper()


def aggregate_calls(node: exp.Expr) -> Iterator[exp.Func]:
    """The outermost aggregate calls in `node`, not in window functions or subqueries."""
    if isinstance(node, exp.Window | exp.Query):
        return
    if isinstance(node, exp.AggFunc) or (
        isinstance(node, exp.Anonymous) and str(node.name).upper() in ANONYMOUS_AGGREGATES
    ):
        yield node
        return
    for child in node.iter_expressions():
        if not isinstance(child, exp.Query | exp.Window):
            yield from aggregate_calls(child)


def conjuncts(node: exp.Expr | None) -> list[exp.Expr]:
    if node is None:
        return []
    if isinstance(node, exp.And):
        return conjuncts(node.this) + conjuncts(node.expression)
    if isinstance(node, exp.Paren):
        return conjuncts(node.this)
    return [node]


def aggregate_kind(call: exp.Func) -> tuple[str, str | None]:
    """(kind, argument text) of an aggregate call."""
    argument = call.this
    if isinstance(call, exp.Anonymous):
        return "other", ", ".join(e.sql("mysql") for e in call.expressions)
    if not isinstance(call, SUPPORTED_AGGREGATES):
        return "other", argument.sql("mysql") if isinstance(argument, exp.Expr) else None
    base = type(call).__name__.lower()
    if isinstance(argument, exp.Star):
        return "count_star", None
    if isinstance(argument, exp.Distinct):
        text = ", ".join(e.sql("mysql") for e in argument.expressions)
        return (base if base in ("min", "max") else f"{base}_distinct"), text
    return base, argument.sql("mysql") if isinstance(argument, exp.Expr) else None
