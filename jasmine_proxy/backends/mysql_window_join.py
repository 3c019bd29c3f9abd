"""MySQL/MariaDB: running `window_join`'s operations (`WindowJoinBuild`, `WindowJoinRefresh`).

Watermarks, in the catalog's `watermarks` JSON, per stream `s` (its alias):

- `s.<id>`: the arrival watermark of the stream's auto-increment key, kept exactly as
  `incremental` keeps its own (`mysql_incremental.advance`: a floor, and the marks that hold it
  back while transactions that may commit lower ids are open; a refresh reads the rows at or
  past the floor, so a row committed late with a lower id is still read);
- `s.<ts>`: `{"high": ...}`, the stream's event-time watermark: the latest timestamp of the rows
  below the arrival floor;
- `late`: `{s: count}`, the rows found arriving later than `allowed_lateness`.

A refresh reads each stream's rows at or past its floor in id order and walks them with the
event-time watermark: a row whose timestamp is older than the latest timestamp of the rows that
arrived before it minus `allowed_lateness` is late. Rows read again (at or past a floor held
back) are judged the same way again; the late table's key (stream, id) makes a row count once.

Everything a refresh writes (the new pairs, the late rows, the late event, the watermarks) is
written in one transaction on one connection, the catalog writes guarded by the step's lease
fence: a crash leaves all of it or none. Reads are consistent reads of one snapshot, taking no
locks on the streams, so appends never wait for a refresh.
"""

from __future__ import annotations

import logging
import os
import signal
from collections.abc import Iterable, Sequence
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy.engine import Connection

from jasmine_proxy.backends import StepContext
from jasmine_proxy.backends.mysql_incremental import (
    BATCH,
    CATALOG_UPDATE,
    CRASH_AFTER,
    WRITERS,
    Run,
    consistent_read,
    create_keyed,
    encode,
    floor_value,
    new_watermarks,
    quote_name,
)
from jasmine_proxy.catalog import LeaseLost
from jasmine_proxy.options import interval_text
from jasmine_proxy.plan import Name, WindowJoinBuild, WindowJoinRefresh

logger = logging.getLogger(__name__)

LATE_TABLE = (
    "CREATE TABLE IF NOT EXISTS {late} (`stream` VARCHAR(64) NOT NULL, `id` BIGINT NOT NULL, "
    "`ts` VARCHAR(64), `watermark` VARCHAR(64), `found` DATETIME(6) NOT NULL, "
    "PRIMARY KEY (`stream`, `id`)) ENGINE=InnoDB"
)
LATE_EVENT = (
    "INSERT INTO {events} (materialization_id, schema_name, name, event, from_state, to_state, "
    "started, `rows`, error) SELECT id, schema_name, name, 'late', state, state, NOW(6), {rows}, "
    "{error} FROM {catalog} WHERE id = {id} AND fence = {fence}"
)


# -- the event-time arithmetic (pure) ---------------------------------------------------------


def moment(value: Any) -> Any:
    """A timestamp as stored in the catalog's JSON, back as a comparable value.

    >>> moment("2024-05-01 12:00:01"), moment("1.5"), moment(7), moment(None)
    (datetime.datetime(2024, 5, 1, 12, 0, 1), Decimal('1.5'), 7, None)
    """
    if not isinstance(value, str):
        return value
    try:
        return datetime.fromisoformat(value)
    except ValueError:
        pass
    try:
        return Decimal(value)
    except ArithmeticError:
        return value


def earlier(value: Any, lateness: float) -> Any:
    """`value` minus `lateness` seconds, in the value's own kind (a timestamp, a number).

    >>> earlier(datetime(2024, 5, 1, 12, 0, 10), 5), earlier(100, 2.5), earlier(Decimal("3"), 1)
    (datetime.datetime(2024, 5, 1, 12, 0, 5), 97.5, Decimal('2'))
    """
    if isinstance(value, datetime | date):
        return value - timedelta(seconds=lateness)
    if isinstance(value, Decimal):
        return value - Decimal(str(lateness))
    if isinstance(value, int | float):
        return value - lateness
    return value  # a kind with no arithmetic: late only when older than the watermark


def judge(
    rows: Iterable[Sequence[Any]], high: Any, lateness: float, floor: Any
) -> tuple[list[tuple[Any, Any, Any]], Any]:
    """Walk a stream's rows (id, timestamp) in id order, from `high`, the event-time watermark
    of the rows before them: the late rows, as (id, timestamp, the watermark they missed), and
    the event-time watermark of the rows below `floor` (the next floor).

    >>> judge([(5, 10), (6, 4), (7, 9), (8, 12)], high=8, lateness=2, floor=8)
    ([(6, 4, 10)], 10)
    """
    late: list[tuple[Any, Any, Any]] = []
    running = below = moment(high)
    for id_, ts in rows:
        if ts is not None:
            if running is not None and _older(ts, earlier(running, lateness)):
                late.append((id_, ts, running))
            if running is None or _older(running, ts):
                running = ts
        if floor is not None and id_ < floor:
            below = running
    return late, below


def _older(a: Any, b: Any) -> bool:
    """a < b, comparing a date with a datetime as MySQL does (the date at midnight)."""
    if isinstance(a, date) and not isinstance(a, datetime) and isinstance(b, datetime):
        a = datetime(a.year, a.month, a.day)
    if isinstance(b, date) and not isinstance(b, datetime) and isinstance(a, datetime):
        b = datetime(b.year, b.month, b.day)
    return bool(a < b)


# -- EXPLAIN ---------------------------------------------------------------------------------


def render_build(op: WindowJoinBuild, catalog: str) -> list[str]:
    key = ", ".join(quote_name(c) for c in op.key)
    return [
        *(sql for _, sql in op.watermarks),
        WRITERS,
        f"CREATE TABLE {op.target.sql()} ENGINE=InnoDB AS SELECT * FROM ({op.query}) AS "
        "`_jasmine_q` LIMIT 0",
        f"ALTER TABLE {op.target.sql()} ADD PRIMARY KEY ({key})",
        LATE_TABLE.format(late=op.late.sql()),
        "START TRANSACTION WITH CONSISTENT SNAPSHOT, READ ONLY  -- a second connection",
        f"{op.query}  -- each row: INSERT INTO {op.target.sql()} VALUES (...)",
        *(
            f"SET @jasmine_floor_{i} = @floor  -- the new floor of {label}"
            for i, (label, _) in enumerate(op.watermarks)
        ),
        *(
            f"{sql}  -- the event-time watermark of {s}"
            for s, sql in zip(op.streams, op.highs, strict=True)
        ),
        "COMMIT",
        CATALOG_UPDATE.format(catalog=catalog, value="@watermarks", id="@id", fence="@fence"),
    ]


def render_refresh(op: WindowJoinRefresh, catalog: str) -> list[str]:
    late = op.late.sql()
    return [
        *(sql for _, sql in op.watermarks),
        WRITERS,
        *(
            f"SET @jasmine_floor_{i} = @floor  -- stored floor of {label}"
            for i, (label, _) in enumerate(op.watermarks)
        ),
        "SET TRANSACTION ISOLATION LEVEL REPEATABLE READ",
        "START TRANSACTION WITH CONSISTENT SNAPSHOT",
        *(f"{sql}  -- rows later than {interval_text(op.lateness)}: late" for sql in op.arrivals),
        *(f"{sql}  -- the new pairs" for sql in op.pairs),
        f"{_upsert(op.target, ['...'], op.key[0])}  -- the pairs read above",
        f"{_upsert(op.late, ['...'], 'stream')}  -- the late rows",
        f"SELECT `stream`, COUNT(*) FROM {late} GROUP BY `stream`",
        LATE_EVENT.format(
            events=_events(catalog),
            catalog=catalog,
            rows="@late",
            error="@message",
            id="@id",
            fence="@fence",
        )
        + "  -- when rows were late",
        CATALOG_UPDATE.format(catalog=catalog, value="@watermarks", id="@id", fence="@fence"),
        "COMMIT",
    ]


def _upsert(table: Name, values: Sequence[str], column: str) -> str:
    """INSERT ... ON DUPLICATE KEY UPDATE that keeps the row there (a pair stored already)."""
    column = quote_name(column)
    return (
        f"INSERT INTO {table.sql()} VALUES ({', '.join(values)}) "
        f"ON DUPLICATE KEY UPDATE {column} = {column}"
    )


def _events(catalog: str) -> str:
    """The catalog's events table, beside its materializations table."""
    return catalog.replace("materializations`", "events`")


# -- running ---------------------------------------------------------------------------------


def _insert(run: Run, table: Name, rows: Sequence[Sequence[Any]], column: str) -> None:
    """Upsert `rows` into `table` in batches (values as parameters; `%` in names escaped)."""
    if not rows:
        return
    sql = _upsert(table, ["%s"] * len(rows[0]), column.replace("%", "%%"))
    sql = sql.replace(table.sql(), table.sql().replace("%", "%%"), 1)
    for start in range(0, len(rows), BATCH):
        run.cur.executemany(sql, rows[start : start + BATCH])


def build(
    engine: Any, conn: Connection, op: WindowJoinBuild, default_schema: str | None,
    context: StepContext,
) -> None:  # fmt: skip
    run = Run(conn, context.catalog, default_schema)
    reads, oldest = run.marks(op.watermarks, settle=True)
    create_keyed(run, op.target, op.query, op.key)
    run.cur.execute(LATE_TABLE.format(late=op.late.sql()))
    watermarks = new_watermarks(context, op.watermarks, reads, oldest, fresh=True)
    width = len(run.columns(op.target))
    with consistent_read(engine, default_schema) as cur:
        cur.execute(op.query)
        run.insert(op.target, cur, width)
        for i, ((label, _), (_at, _high, low)) in enumerate(zip(op.watermarks, reads, strict=True)):
            floor = floor_value(watermarks[label].get("floor"), low)
            cur.execute(f"SET @jasmine_floor_{i} = %s", (floor,))
            cur.execute(op.highs[i])
            high = cur.fetchall()[0][0]
            watermarks[_time_label(op, i)] = {"high": encode(high)}
    watermarks["late"] = dict(context.watermarks.get("late") or {})  # a rebuild keeps counting
    run.save(context, watermarks)
    context.watermarks = watermarks


def _time_label(op: WindowJoinBuild | WindowJoinRefresh, i: int) -> str:
    return f"{op.streams[i]}.time"


def refresh(
    conn: Connection, op: WindowJoinRefresh, default_schema: str | None, context: StepContext
) -> int:
    """One refresh; returns how many pairs it read (new ones, and any read again)."""
    run = Run(conn, context.catalog, default_schema)
    reads, oldest = run.marks(op.watermarks)
    floors = []
    for i, ((label, _), (_at, _high, low)) in enumerate(zip(op.watermarks, reads, strict=True)):
        floors.append(floor_value((context.watermarks.get(label) or {}).get("floor"), low))
        run.cur.execute(f"SET @jasmine_floor_{i} = %s", (floors[-1],))
    watermarks = new_watermarks(context, op.watermarks, reads, oldest, fresh=False)
    run.cur.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
    run.cur.execute("START TRANSACTION WITH CONSISTENT SNAPSHOT")
    try:
        late_rows = _late(run, op, context, watermarks)
        pairs = [row for sql in op.pairs for row in run.all(sql)]
        _insert(run, op.target, pairs, op.key[0])
        _insert(run, op.late, late_rows, "stream")
        counts = dict(run.all(f"SELECT `stream`, COUNT(*) FROM {op.late.sql()} GROUP BY `stream`"))
        before = context.watermarks.get("late") or {}
        watermarks["late"] = {s: int(counts.get(s, 0)) for s in op.streams}
        found = {s: watermarks["late"][s] - int(before.get(s, 0)) for s in op.streams}
        if os.environ.get(CRASH_AFTER) == "refresh:WindowJoinRefresh.data":
            logger.warning("%s: killing this process before the watermarks", CRASH_AFTER)
            os.kill(os.getpid(), signal.SIGKILL)
        if any(found.values()):
            _record_late(run, op, context, found)
        run.save(context, watermarks)
        run.cur.execute("COMMIT")
    except BaseException:
        run.cur.execute("ROLLBACK")
        raise
    context.watermarks = watermarks
    return len(pairs)


def _late(
    run: Run, op: WindowJoinRefresh, context: StepContext, watermarks: dict[str, Any]
) -> list[tuple[Any, ...]]:
    """Each stream's rows past its floor judged late or not; the event-time watermarks moved
    to the new floors. The late rows as rows of the late table."""
    found: list[tuple[Any, ...]] = []
    at = encode(run.all("SELECT NOW(6)")[0][0])
    for i, ((label, _), stream) in enumerate(zip(op.watermarks, op.streams, strict=True)):
        high = (context.watermarks.get(_time_label(op, i)) or {}).get("high")
        floor = moment(watermarks[label].get("floor"))
        late, below = judge(run.all(op.arrivals[i]), high, op.lateness, floor)
        watermarks[_time_label(op, i)] = {"high": encode(below)}
        found += [(stream, id_, encode(ts), encode(mark), at) for id_, ts, mark in late]
    return found


def _record_late(
    run: Run, op: WindowJoinRefresh, context: StepContext, found: dict[str, int]
) -> None:
    """The `late` event, in the data's transaction and under the lease fence."""
    if context.catalog is None:
        return
    total = sum(found.values())
    parts = ", ".join(f"{n} of {s}" for s, n in found.items() if n)
    message = (
        f"{total} row{'s' * (total != 1)} arrived later than allowed_lateness "
        f"({interval_text(op.lateness)}): {parts}; joined all the same, listed in {op.late}"
    )
    catalog = context.catalog.sql()
    run.cur.execute(
        LATE_EVENT.format(
            events=_events(catalog), catalog=catalog, rows="%s", error="%s", id="%s", fence="%s"
        ),
        (total, message, context.materialization, context.fence),
    )
    if run.cur.rowcount != 1:
        raise LeaseLost(f"the lease was taken over (fence {context.fence}): nothing written")
