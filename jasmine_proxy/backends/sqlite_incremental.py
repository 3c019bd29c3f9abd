"""The embedded default: running `incremental`'s operations (`IncrementalBuild`,
`IncrementalRefresh`) with the statements `patterns/incremental.py` compiles, through the engine.

Semantics are those of `mysql_incremental`: the rows past the stored watermarks give the changed
driving keys, the lineage and the pairs give the affected output keys, those output rows are
deleted and recomputed from the query restricted to them, and the watermarks are written to the
catalog row under the step's lease fence, all in one transaction: a crash leaves both or neither.
Here the catalog is in the same file, so that transaction is one SQLite transaction, and the rows
never leave SQLite (`INSERT INTO target <the restricted query>`).

Late commits. SQLite has one writer at a time, and the build and every refresh run in a write
transaction (BEGIN IMMEDIATE) from before they read the watermarks until they commit. So no
writer is in flight while they read: every transaction that committed earlier is visible, and
every other one commits after the refresh does. Such a later transaction takes the write lock
before its statements evaluate anything, so its auto-increment ids are above every id the
refresh saw, and a timestamp it writes with NOW() or CURRENT_TIMESTAMP is at or after the
refresh's time. No row can become visible later with a lower watermark: there is no INNODB_TRX
to consult and no margin to re-scan, and the floor moves to the highest value read (a timestamp
floor to the lower of that and the refresh's time, so a row stamped in the future does not
hide later ones; floors of timestamps are read `SKEW` early as on MySQL, which also covers
timestamps of whole seconds). Values an application computes itself (an id or a time chosen
before its transaction began) are not covered, as on MySQL; `check` finds what they miss.

The build reads the sources under the same write lock as a snapshot refresh's CREATE TABLE ...
AS SELECT does: writers wait for it (up to the engine's busy timeout).
"""

from __future__ import annotations

import json
import logging
import os
import re
import signal
from collections.abc import Sequence
from datetime import date, datetime
from typing import Any, cast

import sqlglot
from sqlglot import exp

from jasmine_proxy import translate
from jasmine_proxy.backends import StepContext
from jasmine_proxy.backends.mysql_incremental import (
    encode,
    floor_value,
    pair_columns,
    scratch_table,
)
from jasmine_proxy.catalog import LeaseLost
from jasmine_proxy.embedded import EmbeddedSession
from jasmine_proxy.plan import IncrementalBuild, IncrementalRefresh
from jasmine_proxy.result_types import Ok
from jasmine_proxy.sqltext import sql_literal

logger = logging.getLogger(__name__)

CHANGED, KEYS = "_jasmine_changed", "_jasmine_keys"
#: JASMINE_TEST_CRASH_AFTER=refresh:IncrementalRefresh.data kills the process after the data
#: statements of a refresh, before the watermarks are written and the transaction commits
CRASH_AFTER = "JASMINE_TEST_CRASH_AFTER"
CATALOG_UPDATE = "UPDATE {catalog} SET watermarks = {value} WHERE id = {id} AND fence = {fence}"


def q(identifier: str) -> str:
    return exp.to_identifier(identifier, quoted=True).sql("mysql")


def _extremes(sql: str) -> str:
    """A watermark statement (`SELECT NOW(6), MAX(c), MIN(c) FROM t`) without its time: the
    time is the engine's NOW() (whole seconds, as its timestamps are)."""
    tree = cast(exp.Select, sqlglot.parse_one(sql, read="mysql"))
    tree.set("expressions", [exp.func("NOW"), *tree.expressions[1:]])
    return tree.sql("mysql")


def advance(at: str, high: Any) -> dict[str, Any]:
    """The column's watermark state after a read, at `at`, whose highest value was `high`
    (see the module docstring: no transaction was in flight).

    >>> advance("2024-01-01 10:00:00", 7)
    {'floor': 7, 'marks': []}
    >>> advance("2024-01-01 10:00:00", datetime(2030, 1, 1))
    {'floor': '2024-01-01 10:00:00', 'marks': []}
    >>> advance("2024-01-01 10:00:00", "2023-12-31 09:00:00")
    {'floor': '2023-12-31 09:00:00', 'marks': []}
    """
    value = encode(high)
    if _temporal(value):
        value = min(str(value), at)
    return {"floor": value, "marks": []}


def _temporal(value: Any) -> bool:
    if not isinstance(value, str):
        return isinstance(value, datetime | date)
    try:
        datetime.fromisoformat(value)
    except ValueError:
        return False
    return True


# -- EXPLAIN ---------------------------------------------------------------------------------


def render_build(op: IncrementalBuild, catalog: str) -> list[str]:
    pks = [q(c) for c in pair_columns(op.pairs) if c.startswith("_p")]
    statements = [
        f"CREATE TABLE {op.target.sql()} AS SELECT * FROM ({op.query}) AS `_jasmine_q` LIMIT 0"
    ]
    if op.key:
        key = ", ".join(q(c) for c in op.key)
        statements.append(f"ALTER TABLE {op.target.sql()} ADD UNIQUE KEY `_jasmine_key` ({key})")
    statements += [
        f"CREATE TABLE {op.lineage.sql()} AS {op.pairs} LIMIT 0",
        f"CREATE INDEX `_jasmine_driving` ON {op.lineage.sql()} ({', '.join(pks)})",
        "BEGIN IMMEDIATE",
        *(_extremes(sql) for _, sql in op.watermarks),
        f"INSERT INTO {op.target.sql()} {op.query}",
        f"INSERT INTO {op.lineage.sql()} {op.pairs}",
        CATALOG_UPDATE.format(catalog=catalog, value="@watermarks", id="@id", fence="@fence"),
        "COMMIT",
    ]
    return statements


def render_refresh(op: IncrementalRefresh, catalog: str) -> list[str]:
    return _refresh_statements(op, catalog, nulls=1)


def _refresh_statements(op: IncrementalRefresh, catalog: str, nulls: int) -> list[str]:
    changed, keys = scratch_table(op.target, CHANGED), scratch_table(op.target, KEYS)
    p = [f"`_p{i}`" for i in range(len(op.primary_key))]
    k = [f"`_k{j}`" for j in range(len(op.key))]
    statements = [
        f"CREATE TEMPORARY TABLE {changed} AS SELECT {', '.join(p)} FROM {op.lineage.sql()} "
        "LIMIT 0",
        "BEGIN IMMEDIATE",
        *(_extremes(sql) for _, sql in op.watermarks),
        *(f"SET @jasmine_floor_{i} = @floor  -- of {label}, put in as a literal"
          for i, (label, _) in enumerate(op.watermarks)),
        *(f"INSERT INTO {changed} {sql}" for sql in op.changed),
    ]  # fmt: skip
    if op.key:
        listed = f"SELECT {', '.join(k)} FROM {keys}"
        statements[1:1] = [
            f"CREATE TEMPORARY TABLE {keys} AS SELECT {', '.join(k)} FROM {op.lineage.sql()} "
            "LIMIT 0"
        ]
        statements += [
            f"INSERT INTO {keys} SELECT DISTINCT {', '.join(k)} FROM {op.lineage.sql()} "
            f"WHERE {_tuple(p)} IN (SELECT {', '.join(p)} FROM {changed})",
            f"INSERT INTO {keys} SELECT {', '.join(k)} FROM ({op.pairs}) AS `_jasmine_pairs`",
            f"DELETE FROM {op.target.sql()} WHERE {_tuple([q(c) for c in op.key])} IN ({listed})",
            f"INSERT INTO {op.target.sql()} {op.recompute}",
        ]
        for _ in range(nulls):
            same = " AND ".join(f"{q(c)} <=> @jasmine_k{j}" for j, c in enumerate(op.key))
            statements += [
                f"DELETE FROM {op.target.sql()} WHERE {same}  -- per output key holding NULL",
                f"INSERT INTO {op.target.sql()} {op.recompute_null}",
            ]
    else:
        statements += [
            f"DELETE FROM {op.target.sql()}",
            f"INSERT INTO {op.target.sql()} {op.recompute}",
        ]
    within = f"{_tuple(p)} IN (SELECT {', '.join(p)} FROM {changed})"
    statements += [
        f"DELETE FROM {op.lineage.sql()} WHERE {within}",
        f"INSERT INTO {op.lineage.sql()} {op.pairs}",
        CATALOG_UPDATE.format(catalog=catalog, value="@watermarks", id="@id", fence="@fence"),
        "COMMIT",
    ]
    return statements


def bound(sql: str, values: dict[str, Any]) -> str:
    """`sql` with each `@name` of `values` replaced by the value as a literal: the engine runs
    a user variable as a function call, with which SQLite cannot use an index (the floor's
    comparison with the watermark column would scan the table).

    >>> bound("SELECT 1 WHERE a >= @jasmine_floor_1 OR b < @jasmine_floor_10",
    ...       {"jasmine_floor_1": 5, "jasmine_floor_10": "x"})
    "SELECT 1 WHERE a >= 5 OR b < 'x'"
    """
    return re.sub(r"@(\w+)", lambda m: sql_literal(values[m[1]]) if m[1] in values else m[0], sql)


def _tuple(items: Sequence[str]) -> str:
    return items[0] if len(items) == 1 else f"({', '.join(items)})"


# -- running ---------------------------------------------------------------------------------


class Run:
    """One operation on the step's engine session; `catalog` is the catalog's materializations
    table as SQLite names it (the same file)."""

    def __init__(self, session: EmbeddedSession, catalog: str, default_schema: str | None) -> None:
        self.session, self.catalog = session, catalog
        if default_schema:
            session.use(default_schema)

    def do(self, sql: str) -> int:
        outcome = self.session.execute(sql)
        return outcome.affected_rows if isinstance(outcome, Ok) else 0

    def all(self, sql: str) -> list[tuple[Any, ...]]:
        outcome = self.session.execute(sql)
        return [] if isinstance(outcome, Ok) else [tuple(r) for r in outcome.rows]

    def begin(self) -> None:
        """The write transaction, begun now: writers wait from here to COMMIT."""
        self.session.execute("COMMIT")  # nothing of the session's may be pending
        self.session.conn.execute("BEGIN IMMEDIATE")

    def end(self, command: str) -> None:
        if self.session.conn.in_transaction:
            self.session.conn.execute(command)

    def marks(self, watermarks: Sequence[tuple[str, str]]) -> list[tuple[Any, ...]]:
        """(time, highest, lowest) per tracked column, in the write transaction."""
        return [self.all(_extremes(sql))[0] for _, sql in watermarks]

    def save(self, context: StepContext, watermarks: dict[str, Any]) -> None:
        """Write the watermarks to the catalog row, only under the step's lease."""
        sql = CATALOG_UPDATE.format(catalog=translate.quote(self.catalog), value="?", id="?",
                                    fence="?")  # fmt: skip
        cursor = self.session.conn.execute(
            sql, (json.dumps(watermarks, sort_keys=True), context.materialization, context.fence)
        )
        if cursor.rowcount != 1:
            raise LeaseLost(f"the lease was taken over (fence {context.fence}): nothing written")


def new_watermarks(
    context: StepContext, watermarks: Sequence[tuple[str, str]], reads: list[tuple[Any, ...]],
    fresh: bool,
) -> dict[str, Any]:  # fmt: skip
    out = {} if fresh else dict(context.watermarks)
    for (label, _), (at, high, _low) in zip(watermarks, reads, strict=True):
        out[label] = advance(str(encode(at)), high)
    return out


def build(
    session: EmbeddedSession, op: IncrementalBuild, default_schema: str | None,
    context: StepContext, catalog: str,
) -> None:  # fmt: skip
    run = Run(session, catalog, default_schema)
    run.do(f"CREATE TABLE {op.target.sql()} AS SELECT * FROM ({op.query}) AS `_jasmine_q` LIMIT 0")
    if op.key:  # UNIQUE: a key column may hold NULL (the result's columns are all nullable)
        key = ", ".join(q(c) for c in op.key)
        run.do(f"ALTER TABLE {op.target.sql()} ADD UNIQUE KEY `_jasmine_key` ({key})")
    run.do(f"CREATE TABLE {op.lineage.sql()} AS {op.pairs} LIMIT 0")
    pks = ", ".join(q(c) for c in pair_columns(op.pairs) if c.startswith("_p"))
    run.do(f"CREATE INDEX `_jasmine_driving` ON {op.lineage.sql()} ({pks})")
    run.begin()
    try:
        reads = run.marks(op.watermarks)
        run.do(f"INSERT INTO {op.target.sql()} {op.query}")
        run.do(f"INSERT INTO {op.lineage.sql()} {op.pairs}")
        watermarks = new_watermarks(context, op.watermarks, reads, fresh=True)
        run.save(context, watermarks)
        run.end("COMMIT")
    except BaseException:
        run.end("ROLLBACK")
        raise
    context.watermarks = watermarks


def refresh(
    session: EmbeddedSession, op: IncrementalRefresh, default_schema: str | None,
    context: StepContext, catalog: str,
) -> int:  # fmt: skip
    """One refresh; returns how many output rows it recomputed."""
    run = Run(session, catalog, default_schema)
    changed, keys = scratch_table(op.target, CHANGED), scratch_table(op.target, KEYS)
    p = [f"`_p{i}`" for i in range(len(op.primary_key))]
    k = [f"`_k{j}`" for j in range(len(op.key))]
    run.do(f"DROP TEMPORARY TABLE IF EXISTS {changed}, {keys}")
    run.do(f"CREATE TEMPORARY TABLE {changed} AS SELECT {', '.join(p)} FROM {op.lineage.sql()} "
           "LIMIT 0")  # fmt: skip
    if op.key:
        run.do(f"CREATE TEMPORARY TABLE {keys} AS SELECT {', '.join(k)} FROM {op.lineage.sql()} "
               "LIMIT 0")  # fmt: skip
    recomputed = 0
    run.begin()
    try:
        reads = run.marks(op.watermarks)
        floors = {}
        for i, ((label, _), (_at, _high, low)) in enumerate(zip(op.watermarks, reads, strict=True)):
            stored = (context.watermarks.get(label) or {}).get("floor")
            floors[f"jasmine_floor_{i}"] = floor_value(stored, low)
        found = sum(run.do(f"INSERT INTO {changed} {bound(sql, floors)}") for sql in op.changed)
        if found:
            recomputed = _recompute(run, op, changed, keys, p, k)
        if os.environ.get(CRASH_AFTER) == "refresh:IncrementalRefresh.data":
            logger.warning("%s: killing this process before the watermarks", CRASH_AFTER)
            os.kill(os.getpid(), signal.SIGKILL)
        watermarks = new_watermarks(context, op.watermarks, reads, fresh=False)
        run.save(context, watermarks)
        run.end("COMMIT")
    except BaseException:
        run.end("ROLLBACK")
        raise
    finally:
        run.do(f"DROP TEMPORARY TABLE IF EXISTS {changed}, {keys}")
    context.watermarks = watermarks
    return recomputed


def _recompute(
    run: Run, op: IncrementalRefresh, changed: str, keys: str, p: list[str], k: list[str]
) -> int:
    """The affected output rows deleted and recomputed; the changed rows' lineage replaced."""
    target = op.target.sql()
    within = f"{_tuple(p)} IN (SELECT {', '.join(p)} FROM {changed})"
    if op.key:
        run.do(f"INSERT INTO {keys} SELECT DISTINCT {', '.join(k)} FROM {op.lineage.sql()} "
               f"WHERE {within}")  # fmt: skip
        run.do(f"INSERT INTO {keys} SELECT {', '.join(k)} FROM ({op.pairs}) AS `_jasmine_pairs`")
        listed = f"SELECT {', '.join(k)} FROM {keys}"
        run.do(f"DELETE FROM {target} WHERE {_tuple([q(c) for c in op.key])} IN ({listed})")
        recomputed = run.do(f"INSERT INTO {target} {op.recompute}")
        holding_null = " OR ".join(f"{c} IS NULL" for c in k)
        for key in run.all(f"SELECT DISTINCT {', '.join(k)} FROM {keys} WHERE {holding_null}"):
            values = {f"jasmine_k{j}": value for j, value in enumerate(key)}
            same = " AND ".join(f"{q(c)} <=> @jasmine_k{j}" for j, c in enumerate(op.key))
            run.do(bound(f"DELETE FROM {target} WHERE {same}", values))
            recomputed += run.do(bound(f"INSERT INTO {target} {op.recompute_null}", values))
    else:
        run.do(f"DELETE FROM {target}")
        recomputed = run.do(f"INSERT INTO {target} {op.recompute}")
    run.do(f"DELETE FROM {op.lineage.sql()} WHERE {within}")
    run.do(f"INSERT INTO {op.lineage.sql()} {op.pairs}")
    return recomputed
