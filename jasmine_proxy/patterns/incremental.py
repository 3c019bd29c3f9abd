"""`incremental`: a keyed table; each refresh recomputes only the output rows that source rows
past the stored watermarks affect.

Objects: the result table (keyed on the analysis's output key) and its lineage table
`_jasmine_<name>_<digest>_lineage`, which holds, for every driving-table row, the output keys it
feeds (its primary key, the output key: several pairs when it feeds several rows).

A refresh, in one transaction on one connection (`backends/mysql_incremental.py`, and
`backends/sqlite_incremental.py` on the embedded default):

1. the changed driving rows: those whose watermark column is at or past the stored floor, those
   joined to dimension rows past the dimension's own auto-increment floor (new dimension rows),
   and, with an auto-increment watermark, rows the lineage holds past the floor that are gone
   (deleted since they were inserted);
2. the affected output keys: the keys the lineage says those rows fed before, and the keys they
   feed now (`pairs`: the query's FROM, joins and WHERE restricted to them, projected on the key);
3. those output rows deleted and recomputed from the query restricted to the affected keys (so
   every aggregate, COUNT(DISTINCT) included, is exact), the lineage of the changed rows
   replaced, and the watermarks moved in the catalog under the step's lease fence; COMMIT.

A crash anywhere before COMMIT rolls everything back; a refresh run again recomputes, it never
adds, so a batch applied twice is applied once.

Caught: inserts and (with a watermark column every write bumps) updates of the driving table,
a row moving between groups or out of the WHERE, new dimension rows (dimensions with an
auto-increment key), deletes of driving rows inserted since the floor (auto-increment
watermark). Not caught until `check` (drifted) and REBUILD: other deletes, updates of
dimension rows, updates of the driving table under an auto-increment watermark.

>>> from jasmine_proxy.patterns import PATTERNS
>>> sorted(PATTERNS["incremental"].options)
['build', 'target_lag', 'unique_key', 'watermark']
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlglot
from sqlglot import exp

from jasmine_proxy.analysis import Analysis, ColumnRef, OutputColumn, Source
from jasmine_proxy.patterns import Definition, internal, register
from jasmine_proxy.plan import (
    Drop,
    IncrementalBuild,
    IncrementalRefresh,
    Name,
    Op,
    Owned,
    Plan,
    Swap,
)

#: the backends whose `run` takes the step's context (the stateful operations)
BACKENDS = ("mysql", "sqlite")
CHANGED = "_jasmine_changed"
KEYS = "_jasmine_keys"


@register
class Incremental:
    name = "incremental"
    options = frozenset({"target_lag", "unique_key", "watermark", "build"})
    summary = "a keyed table; each refresh recomputes only the rows that changed sources affect"

    def obstacle(self, d: Definition) -> str | None:
        if d.backend is not None and d.backend not in BACKENDS:
            return f"the {d.backend} backend does not run incremental refreshes in this version"
        found = d.obstacle(self.name)
        if found or d.analysis is None:
            return found or "the query was not analysed"
        a = d.analysis
        for name in a.key or ():
            column = _output(a, name)
            if column is not None and column.aggregated:
                return f"the key column {name} is an aggregate: a key must be known per row"
        driving = a.source(a.driving)
        if driving is None or driving.keys is None or not driving.keys.primary_key:
            return "the driving table has no primary key"
        return None

    def compile(self, d: Definition) -> Plan:
        a = d.analysis
        assert a is not None
        assert a.key is not None
        assert a.watermark is not None
        query = d.query
        assert isinstance(query, exp.Select)
        target = d.name
        shadow, old = internal(target, "new"), internal(target, "old")
        lineage = internal(target, "lineage")
        lineage_new, lineage_old = internal(target, "lnew"), internal(target, "lold")
        driving = a.source(a.driving)
        assert driving is not None
        assert driving.keys is not None
        pk = driving.keys.primary_key
        tracked = _tracked(a, driving)
        keys = [_key_expr(a, name) for name in a.key]
        pk_refs = [_col(driving.alias, c) for c in pk]
        build_ops: tuple[Op, ...] = (
            Drop(shadow, "TABLE"),
            Drop(lineage_new, "TABLE"),
            IncrementalBuild(
                target=shadow,
                lineage=lineage_new,
                query=d.query_text,
                key=a.key,
                pairs=_pairs(query, pk_refs, keys, None).sql("mysql"),
                watermarks=_marks(tracked),
            ),
        )
        changed = [_changed_driving(query, driving, pk_refs, a.watermark, 0)]
        for i, (source, column) in enumerate(tracked[1:], 1):
            changed.append(_changed_dimension(query, pk_refs, source, column, i))
        if a.watermark_origin == "auto_increment" and len(pk) == 1:
            changed.append(_deleted(lineage, driving, pk[0]))
        listed = exp.select(*(f"_p{i}" for i in range(len(pk)))).from_(_temp(target, CHANGED))
        within = exp.In(this=_tuple(pk_refs), query=exp.Subquery(this=listed))
        restricted = _restricted(query, keys, target)
        refresh = IncrementalRefresh(
            target=target,
            lineage=lineage,
            key=a.key,
            primary_key=pk,
            watermarks=_marks(tracked),
            changed=tuple(changed),
            pairs=_pairs(query, pk_refs, keys, within).sql("mysql"),
            recompute=restricted.sql("mysql"),
            recompute_null=_null_restricted(query, keys).sql("mysql"),
        )
        swaps = (Swap(target, shadow, old), Swap(lineage, lineage_new, lineage_old))
        first = tuple(Swap(s.target, s.shadow, s.old, first=True) for s in swaps)
        dimensions = ", ".join(f"{s.alias}.{c}" for s, c in tracked[1:])
        joined = f", and rows joined to new dimension rows ({dimensions})" if dimensions else ""
        reasons = (
            f"incremental: each refresh reads the rows of {driving.alias} whose "
            f"{a.watermark.column} is at or past the stored watermark ({a.watermark_origin})"
            f"{joined}, and recomputes the output rows of the keys they affect "
            f"({', '.join(a.key) or 'the single row'})",
        )
        return Plan(
            strategy=self.name,
            reasons=reasons,
            default_schema=d.default_schema,
            objects=tuple(
                Owned(n, "TABLE") for n in (target, lineage, shadow, old, lineage_new, lineage_old)
            ),
            events={
                "create": (*build_ops, *first),
                "refresh": (refresh,),
                "rebuild": (*build_ops, *swaps),
                "drop": tuple(
                    Drop(n, "TABLE")
                    for n in (target, lineage, shadow, old, lineage_new, lineage_old)
                ),
            },
        )


# -- the pieces of SQL ------------------------------------------------------------------------


def _output(a: Analysis, name: str) -> OutputColumn | None:
    return next((o for o in a.outputs if o.name == name), None)


def _key_expr(a: Analysis, name: str) -> exp.Expr:
    """The expression of output column `name` (a key column), to evaluate per source row."""
    column = _output(a, name)
    assert column is not None
    if column.source is not None:
        return _col(column.source.table, column.source.column)
    return sqlglot.parse_one(column.sql, read="mysql")


def _col(table: str, column: str) -> exp.Column:
    return exp.column(column, table, quoted=True)


def _tuple(items: Sequence[exp.Expr]) -> exp.Expr:
    return items[0].copy() if len(items) == 1 else exp.Tuple(expressions=[i.copy() for i in items])


def _temp(target: Name, name: str) -> exp.Table:
    """A temporary table of the refresh, in the target's database."""
    return Name(target.schema, name).table()


def _tracked(a: Analysis, driving: Source) -> list[tuple[Source, str]]:
    """The watermarked columns: the driving table's, then each joined dimension's
    auto-increment key (its new rows)."""
    assert a.watermark is not None
    found = [(driving, a.watermark.column)]
    for join in a.joins:
        source = a.source(join.table)
        if source is None or source is driving or source.keys is None:
            continue
        if source.keys.auto_increment and join.kind in ("inner", "left"):
            found.append((source, source.keys.auto_increment))
    return found


def _marks(tracked: list[tuple[Source, str]]) -> tuple[tuple[str, str], ...]:
    """(label, the statement reading the time, the highest and the lowest value) per column."""
    out = []
    for source, column in tracked:
        table = source.name.table()
        table.set("alias", exp.TableAlias(this=exp.to_identifier(source.alias, quoted=True)))
        column_ref = _col(source.alias, column)
        select = exp.select("NOW(6)", exp.Max(this=column_ref), exp.Min(this=column_ref.copy()))
        select = select.from_(table)
        out.append((str(ColumnRef(source.alias, column)), select.sql("mysql")))
    return tuple(out)


def _from_of(query: exp.Select) -> exp.Select:
    """The query's FROM, joins and WHERE, selecting nothing yet."""
    select = exp.Select()
    select.set("from_", query.args["from_"].copy())
    if query.args.get("joins"):
        select.set("joins", [j.copy() for j in query.args["joins"]])
    if query.args.get("where"):
        select.set("where", query.args["where"].copy())
    return select


def _pairs(
    query: exp.Select, pk: list[exp.Column], keys: list[exp.Expr], within: exp.Expr | None
) -> exp.Select:
    """SELECT DISTINCT driving key AS _p<i>, output key AS _k<j> FROM ... WHERE ..."""
    select = _from_of(query)
    items = [exp.alias_(c.copy(), f"_p{i}", quoted=True) for i, c in enumerate(pk)]
    items += [exp.alias_(k.copy(), f"_k{j}", quoted=True) for j, k in enumerate(keys)]
    select = select.select(*items, copy=False).distinct(copy=False)
    return select.where(within, copy=False) if within is not None else select


def _floor(column: exp.Column, i: int) -> exp.Expr:
    return exp.GTE(this=column, expression=exp.Parameter(this=exp.var(f"jasmine_floor_{i}")))


def _changed_driving(
    query: exp.Select, driving: Source, pk: list[exp.Column], watermark: ColumnRef, i: int
) -> str:
    """The driving rows past the floor, whatever the joins and WHERE say now (a row that
    left the WHERE still changes the key it fed)."""
    table = (
        query.args["from_"].this
        if query.args["from_"].this.alias_or_name == driving.alias
        else None
    )
    if table is None:
        table = next(
            j.this for j in query.args.get("joins") or [] if j.this.alias_or_name == driving.alias
        )
    select = exp.select(*(c.copy() for c in pk)).from_(table.copy())
    return select.where(_floor(_col(driving.alias, watermark.column), i)).sql("mysql")


def _changed_dimension(
    query: exp.Select, pk: list[exp.Column], source: Source, column: str, i: int
) -> str:
    """Driving rows joined to dimension rows past that dimension's floor."""
    select = _from_of(query)
    select.set("where", None)
    select = select.select(*(c.copy() for c in pk), copy=False).distinct(copy=False)
    return select.where(_floor(_col(source.alias, column), i), copy=False).sql("mysql")


def _deleted(lineage: Name, driving: Source, pk: str) -> str:
    """Driving rows the lineage holds past the floor that are gone (deleted since)."""
    probe = driving.name.table()
    probe.set("alias", exp.TableAlias(this=exp.to_identifier("_d", quoted=True)))
    gone = exp.Exists(
        this=exp.select("1")
        .from_(probe)
        .where(exp.EQ(this=_col("_d", pk), expression=_col("_l", "_p0")))
    )
    table = lineage.table()
    table.set("alias", exp.TableAlias(this=exp.to_identifier("_l", quoted=True)))
    select = exp.select(_col("_l", "_p0")).distinct().from_(table)
    return select.where(_floor(_col("_l", "_p0"), 0)).where(exp.Not(this=gone)).sql("mysql")


def _restricted(query: exp.Select, keys: list[exp.Expr], target: Name) -> exp.Select:
    """The query, its rows restricted to the output keys in `_jasmine_keys`."""
    if not keys:
        return query.copy()
    listed = exp.select(*(f"_k{j}" for j in range(len(keys)))).from_(_temp(target, KEYS))
    within = exp.In(this=_tuple(keys), query=exp.Subquery(this=listed))
    return query.copy().where(within, copy=False)


def _null_restricted(query: exp.Select, keys: list[exp.Expr]) -> exp.Select:
    """The query restricted to the one output key `@jasmine_k<j>` compared NULL-safely."""
    if not keys:
        return query.copy()
    conditions = [
        exp.NullSafeEQ(this=k.copy(), expression=exp.Parameter(this=exp.var(f"jasmine_k{j}")))
        for j, k in enumerate(keys)
    ]
    return query.copy().where(exp.and_(*conditions), copy=False)
