"""`trigger`: a keyed table kept current by AFTER INSERT/UPDATE/DELETE triggers on every source
table, inside the writer's own transaction: zero lag, and a rollback undoes the maintenance
with the write.

Objects. The rows live in an internal table `_jasmine_<name>_<digest>_data` whose primary key is
the output key (the GROUP BY columns, else the key the analysis found: the facts' primary keys
or `unique_key`), so every maintenance step is an index lookup. The key is stored encoded
(`_jasmine_k<i>` = IFNULL(CONCAT('v', value), 'n')) because a primary key cannot hold the NULL
that a GROUP BY value may be, and the encoding groups values exactly as GROUP BY does (same
collation). The table also holds hidden helper columns: `_jasmine_n`, the number of source rows
in a group (a group whose count drops to 0 is deleted); per SUM or AVG a running sum and a count
of its non-NULL arguments (SUM of only NULLs is NULL; AVG is the sum over that count); per MIN
or MAX the current extreme. `name` itself is a VIEW over that table that shows exactly the
query's columns, computing SUM, AVG and expressions over aggregates from the helpers, so
`SELECT * FROM name` never shows a helper, and the plan's objects (view, table, triggers) are
what exists.

Maintenance. A change to a row of source T is a delta: the query with T replaced by the one-row
derived table `(SELECT NEW.a AS a, ...)` gives the rows to add, with OLD the rows to take away;
every other source is read as it is at that moment (its own changes have their own triggers),
so the deltas add up to the query's result after any sequence of writes. Inner joins need
nothing more; a table on the right of a LEFT JOIN (joined on its key, else refused) is
restricted to the left rows that match OLD or NEW. Grouped queries upsert the deltas (INSERT
... ON DUPLICATE KEY UPDATE adds counts and sums, LEAST/GREATEST for MIN/MAX), delete groups
whose count reached 0, and when a removed value was a group's MIN or MAX, recompute that
extreme from the sources for that group alone. Queries without GROUP BY delete the output rows
that OLD produced and insert those NEW produces. An UPDATE that changes no column the query
reads does nothing. Every read inside the triggers is a locking read (LOCK IN SHARE MODE), so
it sees the latest committed rows whatever the writer's isolation level, and concurrent writers
never lose each other's changes; conflicting writers may instead get a deadlock error (1213)
and retry, as InnoDB applications do. A row of the FROM table that is in at most one row of the
join (every join on the joined table's key) gets per-row deltas without GROUP BY.

Limits. SUM and AVG over FLOAT/DOUBLE are exact only up to the rounding of floating-point
addition done in another order. GROUP BY a case-insensitive string shows the spelling of the
group's first row seen, which a fresh run may spell otherwise ('North' or 'north').

Creating without losing writes. The triggers are created first, writing into the (empty) table;
CREATE TRIGGER waits for the open transactions that wrote the table, so from then on every
change is maintained. Then `Fill` replaces the table's rows with the query's in one transaction
under LOCK TABLES (sources READ, the table WRITE): the lock waits for writers in flight and holds
new ones off for the length of the fill, so the fill sees every committed write, the deltas
triggers wrote before it are replaced, and every write after it is a delta on the filled table.
`rebuild` runs the same fill (readers of the view wait for it rather than see partial rows).
`refresh` has nothing to do. `drop` removes exactly Jasmine's triggers (by name), the view and
the table; the user's own triggers on the same tables and events are left alone, and Jasmine's
are created to FOLLOW the table's last user trigger, so the user's run first.

A statement that writes a source while reading the materialization (INSERT INTO src SELECT
... FROM name) is refused by MariaDB (1442), as for any trigger. Creating the triggers needs the
client's TRIGGER privilege on the sources' schemas (checked at verify).

The embedded default (`Builder(embedded=True)`, see `backends/sqlite.py`): the same statements in
MySQL's dialect, which the engine translates into the bodies of SQLite triggers. SQLite has one
writer at a time, so there are no locking reads and no deadlocks; the skip-unchanged condition is
the trigger's WHEN; upsert assignments name bare columns (SQLite's ON CONFLICT DO UPDATE reads
them as the stored row's); and a removed MIN/MAX is recomputed by an upsert of the groups that
still exist (a SQLite trigger's UPDATE cannot alias its table, and the recompute must be
correlated with the group), the removed extreme carried in the helper's column of `excluded`.
The fill is one transaction that holds the write lock, which every writer waits for. SQLite runs
its triggers in an unspecified order, so the user's own triggers on the same table are not
ordered before Jasmine's (they are kept, and DROP removes only Jasmine's).

>>> from jasmine_proxy.patterns import PATTERNS
>>> sorted(PATTERNS["trigger"].options)
['build', 'target_lag', 'unique_key']
"""

from __future__ import annotations

from dataclasses import dataclass

import sqlglot
from sqlglot import exp
from sqlglot.errors import SqlglotError

from jasmine_proxy.analysis import Analysis, Source
from jasmine_proxy.patterns import Definition, internal, register
from jasmine_proxy.plan import (
    CreateTableAs,
    CreateTrigger,
    CreateView,
    Drop,
    DropTrigger,
    Fill,
    Name,
    Op,
    Owned,
    Plan,
)
from jasmine_proxy.sqltree import aggregate_calls, aggregate_kind, bare_columns

PREFIX = "_jasmine_"
COUNT = "_jasmine_n"
DATA, TARGET, DELTA = "_jasmine_d", "_jasmine_t", "_jasmine_x"
EVENTS = {"INSERT": "ai", "UPDATE": "au", "DELETE": "ad"}
KINDS = frozenset({"count_star", "count", "sum", "avg", "min", "max"})


def _id(name: str) -> exp.Identifier:
    return exp.to_identifier(name, quoted=True)


def _col(name: str, table: str | None = None) -> exp.Column:
    return exp.Column(this=_id(name), table=_id(table) if table else None)


def _sql(node: exp.Expr) -> str:
    return node.sql("mysql")


@dataclass(frozen=True)
class Helper:
    """A hidden column of the data table: `kind` count (added up), sum (added up, 0 for none),
    min or max (kept, recomputed when the extreme is removed); `argument` what it aggregates."""

    column: str
    kind: str
    argument: exp.Expr

    def value(self, per_row: bool = False) -> exp.Expr:
        """Its value over a set of rows, or (`per_row`) for one row (sign applied by the
        caller)."""
        arg = self.argument.copy()
        if per_row and self.kind == "count":
            one, zero = exp.Literal.number(1), exp.Literal.number(0)
            return exp.If(this=exp.Is(this=arg, expression=exp.Null()), true=zero, false=one)
        if per_row and self.kind == "sum":
            return exp.Coalesce(this=arg, expressions=[exp.Literal.number(0)])
        if per_row:
            return arg
        if self.kind == "count":
            return exp.Count(this=arg)
        if self.kind == "sum":
            return exp.Coalesce(this=exp.Sum(this=arg), expressions=[exp.Literal.number(0)])
        return exp.Min(this=arg) if self.kind == "min" else exp.Max(this=arg)


class Builder:
    """The SQL of one trigger materialization, from its definition's analysis. `embedded`:
    for the embedded default (no locking reads, upsert assignments naming bare columns)."""

    def __init__(self, d: Definition, embedded: bool = False) -> None:
        assert d.analysis is not None
        self.d, self.a = d, d.analysis
        self.embedded = embedded
        self.lock = "" if embedded else " LOCK IN SHARE MODE"
        self.select = _select(d)
        self.data = internal(d.name, "data")
        self.grouped = bool(self.a.group_by or self.a.aggregates)
        outputs = self.a.outputs
        nodes = [self._output_node(o.name) for o in outputs]
        self.nodes = dict(zip((o.name for o in outputs), nodes, strict=True))
        if self.grouped:
            self.key_names = [str(g.output) for g in self.a.group_by]
            self.key_names = list(dict.fromkeys(self.key_names))
            self.stored = [o.name for o in outputs if not o.aggregated]
        else:
            self.key_names = list(self.a.key or ())
            self.stored = [o.name for o in outputs]
        self.keys = [f"{PREFIX}k{i}" for i in range(len(self.key_names))] or [f"{PREFIX}k"]
        self.helpers: list[Helper] = []
        self.view_of: dict[str, exp.Expr] = {}  # aggregate call text -> its view expression
        if self.grouped:
            for o in outputs:
                if o.aggregated:
                    for call in aggregate_calls(self.nodes[o.name]):
                        self._helper(call)

    # -- reading the query ------------------------------------------------------------------

    def _output_node(self, name: str) -> exp.Expr:
        o = next(o for o in self.a.outputs if o.name == name)
        if o.kind == "column" and o.source is not None:
            return _col(o.source.column, o.source.table)
        return sqlglot.parse_one(o.sql, read="mysql")

    def _need(self, kind: str, argument: exp.Expr) -> exp.Column:
        """The helper column of `kind` over `argument`, added once however often used."""
        found = next(
            (h for h in self.helpers if h.kind == kind and _sql(h.argument) == _sql(argument)),
            None,
        )
        if found is None:
            found = Helper(f"{PREFIX}a{len(self.helpers)}", kind, argument)
            self.helpers.append(found)
        return _col(found.column)

    def _helper(self, call: exp.Func) -> None:
        """The view expression of an aggregate call, from the helper columns it needs."""
        text = _sql(call)
        if text in self.view_of:
            return
        kind, _ = aggregate_kind(call)
        argument = call.this
        if isinstance(argument, exp.Distinct):  # MIN/MAX(DISTINCT x) is MIN/MAX(x)
            argument = argument.expressions[0]
        if kind == "count_star":
            self.view_of[text] = _col(COUNT)
        elif kind in ("count", "min", "max"):
            self.view_of[text] = self._need(kind, argument)
        else:  # sum, avg: a running sum and the count of non-NULL arguments
            total, count = self._need("sum", argument), self._need("count", argument)
            shown: exp.Expr = total if kind == "sum" else exp.Div(this=total, expression=count)
            self.view_of[text] = exp.If(
                this=exp.EQ(this=count.copy(), expression=exp.Literal.number(0)),
                true=exp.Null(),
                false=shown,
            )

    # -- the pieces of every statement -------------------------------------------------------

    def one(self, alias: str) -> bool:
        """Whether a row of `alias` is in at most one row of the join: it is the FROM table and
        every join is on the joined table's key. Its deltas then need no GROUP BY."""
        first = self.a.sources[0].alias if self.a.sources else None
        return alias == first and all(j.on_key for j in self.a.joins)

    def from_(
        self, alias: str | None = None, row: str | None = None, empty: bool = False
    ) -> exp.Select:
        """SELECT (nothing yet) FROM the query's sources and WHERE; with `alias` replaced by
        the one-row table of the trigger's `row` (NEW or OLD), or by none of its rows."""
        select = self.select.copy()
        for key in ("expressions", "group", "having", "order", "limit", "offset", "distinct"):
            select.set(key, [] if key == "expressions" else None)
        tables = [select.args["from_"].this] + [j.this for j in select.args.get("joins") or []]
        for node, source in zip(tables, self.a.sources, strict=True):
            if source.alias == alias and row is not None:
                node.replace(
                    exp.Subquery(
                        this=_row_select(source, row, empty),
                        alias=exp.TableAlias(this=_id(alias)),
                    )
                )
            else:
                node.replace(_table(source.name, source.alias))
        return select

    def columns(self) -> list[str]:
        extra = [COUNT] if self.grouped else []
        return [*self.keys, *self.stored, *extra, *(h.column for h in self.helpers)]

    def rows(
        self, alias: str | None = None, row: str | None = None, sign: int = 1, empty: bool = False
    ) -> exp.Select:
        """The data table's rows for the query, or (with `alias`, `row`) for one row's delta."""
        select = self.from_(alias, row, empty)
        per_row = alias is not None and self.one(alias)  # no GROUP BY: no temporary table
        items: list[exp.Expr] = [
            exp.alias_(_encoded(self.nodes[n]), k, quoted=True)
            for n, k in zip(self.key_names, self.keys[: len(self.key_names)], strict=True)
        ]
        if not self.key_names:
            items.append(exp.alias_(exp.Literal.string("v"), self.keys[0], quoted=True))
        items += [exp.alias_(self.nodes[n].copy(), n, quoted=True) for n in self.stored]
        if self.grouped:
            count = exp.Literal.number(1) if per_row else exp.Count(this=exp.Star())
            items.append(exp.alias_(_signed(count, sign), COUNT, quoted=True))
            for h in self.helpers:
                value = h.value(per_row)
                value = value if h.kind in ("min", "max") else _signed(value, sign)
                items.append(exp.alias_(value, h.column, quoted=True))
        select.set("expressions", items)
        if self.grouped and self.key_names and not per_row:
            select.set(
                "group", exp.Group(expressions=[self.nodes[n].copy() for n in self.key_names])
            )
        return select

    def view(self) -> str:
        items: list[exp.Expr] = []
        for o in self.a.outputs:
            if not self.grouped or not o.aggregated:
                items.append(_col(o.name))
                continue
            node = self.nodes[o.name].copy()
            for call in list(aggregate_calls(node)):
                replacement = self.view_of[_sql(call)].copy()
                if call is node:
                    node = replacement
                else:
                    call.replace(replacement)
            items.append(exp.alias_(node, o.name, quoted=True))
        return _sql(exp.select(*items).from_(self.data.table()))

    # -- triggers ---------------------------------------------------------------------------

    def restricted(self, source: Source, event: str) -> exp.Expr | None:
        """For a table on the right of a LEFT JOIN: the rows of its partners that match OLD or
        NEW (those are the only rows whose result the change alters)."""
        join = next((j for j in self.a.joins if j.table == source.alias), None)
        if join is None or join.kind != "left":
            return None
        rows = {"INSERT": ["NEW"], "DELETE": ["OLD"], "UPDATE": ["OLD", "NEW"]}[event]
        matches: list[exp.Expr] = []
        for row in rows:
            pairs = [
                exp.EQ(this=_col(other.column, other.table), expression=_new_old(row, mine.column))
                for mine, other in join.equalities
            ]
            matches.append(exp.Paren(this=exp.and_(*pairs)))
        return exp.or_(*matches)

    def delta(
        self, source: Source, event: str, row: str, sign: int, empty: bool = False
    ) -> exp.Select:
        select = self.rows(source.alias, row, sign, empty)
        only = self.restricted(source, event)
        if only is not None:
            select = select.where(only)
        return select

    def body(self, source: Source, event: str) -> tuple[str, ...]:
        """The trigger's statements (run only `when`): take away what the old row gave, add
        what the new one gives. For a table on the right of a LEFT JOIN an inserted row first
        takes away the NULL-extended rows it replaces, and a deleted one adds them back."""
        left = self.restricted(source, event) is not None
        old: tuple[str, bool] | None = ("OLD", False) if event != "INSERT" else None
        new: tuple[str, bool] | None = ("NEW", False) if event != "DELETE" else None
        if left and old is None:
            old = ("NEW", True)
        if left and new is None:
            new = ("OLD", True)
        removal = self.removal(source, event, *old) if old else ()
        add = [self.upsert(self.delta(source, event, new[0], 1, new[1]), add=True)] if new else []
        steps = [*removal[:1], *add, *removal[1:]] if self.grouped else [*removal, *add]
        return tuple(steps)

    def when(self, source: Source, event: str) -> str | None:
        """The condition under which the trigger does anything: an UPDATE that changes no
        column the query reads changes nothing."""
        if event != "UPDATE":
            return None
        read = [r.column for r in self.a.reads if r.table == source.alias]
        same = (  # BINARY: a change of case or of trailing spaces is a change too
            " AND ".join(f"BINARY NEW.{_sql(_id(c))} <=> BINARY OLD.{_sql(_id(c))}" for c in read)
            or "TRUE"
        )
        return f"NOT ({same})"

    def removal(self, source: Source, event: str, row: str, empty: bool) -> tuple[str, ...]:
        """What taking `row` away does: subtract (grouped) or delete its rows, then drop groups
        that emptied and recompute a removed MIN/MAX."""
        old = self.delta(source, event, row, -1, empty)
        matched = self._matched(old)
        if not self.grouped:
            return (f"DELETE {_sql(_id(DATA))} FROM {matched}",)
        steps = [self.upsert(old, add=False)]
        if self.key_names:
            steps.append(
                f"DELETE {_sql(_id(DATA))} FROM {matched} WHERE {_sql(_col(COUNT, DATA))} <= 0"
            )
        extremes = [h for h in self.helpers if h.kind in ("min", "max")]
        if extremes:
            steps.append(self.recompute(old, extremes))
        return tuple(steps)

    def _matched(self, delta: exp.Select, extra: list[exp.Expr] | None = None) -> str:
        """`data AS d JOIN (the delta's keys [and extra columns]) AS x ON the key`."""
        keys = delta.copy()
        wanted = set(self.keys)
        keys.set("expressions", [e for e in keys.expressions if e.alias in wanted] + (extra or []))
        if extra is None:  # no GROUP BY, no DISTINCT: the optimizer merges the derived table
            keys.set("group", None)
        on = " AND ".join(f"{_sql(_col(k, DATA))} = {_sql(_col(k, DELTA))}" for k in self.keys)
        return (
            f"{self.data.sql()} AS {_sql(_id(DATA))} "
            f"JOIN ({_sql(keys)}{self.lock}) AS {_sql(_id(DELTA))} "
            f"ON {on}"
        )

    def recompute(self, old: exp.Select, extremes: list[Helper]) -> str:
        if self.embedded:
            return self._recompute_upsert(old, extremes)
        per_row = old.args.get("group") is None and bool(self.key_names)
        removed = [
            exp.alias_(h.value(per_row), f"{h.column}r", quoted=True) for h in extremes
        ]  # the extreme of the removed rows, per group
        matched = self._matched(old, removed)
        sets = []
        for h in extremes:
            current, gone = _col(h.column, DATA), _col(f"{h.column}r", DELTA)
            compare = "<=" if h.kind == "min" else ">="
            fresh = self.from_()
            conditions = [
                exp.NullSafeEQ(this=self.nodes[n].copy(), expression=_col(n, DATA))
                for n in self.key_names
            ]
            for c in conditions:
                fresh = fresh.where(c)
            fresh.set("expressions", [h.value()])
            sets.append(
                f"{_sql(current)} = IF({_sql(gone)} {compare} {_sql(current)} "
                f"OR {_sql(current)} IS NULL, ({_sql(fresh)}{self.lock}), {_sql(current)})"
            )
        return f"UPDATE {matched} SET {', '.join(sets)}"

    def _recompute_upsert(self, old: exp.Select, extremes: list[Helper]) -> str:
        """`recompute` for SQLite, where a trigger's UPDATE cannot name its table with an
        alias: an upsert of the groups the removal touched that still exist, each row
        carrying the removed extreme in the helper's column, always meeting its key, so that
        ON CONFLICT compares it with the kept one (`excluded`) and recomputes it if it was the
        extreme, from the sources, for that group (the group's values in `excluded` too)."""
        wanted = {*self.keys, *self.stored, *(h.column for h in extremes)}
        removed = old.copy()
        removed.set("expressions", [e for e in removed.expressions if e.alias in wanted])
        names = [str(e.alias) for e in removed.expressions]
        present = exp.select("1").from_(self.data.table().as_(DATA, quoted=True))
        for k in self.keys:
            present = present.where(exp.EQ(this=_col(k, DATA), expression=_col(k, DELTA)))
        rows = exp.select("*").from_(removed.subquery(DELTA, copy=False))
        rows = rows.where(exp.Exists(this=present))
        sets = []
        for h in extremes:
            q, gone = _sql(_id(h.column)), _sql(_col(h.column, "excluded"))
            compare = "<=" if h.kind == "min" else ">="
            fresh = self.from_()
            for n in self.key_names:
                same = exp.NullSafeEQ(this=self.nodes[n].copy(), expression=_col(n, "excluded"))
                fresh = fresh.where(same)
            fresh.set("expressions", [h.value()])
            sets.append(f"{q} = IF({gone} {compare} {q} OR {q} IS NULL, ({_sql(fresh)}), {q})")
        columns = ", ".join(_sql(_id(c)) for c in names)
        return (
            f"INSERT INTO {self.data.sql()} ({columns}) {_sql(rows)} "
            f"ON DUPLICATE KEY UPDATE {', '.join(sets)}"
        )

    def upsert(self, delta: exp.Select, add: bool) -> str:
        """INSERT the delta's rows; a row whose key exists is combined with it."""
        target = self.data.sql()
        mine = "" if self.embedded else f"{target}."  # SQLite: bare names are the row's
        columns = self.columns()
        sets = []
        if self.grouped:
            for c in [COUNT, *(h.column for h in self.helpers if h.kind in ("count", "sum"))]:
                q = _sql(_id(c))
                sets.append(f"{mine}{q} = {mine}{q} + VALUES({q})")
        if add:
            for h in self.helpers:
                if h.kind in ("min", "max"):
                    q = _sql(_id(h.column))
                    best = "LEAST" if h.kind == "min" else "GREATEST"
                    sets.append(
                        f"{mine}{q} = COALESCE({best}({mine}{q}, VALUES({q})), "
                        f"{mine}{q}, VALUES({q}))"
                    )
            for n in self.stored:
                q = _sql(_id(n))
                sets.append(f"{mine}{q} = VALUES({q})")
        if not sets:  # nothing to combine (a key of no stored column): keep the row
            q = _sql(_id(self.keys[0]))
            sets.append(f"{mine}{q} = {mine}{q}")
        names = ", ".join(_sql(_id(c)) for c in columns)
        return (  # the data table's columns named in full: no clash with the sources' names
            f"INSERT INTO {target} ({names}) {_sql(delta)}{self.lock} "
            f"ON DUPLICATE KEY UPDATE {', '.join(sets)}"
        )

    # -- the plan ---------------------------------------------------------------------------

    def triggers(self) -> list[CreateTrigger]:
        found = []
        for i, source in enumerate(self.a.sources):
            for event, suffix in EVENTS.items():
                name = Name(source.name.schema, internal(self.d.name, f"{i}{suffix}").name)
                body, when = self.body(source, event), self.when(source, event)
                found.append(CreateTrigger(name, source.name, event, body, when=when))
        return found


def _select(d: Definition) -> exp.Select:
    """The query's SELECT, parsed from its text (a clean tree), else the definition's."""
    try:
        tree: exp.Expr = sqlglot.parse_one(d.query_text, read="mysql")
    except SqlglotError:
        tree = d.query
    while isinstance(tree, exp.Subquery) and isinstance(tree.this, exp.Query):
        tree = tree.this
    assert isinstance(tree, exp.Select)
    return tree


def _table(name: Name, alias: str) -> exp.Table:
    table = name.table()
    table.set("alias", exp.TableAlias(this=_id(alias)))
    return table


def _new_old(row: str, column: str) -> exp.Column:
    return exp.Column(this=_id(column), table=exp.to_identifier(row, quoted=False))


def _row_select(source: Source, row: str, empty: bool = False) -> exp.Select:
    """`SELECT NEW.a AS a, ...`: the row as a table (with no row when `empty`)."""
    assert source.keys is not None
    select = exp.select(
        *(exp.alias_(_new_old(row, c), c, quoted=True) for c in source.keys.columns)
    )
    return select.where(exp.false()) if empty else select


def _encoded(value: exp.Expr) -> exp.Expr:
    """A key value as a NOT NULL string that compares as the value groups."""
    text = exp.Concat(expressions=[exp.Literal.string("v"), value.copy()])
    return exp.func("IFNULL", text, exp.Literal.string("n"))


def _signed(value: exp.Expr, sign: int) -> exp.Expr:
    return value if sign > 0 else exp.Neg(this=value)


def obstacle(a: Analysis) -> str | None:
    """What the trigger pattern cannot maintain beyond the analysis' obstacles."""
    for j in a.joins:
        if j.kind == "left" and not j.on_key:
            return f"LEFT JOIN to `{j.table}` not on its primary or unique key"
    for g in a.aggregates:
        if g.kind not in KINDS:
            return f"aggregate {g.sql}"
    for o in a.outputs:
        if o.name.lower().startswith(PREFIX):
            return f"output column `{o.name}` (names starting with {PREFIX} are Jasmine's)"
        if o.aggregated and any(True for _ in bare_columns(sqlglot.parse_one(o.sql, "mysql"))):
            return f"output column `{o.name}` combines aggregates with columns outside them"
    if not (a.group_by or a.aggregates) and not a.key:
        return "no output key (select the primary key of the driving table or give unique_key)"
    if any(s.keys is None for s in a.sources):
        return "a source table that is not known"
    return None


@register
class Trigger:
    name = "trigger"
    options = frozenset({"target_lag", "unique_key", "build"})
    summary = "a keyed table kept current by triggers on every source, in the writer's transaction"

    def obstacle(self, d: Definition) -> str | None:
        found = d.obstacle(self.name)
        if found is not None:
            return found
        if d.analysis is None:
            return "the query's sources are not known (no analysis)"
        return obstacle(d.analysis)

    def compile(self, d: Definition) -> Plan:
        b = Builder(d, embedded=d.backend == "sqlite")
        triggers = b.triggers()
        reads = tuple((s.name, s.alias) for s in b.a.sources)
        fill = Fill(b.data, reads, tuple(b.columns()), _sql(b.rows()))
        empty = b.rows().limit(0)
        view = b.view()
        drops: tuple[Op, ...] = tuple(DropTrigger(t.name) for t in triggers)
        return Plan(
            strategy=self.name,
            reasons=(
                "trigger: maintained by AFTER INSERT/UPDATE/DELETE triggers on "
                f"{', '.join(str(s.name) for s in b.a.sources)} in the writer's transaction "
                "(zero lag)",
            ),
            default_schema=d.default_schema,
            objects=(
                Owned(d.name, "VIEW"),
                Owned(b.data, "TABLE"),
                *(Owned(t.name, "TRIGGER") for t in triggers),
            ),
            events={
                "create": (
                    CreateTableAs(b.data, _sql(empty), tuple(b.keys)),
                    *triggers,
                    fill,
                    CreateView(d.name, view),
                ),
                "rebuild": (*drops, *triggers, fill, CreateView(d.name, view, replace=True)),
                "drop": (*drops, Drop(d.name, "VIEW"), Drop(b.data, "TABLE")),
            },
        )
