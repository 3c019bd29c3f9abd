"""The syntax tree of Jasmine's extended statements: pure data, built by `grammar.parse`.

Each statement is a node with sqlglot's shape: a class-level `arg_types` (argument name -> is it
required) and an `args` dict, with `this` / `expression` shortcuts. The values inside are real
sqlglot trees: names are `exp.Table` / `exp.Identifier`, option values `exp.Literal`, and the query
of a CREATE is the tree sqlglot's MySQL grammar built (`exp.Select`, `exp.Union`, ...).

The nodes themselves are not `exp.Expression` subclasses: with `sqlglot[c]` (the mypyc build this
project installs) sqlglot's compiled classes cannot be subclassed from Python; instantiating such
a subclass raises `TypeError: interpreted classes cannot inherit from compiled`. So `Statement`
is a small plain class that offers the part of the Expression API the core needs (`args`,
`arg_types`, `this`, `expression`, `key`, `sql()`, `copy()`, structural `==`), and works the same
with the pure-Python build.

`node.sql()` renders the canonical text (through `grammar.render`, in the Jasmine dialect unless
another is given):

>>> from jasmine_proxy.grammar import parse
>>> parse("drop   materialization if exists `shop`.m").sql()
'DROP MATERIALIZATION IF EXISTS shop.m'
"""

from __future__ import annotations

from typing import Any, ClassVar

from sqlglot import exp


class Statement:
    """Base of every extended statement node (and of `MaterializationOption`)."""

    #: Argument name -> whether it is required, as in sqlglot.
    arg_types: ClassVar[dict[str, bool]] = {}

    def __init__(self, **args: Any) -> None:
        unknown = set(args) - set(self.arg_types)
        if unknown:
            raise TypeError(f"{type(self).__name__} has no argument(s) {sorted(unknown)}")
        missing = [k for k, required in self.arg_types.items() if required and args.get(k) is None]
        if missing:
            raise TypeError(f"{type(self).__name__} needs argument(s) {missing}")
        self.args: dict[str, Any] = {k: args.get(k) for k in self.arg_types}

    @property
    def key(self) -> str:
        """The node's name in lower case, as sqlglot's `Expression.key`."""
        return type(self).__name__.lower()

    @property
    def this(self) -> Any:
        return self.args.get("this")

    @property
    def expression(self) -> Any:
        return self.args.get("expression")

    @property
    def name(self) -> str:
        """The name of `this` (the materialization's name without its schema), or ''."""
        this = self.this
        if isinstance(this, exp.Expr):
            return this.name
        return this.name if isinstance(this, Statement) else ""

    def sql(self, dialect: Any = None, **opts: Any) -> str:
        """The canonical text of the statement (identifiers and query rendered by `dialect`)."""
        from jasmine_proxy.grammar import render  # grammar imports this module

        return render(self, dialect, **opts)

    def copy(self) -> Statement:
        """A deep copy (sqlglot subtrees are copied too)."""
        return type(self)(**{k: _copy(v) for k, v in self.args.items()})

    def __eq__(self, other: object) -> bool:
        return type(self) is type(other) and self.args == other.args

    def __hash__(self) -> int:
        return hash((type(self).__name__, self.sql()))

    def __repr__(self) -> str:
        inner = ", ".join(f"{k}={v!r}" for k, v in self.args.items() if v not in (None, [], False))
        return f"{type(self).__name__}({inner})"


def _copy(value: Any) -> Any:
    if isinstance(value, (exp.Expr, Statement)):
        return value.copy()
    if isinstance(value, list):
        return [_copy(v) for v in value]
    return value


class MaterializationOption(Statement):
    """`option = value` inside WITH (...) or SET (...).

    `this`: exp.Var, the option name as written. `expression`: exp.Literal, a string or number as
    written; a bare word (`build = deferred`) is taken as the string it spells.
    """

    arg_types = {"this": True, "expression": True}

    @property
    def value(self) -> str:
        """The value's text: the string's content, or the number as written."""
        return str(self.expression.this)


class CreateMaterialization(Statement):
    """CREATE MATERIALIZATION [IF NOT EXISTS] name [USING strategy] [WITH (option = value, ...)]
    AS query

    `this` exp.Table, `exists` bool, `strategy` exp.Var or None (as written), `options` list of
    MaterializationOption, `expression` the query (exp.Query: Select, Union, Subquery, ...).
    """

    arg_types = {
        "this": True,
        "exists": False,
        "strategy": False,
        "options": False,
        "expression": True,
    }


class ShowMaterializations(Statement):
    """SHOW MATERIALIZATIONS [{FROM | IN} schema] [LIKE 'pattern' | WHERE expr]

    `db` exp.Identifier or None, `like` exp.Literal or None, `where` a sqlglot condition or None.
    """

    arg_types = {"db": False, "like": False, "where": False}


class ShowCreateMaterialization(Statement):
    """SHOW CREATE MATERIALIZATION name  (`this` exp.Table)"""

    arg_types = {"this": True}


class ShowMaterializationEvents(Statement):
    """SHOW MATERIALIZATION EVENTS [FOR name] [LIMIT n]

    `this` exp.Table or None, `limit` exp.Literal (a whole number) or None.
    """

    arg_types = {"this": False, "limit": False}


class ExplainCreateMaterialization(Statement):
    """EXPLAIN CREATE MATERIALIZATION ...  (`this` the CreateMaterialization)"""

    arg_types = {"this": True}


#: The actions of ALTER MATERIALIZATION, as stored in `AlterMaterialization.args["action"]`.
ALTER_ACTIONS = ("STEP", "REFRESH", "PAUSE", "RESUME", "REBUILD", "SET")


class AlterMaterialization(Statement):
    """ALTER MATERIALIZATION name {STEP [event] | REFRESH | PAUSE | RESUME | REBUILD
    | SET (option = value, ...)}

    `this` exp.Table, `action` one of ALTER_ACTIONS (upper case), `event` exp.Var or None (STEP's
    event as written; the lifecycle checks it), `options` list of MaterializationOption (SET).
    """

    arg_types = {"this": True, "action": True, "event": False, "options": False}


class RefreshMaterialization(Statement):
    """REFRESH MATERIALIZATION name  (`this` exp.Table)"""

    arg_types = {"this": True}


class DropMaterialization(Statement):
    """DROP MATERIALIZATION [IF EXISTS] name  (`this` exp.Table, `exists` bool)"""

    arg_types = {"this": True, "exists": False}


#: Every statement node (not MaterializationOption, which is a part of two of them).
STATEMENTS: tuple[type[Statement], ...] = (
    CreateMaterialization,
    ShowMaterializations,
    ShowCreateMaterialization,
    ShowMaterializationEvents,
    ExplainCreateMaterialization,
    AlterMaterialization,
    RefreshMaterialization,
    DropMaterialization,
)
