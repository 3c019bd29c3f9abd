"""The analysis of one SELECT (no set operation, no CTE) against the catalog facts: its sources,
joins, outputs, GROUP BY keys, aggregates, driving table, watermark and output key, with the
obstacles that need names resolved or the catalog to see. Used by `analysis.analyze`.

Names resolve as MySQL resolves them: a qualified column by the table's name in the query (its
alias), an unqualified one by the unique source having it; GROUP BY tries the sources' columns
before the output aliases, and `GROUP BY 2` means the second output column.
"""

from __future__ import annotations

from collections.abc import Callable

from sqlglot import exp

from jasmine_proxy.analysis import (
    Aggregate,
    Analysis,
    ColumnRef,
    GroupKey,
    Join,
    KeyInfo,
    OutputColumn,
    Source,
    TimeWindow,
    quote,
    table_name,
)
from jasmine_proxy.obstacles import Locator, Obstacle, short
from jasmine_proxy.options import Options
from jasmine_proxy.plan import Name
from jasmine_proxy.sqltree import (
    aggregate_calls,
    aggregate_kind,
    bare_columns,
    conjuncts,
    from_item,
    own,
)

_COMPARE = (exp.GT, exp.GTE, exp.LT, exp.LTE)


class SelectAnalyzer:
    def __init__(
        self,
        select: exp.Select,
        keys: KeyInfo,
        default_schema: str | None,
        at: Locator,
        options: Options,
    ) -> None:
        self.select, self.keys, self.default_schema = select, keys, default_schema
        self.at, self.options = at, options
        self.obstacles: list[Obstacle] = []
        self.sources: list[Source] = []
        self.nodes: dict[str, exp.Table] = {}  # alias -> its table node
        self.derived: set[str] = set()  # aliases of derived tables (reported as subqueries)
        self.using: dict[str, list[str]] = {}  # alias -> the columns of its JOIN ... USING
        self.join_nodes: list[tuple[Source, exp.Join]] = []
        self.residuals: dict[str, list[exp.Expr]] = {}  # alias -> its join's other conditions

    def run(self, tables: tuple[Name, ...]) -> Analysis:
        self._read_sources()
        outputs = self._outputs()
        aggregates = self._aggregates(outputs)
        group_by = self._group_by(outputs)
        joins = self._joins()
        dimensions = self._dimensions(joins)
        self._ungrouped(outputs, group_by, joins)
        driving, watermark, origin = self._driving(joins, dimensions)
        key, key_origin = self._key(outputs, group_by, aggregates, driving, dimensions)
        where, having = self.select.args.get("where"), self.select.args.get("having")
        return Analysis(
            tables=tables,
            sources=tuple(self.sources),
            joins=joins,
            driving=driving,
            watermark=watermark,
            watermark_origin=origin,
            where=where.this.sql("mysql") if where else None,
            group_by=group_by,
            aggregates=aggregates,
            outputs=tuple(o for o, _ in outputs),
            distinct=bool(self.select.args.get("distinct")),
            having=having.this.sql("mysql") if having else None,
            key=key,
            key_origin=key_origin,
            time_window=self._window_join(joins),
            reads=self._reads(outputs, joins, group_by),
            obstacles=tuple(self.obstacles),
        )

    def _add(
        self, code: str, message: str, node: exp.Expr | None, words: set[str] | None = None
    ) -> None:
        line, column = self.at.at(node, words) if node is not None else (None, None)
        construct = short(node) if node is not None else ""
        self.obstacles.append(Obstacle(code, message, construct, line, column))

    # sources and names

    def _read_sources(self) -> None:
        from_ = self.select.args.get("from_")
        items: list[tuple[exp.Expr, exp.Join | None]] = [(from_.this, None)] if from_ else []
        items += [(j.this, j) for j in self.select.args.get("joins") or []]
        if not items:
            self._add("no_source", "the query reads no table", None)
        for node, join in items:
            if not isinstance(node, exp.Table) or not node.name:
                self.derived.add(node.alias_or_name)
                if not node.find(exp.Select):  # a derived table is reported as a subquery
                    self._add("unsupported_source", f"{from_item(node)} in FROM", node)
                continue
            schema = node.db or self.default_schema
            name = Name(schema or "", node.name)
            keys = self.keys.get(name) if schema else None
            if not schema:
                self._add("no_database", f"table {quote(node.name)} names no database", node)
            elif keys is None:
                self._add("unknown_table", f"unknown table {table_name(name)}", node)
            elif not keys.primary_key:
                self._add("no_primary_key", f"table {table_name(name)} has no primary key", node)
            if any(s.name == name for s in self.sources):
                self._add("self_join", f"self-join of {table_name(name)}", node)
            source = Source(name, node.alias_or_name, keys)
            self.sources.append(source)
            self.nodes[source.alias] = node
            if join is not None:
                self.join_nodes.append((source, join))
                self.using[source.alias] = [i.name for i in join.args.get("using") or []]

    def resolve(self, column: exp.Column, report: bool = True) -> ColumnRef | None:
        """The source column a column reference means; None (and an obstacle when `report`)
        when it means none or several."""
        name, qualifier = column.name, column.table
        if (qualifier and qualifier in self.derived) or (not qualifier and self.derived):
            return None  # a derived table's column: the subquery is the obstacle
        if qualifier:
            found = [s for s in self.sources if s.alias == qualifier] or [
                s for s in self.sources if s.alias.lower() == qualifier.lower()
            ]
            if column.db:
                found = [s for s in found if s.name.schema == column.db]
            if found and found[0].keys is None:
                return ColumnRef(found[0].alias, name)
            real = found[0].keys.column(name) if found and found[0].keys else None
            if real is not None:
                return ColumnRef(found[0].alias, real)
            if report:
                self._add("unknown_column", f"unknown column {column.sql('mysql')}", column)
            return None
        known = [(s, s.keys.column(name)) for s in self.sources if s.keys and s.keys.column(name)]
        unknown = [s for s in self.sources if s.keys is None]
        if len(known) == 1:
            return ColumnRef(known[0][0].alias, str(known[0][1]))
        if len(known) > 1 and report:
            tables = " and ".join(quote(s.alias) for s, _ in known)
            self._add("ambiguous_column", f"column {quote(name)} is ambiguous ({tables})", column)
        elif not known and len(unknown) == 1 == len(self.sources):
            return ColumnRef(unknown[0].alias, name)
        elif not known and not unknown and report:
            self._add("unknown_column", f"unknown column {quote(name)}", column)
        return None

    def _reads(
        self,
        outputs: list[tuple[OutputColumn, exp.Expr]],
        joins: tuple[Join, ...],
        group_by: tuple[GroupKey, ...],
    ) -> tuple[ColumnRef, ...]:
        """Every source column the query reads: outputs, join conditions, WHERE, GROUP BY,
        HAVING (where a name may also be an output alias)."""
        refs = [r for o, _ in outputs for r in o.lineage]
        for _, node in self.join_nodes:
            refs += self._lineage(node.args["on"]) if node.args.get("on") else ()
        refs += [r for j in joins for pair in j.equalities for r in pair]
        where, having = self.select.args.get("where"), self.select.args.get("having")
        refs += self._lineage(where.this) if where is not None else ()
        refs += [g.source for g in group_by if g.source]
        if having is not None:
            refs += [r for c in own(having, exp.Column) if (r := self.resolve(c, report=False))]
        return tuple(dict.fromkeys(refs))

    def _lineage(self, node: exp.Expr) -> tuple[ColumnRef, ...]:
        refs = [self.resolve(c) for c in own(node, exp.Column)]
        return tuple(dict.fromkeys(r for r in refs if r is not None))

    def _normal(self, node: exp.Expr) -> str:
        """The expression's text with every column written `alias.column`: equal texts mean
        the same expression however the query qualified its columns."""
        copy = node.copy()
        if isinstance(copy, exp.Column):
            ref = self.resolve(copy, report=False)
            return str(ref) if ref else copy.sql("mysql")
        for column in list(own(copy, exp.Column)):
            ref = self.resolve(column, report=False)
            if ref is not None:
                column.replace(exp.column(ref.column, ref.table, quoted=True))
        return copy.sql("mysql")

    # outputs, aggregates, GROUP BY

    def _outputs(self) -> list[tuple[OutputColumn, exp.Expr]]:
        items = self.select.expressions
        texts = self.at.item_texts(len(items))
        outputs: list[tuple[OutputColumn, exp.Expr]] = []
        for i, item in enumerate(items):
            if isinstance(item, exp.Star) or (
                isinstance(item, exp.Column) and isinstance(item.this, exp.Star)
            ):
                outputs += self._star(item)
                continue
            inner = item.unalias() if isinstance(item, exp.Alias) else item
            if isinstance(item, exp.Alias):
                name = item.alias
            elif isinstance(inner, exp.Column):
                name = inner.name
            else:
                name = texts[i].strip() if texts else inner.sql("mysql")
            lineage = self._lineage(inner)
            aggregated = any(True for _ in aggregate_calls(inner))
            if isinstance(inner, exp.Column):
                kind = "column"
            elif next(aggregate_calls(inner), None) is inner:
                kind = "aggregate"
            else:
                kind = "expression"
            source = lineage[0] if kind == "column" and lineage else None
            output = OutputColumn(name, inner.sql("mysql"), kind, source, lineage, aggregated)
            outputs.append((output, inner))
        seen: set[str] = set()
        for output, node in outputs:
            if output.name.lower() in seen:
                self._add("duplicate_output", f"duplicate output column {quote(output.name)}", node)
            seen.add(output.name.lower())
        return outputs

    def _star(self, star: exp.Expr) -> list[tuple[OutputColumn, exp.Expr]]:
        """`*` or `t.*` expanded to the catalog's columns, as MySQL expands them: a JOIN ...
        USING column once, first, then the other columns of each table in turn."""
        qualifier = star.table if isinstance(star, exp.Column) else None
        targets = [s for s in self.sources if not qualifier or s.alias == qualifier]
        if qualifier and not targets:
            self._add("unknown_column", f"unknown table {quote(qualifier)} in {star.sql()}", star)
        refs: list[ColumnRef] = []
        for s in targets:
            mine = [ColumnRef(s.alias, c) for c in s.keys.columns] if s.keys else []
            using = {name.lower() for name in self.using.get(s.alias, ())}
            if qualifier or not using:
                refs += mine
                continue
            common = [r for r in refs if r.column.lower() in using]
            rest = [r for r in refs if r.column.lower() not in using]
            refs = common + rest + [r for r in mine if r.column.lower() not in using]
        return [(OutputColumn(r.column, str(r), "column", r, (r,), False), star) for r in refs]

    def _aggregates(self, outputs: list[tuple[OutputColumn, exp.Expr]]) -> tuple[Aggregate, ...]:
        places = [(o.name, node) for o, node in outputs if o.aggregated]
        having = self.select.args.get("having")
        if having is not None:
            places.append(("HAVING", having.this))
        found: list[Aggregate] = []
        for place, node in places:
            for call in aggregate_calls(node):
                kind, argument = aggregate_kind(call)
                written = self.at.call(call)[1] or call.sql("mysql").split("(")[0]
                if kind == "other":
                    message = f"aggregate {written.upper()}()"
                    self._add("aggregate_unsupported", message, call, {written.upper()})
                elif kind.endswith("_distinct"):
                    message = f"aggregate {call.sql('mysql')} over distinct values"
                    self._add("aggregate_distinct", message, call, {written.upper()})
                output = place if call is node else None
                found.append(Aggregate(kind, call.sql("mysql"), argument, output, place))
        return tuple(found)

    def _group_by(self, outputs: list[tuple[OutputColumn, exp.Expr]]) -> tuple[GroupKey, ...]:
        group = self.select.args.get("group")
        if group is None:
            if outputs and any(o.aggregated for o, _ in outputs):
                self._aggregation(None)
            return ()
        self._aggregation(group)
        keys: list[GroupKey] = []
        for g in group.expressions:
            match: OutputColumn | None = None
            ref = None
            if isinstance(g, exp.Literal) and g.is_int and 0 < int(g.name) <= len(outputs):
                match = outputs[int(g.name) - 1][0]
                ref = match.source
            elif isinstance(g, exp.Column):
                ref = self.resolve(g, report=bool(g.table))
                if ref is None and not g.table:
                    named = [o for o, _ in outputs if o.name.lower() == g.name.lower()]
                    match = named[0] if named else None
                    if match is None:
                        self.resolve(g)  # reports the unknown or ambiguous name
            if match is None:
                text = self._normal(g)
                match = next((o for o, n in outputs if self._normal(n) == text), None)
            if match is None:
                message = f"GROUP BY {g.sql('mysql')} is not an output column"
                self._add("group_key_not_output", message, g)
            elif ref is None:
                ref = match.source  # GROUP BY an alias or a position of a plain column
            keys.append(GroupKey(g.sql("mysql"), ref, match.name if match else None))
        return tuple(keys)

    def _ungrouped(
        self,
        outputs: list[tuple[OutputColumn, exp.Expr]],
        group_by: tuple[GroupKey, ...],
        joins: tuple[Join, ...],
    ) -> None:
        """In an aggregating query, an output column outside the aggregates must be one value
        per group: grouped, equal to a grouped column through a join, or a column of a table
        whose key is grouped (MySQL's functional dependence). Otherwise its value is any row's,
        and no maintained result can promise to match a fresh run."""
        if not group_by and not any(o.aggregated for o, _ in outputs):
            return
        grouped = {g.source for g in group_by if g.source}
        size = -1
        while size != len(grouped):
            size = len(grouped)
            for a, b in (pair for j in joins for pair in j.equalities):
                grouped |= {a, b} if a in grouped or b in grouped else set()
            for s in self.sources:
                if s.keys and s.keys.is_key({r.column for r in grouped if r.table == s.alias}):
                    grouped |= {ColumnRef(s.alias, c) for c in s.keys.columns}
        keys = {g.output for g in group_by}
        for output, node in outputs:
            refs = [self.resolve(c, report=False) for c in bare_columns(node)]
            loose = [r for r in refs if r is not None and r not in grouped]
            if output.name not in keys and loose:
                message = (
                    f"output column {quote(output.name)} reads {loose[0]}, which is neither"
                    " grouped nor aggregated"
                )
                self._add("ungrouped_column", message, node)

    def _aggregation(self, group: exp.Group | None) -> None:
        """window_join keeps matched pairs, it does not aggregate them."""
        if group is not None:
            self._add("aggregation", "GROUP BY", group, {"GROUP"})
            return
        call = next((c for e in self.select.expressions for c in aggregate_calls(e)), None)
        if call is not None:
            self._add("aggregation", f"aggregate {call.sql('mysql')}", call)

    # joins, the driving table, the key

    def _joins(self) -> tuple[Join, ...]:
        where = self.select.args.get("where")
        found: list[Join] = []
        for source, node in self.join_nodes:
            side, word = (node.side or "").upper(), (node.kind or "").upper()
            kind = side.lower() if side else "cross" if word == "CROSS" else "inner"
            table = self.nodes[source.alias]
            if (node.method or "").upper() == "NATURAL":
                self._add("natural_join", "NATURAL JOIN", table, {"NATURAL"})
            if kind in ("right", "full"):
                self._add("outer_join", f"{kind.upper()} JOIN", table, {kind.upper()})
            pairs: list[tuple[ColumnRef, ColumnRef]] = []
            residual: list[exp.Expr] = []
            for condition in conjuncts(node.args.get("on")):
                pair = self._equality(condition, source.alias)
                pairs.append(pair) if pair else residual.append(condition)
            for ident in node.args.get("using") or []:
                pairs += self._using(source, ident.name)
            if not pairs and kind in ("inner", "cross") and where is not None:
                pairs += [
                    p for c in conjuncts(where.this) if (p := self._equality(c, source.alias))
                ]
            if not pairs and (node.method or "").upper() != "NATURAL":
                message = f"join to {quote(source.alias)} without an equality condition"
                self._add("join_without_equality", message, table)
            self.residuals[source.alias] = residual
            on_key = source.keys is not None and source.keys.is_key({a.column for a, _ in pairs})
            text = " AND ".join(r.sql("mysql") for r in residual) or None
            found.append(Join(source.alias, kind, tuple(pairs), on_key, text))
        return tuple(found)

    def _equality(self, condition: exp.Expr, alias: str) -> tuple[ColumnRef, ColumnRef] | None:
        """(the joined table's column, the other's) of `a.x = b.y`, when one side is `alias`."""
        if not isinstance(condition, exp.EQ | exp.NullSafeEQ):
            return None
        left, right = condition.this, condition.expression
        if not isinstance(left, exp.Column) or not isinstance(right, exp.Column):
            return None
        a, b = self.resolve(left), self.resolve(right)
        if a is None or b is None or a.table == b.table or alias not in (a.table, b.table):
            return None
        return (a, b) if a.table == alias else (b, a)

    def _using(self, source: Source, name: str) -> list[tuple[ColumnRef, ColumnRef]]:
        earlier = self.sources[: self.sources.index(source)]
        other = next((s for s in earlier if s.keys and s.keys.column(name)), None)
        if other is None or other.keys is None:
            return []
        mine = source.keys.column(name) if source.keys else name
        return [
            (
                ColumnRef(source.alias, mine or name),
                ColumnRef(other.alias, str(other.keys.column(name))),
            )
        ]

    def _dimensions(self, joins: tuple[Join, ...]) -> set[str]:
        """Tables matched on one of their keys by some join: at most one row per row of the
        table they join (dimensions); the others are facts."""
        found: set[str] = set()
        for j in joins:
            for alias in {ref.table for pair in j.equalities for ref in pair}:
                source = next(s for s in self.sources if s.alias == alias)
                columns = {
                    ref.column for pair in j.equalities for ref in pair if ref.table == alias
                }
                if source.keys is not None and source.keys.is_key(columns):
                    found.add(alias)
        return found

    def _driving(
        self, joins: tuple[Join, ...], dimensions: set[str]
    ) -> tuple[str | None, ColumnRef | None, str | None]:
        """The driving table (the one holding the watermark, or the first fact table), its
        watermark column and where that came from."""
        if not self.sources:
            return None, None, None
        wanted = self.options.watermark
        driving = next((s for s in self.sources if s.alias not in dimensions), self.sources[0])
        watermark, origin = None, None
        if wanted:
            qualifier, _, name = wanted.rpartition(".")
            having = [
                s for s in self.sources
                if (not qualifier or s.alias == qualifier) and s.keys and s.keys.column(name)
            ]  # fmt: skip
            if having:
                driving = driving if driving in having else having[0]
                assert driving.keys is not None
                watermark, origin = (
                    ColumnRef(driving.alias, str(driving.keys.column(name))),
                    "option",
                )
            elif all(s.keys for s in self.sources):
                self._add("no_watermark", f"watermark column {quote(wanted)} is in no source", None)
        elif driving.keys and driving.keys.auto_increment:
            watermark, origin = (
                ColumnRef(driving.alias, driving.keys.auto_increment),
                "auto_increment",
            )
        elif driving.keys:
            message = (
                f"table {table_name(driving.name)} has no auto-increment key"
                " (name a column that only grows with the watermark option)"
            )
            self._add("no_watermark", message, None)
        if any(j.table == driving.alias and j.kind == "left" for j in joins):
            message = f"the driving table {quote(driving.alias)} is on the right of a LEFT JOIN"
            self._add("left_join_driving", message, self.nodes[driving.alias], {"LEFT"})
        return driving.alias, watermark, origin

    def _key(
        self,
        outputs: list[tuple[OutputColumn, exp.Expr]],
        group_by: tuple[GroupKey, ...],
        aggregates: tuple[Aggregate, ...],
        driving: str | None,
        dimensions: set[str],
    ) -> tuple[tuple[str, ...] | None, str | None]:
        names = [o.name for o, _ in outputs]
        if self.options.unique_key:
            found = []
            for wanted in self.options.unique_key:
                match = next((n for n in names if n.lower() == wanted.lower()), None)
                if match is None:
                    message = f"unique_key column {quote(wanted)} is not an output column"
                    self._add("unique_key_not_output", message, None)
                found.append(match or wanted)
            return tuple(found), "unique_key"
        if group_by:
            if all(g.output for g in group_by):
                return tuple(dict.fromkeys(str(g.output) for g in group_by)), "group_by"
            return None, None
        if aggregates:
            return (), "single_row"
        if self.select.args.get("distinct"):
            return tuple(names), "distinct"
        facts = [s for s in self.sources if s.alias == driving or s.alias not in dimensions]
        key: list[str] = []
        for source in facts:
            if source.keys is None or not source.keys.primary_key:
                return None, None  # reported: unknown table or no primary key
            for column in source.keys.primary_key:
                ref = ColumnRef(source.alias, column)
                match = next((o.name for o, _ in outputs if o.source == ref), None)
                if match is None:
                    primary = ", ".join(map(quote, source.keys.primary_key))
                    message = (
                        f"the output does not carry the primary key of {table_name(source.name)}"
                        f" ({primary}); select it or give unique_key"
                    )
                    self._add("no_key", message, None)
                    return None, None
                key.append(match)
        return (tuple(key), "primary_key") if key else (None, None)

    def _window_join(self, joins: tuple[Join, ...]) -> TimeWindow | None:
        """The time window of a two-stream join (see `time_window`); window_join's obstacles
        when the query is not one (its aggregates are reported by `_aggregation`)."""
        if len(self.sources) != 2 or len(joins) != 1:
            message = f"window_join joins exactly two tables; this query reads {len(self.sources)}"
            first = self.nodes.get(self.sources[0].alias) if self.sources else None
            self._add("window_join_shape", message, first)
            return None
        join = joins[0]
        if join.kind != "inner":
            message = f"window_join matches two streams with an inner join, not a {join.kind} join"
            self._add("window_join_shape", message, self.nodes[join.table])
        window = time_window(self.residuals.get(join.table, []), lambda c: self.resolve(c, False))
        if window is None and "window" not in self.options.given:
            message = (
                "no time window between the two tables (b.ts BETWEEN a.ts - ... AND a.ts + ...)"
            )
            self._add("window_join_shape", message, self.nodes[join.table])
        return window


def time_window(
    conditions: list[exp.Expr], resolve: Callable[[exp.Column], ColumnRef | None]
) -> TimeWindow | None:
    """The time window in a join's conditions: `b.ts BETWEEN a.ts - ... AND a.ts + ...`, or
    the same as two comparisons (`b.ts >= a.ts - ...`, `b.ts < a.ts + ...`)."""

    def column_of(node: exp.Expr) -> ColumnRef | None:
        columns = list(own(node, exp.Column))
        refs = {resolve(c) for c in columns}
        return next(iter(refs)) if len(refs) == 1 else None

    bounds: dict[tuple[ColumnRef, ColumnRef], dict[str, str]] = {}
    for c in conditions:
        if isinstance(c, exp.Between) and isinstance(c.this, exp.Column):
            pairs = [(c.this, c.args["low"], "lower"), (c.this, c.args["high"], "upper")]
        elif isinstance(c, _COMPARE):
            this, other = c.this, c.expression
            if not isinstance(this, exp.Column):
                this, other = other, this
                lower = isinstance(c, exp.LT | exp.LTE)
            else:
                lower = isinstance(c, exp.GT | exp.GTE)
            pairs = [(this, other, "lower" if lower else "upper")]
        else:
            continue
        for right_node, bound, which in pairs:
            right, left = resolve(right_node), column_of(bound)
            if right and left and right.table != left.table:
                bounds.setdefault((left, right), {})[which] = bound.sql("mysql")
    for (left, right), found in bounds.items():
        if "lower" in found and "upper" in found:
            return TimeWindow(left, right, found["lower"], found["upper"])
    return None
