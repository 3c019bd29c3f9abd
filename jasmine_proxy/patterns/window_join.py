"""`window_join`: the join of two append-only event streams, matched when their timestamps lie
within a window of each other, kept by appending the pairs that new rows make.

The query: `SELECT ... FROM a JOIN b ON a.k = b.k AND b.ts BETWEEN a.ts - INTERVAL ... AND
a.ts + INTERVAL ...` (or the same window as two comparisons), optionally with a WHERE. Each
stream needs an auto-increment key: it is the order the rows arrived in, which is how a refresh
finds the new rows whatever their timestamps say. The output must carry a key (both streams'
primary keys, or `unique_key`): the result table is keyed on it, so a pair written twice is
stored once.

Objects: the result table, and `_jasmine_<name>_<digest>_late`, which lists every row that
arrived later than `allowed_lateness` (stream, id, timestamp, the watermark it missed).

A refresh, in one transaction (see `backends/mysql_window_join.py`):

1. per stream, the rows at or past its arrival floor (the auto-increment watermark of
   `incremental`, with the same care for rows committed late with a lower id);
2. the new pairs: the query restricted to new rows of `a` (joined to every row of `b` in the
   window), and to new rows of `b` joined to the rows of `a` that are not new (so a pair of two
   new rows is read once); upserted by the key;
3. the late rows: a row is late when its timestamp is older than the stream's event-time
   watermark (the latest timestamp of the rows that arrived before it) minus
   `allowed_lateness`. Late rows are still joined, like every other row, so the result always
   equals a fresh run of the query; they are listed in the late table, counted in the catalog's
   watermarks (SHOW MATERIALIZATIONS `Late_rows`) and reported by a `late` event, all in the
   data's transaction, so each late row is counted exactly once;
4. the watermarks moved in the catalog under the step's lease fence; COMMIT.

Not caught (append-only streams): updates and deletes of stream rows; `check` finds them and
REBUILD cures them.

The `window` option stands for a window the query does not spell out; this version needs the
window in the ON condition (the option alone does not say which columns are the timestamps),
and refuses the option.

>>> from jasmine_proxy.patterns import PATTERNS
>>> sorted(PATTERNS["window_join"].options)
['allowed_lateness', 'build', 'target_lag', 'unique_key', 'window']
"""

from __future__ import annotations

from sqlglot import exp

from jasmine_proxy.analysis import Analysis, ColumnRef, Source
from jasmine_proxy.options import interval_text, seconds
from jasmine_proxy.patterns import Definition, internal, register
from jasmine_proxy.plan import Drop, Op, Owned, Plan, Swap, WindowJoinBuild, WindowJoinRefresh

#: the backends that run window_join's operations
BACKENDS = ("mysql",)


@register
class WindowJoin:
    name = "window_join"
    options = frozenset({"target_lag", "window", "allowed_lateness", "unique_key", "build"})
    summary = "the join of two append-only event streams within a time window, appended to"

    def obstacle(self, d: Definition) -> str | None:
        if d.backend is not None and d.backend not in BACKENDS:
            return f"the {d.backend} backend does not run window_join refreshes in this version"
        found = d.obstacle(self.name)
        if found or d.analysis is None:
            return found or "the query was not analysed"
        a = d.analysis
        if "window" in d.options.given:
            return (
                "the window option: this version needs the window in the ON condition "
                "(b.ts BETWEEN a.ts - INTERVAL ... AND a.ts + INTERVAL ...), which says "
                "which columns are the timestamps"
            )
        if a.time_window is None:
            return "no time window between the two tables"
        for source in _streams(a):
            if source.keys is None or not source.keys.auto_increment:
                return (
                    f"table {source.name} has no auto-increment key: window_join finds new "
                    "rows (and late ones) by their order of arrival"
                )
        if not a.key:
            return (
                "the output carries no key: select the primary key of both streams, or give "
                "unique_key"
            )
        return None

    def compile(self, d: Definition) -> Plan:
        a = d.analysis
        assert a is not None
        assert a.key
        assert a.time_window is not None
        query = d.query
        assert isinstance(query, exp.Select)
        target = d.name
        shadow, old, late = (
            internal(target, "new"),
            internal(target, "old"),
            internal(target, "late"),
        )
        streams = _streams(a)
        ids = [_col(s.alias, _auto(s)) for s in streams]
        times = [_col(c.table, c.column) for c in (a.time_window.left, a.time_window.right)]
        marks = tuple(
            (str(ColumnRef(s.alias, _auto(s))), _marks(s, ids[i])) for i, s in enumerate(streams)
        )
        aliases = tuple(s.alias for s in streams)
        lateness = seconds(d.options.given.get("allowed_lateness", "0 seconds"))
        build_ops: tuple[Op, ...] = (
            Drop(shadow, "TABLE"),
            WindowJoinBuild(
                target=shadow,
                late=late,
                query=d.query_text,
                key=a.key,
                streams=aliases,
                watermarks=marks,
                highs=tuple(_high(s, ids[i], times[i], i) for i, s in enumerate(streams)),
            ),
        )
        new_a, new_b = _floor(ids[0], 0, exp.GTE), _floor(ids[1], 1, exp.GTE)
        old_a = _floor(ids[0], 0, exp.LT)
        refresh = WindowJoinRefresh(
            target=target,
            late=late,
            key=a.key,
            streams=aliases,
            watermarks=marks,
            arrivals=tuple(_arrivals(s, ids[i], times[i], i) for i, s in enumerate(streams)),
            pairs=(
                query.copy().where(new_a, copy=False).sql("mysql"),
                query.copy().where(exp.and_(new_b, old_a), copy=False).sql("mysql"),
            ),
            lateness=lateness,
        )
        w = a.time_window
        reasons = (
            f"window_join: {w.right} between {w.lower} and {w.upper}; each refresh joins the "
            f"rows of {aliases[0]} and {aliases[1]} past their arrival watermarks "
            f"({', '.join(label for label, _ in marks)}) and appends the pairs, keyed on "
            f"{', '.join(a.key)}; rows later than allowed_lateness ({interval_text(lateness)}) "
            f"are joined too, and counted",
        )
        objects = (target, late, shadow, old)
        return Plan(
            strategy=self.name,
            reasons=reasons,
            default_schema=d.default_schema,
            objects=tuple(Owned(n, "TABLE") for n in objects),
            events={
                "create": (*build_ops, Swap(target, shadow, old, first=True)),
                "refresh": (refresh,),
                "rebuild": (*build_ops, Swap(target, shadow, old)),
                "drop": tuple(Drop(n, "TABLE") for n in objects),
            },
        )


# -- the pieces of SQL ------------------------------------------------------------------------


def _streams(a: Analysis) -> list[Source]:
    """The two streams: the one the window is written over (`a`) first, then the other."""
    assert a.time_window is not None
    order = [a.time_window.left.table, a.time_window.right.table]
    found = [a.source(alias) for alias in order]
    return [s for s in found if s is not None]


def _auto(source: Source) -> str:
    assert source.keys is not None
    assert source.keys.auto_increment is not None
    return source.keys.auto_increment


def _col(table: str, column: str) -> exp.Column:
    return exp.column(column, table, quoted=True)


def _table(source: Source) -> exp.Table:
    table = source.name.table()
    table.set("alias", exp.TableAlias(this=exp.to_identifier(source.alias, quoted=True)))
    return table


def _floor(column: exp.Column, i: int, compare: type[exp.Binary]) -> exp.Expr:
    return compare(this=column.copy(), expression=exp.Parameter(this=exp.var(f"jasmine_floor_{i}")))


def _marks(source: Source, id_: exp.Column) -> str:
    """The time, the highest and the lowest id now (what `incremental`'s watermarks read)."""
    select = exp.select("NOW(6)", exp.Max(this=id_.copy()), exp.Min(this=id_.copy()))
    return select.from_(_table(source)).sql("mysql")


def _high(source: Source, id_: exp.Column, ts: exp.Column, i: int) -> str:
    """The stream's event-time watermark below its floor: the latest timestamp there."""
    select = exp.select(exp.Max(this=ts.copy())).from_(_table(source))
    return select.where(_floor(id_, i, exp.LT)).sql("mysql")


def _arrivals(source: Source, id_: exp.Column, ts: exp.Column, i: int) -> str:
    """(id, timestamp) of the rows at or past the floor, in the order they arrived."""
    select = exp.select(id_.copy(), ts.copy()).from_(_table(source))
    return select.where(_floor(id_, i, exp.GTE)).order_by(id_.copy()).sql("mysql")
