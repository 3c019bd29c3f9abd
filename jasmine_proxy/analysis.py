"""Query analysis for the maintaining strategies: pure, synchronous, no I/O.

`analyze(query, keys, default_schema)` reads a materialization's SELECT (the sqlglot MySQL tree)
together with the catalog facts the caller fetched beforehand (`KeyInfo`: per source table its
columns, primary key, unique keys and auto-increment column; `source_tables` says which tables to
fetch) and finds what the incremental, trigger and window_join patterns are built on: the source
tables, the join graph, the driving table and its watermark, the GROUP BY keys, the aggregates,
the output columns and where each comes from, the key of the output, and every construct a
strategy cannot maintain (`obstacles.Obstacle`, with its place in the query text).

Give `text=` (the query as written) for positions: the text is parsed again so that positions
are the query's own (the tree of a CREATE statement carries offsets into the whole statement).

>>> from sqlglot import parse_one
>>> keys = KeyInfo({Name("shop", "t"): TableKeys(("id", "a"), ("id",), auto_increment="id")})
>>> a = analyze(parse_one("SELECT a, COUNT(*) AS n FROM t GROUP BY a", read="mysql"), keys, "shop")
>>> a.key, a.key_origin, [g.kind for g in a.aggregates], a.accepting()
(('a',), 'group_by', ['count_star'], ['incremental', 'snapshot', 'trigger', 'view'])
>>> text = "SELECT ROW_NUMBER() OVER (ORDER BY a), id FROM t"
>>> print(analyze(parse_one(text, read="mysql"), keys, "shop", text=text).refusal("trigger"))
... # doctest: +NORMALIZE_WHITESPACE
window function ROW_NUMBER() at line 1, column 8 cannot be maintained by trigger;
snapshot and view accept this query
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace

import sqlglot
from sqlglot import exp
from sqlglot.errors import SqlglotError

from jasmine_proxy.obstacles import STRATEGIES, Locator, Obstacle, join_words, structural
from jasmine_proxy.options import Options
from jasmine_proxy.plan import Name


@dataclass(frozen=True)
class TableKeys:
    """What the catalog says about one source table (column names as the catalog spells them).
    `unique_keys` should hold only keys whose columns are all NOT NULL: others identify nothing."""

    columns: tuple[str, ...]
    primary_key: tuple[str, ...] = ()
    unique_keys: tuple[tuple[str, ...], ...] = ()
    auto_increment: str | None = None

    def column(self, name: str) -> str | None:
        """The catalog's spelling of a column (MySQL column names ignore case), or None."""
        return next((c for c in self.columns if c.lower() == name.lower()), None)

    def is_key(self, columns: set[str]) -> bool:
        """Whether `columns` include the primary key or a unique key (one row per value)."""
        have = {c.lower() for c in columns}
        keys = [self.primary_key, *self.unique_keys]
        return any(k and {c.lower() for c in k} <= have for k in keys)


@dataclass(frozen=True)
class KeyInfo:
    """Catalog facts per source table; a table missing here is an unknown table."""

    tables: Mapping[Name, TableKeys] = field(default_factory=dict)

    def get(self, name: Name) -> TableKeys | None:
        if name in self.tables:
            return self.tables[name]
        folded = [k for k in self.tables if str(k).lower() == str(name).lower()]
        return self.tables[folded[0]] if len(folded) == 1 else None


@dataclass(frozen=True)
class ColumnRef:
    """A source column: the table's name in the query (its alias) and the column's name."""

    table: str
    column: str

    def __str__(self) -> str:
        return f"{quote(self.table)}.{quote(self.column)}"


@dataclass(frozen=True)
class Source:
    """A table of the FROM clause: `alias` is the name the query uses for it."""

    name: Name
    alias: str
    keys: TableKeys | None


@dataclass(frozen=True)
class Join:
    """A join to `table` (an alias): `kind` inner/left/right/full/cross; `equalities` the
    column pairs it is matched on (joined table's column first); `on_key` whether those cover a
    primary or unique key of the joined table (at most one match per row); `residual` the rest
    of its condition."""

    table: str
    kind: str
    equalities: tuple[tuple[ColumnRef, ColumnRef], ...]
    on_key: bool
    residual: str | None = None


@dataclass(frozen=True)
class OutputColumn:
    """An output column: its `name` (as MySQL names it), its expression, `kind` column /
    aggregate / expression, the plain `source` column it is (kind column), `lineage` every source
    column it depends on, `aggregated` whether an aggregate is inside it."""

    name: str
    sql: str
    kind: str
    source: ColumnRef | None
    lineage: tuple[ColumnRef, ...]
    aggregated: bool


@dataclass(frozen=True)
class GroupKey:
    """A GROUP BY key: its expression, the plain column it is, the output column showing it."""

    sql: str
    source: ColumnRef | None
    output: str | None


@dataclass(frozen=True)
class Aggregate:
    """An aggregate call. `kind`: count_star, count, count_distinct, sum, sum_distinct, avg,
    avg_distinct, min, max, or other (GROUP_CONCAT, STDDEV ...). `argument` its argument's text;
    `output` the output column that is exactly this aggregate; `used_in` the output column (or
    HAVING) whose expression contains it."""

    kind: str
    sql: str
    argument: str | None
    output: str | None
    used_in: str


@dataclass(frozen=True)
class TimeWindow:
    """`right` lies between `lower` and `upper`, expressions over `left` (such as
    "e.ts - INTERVAL '5' MINUTE"): the matching condition of a window_join."""

    left: ColumnRef
    right: ColumnRef
    lower: str
    upper: str


@dataclass(frozen=True)
class Analysis:
    tables: tuple[Name, ...]  # every table the query reads, subqueries included
    sources: tuple[Source, ...]  # the tables of the top FROM clause, in order
    joins: tuple[Join, ...]
    driving: str | None  # the alias of the driving table
    watermark: ColumnRef | None
    watermark_origin: str | None  # "option" or "auto_increment"
    where: str | None
    group_by: tuple[GroupKey, ...]
    aggregates: tuple[Aggregate, ...]
    outputs: tuple[OutputColumn, ...]
    distinct: bool
    having: str | None
    key: tuple[str, ...] | None  # output columns identifying a row; () for a one-row result
    key_origin: str | None  # unique_key, group_by, distinct, single_row or primary_key
    time_window: TimeWindow | None
    obstacles: tuple[Obstacle, ...]
    reads: tuple[ColumnRef, ...] = ()  # every source column the top SELECT reads

    def obstacles_for(self, strategy: str) -> list[Obstacle]:
        return [o for o in self.obstacles if strategy.lower() in o.blocks]

    def obstacle(self, strategy: str) -> str | None:
        """The first obstacle for `strategy` with its place (what `Pattern.obstacle` returns),
        or None when the strategy accepts the query."""
        found = self.obstacles_for(strategy)
        return found[0].describe() if found else None

    def accepts(self, strategy: str) -> bool:
        return not self.obstacles_for(strategy)

    def accepting(self) -> list[str]:
        """The strategies that accept the query, by name."""
        return sorted(s for s in STRATEGIES if self.accepts(s))

    def refusal(self, strategy: str) -> str | None:
        """Why `strategy` cannot maintain the query, naming its first obstacle and the
        strategies that would accept it; None when it can."""
        found = self.obstacles_for(strategy)
        if not found:
            return None
        others = [s for s in self.accepting() if s != strategy]
        verb = "accepts" if len(others) == 1 else "accept"
        n = len(found) - 1
        more = f" (and {n} more obstacle{'s' * (n > 1)})" if n else ""
        return (
            f"{found[0].describe()}{more} cannot be maintained by {strategy}; "
            f"{join_words(others) or 'no strategy'} {verb} this query"
        )

    def source(self, alias: str | None) -> Source | None:
        return next((s for s in self.sources if s.alias == alias), None)

    def render(self) -> str:
        """A stable text form (the golden files of tests/analysis)."""
        return render(self)


def quote(name: str) -> str:
    """A name as MySQL needs it written: bare when plain, else in backticks (reserved words,
    spaces, backticks ...)."""
    return exp.to_identifier(name).sql("mysql") if name else "``"


def table_name(name: Name) -> str:
    """`schema`.`table` quoted as needed; the table alone when its schema is unknown."""
    return f"{quote(name.schema)}.{quote(name.name)}" if name.schema else quote(name.name)


def source_tables(query: exp.Query, default_schema: str | None) -> list[Name]:
    """Every table the query reads (CTE names excluded), schema-qualified, once each: what the
    caller fetches `KeyInfo` for. Tables with no schema and no default schema are left out."""
    ctes = {c.alias_or_name.lower() for c in query.find_all(exp.CTE)}
    tables = list(query.find_all(exp.Table, bfs=False))
    placed = {id(t): min((i.meta.get("start", 1 << 62) for i in t.find_all(exp.Identifier)),
                         default=1 << 62) for t in tables}  # fmt: skip
    found: list[Name] = []
    for table in sorted(tables, key=lambda t: placed[id(t)]):  # in the order of the text
        if not table.name or (not table.db and table.name.lower() in ctes):
            continue
        schema = table.db or default_schema
        if schema and Name(schema, table.name) not in found:
            found.append(Name(schema, table.name))
    return found


def analyze(
    query: exp.Query,
    keys: KeyInfo,
    default_schema: str | None,
    *,
    text: str | None = None,
    options: Options | None = None,
) -> Analysis:
    """The analysis of `query`: see the module docstring. Never raises on a query sqlglot
    parsed; what it cannot follow becomes an obstacle."""
    tree, at = _with_positions(query, text)
    while isinstance(tree, exp.Subquery) and not tree.alias and isinstance(tree.this, exp.Query):
        tree = tree.this
    found = list(structural(tree, at))
    tables = tuple(source_tables(tree, default_schema))
    if not isinstance(tree, exp.Select) or tree.args.get("with_"):
        return Analysis(
            tables, (), (), None, None, None, None, (), (), (), False, None, None, None, None,
            tuple(_dedupe(found)),
        )  # fmt: skip
    analysis = SelectAnalyzer(tree, keys, default_schema, at, options or Options()).run(tables)
    return replace(analysis, obstacles=tuple(_dedupe(found + list(analysis.obstacles))))


def _with_positions(query: exp.Query, text: str | None) -> tuple[exp.Query, Locator]:
    """The tree to analyse and a locator for it: parsed again from `text` when that is the
    same query, so that node positions are offsets into `text`."""
    if text is not None:
        try:
            parsed = sqlglot.parse_one(text, read="mysql")
        except SqlglotError:
            parsed = None
        if isinstance(parsed, exp.Query) and parsed == query:
            return parsed, Locator(text)
    return query, Locator(None)


def _dedupe(found: list[Obstacle]) -> list[Obstacle]:
    """Each obstacle once, in the order of the text (placeless ones last)."""
    seen: dict[tuple[str, str, int | None, int | None], Obstacle] = {}
    for o in found:
        seen.setdefault((o.code, o.message, o.line, o.column), o)
    return sorted(seen.values(), key=lambda o: (o.line is None, o.line or 0, o.column or 0))


def render(a: Analysis) -> str:
    """The analysis as stable text, one fact a line: what the golden files hold."""

    def keys(s: Source) -> str:
        if s.keys is None:
            return "unknown"
        parts = [f"primary {', '.join(map(quote, s.keys.primary_key)) or '-'}"]
        parts += [f"unique {', '.join(map(quote, u))}" for u in s.keys.unique_keys]
        if s.keys.auto_increment:
            parts.append(f"auto {quote(s.keys.auto_increment)}")
        return "; ".join(parts)

    lines = [f"tables: {', '.join(map(table_name, a.tables)) or '-'}"]
    lines += ["sources:"] + [
        f"  {quote(s.alias)} = {table_name(s.name)} ({keys(s)})" for s in a.sources
    ]
    lines += ["joins:"] + [
        f"  {j.kind} {quote(j.table)} on "
        + (" and ".join(f"{x} = {y}" for x, y in j.equalities) or "-")
        + (" (on key)" if j.on_key else "")
        + (f" residual {j.residual}" if j.residual else "")
        for j in a.joins
    ]
    watermark = f"{a.watermark} ({a.watermark_origin})" if a.watermark else "-"
    lines += [f"driving: {quote(a.driving) if a.driving else '-'}", f"watermark: {watermark}"]
    lines += [f"where: {a.where or '-'}", f"distinct: {'yes' if a.distinct else 'no'}"]
    lines += ["group by:"] + [
        f"  {g.sql}"
        + (f" = {g.source}" if g.source and str(g.source) != g.sql else "")
        + f" -> {quote(g.output) if g.output else '-'}"
        for g in a.group_by
    ]
    lines += [f"having: {a.having or '-'}", "aggregates:"] + [
        f"  {g.kind} {g.sql}" + (f" -> {quote(g.output)}" if g.output else f" in {g.used_in}")
        for g in a.aggregates
    ]
    lines += ["outputs:"] + [
        f"  {quote(o.name)}: {o.kind} {o.sql}"
        + (f" <- {', '.join(map(str, o.lineage))}" if o.lineage else "")
        for o in a.outputs
    ]
    key = "-" if a.key is None else ", ".join(map(quote, a.key)) or "()"
    lines.append(f"key: {key}" + (f" ({a.key_origin})" if a.key_origin else ""))
    if a.time_window:
        w = a.time_window
        lines.append(f"time window: {w.right} between {w.lower} and {w.upper} (of {w.left})")
    lines.append(f"reads: {', '.join(map(str, a.reads)) or '-'}")
    lines.append("obstacles:")
    for o in a.obstacles:
        place = f"{o.line}:{o.column} " if o.line is not None else ""
        blocks = ", ".join(sorted(o.blocks))
        lines.append(f"  {place}{o.code}: {o.message} [{o.construct}] blocks {blocks}")
    lines.append(f"accepts: {', '.join(a.accepting())}")
    lines += [f"refusal {s}: {a.refusal(s)}" for s in STRATEGIES if not a.accepts(s)]
    return "\n".join(lines) + "\n"


from jasmine_proxy.analysis_select import SelectAnalyzer  # noqa: E402  (it uses the types above)
