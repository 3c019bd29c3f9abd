"""MySQL/MariaDB: running `incremental`'s operations (`IncrementalBuild`, `IncrementalRefresh`).

Watermarks. Each tracked column (the driving table's watermark, a dimension's auto-increment
key) has, in the catalog's `watermarks` JSON, a `floor` (a refresh reads the rows at or past it)
and `marks`: (time, highest value then) pairs of earlier refreshes. A row can become visible
late with a value below the highest seen (a long transaction holding an auto-increment id or an
older timestamp), so the floor does not simply move to the highest value read. A refresh reads,
before its snapshot: the time and highest value (its mark), and the start of the oldest
transaction that is writing (information_schema.INNODB_TRX). A row invisible to the snapshot
belongs to a transaction open then: one writing already started after that oldest start, so its
values lie past the highest value marked before it started; one not writing yet will write
values past this refresh's own mark. So the next floor is the highest value of the newest mark
taken at or before the oldest writer's start, and the marks after it are kept. INNODB_TRX is a
cache InnoDB refreshes at most every 0.1 s, so a writer that began just before the read may not be
listed: the read counts as `TRX_CACHE` seconds older than it is (a build, which has no earlier
mark to fall back on, waits that long between its mark and the read). Without the PROCESS
privilege INNODB_TRX shows nothing of others: `MARGIN` seconds stand in for it (transactions
writing for longer may then be lost until `check`). On a Galera node it lists only this node's
writers: `CLUSTER_MARGIN` seconds stand in for the other nodes'. Timestamp floors are read
`SKEW` seconds early (writers' clocks and rounding).

The data and the new watermarks are written in one transaction on one connection: the catalog
UPDATE is guarded by the step's lease fence (another holder: nothing is written), so a crash
leaves either both or neither. Reads are plain consistent reads (REPEATABLE READ snapshot), so
neither waits for writers' open transactions nor blocks them (an INSERT ... SELECT from the
sources would take shared locks on what it reads), so the rows read travel through the proxy:
the changed driving keys, their lineage pairs and the recomputed output rows, as many as the
changes touch. Only what differs is written: output rows upserted where their values changed
(deleted where their key is gone), lineage pairs replaced for the driving rows whose pairs
changed. With no row past the floors a refresh only moves the watermarks.
"""

from __future__ import annotations

import json
import logging
import os
import signal
import time
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from datetime import date, datetime, timedelta
from typing import Any

import pymysql
import sqlglot
from sqlalchemy.engine import Connection
from sqlglot import exp

from jasmine_proxy.backends import HIDDEN_KEY, StepContext, on_galera
from jasmine_proxy.catalog import LeaseLost
from jasmine_proxy.plan import IncrementalBuild, IncrementalRefresh, Name

logger = logging.getLogger(__name__)

MARGIN = 60.0  # seconds: how long a writer may stay open when INNODB_TRX cannot be read
SKEW = 1.0  # seconds: timestamp floors are read this much early
TRX_CACHE = 0.25  # seconds: INNODB_TRX may be this much behind (InnoDB refreshes it every 0.1 s)
#: seconds a writer on another node of a Galera cluster may stay open: its transaction is in that
#: node's INNODB_TRX, not in this one's, so floors stay this far back (each refresh reads again
#: the rows of the last this many seconds); a longer one may be lost until `check`
CLUSTER_MARGIN = float(os.environ.get("JASMINE_GALERA_MARGIN", "10"))
BATCH = 2000  # rows per INSERT
CHANGED, KEYS = "_jasmine_changed", "_jasmine_keys"
#: JASMINE_TEST_CRASH_AFTER=refresh:IncrementalRefresh.data kills the process after the data
#: statements of a refresh, before the watermarks are written and the transaction commits
CRASH_AFTER = "JASMINE_TEST_CRASH_AFTER"

WRITERS = (
    "SELECT MIN(trx_started), NOW(6) FROM information_schema.INNODB_TRX "
    "WHERE trx_mysql_thread_id <> CONNECTION_ID() AND (trx_rows_modified > 0 "
    "OR trx_lock_structs > 0 OR trx_tables_locked > 0 OR trx_query IS NOT NULL)"
)
CATALOG_UPDATE = (
    "UPDATE {catalog} SET watermarks = {value}, updated = NOW(6) WHERE id = {id} AND fence = "
    "{fence}"
)


# -- the watermark arithmetic (pure) ----------------------------------------------------------


def encode(value: Any) -> Any:
    """A column value as the catalog's JSON keeps it.

    >>> from decimal import Decimal
    >>> encode(7), encode(datetime(2024, 5, 1, 12, 0, 1, 5)), encode(Decimal("1.50")), encode(None)
    (7, '2024-05-01 12:00:01.000005', '1.50', None)
    """
    if value is None or isinstance(value, int | float):
        return value
    if isinstance(value, datetime | date):
        return value.isoformat(sep=" ") if isinstance(value, datetime) else value.isoformat()
    if isinstance(value, bytes):
        return value.decode("utf-8", "replace")
    return str(value)


def floor_value(stored: Any, lowest: Any) -> Any:
    """The value a refresh reads from: the stored floor (timestamps `SKEW` early), or the
    lowest value now when there is none (read everything).

    >>> floor_value(10, 1), floor_value(None, 1), floor_value("2024-05-01 12:00:01", None)
    (10, 1, '2024-05-01 12:00:00')
    """
    value = lowest if stored is None else stored
    if isinstance(value, str):
        try:
            moment = datetime.fromisoformat(value)
        except ValueError:
            return value
        return encode(moment - timedelta(seconds=SKEW))
    if isinstance(value, datetime):
        return value - timedelta(seconds=SKEW)
    return value


def advance(state: dict[str, Any] | None, at: str, high: Any, oldest: str | None) -> dict[str, Any]:
    """The column's watermark state after a read at time `at` that saw `high` as the highest
    value, `oldest` being the start of the oldest writing transaction then (None: none).

    >>> s = advance(None, "2024-01-01 10:00:00", 100, None)
    >>> s
    {'floor': 100, 'marks': []}
    >>> s = advance(s, "2024-01-01 10:01:00", 150, "2024-01-01 10:00:30")  # a writer since 10:00:30
    >>> s
    {'floor': 100, 'marks': [['2024-01-01 10:01:00', 150]]}
    >>> advance(s, "2024-01-01 10:02:00", 180, "2024-01-01 10:01:30")
    {'floor': 150, 'marks': [['2024-01-01 10:02:00', 180]]}
    >>> advance(s, "2024-01-01 10:02:00", 180, None)
    {'floor': 180, 'marks': []}

    A timestamp column: a writer open since 10:00:30 writes no older timestamps than that.

    >>> advance(None, "2024-01-01 10:01:00", "2024-01-01 10:00:59", "2024-01-01 10:00:30")
    {'floor': '2024-01-01 10:00:30', 'marks': [['2024-01-01 10:01:00', '2024-01-01 10:00:59']]}
    """
    previous = state or {}
    marks = [list(m) for m in previous.get("marks", [])] + [[at, encode(high)]]
    if oldest is None:
        return {"floor": encode(high), "marks": []}
    usable = [m for m in marks if m[0] <= oldest]
    floor = usable[-1][1] if usable else previous.get("floor")
    if _temporal(high):  # a writer's timestamps are no older than its start: also a floor
        bound = min(str(encode(high)), oldest)
        floor = bound if floor is None else max(str(floor), bound)
    return {"floor": floor, "marks": [m for m in marks if m[0] > oldest]}


def _temporal(value: Any) -> bool:
    if isinstance(value, datetime):
        return True
    if not isinstance(value, str):
        return False
    try:
        datetime.fromisoformat(value)
    except ValueError:
        return False
    return True


# -- EXPLAIN ---------------------------------------------------------------------------------


def render_build(op: IncrementalBuild, catalog: str) -> list[str]:
    key = ", ".join(quote_name(c) for c in op.key)
    pks = [quote_name(c) for c in pair_columns(op.pairs) if c.startswith("_p")]
    statements = [sql for _, sql in op.watermarks]
    statements += [
        WRITERS,
        f"CREATE TABLE {op.target.sql()} ENGINE=InnoDB AS SELECT * FROM ({op.query}) AS "
        "`_jasmine_q` LIMIT 0",
    ]
    if op.key:
        statements.append(f"ALTER TABLE {op.target.sql()} ADD PRIMARY KEY ({key})")
    else:
        statements.append(f"ALTER TABLE {op.target.sql()} ADD COLUMN {HIDDEN_KEY}")
    statements += [
        f"CREATE TABLE {op.lineage.sql()} ENGINE=InnoDB AS {op.pairs} LIMIT 0",
        f"ALTER TABLE {op.lineage.sql()} ADD INDEX `_jasmine_driving` ({', '.join(pks)}), "
        f"ADD COLUMN {HIDDEN_KEY}",
        "START TRANSACTION WITH CONSISTENT SNAPSHOT, READ ONLY  -- a second connection",
        f"{op.query}  -- each row: INSERT INTO {op.target.sql()} VALUES (...)",
        f"{op.pairs}  -- each row: INSERT INTO {op.lineage.sql()} VALUES (...)",
        "COMMIT",
        CATALOG_UPDATE.format(catalog=catalog, value="@watermarks", id="@id", fence="@fence"),
    ]
    return statements


def render_refresh(op: IncrementalRefresh, catalog: str) -> list[str]:
    changed, keys = scratch_table(op.target, CHANGED), scratch_table(op.target, KEYS)
    p = [f"`_p{i}`" for i in range(len(op.primary_key))]
    k = [f"`_k{j}`" for j in range(len(op.key))]
    floors = ", ".join(f"@jasmine_floor_{i} = @floor" for i in range(len(op.watermarks)))
    labels = ", ".join(label for label, _ in op.watermarks)
    on = " AND ".join(f"`_l`.{c} = `_c`.{c}" for c in p)
    statements = [sql for _, sql in op.watermarks]
    statements += [
        WRITERS,
        f"SET {floors}  -- the stored floors of {labels}",
        "SET TRANSACTION ISOLATION LEVEL REPEATABLE READ",
        "START TRANSACTION WITH CONSISTENT SNAPSHOT",
        *op.changed,
        "-- when any row was read above:",
        f"CREATE TEMPORARY TABLE {changed} AS SELECT {', '.join(p)} FROM {op.lineage.sql()} "
        "LIMIT 0",
        f"INSERT INTO {changed} VALUES (...)  -- the rows above",
        f"SELECT {', '.join(f'`_l`.{c}' for c in p + k)} FROM {changed} AS `_c` STRAIGHT_JOIN "
        f"{op.lineage.sql()} AS `_l` ON {on}  -- their pairs before",
        f"{op.pairs}  -- their pairs now",
    ]
    if op.key:
        statements += [
            f"CREATE TEMPORARY TABLE {keys} AS SELECT {', '.join(k)} FROM {op.lineage.sql()} "
            "LIMIT 0",
            f"INSERT INTO {keys} VALUES (...)  -- the output keys of both",
            op.recompute,
            f"SELECT `_t`.* FROM {keys} AS `_l` STRAIGHT_JOIN {op.target.sql()} AS `_t` ON ...",
            f"DELETE FROM {op.target.sql()} WHERE ...  -- per key no longer in the result",
            f"INSERT INTO {op.target.sql()} VALUES (...) ON DUPLICATE KEY UPDATE ...  -- the "
            "recomputed rows that differ",
            f"{op.recompute_null}  -- per output key holding NULL, then DELETE and INSERT",
        ]
    else:
        statements += [op.recompute, f"DELETE FROM {op.target.sql()}"]
        statements.append(f"INSERT INTO {op.target.sql()} VALUES (...)  -- the recomputed row")
    statements += [
        _delete_joined(op.lineage, changed, p, p) + "  -- rows whose pairs changed",
        f"INSERT INTO {op.lineage.sql()} VALUES (...)  -- their pairs now",
        CATALOG_UPDATE.format(catalog=catalog, value="@watermarks", id="@id", fence="@fence"),
        "COMMIT",
    ]
    return statements


def quote_name(identifier: str) -> str:
    return exp.to_identifier(identifier, quoted=True).sql("mysql")


def _delete_joined(table: Name, listed: str, mine: Sequence[str], theirs: Sequence[str]) -> str:
    """DELETE the rows of `table` listed in a temporary table, as a join (MariaDB runs a
    single-table DELETE ... IN (SELECT ...) as a dependent subquery: a full scan); the listed
    rows first, each finding its rows by the table's key."""
    on = " AND ".join(f"`_t`.{a} = `_l`.{b}" for a, b in zip(mine, theirs, strict=True))
    return f"DELETE `_t` FROM {listed} AS `_l` STRAIGHT_JOIN {table.sql()} AS `_t` ON {on}"


def scratch_table(target: Name, name: str) -> str:
    """A refresh's scratch table `name`, in the target's schema."""
    return Name(target.schema, name).sql()


def pair_columns(pairs: str) -> list[str]:
    """The output column names of the lineage query `pairs`."""
    tree = sqlglot.parse_one(pairs, read="mysql")
    return [str(e.alias) for e in tree.expressions if e.alias] if tree else []


# -- running ---------------------------------------------------------------------------------


class Run:
    """One operation on the step's connection (a raw pymysql cursor: one transaction)."""

    def __init__(self, conn: Connection, catalog: Name | None, default_schema: str | None) -> None:
        raw = conn.connection.driver_connection
        assert isinstance(raw, pymysql.connections.Connection)
        self.raw = raw
        self.cur = raw.cursor()
        self.catalog = catalog
        self.galera = on_galera(conn)
        if default_schema:
            self.cur.execute(f"USE {quote_name(default_schema)}")

    def execute(self, sql: str, args: Any = None, many: bool = False) -> None:
        """Run one statement (`many`: executemany over `args`), its time in the debug log."""
        started = time.perf_counter()
        if many:
            self.cur.executemany(sql, args)
        else:
            self.cur.execute(sql, args)
        if logger.isEnabledFor(logging.DEBUG):
            elapsed = (time.perf_counter() - started) * 1000
            rows = f" x{len(args)}" if many else ""
            logger.debug(
                "incremental statement ms=%.1f sql=%s%s", elapsed, " ".join(sql.split()), rows
            )

    def all(self, sql: str, args: Sequence[Any] | None = None) -> list[tuple[Any, ...]]:
        self.execute(sql, args)
        return [tuple(r) for r in self.cur.fetchall()]

    def columns(self, table: Name) -> list[str]:
        self.cur.execute(f"SELECT * FROM {table.sql()} LIMIT 0")
        self.cur.fetchall()
        return [str(d[0]) for d in self.cur.description or ()]

    def insert(
        self,
        table: Name,
        rows: Iterable[Sequence[Any]],
        width: int,
        upsert: Sequence[str] = (),
        key: Sequence[str] = (),
    ) -> int:
        """INSERT the rows in batches (values as parameters; names' % escaped). `upsert`: the
        table's columns, the rows replacing those of the same `key` (ON DUPLICATE KEY UPDATE)."""
        columns, suffix = "", ""
        if upsert:
            columns = f" ({', '.join(quote_name(c) for c in upsert)})"
            keyed = {c.lower() for c in key}
            # every column the key: the row is there or not (a no-op update, not IGNORE)
            kept = [quote_name(c) for c in upsert if c.lower() not in keyed] or [
                quote_name(upsert[0])
            ]
            suffix = " ON DUPLICATE KEY UPDATE " + ", ".join(f"{c} = VALUES({c})" for c in kept)
        head = f"INSERT INTO {table.sql()}{columns} VALUES ".replace("%", "%%")
        template = f"{head}({', '.join(['%s'] * width)}){suffix.replace('%', '%%')}"
        batch: list[Sequence[Any]] = []
        count = 0
        for row in rows:
            batch.append(row)
            if len(batch) >= BATCH:
                self.execute(template, batch, many=True)
                count, batch = count + len(batch), []
        if batch:
            self.execute(template, batch, many=True)
            count += len(batch)
        return count

    def marks(
        self, watermarks: Sequence[tuple[str, str]], settle: bool = False
    ) -> tuple[list[tuple[Any, ...]], str | None]:
        """(time, highest, lowest) per tracked column, and the oldest writer's start (or when
        INNODB_TRX was last seen current): read before the snapshot is taken. `settle` waits
        until the marks just taken are older than what INNODB_TRX may lag behind."""
        reads = [self.all(sql)[0] for _, sql in watermarks]
        if settle and reads:
            time.sleep(TRX_CACHE)
        try:
            started, now = self.all(WRITERS)[0]
            seen = now - timedelta(seconds=TRX_CACHE)
            oldest = seen if started is None else min(started, seen)
            if self.galera:  # other nodes' writers are not listed here: a margin for them
                oldest = min(oldest, now - timedelta(seconds=CLUSTER_MARGIN))
        except pymysql.err.MySQLError:  # no PROCESS privilege: a margin instead
            oldest = reads[0][0] - timedelta(seconds=MARGIN) if reads else None
        return reads, None if oldest is None else encode(oldest)

    def save(self, context: StepContext, watermarks: dict[str, Any]) -> None:
        """Write the watermarks to the catalog row, only under the step's lease."""
        if context.catalog is None:
            return
        sql = CATALOG_UPDATE.format(catalog=context.catalog.sql(), value="%s", id="%s", fence="%s")
        self.execute(
            sql, (json.dumps(watermarks, sort_keys=True), context.materialization, context.fence)
        )
        if self.cur.rowcount != 1:
            raise LeaseLost(f"the lease was taken over (fence {context.fence}): nothing written")


def new_watermarks(
    context: StepContext,
    watermarks: Sequence[tuple[str, str]],
    reads: list[tuple[Any, ...]],
    oldest: str | None,
    fresh: bool,
) -> dict[str, Any]:
    out = dict(context.watermarks) if not fresh else {}
    for (label, _), (at, high, _low) in zip(watermarks, reads, strict=True):
        previous = None if fresh else context.watermarks.get(label)
        out[label] = advance(previous, str(encode(at)), high, oldest)
    return out


def create_keyed(run: Run, target: Name, query: str, key: Sequence[str]) -> None:
    """The empty `target` with the columns of `query`, keyed by `key`: its primary key, or a
    UNIQUE key beside the hidden primary key when a key column is nullable (or no key at all)."""
    run.execute(
        f"CREATE TABLE {target.sql()} ENGINE=InnoDB AS SELECT * FROM ({query}) AS "
        "`_jasmine_q` LIMIT 0"
    )
    if not key:
        run.execute(f"ALTER TABLE {target.sql()} ADD COLUMN {HIDDEN_KEY}")
        return
    nullable = run.all(
        "SELECT COUNT(*) FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = %s AND "
        f"TABLE_NAME = %s AND IS_NULLABLE = 'YES' AND COLUMN_NAME IN "
        f"({', '.join(['%s'] * len(key))})",
        (target.schema, target.name, *key),
    )[0][0]
    kind = "UNIQUE KEY `_jasmine_key`" if nullable else "PRIMARY KEY"
    columns = ", ".join(quote_name(c) for c in key)
    hidden = f", ADD COLUMN {HIDDEN_KEY}" if nullable else ""  # a UNIQUE key is not one
    run.execute(f"ALTER TABLE {target.sql()} ADD {kind} ({columns}){hidden}")


@contextmanager
def consistent_read(engine: Any, default_schema: str | None) -> Iterator[Any]:
    """An unbuffered cursor in a read-only REPEATABLE READ transaction with a consistent
    snapshot, on a connection of its own (a build's single read of its sources), committed on
    leaving."""
    with engine.connect() as other:
        cur = other.connection.driver_connection.cursor(pymysql.cursors.SSCursor)
        try:
            cur.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
            cur.execute("START TRANSACTION WITH CONSISTENT SNAPSHOT, READ ONLY")
            if default_schema:
                cur.execute(f"USE {quote_name(default_schema)}")
            yield cur
            cur.execute("COMMIT")
        finally:
            cur.close()


def build(
    engine: Any, conn: Connection, op: IncrementalBuild, default_schema: str | None,
    context: StepContext,
) -> None:  # fmt: skip
    run = Run(conn, context.catalog, default_schema)
    reads, oldest = run.marks(op.watermarks, settle=True)
    create_keyed(run, op.target, op.query, op.key)
    run.execute(f"CREATE TABLE {op.lineage.sql()} ENGINE=InnoDB AS {op.pairs} LIMIT 0")
    names = run.columns(op.lineage)
    driving = ", ".join(quote_name(n) for n in names if n.startswith("_p"))
    run.execute(
        f"ALTER TABLE {op.lineage.sql()} ADD INDEX `_jasmine_driving` ({driving}), "
        f"ADD COLUMN {HIDDEN_KEY}"
    )
    width = len(run.columns(op.target))
    with consistent_read(engine, default_schema) as cur:
        cur.execute(op.query)
        run.insert(op.target, cur, width)
        cur.execute(op.pairs)
        run.insert(op.lineage, cur, len(names))
    watermarks = new_watermarks(context, op.watermarks, reads, oldest, fresh=True)
    run.save(context, watermarks)
    context.watermarks = watermarks


def refresh(
    conn: Connection, op: IncrementalRefresh, default_schema: str | None, context: StepContext
) -> int:
    """One refresh; returns how many output rows it recomputed."""
    run = Run(conn, context.catalog, default_schema)
    logger.debug("incremental refresh begins %s", op.target)
    reads, oldest = run.marks(op.watermarks)
    floors = [
        floor_value((context.watermarks.get(label) or {}).get("floor"), low)
        for (label, _), (_at, _high, low) in zip(op.watermarks, reads, strict=True)
    ]
    if floors:
        run.execute(
            "SET " + ", ".join(f"@jasmine_floor_{i} = %s" for i in range(len(floors))), floors
        )
    recomputed = 0
    temporary = f"{scratch_table(op.target, CHANGED)}, {scratch_table(op.target, KEYS)}"
    run.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
    run.execute("START TRANSACTION WITH CONSISTENT SNAPSHOT")
    found: set[tuple[Any, ...]] = set()
    try:
        for sql in op.changed:
            found.update(run.all(sql))
        if found:  # nothing past the floors: only the watermarks move
            recomputed = _recompute(run, op, found)
        if os.environ.get(CRASH_AFTER) == "refresh:IncrementalRefresh.data":
            logger.warning("%s: killing this process before the watermarks", CRASH_AFTER)
            os.kill(os.getpid(), signal.SIGKILL)
        watermarks = new_watermarks(context, op.watermarks, reads, oldest, fresh=False)
        run.save(context, watermarks)
        run.execute("COMMIT")
    except BaseException:
        run.execute("ROLLBACK")
        raise
    finally:
        if found:
            run.execute(f"DROP TEMPORARY TABLE IF EXISTS {temporary}")
    context.watermarks = watermarks
    return recomputed


def _recompute(run: Run, op: IncrementalRefresh, found: set[tuple[Any, ...]]) -> int:
    """Within the refresh's transaction: the output rows of the keys the changed driving rows
    `found` fed before (the lineage) and feed now (`pairs`) recomputed, the rows that differ
    written, the lineage pairs that changed replaced."""
    changed, keys = scratch_table(op.target, CHANGED), scratch_table(op.target, KEYS)
    width = len(op.primary_key)
    p = [f"`_p{i}`" for i in range(width)]
    k = [f"`_k{j}`" for j in range(len(op.key))]
    run.execute(f"DROP TEMPORARY TABLE IF EXISTS {changed}, {keys}")
    run.execute(
        f"CREATE TEMPORARY TABLE {changed} AS SELECT {', '.join(p)} FROM {op.lineage.sql()} LIMIT 0"
    )
    run.insert(Name(op.target.schema, CHANGED), found, width)
    on = " AND ".join(f"`_l`.{c} = `_c`.{c}" for c in p)
    old = set(
        run.all(
            f"SELECT {', '.join(f'`_l`.{c}' for c in p + k)} FROM {changed} AS `_c` "
            f"STRAIGHT_JOIN {op.lineage.sql()} AS `_l` ON {on}"
        )
    )
    new = set(run.all(op.pairs))
    recomputed = _write_target(run, op, {pair[width:] for pair in old | new}, keys, k)
    # the lineage: only the driving rows whose pairs changed (gone, new or moved)
    moved = {pair[:width] for pair in old ^ new}
    stale = moved & {pair[:width] for pair in old}
    if stale:
        run.execute(f"DELETE FROM {changed}")
        run.insert(Name(op.target.schema, CHANGED), stale, width)
        run.execute(_delete_joined(op.lineage, changed, p, p))
    run.insert(op.lineage, [pair for pair in new if pair[:width] in moved], width + len(op.key))
    return recomputed


def _write_target(
    run: Run, op: IncrementalRefresh, affected: set[tuple[Any, ...]], keys: str, k: list[str]
) -> int:
    """Recompute the output rows of the `affected` keys; write those that differ from the
    stored ones, delete those whose key is gone. Returns how many rows were recomputed."""
    if not op.key:  # one output row (no GROUP BY): recomputed whole
        rows = run.all(op.recompute)
        run.execute(f"DELETE FROM {op.target.sql()}")
        run.insert(op.target, rows, len(rows[0]) if rows else 0)
        return len(rows)
    plain = [key for key in affected if None not in key]
    recomputed = 0
    if plain:
        run.execute(
            f"CREATE TEMPORARY TABLE {keys} AS SELECT {', '.join(k)} FROM {op.lineage.sql()} "
            "LIMIT 0"
        )
        run.insert(Name(op.target.schema, KEYS), plain, len(op.key))
        fresh = run.all(op.recompute)
        on = " AND ".join(
            f"`_t`.{quote_name(c)} = `_l`.{b}" for c, b in zip(op.key, k, strict=True)
        )
        stored = run.all(
            f"SELECT `_t`.* FROM {keys} AS `_l` STRAIGHT_JOIN {op.target.sql()} AS `_t` ON {on}"
        )
        columns = [str(d[0]) for d in run.cur.description or ()]
        lowered = [c.lower() for c in columns]
        at = [lowered.index(c.lower()) for c in op.key]
        before = {tuple(row[i] for i in at): row for row in stored}
        after = {tuple(row[i] for i in at): row for row in fresh}
        gone = [key for key in before if key not in after]
        if gone:
            same = " AND ".join(f"{quote_name(c)} = %s" for c in op.key)
            run.execute(f"DELETE FROM {op.target.sql()} WHERE {same}", gone, many=True)
        differ = [row for key, row in after.items() if before.get(key) != row]
        run.insert(op.target, differ, len(columns), upsert=columns, key=op.key)
        recomputed = len(fresh)
    for key in (key for key in affected if None in key):  # NULL-safe, one key at a time
        run.execute("SET " + ", ".join(f"@jasmine_k{j} = %s" for j in range(len(key))), key)
        rows = run.all(op.recompute_null)
        same = " AND ".join(f"{quote_name(c)} <=> @jasmine_k{j}" for j, c in enumerate(op.key))
        run.execute(f"DELETE FROM {op.target.sql()} WHERE {same}")
        run.insert(op.target, rows, len(rows[0]) if rows else 0)
        recomputed += len(rows)
    return recomputed
